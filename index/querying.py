"""User query strings to Whoosh queries, refusing the ones that cannot be answered well.

The syntax is Whoosh's: AND/OR/NOT, "phrases", field:term, wildcards, fuzzy terms
(``word~``, ``word~2``), ranges, with ``published:`` (or ``date:``) and ``year:`` accepting
days, months and years (``published:2016``, ``published:[2016-01 TO 2016-06]``,
``published:>=2020-03-01``, ``year:[2016 TO 2018]``), rewritten here into ranges over the
indexed day number.  Fields that hold no searchable text (``url:``, ``stamp:``) are refused
by name.

Parsing needs no index; ``expand`` then resolves what depends on the words the index holds:
a plain word of title or body becomes every indexed word with its stem (``Words``), a fuzzy
term the words within its distance (``Expansion``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import FuzzyTermPlugin, GtLtPlugin, MultifieldParser
from whoosh.query import Query

from archive.contract.errors import QueryError
from archive.contract.search import date_bounds
from archive.contract.settings import current

from .analysis import stem
from .schema import build_schema

FIELD_ALIASES = {"lang": "language", "authors": "author", "tags": "tag", "text": "body"}
SEARCH_FIELDS = ("title", "body")
FIELD_BOOSTS = {"title": 3.0, "body": 1.0}
SEARCHABLE = ("title", "body", "author", "site", "tag", "language", "has", "id", "day")
"""Fields the syntax searches (``day`` only as the target of date rewriting)."""
SHOWN_FIELDS = "title, body, author, site, tag, lang, published (or date), year, has, id"
MAX_FUZZY = 2

_DATE_FIELD_RE = re.compile(
    r"\b(published|date|year):(\[[^\]]*\]|\{[^}]*\}|[<>]=?\s*\S+|\S+)", re.IGNORECASE
)
_ALIAS_RE = re.compile(r"\b(" + "|".join(FIELD_ALIASES) + r"):", re.IGNORECASE)
_FIELD_RE = re.compile(r"(?<![\w.])([A-Za-z_]+):")
_QUOTED_RE = re.compile(r'"[^"]*"?')
_FUZZY_WORD_RE = re.compile(r"(\w+)~(?![0-9/])")
_NUL_RE = re.compile(r"\x00")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")

_schema = build_schema()


def _bounds(field: str, text: str) -> tuple[int, int]:
    text = text.strip()
    if field == "year" and not re.fullmatch(r"\d{4}", text):
        raise QueryError(f"not a year: {text!r} (use YYYY)")
    return date_bounds(text)


def _rewrite_date(match: re.Match[str]) -> str:
    field = match.group(1).lower()
    arg = match.group(2).strip()
    if arg[0] in "[{":
        inner = arg[1:-1].strip()
        parts = re.split(r"\s+to\s+", inner, flags=re.IGNORECASE)
        if len(parts) != 2:
            raise QueryError(f"date range {arg!r} needs the form [FROM TO UNTIL]")
        low = _bounds(field, parts[0])[0] if parts[0].strip() else None
        high = _bounds(field, parts[1])[1] if parts[1].strip() else None
        return f"day:[{low if low is not None else 1} TO {high if high is not None else 99991231}]"
    m = re.match(r"^([<>]=?)\s*(.+)$", arg)
    if m:
        op, value = m.groups()
        low, high = _bounds(field, value)
        if op == ">":
            return f"day:[{high + 1} TO 99991231]"
        if op == ">=":
            return f"day:[{low} TO 99991231]"
        if op == "<":
            return f"day:[1 TO {low - 1}]"
        return f"day:[1 TO {high}]"
    low, high = _bounds(field, arg)
    return f"day:[{low} TO {high}]"


def _auto_distance(match: re.Match[str]) -> str:
    """``word~`` without a distance: 1 for words of up to 5 letters, 2 for longer ones."""
    word = match.group(1)
    return f"{word}~{1 if len(word) <= 5 else 2}"


def _parser(schema: Schema) -> MultifieldParser:
    parser = MultifieldParser(list(SEARCH_FIELDS), schema, fieldboosts=FIELD_BOOSTS)
    parser.add_plugin(GtLtPlugin())
    parser.add_plugin(FuzzyTermPlugin())
    return parser


_PARSERS: dict[int, MultifieldParser] = {}


def _parser_for(schema: Schema | None) -> MultifieldParser:
    schema = schema or _schema
    parser = _PARSERS.get(id(schema))
    if parser is None:
        parser = _PARSERS[id(schema)] = _parser(schema)
    return parser


def _depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth = max(0, depth - 1)
    return deepest


def _check_fields(text: str) -> None:
    """Refuse ``url:x``-style searches of fields that exist but hold nothing searchable."""
    bare = _QUOTED_RE.sub(" ", text)
    for name in _FIELD_RE.findall(bare):
        if name.lower() in ("published", "date", "year"):
            continue
        if (name in _schema.names() and name not in SEARCHABLE) or name == "day":
            raise QueryError(f"{name!r} is not a field the query can search; fields are {SHOWN_FIELDS}")


def _wildcard_prefix(text: str) -> tuple[str, bool]:
    """The letters before the first * or ?, and whether the pattern holds a *."""
    return re.split(r"[*?]", text, maxsplit=1)[0], "*" in text


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
            prefix, star = (text, True) if isinstance(node, wq.Prefix) else _wildcard_prefix(text)
            literal = len(re.sub(r"[*?]", "", text))
            # a pattern without * is as long as it is written, so one letter in front will do
            # when it spells most of the word (m?ssile)
            bounded = not star and prefix and literal >= 3
            if len(prefix) < limits.min_wildcard_prefix and not bounded:
                raise QueryError(
                    f"wildcard {text!r} is too broad: put at least {limits.min_wildcard_prefix} letters "
                    "before the first * (or one before a ?, with 3 letters in all)"
                )
        if isinstance(node, wq.FuzzyTerm) and node.maxdist > MAX_FUZZY:
            raise QueryError(f"fuzzy term {node.text!r}~{node.maxdist}: the largest distance is {MAX_FUZZY}")
        if isinstance(node, wq.Phrase) and len(node.words) > limits.max_phrase_words:
            raise QueryError(f"phrase too long ({len(node.words)} words; the limit is "
                             f"{limits.max_phrase_words})")
        if isinstance(node, wq.TermRange) and node.fieldname != "day":
            raise QueryError(
                f"range over {node.fieldname!r} is too broad; ranges work on published: and year:"
            )
        field = getattr(node, "fieldname", None)
        if field is not None and field not in SEARCHABLE:
            raise QueryError(f"{field!r} is not a field the query can search; fields are {SHOWN_FIELDS}")
        stack.extend(node.children() if hasattr(node, "children") else [])


def parse_query(text: str, schema: Schema | None = None) -> Query | None:
    """The Whoosh query for a user's string, or None for an empty one (match everything).

    ``schema`` is the index's own (an index of an older analysis parses its way)."""
    if not isinstance(text, str):
        raise QueryError("the query must be text")
    if _SURROGATE_RE.search(text):
        raise QueryError("the query holds bytes that are not UTF-8 text")
    text = _NUL_RE.sub(" ", text).strip()
    if not text:
        return None
    limits = current()
    if len(text) > limits.max_query_chars:
        raise QueryError(f"query too long ({len(text)} characters; the limit is {limits.max_query_chars})")
    if _depth(text) > limits.max_query_nesting:
        raise QueryError(f"query nests parentheses deeper than {limits.max_query_nesting} levels")
    text = _ALIAS_RE.sub(lambda m: FIELD_ALIASES[m.group(1).lower()] + ":", text)
    _check_fields(text)
    text = _DATE_FIELD_RE.sub(_rewrite_date, text)
    text = _FUZZY_WORD_RE.sub(_auto_distance, text)
    try:
        q = _parser_for(schema).parse(text)
    except QueryError:
        raise
    except RecursionError as exc:
        raise QueryError("query is nested too deeply") from exc
    except Exception as exc:  # the parser's failures have no common base class
        raise QueryError(f"cannot parse the query: {exc}") from exc
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return wq.NullQuery  # nothing searchable left: matches nothing rather than everything
    _check(q)
    return _unordered_phrases(q, schema or _schema)


