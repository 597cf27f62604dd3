"""The ingest pipeline: captures to stored, indexed articles.

    sources (files, folders) -> read each capture once -> (seen before? unchanged)
    -> extract a Record (in the pool) -> keep the original -> store record + version +
    ingest sequence number + its place among copies of the same story + index-queue rows
    in one transaction -> drain the queue into the index

A capture that fails is reported with its reason and changes nothing; the batch goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archive.contract.captures import Capture
from archive.contract.clock import now_utc
from archive.extraction.extract import identity_of
from archive.storage.store import RecordStore

from .copies import Copies
from .indexing import Cadence, sync
from .pool import ExtractionPool, Task
from .sources import read_file
from .workspace import Workspace

if TYPE_CHECKING:
    from concurrent.futures import Executor


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    status: str  # new | updated | unchanged | failed
    article_id: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class IngestSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    indexed: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        self.outcomes.append(outcome)

    def to_dict(self) -> dict[str, object]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "indexed": self.indexed,
            "errors": [{"path": o.path, "reason": o.reason} for o in self.outcomes if o.reason],
        }


class _BackgroundSync:
    """One index update running beside the ingest, on its own connection to the store.

    Extraction keeps going while the index writes what was stored before: the update's
    serial parts (reading records, committing, computing the new segments' arrays) no
    longer leave the extraction processes waiting.  Queue rows are cleared only for what
    this update indexed, so pages stored meanwhile wait for the next one.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.indexed = 0
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="index-update")
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.workspace.writer() as store:
                self.indexed = sync(store, self.workspace.backend, merge=False, once=True)
        except BaseException as exc:  # handed to the ingest's own thread by wait()
            self.error = exc

    def wait(self) -> int:
        """How many documents the update wrote; its error, raised here, if it failed."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.indexed


class Ingester:
    """Stores captures into one archive home; the caller holds the write lock."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.store: RecordStore = workspace.writer()
        self.copies = Copies(self.store)
        self._update: _BackgroundSync | None = None

    def close(self) -> None:
        try:
            self._wait_for_update()
        finally:
            self.store.close()

    def read(self, path: str) -> Capture | Outcome:
        """The file's capture when it needs extracting, else the Outcome that says why not."""
        try:
            capture = read_file(path)
        except IsADirectoryError:
            return Outcome(path, "failed", reason="is a directory")
        except OSError as exc:
            return Outcome(path, "failed", reason=f"cannot read: {exc.strerror or exc}")
        seen = self.store.source(capture.source)
        if seen is not None and seen["sha256"] == capture.sha256:
            current_id = self.store.article_for_sha(capture.sha256)
            if current_id:
                return Outcome(path, "unchanged", current_id)
        return self._known(capture) or capture

    def _known(self, capture: Capture) -> Outcome | None:
        """Bytes stored before, as the current or an older version of some article: nothing
        new was captured, and an older capture never takes the place of a newer one."""
        known = self.store.version_owner(capture.sha256)
        if not known:
            return None
        self.store.note_source(capture.source, capture.sha256, known[0], now_utc().isoformat())
        return Outcome(capture.name, "unchanged", known[0])

    def keep(self, capture: Capture, record: object, *, kept: bool = False) -> Outcome:
        """Store an extracted capture: its original first (unless ``kept`` already), then
        record and queue row together."""
        known = self._known(capture)
        if known:  # a copy earlier in the same batch, extracted alongside this one
            return known
        if not kept:
            self.workspace.originals.put(capture.data, sha256=capture.sha256)
        try:
            with self.store.atomic():  # the record and its place among copies, together
                saved = self.store.save(record, identity_of(record.url, capture.source), len(capture.data))
                self.copies.place(record)
        except BaseException:
            if not self.store.original_registered(capture.sha256):
                self.workspace.originals.delete(capture.sha256)  # never stored: no file without its record
            raise
        return Outcome(capture.name, saved.status, saved.article_id)

    def sync_index(self, *, final: bool = True) -> int:
        """Index what is queued; return how many documents the updates finished here wrote.

        An intermediate update of a long batch (``final=False``) runs beside the ingest
        and leaves merging to the last; the final one waits for it, then indexes the rest
        and merges.
        """
        done = self._wait_for_update()
        if not final:
            self._update = _BackgroundSync(self.workspace)
            return done
        return done + sync(self.store, self.workspace.backend, merge=True)

    def _wait_for_update(self) -> int:
        update, self._update = self._update, None
        return update.wait() if update is not None else 0


def _outcomes(ingester: Ingester, files: Iterable[str], pool: ExtractionPool) -> Iterator[Outcome]:
    """Each file's outcome, in order; extraction runs in the pool."""

    def to_extract() -> Iterator[Task[None]]:
        for path in files:
            read = ingester.read(path)
            if isinstance(read, Outcome):
                done.append(read)
            else:
                yield Task(None, read)

    # Files that need no extraction (unchanged, unreadable) are reported as they are met;
    # extracted ones when their extraction comes back, in the order they were sent.
    done: list[Outcome] = []
    for item in pool.map(to_extract()):
        yield from _drain(done)
        if item.record is None:
            yield Outcome(item.capture.name, "failed", reason=item.reason)
        else:
            yield ingester.keep(item.capture, item.record, kept=True)
    yield from _drain(done)


def _drain(done: list[Outcome]) -> Iterator[Outcome]:
    while done:
        yield done.pop(0)


def ingest(
    workspace: Workspace,
    files: Iterable[str],
    *,
    progress: Callable[[Outcome], None] | None = None,
    wait: float = 0.0,
    executor: Executor | None = None,
    sync_every: int | None = None,
) -> IngestSummary:
    """Ingest files (as ``sources.find_inputs`` lists them) into a home; never raises for a
    bad file.

    Pages are extracted by ``executor`` (None: in this process); storing and indexing stay
    here.  The index is brought up to date every ``sync_every`` stored files and at the
    end, so a long ingest becomes searchable as it goes; by default (None) on the schedule
    of ``indexing.Cadence``: by count (a few large segments, little merging) and early on by
    the clock (a run killed a few seconds in leaves what it stored searchable).
    """
    summary = IngestSummary()
    pool = ExtractionPool(executor, originals=workspace.originals)
    with workspace.lock(wait):
        workspace.clear_scraps()
        ingester = Ingester(workspace)
        try:
            cadence = Cadence(sync_every, timed=sync_every is None, pending=ingester.store.count("index_queue") > 0)
            for outcome in _outcomes(ingester, files, pool):
                summary.add(outcome)
                if progress:
                    progress(outcome)
                if outcome.status in {"new", "updated"}:
                    cadence.stored_one()
                if cadence.due():
                    summary.indexed += ingester.sync_index(final=False)
                    cadence.done()
            summary.indexed += ingester.sync_index()
        finally:
            ingester.close()
    return summary
