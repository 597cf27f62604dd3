"""The Whoosh schema and how a Record becomes an index document.

Two kinds of fields for each filterable value: tokenized ones that the query syntax
searches (``author:khazaal``), and exact ones (``*_exact``) that filters and facet counts
use, keeping the value as the page wrote it.  Dates are indexed three ways: a sortable
day number (YYYYMMDD) for ranges and sorting, a year for facets, and a column of seconds
(``stamp``) that orders articles of one day by their time; no DATETIME field, because
DATETIME ranges are an order of magnitude slower in Whoosh.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from whoosh.analysis import SimpleAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from archive.contract.facets import TERM_FACETS, Facet
from archive.contract.records import Record

from .analysis import ANALYSIS_VERSION, words_analyzer
from .stories import schema_fields

SCHEMA_VERSION = str(ANALYSIS_VERSION)
"""Written into each index generation; "1" is the stemmed, stop-word-free analysis."""


def _facet_fields(facet: Facet) -> dict[str, Any]:
    """A terms facet's two fields: the one the query syntax searches (``author:``) and the
    exact one (``author_exact``) that filters and counts use."""
    search = (TEXT(analyzer=SimpleAnalyzer(), phrase=False) if facet.words
              else KEYWORD(lowercase=True, commas=True, scorable=False))
    exact = (KEYWORD(stored=True, commas=True, lowercase=False, scorable=False) if facet.multiple
             else ID(stored=True, sortable=True))
    return {facet.name: search, exact_field(facet.name): exact}


def exact_field(facet: str) -> str:
    return f"{facet}_exact"


def build_schema() -> Schema:
    words = words_analyzer()
    fields: dict[str, Any] = {
        "id": ID(stored=True, unique=True),
        "title": TEXT(analyzer=words, stored=True, multitoken_query="phrase"),
        "body": TEXT(analyzer=words, stored=True, multitoken_query="phrase"),
    }
    for facet in TERM_FACETS.values():
        fields.update(_facet_fields(facet))
    fields.update(
        language=ID(stored=True),
        day=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        year=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        # seconds since 1970 (UTC) of the publication time, for ordering within a day
        stamp=NUMERIC(int, bits=64, sortable=True, signed=True),
        has=KEYWORD(lowercase=True, commas=True, scorable=False),
        # the URL's host and the domains above it, without www. (site filters match them)
        domain=KEYWORD(lowercase=True, commas=True, scorable=False),
        published=STORED(),
        url=STORED(),
        words=STORED(),
    )
    fields.update(schema_fields())  # a story and a capture time per document (index.stories)
    return Schema(**fields)


def _commas(values: tuple[str, ...]) -> str:
    return ",".join(v.replace(",", " ") for v in values if v)


def day_number(published: str | None) -> int | None:
    if not published or len(published) < 10:
        return None
    try:
        return int(published[:4] + published[5:7] + published[8:10])
    except ValueError:
        return None


def publication_stamp(published: str | None) -> int | None:
    """Seconds since 1970 (UTC) of an ISO 8601 publication time; a date alone is its midnight
    UTC, a time without an offset is taken as UTC."""
    if not published:
        return None
    try:
        when = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


def domains(url: str | None) -> list[str]:
    """``https://www.edition.cnn.com/x`` -> ``["edition.cnn.com", "cnn.com"]`` (never a bare
    top-level domain)."""
    if not url:
        return []
    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").strip(".").lower()
    except ValueError:
        return []
    host = host.removeprefix("www.")
    parts = host.split(".")
    if len(parts) < 2 or not all(parts):
        return []
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


def document_for(record: Record, fields: Container[str] | None = None) -> dict[str, Any]:
    """The index document of a record; only fields with values are set, and with ``fields``
    only those the index's schema has (an index built before a field was added lacks it)."""
    gaps = []
    if not record.published:
        gaps.append("no-date")
    if not record.authors:
        gaps.append("no-author")
    if not record.url:
        gaps.append("no-url")
    if not record.tags:
        gaps.append("no-tags")
    doc: dict[str, Any] = {
        "id": record.id,
        "title": record.title,
        "body": record.body,
        "published": record.published,
        "url": record.url,
        "words": record.word_count,
    }
    for facet in TERM_FACETS.values():
        values = facet.values(record) if facet.values else ()
        if values:
            doc[facet.name] = " ; ".join(values) if facet.words else _commas(values)
            doc[exact_field(facet.name)] = _commas(values) if facet.multiple else values[0]
    if record.language:
        doc["language"] = record.language
    day = day_number(record.published)
    if day:
        doc["day"] = day
        doc["year"] = day // 10000
        stamp = publication_stamp(record.published)
        if stamp is not None:
            doc["stamp"] = stamp
    if gaps:
        doc["has"] = ",".join(gaps)
    hosts = domains(record.url)
    if hosts:
        doc["domain"] = ",".join(hosts)
    if fields is not None:
        doc = {k: v for k, v in doc.items() if k in fields}
    return doc
