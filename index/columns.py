"""Per-document facet values and dates as numpy arrays, cached on disk per segment.

Counting facets over tens of thousands of matches is a loop Python does slowly and
numpy does in a millisecond, given the values as arrays: for each multi-valued facet
(author, site, tag) the (document, value) pairs, and for dates the day number of each
document.  Building those arrays reads a field's whole lexicon and postings, which on a
100k index costs seconds: too slow for every fresh process that wants to search.

Whoosh segments never change once written (deletions are kept apart), so the arrays of
a segment are computed once and saved beside it as ``facets-<segment id>.npz``;
a searcher opening the index only loads them and joins them with each segment's
document offset.  Files of segments merged away are removed when the index is warmed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.reading import IndexReader

from archive.contract.facets import TERM_FACETS as FACETS

from . import cachefiles, lexicon
from .lexicon import FieldLexicon, segment_lexicon
from .postings import EMPTY, HotPostings, hot_files, postings_ids, segment_hot
from .schema import exact_field

TERM_FACETS = {name: exact_field(name) for name in FACETS}  # facet -> the field of its exact values
DATE_FIELD = "day"
STAMP_FIELD = "stamp"
CACHE_VERSION = "2"
PLAUSIBLE_STAMP = 7_258_118_400  # 2200-01-01


@dataclass(slots=True)
class SegmentColumns:
    """One segment's arrays, with docnums local to the segment."""

    values: dict[str, list[str]]  # facet -> value strings
    docs: dict[str, np.ndarray]  # facet -> docnum of each (doc, value) pair
    vals: dict[str, np.ndarray]  # facet -> value index of each pair
    day: np.ndarray  # docnum -> YYYYMMDD, 0 when undated
    stamp: np.ndarray  # docnum -> seconds since 1970 (UTC) of publication; midnight of the day
    # in an index built before times were kept; meaningless when undated


def build_segment(reader: IndexReader) -> SegmentColumns:
    size = reader.doc_count_all()
    values: dict[str, list[str]] = {}
    docs: dict[str, np.ndarray] = {}
    vals: dict[str, np.ndarray] = {}
    fields = set(reader.indexed_field_names())
    for facet, field in TERM_FACETS.items():
        names: list[str] = []
        doc_parts: list[np.ndarray] = []
        val_parts: list[np.ndarray] = []
        if field in fields:
            for term in reader.lexicon(field):
                ids = postings_ids(reader, field, term)
                val_parts.append(np.full(len(ids), len(names), dtype=np.int32))
                doc_parts.append(ids)
                names.append(term.decode("utf-8") if isinstance(term, bytes) else str(term))
        values[facet] = names
        docs[facet] = np.concatenate(doc_parts) if doc_parts else EMPTY
        vals[facet] = np.concatenate(val_parts) if val_parts else EMPTY
    day = np.zeros(size, dtype=np.int32)
    if reader.has_column(DATE_FIELD):
        column = reader.column_reader(DATE_FIELD)
        raw = np.fromiter((column[i] for i in range(size)), dtype=np.int64, count=size)
        day = np.where((raw > 10000101) & (raw < 99991232), raw, 0).astype(np.int32)
    if STAMP_FIELD in reader.schema and reader.has_column(STAMP_FIELD):  # older indexes lack it
        column = reader.column_reader(STAMP_FIELD)
        stamp = np.fromiter((column[i] for i in range(size)), dtype=np.int64, count=size)
        unread = (stamp <= 0) | (stamp >= PLAUSIBLE_STAMP)  # no time read: the column's default
        stamp = np.where((day > 0) & unread, midnight(day), stamp)
    else:
        stamp = midnight(day)
    return SegmentColumns(values, docs, vals, day, stamp)


