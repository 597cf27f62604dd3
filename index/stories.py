"""Copies of one story in the index: each document's story, and search results that show
each story once.

Every document carries two column values: ``story`` (the 64-bit number of the story's
label, an article id; an article with no copies is a story of its own, labelled by its
own id) and ``captured`` (its capture order: seconds since 1970, doubled, plus one for a
copy, so the story's first article comes first within a second).  The operations layer says
which articles share a story (``groups`` when documents are written) and re-indexes the
ones whose story changes, so the index never needs the record store.

Collapsing a match set keeps one document per story: the earliest published, else the
first captured; the others are counted as its copies.  Facet counts over a collapsed set
count stories: a value's count is how many stories have a matching copy with it, which is
what filtering by that value then shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN
from whoosh.index import Index
from whoosh.reading import IndexReader

from archive.contract.facets import FACETS
from archive.contract.records import Record
from archive.contract.search import FacetValue

if TYPE_CHECKING:  # the schema imports this module, and the searcher and columns import the schema
    from .columns import Columns
    from .searching import SearcherHandle

STORY = "story"
CAPTURED = "captured"
_LAST = np.iinfo(np.int64).max


def schema_fields() -> dict[str, Any]:
    """The two column fields (values only: nothing is indexed or stored)."""
    return {STORY: COLUMN(NumericColumn("Q", default=0)), CAPTURED: COLUMN(NumericColumn("q", default=0))}


def ensure_fields(ix: Index) -> None:
    """Give an index made before stories existed their fields (old documents read as
    stories of their own until they are written again)."""
    missing = {name: kind for name, kind in schema_fields().items() if name not in ix.schema}
    if missing:
        writer = ix.writer()
        for name, kind in missing.items():
            writer.add_field(name, kind)
        writer.commit(merge=False)


def _seconds(when: str | None) -> int:
    if not when:
        return 0
    try:
        return int(datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0


def values_for(record: Record, groups: Mapping[str, str] | None) -> dict[str, int]:
    """A record's story and capture columns; ``groups`` maps an article id to its story
    when that is not the article itself.  The capture column orders by capture time, to
    the second, and within a second puts the story's first article (whose id labels it)
    before its copies."""
    story = (groups or {}).get(record.id, record.id)
    captured = record.captured_at or record.ingested_at  # a WARC's capture time, else when it was stored
    return {STORY: int(story, 16), CAPTURED: _seconds(captured) * 2 + (story != record.id)}


def _column(reader: IndexReader, name: str, size: int, dtype: str) -> np.ndarray:
    """A whole numeric column of one segment, read at once (0 where a document has none)."""
    out = np.zeros(size, dtype=np.int64 if dtype == ">i8" else np.uint64)
    if name not in reader.schema or not reader.has_column(name):
        return out
    column = reader.column_reader(name, translate=False)
    raw = getattr(column, "_dbfile", None)
    count = min(getattr(column, "_count", -1), size)
    if raw is not None and count >= 0 and getattr(column, "_fixedlen", 0) == 8:
        data = raw.get(column._basepos, 8 * count)
        out[:count] = np.frombuffer(data, dtype=dtype)
        return out
    for docnum in range(size):  # another column layout: slower, same values
        value = column[docnum]
        out[docnum] = value if isinstance(value, int) else int.from_bytes(value, "big", signed=dtype == ">i8")
    return out


@dataclass(slots=True)
class StoryColumns:
    """The story and capture time of every document, in the searcher's docnums."""

    story: np.ndarray  # uint64; a document without one gets a key of its own
    captured: np.ndarray  # int64 seconds
    shared: np.ndarray  # bool: another document (live or not) has the same story


def load(reader: IndexReader) -> StoryColumns:
    size = reader.doc_count_all()
    story = np.zeros(size, dtype=np.uint64)
    captured = np.zeros(size, dtype=np.int64)
    for sub, offset in reader.leaf_readers():
        n = sub.doc_count_all()
        story[offset : offset + n] = _column(sub, STORY, n, ">u8")
        captured[offset : offset + n] = _column(sub, CAPTURED, n, ">i8")
    unlabelled = np.flatnonzero(story == 0)
    story[unlabelled] = unlabelled.astype(np.uint64) + np.uint64(1)  # far below any id's number
    _keys, inverse, counts = np.unique(story, return_inverse=True, return_counts=True)
    return StoryColumns(story, captured, counts[inverse] > 1)


def story_columns(handle: SearcherHandle) -> StoryColumns:
    return handle.cached("stories", lambda: load(handle.searcher.reader()))


@dataclass(slots=True)
class Collapsed:
    """A match set with one document per story."""

    shown: np.ndarray  # sorted docnums: one per story
    copies: dict[int, int]  # docnum shown -> matches it stands for, where more than one
    groups: np.ndarray  # story index of every match (aligned with the matches)
    matched: np.ndarray  # every match, sorted


