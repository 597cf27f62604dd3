"""One-file ingests into an archive of many articles: each must stay quick, every time.

    python benchmarks/small_ingests.py CORPUS HOME [--size 10000] [--count 50] [--existing]

CORPUS is a folder written by ``benchmarks/corpus.py``.  Unless ``--existing``, HOME is
emptied and filled with the first ``--size`` pages (one ``archive ingest``); then the next
``--count`` pages are ingested one at a time, each by its own ``archive ingest`` command
(the whole command, process start included).  Prints each one's wall and CPU time (the
CPU time of the command and its helpers; wall time on a busy machine is mostly waiting),
the medians and maxima, how many took over 2 s, and the index's segments at the end:
right after the last ingest, and once the merging process the ingests started (index
merges run apart from the command that wrote, archive.operations.tidying) is done.
Run it with ``ARCHIVE_INLINE_MERGES=1`` to see the ingests merge for themselves.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import PER_SHARD  # noqa: E402
from ingest import ARCHIVE, _shards  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("home", type=Path)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--existing", action="store_true", help="HOME already holds the first SIZE pages")
    args = parser.parse_args(argv)
    if not args.existing:
        shutil.rmtree(args.home, ignore_errors=True)
        began = time.perf_counter()
        subprocess.run([*ARCHIVE, "--home", str(args.home), "ingest", *_shards(args.corpus, 0, args.size)],
                       check=True, capture_output=True)
        print(f"built HOME of {args.size} pages in {time.perf_counter() - began:.0f} s", flush=True)
    times, cpu = [], []
    for n in range(args.size, args.size + args.count):
        page = args.corpus / f"{n // PER_SHARD:04d}" / f"page-{n:07d}.html"
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        proc = subprocess.run([*ARCHIVE, "--home", str(args.home), "ingest", "--json", str(page)],
                              capture_output=True, text=True)
        took = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        spent = after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime
        summary = json.loads(proc.stdout) if proc.returncode == 0 else {"error": proc.stderr.strip()[-200:]}
        times.append(took)
        cpu.append(spent)
        print(f"{n}: {took:.2f} s ({spent:.2f} s CPU) {summary}", flush=True)
    segments = len(list((args.home / "index").glob("gen-*/*.seg")))
    began = time.perf_counter()
    _wait_for_merges(args.home)
    merged = len(list((args.home / "index").glob("gen-*/*.seg")))
    print(f"\n| one-file ingests into {args.size} articles | median s | max s | CPU median / max s "
          f"| segments after | after merging apart |\n|---|---:|---:|---:|---:|---:|\n| {len(times)} in a row | "
          f"{statistics.median(times):.2f} | {max(times):.2f} | {statistics.median(cpu):.2f} / {max(cpu):.2f} "
          f"| {segments} | {merged} ({time.perf_counter() - began:.0f} s later) |")
    over = sum(t > 2.0 for t in times)
    print(f"over 2 s: {over} of {len(times)}")


def _wait_for_merges(home: Path, timeout: float = 3600.0) -> None:
    """Until the merging process a write started (if any) is done and nothing waits."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from index import deferred
    from index.location import IndexLocation

    location = IndexLocation(home / "index")
    deadline = time.monotonic() + timeout
    while not deferred.idle(location) and time.monotonic() < deadline:
        time.sleep(1.0)


if __name__ == "__main__":
    main()
