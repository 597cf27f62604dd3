"""Ingest and reindex on one machine beside a Dask LocalCluster, side by side.

    python benchmarks/cluster.py CORPUS WORK --size 10000 --rounds 3 [--workers 2] [--reindex 3]

CORPUS is a folder written by ``benchmarks/corpus.py``; WORK a scratch folder (homes are
made there, the last pair kept).  Every figure is taken in turns, so a machine shared
with other work loads both setups alike:

1. ``--rounds`` pairs of ``archive ingest`` of the first ``size`` pages into an empty home,
   ``--jobs N`` against ``--cluster local:N`` (the order swapped every round), each timed
   from outside (wall time, and the machine's load average as it started: the machine is
   shared, and the load says how much of it the run had); the two homes of a pair are
   then compared (records, search totals);
   then both homes' indexes are rebuilt alike and compared again (hits and order too);
2. with ``--reindex R``: R turns of three ways to rebuild the last home's index:
   ``archive reindex`` (this machine: one process per core writes a segment),
   ``archive reindex --cluster local:N`` (the workers build segments, adopted whole), and
   workers building the same segments that one writer then merges with ``add_reader``
   (the alternative the design weighed; run in this process);
3. what a LocalCluster costs to start, and what preparing documents (``document_for``,
   the only part of indexing a coordinator could hand out without handing out segments)
   costs beside Whoosh's own indexing;
4. the coordinator's ceiling: pages extracted beforehand, as workers hand them back, stored
   by the one writer (records, versions, originals, durable commits) -- how many workers one
   record store can keep up with;
5. a call to a Dask actor and back, the fixed cost a fan-out to shards adds per request
   (``--costs-only`` runs 4 and 5 alone).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import _shards  # noqa: E402

ARCHIVE = [sys.executable, "-c", "from archive.cli import main; main()"]


def _run(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, the 1-minute load average as it started, and its stdout.  (CPU time is
    not given: the extraction pool's processes are the forkserver's children, which
    RUSAGE_CHILDREN of the command does not count, so it would favour one setup.)"""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args[3:])} failed: {done.stderr.decode()[-800:]}")
    return wall, load, done.stdout.decode()


def _compare(one: Path, many: Path) -> str:
    """The two homes hold the same records and answer the same searches."""
    from archive.contract.search import SearchRequest
    from archive.operations.service import Archive

    def state(home: Path) -> tuple[object, ...]:
        with Archive(home) as archive, archive.workspace.reader() as store:
            records = sorted((r.id, r.sha256, r.title, r.body) for r in store.iter_records())
            totals = [archive.search(SearchRequest(query=q, limit=20)).to_dict()
                      for q in ("market", "council budget", '"city council"', "")]
            for t in totals:
                for hit in t["hits"]:
                    hit["score"] = round(hit["score"], 3) if hit["score"] is not None else None
        return records, [(t["total"], t["facets"]) for t in totals], [[h["id"] for h in t["hits"]] for t in totals]

    a, b = state(one), state(many)
    same = [a[0] == b[0], a[1] == b[1], a[2] == b[2]]
    return f"records {'equal' if same[0] else 'DIFFER'}, totals and facets {'equal' if same[1] else 'DIFFER'}, " \
           f"top-20 ids {'equal' if same[2] else 'differ (equal scores ordered by docnum: docs/scale-out.md)'}"


