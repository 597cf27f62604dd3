"""Crash safety, really done: ingests SIGKILLed at random moments, then run to the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crashing import crash_loop


def _assert_intact(figures) -> None:
    print("crash figures:", figures.to_dict())
    assert figures.records_lost == 0
    assert figures.reported_lost == 0
    assert figures.versions_lost == 0
    assert figures.duplicates == 0
    assert figures.index_mismatch == 0
    assert figures.check_exit == 0


def test_ingest_survives_kills(tmp_path: Path) -> None:
    figures = crash_loop(tmp_path / "home", tmp_path / "corpus", kills=5, seed=7)
    assert figures.kills == 5 and figures.articles >= 100
    _assert_intact(figures)


@pytest.mark.slow
def test_ingest_survives_twenty_kills(tmp_path: Path) -> None:
    figures = crash_loop(tmp_path / "home", tmp_path / "corpus", kills=25, seed=2024)
    assert figures.kills == 25
    _assert_intact(figures)