def midnight(day: np.ndarray) -> np.ndarray:
    """Seconds since 1970 of 00:00 UTC of each YYYYMMDD day number (0 stays 0)."""
    day = day.astype(np.int64)
    months = ((day // 10000 - 1970) * 12 + day // 100 % 100 - 1).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (day % 100 - 1).astype("timedelta64[D]")
    return np.where(day > 0, days.astype("datetime64[s]").astype(np.int64), 0)


def _cache_path(folder: Path, segment_id: str) -> Path:
    return folder / f"facets-{segment_id}.npz"


def _save(path: Path, cols: SegmentColumns) -> None:
    arrays: dict[str, np.ndarray] = {"day": cols.day, "stamp": cols.stamp}
    for facet in TERM_FACETS:
        arrays[f"{facet}.docs"] = cols.docs[facet]
        arrays[f"{facet}.vals"] = cols.vals[facet]
    meta = json.dumps({"version": CACHE_VERSION, "values": cols.values}, ensure_ascii=False)
    arrays["meta"] = np.frombuffer(meta.encode("utf-8"), dtype=np.uint8)
    try:
        cachefiles.replace(path, lambda fh: np.savez(fh, **arrays), suffix=".npz")
    except OSError:
        pass  # a read-only index still searches, only slower to open


def _load(path: Path) -> SegmentColumns | None:
    try:
        with cachefiles.reading(), np.load(path) as data:  # an npz parses each header as it is read
            meta = json.loads(data["meta"].tobytes().decode("utf-8"))
            if meta.get("version") != CACHE_VERSION:
                return None
            return SegmentColumns(
                values=meta["values"],
                docs={f: data[f"{f}.docs"] for f in TERM_FACETS},
                vals={f: data[f"{f}.vals"] for f in TERM_FACETS},
                day=data["day"],
                stamp=data["stamp"],
            )
    except (OSError, ValueError, KeyError):
        return None


def segment_columns(folder: Path | None, reader: IndexReader) -> SegmentColumns:
    """A segment's arrays from its cache file, computing and saving them when missing."""
    segment = reader.segment()
    if folder is None or segment is None:
        return build_segment(reader)
    path = _cache_path(folder, segment.segment_id())
    cols = _load(path)
    if cols is None or len(cols.day) != reader.doc_count_all():
        cols = build_segment(reader)
        _save(path, cols)
    return cols


@dataclass(slots=True)
class Columns:
    """The whole index's arrays, in the searcher's global docnums."""

    size: int
    live: np.ndarray  # bool per docnum: not deleted
    values: dict[str, list[str]]
    docs: dict[str, np.ndarray]
    vals: dict[str, np.ndarray]
    day: np.ndarray
    stamp: np.ndarray
    hot: list[HotPostings | None]  # per segment, in the reader's order (index.postings)
    lexicons: list[dict[str, FieldLexicon]]  # per segment: title and body words by stem (index.lexicon)


def load(folder: Path | None, reader: IndexReader) -> Columns:
    size = reader.doc_count_all()
    live = np.ones(size, dtype=bool)
    day = np.zeros(size, dtype=np.int32)
    stamp = np.zeros(size, dtype=np.int64)
    values: dict[str, list[str]] = {f: [] for f in TERM_FACETS}
    ids: dict[str, dict[str, int]] = {f: {} for f in TERM_FACETS}
    doc_parts: dict[str, list[np.ndarray]] = {f: [] for f in TERM_FACETS}
    val_parts: dict[str, list[np.ndarray]] = {f: [] for f in TERM_FACETS}
    hot: list[HotPostings | None] = []
    lexicons: list[dict[str, FieldLexicon]] = []
    for sub, offset in reader.leaf_readers():
        hot.append(segment_hot(folder, sub))
        lexicons.append(segment_lexicon(folder, sub))
        cols = segment_columns(folder, sub)
        n = sub.doc_count_all()
        day[offset : offset + n] = cols.day
        stamp[offset : offset + n] = cols.stamp
        deleted = sub.deleted_docs_set if hasattr(sub, "deleted_docs_set") else ()
        if deleted:
            live[np.fromiter(deleted, dtype=np.int64) + offset] = False
        for facet in TERM_FACETS:
            known = ids[facet]
            mapping = np.empty(len(cols.values[facet]), dtype=np.int32)
            for local, value in enumerate(cols.values[facet]):
                if value not in known:
                    known[value] = len(values[facet])
                    values[facet].append(value)
                mapping[local] = known[value]
            doc_parts[facet].append(cols.docs[facet] + offset)
            val_parts[facet].append(mapping[cols.vals[facet]] if len(mapping) else EMPTY)
    docs = {f: np.concatenate(p) if p else EMPTY for f, p in doc_parts.items()}
    vals = {f: np.concatenate(p) if p else EMPTY for f, p in val_parts.items()}
    return Columns(size, live, values, docs, vals, day, stamp, hot, lexicons)


def _cached(folder: Path, segment_id: str) -> bool:
    names = {_cache_path(folder, segment_id).name} | hot_files(segment_id) | lexicon.files(segment_id)
    return all((folder / name).exists() for name in names)


def warm(folder: Path, reader: IndexReader) -> None:
    """Write the cache files of the segments that have none yet (those a commit or a merge
    just wrote); the others are left unread, so warming costs what was written, not the
    whole index."""
    for sub, _ in reader.leaf_readers():
        segment = sub.segment()
        if segment is None or _cached(folder, segment.segment_id()):
            continue
        segment_hot(folder, sub)
        segment_lexicon(folder, sub)
        segment_columns(folder, sub)


def prune(folder: Path, reader: IndexReader) -> None:
    """Delete the cache files of segments that are no longer in the index."""
    current: set[str] = set()
    for sub, _ in reader.leaf_readers():
        if sub.segment() is not None:
            segment_id = sub.segment().segment_id()
            current.add(_cache_path(folder, segment_id).name)
            current |= hot_files(segment_id) | lexicon.files(segment_id)
    for pattern in ("facets-*.npz", "hot-*", "lex*-*"):
        for path in folder.glob(pattern):
            if path.name not in current:
                path.unlink(missing_ok=True)