def ingest_rounds(corpus: Path, work: Path, size: int, rounds: int, workers: int) -> Path:
    shards = _shards(corpus, 0, size)
    setups = {"one machine": ["--jobs", str(workers)], "LocalCluster": ["--cluster", f"local:{workers}"]}
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in setups}
    homes: dict[str, Path] = {}
    print(f"ingest of {size} pages, {rounds} rounds, {workers} workers / processes")
    print("| round | setup | wall s | pages/s | load at start |")
    print("|---:|---|---:|---:|---:|")
    for turn in range(rounds):
        order = list(setups) if turn % 2 == 0 else list(reversed(setups))
        for name in order:
            home = work / f"home-{'one' if name == 'one machine' else 'cluster'}"
            shutil.rmtree(home, ignore_errors=True)
            wall, load, out = _run([*ARCHIVE, "--home", str(home), "ingest", "--json", *setups[name], *shards])
            summary = json.loads(out)
            if summary["new"] != size:
                raise SystemExit(f"{name}: {summary['new']} new of {size}: {summary['errors'][:3]}")
            figures[name].append((wall, load))
            homes[name] = home
            print(f"| {turn + 1} | {name} | {wall:.1f} | {size / wall:.1f} | {load:.1f} |", flush=True)
    print()
    print("| setup | median wall s | median pages/s | median load |")
    print("|---|---:|---:|---:|")
    for name, values in figures.items():
        wall = statistics.median(v[0] for v in values)
        load = statistics.median(v[1] for v in values)
        print(f"| {name} | {wall:.1f} | {size / wall:.1f} | {load:.1f} |")
    ratios = [c[0] / o[0] for o, c in zip(figures["one machine"], figures["LocalCluster"], strict=True)]
    print(f"\ncluster / one machine, wall time, pair by pair: {', '.join(f'{r:.3f}' for r in ratios)}; "
          f"median {statistics.median(ratios):.3f} (overhead {100 * (statistics.median(ratios) - 1):+.1f}%)")
    print(_compare(homes["one machine"], homes["LocalCluster"]))
    return homes["one machine"]


def _merged_rebuild(home: Path, executor: object) -> int:
    """Workers build segments; one writer merges them into one with ``add_reader``."""
    from whoosh import index as whoosh_index
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    from archive.operations.workspace import Workspace
    from index import columns, segments
    from index.location import open_index
    from index.schema import build_schema

    count = 0
    with Workspace(home) as workspace, workspace.lock(), workspace.writer() as store:
        location = workspace.backend.location
        folder = location.new_generation()
        ix = open_index(folder)
        writer = ix.writer(limitmb=segments.WRITER_LIMITMB)
        with tempfile.TemporaryDirectory(dir=home) as scratch:
            for n, built in enumerate(segments.built_segments(executor, store.iter_records())):
                part = Path(scratch) / str(n)
                part.mkdir()
                whoosh_index.create_in(str(part), build_schema())
                for name, data in built.files.items():
                    (part / name).write_bytes(data)
                reader = SegmentReader(FileStorage(str(part)), writer.schema, built.segment)
                writer.add_reader(reader)
                reader.close()
                count += len(built.indexed)
            writer.commit(merge=False)
        ix = open_index(folder)
        with ix.reader() as reader:
            columns.load(folder, reader)
        ix.close()
        location.publish(folder)
    return count


def compare_rebuilt(one: Path, many: Path) -> None:
    """Both homes' indexes rebuilt the same way (``archive reindex``): then every answer,
    hits and their order included, must be equal."""
    for home in (one, many):
        _run([*ARCHIVE, "--home", str(home), "reindex"])
    print(f"\nafter `archive reindex` of both homes: {_compare(one, many)}")


def reindex_rounds(home: Path, rounds: int, workers: int) -> None:
    from archive.operations.cluster import ClusterExecutor

    print(f"\nreindex of {home.name}, {rounds} rounds")
    print("| round | way | wall s | load at start |")
    print("|---:|---|---:|---:|")
    figures: dict[str, list[float]] = {}
    for turn in range(rounds):
        for way in ("this machine", "cluster, segments adopted", "cluster, segments merged (add_reader)"):
            if way == "this machine":
                wall, load, _ = _run([*ARCHIVE, "--home", str(home), "reindex"])
            elif way == "cluster, segments adopted":
                wall, load, _ = _run([*ARCHIVE, "--home", str(home), "reindex", "--cluster", f"local:{workers}"])
            else:
                load, start = os.getloadavg()[0], time.perf_counter()
                with ClusterExecutor(f"local:{workers}") as executor:
                    _merged_rebuild(home, executor)
                wall = time.perf_counter() - start
            figures.setdefault(way, []).append(wall)
            print(f"| {turn + 1} | {way} | {wall:.1f} | {load:.1f} |", flush=True)
    print("\n| way | median wall s |")
    print("|---|---:|")
    for way, values in figures.items():
        print(f"| {way} | {statistics.median(values):.1f} |")


