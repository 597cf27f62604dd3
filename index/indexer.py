"""Bringing the index up to date with the record store.

The store queues every changed article in the same transaction that changes it; this
module drains that queue: ``update_document`` on the unique id, commit, and only then
delete the queue rows.  An interruption at any point leaves rows that are simply indexed
again, and ``update_document`` makes that idempotent.
"""

from __future__ import annotations

from collections.abc import Callable

from whoosh.index import Index
from whoosh.writing import IndexWriter

from archive.store import RecordStore

from .location import IndexLocation
from .schema import document_for

Progress = Callable[[int], None]

WRITER_LIMITMB = 256


def _writer(ix: Index) -> IndexWriter:
    return ix.writer(limitmb=WRITER_LIMITMB)


def sync(
    store: RecordStore,
    location: IndexLocation,
    *,
    batch: int = 2000,
    progress: Progress | None = None,
) -> int:
    """Index every queued change; return how many documents were written or deleted."""
    ix = location.open()
    done = 0
    try:
        while True:
            items = store.pending(batch)
            if not items:
                break
            records = store.get_many([aid for aid, op in items if op == "index"])
            writer = _writer(ix)
            try:
                for article_id, op in items:
                    record = records.get(article_id)
                    if op == "delete" or record is None:
                        writer.delete_by_term("id", article_id)
                    else:
                        writer.update_document(**document_for(record))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            store.done(items)
            done += len(items)
            if progress:
                progress(len(items))
    finally:
        ix.close()
    return done


def rebuild(
    store: RecordStore, *, location: IndexLocation, progress: Progress | None = None
) -> int:
    """Index every record into a fresh generation and swap it in atomically."""
    folder = location.new_generation()
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(folder))
    count = 0
    try:
        writer = _writer(ix)
        try:
            for record in store.iter_records():
                writer.add_document(**document_for(record))
                count += 1
                if progress and count % 100 == 0:
                    progress(100)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)
    finally:
        ix.close()
    # Records queued before the rebuild are in the new generation already.
    pending = store.pending(10**9)
    location.publish(folder)
    store.done([item for item in pending if item[1] == "index"])
    if progress and count % 100:
        progress(count % 100)
    return count
