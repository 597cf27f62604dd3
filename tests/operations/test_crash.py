"""Crash safety, really done: ingests, rebuilds, re-extractions and forgets SIGKILLed at
random moments, then run to the end."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from functools import partial
from pathlib import Path

import pytest

from archive.contract.settings import CLEANER_VERSION
from tests.corpus import write_corpus
from tests.crashing import ROOT, archive_command, crash_loop

ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def _run(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(archive_command(home, *args), capture_output=True, text=True, env=ENV, timeout=300)


def _killed_after(home: Path, args: tuple[str, ...], seconds: float) -> bool:
    """Start an archive command, SIGKILL it after ``seconds`` unless it has ended; True when
    it was killed."""
    proc = subprocess.Popen(archive_command(home, *args), env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return killed


def _killed_when(home: Path, args: tuple[str, ...], happened, timeout: float = 120) -> bool:
    """Start an archive command and SIGKILL it as soon as ``happened()`` is true (polled),
    unless it has ended first; True when it was killed."""
    proc = subprocess.Popen(archive_command(home, *args), env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline and not happened():
        time.sleep(0.05)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return killed


def _assert_intact(figures) -> None:
    print("crash figures:", figures.to_dict())
    assert figures.records_lost == 0
    assert figures.reported_lost == 0
    assert figures.versions_lost == 0
    assert figures.duplicates == 0
    assert figures.index_mismatch == 0
    assert figures.check_exit == 0


def test_ingest_survives_kills(tmp_path: Path) -> None:
    figures = crash_loop(tmp_path / "home", tmp_path / "corpus", kills=5, seed=7)
    assert figures.kills == 5 and figures.articles >= 100
    assert figures.kills_after_commit >= 3  # the kills landed while files were being stored
    _assert_intact(figures)


def _searchable(home: Path) -> int:
    return json.loads(_run(home, "stats", "--json").stdout)["indexed"]


def test_repeated_kills_still_make_stored_articles_searchable(tmp_path: Path) -> None:
    """Killed as soon as its first index update shows, each run leaves more articles
    searchable than the one before: the index is brought up to date early in every run,
    not only at the end of one that is never allowed to finish."""
    from tests.crashing import _Run

    total = 4000  # one extracting process stores far fewer than these before the 3 s update
    pages = tmp_path / "in"
    write_corpus(pages, total)
    home = tmp_path / "home"
    counts = [0]
    for _ in range(3):
        run = _Run(archive_command(home, "ingest", "--json-lines", "--wait", "60", "--jobs", "1",
                                   str(pages)), ENV)
        assert run.first_line.wait(60)
        deadline = time.monotonic() + 90
        grew_while_running = False
        while run.proc.poll() is None and time.monotonic() < deadline:
            if _searchable(home) > counts[-1]:
                grew_while_running = run.proc.poll() is None
                break
            time.sleep(0.2)
        if run.proc.poll() is None:
            run.proc.send_signal(signal.SIGKILL)
        run.finish()
        counts.append(_searchable(home))
        if not grew_while_running:
            break  # the run ended before an update could be seen: nothing left to show
        assert counts[-1] > counts[-2]  # searchable while the run was still storing
    print("searchable after each kill:", counts[1:])
    assert 0 < counts[1] < total  # the first run was killed after an early index update
    final = _run(home, "ingest", str(pages))
    assert final.returncode == 0 and _searchable(home) == total


@pytest.mark.slow
def test_ingest_survives_twenty_kills(tmp_path: Path) -> None:
    figures = crash_loop(tmp_path / "home", tmp_path / "corpus", kills=25, seed=2024)
    assert figures.kills == 25
    _assert_intact(figures)


def test_reindex_killed_at_any_moment_leaves_a_searchable_index(tmp_path: Path) -> None:
    """A rebuild is written beside the index in use; killing it loses nothing and the next
    one finishes."""
    home = tmp_path / "home"
    write_corpus(tmp_path / "pages", 400)
    run = partial(_run, home)

    assert run("ingest", str(tmp_path / "pages")).returncode == 0
    expected = json.loads(run("search", "--json", "--limit", "1").stdout)["total"]
    started = time.monotonic()
    assert run("reindex").returncode == 0
    took = time.monotonic() - started
    rng = random.Random(11)
    kills = 0
    for _ in range(5):
        kills += _killed_after(home, ("reindex",), rng.uniform(0.1, 0.7) * took)  # start-up, writing, swapping in
        assert json.loads(run("search", "--json", "--limit", "1").stdout)["total"] == expected
    assert kills >= 3
    assert "reindexed 400 articles" in run("reindex").stdout
    assert json.loads(run("search", "--json", "--limit", "1").stdout)["total"] == expected
    assert run("check").returncode == 0
    generations = list((home / "index").glob("gen-*"))
    assert len(generations) <= 2, generations  # the one in use, and at most the one before


def test_reextract_killed_at_any_moment_loses_nothing_and_resumes(tmp_path: Path) -> None:
    """Each article is rewritten in one transaction with its index-queue row, so a killed
    re-extraction leaves every record either old or new, searchable, and the next run
    finishes what is left."""

    home = tmp_path / "home"
    write_corpus(tmp_path / "pages", 200)
    run = partial(_run, home)

    def total(query: str) -> int:
        return json.loads(run("search", query, "--json", "--limit", "1").stdout)["total"]

    assert run("ingest", str(tmp_path / "pages")).returncode == 0
    articles = total("")
    # What an older cleaner left: a share line in every body, another cleaner version.
    db = sqlite3.connect(home / "archive.db")
    with db:
        rows = db.execute("SELECT article_id, version, record FROM versions").fetchall()
        for article, version, raw in rows:
            record = json.loads(raw)
            record |= {"body": record["body"] + "\n\nShare on zeppelin.", "cleaner_version": "0"}
            db.execute("UPDATE versions SET record = ? WHERE article_id = ? AND version = ?",
                       (json.dumps(record), article, version))
        db.execute("UPDATE articles SET body = body || ?, cleaner_version = '0'", ("\n\nShare on zeppelin.",))
    db.close()
    assert run("reindex").returncode == 0
    assert total("zeppelin") == articles

    def stale_now() -> int:
        db = sqlite3.connect(f"file:{home / 'archive.db'}?mode=ro", uri=True, timeout=30)
        try:
            return db.execute("SELECT COUNT(*) FROM articles WHERE cleaner_version = '0'").fetchone()[0]
        finally:
            db.close()

    kills = 0
    spoiled = articles
    for _ in range(4):
        # killed once its first re-extracted articles are committed, with others still to do
        kills += _killed_when(home, ("reextract", "--jobs", "1"), lambda before=spoiled: stale_now() < before)
        assert total("") == articles
        stale = stale_now()
        assert stale <= spoiled  # nothing repaired is undone by a kill
        spoiled = stale
        assert total("zeppelin") >= stale  # the index may lag the store (queued), never lead it
    assert kills >= 2
    summary = json.loads(run("reextract", "--json").stdout)
    assert summary["failed"] == 0 and summary["held"] == 0
    assert json.loads(run("reextract", "--json").stdout)["selected"] == 0
    db = sqlite3.connect(home / "archive.db")
    assert db.execute("SELECT COUNT(*), MIN(cleaner_version), MAX(cleaner_version) FROM articles").fetchone() == (
        articles, CLEANER_VERSION, CLEANER_VERSION)
    db.close()
    assert total("") == articles and total("zeppelin") == 0
    assert run("check").returncode == 0


def test_forget_killed_at_any_moment_leaves_each_article_whole_or_gone(tmp_path: Path) -> None:
    """The records, versions and the index's delete row go in one transaction: a killed
    `forget --purge` leaves an article either kept (record, search hit, original) or
    forgotten (none of them once the queued change is applied), never half."""

    home = tmp_path / "home"
    write_corpus(tmp_path / "pages", 40)
    run = partial(_run, home)

    assert run("ingest", str(tmp_path / "pages")).returncode == 0
    ids = sorted(json.loads(line)["id"] for line in run("export").stdout.splitlines())
    started = time.monotonic()
    assert run("forget", ids[0], "--purge").returncode == 0
    took = time.monotonic() - started
    rng = random.Random(3)
    kills = 0
    for article in ids[1:9]:
        # importing, deleting, indexing or purging
        kills += _killed_after(home, ("forget", article, "--purge"), rng.uniform(0.3, 0.9) * took)
    assert kills >= 2
    repaired = run("check", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    db = sqlite3.connect(home / "archive.db")
    kept = {row[0] for row in db.execute("SELECT id FROM articles")}
    versions = {row[0] for row in db.execute("SELECT DISTINCT article_id FROM versions")}
    db.close()
    assert versions == kept and ids[0] not in kept and set(ids[9:]) <= kept
    found = json.loads(run("search", "--json", "--limit", "100").stdout)
    assert found["total"] == len(kept) and {hit["id"] for hit in found["hits"]} == kept
    for article in kept:
        assert run("show", article, "--raw").returncode == 0  # its original is still there
    for article in set(ids) - kept:
        assert run("show", article).returncode == 1