def overheads(home: Path, workers: int) -> None:
    from archive.operations.cluster import ClusterExecutor
    from archive.storage.store import RecordStore
    from index.schema import build_schema, document_for

    starts = []
    for _ in range(3):
        start = time.perf_counter()
        with ClusterExecutor(f"local:{workers}") as executor:
            executor.submit(len, b"").result()
            starts.append(time.perf_counter() - start)
    print(f"\nLocalCluster of {workers}: start to first task answered, median of 3: {statistics.median(starts):.2f} s")
    with RecordStore(home / "archive.db") as store:
        records = [r for _, r in zip(range(2000), store.iter_records(), strict=False)]
    fields = set(build_schema().names())
    start = time.perf_counter()
    for record in records:
        document_for(record, fields)
    prepared = (time.perf_counter() - start) / len(records) * 1000
    print(f"preparing a document (document_for): {prepared:.3f} ms per article")


def writer_ceiling(corpus: Path, work: Path, size: int) -> None:
    """What the coordinator alone can store: pages read, extracted and compressed first (as
    workers would hand them back), then stored by the one writer into a fresh home, timed."""
    from archive.contract.clock import now_utc
    from archive.contract.settings import current
    from archive.operations.fetching import Fetch, fetch_chunk, written_ahead
    from archive.operations.ingest import Ingester
    from archive.operations.workspace import Workspace

    pages = sorted((corpus / "0000").glob("*.html"))[:size]
    fetched = fetch_chunk([Fetch(str(p), p.stat().st_size) for p in pages], now_utc(), current())
    home = work / "home-writer"
    shutil.rmtree(home, ignore_errors=True)
    with Workspace(home) as workspace, workspace.lock():
        ingester = Ingester(workspace)
        try:
            start = time.perf_counter()
            for _, item, written in written_ahead(((None, f) for f in fetched), workspace.originals):
                if written is not None:
                    written.result()
                ingester.keep_fetched(item, kept=written is not None)
            stored = time.perf_counter() - start
        finally:
            ingester.close()
    print(f"\nthe coordinator storing {len(fetched)} pages the workers extracted (originals written "
          f"{current().cluster_writers} at a time ahead of the records; durable commits): {stored:.2f} s, "
          f"{len(fetched) / stored:.0f} pages/s, {stored / len(fetched) * 1000:.2f} ms per page")


class _Echo:
    """A Dask actor answering at once: the round trip a request to a shard's actor costs."""

    def ping(self, payload: bytes) -> int:
        return len(payload)


def actor_round_trip(workers: int, calls: int = 200) -> None:
    from archive.operations.cluster import ClusterExecutor

    with ClusterExecutor(f"local:{workers}") as executor:
        actor = executor.client.submit(_Echo, actor=True).result()
        payload = bytes(2048)  # about a search request and its top hits
        for _ in range(20):
            actor.ping(payload).result()
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            actor.ping(payload).result()
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"a call to a Dask actor on a local worker and back ({calls} calls): "
          f"p50 {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reindex", type=int, default=0, metavar="R")
    parser.add_argument("--costs-only", action="store_true",
                        help="Only the coordinator's ceiling and an actor's round trip (steps 4 and 5).")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.costs_only:
        home = ingest_rounds(args.corpus, args.work, args.size, args.rounds, args.workers)
        compare_rebuilt(home, args.work / "home-cluster")
        if args.reindex:
            reindex_rounds(home, args.reindex, args.workers)
        overheads(home, args.workers)
    writer_ceiling(args.corpus, args.work, min(args.size, 1000))
    actor_round_trip(args.workers)


if __name__ == "__main__":
    main()
