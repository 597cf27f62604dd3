"""Title, authors, date, URL, site, language and tags from what pages really carry.

Each value comes from the most trustworthy source that has one, and the source is kept
beside it (``provenance``) so a user can see why a date is what it is:

- title: the page's ``<h1>`` when it agrees with the declared title (see titles.py), else
  JSON-LD ``headline``, Open Graph / meta, ``<title>``;
- authors: JSON-LD, meta tags, ``rel=author`` / ``itemprop=author``, a byline element;
  the first source that names a person (not the site) wins;
- published: JSON-LD ``datePublished``, ``article:published_time`` style meta, ``<time>``,
  ``itemprop=datePublished``, a date printed beside the headline, the URL. Never a
  modification date, never a date in the future of the capture or before 1990, and null
  when the page gives none.

The page is read in one pass over its elements; nothing here changes the soup.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from .authors import PREFIX_RE, clean_authors, looks_like_person, unescape
from .dates import date_from_url, parse_date
from .titles import choose_title, strip_site_suffix

_ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "report",
    "scholarlyarticle", "techarticle", "socialmediaposting", "liveblogposting", "posting",
    "webpage", "medicalwebpage", "creativework", "discussionforumposting", "qapage",
    "howto", "recipe", "review", "itempage", "aboutpage", "collectionpage", "faqpage",
}
_GENERIC_TYPES = {"webpage", "creativework", "itempage", "aboutpage", "collectionpage",
                  "faqpage"}


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    url: str | None = None
    site: str | None = None
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)

    def offer(self, name: str, value: Any, source: str) -> None:
        """Set a field unless a more trusted source already did."""
        if isinstance(value, str):
            value = re.sub(r"\s+", " ", unescape(value)).strip()
        if value in (None, "", [], ()):
            return
        if getattr(self, name) in (None, "", []):
            setattr(self, name, value)
            self.provenance[name] = source


@dataclass(slots=True)
class _Page:
    """What one pass over the elements collects for the rules below."""

    ld_scripts: list[str] = field(default_factory=list)
    metas: dict[str, list[str]] = field(default_factory=dict)
    h1s: list[Tag] = field(default_factory=list)
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


_BYLINE_START_RE = re.compile(
    r"\s*(?:(?:written|article|posted|authored|words|story|text|reported)\s+by\b|by\b|authors?\b)",
    re.I,
)
_AUTHOR_CLASS_RE = re.compile(r"byline|author|writer|contributor|posted-?by", re.I)
_DATE_CLASS_RE = re.compile(r"date|publish|posted|timestamp|time\b|meta", re.I)
_NOT_BYLINE_RE = re.compile(r"comment|avatar|bio|box|related|widget|footer|social", re.I)


def _scan(soup: BeautifulSoup) -> _Page:
    page = _Page()
    for tag in soup.descendants:
        if not isinstance(tag, Tag):
            if type(tag) is NavigableString and len(page.byline_strings) < 10:
                if len(tag) < 120 and _BYLINE_START_RE.match(tag):
                    page.byline_strings.append(tag)
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
            continue
        if name == "h1":
            if len(page.h1s) < 3:
                page.h1s.append(tag)
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
        prop = attrs.get("itemprop")
        if prop:
            prop = str(prop).lower()
            if "author" in prop.split() or "creator" in prop.split():
                page.prop_authors.append(tag)
            elif "datepublished" in prop or "datecreated" in prop:
                page.prop_dates.append(tag)
        classes = attrs.get("class")
        if classes:
            joined = classes if isinstance(classes, str) else " ".join(classes)
            if len(page.byline_boxes) < 10 and _AUTHOR_CLASS_RE.search(joined):
                if not _NOT_BYLINE_RE.search(joined):
                    page.byline_boxes.append(tag)
            if len(page.date_boxes) < 20 and _DATE_CLASS_RE.search(joined):
                page.date_boxes.append(tag)
    return page


# ---------------------------------------------------------------------------- JSON-LD


def _ld_objects(scripts: list[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for raw in scripts:
        raw = raw.strip().rstrip(";")
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:
                data = json.loads(re.sub(r"[\x00-\x1f]", " ", raw))
            except ValueError:
                continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                found.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return found


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Names of people or organisations, following ``{"@id": ...}`` references."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        if name is None and isinstance(value.get("@id"), str):
            name = by_id.get(value["@id"], {}).get("name")
        if isinstance(name, list):
            name = name[0] if name else None
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(_names(item, by_id))
        return out
    return []


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return str(value).strip() if isinstance(value, str | int | float) else None


def _from_json_ld(page: _Page, meta: Metadata, authors: list, now: datetime | None) -> None:
    objects = _ld_objects(page.ld_scripts)
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str)}
    articles = [o for o in objects if _types(o) & _ARTICLE_TYPES]
    # Real article types first; a generic WebPage only when nothing better is there.
    articles.sort(key=lambda o: 1 if _types(o) <= _GENERIC_TYPES else 0)
    for obj in articles:
        meta.offer("title", _first_str(obj.get("headline") or obj.get("name")), "json-ld")
        names = [n for n in _names(obj.get("author") or obj.get("creator"), by_id)
                 if not n.startswith("http")]
        if names:
            authors.append(("json-ld", names))
        published = obj.get("datePublished") or obj.get("dateCreated")
        meta.offer("published", parse_date(_first_str(published), now), "json-ld")
        meta.offer("description", _first_str(obj.get("description")), "json-ld")
        meta.offer("language", _lang(_first_str(obj.get("inLanguage"))), "json-ld")
        keywords = obj.get("keywords")
        if isinstance(keywords, str):
            keywords = keywords.split(",")
        if isinstance(keywords, list):
            meta.offer("tags", _tags([str(k) for k in keywords]), "json-ld")
        publisher = _names(obj.get("publisher"), by_id)
        if publisher:
            meta.offer("site", publisher[0].strip(), "json-ld")
    for obj in objects:
        if _types(obj) & {"website", "organization", "newsmediaorganization"}:
            name = obj.get("name")
            if isinstance(name, str) and 0 < len(name) < 80:
                meta.offer("site", name.strip(), "json-ld")


# ------------------------------------------------------------------------------ meta

_AUTHOR_KEYS = ("author", "article:author", "byl", "dc.creator", "dc.creator.author",
                "sailthru.author", "parsely-author", "citation_author", "twitter:creator:name",
                "cxenseparse:author", "dcterms.creator")
_PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "publishdate",
    "publish-date", "publish_date", "pubdate", "date", "dc.date", "dc.date.issued",
    "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date",
    "citation_publication_date", "citation_date", "article.published", "published_time",
    "og:published_time", "release_date", "published-date", "date.created",
)


def _from_meta(page: _Page, meta: Metadata, authors: list, now: datetime | None) -> None:
    m = page.metas

    def get(*keys: str) -> str | None:
        for key in keys:
            for value in m.get(key, []):
                if value:
                    return value
        return None

    meta.offer("title", get("og:title", "twitter:title", "dc.title", "headline"), "meta")
    for key in _AUTHOR_KEYS:
        names = [v for v in m.get(key, []) if v and not v.startswith(("http", "@"))]
        if names:
            authors.append(("meta", names))
            break
    for key in _PUBLISHED_KEYS:
        value = parse_date(get(key), now)
        if value:
            meta.offer("published", value, "meta")
            break
    url = get("og:url")
    if url and re.match(r"https?%3a", url, re.I):
        url = unquote(url)
    meta.offer("url", url, "meta")
    site = get("og:site_name", "application-name", "apple-mobile-web-app-title")
    meta.offer("site", site, "meta")
    meta.offer("description", get("description", "og:description", "twitter:description"), "meta")
    language = get("content-language", "og:locale", "language", "dc.language")
    meta.offer("language", _lang(language), "meta")
    tags: list[str] = []
    for key in ("article:tag", "news_keywords", "keywords", "parsely-tags"):
        for value in m.get(key, []):
            tags.extend(value.split(","))
        if tags:
            break
    meta.offer("tags", _tags(tags), "meta")


# ----------------------------------------------------------------------- visible page

_BYLINE_RE = re.compile(
    r"^\s*(?:written\s+by|posted\s+by|words\s+by|story\s+by|reporting\s+by|by|author\s*:|"
    r"authors\s*:|von|par|por|di|door|av|autor\s*:|автор\s*:?)\s+(.{2,120}?)\s*$",
    re.I | re.S,
)
_UPDATED_START_RE = re.compile(r"\W*(?:last\s+)?(?:updated|modified|edited|revised)", re.I)
_UPDATED_RE = re.compile(r"(?:updated|modified|edited|revised)\W*(?:on\W*)?$", re.I)


def _text(tag: Tag) -> str:
    return re.sub(r"\s+", " ", tag.get_text(" ")).strip()


def _heading_text(tag: Tag) -> str:
    """A heading's words: inline pieces joined as written, a line break or block a space."""
    pieces: list[str] = []
    for node in tag.descendants:
        if type(node) is NavigableString:
            pieces.append(str(node))
        elif isinstance(node, Tag) and (node.name == "br" or node.name in _BLOCKISH):
            pieces.append(" ")
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


