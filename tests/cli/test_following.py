"""`archive copies` and `archive watch` through click, and a `watch run` killed mid-report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from archive.storage.store import RecordStore
from tests.conftest import FOUNDING_HTML, FOUNDING_TXT
from tests.corpus import page, write_corpus


def _ids(run, home: Path) -> dict[str, str]:  # noqa: ANN001
    """The founding article's two captures ingested; their ids by suffix."""
    run("ingest", str(FOUNDING_HTML), str(FOUNDING_TXT))
    with RecordStore.for_reading(home / "archive.db") as store:
        return {Path(r.source_path).suffix: r.id for r in store.iter_records()}


def test_copies_lists_the_other_capture_and_rebuild_refiles(run, home: Path) -> None:
    ids = _ids(run, home)
    found = json.loads(run("copies", ids[".html"], "--json").stdout)
    assert set(found) == {"id", "title", "story", "copies"} and found["id"] == ids[".html"]
    assert [c["id"] for c in found["copies"]] == [ids[".txt"]]
    copy = found["copies"][0]
    assert set(copy) == {"id", "title", "site", "url", "published", "captured", "kind", "similarity"}
    assert copy["kind"] in ("exact", "near", "contained") and 0.5 <= copy["similarity"] <= 1.0
    human = run("copies", ids[".txt"]).stdout
    assert "1 copy" in human and ids[".html"] in human
    shown = run("show", ids[".html"]).stdout
    assert "Copies of this story (1" in shown and ids[".txt"] in shown
    rebuilt = json.loads(run("copies", "--rebuild", "--json").stdout)
    assert rebuilt == {"articles": 2, "stories_with_copies": 1, "articles_with_copies": 2, "reindexed": 0}
    similar = json.loads(run("similar", ids[".html"], "--json").stdout)
    assert similar["hits"][0]["id"] == ids[".txt"] and similar["hits"][0]["copy"]["kind"] == copy["kind"]


def test_copies_wants_an_id_or_rebuild(run, home: Path) -> None:
    _ids(run, home)
    assert "give an article id, or --rebuild" in run("copies", expect=2).output
    assert "no article" in run("copies", "0123456789abcdef", expect=1).stderr


def test_watch_add_list_run_rm(run, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    write_corpus(pages, 3)
    run("ingest", str(pages))
    added = json.loads(run("watch", "add", "daily", "report", "--site", "Example News", "--json").stdout)
    assert added["name"] == "daily" and added["since_seq"] == 3 and added["filters"] == {"site": ["Example News"]}
    listed = json.loads(run("watch", "list", "--json").stdout)
    assert [w["name"] for w in listed["watches"]] == ["daily"]
    assert json.loads(run("watch", "run", "--json").stdout) == {"watches": [
        {"name": "daily", "query": "report", "filters": {"site": ["Example News"]}, "since_seq": 3, "until_seq": 3,
         "new": []}]}
    write_corpus(pages, 2, start=3)
    run("ingest", str(pages))
    ran = json.loads(run("watch", "run", "daily", "--json").stdout)["watches"][0]
    assert (ran["since_seq"], ran["until_seq"]) == (3, 5) and len(ran["new"]) == 2
    assert set(ran["new"][0]) >= {"id", "title", "authors", "published", "site", "url", "score", "snippet", "copies"}
    assert json.loads(run("watch", "run", "--json").stdout)["watches"][0]["new"] == []  # reported once
    assert "daily" in run("watch", "list").stdout
    assert "0 new stories" in run("watch", "run").stdout
    assert "is not a name" in run("watch", "add", "a/b", "x", expect=1).stderr
    assert "exists already" in run("watch", "add", "daily", "x", expect=1).stderr
    run("watch", "rm", "daily")
    assert "no saved search named 'daily'" in run("watch", "rm", "daily", expect=1).stderr
    assert json.loads(run("watch", "list", "--json").stdout) == {"watches": []}


def test_export_writes_the_saved_searches(run, tmp_path: Path) -> None:
    write_corpus(tmp_path / "p", 1)
    run("ingest", str(tmp_path / "p"))
    run("watch", "add", "w1", "report")
    rows = [json.loads(line) for line in run("export", "--watches").stdout.splitlines()]
    assert [(r["name"], r["query"], r["since_seq"]) for r in rows] == [("w1", "report", 1)]
    csv = run("export", "--watches", "--format", "csv").stdout.splitlines()
    assert csv[0].startswith("name,query,filters") and csv[1].startswith("w1,report,")
    assert "give no query" in run("export", "--watches", "report", expect=2).output


def test_a_watch_run_killed_while_printing_reports_the_same_matches_next_time(home: Path, tmp_path: Path) -> None:
    """The process is killed while its report is still being written (stdout is a pipe no
    one reads past the first bytes): the mark must not have moved, and the next run lists
    every match again."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(300):  # enough hits that the report outgrows a pipe's buffer
        (pages / f"w{n:04d}.html").write_text(page(n, title=f"Harbour story {n}"), "utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    base = [sys.executable, "-m", "archive.cli", "--home", str(home)]
    subprocess.run([*base, "watch", "add", "harbour", "harbour"], check=True, env=env, capture_output=True)
    subprocess.run([*base, "ingest", str(pages)], check=True, env=env, capture_output=True)
    proc = subprocess.Popen([*base, "watch", "run", "--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env)
    assert proc.stdout is not None
    assert proc.stdout.read(1024)  # the report has begun ...
    time.sleep(0.5)
    assert proc.poll() is None  # ... and is stuck writing the rest
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()
    listed = json.loads(subprocess.run([*base, "watch", "list", "--json"], check=True, env=env,
                                       capture_output=True).stdout)
    assert listed["watches"][0]["since_seq"] == 0 and listed["watches"][0]["last_run_at"] is None
    again = json.loads(subprocess.run([*base, "watch", "run", "--json"], check=True, env=env,
                                      capture_output=True).stdout)["watches"][0]
    assert len(again["new"]) == 300 and (again["since_seq"], again["until_seq"]) == (0, 300)
    after = json.loads(subprocess.run([*base, "watch", "run", "--json"], check=True, env=env,
                                      capture_output=True).stdout)["watches"][0]
    assert after["new"] == [] and after["since_seq"] == 300