def _unordered_phrases(q: Query, schema: Schema) -> Query:
    """A phrase in a field that keeps no word positions (author:"dana reyes", tag:"climate
    change") asks for its words in any order: Whoosh would refuse it as a phrase."""
    if isinstance(q, wq.Phrase):
        field = schema[q.fieldname] if q.fieldname in schema else None
        if field is not None and not (field.format and field.format.supports("positions")):
            return wq.And([wq.Term(q.fieldname, w) for w in q.words], boost=q.boost)
        return q
    return q.apply(lambda node: _unordered_phrases(node, schema)) if hasattr(q, "apply") else q


def site_domain(text: str) -> str | None:
    """The domain a site filter's value names, if it looks like one: ``https://www.NYPost.com/``
    -> ``nypost.com``; None for a site name such as ``New York Post``."""
    value = text.strip().lower()
    value = re.sub(r"^[a-z]+://", "", value).split("/", 1)[0].removeprefix("www.").strip(".")
    if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", value):
        return None
    return value


class Words(wq.Or):
    """A word of title or body standing for every indexed word with its stem; ranked as
    one term (the words' frequencies added up), as a stemmed index would rank it."""

    def __init__(self, fieldname: str, word: str, variants: Iterable[str], boost: float = 1.0) -> None:
        self.fieldname = fieldname
        self.word = word
        self.variants = tuple(sorted(set(variants) | {word}))
        super().__init__([wq.Term(fieldname, v) for v in self.variants], boost=boost)

    def field(self) -> str:
        return self.fieldname

    def __repr__(self) -> str:
        return f"Words({self.fieldname!r}, {self.word!r}, {list(self.variants)!r}, boost={self.boost:g})"