_BLOCKISH = frozenset({"div", "p", "h2", "h3"})


def _byline_name(tag: Tag) -> str:
    """The name in a byline element: its link or name child, else its first line."""
    for child in tag.find_all(["a", "span", "strong", "b"], limit=12):
        attrs = child.attrs
        joined = f"{attrs.get('class', '')} {attrs.get('itemprop', '')} {attrs.get('rel', '')}"
        if child.name == "a" or re.search(r"name|author", joined, re.I):
            text = _text(child)
            if 2 < len(text) < 60:
                return text
    lines = [ln.strip() for ln in tag.get_text("\n").split("\n") if ln.strip()]
    return lines[0] if lines else ""


_BYLINE_LABELS = frozenset({"by", "author", "authors", "written by", "posted by", "words by",
                            "article by", "authored by", "author:", "authors:", "by:",
                            "written by:", "posted by:", "article by:"})
_NAME_LIKE_RE = re.compile(r"^(?:[A-Z][\w'’.-]*|van|von|de|der|da|di|del|la|le)"
                           r"(?:\s+(?:[A-Z][\w'’.-]*|van|von|de|der|da|di|del|la|le)){1,4}$")


def _name_like(text: str) -> bool:
    """One or more people's names ("Jane Doe", "Jane Doe and John Roe"), nothing else."""
    parts = [p for p in re.split(r"\s*(?:,|&|\band\b)\s*", text) if p]
    return bool(parts) and len(parts) <= 6 and all(_NAME_LIKE_RE.match(p) for p in parts)


