"""Queries generated from the grammar of the syntax: every one gives a result or a
QueryError, within the time limit, and the command line never prints invalid UTF-8."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.cli.app import cli
from archive.contract.errors import QueryError
from archive.contract.search import SearchRequest
from archive.contract.settings import current
from archive.operations.service import Archive
from index.schema import build_schema

WORDS = ["missile", "belarus", "the", "of", "plumbers", "rust", "city", "year", "x", "défense", "日本",
         "ünïcödé", "2016", "0", "a", "zz", "ma", "tomorrow's", "U.S.", "e-mail"]
FIELDS = sorted(set(build_schema().names()) | {"lang", "authors", "tags", "text", "date", "nosuch"})
DATES = ["2016", "2016-05", "2016-05-20", "2016-13", "1", "99999", "", "2016-02-30", "abcd"]
CHARS = st.sampled_from(list("()[]{}\"*?~^:+-!<>=,.\\/ '") + ["\udcff", "\udc80", "\ud800", "\x00", "\u200b"])

word = st.sampled_from(WORDS) | st.text(st.characters(codec="utf-8"), min_size=1, max_size=6)
wild = st.builds(lambda w, at, c: w[:at] + c + w[at:], st.sampled_from(WORDS), st.integers(0, 6),
                 st.sampled_from(["*", "?", "**", "?*"]))
fuzzy = st.builds(lambda w, d: f"{w}~{d}", st.sampled_from(WORDS), st.sampled_from(["", "0", "1", "2", "3", "/2"]))
phrase = st.builds(lambda ws, slop: '"' + " ".join(ws) + '"' + slop, st.lists(word, min_size=0, max_size=5),
                   st.sampled_from(["", "~2", "~"]))
date_range = st.builds(lambda f, a, b, br: f"{f}:{br[0]}{a} TO {b}{br[1]}",
                       st.sampled_from(["published", "date", "year"]), st.sampled_from(DATES),
                       st.sampled_from(DATES), st.sampled_from(["[]", "{}", "[}"]))
compare = st.builds(lambda f, op, d: f"{f}:{op}{d}", st.sampled_from(["published", "date", "year", "day"]),
                    st.sampled_from(["", ">", ">=", "<", "<="]), st.sampled_from(DATES))
fielded = st.builds(lambda f, t: f"{f}:{t}", st.sampled_from(FIELDS), word | wild | phrase | st.just(""))
term = word | wild | fuzzy | phrase | date_range | compare | fielded | st.builds(lambda w, b: f"{w}^{b}", word,
                                                                                st.sampled_from(["2", "0.5", "x"]))
query = st.recursive(
    term,
    lambda inner: st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from(["AND", "OR", "NOT", "", "and"]),
                            inner)
    | st.builds(lambda q: f"NOT {q}", inner) | st.builds(lambda q, close: f"({q}{close}", inner,
                                                         st.sampled_from([")", "", "))"])),
    max_leaves=8,
) | st.lists(CHARS | word, max_size=12).map("".join)


@pytest.fixture(scope="module")
def archive(ingested_home: Path):
    with Archive(ingested_home) as a:
        a.search(SearchRequest("warm"))
        yield a


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(text=query)
def test_every_query_of_the_grammar_answers_or_is_refused_in_time(archive: Archive, text: str) -> None:
    began = time.thread_time()
    try:
        result = archive.search(SearchRequest(query=text, limit=5))
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert result.total >= len(result.hits)
        result.to_dict()
    assert time.thread_time() - began <= current().query_seconds + 0.5


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(text=query)
def test_the_command_line_never_prints_invalid_utf8(ingested_home: Path, text: str) -> None:
    result = CliRunner().invoke(cli, ["--home", str(ingested_home), "search", "--json", "--", text])
    assert result.exit_code in (0, 1), result.output
    result.stdout_bytes.decode("utf-8")
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert result.stdout_bytes == b"" and result.stderr.count("\n") == 1


@pytest.mark.parametrize("raw", [b"missile \xff", b"\xc3", b"caf\xe9"])
def test_undecodable_bytes_in_a_query_are_refused_not_dropped(ingested_home: Path, raw: bytes) -> None:
    text = raw.decode("utf-8", "surrogateescape")  # what Python makes of such argv bytes
    result = CliRunner().invoke(cli, ["--home", str(ingested_home), "search", "--json", text])
    assert result.exit_code == 1 and result.stdout_bytes == b""
    assert "not UTF-8" in result.stderr
