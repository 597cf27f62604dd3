"""The query layer: one request in, ranked hits with snippets and facet counts out.

The CLI, and later the web page and JSON API, all call ``Searcher.search``; nothing about
presentation lives here beyond the snippet's ``<mark>`` tags.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from whoosh import collectors
from whoosh.query import Query

from archive.contract.errors import NotFoundError, QueryError
from archive.contract.search import (
    Hit,
    SearchRequest,
    SearchResult,
    check_limit,
    day_range,
    validate,
    wants_months,
)
from archive.contract.settings import current

from .docsets import Deadline, Memo, docs, hint_for, intersect
from .facets import columns, count_facets, docs_with, groups
from .location import IndexLocation
from .querying import expand, parse_query
from .ranking import rank
from .searching import SearcherHandle, SearcherPool
from .snippets import lead, snippet
from .spelling import suggest
from .stories import collapse, copies_of, restrict, story_facets
from .vocabulary import Vocabulary
from .vocabulary import build as build_vocabulary


def _filter_docs(handle: SearcherHandle, request: SearchRequest) -> np.ndarray | None:
    """Docnums passing the request's filters, or None when it has none."""
    out: np.ndarray | None = None
    cols = columns(handle)
    for facet, wanted in request.filters.items():
        if wanted:
            found = docs_with(handle, facet, wanted)
            out = found if out is None else intersect(out, found, len(cols.live))
    days = day_range(request)
    if days is not None:
        low, high = days
        found = np.flatnonzero(cols.live & (cols.day >= low) & (cols.day <= high))
        out = found if out is None else intersect(out, found, len(cols.live))
    return out


def _by_date(cols: Any, docs: np.ndarray, newest: bool, count: int) -> np.ndarray:
    """The first ``count`` of ``docs`` by publication time (undated last, ties by docnum)."""
    dated = cols.day[docs] > 0
    stamps = cols.stamp[docs]
    key = np.where(dated, -stamps if newest else stamps, np.iinfo(np.int64).max)
    if count < len(key):
        # the first ``count`` keys, and everything tied with the last of them (by docnum)
        part = np.flatnonzero(key <= np.partition(key, count - 1)[count - 1])
        order = np.lexsort((docs[part], key[part]))[:count]
        return docs[part[order]]
    return docs[np.lexsort((docs, key))]


class ArchiveSearcher:
    """Searches one archive's index, reusing its searcher between queries."""

    def __init__(self, location: IndexLocation, *, timeout: float | None = None) -> None:
        self.pool = SearcherPool(location)
        self.timeout = timeout

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> ArchiveSearcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _match(
        self, request: SearchRequest, deadline: Deadline, memo: Memo | None = None
    ) -> tuple[Query | None, SearcherHandle, np.ndarray, np.ndarray | None]:
        """The parsed query, the searcher used, every matching docnum, and the filter's."""
        validate(request)
        handle = self.pool.current()
        q = prepare(handle, request.query)
        deadline.hint = hint_for(q, request.filtered)
        cols = columns(handle)
        filt = _filter_docs(handle, request)
        if q is None:
            matched = np.flatnonzero(cols.live).astype(np.int32)
        else:
            matched = docs(handle.searcher, cols, q, deadline, memo)
        if filt is not None:
            matched = intersect(matched, filt, cols.size)
        if request.ids is not None:
            only = restrict(handle, request.ids)
            matched = intersect(matched, only, cols.size)
            filt = only if filt is None else intersect(filt, only, cols.size)
        return q, handle, matched, filt

    def matching_ids(self, request: SearchRequest) -> list[str]:
        """The ids of every match of a request (no paging, no ranking, no time limit),
        sorted, for exports and other whole-result consumers."""
        _q, handle, matched, _filt = self._match(request, Deadline(float("inf")))
        stored = handle.searcher.stored_fields
        return sorted(stored(int(docnum))["id"] for docnum in matched)

    def search(self, request: SearchRequest) -> SearchResult:
        # Opening the index and loading its arrays is not the query's cost: the clock
        # starts once the searcher is ready.
        columns(self.pool.current())
        deadline = Deadline(self.timeout if self.timeout is not None else current().query_seconds)
        memo: Memo = {}
        q, handle, matched, filt = self._match(request, deadline, memo)
        s = handle.searcher
        cols = columns(handle)
        result = SearchResult(query=request.query, total=0, page=request.page)
        months = wants_months(request)
        # Copies of one story are one hit (index.stories), unless every copy is asked for.
        collapsed = None if request.all_copies else collapse(handle, cols, matched)
        every = matched
        if collapsed is not None and collapsed.copies:
            matched = collapsed.shown
            result.facets = story_facets(cols, collapsed, lambda facet: groups(handle, facet), month=months)
        else:
            result.facets = count_facets(handle, matched, month=months)
        result.total = int(len(matched))
        if q is not None and result.total <= current().suggest_below:
            if not legacy(handle):
                result.suggestion = suggest(vocabulary(handle), request.query, result.total)
        first = (request.page - 1) * request.limit
        if first >= result.total:
            return result
        wanted = first + request.limit
        sort = request.sort
        if q is None and sort == "relevance":
            sort = "newest"
        scores: dict[int, float] = {}
        if sort == "relevance" and q is not None:
            lengths = handle.cached("lengths", dict)
            fast = rank(s, cols, q, matched, wanted, deadline, memo, lengths)
            if fast is not None:
                ranked = fast[0].tolist()
                scores = dict(zip(ranked, fast[1].tolist(), strict=True))
            else:
                allow = None if filt is None and matched is every else set(matched.tolist())
                top = _ranked(s, q, wanted, allow, deadline)
                ranked = [hit.docnum for hit in top]
                scores = {hit.docnum: hit.score for hit in top}
        else:
            ranked = _by_date(cols, matched, sort == "newest", wanted).tolist()
        deadline.check()
        terms = _highlight_terms(s, q)
        page = ranked[first:wanted]
        counts = collapsed.copies if collapsed is not None else copies_of(handle, every, page)
        for docnum in page:
            hit = _hit(s, docnum, scores.get(docnum), terms)
            result.hits.append(replace(hit, copies=counts[docnum]) if docnum in counts else hit)
        return result

    def similar(self, article_id: str, *, limit: int = 10) -> list[Hit]:
        """Articles most like one in the index, by the key terms of its title and body."""
        check_limit(limit)
        handle = self.pool.current()
        s = handle.searcher
        docnum = s.document_number(id=article_id)
        if docnum is None:
            raise NotFoundError(f"no indexed article with id {article_id!r}")
        stored = s.stored_fields(docnum)
        text = f"{stored.get('title', '')}\n{stored.get('title', '')}\n{stored.get('body', '')}"
        found = s.more_like(docnum, "body", text=text, top=limit, numterms=12)
        return [_hit(s, hit.docnum, hit.score, {}) for hit in found]


