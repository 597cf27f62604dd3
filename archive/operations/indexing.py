"""Bringing the search index up to date with the record store.

The store queues every changed article in the same transaction that changes it; this
module drains that queue into the search backend: one commit per ``commit_max`` queued
changes, and only then the queue rows are deleted.  An interruption at any point leaves
rows that are simply applied again, and the backend's replace-by-id makes that idempotent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from archive.contract.backend import SearchBackend
from archive.contract.records import Record
from archive.contract.settings import current
from archive.storage.store import RecordStore

Progress = Callable[[int], None]

CREDIT_KEY = "index.merge_credit"
READ_BATCH = 2000  # records read from the store at a time while a commit is written


def _records(store: RecordStore, items: list[tuple[str, str]]) -> Iterator[Record]:
    for start in range(0, len(items), READ_BATCH):
        chunk = items[start : start + READ_BATCH]
        records = store.get_many([aid for aid, op in chunk if op == "index"])
        for article_id, op in chunk:
            record = records.get(article_id)
            if op == "index" and record is not None:
                yield record


class Cadence:
    """When a long run brings the index up to date before its end.

    By count: every ``every`` stored articles when given; else first after
    ``Settings.sync_every`` and then each time as many as were stored before it, so a long
    run writes a few large segments that need little merging.  With ``timed``, also by the
    clock: first ``Settings.first_sync_seconds`` into the run, then at doubling intervals,
    so a run killed a few seconds in still leaves what it stored searchable.
    """

    def __init__(self, every: int | None = None, *, timed: bool = True, pending: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.timed = timed
        self.clock = clock
        self.pending = pending  # changes queued before this run (a killed run's)
        self.since = 0
        self.stored = 0
        self.last = clock()
        self.interval = current().first_sync_seconds
        self._by_clock = False

    def stored_one(self) -> None:
        self.since += 1
        self.stored += 1

    def due(self) -> bool:
        """Whether to update the index now (and, if so, the caller then calls ``done``)."""
        self._by_clock = False
        if self.since and self.since >= (self.every or max(current().sync_every, self.stored - self.since)):
            return True
        self._by_clock = self.timed and (self.since > 0 or self.pending) and self.clock() - self.last >= self.interval
        return self._by_clock

    def done(self) -> None:
        if self._by_clock:
            self.interval *= 2
        self.since = 0
        self.pending = False
        self.last = self.clock()


def sync(store: RecordStore, backend: SearchBackend, *, progress: Progress | None = None,
         merge: bool = True, once: bool = False) -> int:
    """Apply every queued change; return how many were applied.

    With ``merge``, the backend then tidies its segments within a budget earned by the
    documents written (a long ingest passes ``merge=False`` for all but its last sync).
    With ``once``, only one commit is written: an update running beside an ingest applies
    what was queued when it began instead of chasing the pages stored meanwhile.
    """
    done = 0
    while items := store.pending(current().commit_max):
        adds = sum(1 for _aid, op in items if op == "index")
        groups = store.stories(aid for aid, op in items if op == "index")
        indexed = backend.apply([aid for aid, _op in items], _records(store, items), adds=adds, groups=groups)
        store.done(items, indexed)
        done += len(items)
        if progress:
            progress(len(items))
        if once:
            break
    merged = _merge(store, backend, done) if merge else 0
    if done or merged:
        backend.refresh()
    return done


def _merge(store: RecordStore, backend: SearchBackend, written: int) -> int:
    if current().merge_apart:
        return 0  # merged apart, once the write lock is released (archive.operations.tidying)
    try:
        credit = float(store.get_meta(CREDIT_KEY) or 0)
    except ValueError:
        credit = 0.0
    rewritten, left = backend.merge(credit, written)
    if left != credit or written:
        store.set_meta(CREDIT_KEY, f"{left:.0f}")
    return rewritten


def rebuild(store: RecordStore, backend: SearchBackend, *, progress: Progress | None = None) -> int:
    """Index every record afresh; the queue's index changes are in the new index already."""
    pending = store.pending(10**9)
    count = backend.rebuild(store.iter_records(), total=store.count("articles"), progress=progress,
                            groups=store.all_stories())
    store.done([item for item in pending if item[1] == "index"])
    return count
