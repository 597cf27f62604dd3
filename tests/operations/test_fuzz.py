"""Hostile pages by the hundred (seeded): no traceback, every file gets its line, the
batch finishes, and what was stored passes check."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from tests.crashing import ROOT, archive_command
from tests.fuzzing import write_hostile


def test_hostile_pages_never_stop_a_batch(tmp_path: Path) -> None:
    pages = write_hostile(tmp_path / "in", 300, seed=11)
    home = tmp_path / "home"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.monotonic()
    run = subprocess.run(archive_command(home, "ingest", "--json-lines", str(tmp_path / "in")),
                         capture_output=True, text=True, env=env, timeout=600)
    seconds = time.monotonic() - started
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.returncode in (0, 1)
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    by_path = {Path(line["path"]).name: line for line in lines[:-1]}
    assert sorted(by_path) == sorted(p.name for p in pages)  # every file its one line
    internal = [line for line in by_path.values() if (line["reason"] or "").startswith("internal error")]
    assert not internal, internal[:5]
    summary = lines[-1]["summary"]
    assert summary["new"] + summary["updated"] + summary["unchanged"] + summary["failed"] == len(pages)
    check = subprocess.run(archive_command(home, "check", "--json"), capture_output=True, text=True, env=env)
    assert json.loads(check.stdout)["ok"], check.stdout[-2000:]
    print(f"{len(pages)} hostile pages in {seconds:.1f} s: {summary['new']} stored, {summary['failed']} refused")
