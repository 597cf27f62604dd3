"""``archive ingest`` end to end against a hand-built trafilatura + Whoosh pipeline, on the
same real article pages, in the same run.

    python benchmarks/ingest_vs_trafilatura.py --dataset ../shared/bench/wcxb \
        --dataset ../shared/bench/news --dataset ../shared/bench/trafeval [--pages 1200] [--jobs 2]

The pages (article pages of the given sets, spread evenly over each) are written once to a
scratch folder as ``.html`` files. Then, alternately and ``--rounds`` times each:

* ours: ``archive --home HOME ingest FOLDER --jobs N`` in a subprocess, into an empty home
  (originals stored and hashed, records in SQLite, the Whoosh index with facets written);
* the reference: a script that reads each file, decodes it, runs
  ``trafilatura.bare_extraction(..., with_metadata=True)`` in a pool of N processes, and
  writes title, body, author, site, date, tags and URL into a fresh Whoosh index (stemmed
  text, keyword facets) with one writer and one commit: what a person would build by hand
  with the same two libraries. It stores no originals and keeps no record store, so the
  comparison leans against us.

Both are timed from outside, process start to exit; the medians and their ratio are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datasets import load, spread  # noqa: E402

REFERENCE = r'''
import os, sys
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

def extract(path):
    import trafilatura
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    if doc is None:
        return None
    doc = doc if isinstance(doc, dict) else doc.as_dict()
    return {k: doc.get(k) for k in ("title", "text", "author", "sitename", "date", "tags", "url")}

def main(folder, index_dir, jobs):
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True), url=fields.ID(stored=True),
        title=fields.TEXT(stored=True, analyzer=StemmingAnalyzer(), field_boost=3.0),
        body=fields.TEXT(analyzer=StemmingAnalyzer()),
        author=fields.KEYWORD(stored=True, commas=True, lowercase=True),
        site=fields.KEYWORD(stored=True, lowercase=True), tag=fields.KEYWORD(commas=True, lowercase=True),
        published=fields.DATETIME(stored=True))
    os.makedirs(index_dir)
    ix = index.create_in(index_dir, schema)
    paths = sorted(os.path.join(folder, n) for n in os.listdir(folder))
    writer = ix.writer(limitmb=256)
    with ProcessPoolExecutor(jobs) as pool:
        for path, doc in zip(paths, pool.map(extract, paths, chunksize=8)):
            if not doc or not doc["text"]:
                continue
            published = None
            if doc["date"]:
                try:
                    published = datetime.fromisoformat(doc["date"][:10])
                except ValueError:
                    pass
            tags = doc["tags"] or []
            writer.add_document(
                id=path, url=doc["url"] or "", title=doc["title"] or "", body=doc["text"],
                author=(doc["author"] or "").replace(";", ","), site=doc["sitename"] or "",
                tag=",".join(tags) if isinstance(tags, list) else str(tags), published=published)
    writer.commit()

main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
'''


def _timed(cmd: list[str]) -> float:
    began = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    took = time.perf_counter() - began
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed: {proc.stderr[-2000:]}")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, action="append", required=True)
    parser.add_argument("--pages", type=int, default=1200, help="article pages in all")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/ingest-vs-trafilatura"))
    args = parser.parse_args(argv)

    shutil.rmtree(args.scratch, ignore_errors=True)
    folder = args.scratch / "pages"
    folder.mkdir(parents=True)
    per_set = args.pages // len(args.dataset)
    count = 0
    for root in args.dataset:
        name, pages = load(root, page_type="article")
        for page in spread(pages, per_set):
            (folder / f"{name.replace('/', '-')}-{page.id.removesuffix('.html')}.html").write_bytes(page.raw)
            count += 1
    megabytes = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
    print(f"{count} article pages ({megabytes:.0f} MiB), --jobs {args.jobs}, {args.rounds} rounds")

    ours, theirs = [], []
    for round_ in range(args.rounds):
        home = args.scratch / f"home-{round_}"
        ours.append(_timed([sys.executable, "-c", "from archive.cli import main; main()",
                            "--home", str(home), "ingest", "--jobs", str(args.jobs), str(folder)]))
        theirs.append(_timed([sys.executable, "-c", REFERENCE, str(folder),
                              str(args.scratch / f"ref-{round_}"), str(args.jobs)]))
        print(f"  round {round_ + 1}: ours {count / ours[-1]:.1f} pages/s, "
              f"trafilatura + Whoosh {count / theirs[-1]:.1f} pages/s", flush=True)
    a, b = count / statistics.median(ours), count / statistics.median(theirs)
    print(f"\n| pipeline | pages/s (median of {args.rounds}) |\n|---|---:|")
    print(f"| archive ingest | {a:.1f} |\n| trafilatura + Whoosh | {b:.1f} |\n| ratio | {a / b:.2f}x |")
    shutil.rmtree(args.scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
