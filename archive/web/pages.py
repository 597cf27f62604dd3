"""The HTML pages: search, the reader view, a diff between versions, stats, and the
original capture (served apart, sandboxed, never inlined).

Each page's work (the search or the record reads, and the template) runs on a reader
thread; the templates escape everything they are given, and nothing captured is ever
put into a page as markup but a snippet's ``<mark>``.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from archive.contract.errors import ArchiveError, NotFoundError, RequestError, StoreError
from archive.contract.search import SORTS, SearchRequest
from archive.contract.settings import current
from archive.operations.service import Archive

from . import views
from .answers import failure
from .api import article_id, only, version_number
from .guard import ORIGINAL_POLICY
from .params import link, query_string, request_from, toggled

HERE = Path(__file__).resolve().parent
TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
TEMPLATES.filters["snippet"] = views.snippet_html
_HTML_START = re.compile(rb"^\s*(<!doctype|<html|<head|<body|<meta|<title|<!--|<\?xml)", re.I)


def render(name: str, code: int = 200, /, **context: Any) -> HTMLResponse:
    context.setdefault("api_link", "/api")
    context.setdefault("home_name", "the archive")
    return HTMLResponse(TEMPLATES.get_template(name).render(**context), status_code=code)


def error_page(exc: ArchiveError, home_name: str = "the archive") -> HTMLResponse:
    status, _kind, message = failure(exc)
    heading = {400: "That request cannot be answered", 404: "Not found", 503: "The archive is unavailable"}
    return render("error.html", status, status=status, heading=heading.get(status, "Error"), message=message,
                  home_name=home_name)


def _home_name(archive: Archive) -> str:
    return archive.home.root.name


# --------------------------------------------------------------------------- search

def _search_context(archive: Archive, wanted: SearchRequest) -> dict[str, Any]:
    result = archive.search(wanted)
    first, last = views.showing(wanted, result)
    bars = views.histogram(wanted, result)
    suggestion = (link(replace(wanted, query=result.suggestion, page=1)) if result.suggestion else None)
    grouped = wanted.all_copies or any(h.copies > 1 for h in result.hits)
    copies_link = link(replace(wanted, all_copies=not wanted.all_copies, page=1)) if grouped else None
    return {"result": result, "copies_link": copies_link, "first": first, "last": last, "bars": bars,
            "axis": views.axis_labels(bars),
            "grain": "month" if "month" in result.facets else "year",
            "boxes": views.facet_boxes(wanted, result), "pages": views.pages(wanted, result),
            "suggestion_link": suggestion}


def _search_page(archive: Archive, wanted: SearchRequest | None, error: str | None, status: int) -> HTMLResponse:
    context: dict[str, Any] = {"result": None, "boxes": [], "bars": [], "pages": [], "first": 1,
                               "copies_link": None}
    shown = wanted or SearchRequest()
    if wanted is not None and error is None:
        try:
            context.update(_search_context(archive, wanted))
        except ArchiveError as exc:
            status, _kind, error = failure(exc)
    hidden = [(name, value) for name, values in shown.filters.items() for value in values]
    if shown.limit != 10:
        hidden.append(("limit", str(shown.limit)))
    if shown.histogram:
        hidden.append(("histogram", shown.histogram))
    if shown.all_copies:
        hidden.append(("copies", "all"))
    qs = query_string(shown)
    return render("search.html", status, req=shown, error=error, chips=views.chips(shown), hidden=hidden,
                  sorts=SORTS, max_query=current().max_query_chars, chart_w=views.HISTOGRAM_WIDTH,
                  chart_h=views.HISTOGRAM_HEIGHT, clear_link=link(SearchRequest(query=shown.query)),
                  api_link="/api/search" + (f"?{qs}" if qs else ""), home_name=_home_name(archive), **context)


async def search(request: Request) -> Response:
    readers = request.app.state.readers
    try:
        wanted: SearchRequest | None = request_from(request.query_params.multi_items())
        error, status = None, 200
    except RequestError as exc:
        wanted, (status, _kind, error) = None, failure(exc)
    return await readers.run(_search_page, wanted, error, status)


# ------------------------------------------------------------------------- articles

def _filter_link(facet: str, value: str) -> str:
    return link(toggled(SearchRequest(), facet, value))


def _article_page(archive: Archive, wanted: str) -> Response:
    try:
        record = archive.get(wanted)
    except ArchiveError as exc:
        return error_page(exc, _home_name(archive))
    if record.id != wanted:  # a prefix: send the reader to the full address
        return RedirectResponse(f"/articles/{record.id}", status_code=301)
    versions = archive.versions(record.id)
    copies = archive.copies(record.id).copies
    try:
        found = archive.similar(record.id, limit=min(6 + len(copies), current().max_limit)).hits
        similar, note = [h for h in found if h.copy is None][:6], "No similar articles found."
    except NotFoundError:
        similar, note = [], "Not in the search index yet."
    except StoreError as exc:  # the record is still worth reading
        similar, note = [], f"The search index is unavailable: {exc}"
    provenance = [(k, v) for k, v in sorted(record.provenance.items())]
    return render("article.html", record=record, versions=versions, similar=similar, similar_note=note,
                  copies=copies,
                  paragraphs=views.paragraphs(record.body), provenance=provenance,
                  url_link=views.safe_url(record.url),
                  author_links=[_filter_link("author", a) for a in record.authors],
                  tag_links=[_filter_link("tag", t) for t in record.tags],
                  site_link=_filter_link("site", record.site) if record.site else None,
                  api_link=f"/api/articles/{record.id}", home_name=_home_name(archive))


async def article(request: Request) -> Response:
    try:
        only(request)
        wanted = article_id(request)
    except ArchiveError as exc:
        return error_page(exc)
    return await request.app.state.readers.run(_article_page, wanted)


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _diff_page(archive: Archive, wanted: str, old: int | None, new: int | None) -> Response:
    try:
        record = archive.get(wanted)
        found = archive.diff(record.id, old, new)
        versions = archive.versions(record.id)
    except ArchiveError as exc:
        return error_page(exc, _home_name(archive))
    changed = [(name, _shown(a), _shown(b)) for name, (a, b) in found.changed.items()]
    kinds = {"+": "ins", "-": "del", "@": "hunk"}
    lines = [(kinds.get(line[:1], "same"), line[1:] if line[:1] in "+- " else line)
             for line in found.body_diff if not line.startswith(("+++", "---"))]
    qs = query_string_of(old, new)
    return render("diff.html", record=record, diff=found, versions=versions, changed=changed, lines=lines,
                  api_link=f"/api/articles/{record.id}/diff{qs}", home_name=_home_name(archive))


def query_string_of(old: int | None, new: int | None) -> str:
    pairs = [f"{k}={v}" for k, v in (("from", old), ("to", new)) if v is not None]
    return "?" + "&".join(pairs) if pairs else ""


async def diff(request: Request) -> Response:
    try:
        only(request, "from", "to")
        wanted = article_id(request)
        old, new = version_number(request, "from"), version_number(request, "to")
    except ArchiveError as exc:
        return error_page(exc)
    return await request.app.state.readers.run(_diff_page, wanted, old, new)


def _charset(record_encoding: str | None) -> str | None:
    """The charset the archive decoded the capture with (``cp1251 (declared)`` -> cp1251)."""
    if not record_encoding:
        return None
    name = record_encoding.split()[0]
    return name if re.fullmatch(r"[A-Za-z0-9_.:-]{1,40}", name) else None


def _original(archive: Archive, wanted: str, as_text: bool) -> Response:
    try:
        record = archive.get(wanted)
        data = archive.original(record.id)
    except ArchiveError as exc:
        return error_page(exc, _home_name(archive))
    html = not as_text and bool(_HTML_START.match(data[:2048].lstrip(b"\xef\xbb\xbf")) or
                                b"<html" in data[:4096].lower())
    media = "text/html" if html else "text/plain"
    charset = _charset(record.provenance.get("encoding"))
    if charset:
        media += f"; charset={charset}"
    suffix = "html" if html else "txt"
    return Response(data, media_type=media, headers={
        "content-security-policy": ORIGINAL_POLICY, "x-content-type-options": "nosniff",
        "content-disposition": f'inline; filename="{record.id}.{suffix}"', "cache-control": "private, max-age=3600"})


async def original(request: Request) -> Response:
    try:
        only(request, "as")
        wanted = article_id(request)
        shape = request.query_params.get("as", "page")
        if shape not in ("page", "text"):
            raise RequestError("as", "{as} must be page or text")
    except ArchiveError as exc:
        return error_page(exc)
    return await request.app.state.readers.run(_original, wanted, shape == "text")


# ---------------------------------------------------------------------------- stats

_STAT_ROWS = (("records", "articles"), ("versions", "versions"), ("originals", "original files"),
              ("indexed", "indexed"), ("pending", "waiting to be indexed"), ("undated", "without a date"),
              ("no_author", "without an author"), ("stale", "from an older cleaner"),
              ("held", "re-extractions held back"), ("stories_with_copies", "stories with copies"),
              ("articles_with_copies", "articles in them"), ("uncompared", "not compared for copies yet"),
              ("watches", "saved searches"))


def _stats_page(archive: Archive) -> Response:
    try:
        data = archive.stats()
    except ArchiveError as exc:
        return error_page(exc, _home_name(archive))
    rows = [(label, f"{data[key]:,}") for key, label in _STAT_ROWS]
    rows.append(("index size", f"{data['index_bytes'] / 2**20:,.1f} MiB"))
    tops = [("Top authors", "top_authors", "author"), ("Top sites", "top_sites", "site")]
    links = {key: [_filter_link(facet, item["value"]) for item in data[key]] for _t, key, facet in tops}
    return render("stats.html", data=data, rows=rows, tops=tops, links=links, api_link="/api/stats",
                  home_name=_home_name(archive))


async def stats(request: Request) -> Response:
    try:
        only(request)
    except ArchiveError as exc:
        return error_page(exc)
    return await request.app.state.readers.run(_stats_page)


ROUTES = [
    Route("/", search, methods=["GET"]),
    Route("/stats", stats, methods=["GET"]),
    Route("/articles/{article_id}", article, methods=["GET"]),
    Route("/articles/{article_id}/diff", diff, methods=["GET"]),
    Route("/articles/{article_id}/original", original, methods=["GET"]),
]
