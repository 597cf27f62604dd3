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
prints are in bylines.py and printed_dates.py. Nothing here changes the soup.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl

from bs4 import BeautifulSoup

from .authors import clean_authors, looks_like_person, names_organisation, unescape
from .bylines import heading_parts, heading_text, page_authors, text_byline
from .dates import date_from_url, parse_date
from .fields import Metadata, language_code, site_from_url
from .markup import from_json_ld, from_meta
from .pagescan import PageScan, element_text, scan
from .printed_dates import labelled_date, printed_date, visible_date, visible_updated
from .soup import class_string
from .titles import choose_title, declared_part, strip_site_suffix
from .urls import fold_url, split_url

# ------------------------------------------------------------------------ printed page


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
        meta.offer("language", language_code(page.lang), "html-lang")


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
        names = authors_of_page(raw, meta)
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
# label or the printed date, and the name in a byline element (bylines.page_authors).
_LINES = frozenset({"byline-headline", "byline"})
_PRINTED = _LINES | {"byline-box"}


def authors_of_page(raw: list[str], meta: Metadata) -> list[str]:
    """Person names from a page's byline strings, without the site's name standing in for
    one (unless the site is named after its author)."""
    return clean_authors(raw, () if _personal_site(raw, meta.site) else _site_names(meta))


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
    parts = split_url("//" + fold_url(url))
    if parts is None:
        return False
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


def extract_metadata(soup: BeautifulSoup, now: datetime | None = None, *,
                     fetched_from: str | None = None) -> Metadata:
    """Everything but the body, read before the cleaner removes the page around it.

    ``fetched_from`` is the address the page was fetched from (a WARC record's target URI):
    its URL when the page names none."""
    meta = Metadata()
    page = scan(soup)
    # The "Updated" date the page prints is what it tells its readers; markup comes next.
    printed_update = visible_updated(page, now)
    meta.offer("updated", printed_update, "page-text")
    author_sources: list[tuple[str, list[str]]] = []
    from_json_ld(page, meta, author_sources, now)
    from_meta(page, meta, author_sources, now)
    _from_page(page, meta, now)
    if fetched_from and re.match(r"^https?://", fetched_from):
        meta.offer("url", fetched_from, "target-uri")
    if not meta.published and meta.url:
        meta.offer("published", date_from_url(meta.url, now), "url")
    if not meta.published and page.script_date:
        meta.offer("published", parse_date(page.script_date, now), "script-json")
    if not meta.published:
        # No publication date anywhere: an "Updated" date printed under the headline is the
        # best the page says, and the provenance says that is what it is.
        meta.offer("published", printed_update, "page-text-updated")
    if not meta.published:
        meta.offer("published", labelled_date(page, now), "page-text-labelled")
    _prefer_earlier_printed_date(page, meta, now)
    if meta.updated and meta.published and meta.updated[:10] <= meta.published[:10]:
        meta.updated = None  # no change after publication worth telling apart
        meta.provenance.pop("updated", None)
    if meta.site and len(meta.site) > 80:
        meta.site = None
        meta.provenance.pop("site", None)
    page_authors(page, author_sources, meta.title)
    _choose_authors(meta, author_sources)
    declared = _declared_titles(page, meta)
    hosts = _hosts(meta.url)
    headings = [declared_part(heading_text(h), heading_parts(h), declared, meta.site, hosts)
                for h in page.h1s]
    title, source = choose_title(headings, declared, meta.site, hosts,
                                 home=_is_front_page(meta.url),
                                 subheads=[heading_text(h) for h in page.subheads])
    meta.title = None
    meta.provenance.pop("title", None)
    meta.offer("title", title, source or "title-tag")
    return meta


__all__ = ["Metadata", "authors_of_page", "clean_authors", "extract_metadata", "site_from_url",
           "strip_site_suffix", "text_byline"]
