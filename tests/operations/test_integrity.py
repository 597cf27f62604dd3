"""`archive check`: damage of every kind is found, listed, and repaired where possible."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from pathlib import Path

from whoosh import index as whoosh_index

from archive.contract.records import article_id
from archive.storage.originals import OriginalStore
from archive.storage.store import RecordStore
from index.location import IndexLocation
from tests.corpus import write_corpus


def _setup(run, tmp_path: Path, count: int = 5) -> list[str]:
    write_corpus(tmp_path / "in", count)
    run("ingest", str(tmp_path / "in"))
    return sorted(json.loads(line)["id"] for line in run("export").stdout.splitlines())


def _check(run, *args: str, expect: int) -> dict:
    return json.loads(run("check", "--json", *args, expect=expect).stdout)


def test_a_healthy_archive_passes(run, tmp_path: Path) -> None:
    _setup(run, tmp_path)
    report = _check(run, expect=0)
    assert report["ok"] and report["problems"] == [] and report["problem_counts"] == {}
    assert (report["records"], report["originals"], report["indexed"], report["pending"]) == (5, 5, 5, 0)
    assert report["cleaner"]["records_by_version"] == {report["cleaner"]["current"]: 5}
    assert "ok" in run("check").stdout


def test_index_drift_is_found_and_repaired(run, home: Path, tmp_path: Path) -> None:
    ids = _setup(run, tmp_path)
    ix = IndexLocation(home / "index").open()
    writer = ix.writer()
    writer.delete_by_term("id", ids[0])                                 # a record not indexed
    writer.add_document(id="0000000000000000", title="ghost", body="x")  # a document without record
    writer.add_document(id=ids[1], title="twin", body="copy")           # indexed twice
    writer.commit()
    ix.close()
    db = sqlite3.connect(home / "archive.db")
    with db:  # a record changed behind the index's back
        db.execute("UPDATE articles SET title = 'Changed title' WHERE id = ?", (ids[2],))
    db.close()

    report = _check(run, expect=1)
    kinds = {(p["kind"], p["id"]) for p in report["problems"]}
    assert ("not-indexed", ids[0]) in kinds
    assert ("index-orphan", "0000000000000000") in kinds
    assert ("indexed-twice", ids[1]) in kinds
    assert ("index-stale", ids[2]) in kinds
    assert not report["ok"]
    assert "problem: not-indexed: " + ids[0] in run("check", expect=1).stderr

    repaired = _check(run, "--repair", expect=0)
    assert repaired["ok"] and repaired["indexed"] == 5 and repaired["repaired"]
    assert json.loads(run("search", "title:changed", "--json").stdout)["total"] == 1
    assert json.loads(run("search", "ghost", "--json").stdout)["total"] == 0


def test_damaged_and_missing_originals(run, home: Path, tmp_path: Path) -> None:
    ids = _setup(run, tmp_path)
    with RecordStore(home / "archive.db") as store:
        shas = [store.get(i).sha256 for i in ids[:3]]
        sources = [store.get(i).source_path for i in ids[:3]]
    originals = OriginalStore(home / "originals")
    originals.path_for(shas[0]).unlink()                                      # lost
    originals.path_for(shas[1]).write_bytes(gzip.compress(b"not the page"))   # damaged
    originals.path_for(shas[2]).write_bytes(b"\x1f\x8b garbage")             # unreadable
    Path(sources[2]).unlink()  # and its source file is gone too: nothing to restore from

    report = _check(run, expect=1)
    assert report["problem_counts"] == {"original-damaged": 2, "original-missing": 1}
    repaired = _check(run, "--repair", expect=1)
    assert any(shas[0] in line for line in repaired["repaired"])
    assert any(shas[1] in line for line in repaired["repaired"])
    assert [p["sha256"] for p in repaired["problems"]] == [shas[2]]
    assert originals.verify(shas[0]) is None and originals.verify(shas[1]) is None


def test_pending_changes_and_an_unusable_index(run, home: Path, tmp_path: Path) -> None:
    ids = _setup(run, tmp_path)
    with RecordStore(home / "archive.db") as store:
        store.queue([ids[0]], "index")  # as left by an ingest killed before its index commit
    assert _check(run, expect=1)["problem_counts"] == {"pending": 1}
    assert _check(run, "--repair", expect=0)["pending"] == 0

    location = IndexLocation(home / "index")
    shutil.rmtree(location.current_dir())
    report = _check(run, expect=1)
    assert report["problem_counts"] == {"index-unusable": 1}
    assert "check --repair" in report["problems"][0]["detail"]
    # Searching says so instead of answering from an empty index.
    assert "check --repair" in run("search", "report", expect=1).stderr
    repaired = _check(run, "--repair", expect=0)
    assert repaired["indexed"] == 5
    assert whoosh_index.exists_in(str(location.current_dir()))


def test_forget_removes_record_and_index_document(run, home: Path, tmp_path: Path) -> None:
    ids = _setup(run, tmp_path)
    with RecordStore(home / "archive.db") as store:
        sha = store.get(ids[0]).sha256
    out = json.loads(run("forget", ids[0][:8], "--json").stdout)
    assert out["id"] == ids[0] and out["versions"] == 1 and out["kept_originals"] == [sha]
    assert "no article" in run("show", ids[0], expect=1).stderr
    assert json.loads(run("search", "report", "--json").stdout)["total"] == 4
    assert OriginalStore(home / "originals").has(sha)
    assert _check(run, expect=0)["records"] == 4

    out = json.loads(run("forget", ids[1], "--purge", "--json").stdout)
    assert len(out["purged_originals"]) == 1
    assert not OriginalStore(home / "originals").has(out["purged_originals"][0])
    assert _check(run, expect=0)["originals"] == 4
    # Forgotten is not blacklisted: ingesting the file again brings the article back.
    assert "2 new" in run("ingest", str(tmp_path / "in")).stdout


def test_purge_keeps_originals_other_records_use(tmp_path: Path) -> None:
    from tests.corpus import make_record

    with RecordStore(tmp_path / "a.db") as store:
        first = make_record(sha="c" * 64)
        second = make_record(sha="c" * 64, id=article_id("url:example.org/b"), url="https://example.org/b")
        store.save(first, "url:example.org/a", 10)
        store.save(second, "url:example.org/b", 10)
        store.save(make_record(sha="d" * 64, body="Edited."), "url:example.org/a", 10)
        store.done(store.pending())
        assert store.forget(first.id) == ["d" * 64]  # "c" is still used by the other article
        assert store.pending() == [(first.id, "delete")]


def test_scraps_of_killed_writers_are_reported_removed_and_cleared_by_the_next_writer(run, home: Path,
                                                                                      tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 3)
    run("ingest", str(tmp_path / "in"))
    staging = home / "originals" / ".partial"
    staging.mkdir(exist_ok=True)
    (staging / ".0a1b.gz.4242.tmp").write_bytes(b"half an original")
    old_style = home / "originals" / "ab" / "cd"
    old_style.mkdir(parents=True, exist_ok=True)
    (old_style / ".abcd.gz.77.tmp").write_bytes(b"half")
    half_built = IndexLocation(home / "index").new_generation()  # what a killed reindex leaves
    report = json.loads(run("check", "--json", expect=1).stdout)
    assert report["problem_counts"] == {"scrap": 3}
    repaired = json.loads(run("check", "--repair", "--json").stdout)
    assert repaired["ok"] and any("removed 3 files" in line for line in repaired["repaired"])
    assert not half_built.exists() and not list(staging.iterdir()) and not list(old_style.iterdir())
    # a killed writer's leftovers are cleared by the next writer too
    (staging / ".0a1b.gz.4242.tmp").write_bytes(b"half an original")
    second = IndexLocation(home / "index").new_generation()
    run("ingest", str(tmp_path / "in"))
    assert not list(staging.iterdir()) and not second.exists()
    assert run("check").exit_code == 0


def _flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0xFF]))


def _text_offset(path: Path, text: bytes) -> int:
    data = path.read_bytes()
    at = data.find(text)
    assert at > 0, "the text is stored in the file"
    return at + len(text) // 2


def test_a_bad_byte_in_the_record_store_is_found_and_salvaged(run, home: Path, tmp_path: Path) -> None:
    ids = _setup(run, tmp_path, count=8)
    run("check")
    db_file = home / "archive.db"
    sqlite3.connect(db_file).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    body = json.loads(run("show", ids[3], "--json").stdout)["body"].encode()
    _flip(db_file, _text_offset(db_file, body[40:120]))  # inside one article's current row
    run("stats")  # counting rows reads no text: it still answers
    for command in (["check"], ["export"], ["show", ids[3]]):
        result = run(*command, expect=1)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) <= 2, command
    report = _check(run, expect=1)
    assert list(report["problem_counts"]) == ["store-damaged"]
    repaired = _check(run, "--repair", expect=0)
    assert repaired["ok"] and repaired["records"] == 8 and repaired["indexed"] == 8
    assert any("salvaged the record store" in line for line in repaired["repaired"])
    assert list(home.glob("archive.db.damaged-*")), "the damaged file is kept"
    assert json.loads(run("show", ids[3], "--json").stdout)["body"] == body.decode()
    assert json.loads(run("search", "--json").stdout)["total"] == 8


def test_a_store_too_damaged_to_read_is_reported_and_left_as_it_was(run, home: Path, tmp_path: Path) -> None:
    _setup(run, tmp_path)
    db_file = home / "archive.db"
    sqlite3.connect(db_file).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    _flip(db_file, 100)  # the file's header
    before = db_file.read_bytes()
    assert _check(run, expect=1)["problem_counts"] == {"store-damaged": 1}
    result = run("check", "--repair", expect=1)
    assert "too damaged to salvage" in result.stderr and "Traceback" not in result.stderr
    assert db_file.read_bytes() == before


def test_commits_lost_with_a_truncated_wal_are_found_and_a_rerun_brings_them_back(run, home: Path,
                                                                                  tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 10)
    run("stats")  # the store exists
    hold = sqlite3.connect(home / "archive.db")  # while it is open the -wal is not folded into the file
    hold.execute("SELECT count(*) FROM articles").fetchone()
    run("ingest", str(tmp_path / "in"))
    crashed = tmp_path / "crashed"  # the home as a crash left it: the file, and the -wal not yet folded in
    shutil.copytree(home, crashed, ignore=shutil.ignore_patterns("archive.db-shm"))
    hold.close()
    wal = crashed / "archive.db-wal"
    with open(wal, "r+b") as fh:
        fh.truncate(wal.stat().st_size // 2)  # and half of it lost
    report = json.loads(run("--home", str(crashed), "check", "--json", expect=1).stdout)
    lost = report["problem_counts"].get("original-unrecorded", 0)
    assert lost > 0 and report["records"] == 10 - lost
    again = json.loads(run("--home", str(crashed), "ingest", "--json", str(tmp_path / "in")).stdout)
    assert again["new"] == lost
    final = json.loads(run("--home", str(crashed), "check", "--json").stdout)
    assert final["ok"] and final["records"] == 10


def test_a_lost_index_pointer_is_an_error_not_an_empty_index(run, home: Path, tmp_path: Path) -> None:
    _setup(run, tmp_path)
    (home / "index" / "CURRENT").unlink()
    result = run("search", "report", expect=1)
    assert "CURRENT pointer is missing" in result.stderr and "Traceback" not in result.stderr
    assert _check(run, expect=1)["problem_counts"] == {"index-unusable": 1}
    assert _check(run, "--repair", expect=0)["ok"]
    assert json.loads(run("search", "--json").stdout)["total"] == 5
