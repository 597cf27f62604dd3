"""Re-extraction: the current cleaner run again over the stored originals.

    pick articles (stale by cleaner version, all, or named) -> for each version: read its
    original -> extract -> keep the id, path and capture time -> better or equal? apply :
    hold back -> one transaction per article (records + held rows + index-queue row)
    -> drain the queue to the index

A re-extraction is not a new capture: it rewrites each version in place (noting when) and
the current record with it, so version numbers keep meaning "captures".  An extraction
that comes out empty or much shorter than the record it would replace is never applied
unless forced; it is kept in the ``held`` table and reported.

Resuming: stale selection resumes by itself (done articles carry the new cleaner version,
held ones are skipped); ``--all`` keeps a checkpoint (the last article id done) in the
store's ``meta`` table until it completes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from archive.contract.clock import now_utc
from archive.contract.errors import InputError, StoreError
from archive.contract.records import Record
from archive.contract.settings import current
from archive.storage.home import Home
from archive.storage.lock import WriteLock
from archive.storage.originals import OriginalStore
from archive.storage.store import RecordStore
from index.indexer import sync
from index.location import IndexLocation

HOLD_RATIO = 0.5
"""A new body with fewer than this share of the old body's words is held back."""

CHECKPOINT_KEY = "reextract_all_checkpoint"


@dataclass(frozen=True, slots=True)
class ReextractOutcome:
    article_id: str
    status: str  # updated | unchanged | held | failed
    reasons: tuple[str, ...] = ()


@dataclass(slots=True)
class ReextractSummary:
    selected: int = 0
    updated: int = 0
    unchanged: int = 0
    held: int = 0
    failed: int = 0
    indexed: int = 0
    resumed_after: str | None = None
    problems: list[ReextractOutcome] = field(default_factory=list)

    def add(self, outcome: ReextractOutcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        if outcome.reasons:
            self.problems.append(outcome)

    def to_dict(self) -> dict[str, object]:
        return {
            "selected": self.selected, "updated": self.updated, "unchanged": self.unchanged,
            "held": self.held, "failed": self.failed, "indexed": self.indexed,
            "resumed_after": self.resumed_after,
            "problems": [
                {"id": o.article_id, "status": o.status, "reasons": list(o.reasons)} for o in self.problems
            ],
        }


def worse_reason(old: Record, new: Record) -> str | None:
    """Why ``new`` should not replace ``old``, or None when it may."""
    if not new.body.strip():
        return "new extraction has an empty body"
    if old.word_count and new.word_count < HOLD_RATIO * old.word_count:
        return f"new extraction is much shorter ({new.word_count} words, was {old.word_count})"
    return None


class Reextractor:
    """Re-extracts articles of one home; the caller holds the write lock."""

    def __init__(self, home: Home, store: RecordStore) -> None:
        self.store = store
        self.originals = OriginalStore(home.originals_dir)
        from archive.extraction import extract as extraction  # the HTML parser only for the commands needing it

        self.extraction = extraction
        self.cleaner = current().cleaner_version

    def article(self, article_id: str, *, force: bool = False) -> ReextractOutcome:
        current = self.store.current_version(article_id)
        applied: list[tuple[int, Record]] = []
        held: list[tuple[int, str, str, Record | None]] = []
        failures: list[str] = []
        reindex = False
        changes = 0
        for row in self.store.version_rows(article_id):
            version = row["version"]
            old = Record.from_json(row["record"])
            try:
                data = self.originals.get(row["sha256"])
            except StoreError as exc:
                failures.append(f"version {version}: {exc}")
                continue
            try:
                fresh = self.extraction.extract_bytes(
                    data, old.source_path, now=datetime.fromisoformat(old.ingested_at)
                )
            except InputError as exc:
                held.append((version, self.cleaner, f"version {version}: {exc.reason}", None))
                continue
            # Same article, same capture: only what the cleaner reads may change.
            fresh = fresh.with_changes(id=old.id, source_path=old.source_path, ingested_at=old.ingested_at)
            reason = worse_reason(old, fresh)
            if reason and not force:
                held.append((version, self.cleaner, f"version {version}: {reason}", fresh))
                continue
            content_changed = fresh.with_changes(cleaner_version=old.cleaner_version) != old
            if content_changed or fresh.cleaner_version != old.cleaner_version:
                applied.append((version, fresh))
            changes += content_changed
            if content_changed and version == current:
                reindex = True
        if applied or held:
            self.store.apply_extraction(
                article_id, applied, held, at=now_utc().isoformat(), reindex=reindex
            )
        reasons = tuple(failures + [h[2] for h in held])
        if failures:
            return ReextractOutcome(article_id, "failed", reasons)
        if held:
            return ReextractOutcome(article_id, "held", reasons)
        return ReextractOutcome(article_id, "updated" if changes else "unchanged")


def _batches(store: RecordStore, start: str, stale_for: str | None, skip_held: bool) -> Iterator[list[str]]:
    last = start
    while True:
        ids = store.ids_after(last, current().reextract_batch, stale_for=stale_for, skip_held=skip_held)
        if not ids:
            return
        yield ids
        last = ids[-1]


def reextract(
    home: Home,
    *,
    ids: Iterable[str] = (),
    everything: bool = False,
    force: bool = False,
    wait: float = 0.0,
    on_start: Callable[[int], None] | None = None,
    progress: Callable[[ReextractOutcome], None] | None = None,
) -> ReextractSummary:
    """Re-extract the named articles, or all of them, or (by default) the stale ones."""
    summary = ReextractSummary()
    named = list(ids)
    with WriteLock(home.lock_path, wait=wait), RecordStore(home.db_path) as store:
        worker = Reextractor(home, store)
        location = IndexLocation(home.index_root)
        if named:
            full = [store.find(i).id for i in named]
            batches: Iterable[list[str]] = [full]
            summary.selected = len(full)
        else:
            start = ""
            stale_for = None if everything else worker.cleaner
            if everything:
                saved = store.get_meta(CHECKPOINT_KEY)
                point = json.loads(saved) if saved else None
                if point and point.get("cleaner") == worker.cleaner:
                    start = summary.resumed_after = point["last"]
            summary.selected = store.count_after(start, stale_for=stale_for, skip_held=not force)
            batches = _batches(store, start, stale_for, not force)
        if on_start:
            on_start(summary.selected)
        since_sync = 0
        for batch in batches:
            for article_id in batch:
                outcome = worker.article(article_id, force=force)
                summary.add(outcome)
                if progress:
                    progress(outcome)
                if outcome.status == "updated":
                    since_sync += 1
                    if since_sync >= current().reextract_sync_every:
                        summary.indexed += sync(store, location)
                        since_sync = 0
            if everything and not named:
                store.set_meta(CHECKPOINT_KEY, json.dumps({"cleaner": worker.cleaner, "last": batch[-1]}))
        summary.indexed += sync(store, location)
        if everything and not named:
            store.set_meta(CHECKPOINT_KEY, None)
    return summary
