"""End-to-end ingest throughput, time to add new pages, and index size against a fresh build.

    python benchmarks/ingest.py CORPUS HOME --size 100000 [--add 1000] [--jobs 2] [--no-rebuild]
    python benchmarks/ingest.py CORPUS HOME --existing --size 101000 --add 1000   # add only

CORPUS is a folder written by ``benchmarks/corpus.py`` holding at least ``size + add``
pages.  Each step runs the real command line in a subprocess (``archive ingest``,
``archive search``, ``archive reindex``), timed from the outside:

1. ingest the first ``size`` pages into an empty HOME (pages/s);
2. ingest the next ``add`` pages and search for one of them: seconds until the index commit
   holding them (the first new index generation, watched from outside: later commits
   only merge segments) and until the command ends;
3. the index size after those incremental ingests, then ``archive reindex`` (a fresh
   build of the same articles) and its size; the ratio should stay under 1.2.

With ``--existing`` step 1 is skipped: HOME already holds pages 0 .. size-1, and pages
size .. size+add-1 are added to it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import PER_SHARD, article  # noqa: E402

ARCHIVE = [sys.executable, "-c", "from archive.cli import main; main()"]


def _shards(corpus: Path, start: int, count: int) -> list[str]:
    """The shard folders (or single pages) holding pages start .. start+count-1."""
    out: list[str] = []
    index = start
    while index < start + count:
        shard = corpus / f"{index // PER_SHARD:04d}"
        if index % PER_SHARD == 0 and index + PER_SHARD <= start + count:
            out.append(str(shard))
            index += PER_SHARD
        else:
            out.append(str(shard / f"page-{index:07d}.html"))
            index += 1
    return out


def _run(home: Path, *args: str) -> tuple[float, str]:
    began = time.perf_counter()
    proc = subprocess.run(
        [*ARCHIVE, "--home", str(home), *args], capture_output=True, text=True, check=False
    )
    took = time.perf_counter() - began
    if proc.returncode not in (0, 1):
        raise SystemExit(f"archive {' '.join(args[:2])} failed: {proc.stderr[-2000:]}")
    return took, proc.stdout


def _generations(home: Path) -> set[str]:
    return {p.name for p in (home / "index").glob("*/_MAIN_*.toc")}


def _run_watching(home: Path, *args: str) -> tuple[float, float | None, str]:
    """Like _run, also timing the first index generation written by the command."""
    before = _generations(home)
    began = time.perf_counter()
    proc = subprocess.Popen([*ARCHIVE, "--home", str(home), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    committed = None
    while proc.poll() is None:
        if committed is None and _generations(home) - before:
            committed = time.perf_counter() - began
        time.sleep(0.05)
    out, err = proc.communicate()
    took = time.perf_counter() - began
    if proc.returncode not in (0, 1):
        raise SystemExit(f"archive {' '.join(args[:2])} failed: {err[-2000:]}")
    return took, committed, out


def _index_bytes(home: Path) -> int:
    return json.loads(_run(home, "stats", "--json")[1])["index_bytes"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("home", type=Path, help="an archive home to create (emptied first)")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--add", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-rebuild", action="store_true", help="skip the fresh-build size check")
    parser.add_argument("--existing", action="store_true",
                        help="HOME already holds the first SIZE pages: only add and measure")
    args = parser.parse_args(argv)
    rows: list[tuple[str, str]] = []

    if not args.existing:
        shutil.rmtree(args.home, ignore_errors=True)
        took, out = _run(args.home, "ingest", "--jobs", str(args.jobs),
                         *_shards(args.corpus, 0, args.size))
        rows.append((f"ingest {args.size} pages (--jobs {args.jobs})",
                     f"{took:.1f} s, {args.size / took:.1f} pages/s  [{out.strip()}]"))
        print(*rows[-1], sep=": ", flush=True)

    if args.add:
        probe = article(args.size + args.add - 1)
        ingest_took, committed, out = _run_watching(
            args.home, "ingest", "--jobs", str(args.jobs), *_shards(args.corpus, args.size, args.add)
        )
        began = time.perf_counter()
        proc = subprocess.run(
            [*ARCHIVE, "--home", str(args.home), "search", "--json", "--limit", "1000",
             f'title:"{probe["title"]}"'],
            capture_output=True, text=True, check=False,
        )
        search_took = time.perf_counter() - began
        # Templates print the URL in different forms; the title and the page number are kept.
        marker = f"-{args.size + args.add - 1}/"
        if proc.returncode == 0:
            hit: bool | str = any(h["title"] == probe["title"] and marker in (h["url"] or "")
                                  for h in json.loads(proc.stdout)["hits"])
        else:
            hit = f"search failed ({proc.stderr.strip()[-300:]})"
        shown = f"{committed:.1f} s" if committed is not None else "?"
        rows.append((f"add {args.add} pages to {args.size} until searchable",
                     f"{(committed or ingest_took) + search_took:.1f} s (committed after {shown}, "
                     f"command done after {ingest_took:.1f} s; search {search_took:.2f} s; "
                     f"newest page found: {hit})  [{out.strip()}]"))
        print(*rows[-1], sep=": ", flush=True)

    incremental = _index_bytes(args.home)
    rows.append(("index size after incremental ingests", f"{incremental / 2**20:.1f} MiB"))
    print(*rows[-1], sep=": ", flush=True)
    if not args.no_rebuild:
        took, _ = _run(args.home, "reindex")
        fresh = _index_bytes(args.home)
        rows.append(("fresh build (archive reindex)",
                     f"{fresh / 2**20:.1f} MiB in {took:.1f} s; incremental/fresh = "
                     f"{incremental / fresh:.2f}x"))
        print(*rows[-1], sep=": ", flush=True)

    print()
    print("| step | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
