"""Every query example README.md gives for ``archive search`` answers, without an error,
on the demo home; most of them find something there."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.app import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def _search_examples() -> list[str]:
    section = README.split("### `archive search", 1)[1].split("\n### ", 1)[0]
    table = section.split("| you type | it finds |", 1)[1].split("\n\n", 1)[0]
    out = []
    for row in table.splitlines()[2:]:
        first = row.split("|")[1]
        out.extend(re.findall(r"`([^`]+)`", first))
    return out


def _option_examples() -> list[list[str]]:
    section = README.split("### `archive search", 1)[1].split("\n### ", 1)[0]
    found = re.findall(r"`(--(?:author|site|tag) [^`]+)`", section)
    out = []
    for example in found:
        flag, value = example.split(" ", 1)
        if value.isupper():  # the syntax line (--author NAME), not an example
            continue
        out.append([flag, value.strip('"')])
    return out


EXAMPLES = _search_examples()
# examples of syntax whose words the demo corpus does not hold; they must still answer
MAY_FIND_NOTHING = {"missile NOT iskander", '"to be or not"', "has:no-url", "has:no-tags", "has:no-author",
                    "body:lavrov", "lavorv~2", "id:4a1d7e3b", "published:2016-05", "published:>=2020-03-01"}


def test_the_readme_lists_search_examples() -> None:
    assert len(EXAMPLES) >= 25 and "m?ssile" in EXAMPLES and "year:2016" in EXAMPLES


@pytest.mark.parametrize("query", EXAMPLES)
def test_every_readme_query_example_answers_on_the_demo_home(ingested_home: Path, query: str) -> None:
    result = CliRunner().invoke(cli, ["--home", str(ingested_home), "search", "--json", query])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    if query not in MAY_FIND_NOTHING:
        assert data["total"] >= 1, query


@pytest.mark.parametrize("option", _option_examples(), ids=" ".join)
def test_every_readme_filter_example_answers(ingested_home: Path, option: list[str]) -> None:
    result = CliRunner().invoke(cli, ["--home", str(ingested_home), "search", "--json", *option])
    assert result.exit_code == 0, result.output
