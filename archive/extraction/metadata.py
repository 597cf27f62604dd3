"""Title, authors, date, URL, site, language and tags from what pages really carry.

Each value comes from the most trustworthy source that has one, and the source is kept
beside it (``provenance``) so a user can see why a date is what it is:

- title: the page's ``<h1>`` when it agrees with one of the declared titles (see
  titles.py), else JSON-LD ``headline``, Open Graph / meta, ``<title>``;
- authors: JSON-LD, meta tags, ``rel=author`` / ``itemprop=author``, a byline under the
  headline, after a "Written by" label or after the printed date, a byline element; the
  first source that names a person (not the site) wins, and a printed byline naming the
  same people and more completes it (authors.py cleans the names);
- published: JSON-LD ``datePublished``, ``article:published_time`` style meta, ``<time>``,
  ``itemprop=datePublished``, a date printed beside the headline, the URL; a publication
  date printed beside the headline beats a later one in the markup; an "Updated" date
  beside the headline only when the page gives no publication date at all. Never a date
  in the future of the capture or before 1990, and null when the page gives none;
- updated: an "Updated" date printed beside the headline, JSON-LD ``dateModified``,
  ``article:modified_time`` style meta; kept only when its day is after the publication's.

The page is read in one pass over its elements (pagescan.py); the rules for what the page
prints are in visible.py. Nothing here changes the soup.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import chain
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from bs4 import BeautifulSoup

from .authors import clean_authors, looks_like_person, names_organisation, unescape
from .dates import date_from_url, parse_date
from .pagescan import PageScan, element_text, scan
from .soup import class_string
from .titles import choose_title, strip_site_suffix
from .urls import fold_url
from .visible import (
    heading_text,
    page_authors,
    printed_date,
    text_byline,
    visible_date,
    visible_updated,
)

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
    updated: str | None = None
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


def _from_json_ld(page: PageScan, meta: Metadata, authors: list, now: datetime | None) -> None:
    # Some frameworks write JSON-LD into a meta tag's content ("script:ld+json").
    in_metas = [v for key, values in page.metas.items() if key.endswith("ld+json") for v in values]
    objects = _ld_objects(page.ld_scripts + in_metas)
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
        meta.offer("updated", parse_date(_first_str(obj.get("dateModified")), now), "json-ld")
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
                "sailthru.author", "parsely-author", "citation_author", "citation_authors",
                "twitter:creator:name", "cxenseparse:author", "dcterms.creator")
_PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "publishdate",
    "publish-date", "publish_date", "pubdate", "date", "dc.date", "dc.date.issued",
    "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date",
    "citation_publication_date", "citation_date", "article.published", "published_time",
    "og:published_time", "release_date", "published-date", "date.created",
)
_MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
                  "dcterms.modified", "modified_time")
# The same names under a site's or plugin's prefix: "w-published-date",
# "cxenseparse:publishtime", "og:publish_date", "shareaholic:article_published_time".
_PUBLISHED_KEY_RE = re.compile(
    r"^(?!.*(?:last|modif|updat))(?:.*[:._-])?"
    r"(?:(?:article[:_])?published(?:[-_]?(?:date|time))?|publish[-_]?(?:date|time)|"
    r"publication[-_]?(?:date|time)|date[-_]?pub(?:lished)?|pub[-_]?date|first[-_]published)$"
)


_WRITER_LABEL_RE = re.compile(r"(?:written|posted|published) by|author", re.I)


def _labelled_author(metas: dict[str, list[str]]) -> str | None:
    """The name in a summary card's labelled pair (``twitter:label1`` "Written by",
    ``twitter:data1`` the name), which SEO plugins write when no author meta is set."""
    for n in range(1, 5):
        labels = metas.get(f"twitter:label{n}", [])
        data = metas.get(f"twitter:data{n}", [])
        if labels and data and _WRITER_LABEL_RE.fullmatch(labels[0].strip()) and data[0]:
            return data[0]
    return None


def _from_meta(page: PageScan, meta: Metadata, authors: list, now: datetime | None) -> None:
    m = page.metas

    def get(*keys: str) -> str | None:
        for key in keys:
            for value in m.get(key, []):
                if value:
                    return value
        return None

    meta.offer("title", get("og:title", "twitter:title", "dc.title", "headline"), "meta")
    found: list[list[str]] = []
    for key in _AUTHOR_KEYS:
        names = [v for v in m.get(key, []) if v and not v.startswith(("http", "@"))]
        if names:
            found.append(names)
    if found:
        # One tag per author: a later key listing them all ("citation_authors") completes
        # a first one that names only the first author ("DC.Creator").
        longest = max(found, key=len)
        authors.append(("meta", longest if longest[0] == found[0][0] else found[0]))
    else:
        labelled = _labelled_author(m)
        if labelled:
            authors.append(("meta", [labelled]))
    for key in _MODIFIED_KEYS:
        value = parse_date(get(key), now)
        if value:
            meta.offer("updated", value, "meta")
            break
    # the prefixed names are looked for only when none of the usual ones gives a date
    for key in chain(_PUBLISHED_KEYS, (k for k in m if _PUBLISHED_KEY_RE.search(k))):
        value = parse_date(get(key), now)
        if value:
            meta.offer("published", value, "meta")
            break
    url = get("og:url")
    if url and re.match(r"https?(?:%3a|://[^/?#]+%2f)", url, re.I):
        url = unquote(url)  # written escaped whole, or from the first slash of the path on
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


def _from_page(page: PageScan, meta: Metadata, now: datetime | None) -> None:
    if not meta.published:
        for tag in page.times:
            value = parse_date(tag.get("datetime") or element_text(tag), now)
            if value:
                meta.offer("published", value, "time-tag")
                break
    if not meta.published:
        for tag in page.prop_dates:
            value = parse_date(tag.get("content") or tag.get("datetime") or element_text(tag), now)
            if value:
                meta.offer("published", value, "microdata")
                break
    if not meta.published:
        meta.offer("published", visible_date(page, now), "page-text")
    if not meta.url and page.canonical:
        meta.offer("url", page.canonical, "canonical")
    if not meta.language:
        meta.offer("language", _lang(page.lang), "html-lang")


def _prefer_earlier_printed_date(page: PageScan, meta: Metadata, now: datetime | None) -> None:
    """A publication date printed beside the headline beats a later one in the markup.

    Markup dates are often when a page was rebuilt, migrated or re-published; an article
    is not printed as published before it was. A ``<time>`` marked as the publication
    (``pubdate``, ``dt-published``) counts as printed. A day's difference is the time zone
    (the markup's UTC stamp against the local day printed), and the stamp is kept then.
    """
    if meta.provenance.get("published") not in _MARKUP_DATE_SOURCES or not meta.published:
        return
    limit = (date.fromisoformat(meta.published[:10]) - timedelta(days=1)).isoformat()
    value = printed_date(page, now)
    if value and value < limit:
        meta.published = value
        meta.provenance["published"] = "page-text"
        return
    # The same for a <time> the page marks as its publication ("pubdate", "dt-published").
    for tag in page.times:
        classes = class_string(tag.get("class"))
        if ("pubdate" in tag.attrs or "dt-published" in classes) and "updated" not in classes:
            value = parse_date(str(tag.get("datetime") or ""), now)
            if value and value < limit:
                meta.published = value
                meta.provenance["published"] = "time-tag"
            return


_MARKUP_DATE_SOURCES = frozenset({"json-ld", "meta", "time-tag", "microdata"})


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


def _choose_authors(meta: Metadata, sources: list[tuple[str, list[str]]]) -> None:
    """The first source that names a person wins, but the byline printed on the page is
    what a reader sees, and it wins over the markup when

    - it stands under the headline and names someone else (the markup's author is often
      an editor, an account or whoever last touched the page);
    - the markup names only the site itself and the byline names a person;
    - it names the same people and more (structured data often lists only the first).
    """
    sites = _site_names(meta)
    cleaned: list[tuple[str, list[str]]] = []
    for source, raw in sources:
        names = clean_authors(raw, () if _personal_site(raw, meta.site) else sites)
        if names:
            cleaned.append((source, names))
    if not cleaned:
        return
    source, names = cleaned[0]
    if source not in _PRINTED:
        have = {_person_key(n) for n in names}
        site_keys = {_person_key(s) for s in sites}
        headline = next((more for other, more in cleaned if other == "byline-headline"), [])
        line = next((more for other, more in cleaned if other in _LINES), [])
        if headline and not have & {_person_key(n) for n in headline}:
            source, names = "byline", headline
        elif have <= site_keys and line and all(
            looks_like_person(n) and _person_key(n) not in site_keys for n in line
        ):
            source, names = "byline", line
        else:
            for other, more in cleaned[1:]:
                if (
                    other in _PRINTED
                    and len(more) > len(names)
                    and have <= {_person_key(n) for n in more}
                    and not any(names_organisation(n) for n in more)
                ):
                    source, names = other, more
                    break
    meta.offer("authors", names, "byline" if source in _PRINTED else source)


# The printed byline: a "By Jane Doe" line under the headline, a line after a "Written by"
# label or the printed date, and the name in a byline element (visible.page_authors).
_LINES = frozenset({"byline-headline", "byline"})
_PRINTED = _LINES | {"byline-box"}


def _personal_site(raw: list[str], site: str | None) -> bool:
    """A personal site is named after its author: a person's name there is no site name,
    however the markup spells it ("annette thurmon" on the site "Annette Thurmon")."""
    return all(
        looks_like_person(r)
        or (site is not None and r.strip().lower() == site.lower() and looks_like_person(site))
        for r in raw
    )


def _person_key(name: str) -> str:
    """A name as compared across sources: no "Dr", credentials, case or punctuation."""
    name = re.sub(r"^(?:dr|prof|mr|mrs|ms)\.?\s+", "", name.split(",")[0].strip(), flags=re.I)
    return re.sub(r"[^\w]+", "", name.lower())


def _declared_titles(page: PageScan, meta: Metadata) -> list[tuple[str, str]]:
    """The titles the page declares, most trusted first, each with its source."""
    found: list[tuple[str, str]] = []
    if meta.title:
        found.append((meta.title, meta.provenance.get("title", "meta")))
    for key in ("og:title", "twitter:title", "dc.title", "headline"):
        found.extend((value, "meta") for value in page.metas.get(key, [])[:1] if value)
    if page.title_tag:
        found.append((page.title_tag, "title-tag"))
    return [(re.sub(r"\s+", " ", unescape(text)).strip(), source) for text, source in found]


def _is_front_page(url: str | None) -> bool:
    """The site's home page: nothing after the host but an index file (and tracking)."""
    if not url:
        return False
    parts = urlsplit("//" + fold_url(url))
    keys = {k for k, _ in parse_qsl(parts.query)} - {"srsltid"}
    return parts.path.strip("/").lower() in ("", "index.html", "index.php", "home") and not keys


def _hosts(url: str | None) -> tuple[str, ...]:
    """The names a site's URL gives it: "www.newegg.com" is newegg.com and newegg."""
    host = site_from_url(url)
    if not host:
        return ()
    return (host, host.split(".")[-2]) if host.count(".") >= 1 else (host,)


def _site_names(meta: Metadata) -> tuple[str, ...]:
    return tuple(n for n in (meta.site or "", *_hosts(meta.url)) if n)


def extract_metadata(soup: BeautifulSoup, now: datetime | None = None) -> Metadata:
    """Everything but the body, read before the cleaner removes the page around it."""
    meta = Metadata()
    page = scan(soup)
    # The "Updated" date the page prints is what it tells its readers; markup comes next.
    printed_update = visible_updated(page, now)
    meta.offer("updated", printed_update, "page-text")
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
        meta.offer("published", printed_update, "page-text-updated")
    _prefer_earlier_printed_date(page, meta, now)
    if meta.updated and meta.published and meta.updated[:10] <= meta.published[:10]:
        meta.updated = None  # no change after publication worth telling apart
        meta.provenance.pop("updated", None)
    if meta.site and len(meta.site) > 80:
        meta.site = None
        meta.provenance.pop("site", None)
    page_authors(page, author_sources, meta.title)
    _choose_authors(meta, author_sources)
    headings = [heading_text(h) for h in page.h1s]
    title, source = choose_title(headings, _declared_titles(page, meta), meta.site,
                                 _hosts(meta.url), home=_is_front_page(meta.url))
    meta.title = None
    meta.provenance.pop("title", None)
    meta.offer("title", title, source or "title-tag")
    return meta


__all__ = ["Metadata", "clean_authors", "extract_metadata", "site_from_url",
           "strip_site_suffix", "text_byline"]
