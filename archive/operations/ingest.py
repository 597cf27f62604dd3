"""The ingest pipeline: files on disk to stored, indexed articles.

    find files -> read bytes -> (unchanged? skip) -> extract a Record -> keep the original
    -> store record + version + index-queue row in one transaction -> drain queue to the index

A file that fails is reported with its reason and changes nothing; the batch goes on.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive.contract.clock import now_utc
from archive.contract.records import Record
from archive.contract.settings import current
from archive.extraction.decode import looks_like_html
from archive.extraction.extract import HTML_SUFFIXES, TEXT_SUFFIXES, identity_of
from archive.storage.home import Home
from archive.storage.lock import WriteLock
from archive.storage.originals import OriginalStore
from archive.storage.store import RecordStore
from index.indexer import sync
from index.location import IndexLocation

from .pool import extract_all


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


def _is_candidate(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or suffix in TEXT_SUFFIXES:
        return True
    if suffix in {".gz", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".zip", ".json", ".tsv",
                  ".csv", ".md", ".py", ".css", ".js"}:
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return True  # let the reader report why it cannot be read
    return looks_like_html(head.decode("utf-8", "replace"))


def find_inputs(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Files named directly, and page files found under directories, in a stable order.

    Inside directories, hidden entries are skipped, and files are taken when their suffix
    says page or their first bytes sniff as HTML; named files are always tried.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith("."):
                        continue
                    candidate = Path(dirpath) / name
                    if _is_candidate(candidate):
                        yield str(candidate)
        else:
            yield str(path)


class _BackgroundSync:
    """One index update running beside the ingest, on its own connection to the store.

    Extraction keeps going while Whoosh's writers index what was stored before: the
    update's serial parts (reading records, committing, computing the new segments'
    arrays) no longer leave the extraction processes waiting.  Queue rows are cleared
    only for what this update indexed, so pages stored meanwhile wait for the next one.
    """

    def __init__(self, home: Home, location: IndexLocation) -> None:
        self.home = home
        self.location = location
        self.indexed = 0
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="index-update")
        self.thread.start()

    def _run(self) -> None:
        try:
            store = RecordStore(self.home.db_path)
            try:
                self.indexed = sync(store, self.location, merge=False, once=True)
            finally:
                store.close()
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

    def __init__(self, home: Home) -> None:
        self.home = home
        self.store = RecordStore(home.db_path)
        self.originals = OriginalStore(home.originals_dir)
        self.location = IndexLocation(home.index_root)
        self._update: _BackgroundSync | None = None

    def close(self) -> None:
        try:
            self._wait_for_update()
        finally:
            self.store.close()

    def read(self, path: str) -> bytes | Outcome:
        """The file's bytes when they need extracting, else the Outcome that says why not."""
        abspath = os.path.abspath(path)
        try:
            data = Path(path).read_bytes()
        except IsADirectoryError:
            return Outcome(path, "failed", reason="is a directory")
        except OSError as exc:
            return Outcome(path, "failed", reason=f"cannot read: {exc.strerror or exc}")
        sha = hashlib.sha256(data).hexdigest()
        seen = self.store.source(abspath)
        if seen is not None and seen["sha256"] == sha:
            current = self.store.article_for_sha(sha)
            if current:
                return Outcome(path, "unchanged", current)
        return self._known(path, sha) or data

    def _known(self, path: str, sha: str) -> Outcome | None:
        """Bytes stored before, as the current or an older version of some article: nothing
        new was captured, and an older capture never takes the place of a newer one."""
        known = self.store.version_owner(sha)
        if not known:
            return None
        self.store.note_source(os.path.abspath(path), sha, known[0], now_utc().isoformat())
        return Outcome(path, "unchanged", known[0])

    def keep(self, path: str, data: bytes, record: Record, *, kept: bool = False) -> Outcome:
        """Store an extracted page: its original first (unless ``kept`` already), then
        record and queue row together."""
        known = self._known(path, record.sha256)
        if known:  # a copy earlier in the same batch, extracted alongside this one
            return known
        if not kept:
            self.originals.put(data)
        saved = self.store.save(record, identity_of(record.url, path), len(data))
        return Outcome(path, saved.status, saved.article_id)

    def sync_index(self, *, final: bool = True) -> int:
        """Index what is queued; return how many documents the updates finished here wrote.

        An intermediate update of a long batch (``final=False``) runs beside the ingest
        and leaves merging to the last; the final one waits for it, then indexes the rest
        and merges.
        """
        done = self._wait_for_update()
        if not final:
            self._update = _BackgroundSync(self.home, self.location)
            return done
        return done + sync(self.store, self.location, merge=True)

    def _wait_for_update(self) -> int:
        update, self._update = self._update, None
        return update.wait() if update is not None else 0


def _outcomes(ingester: Ingester, files: Iterable[str], jobs: int | None) -> Iterator[Outcome]:
    """Each file's outcome, in order; extraction runs on ``jobs`` processes."""

    def to_extract() -> Iterator[tuple[None, bytes, str]]:
        for path in files:
            read = ingester.read(path)
            if isinstance(read, Outcome):
                done.append(read)
            else:
                yield None, read, path

    # Files that need no extraction (unchanged, unreadable) are reported as they are met;
    # extracted ones when their extraction comes back, in the order they were sent.
    done: list[Outcome] = []
    for item in extract_all(to_extract(), jobs=jobs, originals=ingester.originals.root):
        yield from _drain(done)
        if item.record is None:
            yield Outcome(item.path, "failed", reason=item.reason)
        else:
            yield ingester.keep(item.path, item.data, item.record, kept=True)
    yield from _drain(done)


def _drain(done: list[Outcome]) -> Iterator[Outcome]:
    while done:
        yield done.pop(0)


def ingest(
    home: Home,
    paths: Iterable[str | os.PathLike[str]],
    *,
    progress: Callable[[Outcome], None] | None = None,
    wait: float = 0.0,
    jobs: int | None = 1,
    sync_every: int | None = None,
) -> IngestSummary:
    """Ingest files and directories into ``home``; never raises for a bad file.

    ``jobs`` processes extract pages (None: one per core); storing and indexing stay here.
    The index is brought up to date every ``sync_every`` stored files and at the end, so a
    long ingest becomes searchable as it goes.  By default (None) the first update comes
    after ``Settings.sync_every`` files and each later one after as many files as were stored
    before it: a long ingest then writes a few large index segments, which need no costly
    merging afterwards, instead of one small segment per ``sync_every`` files.
    """
    summary = IngestSummary()
    with WriteLock(home.lock_path, wait=wait):
        ingester = Ingester(home)
        try:
            since_sync = 0
            stored = 0
            for outcome in _outcomes(ingester, find_inputs(paths), jobs):
                summary.add(outcome)
                if progress:
                    progress(outcome)
                if outcome.status in {"new", "updated"}:
                    since_sync += 1
                    stored += 1
                    every = sync_every or max(current().sync_every, stored - since_sync)
                    if since_sync >= every:
                        summary.indexed += ingester.sync_index(final=False)
                        since_sync = 0
            summary.indexed += ingester.sync_index()
        finally:
            ingester.close()
    return summary
