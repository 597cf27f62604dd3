"""``archive check``: is everything stored still whole, and does the index match the records?

    originals: every one a record or version names has a row, a file, and the right SHA-256;
               kept WARC headers belong to an original the archive holds
    index: every record indexed exactly once and up to date, no document without a record,
           no change still waiting in the queue
    records: which cleaner version made each (stale ones and held-back re-extractions are
             reported as notes, not problems: ``archive reextract`` deals with them)

``repair`` fixes what can be fixed from what the archive holds: it re-queues and drains
index changes (or rebuilds an index that cannot be opened), and restores a missing or
damaged original from the file or WARC record it was ingested from when that still gives
the same bytes, and drops WARC headers kept for originals the archive no longer holds.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archive.contract.backend import SearchBackend
from archive.contract.clock import now_utc
from archive.contract.errors import StoreError
from archive.contract.settings import current
from archive.storage.originals import OriginalStore
from archive.storage.salvage import damage, salvage
from archive.storage.store import RecordStore

from . import story_checks
from .indexing import rebuild, sync
from .workspace import Workspace

# problem kinds
ORIGINAL_MISSING = "original-missing"
ORIGINAL_DAMAGED = "original-damaged"
ORIGINAL_UNREGISTERED = "original-unregistered"
INDEX_UNUSABLE = "index-unusable"
NOT_INDEXED = "not-indexed"
INDEXED_TWICE = "indexed-twice"
INDEX_STALE = "index-stale"
INDEX_ORPHAN = "index-orphan"
PENDING = "pending"
ORIGINAL_UNRECORDED = "original-unrecorded"
SCRAP = "scrap"
STORE_DAMAGED = "store-damaged"
HEADERS_ORPHAN = "headers-orphan"

BATCH = 500


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    detail: str
    article_id: str | None = None
    sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.article_id, "sha256": self.sha256, "detail": self.detail}


@dataclass(slots=True)
class CheckReport:
    records: int = 0
    originals: int = 0
    warc_headers: int = 0
    indexed: int = 0
    pending: int = 0
    cleaner_version: str = ""
    cleaner_versions: dict[str, int] = field(default_factory=dict)
    stale: int = 0
    held: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    copies: dict[str, int] = field(default_factory=dict)  # stories, articles in them, unsigned
    watches: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(p.kind for p in self.problems).items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "originals": self.originals,
            "warc_headers": self.warc_headers,
            "indexed": self.indexed,
            "pending": self.pending,
            "cleaner": {"current": self.cleaner_version, "records_by_version": self.cleaner_versions,
                        "stale": self.stale},
            "held": self.held,
            "problem_counts": self.counts(),
            "problems": [p.to_dict() for p in self.problems],
            "repaired": self.repaired,
            "copies": self.copies,
            "watches": self.watches,
        }


def _check_originals(
    store: RecordStore, originals: OriginalStore, report: CheckReport, tick: Callable[[], None]
) -> None:
    for article_id, sha in store.unregistered_shas():
        report.problems.append(Problem(ORIGINAL_UNREGISTERED, "record names an original the store has no row for",
                                       article_id, sha))
    last = ""
    registered: set[str] = set()
    while rows := store.original_rows(last, BATCH):
        for sha, _size in rows:
            registered.add(sha)
            if not originals.has(sha):
                report.problems.append(Problem(ORIGINAL_MISSING, f"original {sha} is missing", sha256=sha))
            else:
                reason = originals.verify(sha)
                if reason:
                    report.problems.append(Problem(ORIGINAL_DAMAGED, reason, sha256=sha))
            report.originals += 1
            tick()
        last = rows[-1][0]
    for sha in originals.all_hashes():
        if sha not in registered:
            report.problems.append(Problem(
                ORIGINAL_UNRECORDED, "an original on disk that no record names: the commit that stored it was "
                "lost (a damaged or truncated -wal file); ingesting its source again brings the article back",
                sha256=sha))
    report.warc_headers = store.count("warc_headers")
    for source, sha in store.headers_without_original():
        report.problems.append(Problem(HEADERS_ORPHAN, f"WARC headers kept for {source}, whose original "
                                       "the archive does not hold", sha256=sha))


def _check_index(store: RecordStore, backend: SearchBackend, report: CheckReport, tick: Callable[[], None]) -> None:
    try:
        inventory = backend.inventory()
    except StoreError as exc:
        report.problems.append(Problem(INDEX_UNUSABLE, str(exc)))
        return
    seen: Counter[str] = Counter()
    batch: list[dict[str, Any]] = []

    def compare(docs: list[dict[str, Any]]) -> None:
        records = store.get_many([d["id"] for d in docs])
        for doc in docs:
            record = records.get(doc["id"])
            if record is None:
                report.problems.append(Problem(INDEX_ORPHAN, "index document without a record", doc["id"]))
            elif inventory.expected(record) != doc:
                report.problems.append(Problem(INDEX_STALE, "index document differs from the record", doc["id"]))

    try:
        for doc in inventory.documents():
            report.indexed += 1
            seen[doc["id"]] += 1
            if seen[doc["id"]] == 2:
                report.problems.append(Problem(INDEXED_TWICE, "record indexed more than once", doc["id"]))
            batch.append(doc)
            if len(batch) >= BATCH:
                compare(batch)
                batch = []
    except StoreError as exc:  # a segment that cannot be read: only a rebuild helps
        report.problems.append(Problem(INDEX_UNUSABLE, str(exc)))
        return
    compare(batch)
    last = ""
    while ids := store.ids_after(last, BATCH * 4):
        for article_id in ids:
            if article_id not in seen:
                report.problems.append(Problem(NOT_INDEXED, "record missing from the index", article_id))
            tick()
        last = ids[-1]
    for article_id, op in store.pending(10**9):
        report.problems.append(Problem(PENDING, f"queued index change ({op}) not yet applied", article_id))
    report.pending = store.count("index_queue")


def check(workspace: Workspace, *, wait: float = 0.0, progress: Callable[[], None] | None = None) -> CheckReport:
    """Inspect a home under its write lock, so no writer changes it halfway through."""
    with workspace.lock(wait):
        return _checked(workspace, progress)


def total_work(workspace: Workspace) -> int:
    """How many progress ticks a check makes: one per original and one per record."""
    with workspace.reader() as store:
        return store.count("originals") + store.count("articles")


def _checked(workspace: Workspace, progress: Callable[[], None] | None) -> CheckReport:
    """The report on a home; a record store too damaged to read is reported as such (its
    salvage comes first: what it holds cannot be checked against anything before)."""
    report = CheckReport(cleaner_version=current().cleaner_version)
    broken = damage(workspace.home.db_path) if workspace.home.db_path.exists() else []
    if not broken:
        try:
            with workspace.writer() as store:
                return _check(workspace, store, report, progress)
        except StoreError as exc:
            broken = [str(exc)]
    report = CheckReport(cleaner_version=report.cleaner_version)
    report.problems.extend(Problem(STORE_DAMAGED, line[:300]) for line in broken)
    _check_scraps(workspace, report)
    return report


def _check(workspace: Workspace, store: RecordStore, report: CheckReport,
           progress: Callable[[], None] | None) -> CheckReport:
    tick = progress or (lambda: None)
    report.records = store.count("articles")
    report.cleaner_versions = store.cleaner_versions()
    report.stale = sum(n for v, n in report.cleaner_versions.items() if v != report.cleaner_version)
    report.held = [
        {"id": r["article_id"], "version": r["version"], "cleaner_version": r["cleaner_version"],
         "reason": r["reason"], "held_at": r["held_at"]}
        for r in store.held_rows()
    ]
    _check_originals(store, workspace.originals, report, tick)
    _check_index(store, workspace.backend, report, tick)
    story_checks.check(store, workspace.backend, report, Problem)
    _check_scraps(workspace, report)
    return report


def _check_scraps(workspace: Workspace, report: CheckReport) -> None:
    """What killed writers left that nothing will use: half-written originals, half-built
    index generations. Harmless, but it can be gigabytes."""
    for path in workspace.originals.scraps(everywhere=True):
        report.problems.append(Problem(SCRAP, f"half-written original left by a killed writer: {path}"))
    try:
        left = workspace.backend.scraps()
    except StoreError:
        return  # an index that cannot be opened is reported as such
    for path in left:
        report.problems.append(Problem(SCRAP, f"index files no search uses, left by a killed writer: {path}"))



def _restore_original(store: RecordStore, originals: OriginalStore, sha: str) -> str | None:
    """Put a lost original back from a file or WARC record that still gives its bytes."""
    from .sources import reread  # the page readers, only when something is to be restored

    for path in dict.fromkeys(store.paths_for_sha(sha) + store.warc_sources(sha)):
        data = reread(path)
        if data is not None and hashlib.sha256(data).hexdigest() == sha:
            originals.delete(sha)
            originals.put(data, sha256=sha)
            store.register_original(sha, len(data), now_utc().isoformat())
            return path
    return None


def repair(workspace: Workspace, *, wait: float = 0.0, progress: Callable[[], None] | None = None) -> CheckReport:
    """Check, fix what the archive itself can fix, and check again; the report lists both."""
    done: list[str] = []
    with workspace.lock(wait):
        first = _checked(workspace, progress)
        if any(p.kind == STORE_DAMAGED for p in first.problems):
            done.append(salvage(workspace.home.db_path).describe())
            with workspace.writer() as store:
                story_checks.repair(store, [], done)  # copies are not salvaged: every article is compared again
                done.append(f"rebuilt the index from {rebuild(store, workspace.backend)} records")
            if any(p.kind == SCRAP for p in first.problems):
                done.append(f"removed {workspace.clear_scraps(everywhere=True)} files killed writers left")
        else:
            with workspace.writer() as store:
                _repair(workspace, store, first, done)
        report = _checked(workspace, None)
    report.repaired = done
    return report


def _repair(workspace: Workspace, store: RecordStore, first: CheckReport, done: list[str]) -> None:
    """Fix what the first check found, from what the archive holds."""
    dropped = []
    for problem in first.problems:
        if problem.kind in (ORIGINAL_MISSING, ORIGINAL_DAMAGED, ORIGINAL_UNREGISTERED) and problem.sha256:
            source = _restore_original(store, workspace.originals, problem.sha256)
            if source:
                done.append(f"restored original {problem.sha256} from {source}")
            elif problem.kind == ORIGINAL_MISSING and not store.original_in_use(problem.sha256):
                dropped.append(problem.sha256)  # a purge cut short: no record needs it
    if dropped:
        store.drop_originals(dropped)
        done.append(f"dropped {len(dropped)} rows of originals a cut-short purge had already deleted")
    orphaned = sorted({p.sha256 for p in first.problems if p.kind == HEADERS_ORPHAN and p.sha256})
    if orphaned:
        store.drop_headers(orphaned)
        done.append(f"dropped the WARC headers of {len(orphaned)} originals the archive does not hold")
    if any(p.kind == SCRAP for p in first.problems):
        done.append(f"removed {workspace.clear_scraps(everywhere=True)} files killed writers left")
    story_checks.repair(store, first.problems, done)  # before the index: a new story is a queued change
    kinds = {p.kind for p in first.problems}
    if INDEX_UNUSABLE in kinds:
        count = rebuild(store, workspace.backend)
        done.append(f"rebuilt the index from {count} records")
    else:
        reindex = sorted({p.article_id for p in first.problems if p.article_id and p.kind in (
            NOT_INDEXED, INDEXED_TWICE, INDEX_STALE)})
        orphans = sorted({p.article_id for p in first.problems if p.article_id and p.kind == INDEX_ORPHAN})
        store.queue(reindex, "index")
        store.queue(orphans, "delete")
        written = sync(store, workspace.backend)
        if reindex:
            done.append(f"re-indexed {len(reindex)} records")
        if orphans:
            done.append(f"deleted {len(orphans)} index documents without a record")
        if written > len(reindex) + len(orphans):
            done.append(f"applied {written - len(reindex) - len(orphans)} queued index changes")