def collapse(handle: SearcherHandle, cols: Columns, matched: np.ndarray) -> Collapsed:
    """One document per story among ``matched`` (sorted docnums): the earliest published,
    else the first captured, else the first indexed."""
    st = story_columns(handle)
    grouped = matched[st.shared[matched]]
    if not len(grouped):
        return Collapsed(matched, {}, np.arange(len(matched)), matched)
    keys = st.story[grouped]
    published = np.where(cols.day[grouped] > 0, cols.stamp[grouped], _LAST)
    order = np.lexsort((grouped, st.captured[grouped], published, keys))
    ordered = keys[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, len(order)))
    chosen = grouped[order[starts]]
    alone = matched[~st.shared[matched]]
    shown = np.sort(np.concatenate([alone, chosen]))
    copies = {int(d): int(n) for d, n in zip(chosen, sizes, strict=True) if n > 1}
    _u, groups = np.unique(st.story[matched], return_inverse=True)
    return Collapsed(shown, copies, groups.astype(np.int64), matched)


def copies_of(handle: SearcherHandle, matched: np.ndarray, docnums: Iterable[int]) -> dict[int, int]:
    """For each of ``docnums``, how many of ``matched`` share its story (when more than one)."""
    st = story_columns(handle)
    out: dict[int, int] = {}
    keys = None
    for docnum in docnums:
        if st.shared[docnum]:
            keys = st.story[matched] if keys is None else keys
            count = int(np.count_nonzero(keys == st.story[docnum]))
            if count > 1:
                out[docnum] = count
    return out


def restrict(handle: SearcherHandle, ids: Iterable[str]) -> np.ndarray:
    """The live docnums of the articles ``ids``, sorted."""
    searcher = handle.searcher
    found = {searcher.document_number(id=article_id) for article_id in ids}
    found.discard(None)
    return np.array(sorted(found), dtype=np.int32)


def _ranked(counts: np.ndarray, values: list[str], limit: int) -> list[FacetValue]:
    """The ``limit`` highest counts, ties by value (as ``index.facets`` ranks them)."""
    nonzero = np.flatnonzero(counts)
    if len(nonzero) > 4 * limit:  # only what can make the list: the top and all tied with it
        floor = np.partition(counts[nonzero], len(nonzero) - limit)[len(nonzero) - limit]
        nonzero = nonzero[counts[nonzero] >= floor]
    ranked = sorted((-int(counts[i]), values[i]) for i in nonzero)
    return [FacetValue(v, -n) for n, v in ranked[:limit]]


def _distinct(groups: np.ndarray, values: np.ndarray, width: int) -> np.ndarray:
    """How many distinct groups have each value (values are 0..width-1)."""
    if not len(values):
        return np.zeros(width, dtype=np.int64)
    pairs = np.unique(groups.astype(np.int64) * width + values)
    return np.bincount(pairs % width, minlength=width)


def story_facets(cols: Columns, collapsed: Collapsed, groups: Callable[[str], Any], *, limit: int = 20,
                 month: bool = False) -> dict[str, list[FacetValue]]:
    """Facet counts of stories: each value counts the stories with a matching copy having it;
    ``groups`` gives a facet's values folded (``index.facets.groups``: values that differ
    only in case are one value, as every facet count has them)."""
    matched = collapsed.matched
    group_of = np.full(cols.size, -1, dtype=np.int64)
    group_of[matched] = collapsed.groups
    days = cols.day[matched]
    dated = days > 0
    out: dict[str, list[FacetValue]] = {}
    for spec in FACETS:
        if spec.kind == "year":
            years = (days[dated] // 10000).astype(np.int64)
            low = int(years.min()) if len(years) else 0
            counts = _distinct(collapsed.groups[dated], years - low, int(years.max()) - low + 1 if len(years) else 1)
            out[spec.name] = _ranked(counts, [str(low + i) for i in range(len(counts))], limit)
            continue
        docs = cols.docs[spec.name]
        keep = group_of[docs] >= 0
        folded = groups(spec.name)
        values = folded.of[cols.vals[spec.name][keep]].astype(np.int64)
        counts = _distinct(group_of[docs[keep]], values, max(1, len(folded.names)))
        out[spec.name] = _ranked(counts, folded.names, limit)
    if month:
        months = (days[dated] // 100).astype(np.int64)
        if len(months):
            low = int(months.min())
            counts = _distinct(collapsed.groups[dated], months - low, int(months.max()) - low + 1)
            out["month"] = [FacetValue(f"{(low + i) // 100:04d}-{(low + i) % 100:02d}", int(n))
                            for i, n in enumerate(counts) if n]
        else:
            out["month"] = []
    return out
