"""Inputs read where they are extracted: on a cluster, each worker opens its captures.

The coordinator only lists the inputs and sends the names of the loose pages; a worker
reads each one (a local path on a filesystem every machine mounts at the same place, or
an fsspec URL such as ``s3://bucket/pages/a.html``), hashes it, skips it when its source
was recorded with the same bytes, extracts it, and hands back the record with the
original already compressed.  A WARC file is one stream of many captures, so the
coordinator reads it and sends its captures to be extracted.  The coordinator stores
everything, in order: the home never leaves it.

    name -> (worker) read, hash -> seen before? -> extract -> compress the original
         -> (coordinator) keep the original -> store the record
    WARC capture -> (worker) extract -> (coordinator) keep the original -> store the record
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from archive.contract.captures import Capture
from archive.contract.clock import now_utc
from archive.contract.records import Record
from archive.contract.settings import Settings, current
from archive.storage.originals import OriginalStore, pack

from .items import Read
from .pool import LOST_REASON, TaskLost, extract_chunk
from .sources import PAGE, Entry, read_page, source_of

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Fetch:
    """A loose page for a worker to read: its name, its input's size, and the sha256 its
    source was recorded with (None: never seen)."""

    name: str
    size: int = 0
    known: str | None = None


Job = Fetch | Capture  # a page to read there, or a capture read here (from a WARC) to extract


@dataclass(frozen=True, slots=True)
class Fetched:
    """One input as a worker read it: its record and (for a page it read) compressed
    original, or why not."""

    name: str
    source: str
    sha256: str | None = None
    size: int = 0  # bytes of the page
    packed: bytes | None = None
    record: Record | None = None
    reason: str | None = None
    seen: bool = False  # the source was recorded with these bytes: not extracted
    input_size: int = 0  # bytes of the input it accounts for (progress)


def fetch_chunk(jobs: list[Job], now: datetime, settings: Settings) -> list[Fetched]:
    """Read (a ``Fetch``) and extract each job on this worker."""
    out: list[Fetched] = []
    for job in jobs:
        if isinstance(job, Capture):
            (record, reason), = extract_chunk([(job, now)], None, settings)
            out.append(Fetched(job.name, job.source, job.sha256, len(job.data), None, record, reason))
            continue
        read = read_page(Entry(job.name, PAGE, job.size))
        if not isinstance(read, Read):
            out.append(Fetched(job.name, source_of(job.name), reason=read.reason, input_size=job.size))
            continue
        capture = read.capture
        done = Fetched(capture.name, capture.source, capture.sha256, len(capture.data), input_size=read.size)
        if job.known == capture.sha256:
            out.append(replace(done, seen=True))
            continue
        (record, reason), = extract_chunk([(capture, now)], None, settings)
        packed = pack(capture.data) if record is not None else None
        out.append(replace(done, packed=packed, record=record, reason=reason))
    return out


@dataclass(frozen=True, slots=True)
class _Sent(Generic[T]):
    tags: list[T]
    jobs: list[Job]
    now: datetime
    future: Any


def fetched(executor: Any, jobs: Iterable[tuple[T, Job]], window: int | None = None) -> Iterator[tuple[T, Fetched]]:
    """Each (tag, job) fetched on ``executor``, in the order given, a bounded number in
    flight; each chunk is extracted as of the moment it is sent (the coordinator's clock)."""
    settings = current()
    window = window or getattr(executor, "workers", 1) * 4
    pending: deque[_Sent[T]] = deque()

    def send(tags: list[T], chunk: list[Job]) -> None:
        now = now_utc()
        pending.append(_Sent(tags, chunk, now, executor.submit(fetch_chunk, chunk, now, settings)))

    tags: list[T] = []
    chunk: list[Job] = []
    for tag, job in jobs:
        tags.append(tag)
        chunk.append(job)
        if len(chunk) >= settings.pool_chunk:
            send(tags, chunk)
            tags, chunk = [], []
        while len(pending) >= window:
            yield from _results(executor, pending.popleft(), settings)
    if chunk:
        send(tags, chunk)
    while pending:
        yield from _results(executor, pending.popleft(), settings)


def written_ahead(results: Iterable[tuple[T, Fetched]], originals: OriginalStore,
                  ) -> Iterator[tuple[T, Fetched, Future[str] | None]]:
    """Each result with the write of its compressed original started (None: nothing to
    write), ``Settings.cluster_writers`` at a time, ahead of the caller storing the records
    in order.  Writing an original durably waits on two disk syncs; one writer doing them
    one page after another would cap a cluster at what one disk answers in turn."""
    settings = current()
    ahead: deque[tuple[T, Fetched, Future[str] | None]] = deque()
    with ThreadPoolExecutor(settings.cluster_writers, thread_name_prefix="originals") as writers:
        for tag, item in results:
            write = None
            if item.packed is not None and item.sha256 is not None:
                write = writers.submit(originals.put_packed, item.packed, item.sha256)
            ahead.append((tag, item, write))
            if len(ahead) > 4 * settings.cluster_writers:
                yield ahead.popleft()
        while ahead:
            yield ahead.popleft()


def fetch_one(executor: Any, job: Job) -> Fetched:
    """One job, fetched now (a page whose recorded bytes no article holds any more)."""
    settings, now = current(), now_utc()
    sent: _Sent[None] = _Sent([None], [job], now, executor.submit(fetch_chunk, [job], now, settings))
    return _results(executor, sent, settings)[0][1]


def _results(executor: Any, sent: _Sent[T], settings: Settings) -> list[tuple[T, Fetched]]:
    """A chunk's results; a chunk whose workers kept dying is run again job by job, and a
    job that still kills its worker fails alone."""
    try:
        return list(zip(sent.tags, sent.future.result(), strict=True))
    except TaskLost:
        if len(sent.jobs) == 1:
            job = sent.jobs[0]
            name = job.name
            source = job.source if isinstance(job, Capture) else source_of(name)
            size = job.size if isinstance(job, Fetch) else 0
            return [(sent.tags[0], Fetched(name, source, reason=LOST_REASON, input_size=size))]
    out: list[tuple[T, Fetched]] = []
    for tag, job in zip(sent.tags, sent.jobs, strict=True):
        again = _Sent([tag], [job], sent.now, executor.submit(fetch_chunk, [job], sent.now, settings))
        out.extend(_results(executor, again, settings))
    return out
