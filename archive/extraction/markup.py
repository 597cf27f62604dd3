"""What a page's markup declares about it: JSON-LD objects and meta tags.

Both are read before anything the page prints (bylines.py, printed_dates.py): markup is
what the publisher meant a machine to read, so it is trusted first for every field but
the title, which metadata.py settles against the page's own headline.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from itertools import chain
from typing import Any
from urllib.parse import unquote

from .dates import parse_date
from .fields import Metadata, clean_tags, language_code
from .pagescan import PageScan

_ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "report",
    "scholarlyarticle", "techarticle", "socialmediaposting", "liveblogposting", "posting",
    "webpage", "medicalwebpage", "creativework", "discussionforumposting", "qapage",
    "howto", "recipe", "review", "itempage", "aboutpage", "collectionpage", "faqpage",
}
_GENERIC_TYPES = {"webpage", "creativework", "itempage", "aboutpage", "collectionpage",
                  "faqpage"}



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


def from_json_ld(page: PageScan, meta: Metadata, authors: list, now: datetime | None) -> None:
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
        meta.offer("language", language_code(_first_str(obj.get("inLanguage"))), "json-ld")
        keywords = obj.get("keywords")
        if isinstance(keywords, str):
            keywords = keywords.split(",")
        if isinstance(keywords, list):
            meta.offer("tags", clean_tags([str(k) for k in keywords]), "json-ld")
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


def from_meta(page: PageScan, meta: Metadata, authors: list, now: datetime | None) -> None:
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
    meta.offer("language", language_code(language), "meta")
    tags: list[str] = []
    for key in ("article:tag", "news_keywords", "keywords", "parsely-tags"):
        for value in m.get(key, []):
            tags.extend(value.split(","))
        if tags:
            break
    meta.offer("tags", clean_tags(tags), "meta")


