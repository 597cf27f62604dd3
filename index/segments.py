"""Index segments built elsewhere and adopted whole: the index's work spread over a cluster.

Analysing documents and writing their postings is most of what indexing costs (about
7 ms of CPU per article, several times the extraction).  A worker can do all of it for a
run of records: it builds a finished Whoosh segment in a folder of its own, computes the
per-segment arrays searches read (``facets-<id>.npz``, ``hot-<id>.*``), and hands back
the files.  The home's one writer then writes those files beside the index and commits a
table of contents naming them, after the segments already there: nothing is rewritten
(``writer.add_reader`` would re-encode every posting, which costs about as much as
indexing again), and documents keep the order of the records, so a search ranks and
breaks ties exactly as over an index written in one process.

    records -> (worker) one segment + its arrays -> (writer) files beside the index
            -> one commit adopting the segments in order
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from archive.contract.errors import StoreError
from archive.contract.records import Record
from archive.contract.settings import Settings, current, override

from . import columns, stories
from .location import IndexLocation, open_index
from .schema import SCHEMA_VERSION, build_schema, document_for

WRITER_LIMITMB = 512  # memory for a writer's postings before it spills to disk (index.writing's too)


@dataclass(frozen=True, slots=True)
class BuiltSegment:
    """A finished segment: Whoosh's segment object, its files by name, what it holds."""

    segment: Any
    files: dict[str, bytes]
    indexed: dict[str, str]  # article id -> sha256 of the record indexed
    schema_version: str


def segment_files(folder: Path) -> list[Path]:
    """The files of the segments written in a folder of their own, with their caches: all
    but its table of contents, locks and schema version, which the adopting index has."""
    return [p for p in folder.iterdir() if p.is_file() and not p.name.endswith((".toc", ".lock"))
            and p.name not in ("SCHEMA_VERSION", "MAIN_WRITELOCK")]


def pack_records(records: Sequence[Record]) -> bytes:
    """Records as a task argument: JSON lines, compressed (a tenth of the size, sent once)."""
    return zlib.compress("\n".join(r.to_json() for r in records).encode("utf-8"), 1)


def unpack_records(blob: bytes) -> list[Record]:
    text = zlib.decompress(blob).decode("utf-8")
    return [Record.from_json(line) for line in text.split("\n")] if text else []


def build_segment(blob: bytes, settings: Settings, groups: Mapping[str, str] | None = None) -> BuiltSegment:
    """Index the records of ``blob`` (``pack_records``) into one segment, with its arrays,
    each filed under its story from ``groups`` (by default its own); runs on a worker, in a
    folder of its own."""
    records = unpack_records(blob)
    with override(settings), tempfile.TemporaryDirectory(prefix="archive-segment-") as tmp:
        folder = Path(tmp)
        whoosh_index.create_in(tmp, build_schema())
        ix = open_index(folder)
        writer = ix.writer(limitmb=WRITER_LIMITMB)
        fields = set(writer.schema.names())
        indexed: dict[str, str] = {}
        try:
            for record in records:
                doc = document_for(record, fields)
                doc.update(stories.values_for(record, groups))  # filed under its story, as in one process
                writer.add_document(**doc)
                indexed[record.id] = record.sha256
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=False)
        ix = open_index(folder)
        segments = ix._segments()
        with ix.reader() as reader:
            columns.warm(folder, reader)  # computes and saves the segment's arrays
        ix.close()
        files = {p.name: p.read_bytes() for p in segment_files(folder)}
    return BuiltSegment(segments[0] if segments else None, files, indexed, SCHEMA_VERSION)


def built_segments(executor: Any, records: Iterable[Record], *, window: int | None = None,
                   total: int | None = None, groups: Mapping[str, str] | None = None) -> Iterator[BuiltSegment]:
    """Segments of ``Settings.segment_docs`` records each, built on ``executor``, in order;
    knowing the ``total``, smaller ones when that many would leave workers idle (10,000
    records on two workers: two segments of 5,000, not one of 10,000)."""
    settings = current()
    workers = getattr(executor, "workers", 1)
    window = window or workers + 1
    size = settings.segment_docs
    if total:
        size = max(1, min(size, -(-total // workers)))
    pending: list[Any] = []
    chunk: list[Record] = []

    def send() -> None:
        stories_of = {r.id: groups[r.id] for r in chunk if groups and r.id in groups}
        pending.append(executor.submit(build_segment, pack_records(chunk), settings, stories_of))

    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            send()
            chunk = []
            if len(pending) >= window:
                yield pending.pop(0).result()
    if chunk:
        send()
    while pending:
        yield pending.pop(0).result()


def open_current(location: IndexLocation) -> Any:
    """The index in use (created empty on first use), with the story fields an index made
    before them lacks (index.stories)."""
    ix = location.open()
    if stories.STORY not in ix.schema:
        stories.ensure_fields(ix)
        ix.close()
        ix = location.open()
    return ix


def drop_documents(writer: Any, article_ids: Sequence[str]) -> None:
    """Delete every document of ``article_ids`` the index holds, within ``writer``'s commit."""
    with writer.searcher() as searcher:
        reader = searcher.reader()
        for article_id in article_ids:
            if ("id", article_id) in reader:
                writer.delete_by_term("id", article_id, searcher=searcher)


def adopt(location: IndexLocation, article_ids: Sequence[str], built: Iterable[BuiltSegment],
          *, folder: Path | None = None) -> dict[str, str]:
    """One commit: drop every document of ``article_ids``, then add the built segments after
    the index's own, in order.  Their files are written beside the index first; a writer
    killed before the commit leaves files no table of contents names, which the next
    commit clears.  Returns the sha256 of each record indexed, by id."""
    if folder is None:
        ix = open_current(location)  # created empty on first use
        folder = location.current_dir()
    else:
        ix = open_index(folder)
    try:
        writer = ix.writer()
        indexed: dict[str, str] = {}
        adopted: list[Any] = []
        try:
            drop_documents(writer, article_ids)
            for part in built:
                if part.schema_version != SCHEMA_VERSION:
                    raise StoreError(f"a worker built a segment of index schema {part.schema_version}; "
                                     f"this index is {SCHEMA_VERSION}: run the same code on every machine")
                if part.segment is None:
                    continue
                for name, data in part.files.items():
                    (folder / name).write_bytes(data)  # type: ignore[operator]
                adopted.append(part.segment)
                indexed.update(part.indexed)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=lambda _writer, segments: list(segments) + adopted)
    finally:
        ix.close()
    return indexed
