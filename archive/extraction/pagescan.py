"""One pass over a page's elements, collecting what the metadata rules read.

Walking a parsed page costs as much as several of the rules together, so the walk happens
once: meta tags, JSON-LD scripts, headings, ``<time>`` elements, author and date markup
and "Written by" strings are gathered here, and the rules in metadata.py, bylines.py and printed_dates.py
look only at what was gathered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from bs4 import BeautifulSoup, NavigableString, Tag

from .authors import THIS_POST_WAS
from .soup import class_string


@dataclass(slots=True)
class PageScan:
    """What one pass over the elements collects for the rules below."""

    ld_scripts: list[str] = field(default_factory=list)
    metas: dict[str, list[str]] = field(default_factory=dict)
    h1s: list[Tag] = field(default_factory=list)
    subheads: list[Tag] = field(default_factory=list)
    title_tag: str | None = None
    canonical: str | None = None
    lang: str | None = None
    times: list[Tag] = field(default_factory=list)
    rel_authors: list[Tag] = field(default_factory=list)
    prop_authors: list[Tag] = field(default_factory=list)
    prop_dates: list[Tag] = field(default_factory=list)
    byline_boxes: list[Tag] = field(default_factory=list)
    date_boxes: list[Tag] = field(default_factory=list)
    byline_strings: list[NavigableString] = field(default_factory=list)
    labelled_dates: list[NavigableString] = field(default_factory=list)
    script_date: str | None = None


_BYLINE_START_RE = re.compile(
    rf"\s*(?:(?:{THIS_POST_WAS})?"
    r"(?:written|article|posted|authored|words|story|text|reported)\s+by\b|by\b|authors?\b|"
    r"contributors?:)",
    re.I,
)
# "Datum 25.01.2022", "Stand: ...", "Published on ...": a date the page labels as its own,
# wherever it stands (press releases and public offices print it under the text).
_DATE_LABEL_RE = re.compile(
    r"\s*(?:datum|stand|veröffentlicht|erstellt|erschienen|publiziert|published|posted|"
    r"publication date|date|publié|publicado|pubblicato|data)\b"
    r"(?:\s+(?:am|on|le|el|il)\b|\s*:|\s*$|(?=\s+\d))",
    re.I,
)
# A shop's or review site's own state, written out as JSON for its scripts, names when the
# item was published ("published_at": "2019-03-02T06:22:28+01:00").
_SCRIPT_DATE_RE = re.compile(
    r'"(?:datePublished|published_?at|publishedDate|publishDate|firstPublished(?:At|Date)?)"'
    r'\s*:\s*"(\d{4}-\d\d-\d\d[^"]{0,30})"'
)
_AUTHOR_CLASS_RE = re.compile(r"byline|author|writer|contributor|posted-?by", re.I)
_DATE_CLASS_RE = re.compile(r"date|publish|posted|timestamp|time\b|meta", re.I)
_NOT_BYLINE_RE = re.compile(r"comment|avatar|bio|box|related|widget|footer|social", re.I)
# ... except the author's name in an author box ("author-box__name").
_NAME_CLASS_RE = re.compile(r"author[\w-]*name|name[\w-]*author", re.I)


@lru_cache(maxsize=8192)
def _class_kinds(classes: str) -> tuple[bool, bool]:
    """Whether a class attribute marks a byline box and whether it marks a date box.

    Cached: a page repeats a few hundred class strings over thousands of elements, and
    sites repeat them across pages.
    """
    byline = bool(_AUTHOR_CLASS_RE.search(classes)) and (
        not _NOT_BYLINE_RE.search(classes) or bool(_NAME_CLASS_RE.search(classes))
    )
    return byline, bool(_DATE_CLASS_RE.search(classes))


def scan(soup: BeautifulSoup) -> PageScan:
    page = PageScan()
    for tag in soup.descendants:
        if not isinstance(tag, Tag):
            if type(tag) is NavigableString and len(tag) < 120:
                if len(page.byline_strings) < 10 and _BYLINE_START_RE.match(tag):
                    page.byline_strings.append(tag)
                elif len(page.labelled_dates) < 10 and _DATE_LABEL_RE.match(tag):
                    page.labelled_dates.append(tag)
            continue
        name = tag.name
        attrs = tag.attrs
        if name == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
            key = key or attrs.get("http-equiv")
            content = attrs.get("content")
            if key and content is not None:
                page.metas.setdefault(str(key).strip().lower(), []).append(str(content).strip())
            continue
        if name == "script":
            if "ld+json" in str(attrs.get("type", "")).lower():
                page.ld_scripts.append(tag.string or tag.get_text() or "")
            elif page.script_date is None and tag.string:
                found = _SCRIPT_DATE_RE.search(tag.string)
                if found:
                    page.script_date = found.group(1)
            continue
        if name == "h1":
            if len(page.h1s) < 3:
                page.h1s.append(tag)
        elif name in ("h2", "h3"):
            if len(page.subheads) < 12:
                page.subheads.append(tag)
        elif name == "title":
            if page.title_tag is None and not tag.find_parent("svg"):
                page.title_tag = tag.get_text()
        elif name == "time":
            if len(page.times) < 10:
                page.times.append(tag)
        elif name == "link":
            rel = str(attrs.get("rel", "")).lower().split()
            if "canonical" in rel and page.canonical is None and attrs.get("href"):
                page.canonical = str(attrs["href"]).strip()
            continue
        elif name == "html" and page.lang is None:
            page.lang = attrs.get("lang") or attrs.get("xml:lang")
        if not attrs:
            continue
        rel = attrs.get("rel")
        if rel and "author" in str(rel).lower().split():
            page.rel_authors.append(tag)
        prop = attrs.get("itemprop") or attrs.get("property")  # microdata or RDFa
        if prop:
            prop = str(prop).lower()
            if "author" in prop.split() or "creator" in prop.split():
                page.prop_authors.append(tag)
            elif "datepublished" in prop or "datecreated" in prop:
                page.prop_dates.append(tag)
        classes = attrs.get("class")
        if classes:
            byline, dated = _class_kinds(class_string(classes))
            if byline and len(page.byline_boxes) < 10:
                page.byline_boxes.append(tag)
            if dated and len(page.date_boxes) < 20:
                page.date_boxes.append(tag)
    return page




def text_nodes(start: Tag | NavigableString, limit: int, backwards: bool = False) -> list[NavigableString]:
    """The next (or previous) ``limit`` text nodes with more than spaces, in document order."""
    out: list[NavigableString] = []
    for node in start.previous_elements if backwards else start.next_elements:
        if type(node) is NavigableString and node.strip():
            out.append(node)
            if len(out) >= limit:
                break
    return out


def strings_after(start: Tag | NavigableString, limit: int, backwards: bool = False) -> list[str]:
    """The same nodes' text, stripped."""
    return [node.strip() for node in text_nodes(start, limit, backwards)]


def element_text(tag: Tag) -> str:
    return re.sub(r"\s+", " ", tag.get_text(" ")).strip()
