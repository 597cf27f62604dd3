"""The search contract: what a front end asks of a search backend and what it gets back.

A ``SearchRequest`` goes in, a ``SearchResult`` (ranked ``Hit``s, ``FacetValue`` counts
and a "did you mean") comes out; ``to_dict`` gives the JSON shape that ``archive search
--json`` prints and the HTTP API serves, from this one serializer.  Requests are
validated here, before any backend sees them, with errors that name the request field.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import QueryError, RequestError, literal
from .facets import TERM_FACETS
from .settings import current

SORTS = ("relevance", "newest", "oldest")
HISTOGRAMS = ("year", "month")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Facet name (``author``, ``site``, ``tag``) -> values, any of which may match."""
    since: str | None = None
    until: str | None = None
    sort: str = "relevance"
    limit: int = 10
    page: int = 1
    histogram: str | None = None  # "year" or "month"; None: months for spans under 3 years
    all_copies: bool = False
    """Every copy of a story as a hit of its own (by default a story is one hit, its copies counted)."""
    ids: frozenset[str] | None = None
    """Only these articles (None: all); how a saved search looks at what was ingested since it last ran."""

    def values(self, facet: str) -> tuple[str, ...]:
        return self.filters.get(facet, ())

    @property
    def filtered(self) -> bool:
        """Whether anything but the query narrows the matches."""
        return any(self.filters.values()) or bool(self.since or self.until)


@dataclass(frozen=True, slots=True)
class CopyOf:
    """How a hit is a copy of the article it is listed for: ``exact`` (the same words),
    ``near`` (most of its 5-word shingles shared; ``similarity`` is their Jaccard) or
    ``contained`` (cut short or with a paragraph more; ``similarity`` is the share of the
    shorter found in the longer), or ``indirect`` (a copy of one of its copies)."""

    kind: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "similarity": self.similarity}


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
    copies: int = 1
    """How many matching articles this hit stands for: itself and its copies of the same story."""
    copy: CopyOf | None = None
    """Set on ``similar``'s hits that are copies of its article."""

    def to_dict(self) -> dict[str, Any]:
        data = {"id": self.id, "title": self.title, "authors": list(self.authors),
                "published": self.published, "site": self.site, "url": self.url,
                "score": self.score, "snippet": self.snippet, "copies": self.copies}
        if self.copy is not None:
            data["copy"] = self.copy.to_dict()
        return data


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count}


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int
    page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {k: [v.to_dict() for v in vs] for k, vs in self.facets.items()},
            "suggestion": self.suggestion,
        }


@dataclass(slots=True)
class SimilarResult:
    """The articles most like one article."""

    id: str
    title: str
    hits: list[Hit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title,
                "hits": [{**h.to_dict(), "copy": h.copy.to_dict() if h.copy else None} for h in self.hits]}


def date_bounds(text: str) -> tuple[int, int]:
    """The first and last day number (YYYYMMDD) a YYYY, YYYY-MM or YYYY-MM-DD covers."""
    m = _DATE_RE.match(text.strip())
    if not m:
        raise QueryError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise QueryError(f"not a date: {text!r} (month {month} does not exist)")
    if month is None:
        return year * 10000 + 101, year * 10000 + 1231
    last = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
    if day is None:
        return year * 10000 + month * 100 + 1, year * 10000 + month * 100 + last
    if not 1 <= day <= last:
        raise QueryError(f"not a date: {text!r} (day {day} does not exist)")
    value = year * 10000 + month * 100 + day
    return value, value


def day_range(request: SearchRequest) -> tuple[int, int] | None:
    """The request's ``since``/``until`` as first and last day numbers, or None."""
    if not (request.since or request.until):
        return None
    low = date_bounds(request.since)[0] if request.since else 1
    high = date_bounds(request.until)[1] if request.until else 99991231
    if low > high:
        raise RequestError("since", "{since} is after {until}")
    return low, high


def check_limit(limit: int) -> None:
    top = current().max_limit
    if not 1 <= limit <= top:
        raise RequestError("limit", f"{{limit}} must be between 1 and {top}")


def validate(request: SearchRequest) -> None:
    """Refuse a request no backend should run, naming the field at fault."""
    if request.sort not in SORTS:
        raise RequestError("sort", f"unknown {{sort}} {literal(repr(request.sort))}; use one of {', '.join(SORTS)}")
    check_limit(request.limit)
    if request.page < 1:
        raise RequestError("page", "{page} must be 1 or more")
    if request.page * request.limit > current().max_depth:
        raise RequestError("page", "{page} is too deep; narrow the search instead")
    if request.histogram is not None and request.histogram not in HISTOGRAMS:
        raise RequestError("histogram", f"unknown {{histogram}} {literal(repr(request.histogram))}; "
                           "use year or month")
    unknown = sorted(set(request.filters) - set(TERM_FACETS))
    if unknown:
        raise RequestError("filters", f"{literal(unknown[0])!r} is not a filter; filters are "
                           + ", ".join(TERM_FACETS))
    for name, value in (("since", request.since), ("until", request.until)):
        if value is not None:
            try:
                date_bounds(value)
            except QueryError as exc:
                raise RequestError(name, f"{{{name}}}: {literal(str(exc))}") from exc
    day_range(request)


def wants_months(request: SearchRequest) -> bool:
    """Whether the date histogram is by month: asked for, or a span under 3 years."""
    if request.histogram is not None:
        return request.histogram == "month"
    if not (request.since and request.until):
        return False
    return date_bounds(request.until)[1] // 10000 - date_bounds(request.since)[0] // 10000 < 3
