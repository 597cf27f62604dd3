"""Extraction on every core: decode + parse + clean + metadata, spread over an executor.

Extraction is pure (a capture in, a Record or an InputError out) and costs tens of
milliseconds of CPU per page, so it is the part of an ingest or a re-extraction worth
spreading.  Everything that writes the record store or the index stays in the calling
process, which keeps the store's one-writer rules and the index queue exactly as when
extracting in-line.

The executor is anything with ``submit(fn, *args)`` returning a future with ``result()``:
a process pool here (``local_executor``), a cluster client elsewhere.  Results come back
in the order the tasks went in, with a bounded number in flight, so memory stays flat
however many captures a batch holds.  Each task carries the caller's settings, so a
worker extracts exactly as the caller would.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from archive.contract.captures import Capture
from archive.contract.errors import InputError, disk_full
from archive.contract.lifeline import cores, forkserver_context
from archive.contract.records import Record
from archive.contract.settings import Settings, current, override
from archive.storage.originals import OriginalStore

from .bounds import Overtime, limit_memory, time_bound

if TYPE_CHECKING:  # a search, which never extracts, need not load process pools
    from concurrent.futures import Executor, Future

T = TypeVar("T")


def default_jobs() -> int:
    """One extraction process per core."""
    return cores()


def jobs_for(jobs: int | None, size: int) -> int:
    """How many extraction processes for ``size`` captures: as asked, or (None) one per
    core from ``Settings.small_batch`` captures on (fewer are not worth starting them)."""
    if jobs is not None:
        return jobs
    return default_jobs() if size >= current().small_batch else 1


class TaskLost(Exception):
    """An executor's task whose workers kept dying while running it (a page that exhausts a
    worker's memory or crashes it), given up by the executor; the caller runs the chunk's
    pages one by one, so only the page at fault fails."""


LOST_REASON = "internal error: reading the page ended its worker every time (out of memory, or a crash); refused"


@dataclass(frozen=True, slots=True)
class Task(Generic[T]):
    """A capture to extract, with the caller's tag; ``now`` is the time to extract it as
    of (when it was captured, for a re-extraction), None for the present."""

    tag: T
    capture: Capture
    now: datetime | None = None


@dataclass(frozen=True, slots=True)
class Extracted(Generic[T]):
    """One capture's extraction: the caller's tag, the capture, and a Record or the reason
    it failed."""

    tag: T
    capture: Capture
    record: Record | None
    reason: str | None


def extract_chunk(
    items: list[tuple[Capture, datetime | None]], originals: str | None, settings: Settings
) -> list[tuple[Record | None, str | None]]:
    """Extract each capture; with ``originals``, also keep the original of each good one
    (compressing and syncing it here, in parallel, before the caller stores its record)."""
    from archive.extraction.extract import extract_capture  # the HTML parser, only where pages are read

    out: list[tuple[Record | None, str | None]] = []
    store = OriginalStore(Path(originals)) if originals else None
    with override(settings):
        for capture, now in items:
            try:
                with time_bound(settings.page_seconds):
                    record = extract_capture(capture, now=now)
                if store is not None:
                    store.put(capture.data, sha256=capture.sha256)
                out.append((record, None))
            except InputError as exc:
                out.append((None, exc.reason))
            except Overtime:
                out.append((None, f"reading the page took longer than {settings.page_seconds:g} s; refused"))
            except MemoryError:
                out.append((None, "reading the page needs more memory than an extraction may take; refused"))
            except RecursionError:
                out.append((None, "the page nests its markup too deeply to read"))
            except OSError as exc:
                if disk_full(exc):
                    raise  # not this page's fault: the whole batch stops (Workspace.lock says why)
                out.append((None, f"cannot store the original: {exc.strerror or exc}"))
            except Exception as exc:  # a bug: reported as one, and the batch goes on
                out.append((None, f"internal error: {type(exc).__name__}: {exc}"))
    return out


def _chunks(items: Iterable[Task[T]], size: int) -> Iterator[list[Task[T]]]:
    chunk: list[Task[T]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def local_executor(jobs: int) -> Iterator[Executor | None]:
    """``jobs`` extraction processes on this machine, or None (in-line) for one job.

    Workers start from a fork server, clean processes rather than forks of one holding
    open databases, index files or threads; the lifeline ends them if this process is
    killed."""
    if jobs <= 1:
        yield None
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, mp_context=forkserver_context(), initializer=limit_memory,
                             initargs=(current().worker_memory_mb,)) as pool:
        yield pool


class ExtractionPool:
    """Extracts tasks on an executor (None: in this process), yielding results in order.

    With ``originals`` the workers also store the original of every capture that
    extracted well: syncing a file costs milliseconds of waiting, which they overlap.
    """

    def __init__(self, executor: Executor | None = None, *, originals: OriginalStore | None = None,
                 window: int | None = None) -> None:
        self.executor = executor
        self.originals = str(originals.root) if originals is not None else None
        workers = getattr(executor, "_max_workers", None) or cores()
        self.window = window or workers * 4

    def map(self, tasks: Iterable[Task[T]]) -> Iterator[Extracted[T]]:
        settings = current()
        if self.executor is None:
            for task in tasks:
                (record, reason), = extract_chunk([(task.capture, task.now)], self.originals, settings)
                yield Extracted(task.tag, task.capture, record, reason)
            return
        pending: deque[tuple[list[Task[T]], Future]] = deque()
        for chunk in _chunks(tasks, settings.pool_chunk):
            pending.append((chunk, self._submit(chunk, settings)))
            while len(pending) >= self.window:
                yield from self._collect(*pending.popleft(), settings)
        while pending:
            yield from self._collect(*pending.popleft(), settings)

    def _submit(self, chunk: list[Task[T]], settings: Settings) -> Future:
        items = [(task.capture, task.now) for task in chunk]
        return self.executor.submit(extract_chunk, items, self.originals, settings)

    def _collect(self, chunk: list[Task[T]], future: Future, settings: Settings) -> Iterator[Extracted[T]]:
        try:
            results = future.result()
        except TaskLost:
            if len(chunk) == 1:
                yield Extracted(chunk[0].tag, chunk[0].capture, None, LOST_REASON)
                return
            for task in chunk:  # again page by page: only the page at fault fails
                yield from self._collect([task], self._submit([task], settings), settings)
            return
        for task, (record, reason) in zip(chunk, results, strict=True):
            yield Extracted(task.tag, task.capture, record, reason)
