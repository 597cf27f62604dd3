"""Segments built by an executor's workers and adopted whole answer every search as the
index one process writes: the same hits in the same order, totals, facets and snippets.
A thread pool stands in for a cluster here (tests/operations/test_cluster.py runs Dask)."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from archive.contract.search import SearchRequest
from archive.contract.settings import override
from archive.operations.service import Archive
from tests.corpus import write_corpus

REQUESTS = [
    SearchRequest(query="harbour"),
    SearchRequest(query="council budget", limit=30),
    SearchRequest(query='"river harbour"'),
    SearchRequest(query="", filters={"site": ("Example News",)}, sort="newest"),
    SearchRequest(query="festival", limit=20, histogram="year"),
]


class CountingPool(ThreadPoolExecutor):
    """A thread pool that counts the segments it was asked to build."""

    def __init__(self) -> None:
        super().__init__(2)
        self.built = 0

    def submit(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        self.built += fn.__name__ == "build_segment"
        return super().submit(fn, *args, **kwargs)


def _answers(home: Path) -> list[dict[str, object]]:
    with Archive(home) as archive:
        return [archive.search(request).to_dict() for request in REQUESTS]


def _segments(home: Path) -> int:
    with Archive(home) as archive:
        return len(list(archive.workspace.backend.location.current_dir().glob("*.seg")))


def test_a_rebuild_from_adopted_segments_answers_as_one_built_here(tmp_path: Path) -> None:
    one = tmp_path / "one"
    write_corpus(tmp_path / "pages", 60)
    with override(first_sync_seconds=600), Archive(one) as archive:
        assert archive.ingest([tmp_path / "pages"]).new == 60
        archive.reindex()
    spread = tmp_path / "spread"
    shutil.copytree(one, spread)
    with override(segment_docs=13), CountingPool() as pool, Archive(spread) as archive:
        archive.workspace.backend.build_on(pool)
        assert archive.reindex() == 60
        assert archive.check().ok
    assert pool.built == 5
    assert _segments(spread) == 5  # 13 + 13 + 13 + 13 + 8, adopted as they were built
    answers = _answers(one)
    assert all(answer["total"] for answer in answers)
    assert _answers(spread) == answers


def test_a_rebuild_keeps_every_worker_busy(tmp_path: Path) -> None:
    class TwoWorkers(CountingPool):
        workers = 2

    write_corpus(tmp_path / "pages", 21)
    with override(first_sync_seconds=600), TwoWorkers() as pool, Archive(tmp_path / "home") as archive:
        archive.ingest([tmp_path / "pages"])
        archive.workspace.backend.build_on(pool)
        assert archive.reindex() == 21
        assert pool.built == 2  # 11 and 10 records, not one segment of 21 for one worker
        assert archive.check().ok


def test_an_index_update_from_adopted_segments_answers_as_one_written_here(tmp_path: Path) -> None:
    write_corpus(tmp_path / "pages", 50)
    first, second = sorted((tmp_path / "pages").iterdir())[:30], sorted((tmp_path / "pages").iterdir())[30:]
    with override(first_sync_seconds=600, sync_every=10**6):
        with Archive(tmp_path / "one") as archive:
            archive.ingest(first)
            archive.ingest(second)
        with override(parallel_batch=10), CountingPool() as pool, Archive(tmp_path / "spread") as archive:
            archive.workspace.backend.build_on(pool)
            archive.ingest(first)
            archive.ingest(second)
            assert archive.check().ok
        assert pool.built == 2  # each ingest's one index commit, built by the pool
    assert _answers(tmp_path / "spread") == _answers(tmp_path / "one")
