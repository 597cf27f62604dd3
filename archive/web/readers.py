"""The server's readers: a fixed number of threads, each with its own Archive.

Whoosh searchers are not meant to be shared between threads (they read postings through
shared file objects), and each searcher holds the facet arrays of the whole index, which
run to hundreds of megabytes at 100k articles.  So the number of searchers is fixed by
``--workers``, never by the number of clients: every request's blocking work (a search, a
record, a diff) is queued to one of ``workers`` threads, and each thread keeps one Archive
(one read-only workspace, one long-lived searcher that follows new commits and index
generations) for its whole life.  Requests beyond the workers wait in the queue.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from archive.contract.errors import ArchiveError
from archive.contract.search import SearchRequest
from archive.operations.service import Archive

T = TypeVar("T")
_STOP = object()


class ReaderPool:
    """``workers`` threads, each owning one Archive; ``run`` hands one of them a job."""

    def __init__(self, open_archive: Callable[[], Archive], workers: int, *, warm: bool = True) -> None:
        if workers < 1:
            raise ValueError("a reader pool needs at least one worker")
        self.workers = workers
        self._open = open_archive
        self._warm = warm
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._first_ready = threading.Event()
        self._threads = [threading.Thread(target=self._work, args=(n,), name=f"archive-reader-{n}", daemon=True)
                         for n in range(workers)]
        self._closed = False
        for thread in self._threads:
            thread.start()

    def _work(self, number: int) -> None:
        archive = self._open()
        try:
            if self._warm:
                # Open the searcher and load the facet arrays before the first request. The
                # first worker does it alone, so a fresh server's first answer does not wait
                # for every worker loading at once; the others follow while it serves.
                if number:
                    self._first_ready.wait(60)
                try:
                    archive.search(SearchRequest(limit=1))
                except ArchiveError:
                    pass  # an unusable index is reported to the request that meets it
            self._first_ready.set()
            while True:
                job = self._jobs.get()
                if job is _STOP:
                    return
                fn, args, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    result = fn(archive, *args)
                except BaseException as exc:  # handed to the request that asked, not lost
                    future.set_exception(exc)
                else:
                    future.set_result(result)
        finally:
            archive.close()

    def submit(self, fn: Callable[..., T], *args: Any) -> concurrent.futures.Future[T]:
        """Queue ``fn(archive, *args)`` for the next free worker."""
        if self._closed:
            raise RuntimeError("the reader pool is closed")
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._jobs.put((fn, args, future))
        return future

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(archive, *args)`` on a worker, awaited without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(fn, *args))

    def close(self) -> None:
        """Let the workers finish their jobs, then close every Archive."""
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._jobs.put(_STOP)
        for thread in self._threads:
            thread.join()
