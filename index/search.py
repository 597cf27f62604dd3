"""The query layer: one request in, ranked hits with snippets and facet counts out.

The CLI, and later the web page and JSON API, all call ``Searcher.search``; nothing about
presentation lives here beyond the snippet's ``<mark>`` tags.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any

from whoosh import highlight, sorting
from whoosh import query as wq
from whoosh.query import Query

from archive.errors import QueryError

from .facets import MISSING, FacetValue, count_facets, exact_values
from .location import IndexLocation
from .querying import date_bounds, parse_query
from .searching import SearcherHandle, SearcherPool

SORTS = ("relevance", "newest", "oldest")
MAX_LIMIT = 1000
SNIPPET_CHARS = 240


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str = ""
    authors: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    sort: str = "relevance"
    limit: int = 10
    page: int = 1


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    title: str
    authors: list[str]
    published: str | None
    site: str | None
    url: str | None
    score: float | None
    snippet: str


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int
    page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "hits": [asdict(h) for h in self.hits],
            "facets": {k: [asdict(v) for v in vs] for k, vs in self.facets.items()},
        }


class _MarkFormatter(highlight.HtmlFormatter):
    """Matched terms in ``<mark>``, the rest HTML-escaped."""

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        inner = html.escape(highlight.get_text(text, token, replace), quote=False)
        return "<mark>" + inner + "</mark>"


def _validate(request: SearchRequest) -> None:
    if request.sort not in SORTS:
        raise QueryError(f"unknown sort {request.sort!r}; use one of {', '.join(SORTS)}")
    if not 1 <= request.limit <= MAX_LIMIT:
        raise QueryError(f"--limit must be between 1 and {MAX_LIMIT}")
    if request.page < 1:
        raise QueryError("--page must be 1 or more")
    for name, value in (("since", request.since), ("until", request.until)):
        if value is not None:
            try:
                date_bounds(value)
            except QueryError as exc:
                raise QueryError(f"--{name}: {exc}") from exc


def _filter_query(handle: SearcherHandle, request: SearchRequest) -> Query | None:
    parts: list[Query] = []
    for facet, field_name, wanted in (
        ("author", "author_exact", request.authors),
        ("site", "site_exact", request.sites),
        ("tag", "tag_exact", request.tags),
    ):
        if not wanted:
            continue
        terms = [
            wq.Term(field_name, exact)
            for value in wanted
            for exact in exact_values(handle, facet, value)
        ]
        parts.append(wq.Or(terms) if terms else wq.NullQuery)
    if request.since or request.until:
        low = date_bounds(request.since)[0] if request.since else 1
        high = date_bounds(request.until)[1] if request.until else 99991231
        if low > high:
            raise QueryError("--since is after --until")
        parts.append(wq.NumericRange("day", low, high))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _sort_facet(sort: str) -> Any:
    # Undated articles read back as 0 or as the column's largest value; either way they
    # go last, after every dated article, in both orders.
    if sort == "newest":
        return sorting.TranslateFacet(
            lambda v: -v if v and v < MISSING else 1, sorting.FieldFacet("day")
        )
    if sort == "oldest":
        return sorting.TranslateFacet(
            lambda v: v if v and v < MISSING else MISSING, sorting.FieldFacet("day")
        )
    return None


class ArchiveSearcher:
    """Searches one archive's index, reusing its searcher between queries."""

    def __init__(self, location: IndexLocation) -> None:
        self.pool = SearcherPool(location)

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> ArchiveSearcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(self, request: SearchRequest) -> SearchResult:
        _validate(request)
        q = parse_query(request.query)
        handle = self.pool.current()
        s = handle.searcher
        result = SearchResult(query=request.query, total=0, page=request.page)
        if q is wq.NullQuery:
            result.facets = count_facets(handle, set())
            return result

        filt = _filter_query(handle, request)
        if q is None:
            matched = set(s.reader().all_doc_ids())
        else:
            matched = set(s.docs_for_query(q))
        if filt is not None and matched:
            matched &= set(s.docs_for_query(filt))
        result.total = len(matched)
        result.facets = count_facets(handle, matched)
        if not matched:
            return result

        sort = request.sort
        if q is None and sort == "relevance":
            sort = "newest"
        sortedby = _sort_facet(sort)
        if (request.page - 1) * request.limit >= result.total:
            return result
        page = s.search_page(
            q if q is not None else wq.Every(),
            request.page,
            pagelen=request.limit,
            filter=matched,
            sortedby=sortedby,
        )
        page.results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        page.results.formatter = _MarkFormatter(between=" … ")
        for hit in page:
            stored = hit.fields()
            snippet = ""
            if q is not None:
                snippet = hit.highlights("body", top=2) or hit.highlights("title", top=1)
            if not snippet:
                snippet = _lead(stored.get("body", ""))
            result.hits.append(
                Hit(
                    id=stored["id"],
                    title=stored.get("title", ""),
                    authors=_split(stored.get("author_exact")),
                    published=stored.get("published"),
                    site=stored.get("site_exact"),
                    url=stored.get("url"),
                    score=(
                        round(float(hit.score), 4)
                        if hit.score is not None and sortedby is None
                        else None
                    ),
                    snippet=snippet,
                )
            )
        return result


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _lead(body: str) -> str:
    text = " ".join(body.split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(text, quote=False)
