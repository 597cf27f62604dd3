"""Saved searches: new matches by ingest order, each story once, marks that never skip."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from archive.contract.errors import NotFoundError, QueryError, RequestError
from archive.contract.search import SearchRequest
from archive.operations.service import Archive
from archive.storage.store import RecordStore
from tests.corpus import page
from tests.operations.test_copies import OTHER, STORY, syndicated, write


def _harbour(folder: Path, n: int, **kw: object) -> Path:
    """A page about the harbour (the saved search's word), numbered ``n``."""
    text = page(n, paragraphs=[f"The harbour report number {n} says the {w} is ready." for w in ("bridge", "dock")],
                **kw)  # type: ignore[arg-type]
    return write(folder, f"h{n}.html", text)


def test_a_run_reports_what_was_ingested_since_the_last_one_once(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    with Archive(tmp_path / "home") as archive:
        archive.ingest([_harbour(pages, 1)])
        view = archive.watch_add("harbour", SearchRequest(query="harbour"))
        assert view.since_seq == 1
        assert [r.new for r in archive.watch_run()] == [[]]  # what was there before is not new
        concert = page(4, paragraphs=["The orchestra played in the theatre all night long."], title="Concert")
        archive.ingest([_harbour(pages, 2), _harbour(pages, 3), write(pages, "x.html", concert)])
        runs = archive.watch_run()
        assert len(runs[0].new) == 2 and (runs[0].since_seq, runs[0].until_seq) == (1, 4)
        # not marked yet: a run killed before its report was out reports the same again
        again = archive.watch_run(["harbour"])
        assert [h.id for h in again[0].new] == [h.id for h in runs[0].new]
        assert archive.watch_mark(again) == []
        assert archive.watch_run()[0].new == []
        assert archive.watches()[0].since_seq == 4 and archive.watches()[0].last_run_at
        # a mark moved by another run meanwhile is left as that run set it
        archive.ingest([_harbour(pages, 5)])
        one, other = archive.watch_run(), archive.watch_run()
        assert archive.watch_mark(one) == [] and archive.watch_mark(other) == ["harbour"]


def test_new_copies_of_a_story_already_reported_are_not_new(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    word = STORY[0].split()[0]
    with Archive(tmp_path / "home") as archive:
        archive.watch_add("story", SearchRequest(query=word))
        first = write(pages, "a.html", syndicated(1, STORY, title="Bridge", site="A", url="https://a.example/1"))
        second = write(pages, "b.html", syndicated(2, STORY, title="Bridge", site="B", url="https://b.example/1"))
        archive.ingest([first, second])
        runs = archive.watch_run()
        assert len(runs[0].new) == 1 and runs[0].new[0].copies == 2  # two copies arrived together: one hit
        archive.watch_mark(runs)
        third = write(pages, "c.html", syndicated(3, STORY, title="Bridge again", site="C", url="https://c.example/9"))
        fresh = write(pages, "d.html", syndicated(4, OTHER + [STORY[0]], title="Other", site="D",
                                                  url="https://d.example/2"))
        archive.ingest([third, fresh])
        news = archive.watch_run()[0].new
        assert [h.url for h in news] == ["https://d.example/2"]  # the repost of a reported story is not news


def test_a_run_never_moves_past_what_the_index_has_not_got(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    with Archive(tmp_path / "home") as archive:
        archive.watch_add("harbour", SearchRequest(query="harbour"), from_start=True)
        archive.ingest([_harbour(pages, 1)])
        with RecordStore(tmp_path / "home" / "archive.db") as store:  # stored, but its index change waits
            record = store.get(store.ids_by_seq()[0])
            store.save(record.with_changes(sha256="f" * 64, body=record.body + " More harbour news."),
                       "url:news.example.org/2021/05/report-1", 10)
            waiting = store.last_seq()
        runs = archive.watch_run()
        assert runs[0].until_seq == waiting - 1  # stops below the article the index lacks
        archive.watch_mark(runs)
        archive.reindex()
        again = archive.watch_run()
        assert again[0].until_seq == waiting and len(again[0].new) == 1


def test_names_queries_and_unknown_watches(tmp_path: Path) -> None:
    with Archive(tmp_path / "home") as archive:
        archive.ingest([_harbour(tmp_path / "p", 1)])
        with pytest.raises(RequestError, match="not a name"):
            archive.watch_add("../etc", SearchRequest(query="x"))
        with pytest.raises(QueryError):
            archive.watch_add("bad", SearchRequest(query="a*"))
        archive.watch_add("ok", SearchRequest(query="harbour", filters={"site": ("Example News",)}, since="2020"))
        with pytest.raises(RequestError, match="exists already"):
            archive.watch_add("ok", SearchRequest(query="other"))
        with pytest.raises(NotFoundError):
            archive.watch_run(["missing"])
        with pytest.raises(NotFoundError):
            archive.watch_remove("missing")
        assert archive.watches()[0].to_dict()["filters"] == {"site": ["Example News"]}
        archive.watch_remove("ok")
        assert archive.watches() == []


def test_check_knows_saved_searches_and_export_writes_them(tmp_path: Path) -> None:
    import io

    with Archive(tmp_path / "home") as archive:
        archive.ingest([_harbour(tmp_path / "p", 1)])
        archive.watch_add("harbour", SearchRequest(query="harbour"))
        db = sqlite3.connect(tmp_path / "home" / "archive.db")
        db.execute("UPDATE watches SET since_seq = 99")  # a store put back from an older copy
        db.execute("INSERT INTO watches(name, request, since_seq, created_at) VALUES "
                   "('broken', '{\"query\": \"a*\"}', 0, '2024-01-01')")
        db.commit()
        db.close()
        report = archive.check()
        assert {p.kind for p in report.problems} == {"watch-ahead", "watch-invalid"} and report.watches == 2
        repaired = archive.check(repair=True)
        assert {p.kind for p in repaired.problems} == {"watch-invalid"}  # only its owner can fix a query
        assert any("marks of 1 saved searches" in line for line in repaired.repaired)
        out = io.StringIO()
        assert archive.export_watches(out, "jsonl") == 2
        rows = [json.loads(line) for line in out.getvalue().splitlines()]
        assert [r["name"] for r in rows] == ["broken", "harbour"] and rows[1]["since_seq"] == 1
