"""Query latency by query class: in-process (warm, one searcher reused) and the first query
of a fresh ``archive search`` process.

    python benchmarks/query.py HOME [--repeat 40] [--fresh 5]

HOME is an archive built from ``benchmarks/corpus.py`` pages (see benchmarks/ingest.py).
Each class runs ``--repeat`` times over varied words from the corpus vocabulary; every
search computes the total, all facet counts (author, site, year, tag) and highlighted
snippets for the page shown, as the CLI does.  Prints a Markdown table of medians and p95.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import RARE_WORDS, world  # noqa: E402
from whoosh.analysis import STOP_WORDS  # noqa: E402

from archive.contract.search import SearchRequest  # noqa: E402
from archive.operations.service import Archive  # noqa: E402


def _words(seed: int = 7) -> tuple[list[str], list[str]]:
    vocab = [w for w in world(seed)["words"][:400] if w not in STOP_WORDS and len(w) > 3]
    return vocab[:40], vocab[100:300]


def classes(archive: Archive) -> dict[str, list[SearchRequest]]:
    common, middle = _words()
    rng = random.Random(1)
    top = archive.search(SearchRequest(query=common[0], limit=1)).facets
    author = top["author"][0].value
    site = top["site"][0].value
    out: dict[str, list[SearchRequest]] = {
        "rare term": [SearchRequest(query=w) for w in RARE_WORDS],
        "common term": [SearchRequest(query=w) for w in common],
        "two terms AND": [
            SearchRequest(query=f"{rng.choice(common)} {rng.choice(middle)}") for _ in range(40)
        ],
        "phrase": [
            SearchRequest(query=f'"{rng.choice(middle)} {rng.choice(common)}"') for _ in range(40)
        ],
        "term + author + date range": [
            SearchRequest(query=w, filters={"author": (author,)}, since="2015-01-01", until="2018-12-31")
            for w in common
        ],
        "term, all facets + highlights (limit 20)": [
            SearchRequest(query=w, limit=20) for w in middle[:40]
        ],
        "empty query, filters, newest first": [
            SearchRequest(filters={"site": (site,)}, since=f"{y}-01-01", sort="newest")
            for y in range(2011, 2025)
        ],
        "page 50 of a common term": [SearchRequest(query=w, page=50) for w in common],
    }
    return out


def _ms(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return statistics.median(values) * 1000, p95 * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--fresh", type=int, default=5, help="fresh-process runs")
    args = parser.parse_args(argv)
    rows = []
    began = time.perf_counter()
    with Archive(args.home, create=False) as archive:
        first = archive.search(SearchRequest(query="zeitgeist"))
        opened = time.perf_counter() - began
        docs = archive.stats()["indexed"]
        for name, requests in classes(archive).items():
            times = []
            total = 0
            for i in range(args.repeat):
                request = requests[i % len(requests)]
                t = time.perf_counter()
                result = archive.search(request)
                times.append(time.perf_counter() - t)
                total += result.total
            median, p95 = _ms(times)
            rows.append((name, median, p95, total // args.repeat))
    fresh = []
    for _ in range(args.fresh):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "from archive.cli import main; main()", "--home",
             str(args.home), "search", "zeitgeist", "--json"],
            check=True, capture_output=True,
        )
        fresh.append(time.perf_counter() - t)
    print(f"{docs} indexed articles; open + first query in this process "
          f"{opened * 1000:.0f} ms ({first.total} hits)\n")
    print("| query class | median ms | p95 ms | mean matches |\n|---|---:|---:|---:|")
    for name, median, p95, total in rows:
        print(f"| {name} | {median:.1f} | {p95:.1f} | {total} |")
    median, p95 = _ms(fresh)
    print(f"| first `archive search` in a fresh process (whole command) | {median:.0f} | "
          f"{p95:.0f} | |")


if __name__ == "__main__":
    main()
