"""User query strings to Whoosh queries, refusing the ones that cannot be answered well.

The syntax is Whoosh's: AND/OR/NOT, "phrases", field:term, wildcards, ranges, with
``published:`` (or ``date:``) accepting days, months and years (``published:2016``,
``published:[2016-01 TO 2016-06]``, ``published:>=2020-03-01``), rewritten here into
ranges over the indexed day number.
"""

from __future__ import annotations

import re

from whoosh import query as wq
from whoosh.qparser import GtLtPlugin, MultifieldParser
from whoosh.query import Query

from archive.contract.errors import QueryError
from archive.contract.search import date_bounds
from archive.contract.settings import current

from .schema import build_schema

FIELD_ALIASES = {"lang": "language", "authors": "author", "tags": "tag", "text": "body"}
SEARCH_FIELDS = ("title", "body")
FIELD_BOOSTS = {"title": 3.0, "body": 1.0}

_DATE_FIELD_RE = re.compile(
    r"\b(?:published|date):(\[[^\]]*\]|\{[^}]*\}|[<>]=?\s*\S+|\S+)", re.IGNORECASE
)
_ALIAS_RE = re.compile(r"\b(" + "|".join(FIELD_ALIASES) + r"):", re.IGNORECASE)

_SURROGATE_RE = re.compile(r"[\ud800-\udfff\x00]")

_schema = build_schema()


def _rewrite_date(match: re.Match[str]) -> str:
    arg = match.group(1).strip()
    if arg[0] in "[{":
        inner = arg[1:-1].strip()
        parts = re.split(r"\s+to\s+", inner, flags=re.IGNORECASE)
        if len(parts) != 2:
            raise QueryError(f"date range {arg!r} needs the form [FROM TO UNTIL]")
        low = date_bounds(parts[0])[0] if parts[0].strip() else None
        high = date_bounds(parts[1])[1] if parts[1].strip() else None
        return f"day:[{low if low is not None else 1} TO {high if high is not None else 99991231}]"
    m = re.match(r"^([<>]=?)\s*(.+)$", arg)
    if m:
        op, value = m.groups()
        low, high = date_bounds(value)
        if op == ">":
            return f"day:[{high + 1} TO 99991231]"
        if op == ">=":
            return f"day:[{low} TO 99991231]"
        if op == "<":
            return f"day:[1 TO {low - 1}]"
        return f"day:[1 TO {high}]"
    low, high = date_bounds(arg)
    return f"day:[{low} TO {high}]"


def _parser() -> MultifieldParser:
    parser = MultifieldParser(list(SEARCH_FIELDS), _schema, fieldboosts=FIELD_BOOSTS)
    parser.add_plugin(GtLtPlugin())
    return parser


_PARSER = _parser()


def _depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth = max(0, depth - 1)
    return deepest


def _check(q: Query) -> None:
    """Refuse the query shapes that make Whoosh walk the whole lexicon."""
    limits = current()
    stack = [q]
    while stack:
        node = stack.pop()
        if isinstance(node, wq.Every) and getattr(node, "fieldname", None):
            raise QueryError(
                "'*' matches every article; leave the query empty to list articles with filters"
            )
        if isinstance(node, (wq.Wildcard, wq.Prefix)):
            text = str(node.text)
            prefix = text
            if isinstance(node, wq.Wildcard):
                prefix = re.split(r"[*?]", text, maxsplit=1)[0]
            if len(prefix) < limits.min_wildcard_prefix:
                raise QueryError(
                    f"wildcard {text!r} is too broad: put at least {limits.min_wildcard_prefix} letters "
                    "before the first * or ?"
                )
        if isinstance(node, wq.Phrase) and len(node.words) > limits.max_phrase_words:
            raise QueryError(f"phrase too long ({len(node.words)} words; the limit is "
                             f"{limits.max_phrase_words})")
        if isinstance(node, wq.TermRange) and node.fieldname in SEARCH_FIELDS:
            raise QueryError(
                f"range over {node.fieldname!r} is too broad; ranges work on published: and year:"
            )
        stack.extend(node.children() if hasattr(node, "children") else [])


def parse_query(text: str) -> Query | None:
    """The Whoosh query for a user's string, or None for an empty one (match everything)."""
    if not isinstance(text, str):
        raise QueryError("the query must be text")
    text = _SURROGATE_RE.sub(" ", text).strip()
    if not text:
        return None
    limits = current()
    if len(text) > limits.max_query_chars:
        raise QueryError(f"query too long ({len(text)} characters; the limit is {limits.max_query_chars})")
    if _depth(text) > limits.max_query_nesting:
        raise QueryError(f"query nests parentheses deeper than {limits.max_query_nesting} levels")
    text = _ALIAS_RE.sub(lambda m: FIELD_ALIASES[m.group(1).lower()] + ":", text)
    text = _DATE_FIELD_RE.sub(_rewrite_date, text)
    try:
        q = _PARSER.parse(text)
    except QueryError:
        raise
    except RecursionError as exc:
        raise QueryError("query is nested too deeply") from exc
    except Exception as exc:  # the parser's failures have no common base class
        raise QueryError(f"cannot parse the query: {exc}") from exc
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return wq.NullQuery  # only stop words: matches nothing rather than everything
    _check(q)
    return q
