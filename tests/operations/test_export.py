"""`archive export`: every record or every match, as JSON Lines or CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli.app import cli
from archive.operations.export import COLUMNS


@pytest.fixture
def run(ingested_home: Path):
    """The CLI against the shared demo archive (read-only use)."""
    runner = CliRunner()

    def invoke(*args: str, expect: int = 0):
        result = runner.invoke(cli, ["--home", str(ingested_home), *args], catch_exceptions=False)
        assert result.exit_code == expect, (result.output, result.stderr)
        return result

    return invoke


def test_export_everything_as_jsonl_and_csv(run, tmp_path: Path) -> None:
    lines = run("export").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == json.loads(run("stats", "--json").stdout)["records"]
    assert len({r["id"] for r in records}) == len(records)
    founding = next(r for r in records if r["title"] == "Belarus Resisting Russian Missile Deployment")
    assert founding["authors"] == ["Hassan Khazaal"] and founding["body"].startswith("Russian officials")

    rows = list(csv.reader(io.StringIO(run("export", "--format", "csv").stdout)))
    assert tuple(rows[0]) == COLUMNS and len(rows) == len(records) + 1
    by_id = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert by_id[founding["id"]]["body"] == founding["body"]  # multi-paragraph text survives quoting
    assert by_id[founding["id"]]["authors"] == "Hassan Khazaal"


def test_export_a_query_is_complete_not_a_page(run, tmp_path: Path) -> None:
    for args in (["startup"], ["missile", "--author", "Hassan Khazaal"], ["--since", "2020"],
                 ["--site", "Podium"], ["rust OR plumbing"]):
        # every matching record, copies of one story included (search collapses them by default)
        total = json.loads(run("search", *args, "--limit", "1", "--all-copies", "--json").stdout)["total"]
        exported = [json.loads(line)["id"] for line in run("export", *args).stdout.splitlines()]
        assert len(exported) == total, args
        assert len(set(exported)) == total
    assert run("export", "nosuchwordanywhere").stdout == ""
    assert "--since" in run("export", "--since", "2020-13", expect=1).stderr


def test_export_to_a_file(run, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = run("export", "missile", "--format", "csv", "-o", str(target))
    assert "exported 2 records" in result.stderr
    assert len(list(csv.reader(io.StringIO(target.read_text("utf-8"))))) == 3
    assert not list(tmp_path.glob(".export-*"))
