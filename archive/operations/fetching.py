"""Inputs read where they are extracted: on a cluster, each worker opens its captures.

The coordinator only lists the inputs and sends their names; a worker reads each one
(a local path on a filesystem every machine mounts at the same place, or an fsspec URL
such as ``s3://bucket/pages/a.html``), hashes it, skips it when its source was recorded
with the same bytes, extracts it, and hands back the record with the original already
compressed.  The coordinator stores both, in order: the home never leaves it.

    name -> (worker) read, hash -> seen before? -> extract -> compress the original
         -> (coordinator) keep the original -> store the record
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from archive.contract.captures import Capture
from archive.contract.clock import now_utc
from archive.contract.records import Record
from archive.contract.settings import Settings, current
from archive.storage.originals import pack

from .pool import LOST_REASON, TaskLost, extract_chunk
from .sources import read_bytes, source_of


@dataclass(frozen=True, slots=True)
class Fetched:
    """One input as a worker read it: its record and compressed original, or why not."""

    name: str
    source: str
    sha256: str | None = None
    size: int = 0
    packed: bytes | None = None
    record: Record | None = None
    reason: str | None = None
    seen: bool = False  # the source was recorded with these bytes: not extracted


def fetch_chunk(items: list[tuple[str, str | None]], now: datetime, settings: Settings) -> list[Fetched]:
    """Read and extract each (name, sha256 its source was recorded with) on this worker."""
    out: list[Fetched] = []
    for name, known in items:
        source = source_of(name)
        try:
            data = read_bytes(source)
        except IsADirectoryError:
            out.append(Fetched(name, source, reason="is a directory"))
            continue
        except OSError as exc:
            out.append(Fetched(name, source, reason=f"cannot read: {exc.strerror or exc}"))
            continue
        capture = Capture.of(data, name, source)
        if known == capture.sha256:
            out.append(Fetched(name, source, capture.sha256, len(data), seen=True))
            continue
        (record, reason), = extract_chunk([(capture, now)], None, settings)
        packed = pack(data) if record is not None else None
        out.append(Fetched(name, source, capture.sha256, len(data), packed, record, reason))
    return out


def fetched(executor: Any, items: Iterable[tuple[str, str | None]], window: int | None = None) -> Iterator[Fetched]:
    """Each input fetched on ``executor``, in the order given, a bounded number in flight;
    each chunk is extracted as of the moment it is sent (the coordinator's clock)."""
    settings = current()
    window = window or getattr(executor, "workers", 1) * 4
    pending: deque[tuple[list[tuple[str, str | None]], datetime, Any]] = deque()

    def send(chunk: list[tuple[str, str | None]]) -> None:
        now = now_utc()
        pending.append((chunk, now, executor.submit(fetch_chunk, chunk, now, settings)))

    chunk: list[tuple[str, str | None]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= settings.pool_chunk:
            send(chunk)
            chunk = []
        while len(pending) >= window:
            yield from _results(executor, *pending.popleft(), settings)
    if chunk:
        send(chunk)
    while pending:
        yield from _results(executor, *pending.popleft(), settings)


def _results(executor: Any, chunk: list[tuple[str, str | None]], now: datetime, future: Any,
             settings: Settings) -> list[Fetched]:
    """A chunk's results; a chunk whose workers kept dying is run again page by page, and
    a page that still kills its worker fails alone."""
    try:
        return future.result()
    except TaskLost:
        if len(chunk) == 1:
            name = chunk[0][0]
            return [Fetched(name, source_of(name), reason=LOST_REASON)]
    out: list[Fetched] = []
    for item in chunk:
        out.extend(_results(executor, [item], now, executor.submit(fetch_chunk, [item], now, settings), settings))
    return out
