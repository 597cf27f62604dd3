"""Resuming an interrupted ingest costs a hash per file already stored, not an extraction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import archive.extraction.extract as extracting
from tests.corpus import write_corpus


def test_rerun_after_interruption_extracts_only_what_is_left(run, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    files = write_corpus(tmp_path / "in", 30)
    # The first run got through 18 files before it was stopped.
    run("ingest", *[str(p) for p in files[:18]])
    calls: list[str] = []
    real = extracting.extract_capture

    def counting(capture, **kw):
        calls.append(Path(capture.name).name)
        return real(capture, **kw)

    monkeypatch.setattr(extracting, "extract_capture", counting)
    out = run("ingest", "--json-lines", str(tmp_path / "in")).stdout.splitlines()
    lines = [json.loads(line) for line in out]
    assert sorted(calls) == sorted(p.name for p in files[18:])
    assert [line["status"] for line in lines[:-1]].count("unchanged") == 18
    assert set(lines[0]) == {"path", "status", "id", "reason"}
    assert lines[-1]["summary"] | {"errors": []} == {"new": 12, "updated": 0, "unchanged": 18, "failed": 0,
                                                     "indexed": 12, "errors": [], "skipped": 0,
                                                     "skipped_by_reason": {}}
    assert json.loads(run("check", "--json").stdout)["indexed"] == 30
