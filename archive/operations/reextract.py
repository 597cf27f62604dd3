"""Re-extraction: the current cleaner run again over the stored originals.

    pick articles (stale by cleaner version, all, or named) -> for each version: read its
    original -> extract (in the pool) -> keep the id, path and capture time -> better or
    equal? apply : hold back -> one transaction per article (records + held rows +
    index-queue row) -> drain the queue to the index

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
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from archive.contract.captures import Capture
from archive.contract.clock import now_utc
from archive.contract.errors import StoreError
from archive.contract.records import Record
from archive.contract.settings import current
from archive.storage.store import RecordStore

from .copies import Copies
from .indexing import Cadence, sync
from .pool import ExtractionPool, Task, jobs_for, local_executor
from .workspace import Workspace

if TYPE_CHECKING:
    from concurrent.futures import Executor

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


@dataclass(slots=True)
class _Article:
    """One article being re-extracted: its versions' extractions as they come back."""

    article_id: str
    current: int
    failures: list[str] = field(default_factory=list)
    results: list[tuple[int, Record, Record | None, str | None]] = field(default_factory=list)


class Reextractor:
    """Re-extracts articles of one home; the caller holds the write lock."""

    def __init__(self, workspace: Workspace, store: RecordStore, pool: ExtractionPool, *,
                 force: bool = False) -> None:
        self.workspace = workspace
        self.store = store
        self.pool = pool
        self.force = force
        self.cleaner = current().cleaner_version
        self.copies = Copies(store)

    def run(self, ids: Iterable[str]) -> Iterator[ReextractOutcome]:
        """Each article's outcome, in order; its versions are extracted in the pool."""
        articles: deque[_Article] = deque()

        def tasks() -> Iterator[Task[tuple[_Article, int, Record]]]:
            for article_id in ids:
                article = _Article(article_id, self.store.current_version(article_id))
                articles.append(article)
                for row in self.store.version_rows(article_id):
                    old = Record.from_json(row["record"])
                    try:
                        data = self.workspace.originals.get(row["sha256"])
                    except StoreError as exc:
                        article.failures.append(f"version {row['version']}: {exc}")
                        continue
                    # The same hints as when it was ingested: address, capture time, charset.
                    envelope = self.store.headers_for(old.source_path, row["sha256"])
                    capture = Capture.of(data, old.source_path, old.source_path,
                                         url=envelope.target_uri if envelope else None,
                                         captured_at=old.captured_at,
                                         content_type=envelope.content_type if envelope else None)
                    when = datetime.fromisoformat(old.ingested_at)
                    yield Task((article, row["version"], old), capture, when)

        for item in self.pool.map(tasks()):
            article, version, old = item.tag
            while articles[0] is not article:  # results come in order: those before are done
                yield self.settle(articles.popleft())
            article.results.append((version, old, item.record, item.reason))
        while articles:
            yield self.settle(articles.popleft())

    def settle(self, article: _Article) -> ReextractOutcome:
        """Apply an article's fresh extractions, or hold back the worse ones, in one transaction."""
        applied: list[tuple[int, Record]] = []
        held: list[tuple[int, str, str, Record | None]] = []
        reindex = False
        changes = 0
        for version, old, fresh, failure in article.results:
            if fresh is None:
                held.append((version, self.cleaner, f"version {version}: {failure}", None))
                continue
            # Same article, same capture: only what the cleaner reads may change.
            fresh = fresh.with_changes(id=old.id, source_path=old.source_path, ingested_at=old.ingested_at)
            reason = worse_reason(old, fresh)
            if reason and not self.force:
                held.append((version, self.cleaner, f"version {version}: {reason}", fresh))
                continue
            content_changed = fresh.with_changes(cleaner_version=old.cleaner_version) != old
            if content_changed or fresh.cleaner_version != old.cleaner_version:
                applied.append((version, fresh))
            changes += content_changed
            if content_changed and version == article.current:
                reindex = True
        if applied or held:
            with self.store.atomic():  # a changed body may change the article's story
                self.store.apply_extraction(
                    article.article_id, applied, held, at=now_utc().isoformat(), reindex=reindex
                )
                current_record = next((r for v, r in applied if v == article.current), None)
                if current_record is not None:
                    self.copies.place(current_record)
        reasons = tuple(article.failures + [h[2] for h in held])
        if article.failures:
            return ReextractOutcome(article.article_id, "failed", reasons)
        if held:
            return ReextractOutcome(article.article_id, "held", reasons)
        return ReextractOutcome(article.article_id, "updated" if changes else "unchanged")


def _batches(store: RecordStore, start: str, stale_for: str | None, skip_held: bool) -> Iterator[list[str]]:
    last = start
    while True:
        ids = store.ids_after(last, current().reextract_batch, stale_for=stale_for, skip_held=skip_held)
        if not ids:
            return
        yield ids
        last = ids[-1]


def reextract(
    workspace: Workspace,
    *,
    ids: Iterable[str] = (),
    everything: bool = False,
    force: bool = False,
    wait: float = 0.0,
    executor: Executor | None = None,
    jobs: int | None = 1,
    on_start: Callable[[int], None] | None = None,
    progress: Callable[[ReextractOutcome], None] | None = None,
) -> ReextractSummary:
    """Re-extract the named articles, or all of them, or (by default) the stale ones.

    Extraction runs on ``executor``, else on ``jobs`` local processes (None: one per core
    when enough articles are selected)."""
    summary = ReextractSummary()
    named = list(ids)
    cleaner = current().cleaner_version
    with workspace.lock(wait), workspace.writer() as store:
        if named:
            full = [store.find(i).id for i in named]
            batches: Iterable[list[str]] = [full]
            summary.selected = len(full)
        else:
            start = ""
            stale_for = None if everything else cleaner
            if everything:
                saved = store.get_meta(CHECKPOINT_KEY)
                point = json.loads(saved) if saved else None
                if point and point.get("cleaner") == cleaner:
                    start = summary.resumed_after = point["last"]
            summary.selected = store.count_after(start, stale_for=stale_for, skip_held=not force)
            batches = _batches(store, start, stale_for, not force)
        if on_start:
            on_start(summary.selected)
        with ExitStack() as stack:
            if executor is None:
                executor = stack.enter_context(local_executor(jobs_for(jobs, summary.selected)))
            worker = Reextractor(workspace, store, ExtractionPool(executor), force=force)
            cadence = Cadence(current().reextract_sync_every)
            noted = time.monotonic()
            for batch in batches:
                for outcome in worker.run(batch):
                    summary.add(outcome)
                    if progress:
                        progress(outcome)
                    if outcome.status == "updated":
                        cadence.stored_one()
                    if cadence.due():
                        summary.indexed += sync(store, workspace.backend)
                        cadence.done()
                    if everything and not named and time.monotonic() - noted >= current().checkpoint_seconds:
                        # every article up to this one is done: a kill from here on resumes after it
                        store.set_meta(CHECKPOINT_KEY, json.dumps({"cleaner": cleaner, "last": outcome.article_id}))
                        noted = time.monotonic()
                if everything and not named:
                    store.set_meta(CHECKPOINT_KEY, json.dumps({"cleaner": cleaner, "last": batch[-1]}))
        summary.indexed += sync(store, workspace.backend)
        if everything and not named:
            store.set_meta(CHECKPOINT_KEY, None)
    return summary
