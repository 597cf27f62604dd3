"""Bringing the index up to date with the record store.

The store queues every changed article in the same transaction that changes it; this
module drains that queue: delete every document with the article's id and add the current one,
commit, and only then delete the queue rows.  An interruption at any point leaves rows
that are simply indexed again, and delete-then-add makes that idempotent.

Most queued articles are new: their id is in no segment, and looking that up in the
term dictionaries is much cheaper than a delete query per document against every
segment.  Only ids found there are deleted first, so an article indexed by a commit whose
queue rows were never cleared (a crash in between) is still replaced, never doubled.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from whoosh.index import Index
from whoosh.writing import IndexWriter

from archive.contract.lifeline import cores, forkserver_context
from archive.contract.settings import current
from archive.storage.store import RecordStore

from . import columns, merging
from .location import IndexLocation
from .schema import document_for

Progress = Callable[[int], None]

WRITER_LIMITMB = 512
CREDIT_KEY = "index.merge_credit"


def _writer(ix: Index, docs: int = 0) -> IndexWriter:
    """A writer for ``docs`` documents: big batches are analysed on every core, each
    process writing its own segment (the merge policy folds them in later)."""
    procs = cores() if docs >= current().parallel_batch else 1
    if procs > 1:
        forkserver_context()  # sub-writers die with this process if it is killed
        return ix.writer(
            limitmb=WRITER_LIMITMB, procs=procs, multisegment=True, start_method="forkserver"
        )
    return ix.writer(limitmb=WRITER_LIMITMB)


def sync(
    store: RecordStore,
    location: IndexLocation,
    *,
    batch: int = 2000,
    commit_max: int | None = None,
    progress: Progress | None = None,
    merge: bool = True,
    once: bool = False,
) -> int:
    """Index every queued change; return how many documents were written or deleted.

    Records are read ``batch`` at a time; up to ``commit_max`` documents go into one
    commit, which writes new segments without merging, so its documents are searchable as
    soon as it is written.  With ``merge``, segments are then merged by the tiered policy
    (index.merging) within a budget earned by the documents written (a long ingest passes
    ``merge=False`` for all but its last sync).  With ``once``, only one commit is
    written: an update running beside an ingest indexes what was queued when it began
    instead of chasing the pages stored meanwhile in small commits.
    """
    ix = location.open()
    done = 0
    try:
        while True:
            items = store.pending(commit_max or current().commit_max)
            if not items:
                break
            writer = _writer(ix, sum(1 for _aid, op in items if op == "index"))
            fields = set(writer.schema.names())
            try:
                # Delete every document with the id, then add one: Whoosh's update_document
                # replaces only the first, so it would never heal a duplicate.
                with writer.searcher() as searcher:
                    reader = searcher.reader()
                    for article_id, _op in items:
                        if ("id", article_id) in reader:
                            writer.delete_by_term("id", article_id, searcher=searcher)
                indexed: dict[str, str] = {}
                for start in range(0, len(items), batch):
                    chunk = items[start : start + batch]
                    records = store.get_many([aid for aid, op in chunk if op == "index"])
                    for article_id, op in chunk:
                        record = records.get(article_id)
                        if op == "index" and record is not None:
                            writer.add_document(**document_for(record, fields))
                            indexed[article_id] = record.sha256
            except BaseException:
                writer.cancel()
                raise
            writer.commit(merge=False)
            store.done(items, indexed)
            done += len(items)
            if progress:
                progress(len(items))
            if once:
                break
        merged = _merge(ix, store, done) if merge else 0
        if done or merged:
            warm(ix, location.current_dir())
    finally:
        ix.close()
    return done


def _merge(ix: Index, store: RecordStore, written: int) -> int:
    """Merge segments within the credit earned by the documents written so far; return
    how many documents were rewritten."""
    try:
        credit = float(store.get_meta(CREDIT_KEY) or 0)
    except ValueError:
        credit = 0.0
    credit += merging.CREDIT_RATIO * written
    budget = max(merging.MIN_BUDGET, credit)
    rewritten = merging.merge(ix, budget, limitmb=WRITER_LIMITMB)
    left = max(0.0, credit - rewritten)
    if left != credit or written:
        store.set_meta(CREDIT_KEY, f"{left:.0f}")
    return rewritten


def warm(ix: Index, folder: Path | None) -> None:
    """Compute the facet arrays of new segments now, so the next search opens fast."""
    if folder is None:
        return
    with ix.reader() as reader:
        columns.load(folder, reader)
        columns.prune(folder, reader)


def rebuild(
    store: RecordStore, *, location: IndexLocation, progress: Progress | None = None
) -> int:
    """Index every record into a fresh generation and swap it in atomically."""
    folder = location.new_generation()
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(folder))
    count = 0
    parallel = store.count("articles") >= current().parallel_batch and cores() > 1
    try:
        # Several processes each build a segment; merging them afterwards would cost
        # as much again, and queries on a handful of segments are as fast as on one.
        writer = _writer(ix, current().parallel_batch if parallel else 0)
        fields = set(writer.schema.names())
        try:
            for record in store.iter_records():
                writer.add_document(**document_for(record, fields))
                count += 1
                if progress and count % 100 == 0:
                    progress(100)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=not parallel)
        warm(ix, folder)
    finally:
        ix.close()
    # Records queued before the rebuild are in the new generation already.
    pending = store.pending(10**9)
    location.publish(folder)
    store.done([item for item in pending if item[1] == "index"])
    if progress and count % 100:
        progress(count % 100)
    return count
