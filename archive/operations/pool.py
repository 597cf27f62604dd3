"""Extraction on every core: decode + parse + clean + metadata in a pool of processes.

Extraction is pure (bytes in, Record or InputError out) and costs tens of milliseconds of
CPU per page, so it is the part of an ingest worth spreading over processes.  Everything
that writes (originals, the record store, the index) stays in the calling process, which
keeps the store's one-writer rules and the index queue exactly as in a sequential ingest.

Results come back in the order the pages went in, with a bounded number in flight, so
memory stays flat however many files a batch holds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from archive.contract.errors import InputError
from archive.contract.lifeline import cores, forkserver_context
from archive.contract.records import Record
from archive.contract.settings import current
from archive.extraction.extract import extract_bytes
from archive.storage.originals import OriginalStore

T = TypeVar("T")


def default_jobs() -> int:
    """One extraction process per core."""
    return cores()


@dataclass(frozen=True, slots=True)
class Extracted(Generic[T]):
    """One page's extraction: the caller's tag, the bytes, and a Record or the reason it failed."""

    tag: T
    data: bytes
    path: str
    record: Record | None
    reason: str | None


def _extract_chunk(
    items: list[tuple[bytes, str]], originals: str | None = None
) -> list[tuple[Record | None, str | None]]:
    """Extract each page; with ``originals``, also keep the original of each good page
    (compressing and syncing it here, in parallel, before the caller stores its record)."""
    out: list[tuple[Record | None, str | None]] = []
    store = OriginalStore(Path(originals)) if originals else None
    for data, path in items:
        try:
            record = extract_bytes(data, path)
            if store is not None:
                store.put(data)
            out.append((record, None))
        except InputError as exc:
            out.append((None, exc.reason))
        except RecursionError:
            out.append((None, "the page nests its markup too deeply to read"))
        except OSError as exc:
            out.append((None, f"cannot store the original: {exc.strerror or exc}"))
    return out


Item = tuple[T, bytes, str]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_all(
    items: Iterable[tuple[T, bytes, str]],
    *,
    jobs: int | None = None,
    originals: Path | None = None,
) -> Iterator[Extracted[T]]:
    """Extract ``(tag, bytes, path)`` items on ``jobs`` processes, yielding results in order.

    With ``originals`` (a folder of an OriginalStore) the workers also store the original
    of every page that extracted well: syncing a file costs milliseconds of waiting, which
    the workers overlap.  With one job no process is started; the work is done in-line.
    """
    where = str(originals) if originals else None
    jobs = jobs or default_jobs()
    if jobs <= 1:
        for tag, data, path in items:
            (record, reason), = _extract_chunk([(data, path)], where)
            yield Extracted(tag, data, path, record, reason)
        return
    window = jobs * 4
    pending: deque[tuple[list[tuple[T, bytes, str]], Future]] = deque()
    # forkserver: workers start from a clean process, not a fork of one holding open
    # databases, index files or threads; the lifeline ends them if this process is killed.
    context = forkserver_context()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for chunk in _chunks(items, current().pool_chunk):
            pages = [(d, p) for _, d, p in chunk]
            pending.append((chunk, pool.submit(_extract_chunk, pages, where)))
            while len(pending) >= window:
                yield from _collect(*pending.popleft())
        while pending:
            yield from _collect(*pending.popleft())


def _collect(chunk: list[tuple[T, bytes, str]], future: Future) -> Iterator[Extracted[T]]:
    for (tag, data, path), (record, reason) in zip(chunk, future.result(), strict=True):
        yield Extracted(tag, data, path, record, reason)