def _headline_byline(page: _Page) -> str | None:
    """A "By Jane Doe" line (or a "By" label and the name after it) under the headline."""
    for h1 in page.h1s[:1]:
        strings = _strings_after(h1, 30)
        for i, text in enumerate(strings):
            if text.lower() in _BYLINE_LABELS and i + 1 < len(strings):
                candidate = strings[i + 1]
                if _name_like(candidate):
                    return candidate
            elif len(text) < 80 and _BYLINE_RE.match(text):
                name = PREFIX_RE.sub("", text).strip(" ,")
                if _name_like(name):
                    return name
    return None


def _labelled_byline(page: _Page) -> str | None:
    """A "Written by" label and the name after it, or a "Written by Jane Doe" line, anywhere."""
    for node in page.byline_strings:
        text = re.sub(r"\s+", " ", node).strip()
        if text.lower().rstrip(":") + ":" in _BYLINE_LABELS or text.lower() in _BYLINE_LABELS:
            following = _strings_after(node, 1)  # type: ignore[arg-type]
            if following and _name_like(following[0].strip(" ,")):
                return following[0].strip(" ,")
        else:
            name = PREFIX_RE.sub("", text).strip(" ,")
            name = re.split(r"\s*(?:,|\bon\b|\bin\b|\||·|•)\s*", name)[0]
            if name != text and _name_like(name):
                return name
    return None


def _page_authors(page: _Page, authors: list) -> None:
    names = [_text(t) for t in page.rel_authors[:3]]
    if names:
        authors.append(("rel-author", names))
    names = []
    for tag in page.prop_authors[:1]:  # later ones are often the comments' authors
        inner = tag.find(attrs={"itemprop": "name"}) if tag.name != "meta" else None
        value = inner.get("content") if inner is not None else tag.get("content")
        names.append(str(value) if value else _text(inner or tag))
    if names:
        authors.append(("microdata", names))
    byline = _headline_byline(page) or _labelled_byline(page)
    if byline:
        authors.append(("byline", [byline]))
    for tag in page.byline_boxes:
        name = PREFIX_RE.sub("", _byline_name(tag)).strip()
        if _NAME_LIKE_RE.match(name):
            authors.append(("byline", [name]))


def _strings_after(start: Tag, limit: int, backwards: bool = False) -> list[str]:
    out: list[str] = []
    for node in start.previous_elements if backwards else start.next_elements:
        if type(node) is NavigableString:
            text = node.strip()
            if text:
                out.append(text)
                if len(out) >= limit:
                    break
    return out