class Expansion(wq.Or):
    """A fuzzy term as the indexed words within its distance."""

    def __init__(self, fieldname: str, text: str, words: Iterable[str], boost: float = 1.0) -> None:
        self.fieldname = fieldname
        self.text = text
        self.words = tuple(sorted(set(words)))
        super().__init__([wq.Term(fieldname, w) for w in self.words], boost=boost)

    def field(self) -> str:
        return self.fieldname


Variants = Callable[[str, str], Iterable[str]]  # (field, word) -> the words with its stem
Similar = Callable[[str, str, int, int], list[str]]  # (field, word, distance, prefix) -> words


def expand(q: Query | None, variants: Variants, similar: Similar) -> Query | None:
    """``q`` with its plain title/body words stemmed and its fuzzy terms expanded, against
    the words the index holds."""
    if q is None:
        return None
    limits = current()

    def rewrite(node: Query) -> Query:
        if type(node) is wq.Term and node.fieldname in SEARCH_FIELDS:
            word = node.text if isinstance(node.text, str) else node.text.decode("utf-8", "replace")
            return Words(node.fieldname, word, variants(node.fieldname, stem(word)), boost=node.boost)
        if isinstance(node, wq.FuzzyTerm) and node.fieldname in SEARCH_FIELDS:
            found = similar(node.fieldname, str(node.text), node.maxdist, max(1, node.prefixlength))
            if len(found) > limits.max_expansion:
                raise QueryError(f"{node.text}~{node.maxdist} stands for too many words "
                                 f"({len(found)}); make it more specific")
            return Expansion(node.fieldname, str(node.text), found, boost=node.boost)
        if type(node) is wq.Term and node.fieldname == "site":
            host = site_domain(str(node.text))
            if host:
                return wq.Or([node, wq.Term("domain", host)], boost=node.boost)
            return node
        if isinstance(node, (wq.Phrase, wq.Term, wq.MultiTerm)):
            return node
        return node.apply(rewrite) if hasattr(node, "apply") else node

    return rewrite(q)
