"""Crash loop: SIGKILL `archive ingest` at random moments N times, finish, and count losses.

    .venv/bin/python benchmarks/crash_loop.py --kills 20 [--seed 1] [--keep DIR]

Each round adds new article pages and edited re-captures of earlier ones to a corpus
folder, starts `archive ingest --json-lines` on it in a subprocess and kills it after a
seeded random delay after it reported its first stored file (so a slow start-up on a
loaded machine cannot make every kill land before anything was stored); a last run
completes the job.  Prints the figures: kills survived,
records lost, reported-committed captures lost, duplicates, index mismatches, and the exit
code of `archive check`.  Exit code 1 if anything was lost, duplicated or mismatched, or
if no kill came after a stored file.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crashing import crash_loop  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--new-per-round", type=int, default=40)
    parser.add_argument("--edits-per-round", type=int, default=6)
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it (default: a temporary one).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crash-loop-") as tmp:
        work = args.keep or Path(tmp)
        figures = crash_loop(work / "home", work / "corpus", kills=args.kills, seed=args.seed,
                             new_per_round=args.new_per_round, edits_per_round=args.edits_per_round)
    data = figures.to_dict()
    width = max(len(k) for k in data)
    for key, value in data.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(data))
    bad = figures.records_lost or figures.reported_lost or figures.versions_lost or figures.duplicates \
        or figures.index_mismatch or figures.check_exit
    if figures.kills and not figures.kills_after_commit:
        print("no kill came after a stored file: the loop tested nothing", file=sys.stderr)
        bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
