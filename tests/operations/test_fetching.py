"""Pages read where they are extracted (a cluster's workers), without Dask: an executor
marked ``remote`` that runs tasks here, and fsspec's in-memory filesystem as the store."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import fsspec
import pytest

from archive.operations.ingest import ingest
from archive.operations.pool import LOST_REASON, TaskLost
from archive.operations.service import Archive
from archive.operations.workspace import Workspace
from tests.corpus import write_corpus


class Remote:
    """Runs each task at once, here; a chunk naming a poisoned page is lost, as Dask gives up
    a task whose every worker died."""

    remote = True
    workers = 2

    def __init__(self, poison: str) -> None:
        self.poison = poison
        self.sent: list[int] = []

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        jobs = args[0]
        self.sent.append(len(jobs))
        if any(self.poison in getattr(job, "name", "") for job in jobs):
            future.set_exception(TaskLost("KilledWorker"))
        else:
            future.set_result(fn(*args))
        return future


def test_a_page_that_ends_every_worker_fails_alone(tmp_path: Path) -> None:
    write_corpus(tmp_path / "pages", 30)
    poisoned = sorted((tmp_path / "pages").iterdir())[11]
    executor = Remote(poisoned.name)
    with Workspace(tmp_path / "home") as workspace:
        summary = ingest(workspace, [str(tmp_path / "pages")], executor=executor)  # type: ignore[arg-type]
    assert (summary.new, summary.failed) == (29, 1)
    assert summary.failures[0].path == str(poisoned) and summary.failures[0].reason == LOST_REASON
    assert 1 in executor.sent and max(executor.sent) == 8  # the lost chunk again, page by page
    with Archive(tmp_path / "home") as archive:
        assert archive.record_count() == 29 and archive.check().ok


@pytest.fixture
def memory() -> Any:
    fs = fsspec.filesystem("memory")
    yield fs
    fs.rm("/", recursive=True)


def test_a_folder_at_a_url_is_read_as_a_folder_is(tmp_path: Path, memory: Any) -> None:
    write_corpus(tmp_path / "pages", 5)
    for page in sorted((tmp_path / "pages").iterdir()):
        memory.pipe(f"/crawl/pages/{page.name}", page.read_bytes())
    memory.pipe("/crawl/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(50))
    memory.pipe("/crawl/.hidden.html", b"<html><p>hidden</p></html>")
    memory.pipe("/crawl/day.warc.gz", b"\x1f\x8b" + bytes(40))
    with Archive(tmp_path / "home") as archive:
        summary = archive.ingest(["memory://crawl/"])
        assert (summary.new, summary.failed) == (5, 0)
        assert summary.skipped_by_reason == {
            "not a page (.png)": 1, "hidden file": 1,
            "WARC file at a URL (web archives are read from local or mounted paths)": 1}
        again = archive.ingest(["memory://crawl/"])
        assert (again.new, again.unchanged) == (0, 5)
        with archive.workspace.reader() as store:
            sources = sorted(row[0] for row in store.db.execute("SELECT path FROM sources"))
    # as fsspec names them (its in-memory filesystem keeps the root's slash)
    assert sources == [f"memory:///crawl/pages/{p.name}" for p in sorted((tmp_path / "pages").iterdir())]
