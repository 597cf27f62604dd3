"""Concurrency, really done: searches during rebuilds and commits, two writers at once."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

from archive.contract.search import SearchRequest
from archive.operations.service import Archive
from archive.storage.home import Home
from archive.storage.lock import WriteLock
from index.location import IndexLocation
from index.search import ArchiveSearcher
from tests.corpus import write_corpus
from tests.crashing import ROOT, archive_command


class _Searching(threading.Thread):
    """Searches in a loop until stopped, keeping every total and every error."""

    def __init__(self, home: Path) -> None:
        super().__init__(daemon=True)
        self.location = IndexLocation(Home.open(home).index_root)
        self.stop = threading.Event()
        self.totals: list[int] = []
        self.errors: list[BaseException] = []

    def run(self) -> None:
        with ArchiveSearcher(self.location) as searcher:
            while not self.stop.is_set():
                try:
                    self.totals.append(searcher.search(SearchRequest(query="report", limit=3)).total)
                except BaseException as exc:  # every failure is the finding
                    self.errors.append(exc)

    def finish(self) -> None:
        self.stop.set()
        self.join(30)


def test_searches_during_reindex_never_see_an_empty_index(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 60)
    with Archive(tmp_path / "home") as archive:
        archive.ingest([tmp_path / "in"])
        searchers = [_Searching(tmp_path / "home") for _ in range(2)]
        for s in searchers:
            s.start()
        for _ in range(4):
            assert archive.reindex() == 60
        time.sleep(0.2)
        for s in searchers:
            s.finish()
    for s in searchers:
        assert s.errors == []
        assert len(s.totals) > 10
        assert set(s.totals) == {60}


def test_searches_keep_answering_while_an_ingest_commits(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 150)
    with Archive(tmp_path / "home") as archive:
        archive.ingest([tmp_path / "in" / "report-00000.html"])
        searching = _Searching(tmp_path / "home")
        searching.start()
        summary = archive.ingest([tmp_path / "in"], sync_every=10)  # fifteen index commits
        time.sleep(0.2)
        searching.finish()
    assert summary.new == 149
    assert searching.errors == []
    assert searching.totals == sorted(searching.totals)  # only ever growing: no partial state
    assert searching.totals[0] >= 1 and searching.totals[-1] == 150


def test_a_second_writer_waits_or_stops_with_a_clear_message(run, home: Path, tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 3)
    run("ingest", str(tmp_path / "in" / "report-00000.html"))
    with WriteLock(Home.open(home).lock_path):
        busy = run("ingest", str(tmp_path / "in"), expect=1)
    assert "another archive process" in busy.stderr and "--wait" in busy.stderr
    assert json.loads(run("stats", "--json").stdout)["records"] == 1  # nothing half-done

    holder = WriteLock(Home.open(home).lock_path)
    holder.__enter__()
    threading.Timer(0.5, holder.__exit__, (None, None, None)).start()
    waited = run("ingest", str(tmp_path / "in"), "--wait", "20")
    assert "2 new" in waited.stdout


def test_two_ingest_processes_at_once_lose_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_corpus(tmp_path / "a", 80)
    write_corpus(tmp_path / "b", 80, start=80)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen(archive_command(home, "ingest", "--json", "--wait", "120", str(tmp_path / name)),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for name in ("a", "b")
    ]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert sorted(json.loads(out)["new"] for out, _ in results) == [80, 80]
    with Archive(home) as archive:
        assert archive.search(SearchRequest(query="report")).total == 160
        assert archive.check().ok


def test_reads_never_wait_on_a_writer(ingested_home: Path, tmp_path: Path) -> None:
    """A writer holding a write transaction open (an ingest storing a page) holds up no
    read: get, show --versions, diff, stats, export and search answer at once."""
    import io
    import sqlite3

    with Archive(ingested_home) as archive:
        some = archive.search(SearchRequest(limit=1)).hits[0].id
    writer = sqlite3.connect(ingested_home / "archive.db", timeout=30)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('held-open', 'yes')")
    try:
        with Archive(ingested_home, create=False) as archive:
            timings = {}
            for name, call in {
                "get": lambda: archive.get(some),
                "versions": lambda: archive.versions(some),
                "stats": archive.stats,
                "export": lambda: archive.export(io.StringIO(), "jsonl"),
                "search": lambda: archive.search(SearchRequest("missile")),
            }.items():
                call()  # the first call of a kind opens what it needs; the timed one reads
                started = time.perf_counter()
                call()
                timings[name] = time.perf_counter() - started
    finally:
        writer.rollback()
        writer.close()
    slow = {name: round(seconds, 3) for name, seconds in timings.items() if seconds > 0.1}
    assert not slow, slow
