"""Writing the Whoosh index: replacing documents in one commit, merging, warming, rebuilding.

A commit first deletes every document of the articles it replaces, then adds their current
records: Whoosh's ``update_document`` replaces only the first document with an id, so it
would never heal a duplicate, and an article indexed by a commit whose queue rows were
never cleared (a crash in between) is replaced here, never doubled.

Most replaced articles are new: their id is in no segment, and looking that up in the
term dictionaries is much cheaper than a delete query per document against every segment,
so only ids found there are deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.writing import IndexWriter

from archive.contract.lifeline import cores, forkserver_context
from archive.contract.records import Record
from archive.contract.settings import current

from . import columns, merging, segments, stories
from .location import IndexLocation, open_index
from .schema import document_for

Progress = Callable[[int], None]

WRITER_LIMITMB = segments.WRITER_LIMITMB


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


def _document(record: Record, fields: set[str], groups: Mapping[str, str] | None) -> dict[str, object]:
    doc = document_for(record, fields)
    doc.update(stories.values_for(record, groups))
    return doc


def replace(location: IndexLocation, article_ids: Sequence[str], records: Iterable[Record],
            *, adds: int = 0, groups: Mapping[str, str] | None = None, builder: Any = None) -> dict[str, str]:
    """One commit: drop every document of ``article_ids``, add ``records`` (filed under
    their story from ``groups``, by default each its own).  The commit writes new segments
    without merging, so its documents are searchable as soon as it is written.  With a
    ``builder`` (an executor, a cluster), a batch of ``parallel_batch`` additions or more is
    indexed into segments on its workers (index.segments).  Returns the sha256 of each
    record written, by id."""
    if builder is not None and adds >= current().parallel_batch:
        return segments.adopt(location, article_ids, segments.built_segments(builder, records, groups=groups))
    ix = segments.open_current(location)
    try:
        writer = _writer(ix, adds)
        fields = set(writer.schema.names())
        indexed: dict[str, str] = {}
        try:
            segments.drop_documents(writer, article_ids)
            for record in records:
                writer.add_document(**_document(record, fields, groups))
                indexed[record.id] = record.sha256
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=False)
    finally:
        ix.close()
    return indexed


def merge(location: IndexLocation, credit: float, written: int) -> tuple[int, float]:
    """Merge segments within the credit earned by the documents written so far (see
    index.merging); returns the documents rewritten and the credit left."""
    credit += merging.CREDIT_RATIO * written
    budget = merging.budget(credit, written)
    ix = location.open()
    try:
        rewritten = merging.merge(ix, budget, limitmb=WRITER_LIMITMB)
    finally:
        ix.close()
    return rewritten, max(0.0, credit - rewritten)


def warm(location: IndexLocation) -> None:
    """Compute the facet arrays of new segments now, so the next search opens fast."""
    folder = location.current_dir()
    if folder is None:
        return
    ix = location.open()
    try:
        with ix.reader() as reader:
            columns.warm(folder, reader)
            columns.prune(folder, reader)
    finally:
        ix.close()


def rebuild(location: IndexLocation, records: Iterable[Record], *, total: int,
            progress: Progress | None = None, groups: Mapping[str, str] | None = None,
            builder: Any = None) -> int:
    """Index every record into a fresh generation and swap it in atomically; with a
    ``builder`` (an executor, a cluster), its workers build the segments."""
    folder = location.new_generation()
    if builder is not None:
        return _rebuild_on(builder, location, folder, records, progress, total, groups)
    ix = whoosh_index.open_dir(str(folder))
    count = 0
    parallel = total >= current().parallel_batch and cores() > 1
    try:
        # Several processes each build a segment; merging them afterwards would cost
        # as much again, and queries on a handful of segments are as fast as on one.
        writer = _writer(ix, current().parallel_batch if parallel else 0)
        fields = set(writer.schema.names())
        try:
            for record in records:
                writer.add_document(**_document(record, fields, groups))
                count += 1
                if progress and count % 100 == 0:
                    progress(100)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=not parallel)
        with ix.reader() as reader:
            columns.warm(folder, reader)
            columns.prune(folder, reader)
    finally:
        ix.close()
    location.publish(folder)
    if progress and count % 100:
        progress(count % 100)
    return count


def _rebuild_on(builder: Any, location: IndexLocation, folder: Path, records: Iterable[Record],
                progress: Progress | None, total: int, groups: Mapping[str, str] | None) -> int:
    count = 0

    def counted() -> Iterator[segments.BuiltSegment]:
        nonlocal count
        for built in segments.built_segments(builder, records, total=total, groups=groups):
            count += len(built.indexed)
            if progress:
                progress(len(built.indexed))
            yield built

    segments.adopt(location, (), counted(), folder=folder)
    ix = open_index(folder)
    try:
        with ix.reader() as reader:
            columns.warm(folder, reader)  # the workers computed them: this only checks they are there
            columns.prune(folder, reader)
    finally:
        ix.close()
    location.publish(folder)
    return count
