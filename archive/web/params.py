"""Query strings to search requests, and search requests back to query strings.

The URL holds the whole state of a search (query, filters, dates, sort, page), so a page
can be bookmarked, shared and reloaded, and every link on the search page (a facet value,
a chip, a histogram bar, a page number) is this request with one thing changed.  The
filter parameters come from the facet registry: a new facet is a new parameter here.
The HTML page and the JSON API read the same parameters through ``request_from``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import urlencode

from archive.contract.errors import RequestError, literal
from archive.contract.facets import TERM_FACETS
from archive.contract.search import SearchRequest

SINGLE = ("q", "since", "until", "sort", "page", "limit", "histogram", "copies")
"""Parameters given at most once; each facet's parameter (``author``, ...) may repeat."""
NAMES = {"query": "q", "all_copies": "copies"}
"""How the web spells request fields that it names differently, for error messages."""
MAX_VALUE_CHARS = 10_000  # past the query's own limit, so q gets its message
_ID_RE = re.compile(r"^[0-9a-fA-F]{6,16}$")


def known_parameters() -> tuple[str, ...]:
    return (*SINGLE, *TERM_FACETS)


def _number(name: str, text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise RequestError(name, f"{{{name}}} must be a whole number, not {literal(repr(text))}")
    return int(text)


def request_from(items: Iterable[tuple[str, str]], *, default_limit: int = 10) -> SearchRequest:
    """The search request a query string describes; unknown, repeated or malformed
    parameters are refused with a RequestError naming the parameter.  Empty values (an
    empty date box of the form) mean the parameter was not given."""
    single: dict[str, str] = {}
    filters: dict[str, list[str]] = {}
    for name, value in items:
        if (name in SINGLE or name in TERM_FACETS) and len(value) > MAX_VALUE_CHARS:
            raise RequestError(name, f"{{{name}}} is too long ({len(value)} characters)")
        if name in TERM_FACETS:
            if value.strip():
                filters.setdefault(name, []).append(value.strip())
        elif name in SINGLE:
            if name in single:
                raise RequestError(name, f"{{{name}}} is given more than once")
            single[name] = value.strip() if name != "q" else value
        elif name != "token":
            allowed = ", ".join(known_parameters())
            shown = repr(name if len(name) <= 40 else name[:40] + "…")
            raise RequestError("filters", f"unknown parameter {literal(shown)}; use {literal(allowed)}")
    for name in ("since", "until", "sort", "page", "limit", "histogram", "copies"):
        if name in single and not single[name]:
            del single[name]
    if single.get("copies", "all") != "all":
        raise RequestError("all_copies", f"{{all_copies}} must be all (every copy of a story), not "
                           f"{literal(repr(single['copies'][:40]))}; leave it out for one hit per story")
    return SearchRequest(
        query=single.get("q", "").strip(),
        filters={k: tuple(dict.fromkeys(v)) for k, v in filters.items()},
        since=single.get("since"),
        until=single.get("until"),
        sort=single.get("sort", "relevance"),
        limit=_number("limit", single["limit"]) if "limit" in single else default_limit,
        page=_number("page", single["page"]) if "page" in single else 1,
        histogram=single.get("histogram"),
        all_copies="copies" in single,
    )


def query_string(request: SearchRequest, *, default_limit: int = 10) -> str:
    """The query string of a request, in one canonical order, defaults left out."""
    pairs: list[tuple[str, str]] = []
    if request.query:
        pairs.append(("q", request.query))
    for name in TERM_FACETS:
        pairs.extend((name, value) for value in request.values(name))
    for name in ("since", "until"):
        value = getattr(request, name)
        if value:
            pairs.append((name, value))
    if request.sort != "relevance":
        pairs.append(("sort", request.sort))
    if request.limit != default_limit:
        pairs.append(("limit", str(request.limit)))
    if request.histogram:
        pairs.append(("histogram", request.histogram))
    if request.all_copies:
        pairs.append(("copies", "all"))
    if request.page != 1:
        pairs.append(("page", str(request.page)))
    return urlencode(pairs)


def link(request: SearchRequest, path: str = "/") -> str:
    query = query_string(request)
    return f"{path}?{query}" if query else path


def toggled(request: SearchRequest, facet: str, value: str) -> SearchRequest:
    """The request with ``value`` of ``facet`` added (or removed if present), page 1."""
    values = request.values(facet)
    folded = value.casefold()
    if any(v.casefold() == folded for v in values):
        values = tuple(v for v in values if v.casefold() != folded)
    else:
        values = (*values, value)
    filters = {k: v for k, v in request.filters.items() if k != facet}
    if values:
        filters[facet] = values
    return replace(request, filters=filters, page=1)


def dated(request: SearchRequest, since: str | None, until: str | None) -> SearchRequest:
    """The request narrowed to a date range (None leaves that end open), page 1."""
    return replace(request, since=since, until=until, page=1, histogram=None)


def paged(request: SearchRequest, page: int) -> SearchRequest:
    return replace(request, page=page)


def valid_id(text: str) -> bool:
    """Whether a path segment can be an article id (or a prefix of one, 6 digits or more)."""
    return bool(_ID_RE.match(text))
