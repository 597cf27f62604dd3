"""Ingest with a pool of extraction processes gives what a sequential ingest gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.contract.search import SearchRequest
from archive.contract.settings import override
from archive.operations.service import Archive
from index.merging import FACTOR, choose
from tests.conftest import ROOT

RAW = ROOT / "raw"
DATA = ROOT / "tests" / "data"


def _articles(home: Path) -> dict[str, tuple[str, tuple[str, ...], str | None]]:
    from archive.storage.store import RecordStore

    with RecordStore(home / "archive.db") as store:
        return {r.id: (r.title, r.authors, r.published) for r in store.iter_records()}


def test_parallel_ingest_stores_the_same_articles_as_sequential(tmp_path: Path) -> None:
    with Archive(tmp_path / "seq") as archive:
        seq = archive.ingest([RAW], jobs=1)
    with Archive(tmp_path / "par") as archive:
        par = archive.ingest([RAW], jobs=2)
        assert archive.search(SearchRequest(query="missile")).total >= 1
    assert (par.new, par.failed) == (seq.new, seq.failed)
    assert _articles(tmp_path / "par") == _articles(tmp_path / "seq")


def test_parallel_ingest_reports_bad_files_and_keeps_the_rest(tmp_path: Path, run) -> None:
    batch = tmp_path / "batch"
    shutil.copytree(RAW / "wcxb", batch)
    (batch / "empty.html").write_bytes(b"")
    (batch / "junk.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    shutil.copy(DATA / "encodings" / "cp1251.html", batch / "cp1251.html")
    result = run("ingest", "--jobs", "2", str(batch), expect=1)
    assert "empty.html: empty file" in result.stderr
    assert "junk.html" in result.stderr
    pages = len(list((RAW / "wcxb").glob("*.html")))
    assert result.stdout.startswith(f"{pages + 1} new, 0 updated, 0 unchanged, 2 failed")
    again = run("ingest", "--jobs", "2", str(batch), expect=1)
    assert again.stdout.startswith(f"0 new, 0 updated, {pages + 1} unchanged, 2 failed")


def test_copies_in_one_parallel_batch_are_stored_once(tmp_path: Path, run) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    for n in range(40):
        shutil.copy(RAW / "wcxb" / "0153-paris-baguette.html", batch / f"copy-{n:02d}.html")
    result = run("ingest", "-j", "2", str(batch))
    assert result.stdout.startswith("1 new, 0 updated, 39 unchanged, 0 failed")


def test_merge_policy_merges_a_full_tier_and_leaves_big_segments_alone() -> None:
    small = [(500, 0)] * (FACTOR - 1)
    assert choose(small) == set()
    assert choose(small + [(700, 0)]) == set(range(FACTOR))
    # one big segment and a few small ones: the big one is never rewritten for them
    assert 0 not in choose([(100_000, 0)] + [(300, 0)] * FACTOR)
    # a segment mostly deleted is rewritten whatever its size
    assert choose([(100_000, 30_000), (10, 0)]) == {0}


def test_merge_budget_takes_the_cheapest_groups_and_stops_before_a_costly_one() -> None:
    tier0 = [(400, 0)] * FACTOR  # 1,600 documents to rewrite
    tier1 = [(3000, 0)] * FACTOR  # 12,000
    assert choose(tier0 + tier1, budget=2000) == set(range(FACTOR))
    assert choose(tier0 + tier1, budget=20_000) == set(range(2 * FACTOR))
    assert choose(tier1, budget=2000) == set()


def test_reindexing_an_article_already_in_the_index_never_doubles_it(tmp_path: Path) -> None:
    """A crash after the index commit but before the queue rows were cleared leaves the
    rows queued for articles that are already indexed: indexing them again replaces them."""
    from archive.operations.indexing import sync
    from archive.operations.workspace import Workspace

    with Archive(tmp_path / "home") as archive:
        archive.ingest([RAW / "wcxb"], jobs=1)
        before = archive.search(SearchRequest(query="", limit=1)).total
    with Workspace(tmp_path / "home") as workspace, workspace.writer() as store:
        ids = sorted(store.all_ids())
        store.queue(ids)
        assert sync(store, workspace.backend) == len(ids)
    with Archive(tmp_path / "home") as archive:
        assert archive.search(SearchRequest(query="", limit=1)).total == before == len(ids)
        hits = archive.search(SearchRequest(query="", limit=1000)).hits
        assert sorted(h.id for h in hits) == ids


def test_a_long_ingest_updates_the_index_at_doubling_intervals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import archive.operations.ingest as ingesting

    batch = tmp_path / "batch"
    shutil.copytree(RAW / "wcxb", batch)
    pages = len(list(batch.glob("*.html")))
    seen: list[int] = []
    real = ingesting.Ingester.sync_index

    def counting(self: ingesting.Ingester, *, final: bool = True) -> int:
        if not final:
            seen.append(self.store.count("articles"))
        return real(self, final=final)

    monkeypatch.setattr(ingesting.Ingester, "sync_index", counting)
    with override(sync_every=2, first_sync_seconds=3600), Archive(tmp_path / "home") as archive:
        summary = archive.ingest([batch], jobs=1)
        assert archive.search(SearchRequest(limit=1)).total == summary.new == pages
    assert seen == [n for n in (2, 4, 8, 16) if n <= pages]


def test_index_updates_beside_the_ingest_leave_every_newest_version_searchable(tmp_path: Path) -> None:
    # Many small updates run beside the ingest, and the batch stores each article twice
    # (a first capture, then an edited one with the same URL): whatever the timing, the
    # index ends with one document per article, in its newest version.
    batch = tmp_path / "batch"
    batch.mkdir()
    for i in range(12):
        for version in ("a-first", "b-edited"):
            words = " ".join(f"word{i}x{n} filler sentence for the body." for n in range(30))
            (batch / f"{i:02d}-{version}.html").write_text(
                f'<html><head><link rel="canonical" href="https://example.org/{i}">'
                f"<title>Article {i} {version}</title></head><body><article><h1>Article {i} "
                f"{version}</h1><p>{words}</p></article></body></html>",
                encoding="utf-8",
            )
    with override(sync_every=1), Archive(tmp_path / "home") as archive:
        summary = archive.ingest([batch], jobs=1, sync_every=1)
        assert (summary.new, summary.updated, summary.failed) == (12, 12, 0)
        hits = archive.search(SearchRequest(query="", limit=100)).hits
    assert len(hits) == 12
    assert all(h.title.endswith("b-edited") for h in hits)


def test_the_index_update_schedule_by_count_and_by_clock(settings) -> None:
    from archive.operations.indexing import Cadence

    settings(sync_every=4, first_sync_seconds=3.0)

    def schedule(store_every: int, cadence_of=Cadence) -> list[int]:
        now = [0.0]
        cadence = cadence_of(clock=lambda: now[0])
        due = []
        for second in range(60):
            now[0] = float(second)
            if second % store_every == 0:
                cadence.stored_one()
            if cadence.due():
                due.append(second)
                cadence.done()
        return due

    # an article a second: by count at 3 (4 stored), then by the clock at doubling intervals
    assert schedule(1) == [3, 6, 12, 24, 48]
    # an article every 10 s: by the clock only, 3, 6, 12 and 24 s after the last update
    assert schedule(10) == [3, 10, 22, 46]
    # a fixed count and no clock: every 2 stored, whatever the time
    assert schedule(5, lambda clock: Cadence(every=2, timed=False, clock=clock)) == [5, 15, 25, 35, 45, 55]
    # nothing stored in this run, but a killed run's changes are waiting: the clock brings them in
    now = [0.0]
    waiting = Cadence(clock=lambda: now[0], pending=True)
    now[0] = 3.0
    assert waiting.due()


def test_small_syncs_merge_small_segments_and_never_spend_saved_credit() -> None:
    from index.merging import MIN_BUDGET, budget

    # four one-article segments beside the whole index: only they are merged
    assert choose([(10_000, 0)] + [(1, 0)] * FACTOR) == set(range(1, FACTOR + 1))
    assert choose([(236, 0)] + [(1, 0)] * (FACTOR - 1)) == set()
    # a one-file sync may spend no more than the minimum, whatever credit was saved
    assert budget(credit=1_000_000, written=1) == MIN_BUDGET
    assert budget(credit=1_000_000, written=10_000) > MIN_BUDGET
    assert budget(credit=0, written=10_000) == MIN_BUDGET
