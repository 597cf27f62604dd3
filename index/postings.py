"""Reading postings as numpy arrays, and a cache of the frequent terms' postings.

Whoosh keeps postings in pickled, compressed blocks of 128 documents with every word
position inside; decoding one costs a few hundred microseconds, so reading a term found
in most of 100,000 articles takes a large part of a second, whatever is done with it.
The terms that cost that much are few (those in at least ``HOT_DF`` documents of a
segment), so their document numbers and weights are decoded once, when the segment is
new, and saved beside it as flat arrays (``hot-<segment id>.*``); a searcher maps those
files into memory and slices them.  Segments never change once written, so neither do
the files; those of merged-away segments are removed with the facet files.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

EMPTY = np.zeros(0, dtype=np.int32)
HOT_FIELDS = ("title", "body")
HOT_DF = 256  # documents of a segment from which a term's postings are cached
HOT_VERSION = 1


def postings_ids(reader: IndexReader, field: str, text: str | bytes) -> np.ndarray:
    """Document numbers of one term in one segment, deleted ones included, read a block at a
    time rather than one id at a time."""
    matcher = reader.postings(field, text)
    matcher = getattr(matcher, "child", matcher)  # past the deleted-documents filter
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_lastblock"):
        chunks = []
        while matcher.is_active():
            chunks.append(_block_ids(matcher))
            if matcher._lastblock:
                break
            matcher._next_block()
        return np.concatenate(chunks) if chunks else EMPTY
    return np.fromiter(matcher.all_ids(), dtype=np.int32)


def _block_ids(matcher: Any) -> np.ndarray:
    """The current block's document numbers, delta-decoded by numpy rather than by
    Whoosh's per-number generator."""
    if matcher._ids is None and not getattr(matcher, "_byteids", False):
        if matcher._data is None:
            matcher._read_data()
        return np.cumsum(np.asarray(matcher._data[0], dtype=np.int64)).astype(np.int32)
    if matcher._ids is None:
        matcher._read_ids()
    return np.asarray(matcher._ids, dtype=np.int32)


def postings_arrays(
    reader: IndexReader, field: str, text: str | bytes, *, values: bool = False
) -> tuple[np.ndarray, np.ndarray, list[bytes] | None]:
    """One term's postings in one segment (deleted documents included): document numbers,
    weights (term frequency times field boost) and, with ``values``, each posting's
    encoded positions.  Read a block at a time, like ``postings_ids``."""
    matcher = reader.postings(field, text)
    matcher = getattr(matcher, "child", matcher)
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    vals: list[bytes] | None = [] if values else None
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_lastblock"):
        while matcher.is_active():
            ids.append(_block_ids(matcher))
            if matcher._weights is None:
                matcher._read_weights()
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            if vals is not None:
                if matcher._values is None:
                    matcher._read_values()
                vals.extend(matcher._values)
            if matcher._lastblock:
                break
            matcher._next_block()
    else:
        one_ids, one_weights = [], []
        while matcher.is_active():
            one_ids.append(matcher.id())
            one_weights.append(matcher.weight())
            if vals is not None:
                vals.append(matcher.value())
            matcher.next()
        ids.append(np.asarray(one_ids, dtype=np.int32))
        weights.append(np.asarray(one_weights, dtype=np.float64))
    if not ids:
        return EMPTY, np.zeros(0), vals
    return np.concatenate(ids), np.concatenate(weights), vals


_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


def field_lengths(reader: IndexReader, field: str) -> np.ndarray:
    """Each document's length in ``field`` (as Whoosh's scorer sees it), for the whole index."""
    parts = []
    for sub, _offset in reader.leaf_readers():
        size = sub.doc_count_all()
        raw = np.zeros(size, dtype=np.uint8)
        name = f"_{field}_len"
        column = getattr(sub, "_perdoc", None)
        if column is not None and column.has_column(name):
            colfile, base, length = column._get_column_file(name)
            data = np.frombuffer(colfile.get(base, min(length, size)), dtype=np.uint8)
            raw[: len(data)] = data
        parts.append(_LENGTHS[raw])
    return np.concatenate(parts) if parts else np.zeros(0)


