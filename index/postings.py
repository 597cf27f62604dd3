"""Reading postings as numpy arrays, and a cache of the frequent terms' postings.

Whoosh keeps postings in pickled, compressed blocks of 128 documents with every word
position inside; decoding one costs a few hundred microseconds, so reading a term found
in most of 100,000 articles takes a large part of a second, whatever is done with it.
The terms that cost that much are few (those in at least ``Settings.hot_postings_df`` documents of a
segment), so their document numbers, weights and word positions are decoded once, when
the segment is new, and saved beside it as flat arrays (``hot-<segment id>.*``); a
searcher maps those files into memory and slices them.  The positions are what make a
phrase of common words fast: checking one otherwise means unpickling a position list
for every candidate document.  Segments never change once written, so neither do
the files; those of merged-away segments are removed with the facet files.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import getitem
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

from archive.contract.settings import current

from . import cachefiles

EMPTY = np.zeros(0, dtype=np.int32)
HOT_FIELDS = ("title", "body")
HOT_VERSION = 3  # 3: weights are the counts (title and body have no field boost); ids in 16 bits
# where the segment allows


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


_HEAD = b"\x80\x02]q\x00"  # pickle protocol 2, an empty list, memoised
_OPCODES = {ord("K"): 1, ord("M"): 2, ord("J"): 4}  # pickle's ints: one, two or four bytes
_SIZE = np.zeros(256, dtype=np.int64)
for _op, _width in _OPCODES.items():
    _SIZE[_op] = 1 + _width
_BATCH = 1000  # pickle splits longer lists into several appends; those are left to it


def decode_positions(values: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Each posting's number of positions and all the positions, flat, in posting order.

    A Whoosh position value is a 4-byte count, then a pickled list of the gaps between
    positions: an opcode and one, two or four bytes per gap.  Unpickling them one by one
    costs a Python call per posting, so all values are read at once by numpy instead, one
    gap of every posting per step; what does not have the expected shape is unpickled."""
    if not values:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    n = len(values)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    if lengths.min() < 10:
        return _decode_pickled(values)
    buf = np.frombuffer(b"".join(values) + b"\x00" * 8, dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    counts = np.zeros(n, dtype=np.int64)
    for k in range(4):  # the big-endian count in front of each value
        counts = (counts << 8) | buf[starts + k]
    plain = (counts <= _BATCH) & (buf[starts + lengths - 1] == ord("."))
    for k, byte in enumerate(_HEAD):
        plain &= buf[starts + 4 + k] == byte
    firsts = np.cumsum(counts) - counts  # where each posting's positions go in the output
    gaps = np.zeros(int(counts.sum()), dtype=np.int64)
    # a list of one is "K x a"; a longer one "(" "K x" "M x x"... "e"
    cursor = starts + 9 + (counts > 1)
    order = np.flatnonzero(plain)
    order = order[np.argsort(-counts[order], kind="stable")]  # step k reads the first m postings
    remaining = counts[order]
    active = len(order)
    for k in range(int(remaining[0]) if active else 0):
        while active and remaining[active - 1] <= k:
            active -= 1
        live = order[:active]
        at = cursor[live]
        op = buf[at]
        value = buf[at + 1].astype(np.int64)
        wide = op != ord("K")
        if wide.any():
            more = at[wide]
            value[wide] |= (buf[more + 2].astype(np.int64) << 8) | np.where(
                op[wide] == ord("J"),
                (buf[more + 3].astype(np.int64) << 16) | (buf[more + 4].astype(np.int64) << 24), 0)
        gaps[firsts[live] + k] = value
        cursor[live] = at + _SIZE[op]
    closer = np.where(counts == 1, ord("a"), ord("e"))
    ends = starts + lengths - 2  # the list's closing opcode, before the final "."
    closed = (cursor == ends) & (buf[np.minimum(ends, len(buf) - 1)] == closer)
    ok = plain & (((counts == 0) & (lengths == 10)) | closed)
    others = np.flatnonzero(~ok)
    positions = within_postings_cumsum(gaps, counts)
    if len(others):  # an unexpected shape (or a bad opcode, caught by the length check): pickle
        other_counts, other_positions = _decode_pickled([values[i] for i in others.tolist()])
        if not np.array_equal(other_counts, counts[others]):
            return _decode_pickled(values)
        owner, place = spread(other_counts)
        positions[firsts[others][owner] + place] = other_positions
    return counts, positions


def spread(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs of these lengths laid end to end: each item's run, and its place in it."""
    owner = np.repeat(np.arange(len(counts)), counts)
    return owner, np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)


def _decode_pickled(values: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    # map() over C methods rather than generator expressions: this runs once per posting
    if all(map(bytes.startswith, values, repeat(_HEAD[:2]), repeat(4))) and all(
        map(bytes.endswith, values, repeat(b"."))
    ):
        body = b"".join(map(getitem, values, repeat(slice(6, -1))))
        lists = pickle.loads(b"\x80\x02(" + body + b"l.")
    else:  # not the usual encoding: one at a time
        lists = [pickle.loads(v[4:] if v.endswith(b".") else v[4:] + b".") for v in values]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    gaps = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    return counts, within_postings_cumsum(gaps, counts)


def within_postings_cumsum(gaps: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Running sums of ``gaps`` restarting at each posting (``counts`` long each)."""
    if not len(gaps):
        return gaps
    running = np.cumsum(gaps)
    ends = np.cumsum(counts)
    starts = ends - counts
    before = np.where(starts > 0, running[np.maximum(starts - 1, 0)], 0)
    return running - np.repeat(before, counts)


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
    """One segment's cached postings.  ``spans[field][word]`` is ``(start, end, at)``: the
    term's slice of ``ids`` (local docnums) and ``counts`` (positions per posting, which are
    also its weights: title and body carry no field boost), and where its postings'
    positions begin in ``positions``."""

    spans: dict[str, dict[str, tuple[int, int, int]]]
    ids: np.ndarray
    counts: np.ndarray
    positions: np.ndarray

    def get(self, field: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray] | None:
        span = self._span(field, text)
        if span is None:
            return None
        start, end, _ = span
        return (np.asarray(self.ids[start:end], dtype=np.int32),
                np.asarray(self.counts[start:end], dtype=np.float64))

    def positions_of(self, field: str, text: str | bytes, local: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Word positions of the term in the documents ``local`` (sorted docnums that all
        hold it): ``(which, position)`` pairs, ``which`` indexing ``local``.  None when
        the term is not cached."""
        span = self._span(field, text)
        if span is None:
            return None
        start, end, at = span
        counts = np.asarray(self.counts[start:end], dtype=np.int64)
        picked = np.searchsorted(np.asarray(self.ids[start:end], dtype=np.int32), local)
        firsts = np.concatenate(([0], np.cumsum(counts)))[picked] + at
        which, place = spread(counts[picked])
        return which, np.asarray(self.positions[firsts[which] + place], dtype=np.int64)

    def _span(self, field: str, text: str | bytes) -> tuple[int, int, int] | None:
        try:
            word = text.decode("utf-8") if isinstance(text, bytes) else text
        except UnicodeDecodeError:  # a numeric field's encoded term: never cached
            return None
        return self.spans.get(field, {}).get(word)


def _narrow(values: np.ndarray) -> np.ndarray:
    """The smallest unsigned type that holds ``values`` (uint16 for most articles)."""
    top = int(values.max()) if len(values) else 0
    return values.astype(np.uint16 if top < 1 << 16 else np.uint32)


def build_hot(reader: IndexReader) -> HotPostings:
    spans: dict[str, dict[str, tuple[int, int, int]]] = {}
    ids: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    positions: list[np.ndarray] = []
    at = placed = 0
    fields = set(reader.indexed_field_names())
    hot_df = current().hot_postings_df
    for field in HOT_FIELDS:
        if field not in fields:
            continue
        spans[field] = {}
        for term, info in reader.iter_field(field):
            if info.doc_frequency() < hot_df:
                continue
            term_ids, _weights, values = postings_arrays(reader, field, term, values=True)
            term_counts, term_positions = decode_positions(values or [])
            word = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            spans[field][word] = (at, at + len(term_ids), placed)
            at += len(term_ids)
            placed += len(term_positions)
            ids.append(term_ids)
            counts.append(term_counts)
            positions.append(term_positions)
    return HotPostings(
        spans,
        _narrow(np.concatenate(ids)) if ids else EMPTY,
        _narrow(np.concatenate(counts)) if counts else np.zeros(0, dtype=np.uint16),
        _narrow(np.concatenate(positions)) if positions else np.zeros(0, dtype=np.uint16),
    )


_ARRAYS = ("ids", "counts", "positions")


def _paths(folder: Path, segment_id: str) -> tuple[dict[str, Path], Path]:
    stem = f"hot-{segment_id}"
    return {name: folder / f"{stem}.{name}.npy" for name in _ARRAYS}, folder / f"{stem}.json"


def _save(folder: Path, segment_id: str, hot: HotPostings, docs: int) -> None:
    array_paths, meta_path = _paths(folder, segment_id)
    meta = {"version": HOT_VERSION, "hot_df": current().hot_postings_df, "docs": docs, "postings": len(hot.ids),
            "positions": len(hot.positions), "spans": hot.spans}
    try:
        for name, path in array_paths.items():
            cachefiles.replace(path, lambda fh, name=name: np.save(fh, getattr(hot, name)))
        text = json.dumps(meta, ensure_ascii=False).encode("utf-8")
        cachefiles.replace(meta_path, lambda fh: fh.write(text))  # last: its presence says the arrays are whole
    except OSError:
        pass  # a read-only index still searches, only slower


def _load(folder: Path, segment_id: str, docs: int) -> HotPostings | None:
    array_paths, meta_path = _paths(folder, segment_id)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("version") != HOT_VERSION or meta.get("docs") != docs:
            return None
        with cachefiles.reading():
            arrays = {name: np.load(path, mmap_mode="r") for name, path in array_paths.items()}
        spans = {f: {w: (int(a), int(b), int(c)) for w, (a, b, c) in terms.items()}
                 for f, terms in meta["spans"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    postings = meta.get("postings")
    if any(len(arrays[name]) != postings for name in ("ids", "counts")):
        return None
    if len(arrays["positions"]) != meta.get("positions"):
        return None
    return HotPostings(spans, **arrays)


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
    array_paths, meta_path = _paths(Path("."), segment_id)
    return {p.name for p in array_paths.values()} | {meta_path.name}
