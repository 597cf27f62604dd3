"""Facet counts over every match of a query, not only the page shown.

Whoosh's own overlapping facets re-read the postings of every value on every query; here
each facet's document-to-values table is built once per searcher (from the lexicon and
postings, or from a column) and counting a query's matches is one pass over them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from whoosh.searching import Searcher

from .searching import SearcherHandle

MISSING = 2**31  # numeric column values at or above this stand for "no value"

# facet name -> (index field, kind)
FACETS: dict[str, tuple[str, str]] = {
    "author": ("author_exact", "terms"),
    "site": ("site_exact", "terms"),
    "year": ("year", "column"),
    "tag": ("tag_exact", "terms"),
}


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    count: int


class _TermTable:
    """docnum -> indexes into ``values``, for a field whose terms are the facet values."""

    def __init__(self, searcher: Searcher, field: str) -> None:
        reader = searcher.reader()
        size = reader.doc_count_all()
        self.values: list[str] = []
        self.by_doc: list[tuple[int, ...]] = [()] * size
        by_doc = self.by_doc
        if field not in reader.indexed_field_names():
            return
        for term in reader.lexicon(field):
            index = len(self.values)
            self.values.append(term.decode("utf-8") if isinstance(term, bytes) else str(term))
            for docnum in reader.postings(field, term).all_ids():
                by_doc[docnum] = by_doc[docnum] + (index,)

    def count(self, docnums: Iterable[int]) -> Counter[str]:
        counts: Counter[int] = Counter()
        by_doc = self.by_doc
        for docnum in docnums:
            values = by_doc[docnum]
            if values:
                counts.update(values)
        return Counter({self.values[i]: n for i, n in counts.items()})

    def folded(self) -> dict[str, list[str]]:
        """Case-folded value -> the exact spellings indexed, for case-insensitive filters."""
        out: dict[str, list[str]] = {}
        for value in self.values:
            out.setdefault(value.casefold(), []).append(value)
        return out


class _ColumnTable:
    def __init__(self, searcher: Searcher, field: str) -> None:
        reader = searcher.reader()
        size = reader.doc_count_all()
        if reader.has_column(field):
            column = reader.column_reader(field)
            self.by_doc = [column[i] for i in range(size)]
        else:
            self.by_doc = [0] * size

    def count(self, docnums: Iterable[int]) -> Counter[str]:
        by_doc = self.by_doc
        counts = Counter(by_doc[d] for d in docnums)
        # Documents without a value read back as 0 or as the column's largest number.
        return Counter({str(k): v for k, v in counts.items() if k and 0 < k < MISSING})


def table(handle: SearcherHandle, facet: str) -> _TermTable | _ColumnTable:
    field, kind = FACETS[facet]
    if kind == "column":
        return handle.cached(f"facet:{facet}", lambda: _ColumnTable(handle.searcher, field))
    return handle.cached(f"facet:{facet}", lambda: _TermTable(handle.searcher, field))


def exact_values(handle: SearcherHandle, facet: str, wanted: str) -> list[str]:
    """The indexed spellings of a facet value, matched without regard to case."""
    tab = table(handle, facet)
    if not isinstance(tab, _TermTable):
        return [wanted]
    folded = handle.cached(f"folded:{facet}", tab.folded)
    return list(folded.get(wanted.strip().casefold(), []))


def count_facets(
    handle: SearcherHandle, docnums: set[int], limit: int = 20
) -> dict[str, list[FacetValue]]:
    """Each facet's values over ``docnums``, highest count first (ties by value)."""
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        counts = table(handle, facet).count(docnums)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        out[facet] = [FacetValue(v, n) for v, n in ranked[:limit]]
    return out
