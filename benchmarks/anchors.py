"""The query layer beside two anchors, SQLite FTS5 and tantivy, on the same records and
the same requests, in one run.

    python benchmarks/anchors.py HOME [--repeat 20] [--work DIR] [--rebuild] [--add 1000]

HOME is an archive built from ``benchmarks/corpus.py`` pages (see benchmarks/ingest.py).
Its stored records are indexed once by FTS5 (Python's sqlite3, ``porter unicode61``) and by
tantivy (the bench extra, ``pip install -e '.[bench]'``; English stemmer ``en_stem``) into
``--work`` (kept for later runs unless ``--rebuild``).  Every request of
``benchmarks/query.py``'s classes is then answered by all three, taking turns, each doing
the same work: the exact total, author/site/year/tag counts over every match, and a page of
hits with a snippet each (tantivy's and FTS5's own snippet functions).  Prints per class the
median and 95th percentile of each engine and the ratios to tantivy; then single-term
totals beside tantivy's (terms differing by more than 2% listed), index sizes, each
engine's first search in a fresh process, and the seconds to make ``--add`` more records
searchable (the anchors add the last ones; the project's figure is benchmarks/ingest.py's).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query import _ms, classes  # noqa: E402

from archive.contract.records import Record  # noqa: E402
from archive.contract.search import SearchRequest, date_bounds  # noqa: E402
from archive.operations.service import Archive  # noqa: E402
from index.schema import day_number, publication_stamp  # noqa: E402

FACETS = ("author", "site", "tag")


def records(home: Path) -> Iterator[Record]:
    from archive.storage.store import RecordStore

    with RecordStore.for_reading(home / "archive.db") as store:
        yield from store.iter_records()


def _bounds(request: SearchRequest) -> tuple[int, int] | None:
    if not (request.since or request.until):
        return None
    low = date_bounds(request.since)[0] if request.since else 1
    high = date_bounds(request.until)[1] if request.until else 99991231
    return low, high


# ---------------------------------------------------------------------------- FTS5


class Fts5:
    name = "FTS5"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)

    @staticmethod
    def build(path: Path, rows: Iterator[Record]) -> None:
        db = sqlite3.connect(path)
        db.executescript("""
            CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61');
            CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, title TEXT, published TEXT, site TEXT,
                              url TEXT, authors TEXT, day INTEGER, year INTEGER, stamp INTEGER);
            CREATE TABLE facet(rowid INTEGER, kind TEXT, value TEXT);
        """)
        Fts5.add(db, rows)
        db.executescript("""
            CREATE INDEX facet_rowid ON facet(rowid, kind);
            CREATE INDEX facet_value ON facet(kind, value);
            CREATE INDEX docs_day ON docs(day); CREATE INDEX docs_site ON docs(site);
        """)
        db.close()

    @staticmethod
    def add(db: sqlite3.Connection, rows: Iterator[Record]) -> None:
        start = db.execute("SELECT coalesce(max(rowid), 0) FROM docs").fetchone()[0] + 1
        with db:
            for n, r in enumerate(rows, start):
                day = day_number(r.published) or 0
                db.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (n, r.title, r.body))
                db.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)",
                           (n, r.id, r.title, r.published, r.site, r.url, json.dumps(list(r.authors)),
                            day, day // 10000, publication_stamp(r.published) or 0))
                values = [("author", a) for a in r.authors] + [("tag", t) for t in r.tags]
                values += [("site", r.site)] if r.site else []
                db.executemany("INSERT INTO facet VALUES (?,?,?)", [(n, k, v) for k, v in values])

    def search(self, request: SearchRequest) -> tuple[int, dict[str, Any], list[Any]]:
        db = self.db
        db.execute("DROP TABLE IF EXISTS temp.m")
        where, args = [], []
        if request.query:
            where.append("rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            args.append(request.query)
        for facet, values in request.filters.items():
            where.append(f"rowid IN (SELECT rowid FROM facet WHERE kind = ? AND value IN "
                         f"({','.join('?' * len(values))}))")
            args += [facet, *values]
        days = _bounds(request)
        if days:
            where.append("day BETWEEN ? AND ?")
            args += list(days)
        db.execute("CREATE TEMP TABLE m AS SELECT rowid FROM docs" + (" WHERE " + " AND ".join(where)
                                                                        if where else ""), args)
        total = db.execute("SELECT count(*) FROM m").fetchone()[0]
        facets = {k: db.execute("SELECT value, count(*) c FROM facet JOIN m USING(rowid) WHERE kind = ? "
                                "GROUP BY value ORDER BY c DESC LIMIT 20", (k,)).fetchall() for k in FACETS}
        facets["year"] = db.execute("SELECT year, count(*) c FROM docs JOIN m USING(rowid) WHERE year > 0 "
                                    "GROUP BY year ORDER BY c DESC LIMIT 20").fetchall()
        first = (request.page - 1) * request.limit
        if request.query and request.sort == "relevance":
            hits = db.execute(
                "SELECT d.id, d.title, d.authors, d.published, d.site, d.url, bm25(fts, 3.0, 1.0), "
                "snippet(fts, 1, '<mark>', '</mark>', '…', 30) FROM fts JOIN docs d ON d.rowid = fts.rowid "
                "WHERE fts MATCH ? AND fts.rowid IN m ORDER BY bm25(fts, 3.0, 1.0) LIMIT ? OFFSET ?",
                (request.query, request.limit, first)).fetchall()
        else:
            hits = db.execute(
                "SELECT d.id, d.title, d.authors, d.published, d.site, d.url, NULL, substr(f.body, 1, 240) "
                "FROM docs d JOIN m USING(rowid) JOIN fts f ON f.rowid = d.rowid "
                "ORDER BY (d.day = 0), d.stamp DESC LIMIT ? OFFSET ?", (request.limit, first)).fetchall()
        return total, facets, hits


# ------------------------------------------------------------------------- tantivy


class Tantivy:
    name = "tantivy"

    def __init__(self, path: Path) -> None:
        import tantivy

        self.t = tantivy
        self.index = tantivy.Index.open(str(path))
        self.index.reload()
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    @staticmethod
    def schema() -> Any:
        import tantivy

        sb = tantivy.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
        sb.add_text_field("body", stored=True, tokenizer_name="en_stem")
        for facet in FACETS:
            sb.add_text_field(facet, stored=facet != "tag", tokenizer_name="raw", fast=True)
        sb.add_text_field("published", stored=True, tokenizer_name="raw", index_option="basic")
        sb.add_text_field("url", stored=True, tokenizer_name="raw", index_option="basic")
        sb.add_unsigned_field("day", fast=True, indexed=True)
        sb.add_unsigned_field("year", fast=True, indexed=True)
        sb.add_integer_field("stamp", fast=True)
        return sb.build()

    @staticmethod
    def build(path: Path, rows: Iterator[Record]) -> None:
        import tantivy

        path.mkdir(parents=True)
        index = tantivy.Index(Tantivy.schema(), path=str(path))
        Tantivy.add(index, rows)

    @staticmethod
    def add(index: Any, rows: Iterator[Record]) -> None:
        import tantivy

        writer = index.writer(heap_size=512_000_000, num_threads=2)
        for r in rows:
            day = day_number(r.published) or 0
            doc = tantivy.Document()
            for name, values in (("id", [r.id]), ("title", [r.title]), ("body", [r.body]),
                                 ("author", r.authors), ("tag", r.tags), ("site", [r.site]),
                                 ("published", [r.published]), ("url", [r.url])):
                for value in values:
                    if value:
                        doc.add_text(name, value)
            doc.add_unsigned("day", day)
            doc.add_unsigned("year", day // 10000)
            doc.add_integer("stamp", publication_stamp(r.published) or 0)
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()

    def query(self, request: SearchRequest) -> Any:
        t = self.t
        parts = []
        if request.query:
            parts.append((t.Occur.Must, self.index.parse_query(
                request.query, ["title", "body"], field_boosts={"title": 3.0}, conjunction_by_default=True)))
        for facet, values in request.filters.items():
            parts.append((t.Occur.Must, t.Query.boolean_query(
                [(t.Occur.Should, t.Query.term_query(self.schema, facet, v)) for v in values])))
        days = _bounds(request)
        if days:
            parts.append((t.Occur.Must, t.Query.range_query(self.schema, "day", t.FieldType.Unsigned, *days)))
        if not parts:
            return t.Query.all_query()
        return parts[0][1] if len(parts) == 1 else t.Query.boolean_query(parts)

    def search(self, request: SearchRequest) -> tuple[int, dict[str, Any], list[Any]]:
        t = self.t
        q = self.query(request)
        first = (request.page - 1) * request.limit
        if request.query and request.sort == "relevance":
            found = self.searcher.search(q, request.limit, count=True, offset=first)
        else:
            found = self.searcher.search(q, request.limit, count=True, offset=first, order_by_field="stamp")
        aggs = {k: {"terms": {"field": k, "size": 20}} for k in (*FACETS, "year")}
        facets = self.searcher.aggregate(q, aggs)
        hits = []
        snippets = t.SnippetGenerator.create(self.searcher, q, self.schema, "body") if request.query else None
        for _score, address in found.hits:
            doc = self.searcher.doc(address)
            text = snippets.snippet_from_doc(doc).to_html() if snippets else doc["body"][0][:240]
            hits.append((doc["id"][0], doc["title"][0], doc.get_all("author"), text))
        return found.count, facets, hits


# --------------------------------------------------------------------------- runs


def _fresh(code: str) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - began


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path("/tmp/anchors"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--add", type=int, default=1000)
    parser.add_argument("--fresh", type=int, default=3)
    args = parser.parse_args(argv)
    fts_path, tv_path = args.work / "fts5.db", args.work / "tantivy"
    if args.rebuild:
        shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True, exist_ok=True)
    for build, path in ((Fts5.build, fts_path), (Tantivy.build, tv_path)):
        if not path.exists():
            began = time.perf_counter()
            build(path, records(args.home))
            print(f"built {path} in {time.perf_counter() - began:.0f} s", flush=True)
    fts, tv = Fts5(fts_path), Tantivy(tv_path)
    times: dict[tuple[str, str], list[float]] = {}
    totals: dict[tuple[str, str], list[int]] = {}
    with Archive(args.home, create=False) as archive:
        archive.search(SearchRequest(query="zeitgeist"))
        plan = classes(archive)
        engines = {"project": lambda r: archive.search(r).total, "FTS5": lambda r: fts.search(r)[0],
                   "tantivy": lambda r: tv.search(r)[0]}
        for request in plan["rare term"][:2] + plan["common term"][:2]:  # warm every engine
            for run in engines.values():
                run(request)
        for name, requests in plan.items():
            for i in range(args.repeat):
                request = requests[i % len(requests)]
                order = list(engines.items())
                order = order[i % 3:] + order[: i % 3]  # each engine goes first in turn
                for engine, run in order:
                    began = time.perf_counter()
                    total = run(request)
                    times.setdefault((name, engine), []).append(time.perf_counter() - began)
                    totals.setdefault((name, engine), []).append(total)
        terms = [r.query for r in plan["rare term"] + plan["common term"]]
        term_totals = [(w, archive.search(SearchRequest(query=w, limit=1)).total,
                        tv.search(SearchRequest(query=w, limit=1))[0]) for w in terms]
        project_bytes = archive.workspace.backend.size_bytes()

    print("\n| class | project p50 / p95 | FTS5 p50 / p95 | tantivy p50 / p95 | project / tantivy p50, p95 "
          "| mean total project / FTS5 / tantivy |\n|---|---:|---:|---:|---:|---:|")
    for name in plan:
        cells = {e: _ms(times[(name, e)]) for e in engines}
        (p50, p95), (t50, t95) = cells["project"], cells["tantivy"]
        means = " / ".join(str(int(statistics.mean(totals[(name, e)]))) for e in engines)
        print(f"| {name} | " + " | ".join(f"{a:.1f} / {b:.1f}" for a, b in cells.values())
              + f" | {p50 / t50:.2f}x, {p95 / t95:.2f}x | {means} |")

    off = [(w, p, t) for w, p, t in term_totals if abs(p - t) > 0.02 * max(t, 1)]
    print(f"\nsingle-term totals: {len(term_totals) - len(off)} of {len(term_totals)} within 2% of tantivy's")
    for w, p, t in off:
        print(f"  {w}: project {p}, tantivy {t} ({100 * (p - t) / max(t, 1):+.1f}%)")

    print("\n| | project | FTS5 | tantivy |\n|---|---:|---:|---:|")
    sizes = (project_bytes, _size(fts_path), _size(tv_path))
    print("| index on disk, MiB | " + " | ".join(f"{s / 2**20:.0f}" for s in sizes) + " |")
    root = str(Path(__file__).resolve().parent)
    codes = {
        "project": "from archive.cli import main; import sys; sys.argv[1:] = ['--home', "
                   f"{str(args.home)!r}, 'search', 'zeitgeist', '--json']; main()",
        "FTS5": f"import sys; sys.path.insert(0, {root!r}); from anchors import Fts5; "
                f"from archive.contract.search import SearchRequest; Fts5({str(fts_path)!r}).search("
                "SearchRequest(query='zeitgeist'))",
        "tantivy": f"import sys; sys.path.insert(0, {root!r}); from anchors import Tantivy; "
                   f"from archive.contract.search import SearchRequest; Tantivy({str(tv_path)!r}).search("
                   "SearchRequest(query='zeitgeist'))",
    }
    fresh = {e: [] for e in codes}
    for _ in range(args.fresh):
        for engine, code in codes.items():
            try:
                fresh[engine].append(_fresh(code))
            except subprocess.CalledProcessError:
                pass  # the project's command exits 0 even on no match; a failure is left out
    print("| first search, fresh process, ms (median) | " + " | ".join(
        f"{statistics.median(v) * 1000:.0f}" if v else "?" for v in fresh.values()) + " |")
    if args.add:
        extra = list(records(args.home))[-args.add:]
        added = {}
        copy = args.work / "fts5-add.db"
        shutil.copy(fts_path, copy)
        began = time.perf_counter()
        db = sqlite3.connect(copy)
        Fts5.add(db, iter(extra))
        db.close()
        added["FTS5"] = time.perf_counter() - began
        copy_tv = args.work / "tantivy-add"
        shutil.rmtree(copy_tv, ignore_errors=True)
        shutil.copytree(tv_path, copy_tv)
        import tantivy

        began = time.perf_counter()
        index = tantivy.Index.open(str(copy_tv))
        Tantivy.add(index, iter(extra))
        index.reload()
        added["tantivy"] = time.perf_counter() - began
        os.unlink(copy)
        shutil.rmtree(copy_tv, ignore_errors=True)
        print(f"| {args.add} records added until searchable, s | (benchmarks/ingest.py) | "
              f"{added['FTS5']:.1f} | {added['tantivy']:.1f} |")


if __name__ == "__main__":
    main()
