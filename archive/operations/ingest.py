"""The ingest pipeline: captures to stored, indexed articles.

    sources (files, folders, WARC files) -> each input read once into items -> a capture
    seen before? unchanged -> extract a Record (in the pool) -> keep the original -> store
    record + version + source (+ its WARC headers) + ingest sequence number + its place
    among copies of the same story + index-queue rows in one transaction -> drain the
    queue into the index

A WARC revisit resolves to the capture whose payload it repeats; whatever is skipped (not a
page, a request record...) is counted by reason.  A capture that fails is reported with its
reason and changes nothing; the batch goes on.

On a cluster (an executor marked ``remote``) the loose pages are read by the workers, not
here (``fetching``): the same steps, with the reading, hashing, extracting and compressing
done there and everything else here, in the same order.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archive.contract.captures import Envelope
from archive.contract.clock import now_utc
from archive.contract.records import Record
from archive.extraction.extract import capture_identity, identity_of
from archive.storage.store import RecordStore

from .copies import Copies
from .indexing import Cadence, sync
from .items import Failure, Item, Read, Revisit, Skip
from .pool import ExtractionPool, Task
from .sources import PAGE, SKIP, WARC, Inputs, read_inputs, source_of
from .workspace import Workspace

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from .fetching import Fetched, Job


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    status: str  # new | updated | unchanged | failed | skipped
    article_id: str | None = None
    reason: str | None = None
    size: int = 0  # bytes of the input it accounts for: what a progress bar advances by


@dataclass(slots=True)
class IngestSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    indexed: int = 0
    failures: list[Outcome] = field(default_factory=list)
    skipped_by_reason: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        if outcome.status == "skipped":
            self.skipped_by_reason[outcome.reason or "skipped"] += 1
        elif outcome.reason:
            self.failures.append(outcome)

    def to_dict(self) -> dict[str, object]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "indexed": self.indexed,
            "errors": [{"path": o.path, "reason": o.reason} for o in self.failures],
            "skipped": self.skipped,
            "skipped_by_reason": dict(sorted(self.skipped_by_reason.items(), key=lambda kv: (-kv[1], kv[0]))),
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
        # Revisits of captures read but not stored yet (in the pool): payload digests and
        # record ids of those captures, and the revisits waiting for each.  Both hold only
        # what is in flight, so they stay as small as the pool's window.
        self._in_flight: dict[str, str] = {}
        self._waiting: dict[str, list[Revisit]] = {}

    def close(self) -> None:
        try:
            self._wait_for_update()
        finally:
            self.store.close()

    def read(self, item: Read) -> Read | Outcome:
        """The capture when it needs extracting, else the Outcome that says why not."""
        capture = item.capture
        seen = self.store.source(capture.source)
        if seen is not None and seen["sha256"] == capture.sha256:
            current_id = self.store.article_for_sha(capture.sha256)
            if current_id:
                return Outcome(capture.name, "unchanged", current_id, size=item.size)
        known = self._known(item)
        if known:
            return known
        if item.envelope is not None:
            for key in (item.envelope.payload_digest, item.envelope.record_id):
                if key:
                    self._in_flight[key] = capture.sha256
        return item

    def _known(self, item: Read) -> Outcome | None:
        capture = item.capture
        return self._known_bytes(capture.name, capture.source, capture.sha256, item.size, item.envelope)

    def _known_bytes(self, name: str, source: str, sha256: str, size: int,
                     envelope: Envelope | None = None) -> Outcome | None:
        """Bytes stored before, as the current or an older version of some article: nothing
        new was captured, and an older capture never takes the place of a newer one."""
        known = self.store.version_owner(sha256)
        if not known:
            return None
        self.store.note_source(source, sha256, known[0], now_utc().isoformat(), envelope)
        return Outcome(name, "unchanged", known[0], size=size)

    def keep(self, item: Read, record: Record, *, kept: bool = False) -> Outcome:
        """Store an extracted capture: its original first (unless ``kept`` already), then
        record, source, headers and queue row together."""
        self._landed(item)
        capture = item.capture

        def write() -> None:
            self.workspace.originals.put(capture.data, sha256=capture.sha256)

        return self._store(capture.name, capture.source, capture.sha256, len(capture.data), record,
                           capture_identity(record.url, capture), None if kept else write,
                           envelope=item.envelope, input_size=item.size)

    def keep_fetched(self, item: Fetched, *, kept: bool = False) -> Outcome:
        """Store a page a cluster's worker read and extracted: the original it compressed
        (unless ``kept`` already), then record, source and queue row together."""
        if item.record is None or item.sha256 is None or item.packed is None:
            raise ValueError(f"{item.name}: the worker extracted nothing to keep")  # a caller's bug
        packed, sha = item.packed, item.sha256

        def write() -> None:
            self.workspace.originals.put_packed(packed, sha)

        return self._store(item.name, item.source, sha, item.size, item.record,
                           identity_of(item.record.url, item.source), None if kept else write,
                           input_size=item.input_size)

    def _store(self, name: str, source: str, sha256: str, size: int, record: Record, identity: str,
               write: Callable[[], None] | None, *, envelope: Envelope | None = None,
               input_size: int = 0) -> Outcome:
        known = self._known_bytes(name, source, sha256, input_size, envelope)
        if known:  # a copy earlier in the same batch, extracted alongside this one
            return known
        if write is not None:
            write()
        try:
            with self.store.atomic():  # the record and its place among copies, together
                saved = self.store.save(record, identity, size, envelope)
                self.copies.place(record)
        except BaseException:
            if not self.store.original_registered(sha256):
                self.workspace.originals.delete(sha256)  # never stored: no file without its record
            raise
        return Outcome(name, saved.status, saved.article_id, size=input_size)

    def failed(self, item: Read, reason: str | None) -> Outcome:
        self._landed(item)
        return Outcome(item.name, "failed", reason=reason, size=item.size)

    def _landed(self, item: Read) -> None:
        if item.envelope is not None:
            for key in (item.envelope.payload_digest, item.envelope.record_id):
                if key and self._in_flight.get(key) == item.capture.sha256:
                    del self._in_flight[key]

    def revisit(self, revisit: Revisit) -> Outcome | None:
        """A revisit resolved to the article whose capture it repeats (``unchanged``), or
        skipped when that capture was never kept; None while that capture is still being
        extracted (``settled`` gives it then)."""
        seen = self.store.source(revisit.source)
        if seen is not None and self.store.version_owner(seen["sha256"]):
            return Outcome(revisit.name, "unchanged", seen["article_id"], size=revisit.size)
        for key in (revisit.payload_digest, revisit.refers_to):
            if key and key in self._in_flight:
                self._waiting.setdefault(self._in_flight[key], []).append(revisit)
                return None
        sha = None
        if revisit.payload_digest:
            sha = self.store.sha_for_digest(revisit.payload_digest)
        if sha is None and revisit.refers_to:
            sha = self.store.sha_for_record(revisit.refers_to)
        return self._resolve(revisit, sha)

    def settled(self, sha256: str) -> list[Outcome]:
        """The revisits that were waiting for the capture with these bytes."""
        return [self._resolve(revisit, sha256) for revisit in self._waiting.pop(sha256, [])]

    def _resolve(self, revisit: Revisit, sha256: str | None) -> Outcome:
        owner = self.store.version_owner(sha256) if sha256 else None
        if owner is None:
            return Outcome(revisit.name, "skipped", reason="revisit of a capture not stored (not a page, or not "
                                                            "in this WARC or the archive)", size=revisit.size)
        self.store.note_source(revisit.source, sha256 or "", owner[0], now_utc().isoformat())
        return Outcome(revisit.name, "unchanged", owner[0], size=revisit.size)

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


def _outcomes(ingester: Ingester, items: Iterable[Item], pool: ExtractionPool,
              report: Callable[[Outcome], None]) -> Iterator[Outcome]:
    """The outcome of each capture the pool extracted, in order.  Everything that needs no
    extraction (unchanged, skipped, unreadable, revisits) goes to ``report`` as it is met,
    so nothing piles up however many of them a WARC holds between two pages."""

    def to_extract() -> Iterator[Task[Read]]:
        for item in items:
            if isinstance(item, Read):
                read = ingester.read(item)
                if isinstance(read, Outcome):
                    report(read)
                else:
                    yield Task(read, read.capture)
            else:
                _report_unread(ingester, item, report)

    for extracted in pool.map(to_extract()):
        read = extracted.tag
        if extracted.record is None:
            yield ingester.failed(read, extracted.reason)
        else:
            yield ingester.keep(read, extracted.record, kept=True)
        yield from ingester.settled(read.capture.sha256)


def _cluster_outcomes(ingester: Ingester, inputs: Inputs | Iterable[str], executor: Executor,
                      report: Callable[[Outcome], None]) -> Iterator[Outcome]:
    """As ``_outcomes``, on a cluster: a loose page is sent by name and read by a worker
    (which also tells whether its bytes are the ones its source was recorded with); a WARC
    is streamed here and its captures are sent to be extracted.  Results are stored in the
    order the inputs were listed."""
    from .fetching import Fetch, fetch_one, fetched, written_ahead
    from .warc import read_warc

    store = ingester.store
    entries = inputs.entries if isinstance(inputs, Inputs) else Inputs.find(inputs).entries

    def jobs() -> Iterator[tuple[Read | None, Job]]:
        for entry in entries:
            if entry.kind == PAGE:
                seen = store.source(source_of(entry.path))
                yield None, Fetch(entry.path, entry.size, seen["sha256"] if seen is not None else None)
            elif entry.kind == SKIP:
                report(Outcome(entry.path, "skipped", reason=entry.reason or "skipped", size=entry.size))
            elif entry.kind == WARC:
                for item in read_warc(entry.path):
                    if isinstance(item, Read):
                        read = ingester.read(item)
                        if isinstance(read, Outcome):
                            report(read)
                        else:
                            yield read, read.capture
                    else:
                        _report_unread(ingester, item, report)

    for read, item, written in written_ahead(fetched(executor, jobs()), ingester.workspace.originals):
        if read is not None:  # a WARC's capture, extracted there
            if item.record is None:
                yield ingester.failed(read, item.reason)
            else:
                yield ingester.keep(read, item.record)
            yield from ingester.settled(read.capture.sha256)
            continue
        if item.seen and item.sha256 is not None:
            current_id = store.article_for_sha(item.sha256)
            if current_id:
                yield Outcome(item.name, "unchanged", current_id, size=item.input_size)
                continue
            known = ingester._known_bytes(item.name, item.source, item.sha256, item.input_size)
            if known:
                yield known
                continue
            # recorded once, but no article holds those bytes now: read and extract it afresh
            item = fetch_one(executor, Fetch(item.name, item.input_size))
        if item.record is None:
            yield Outcome(item.name, "failed", reason=item.reason, size=item.input_size)
        elif written is not None:
            written.result()  # the original is on the disk (or its error is raised here)
            yield ingester.keep_fetched(item, kept=True)
        else:
            yield ingester.keep_fetched(item)


def _report_unread(ingester: Ingester, item: Item, report: Callable[[Outcome], None]) -> None:
    """What needs no extraction: a revisit resolved, a skip or a failure reported."""
    if isinstance(item, Revisit):
        resolved = ingester.revisit(item)
        if resolved is not None:
            report(resolved)
    elif isinstance(item, Skip):
        report(Outcome(item.name, "skipped", reason=item.reason, size=item.size))
    elif isinstance(item, Failure):
        report(Outcome(item.name, "failed", reason=item.reason, size=item.size))


def ingest(
    workspace: Workspace,
    inputs: Inputs | Iterable[str],
    *,
    progress: Callable[[Outcome], None] | None = None,
    wait: float = 0.0,
    executor: Executor | None = None,
    sync_every: int | None = None,
) -> IngestSummary:
    """Ingest inputs (``Inputs``, or paths as ``sources.find_inputs`` lists them) into a
    home; never raises for a bad file or record.

    Pages are extracted by ``executor`` (None: in this process); storing and indexing stay
    here.  An executor marked ``remote`` (a cluster, whose workers may be other machines)
    is sent the loose pages' names: its workers read them (local paths they share, or
    fsspec URLs), extract them and hand back the compressed originals; WARC files are read
    here and their captures sent.  The index is brought up to date every ``sync_every`` stored files and at the
    end, so a long ingest becomes searchable as it goes; by default (None) on the schedule
    of ``indexing.Cadence``: by count (a few large segments, little merging) and early on by
    the clock (a run killed a few seconds in leaves what it stored searchable).
    """
    summary = IngestSummary()
    pool = ExtractionPool(executor, originals=workspace.originals)

    def note(outcome: Outcome) -> None:
        summary.add(outcome)
        if progress:
            progress(outcome)

    with workspace.lock(wait):
        workspace.clear_scraps()
        ingester = Ingester(workspace)
        try:
            cadence = Cadence(sync_every, timed=sync_every is None, pending=ingester.store.count("index_queue") > 0)
            if executor is not None and getattr(executor, "remote", False):
                outcomes = _cluster_outcomes(ingester, inputs, executor, note)
            else:
                outcomes = _outcomes(ingester, read_inputs(inputs), pool, note)
            for outcome in outcomes:
                note(outcome)
                if outcome.status in {"new", "updated"}:
                    cadence.stored_one()
                if cadence.due():
                    summary.indexed += ingester.sync_index(final=False)
                    cadence.done()
            summary.indexed += ingester.sync_index()
        finally:
            ingester.close()
    return summary