@dataclass(slots=True)
class HotPostings:
    """One segment's cached postings: term -> slice of ``ids`` (local docnums) and
    ``weights``."""

    spans: dict[str, dict[str, tuple[int, int]]]
    ids: np.ndarray
    weights: np.ndarray

    def get(self, field: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray] | None:
        word = text.decode("utf-8") if isinstance(text, bytes) else text
        span = self.spans.get(field, {}).get(word)
        if span is None:
            return None
        start, end = span
        return np.asarray(self.ids[start:end]), np.asarray(self.weights[start:end], dtype=np.float64)


def build_hot(reader: IndexReader) -> HotPostings:
    spans: dict[str, dict[str, tuple[int, int]]] = {}
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    at = 0
    fields = set(reader.indexed_field_names())
    for field in HOT_FIELDS:
        if field not in fields:
            continue
        spans[field] = {}
        for term, info in reader.iter_field(field):
            if info.doc_frequency() < HOT_DF:
                continue
            term_ids, term_weights, _ = postings_arrays(reader, field, term)
            word = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            spans[field][word] = (at, at + len(term_ids))
            at += len(term_ids)
            ids.append(term_ids)
            weights.append(term_weights.astype(np.float32))
    return HotPostings(
        spans,
        np.concatenate(ids) if ids else EMPTY,
        np.concatenate(weights) if weights else np.zeros(0, dtype=np.float32),
    )


def _paths(folder: Path, segment_id: str) -> tuple[Path, Path, Path]:
    stem = f"hot-{segment_id}"
    return folder / f"{stem}.ids.npy", folder / f"{stem}.weights.npy", folder / f"{stem}.json"


def _save(folder: Path, segment_id: str, hot: HotPostings, docs: int) -> None:
    ids_path, weights_path, meta_path = _paths(folder, segment_id)
    meta = {"version": HOT_VERSION, "hot_df": HOT_DF, "docs": docs, "postings": len(hot.ids),
            "spans": hot.spans}
    written: list[Path] = []
    try:
        for path, array in ((ids_path, hot.ids), (weights_path, hot.weights)):
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                np.save(fh, array)
            written.append(tmp)
            os.replace(tmp, path)
        tmp = meta_path.with_name(f".{meta_path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        written.append(tmp)
        os.replace(tmp, meta_path)  # written last: its presence says the arrays are whole
    except OSError:
        for tmp in written:
            tmp.unlink(missing_ok=True)  # a read-only index still searches, only slower


def _load(folder: Path, segment_id: str, docs: int) -> HotPostings | None:
    ids_path, weights_path, meta_path = _paths(folder, segment_id)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("version") != HOT_VERSION or meta.get("docs") != docs:
            return None
        ids = np.load(ids_path, mmap_mode="r")
        weights = np.load(weights_path, mmap_mode="r")
    except (OSError, ValueError, KeyError):
        return None
    if len(ids) != meta.get("postings") or len(weights) != len(ids):
        return None
    spans = {f: {w: (int(a), int(b)) for w, (a, b) in terms.items()} for f, terms in meta["spans"].items()}
    return HotPostings(spans, ids, weights)


def segment_hot(folder: Path | None, reader: IndexReader) -> HotPostings | None:
    """A segment's cached postings, computing and saving them when missing."""
    segment = reader.segment()
    if folder is None or segment is None:
        return None
    docs = reader.doc_count_all()
    hot = _load(folder, segment.segment_id(), docs)
    if hot is None:
        hot = build_hot(reader)
        _save(folder, segment.segment_id(), hot, docs)
    return hot


def hot_files(segment_id: str) -> set[str]:
    return {p.name for p in _paths(Path("."), segment_id)}