def legacy(handle: SearcherHandle) -> bool:
    """Whether the index was built by the first analysis (Porter stems, no stop words)."""

    def read() -> bool:
        try:
            return (handle.folder / "SCHEMA_VERSION").read_text("utf-8").strip() == "1"
        except (OSError, TypeError):
            return False

    return handle.cached("legacy", read)


def vocabulary(handle: SearcherHandle) -> Vocabulary:
    return handle.cached("vocabulary", lambda: build_vocabulary(columns(handle)))


def variants(handle: SearcherHandle, field: str, word_stem: str) -> tuple[str, ...]:
    """Every word of ``field`` in the index whose stem is ``word_stem``."""
    memo: dict[tuple[str, str], tuple[str, ...]] = handle.cached("variants", dict)
    key = (field, word_stem)
    found = memo.get(key)
    if found is None:
        words: set[str] = set()
        for lexicons in columns(handle).lexicons:
            lex = lexicons.get(field)
            if lex is not None:
                words.update(w for w, _df in lex.variants(word_stem))
        found = memo[key] = tuple(sorted(words))
    return found


def prepare(handle: SearcherHandle, text: str) -> Query | None:
    """The request's query parsed for this index and resolved against its words."""
    if legacy(handle):  # parsed with the index's own (stemming) analyzers, as it was built
        return parse_query(text, handle.searcher.schema)
    q = parse_query(text)

    def similar(field: str, word: str, maxdist: int, prefix: int) -> list[str]:
        return [w for _d, w in vocabulary(handle).within(word, maxdist, prefix)]

    return expand(q, lambda field, stem: variants(handle, field, stem), similar)


def _ranked(s: Any, q: Query, wanted: int, allow: set[int] | None, deadline: Deadline) -> Any:
    """The top ``wanted`` hits by relevance, stopped with a QueryError past the deadline."""
    remaining = max(0.05, deadline.left())
    collector = collectors.TimeLimitCollector(
        s.collector(limit=wanted, filter=allow), timelimit=remaining
    )
    try:
        s.search_with_collector(q, collector)
    except collectors.TimeLimit:
        deadline.check()
        raise QueryError("the query took too long to rank; make it more specific") from None
    return collector.results()


def _highlight_terms(s: Any, q: Query | None) -> dict[str, frozenset[str]]:
    if q is None:
        return {}
    out: dict[str, set[str]] = {}
    reader = s.reader()
    # Leaf by leaf: Query.existing_terms() in this Whoosh skips fields after the first.
    for leaf in q.leaves():
        if leaf.field() not in ("title", "body"):
            continue
        for field_name, text in leaf.expanded_terms(reader, phrases=True):
            word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            out.setdefault(field_name, set()).add(word)
    return {k: frozenset(v) for k, v in out.items()}


def _hit(s: Any, docnum: int, score: float | None, terms: dict[str, frozenset[str]]) -> Hit:
    stored = s.stored_fields(docnum)
    body = stored.get("body", "")
    text = ""
    if terms.get("body"):
        text = snippet(body, terms["body"])
    if not text and terms.get("title"):
        text = snippet(stored.get("title", ""), terms["title"])
    if not text:
        text = lead(body)
    return Hit(
        id=stored["id"],
        title=stored.get("title", ""),
        authors=_split(stored.get("author_exact")),
        published=stored.get("published"),
        site=stored.get("site_exact"),
        url=stored.get("url"),
        score=round(float(score), 4) if score is not None else None,
        snippet=text,
    )


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]
