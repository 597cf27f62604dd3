"""Index merges made apart from the command that wrote: built without the write lock by a
process of its own, put in place in a moment, never losing or reviving a document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from archive.contract.search import SearchRequest
from archive.operations.service import Archive
from archive.storage.home import Home
from archive.storage.lock import WriteLock
from index import deferred
from index.location import IndexLocation, merge_lock
from tests.corpus import page, write_corpus

ARCHIVE = [sys.executable, "-c", "from archive.cli import main; main()"]


def _location(home: Path) -> IndexLocation:
    return IndexLocation(Home.open(home).index_root)


def _segments(home: Path) -> int:
    return len(list(_location(home).current_dir().glob("*.seg")))


def _found(home: Path, query: str = "") -> int:
    with Archive(home) as archive:
        return archive.search(SearchRequest(query=query, limit=1)).total


def _wait_for_merges(home: Path, timeout: float = 90.0) -> None:
    """Until no process merges the index and its policy has nothing left to merge."""
    deadline = time.monotonic() + timeout
    while not deferred.idle(_location(home)):
        assert time.monotonic() < deadline, "the merging process did not finish"
        time.sleep(0.2)


def _one_at_a_time(home: Path, pages: list[Path], monkeypatch: pytest.MonkeyPatch, settings) -> list[list[str]]:
    """Ingest each page alone, merging nothing: the merging processes the ingests ask for
    are noted, not started.  Returns their command lines."""
    asked: list[list[str]] = []
    monkeypatch.setattr("archive.operations.workspace.subprocess.Popen", lambda args, **_kw: asked.append(args))
    settings(merge_apart=True)
    with Archive(home) as archive:
        for path in pages:
            assert archive.ingest([path]).new == 1
    return asked


def test_one_file_ingests_leave_their_merges_to_a_process_of_their_own(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "ARCHIVE_INLINE_MERGES"}  # as a user runs it
    for path in write_corpus(tmp_path / "pages", 5):
        done = subprocess.run([*ARCHIVE, "--home", str(home), "ingest", "--json", str(path)],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["new"] == 1 and done.stderr == ""
    _wait_for_merges(home)
    # five one-document segments: the full tier of four merged, the fifth left alone
    assert _segments(home) == 2
    assert _found(home) == 5 and _found(home, "report") == 5
    assert not list(_location(home).root.glob("merge-*"))
    checked = subprocess.run([*ARCHIVE, "--home", str(home), "check", "--json"],
                             env=env, capture_output=True, text=True, timeout=120)
    assert json.loads(checked.stdout)["ok"] is True, checked.stdout


def test_a_document_changed_while_its_segment_was_merging_is_not_revived(tmp_path: Path, settings,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    pages = write_corpus(tmp_path / "pages", 4)
    asked = _one_at_a_time(home, pages, monkeypatch, settings)
    assert [args[-2:] for args in asked] == [["archive.operations.tidying", str(home)]]  # once four wait
    with Archive(home) as archive:
        gone = archive.search(SearchRequest(query='"report number 1"', limit=5)).hits[0].id
        updated = archive.search(SearchRequest(query='"report number 2"', limit=5)).hits[0].id
    location = _location(home)
    with merge_lock(location.root) as mine:  # as the merging process holds it
        assert mine
        merged = deferred.build(location)  # from the four one-document segments, outside the write lock
        assert merged is not None and len(merged.parts) == 4
        with Archive(home) as archive:
            archive.forget(gone)
            pages[2].write_text(page(2, title="Report number 2, corrected at noon"), "utf-8")
            assert archive.ingest([pages[2]]).updated == 1
        with WriteLock(Home.open(home).lock_path):
            assert deferred.adopt(location, merged) == 4
    assert _segments(home) == 2  # the merged one and the update's
    with Archive(home) as archive:
        assert archive.search(SearchRequest(query="", limit=10)).total == 3
        assert archive.search(SearchRequest(query='"corrected at noon"')).total == 1
        assert archive.search(SearchRequest(query='"report number 1"')).total == 0
        hits = archive.search(SearchRequest(query='"report number 2"', limit=5)).hits
        assert [h.id for h in hits] == [updated]
        assert archive.check().ok
    assert not merged.scratch.exists()


def test_a_merge_built_before_a_rebuild_is_dropped(tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    _one_at_a_time(home, write_corpus(tmp_path / "pages", 4), monkeypatch, settings)
    with merge_lock(_location(home).root), Archive(home) as archive:
        merged = deferred.build(_location(home))
        assert merged is not None
        archive.reindex()
        with WriteLock(Home.open(home).lock_path):
            assert deferred.adopt(_location(home), merged) == 0
        assert archive.search(SearchRequest(query="")).total == 4
        assert archive.check().ok
    assert not merged.scratch.exists()


def test_a_killed_mergers_scratch_folder_is_a_scrap_once_no_merge_runs(tmp_path: Path, run) -> None:
    run("ingest", str(write_corpus(tmp_path / "pages", 1)[0]))
    root = _location(tmp_path / "home").root
    scratch = root / "merge-99999-1"
    scratch.mkdir()
    (scratch / "MAIN_abc.seg").write_bytes(b"half a segment")
    with merge_lock(root) as mine:  # a merge at work: its folder is no scrap
        assert mine
        assert str(scratch) not in json.loads(run("check", "--json").output)["problems"].__repr__()
    report = json.loads(run("check", "--json", expect=None).output)
    assert str(scratch) in repr(report["problems"])
    run("check", "--repair")
    assert not scratch.exists()
    assert json.loads(run("check", "--json").output)["ok"] is True


def test_a_writer_waits_for_a_brief_hold_and_is_refused_by_a_long_one(tmp_path: Path) -> None:
    path = tmp_path / "write.lock"
    held = threading.Event()

    def hold(brief: bool) -> None:
        with WriteLock(path, brief=brief):
            held.set()
            time.sleep(0.6)

    holder = threading.Thread(target=hold, args=(True,))
    holder.start()
    held.wait()
    began = time.monotonic()
    with WriteLock(path):  # no --wait: a brief hold is waited for all the same
        assert time.monotonic() - began > 0.2
    holder.join()

    held.clear()
    holder = threading.Thread(target=hold, args=(False,))
    holder.start()
    held.wait()
    with pytest.raises(Exception, match="another archive process"):
        WriteLock(path).__enter__()
    holder.join()