def _visible_date(page: _Page, now: datetime | None) -> str | None:
    """A date printed beside the headline, or in a dated byline element."""
    for h1 in page.h1s[:1]:
        after = _strings_after(h1, 40)
        before = _strings_after(h1, 15, backwards=True)[::-1]
        for strings in (after, before):
            for i, text in enumerate(strings):
                if len(text) > 120:
                    continue
                value = parse_date(text, now)
                if value and not (i and _UPDATED_RE.search(strings[i - 1])):
                    if not _UPDATED_START_RE.match(text):
                        return value
    for tag in page.date_boxes:
        text = _text(tag)
        if len(text) <= 120:
            value = parse_date(text, now)
            if value:
                return value
    return None


def _visible_updated(page: _Page, now: datetime | None) -> str | None:
    """An "Updated: May 5, 2025" line beside the headline."""
    for h1 in page.h1s[:1]:
        strings = _strings_after(h1, 40)
        for i, text in enumerate(strings):
            if len(text) <= 120 and (
                _UPDATED_START_RE.match(text) or (i and _UPDATED_RE.search(strings[i - 1]))
            ):
                value = parse_date(text, now)
                if value:
                    return value
    return None


def _from_page(page: _Page, meta: Metadata, now: datetime | None) -> None:
    if not meta.published:
        for tag in page.times:
            value = parse_date(tag.get("datetime") or _text(tag), now)
            if value:
                meta.offer("published", value, "time-tag")
                break
    if not meta.published:
        for tag in page.prop_dates:
            value = parse_date(tag.get("content") or tag.get("datetime") or _text(tag), now)
            if value:
                meta.offer("published", value, "microdata")
                break
    if not meta.published:
        meta.offer("published", _visible_date(page, now), "page-text")
    if not meta.url and page.canonical:
        meta.offer("url", page.canonical, "canonical")
    if not meta.language:
        meta.offer("language", _lang(page.lang), "html-lang")


def text_byline(lines: list[str]) -> tuple[list[str], int | None]:
    """Authors named by a "By X" or "Author: X" line of a text capture, and that line's index."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or len(stripped) > 120:
            continue
        match = _BYLINE_RE.match(stripped)
        if match:
            names = clean_authors([stripped])
            if names:
                return names, i
    return [], None


# --------------------------------------------------------------------------- helpers


def _lang(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_\s,;]", value.strip().lower())[0]
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


def _tags(values: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        tag = re.sub(r"\s+", " ", unescape(value)).strip().strip("#").strip()
        if tag and len(tag) <= 60 and tag.lower() not in seen:
            seen.add(tag.lower())
            out.append(tag)
    return out[:30]


def site_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else (host or None)


def _site_names(meta: Metadata) -> tuple[str, ...]:
    names = [meta.site or ""]
    host = site_from_url(meta.url)
    if host:
        names.append(host)
        names.append(host.split(".")[-2] if host.count(".") >= 1 else host)
    return tuple(n for n in names if n)


def extract_metadata(soup: BeautifulSoup, now: datetime | None = None) -> Metadata:
    """Everything but the body, read before the cleaner removes the page around it."""
    meta = Metadata()
    page = _scan(soup)
    author_sources: list[tuple[str, list[str]]] = []
    _from_json_ld(page, meta, author_sources, now)
    _from_meta(page, meta, author_sources, now)
    if meta.url and not re.match(r"^https?://", meta.url):
        meta.url = None
        meta.provenance.pop("url", None)
    _from_page(page, meta, now)
    if not meta.published and meta.url:
        meta.offer("published", date_from_url(meta.url, now), "url")
    if not meta.published:
        # No publication date anywhere: an "Updated" date printed under the headline is the
        # best the page says, and the provenance says that is what it is.
        meta.offer("published", _visible_updated(page, now), "page-text-updated")
    if meta.site and len(meta.site) > 80:
        meta.site = None
        meta.provenance.pop("site", None)
    _page_authors(page, author_sources)
    sites = _site_names(meta)
    for source, raw in author_sources:
        # A personal site is named after its author: a person's name there is no site name.
        names = clean_authors(raw, () if all(looks_like_person(r) for r in raw) else sites)
        if names:
            meta.offer("authors", names, source)
            break
    declared, declared_from = meta.title, meta.provenance.get("title")
    if not declared and page.title_tag:
        declared, declared_from = page.title_tag, "title-tag"
    headings = [_heading_text(h) for h in page.h1s]
    title, from_h1 = choose_title(headings, declared and unescape(declared), meta.site)
    meta.title = None
    meta.provenance.pop("title", None)
    meta.offer("title", title, from_h1 or declared_from or "title-tag")
    return meta


__all__ = ["Metadata", "clean_authors", "extract_metadata", "site_from_url",
           "strip_site_suffix", "text_byline"]
