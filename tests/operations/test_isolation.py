"""One bad page never stops a batch: whatever goes wrong while one capture is read ends
that capture only, with a line that says why, and the rest are stored."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import archive.extraction.extract as extraction
from archive.operations.service import Archive
from tests.corpus import write_corpus


def _batch(tmp_path: Path, *extra: tuple[str, bytes]) -> Path:
    folder = tmp_path / "in"
    write_corpus(folder, 6)
    for name, data in extra:
        (folder / name).write_bytes(data)
    return folder


def test_an_unexpected_error_in_one_page_is_reported_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = extraction.extract_capture

    def breaks_on_one(capture, **kw):
        if capture.name.endswith("report-00002.html"):
            raise ValueError("a bug in a rule")
        return real(capture, **kw)

    monkeypatch.setattr(extraction, "extract_capture", breaks_on_one)
    with Archive(tmp_path / "home") as archive:
        summary = archive.ingest([_batch(tmp_path)], jobs=1)
    failed = [o for o in summary.failures if o.status == "failed"]
    assert summary.new == 5 and len(failed) == 1
    assert failed[0].path.endswith("report-00002.html")
    assert failed[0].reason == "internal error: ValueError: a bug in a rule"


def test_a_page_that_takes_too_long_is_refused_in_time(tmp_path: Path, settings,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real = extraction.extract_capture

    def stalls_on_one(capture, **kw):
        if capture.name.endswith("report-00003.html"):
            while True:  # a rule that never ends on this page
                pass
        return real(capture, **kw)

    monkeypatch.setattr(extraction, "extract_capture", stalls_on_one)
    settings(page_seconds=0.5)
    started = time.monotonic()
    with Archive(tmp_path / "home") as archive:
        summary = archive.ingest([_batch(tmp_path)], jobs=1)
    assert time.monotonic() - started < 10
    reasons = {Path(o.path).name: o.reason for o in summary.failures if o.status == "failed"}
    assert reasons == {"report-00003.html": "reading the page took longer than 0.5 s; refused"}
    assert summary.new == 5


FRAMESET = b"<html><frameset><body><p>text</p></body></frameset></html>"


def test_the_frameset_page_gets_its_line_and_the_others_are_stored(run, tmp_path: Path, settings) -> None:
    settings(page_seconds=2)
    folder = _batch(tmp_path, ("frames.html", FRAMESET))
    started = time.monotonic()
    lines = [json.loads(line) for line in run("ingest", "--json-lines", str(folder), expect=None).stdout.splitlines()]
    assert time.monotonic() - started < 30
    by_name = {Path(line["path"]).name: line for line in lines[:-1]}
    assert len(by_name) == 7 and by_name["frames.html"]["status"] in {"new", "failed"}
    assert sum(line["status"] == "new" for line in by_name.values()) >= 6
