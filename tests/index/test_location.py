"""Index generations: first use, atomic swaps, and never a silently empty index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.contract.errors import StoreError
from index.location import IndexLocation


def test_first_open_creates_one_generation(tmp_path: Path) -> None:
    location = IndexLocation(tmp_path / "index")
    location.open().close()
    location.open().close()
    assert location.current_name() == "gen-000001"
    assert sorted(p.name for p in (tmp_path / "index").glob("gen-*")) == ["gen-000001"]


def test_a_vanished_index_is_an_error_not_an_empty_index(tmp_path: Path) -> None:
    location = IndexLocation(tmp_path / "index")
    location.open().close()
    shutil.rmtree(tmp_path / "index" / "gen-000001")
    with pytest.raises(StoreError, match="check --repair"):
        location.open()
    # Nothing was published in its place behind the user's back.
    assert location.current_name() == "gen-000001"
    assert not list((tmp_path / "index").glob("gen-*"))


def test_publish_keeps_the_previous_generation_for_running_searches(tmp_path: Path) -> None:
    location = IndexLocation(tmp_path / "index")
    location.open().close()
    for _ in range(3):
        location.publish(location.new_generation())
    assert location.current_name() == "gen-000004"
    assert sorted(p.name for p in (tmp_path / "index").glob("gen-*")) == ["gen-000003", "gen-000004"]
