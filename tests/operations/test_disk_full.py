"""A disk that fills up under an ingest: one line that says so, nothing half-written kept,
and the same ingest finishing once there is room again."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.corpus import write_corpus
from tests.crashing import ROOT, archive_command


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1 MiB tmpfs to hold the archive home (mounting needs root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _archive(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(archive_command(home, *args), capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_a_full_disk_stops_the_ingest_in_one_line_and_it_resumes_after(small_disk: Path, tmp_path: Path) -> None:
    pages = tmp_path / "in"
    write_corpus(pages, 400)
    home = small_disk / "home"
    full = _archive(home, "ingest", "--jobs", "1", str(pages))
    assert full.returncode == 1
    errors = [line for line in full.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "disk is full" in errors[0] and "Traceback" not in full.stderr, full.stderr
    # room again: whatever was stored is sound, and the same ingest finishes
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    repaired = _archive(home, "check", "--repair", "--json")
    report = json.loads(repaired.stdout)
    assert report["ok"], report
    assert not [p for p in report["problems"] if p["kind"].startswith("original")]
    again = _archive(home, "ingest", "--json", str(pages))
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["new"] + summary["unchanged"] + summary["updated"] == 400 and summary["failed"] == 0
    checked = json.loads(_archive(home, "check", "--json").stdout)
    assert checked["ok"] and checked["records"] == 400
