"""Hostile pages by the ten thousand: crashes, hangs, the slowest page and peak memory.

    python benchmarks/fuzz.py WORKDIR [--pages 10000] [--seed 1] [--jobs 2]

Writes ``--pages`` mutated pages (``tests/fuzzing.py``: byte flips, truncations, tag soup,
deep nesting, giant attributes, wrong or exotic charset labels, NUL bytes, one huge line,
binary junk named .html, entity floods, unterminated comments) into WORKDIR, then:

1. times every page alone, in worker processes (each page read as ingest reads it; a
   time per page, the worker's peak RSS after it): a crash is any exception but the
   one-line InputError, a hang is a page that takes over 10 s of CPU;
2. runs the real ``archive ingest --json-lines --jobs N`` over the whole folder into a fresh
   home, sampling the summed RSS of the process and its workers every 0.2 s, then
   ``archive check``: every page must get its line, none an internal error, the check ok.

Targets: 0 crashes, 0 hangs, slowest page under 10 s, peak RSS under 500 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from warc import _measured  # noqa: E402

from tests.fuzzing import write_hostile  # noqa: E402

HANG_SECONDS = 10.0


def _time_page(path: str) -> tuple[str, float, str, int, float]:
    """(name, CPU seconds, outcome, worker peak RSS in bytes, wall seconds) for one page.

    A hang is judged by the page's own CPU time: on a shared machine the wall time also
    holds what other processes took (it is printed beside it)."""
    from archive.contract.errors import InputError
    from archive.extraction.extract import extract_capture
    from archive.operations.sources import read_file

    began, cpu = time.perf_counter(), time.process_time()
    try:
        extract_capture(read_file(path))
        outcome = "stored"
    except InputError:
        outcome = "refused"
    except Exception as exc:  # what the benchmark counts: anything but a one-line refusal
        outcome = f"crash: {type(exc).__name__}: {str(exc)[:120]}"
    wall, seconds = time.perf_counter() - began, time.process_time() - cpu
    return Path(path).name, seconds, outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, wall


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--ingest-only", action="store_true",
                        help="skip writing and timing the pages alone: ingest WORKDIR/pages as written before")
    args = parser.parse_args(argv)

    pages_dir = args.work / "pages"
    if args.ingest_only:
        _ingest(args, pages_dir, sorted(pages_dir.iterdir()), [], [])
        return
    shutil.rmtree(pages_dir, ignore_errors=True)
    paths = write_hostile(pages_dir, args.pages, seed=args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} hostile pages, {size / 2**20:.0f} MiB, seed {args.seed}")

    began = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        timed = list(pool.map(_time_page, map(str, paths), chunksize=8))
    alone = time.perf_counter() - began
    crashes = [t for t in timed if t[2].startswith("crash")]
    hangs = [t for t in timed if t[1] > HANG_SECONDS]
    slowest = sorted(timed, key=lambda t: -t[1])[:5]
    seconds = [t[1] for t in timed]
    print(f"\npages alone ({args.jobs} workers, {alone:.0f} s): "
          f"{sum(t[2] == 'stored' for t in timed)} stored, {sum(t[2] == 'refused' for t in timed)} refused")
    print(f"  crashes {len(crashes)}, hangs over {HANG_SECONDS:.0f} s {len(hangs)}, "
          f"median {statistics.median(seconds) * 1000:.0f} ms, slowest {slowest[0][1]:.2f} s CPU "
          f"(slowest wall {max(t[4] for t in timed):.2f} s), "
          f"worker peak RSS {max(t[3] for t in timed) / 2**20:.0f} MiB")
    for name, secs, outcome, _rss, wall in slowest:
        print(f"    {secs:6.2f} s CPU ({wall:.2f} s wall)  {name}  {outcome}")
    for name, _secs, outcome, _rss, _wall in crashes[:10]:
        print(f"    CRASH {name}: {outcome}")

    _ingest(args, pages_dir, paths, crashes, hangs)


def _ingest(args: argparse.Namespace, pages_dir: Path, paths: list[Path], crashes: list, hangs: list) -> None:
    home = args.work / "home"
    shutil.rmtree(home, ignore_errors=True)
    got = _measured(home, "ingest", "--json-lines", "--jobs", str(args.jobs), str(pages_dir))
    lines = [json.loads(line) for line in str(got["stdout"]).splitlines()]
    summary = lines[-1]["summary"]
    named = {Path(line["path"]).name for line in lines[:-1]}
    internal = [line for line in lines[:-1] if (line.get("reason") or "").startswith("internal error")]
    tracebacks = str(got["stderr"]).count("Traceback")
    checked = _measured(home, "check", "--json")
    print(f"\narchive ingest --jobs {args.jobs}: {float(got['seconds']):.0f} s, "
          f"{summary['new']} new, {summary['unchanged']} unchanged, {summary['failed']} refused; "
          f"every page its line: {named == {p.name for p in paths}}; internal errors {len(internal)}, "
          f"tracebacks {tracebacks}")
    print(f"  peak RSS: main {float(got['main_rss']) / 2**20:.0f} MiB, with its workers "
          f"{float(got['tree_rss']) / 2**20:.0f} MiB (PSS {float(got['tree_pss']) / 2**20:.0f} MiB); "
          f"check ok: {json.loads(str(checked['stdout']))['ok']}")
    for line in internal[:10]:
        print(f"    INTERNAL {line['path']}: {line['reason']}")
    met = (not crashes and not hangs and not internal and not tracebacks
           and float(got["tree_pss"]) < 500 * 2**20)
    print("\ntargets (0 crashes, 0 hangs, slowest < 10 s, peak < 500 MB):", "met" if met else "NOT met")


if __name__ == "__main__":
    main()
