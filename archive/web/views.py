"""What the search page shows, worked out before the template draws it: the facet
sidebar, the chips of active filters, the date histogram, the page links, and the few
pieces of captured text that are allowed any markup at all (a snippet's ``<mark>``).

Everything here is plain data; the templates escape every string they are given, and
only ``snippet_html`` returns markup, built from escaped text and ``<mark>`` alone.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup

from archive.contract.facets import FACETS
from archive.contract.search import FacetValue, SearchRequest, SearchResult
from archive.contract.settings import current as settings

from .params import dated, link, paged, toggled

_MARK_SPLIT = re.compile(r"(</?mark>)")
HISTOGRAM_WIDTH = 600
HISTOGRAM_HEIGHT = 110
MAX_BARS = 120


def snippet_html(snippet: str) -> Markup:
    """A snippet as markup in which ``<mark>`` is the only element: every other piece is
    unescaped and escaped again, so no tag, attribute or entity trick survives."""
    out: list[str] = []
    depth = 0
    for piece in _MARK_SPLIT.split(snippet):
        if piece == "<mark>":
            if depth == 0:
                out.append("<mark>")
            depth += 1
        elif piece == "</mark>":
            if depth == 1:
                out.append("</mark>")
            depth = max(0, depth - 1)
        elif piece:
            out.append(html.escape(html.unescape(piece), quote=False))
    if depth:
        out.append("</mark>")
    return Markup("".join(out))


def safe_url(url: str | None) -> str | None:
    """A captured URL fit to be a link (http or https with a host), else None: a
    ``javascript:`` or ``data:`` URL from a page is shown as text, never linked."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


@dataclass(frozen=True, slots=True)
class FacetLink:
    value: str
    count: int
    href: str
    active: bool


@dataclass(frozen=True, slots=True)
class FacetBox:
    name: str
    title: str
    values: list[FacetLink]


@dataclass(frozen=True, slots=True)
class Chip:
    label: str
    href: str  # the search without this filter


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    count: int
    href: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class PageLink:
    label: str
    href: str | None  # None: the current page, or a gap
    current: bool = False


def _titled(name: str) -> str:
    return {"author": "Authors", "site": "Sites", "year": "Years", "tag": "Tags"}.get(
        name, name.replace("_", " ").capitalize())


def facet_boxes(request: SearchRequest, result: SearchResult) -> list[FacetBox]:
    """One box per facet of the registry, each value a link adding or removing it."""
    boxes = []
    for facet in FACETS:
        values = result.facets.get(facet.name, [])
        links = []
        for v in values:
            if facet.kind == "year":
                active = request.since == v.value and request.until == v.value
                target = dated(request, None, None) if active else dated(request, v.value, v.value)
            else:
                active = any(x.casefold() == v.value.casefold() for x in request.values(facet.name))
                target = toggled(request, facet.name, v.value)
            links.append(FacetLink(v.value, v.count, link(target), active))
        if facet.kind == "year":
            links.sort(key=lambda f: f.value, reverse=True)
        # a filter whose value has no match left still shows, so it can be removed
        for value in request.values(facet.name):
            if not any(f.active and f.value.casefold() == value.casefold() for f in links):
                links.insert(0, FacetLink(value, 0, link(toggled(request, facet.name, value)), True))
        boxes.append(FacetBox(facet.name, _titled(facet.name), links))
    return boxes


def chips(request: SearchRequest) -> list[Chip]:
    out = []
    for facet in FACETS:
        for value in request.values(facet.name):
            out.append(Chip(f"{facet.name}: {value}", link(toggled(request, facet.name, value))))
    if request.since and request.since == request.until:
        out.append(Chip(f"date: {request.since}", link(dated(request, None, None))))
    else:
        if request.since:
            out.append(Chip(f"since {request.since}", link(dated(request, None, request.until))))
        if request.until:
            out.append(Chip(f"until {request.until}", link(dated(request, request.since, None))))
    return out


def _series(values: list[FacetValue], months: bool) -> list[tuple[str, int]]:
    """Counts in date order with the empty years (or months) between filled in."""
    counts = {v.value: v.count for v in values}
    keys = sorted(counts)
    if not keys:
        return []
    if months:
        y, m = (int(p) for p in keys[0].split("-"))
        last = keys[-1]
        out: list[tuple[str, int]] = []
        while len(out) < MAX_BARS:
            key = f"{y:04d}-{m:02d}"
            out.append((key, counts.get(key, 0)))
            if key >= last:
                break
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    first, last = int(keys[0]), int(keys[-1])
    return [(str(y), counts.get(str(y), 0)) for y in range(first, last + 1)][-MAX_BARS:]


def histogram(request: SearchRequest, result: SearchResult) -> list[Bar]:
    """Bars of matches over time (months when the result counts them, else years), each a
    link narrowing the date range to its own span."""
    months = "month" in result.facets
    series = _series(result.facets.get("month" if months else "year", []), months)
    if not series:
        return []
    top = max(count for _, count in series) or 1
    step = HISTOGRAM_WIDTH / len(series)
    gap = min(2.0, step * 0.15)
    usable = HISTOGRAM_HEIGHT - 18  # room below the bars for labels
    bars = []
    for i, (label, count) in enumerate(series):
        height = max(1.0, usable * count / top) if count else 0.0
        target = dated(request, label, label)
        bars.append(Bar(label, count, link(target), round(i * step + gap / 2, 2), round(usable - height, 2),
                        round(step - gap, 2), round(height, 2)))
    return bars


def axis_labels(bars: list[Bar], most: int = 8) -> list[Bar]:
    """The bars whose labels are printed under the chart: evenly spaced, at most ``most``."""
    if not bars:
        return []
    every = max(1, -(-len(bars) // most))
    return [b for i, b in enumerate(bars) if i % every == 0]


def pages(request: SearchRequest, result: SearchResult) -> list[PageLink]:
    """Previous, a window of page numbers around this one, next."""
    deepest = max(1, settings().max_depth // request.limit)  # pages past it are refused
    last = min(deepest, max(1, -(-result.total // request.limit)))
    current = request.page
    if last == 1 and current == 1:
        return []
    out = [PageLink("‹ Previous", link(paged(request, current - 1)) if current > 1 else None)]
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    previous = 0
    for number in shown:
        if number - previous > 1:
            out.append(PageLink("…", None))
        out.append(PageLink(str(number), None if number == current else link(paged(request, number)),
                            number == current))
        previous = number
    out.append(PageLink("Next ›", link(paged(request, current + 1)) if current < last else None))
    return out


def showing(request: SearchRequest, result: SearchResult) -> tuple[int, int]:
    first = (request.page - 1) * request.limit + 1
    return first, first + len(result.hits) - 1


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n\n") if p.strip()]
