"""The facets: what search results are counted by, and what requests filter by.

Each facet is one registration in ``FACETS``; the index schema, the facet counts, the
request filters, the command line's ``--author``-style options and the JSON shapes are
all built from this list, in its order.  A "terms" facet is counted over the exact values
a record gives it and filtered by them; the "year" facet is counted from publication
dates and filtered through ``since`` / ``until``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .records import Record


@dataclass(frozen=True, slots=True)
class Facet:
    name: str  # result key, query field (``author:``), option (``--author``), API parameter
    kind: str = "terms"  # "terms" or "year"
    values: Callable[[Record], tuple[str, ...]] | None = None  # a terms facet's values of a record
    multiple: bool = True  # several values per article (a site is one)
    words: bool = False  # the query field matches each word of a value, not the whole value
    help: str = ""


def _site(record: Record) -> tuple[str, ...]:
    return (record.site,) if record.site else ()


FACETS: tuple[Facet, ...] = (
    Facet("author", values=lambda r: r.authors, words=True,
          help="Only this author (repeatable; any of them)."),
    Facet("site", values=_site, multiple=False, help="Only this site (repeatable; any of them)."),
    Facet("year", kind="year"),
    Facet("tag", values=lambda r: r.tags, help="Only this tag (repeatable; any of them)."),
)
TERM_FACETS: dict[str, Facet] = {f.name: f for f in FACETS if f.kind == "terms"}
"""The facets requests filter by, by name."""
