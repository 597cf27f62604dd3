"""Saved searches on the web: a page listing them, and an Atom feed of each.

``/watches`` lists the saved searches (``archive watch add`` makes them) with a link to
each one's search and feed; ``/watches/NAME.atom`` is an Atom 1.0 feed (RFC 4287) of the
search's latest matches, most recently ingested first, one entry per story.  A feed
reader polling it moves no mark: ``archive watch run`` keeps its own.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.contract.clock import now_utc
from archive.contract.errors import ArchiveError, NotFoundError
from archive.contract.search import SearchRequest
from archive.operations.service import Archive
from archive.operations.watch import NAME_RE, WatchFeed, WatchView

from .api import only
from .pages import error_page, render
from .params import link
from .views import safe_url

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
# Characters XML 1.0 does not allow, which captured text may still carry.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MARK = re.compile(r"</?mark>")


def _text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def _search_link(view: WatchView) -> str:
    request = SearchRequest(query=view.query, filters={k: tuple(v) for k, v in view.filters.items()},
                            since=view.since, until=view.until, sort="newest")
    return link(request)


def _stamp(value: str | None) -> str | None:
    """An RFC 3339 date-time (Atom's) for an ISO 8601 date or date-time, or None."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _text(text)
    return element


def atom(found: WatchFeed, base: str, home_name: str) -> bytes:
    """The feed document of a saved search's latest matches."""
    ET.register_namespace("", ATOM)
    view = found.watch
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "title", f"{view.name}: {view.query or 'every article'} ({home_name})")
    narrowed = ", ".join(f"{k} {v}" for k, values in view.filters.items() for v in values)
    _add(feed, "subtitle", f"Saved search {view.query!r}" + (f", {narrowed}" if narrowed else "")
         + ": the latest matches, most recently archived first, one entry per story.")
    _add(feed, "id", f"{base}/watches/{view.name}.atom")
    stamps = [_stamp(e.captured) for e in found.entries]
    _add(feed, "updated", max((s for s in stamps if s), default=None) or _stamp(now_utc().isoformat()))
    _add(feed, "link", rel="self", type="application/atom+xml", href=f"{base}/watches/{view.name}.atom")
    _add(feed, "link", rel="alternate", type="text/html", href=base + _search_link(view))
    _add(_add(feed, "author"), "name", f"article-archive ({home_name})")
    _add(feed, "generator", "article-archive")
    for entry, updated in zip(found.entries, stamps, strict=True):
        hit = entry.hit
        item = _add(feed, "entry")
        _add(item, "title", hit.title or "(untitled)")
        _add(item, "id", f"{base}/articles/{hit.id}")
        _add(item, "updated", updated or _stamp(now_utc().isoformat()))
        published = _stamp(hit.published)
        if published:
            _add(item, "published", published)
        _add(item, "link", rel="alternate", type="text/html", href=f"{base}/articles/{hit.id}")
        original = safe_url(hit.url)
        if original:
            _add(item, "link", rel="via", href=original)
        for name in hit.authors:
            _add(_add(item, "author"), "name", name)
        if hit.site:
            _add(item, "category", term=hit.site, label=f"site: {hit.site}")
        summary = html.unescape(_MARK.sub("", hit.snippet))
        if hit.copies > 1:
            summary += f" ({hit.copies} copies of this story)"
        _add(item, "summary", summary, type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _feed(archive: Archive, name: str, base: str) -> Response:
    try:
        found = archive.watch_feed(name)
    except ArchiveError as exc:
        return error_page(exc, archive.home.root.name)
    return Response(atom(found, base, archive.home.root.name), media_type=ATOM_TYPE,
                    headers={"cache-control": "no-cache"})


async def feed(request: Request) -> Response:
    try:
        only(request)
    except ArchiveError as exc:
        return error_page(exc)
    name = request.path_params["name"]
    if not NAME_RE.match(name):
        return error_page(NotFoundError(f"{name[:40]!r} is not the name of a saved search"))
    return await request.app.state.readers.run(_feed, name, _base(request))


def _list_page(archive: Archive) -> Response:
    try:
        views = archive.watches()
    except ArchiveError as exc:
        return error_page(exc, archive.home.root.name)
    rows: list[dict[str, Any]] = [
        {"view": v, "search": _search_link(v), "feed": f"/watches/{v.name}.atom",
         "filters": ", ".join(f"{k}: {x}" for k, values in v.filters.items() for x in values)}
        for v in views
    ]
    return render("watches.html", rows=rows, api_link="/api/watches", home_name=archive.home.root.name)


async def listing(request: Request) -> Response:
    try:
        only(request)
    except ArchiveError as exc:
        return error_page(exc)
    return await request.app.state.readers.run(_list_page)


ROUTES = [
    Route("/watches", listing, methods=["GET"]),
    Route("/watches/{name}.atom", feed, methods=["GET"]),
]
