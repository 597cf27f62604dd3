"""Title, authors, date, URL, site, language and tags from what pages really carry.

Each value comes from the most trustworthy source that has one (JSON-LD, then meta tags,
then visible bylines and ``<time>``, then the URL), and the source is kept beside it so a
user can see why a date is what it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from .dates import date_from_url, parse_date

_ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "report",
    "scholarlyarticle", "techarticle", "socialmediaposting", "liveblogposting", "posting",
    "webpage", "medicalwebpage", "creativework",
}


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
        if value in (None, "", [], ()):
            return
        if getattr(self, name) in (None, "", []):
            setattr(self, name, value)
            self.provenance[name] = source


# ---------------------------------------------------------------------------- JSON-LD


def _ld_objects(soup: BeautifulSoup) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in soup.find_all("script", attrs={"type": re.compile("ld\\+json", re.I)}):
        raw = script.string or script.get_text() or ""
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
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return found


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return [name]
        return []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(_names(item))
        return out
    return []


def _from_json_ld(soup: BeautifulSoup, meta: Metadata, now: datetime | None) -> None:
    objects = _ld_objects(soup)
    articles = [o for o in objects if _types(o) & _ARTICLE_TYPES]
    # Real article types first; a generic WebPage only when nothing better is there.
    articles.sort(key=lambda o: 1 if _types(o) <= {"webpage", "creativework"} else 0)
    for obj in articles:
        meta.offer("title", _first_str(obj.get("headline") or obj.get("name")), "json-ld")
        authors = [a for a in _names(obj.get("author")) if not a.startswith("http")]
        meta.offer("authors", clean_authors(authors), "json-ld")
        meta.offer(
            "published",
            parse_date(_first_str(obj.get("datePublished") or obj.get("dateCreated")), now),
            "json-ld",
        )
        meta.offer("description", _first_str(obj.get("description")), "json-ld")
        meta.offer("language", _lang(_first_str(obj.get("inLanguage"))), "json-ld")
        keywords = obj.get("keywords")
        if isinstance(keywords, str):
            keywords = keywords.split(",")
        if isinstance(keywords, list):
            meta.offer("tags", _tags([str(k) for k in keywords]), "json-ld")
        publisher = _names(obj.get("publisher"))
        if publisher:
            meta.offer("site", publisher[0].strip(), "json-ld")
    for obj in objects:
        if _types(obj) & {"website", "organization", "newsmediaorganization"}:
            name = obj.get("name")
            if isinstance(name, str) and 0 < len(name) < 80:
                meta.offer("site", name.strip(), "json-ld")


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return str(value).strip() if isinstance(value, str | int | float) else None


# ------------------------------------------------------------------------------ meta


def _meta_map(soup: BeautifulSoup) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        content = tag.get("content")
        if not key or content is None:
            continue
        values.setdefault(str(key).strip().lower(), []).append(str(content).strip())
    return values


def _from_meta(soup: BeautifulSoup, meta: Metadata, now: datetime | None) -> None:
    m = _meta_map(soup)

    def get(*keys: str) -> str | None:
        for key in keys:
            for value in m.get(key, []):
                if value:
                    return value
        return None

    meta.offer("title", get("og:title", "twitter:title", "dc.title", "headline"), "meta")
    for key in ("author", "article:author", "byl", "dc.creator", "dc.creator.author",
                "sailthru.author", "parsely-author", "citation_author", "twitter:creator:name"):
        names = [v for v in m.get(key, []) if v and not v.startswith(("http", "@"))]
        if names:
            meta.offer("authors", clean_authors(names), "meta")
            break
    for key in ("article:published_time", "og:article:published_time", "datepublished",
                "publishdate", "publish-date", "pubdate", "date", "dc.date", "dc.date.issued",
                "dcterms.created", "sailthru.date", "parsely-pub-date", "citation_publication_date",
                "article.published", "published_time", "og:published_time", "release_date"):
        value = parse_date(get(key), now)
        if value:
            meta.offer("published", value, "meta")
            break
    meta.offer("url", get("og:url"), "meta")
    meta.offer(
        "site", get("og:site_name", "application-name", "apple-mobile-web-app-title"), "meta"
    )
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
_AUTHOR_CLASS_RE = re.compile(
    r"\b(byline|author|writer|contributor|posted-by|entry-author)\b", re.I
)


def _from_page(soup: BeautifulSoup, meta: Metadata, now: datetime | None) -> None:
    if not meta.authors:
        candidates: list[str] = []
        for tag in soup.find_all(attrs={"rel": "author"}):
            candidates.append(tag.get_text(" ", strip=True))
        if not candidates:
            for tag in soup.find_all(attrs={"itemprop": "author"}):
                inner = tag.find(attrs={"itemprop": "name"})
                value = inner.get("content") if inner and inner.get("content") else None
                candidates.append(value or (inner or tag).get_text(" ", strip=True))
        if not candidates:
            for tag in soup.find_all(class_=_AUTHOR_CLASS_RE, limit=20):
                text = tag.get_text(" ", strip=True)
                if 2 < len(text) < 120:
                    candidates.append(text)
                    break
        names = clean_authors(candidates)
        meta.offer("authors", names, "byline")
    if not meta.published:
        for tag in soup.find_all("time", limit=10):
            value = parse_date(tag.get("datetime") or tag.get_text(" ", strip=True), now)
            if value:
                meta.offer("published", value, "time-tag")
                break
    if not meta.published:
        for tag in soup.find_all(attrs={"itemprop": re.compile("datePublished|dateCreated", re.I)}):
            value = parse_date(tag.get("content") or tag.get("datetime") or tag.get_text(" "), now)
            if value:
                meta.offer("published", value, "microdata")
                break
    if not meta.title:
        h1 = soup.find("h1")
        if h1:
            meta.offer("title", h1.get_text(" ", strip=True), "h1")
    if not meta.title and soup.title:
        meta.offer("title", soup.title.get_text(" ", strip=True), "title-tag")
    if not meta.url:
        link = soup.find("link", rel="canonical")
        if link and link.get("href"):
            meta.offer("url", str(link["href"]).strip(), "canonical")
    if not meta.language:
        html = soup.find("html")
        if isinstance(html, Tag):
            meta.offer("language", _lang(html.get("lang") or html.get("xml:lang")), "html-lang")


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

_AUTHOR_NOISE_RE = re.compile(
    r"^(?:written\s+by|posted\s+by|words\s+by|story\s+by|reporting\s+by|by|author\s*:|"
    r"authors\s*:|von|par|por|door|autor\s*:|автор\s*:?)\s*",
    re.I,
)
_AUTHOR_TAIL_RE = re.compile(
    r"\s*(?:[|•·,–—-]\s*)?(?:staff\s+(?:writer|reporter)|correspondent|contributor|editor|"
    r"senior\s+\w+|published|updated|posted|on\s+\w+\s+\d).*$",
    re.I,
)
_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\bи\b|\|)\s*", re.I)
_NOT_NAMES = {
    "staff", "admin", "administrator", "editor", "editors", "the editors", "news desk",
    "newsdesk", "guest", "guest author", "unknown", "anonymous", "team", "editorial",
    "editorial staff", "staff writer", "staff reporter", "wire", "reuters", "ap",
    "associated press", "afp", "contributor", "follow", "facebook", "twitter",
}


def clean_authors(raw: list[str]) -> list[str]:
    """Person names from byline strings: no "By", no roles, no dates, no site names."""
    names: list[str] = []
    for item in raw:
        if not item:
            continue
        text = re.sub(r"\s+", " ", str(item)).strip()
        text = _AUTHOR_NOISE_RE.sub("", text)
        text = re.sub(r"\S+@\S+", "", text)
        text = _AUTHOR_TAIL_RE.sub("", text)
        for part in _SPLIT_RE.split(text):
            part = part.strip(" .,:;-–—|•·\"'()[]")
            part = _AUTHOR_NOISE_RE.sub("", part).strip()
            if not part or len(part) > 60 or len(part.split()) > 5:
                continue
            if part.lower() in _NOT_NAMES or any(ch.isdigit() for ch in part):
                continue
            if part.startswith(("http", "www.", "@")) or "/" in part:
                continue
            if part not in names:
                names.append(part)
    return names


def _lang(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_\s,;]", value.strip().lower())[0]
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


def _tags(values: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        tag = re.sub(r"\s+", " ", value).strip().strip("#").strip()
        if tag and len(tag) <= 60 and tag.lower() not in seen:
            seen.add(tag.lower())
            out.append(tag)
    return out[:30]


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ", " • ", " / ")


def strip_site_suffix(title: str, site: str | None) -> str:
    """Drop a " | Site" style suffix or prefix from a title."""
    title = re.sub(r"\s+", " ", title).strip()
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        parts = title.split(sep)
        head, tail = sep.join(parts[:-1]), parts[-1]
        site_l = (site or "").lower()
        if site_l and (tail.lower() in site_l or site_l in tail.lower()):
            return head.strip()
        first, rest = parts[0], sep.join(parts[1:])
        if site_l and (first.lower() in site_l or site_l in first.lower()):
            return rest.strip()
        if len(tail) <= 30 and len(head) >= 2 * len(tail):
            return head.strip()
    return title


def site_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else (host or None)


def extract_metadata(soup: BeautifulSoup, now: datetime | None = None) -> Metadata:
    """Everything but the body, read before the cleaner removes the page around it."""
    meta = Metadata()
    _from_json_ld(soup, meta, now)
    _from_meta(soup, meta, now)
    _from_page(soup, meta, now)
    if meta.url and not re.match(r"^https?://", meta.url):
        meta.url = None
        meta.provenance.pop("url", None)
    if not meta.published and meta.url:
        meta.offer("published", date_from_url(meta.url, now), "url")
    if meta.title:
        meta.title = strip_site_suffix(meta.title, meta.site)
    if meta.site and len(meta.site) > 80:
        meta.site = None
    return meta
