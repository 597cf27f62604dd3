"""Extraction quality and speed on page sets with ground truth, beside reference extractors.

Runs the archive's extractor (``extract_bytes``, exactly what ingest runs) over one or more
page sets (WCXB, ScrapingHub or trafilatura layout, see datasets.py) and prints one table per
set, with a row per group (WCXB page type, ScrapingHub source) and one for the whole set:

* body: token-shingle F1 / P / R where the truth has the clean text (4-grams of ``\\w+``
  tokens with multiplicity, normalised per page; P averaged over pages that predicted
  something, R over pages whose truth has text, F1 the harmonic mean of the two means); on
  snippet sets (trafilatura's evaluation) micro P / R / F1 of the must / must-not snippets;
* date: share of pages with a true date whose predicted day (month, when the truth gives
  only a month) is right; ``spur``: share of pages annotated as undated given a date anyway;
* author (strict): equal after folding case, accents and whitespace, dropping a leading
  "by", ``,`` ``;`` ``&`` ``and`` as one separator; ``junk``: share of the extracted author
  names that are no person's name (a role, a label, leading punctuation, an address, the
  site: ``scoring.author_junk``);
* title: equal after folding case, whitespace and quote marks;
* ``cat``: catastrophic pages, where ours scores under 0.5 (the page's F1) and the reference
  at least 0.9;
* pages/s: pages / summed wall time of the extraction calls, HTML in memory, one process
  per worker; the extractors take turns over blocks of 50 pages, so load changes slow them
  alike.

``--with trafilatura`` runs trafilatura twice, comments out and comments in, and compares
with its better setting on each set (by body F1); ``readability`` is available too.  Their
speed is the time of their body extraction alone (metadata is read outside the timer), ours
that of the whole record (decode, metadata, body): the comparison leans against us.

    .venv/bin/python benchmarks/extraction.py --dataset ../shared/bench/wcxb \
        --dataset ../shared/bench/news --dataset ../shared/bench/trafeval --with trafilatura
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.contract.errors import ArchiveError  # noqa: E402
from archive.extraction.extract import extract_bytes  # noqa: E402
from benchmarks.datasets import Page, load, spread  # noqa: E402
from benchmarks.references import as_text, host_names  # noqa: E402
from benchmarks.scoring import (  # noqa: E402
    author_junk,
    body_scores,
    date_correct,
    fold_authors,
    fold_title,
    page_f1,
    shingle_match,
    snippet_match,
    snippet_scores,
)

# ---------------------------------------------------------------------------- extractors


@dataclass(slots=True)
class Output:
    body: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    site: str | None = None
    seconds: float = 0.0
    error: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)


def run_ours(page: Page) -> Output:
    start = time.perf_counter()
    try:
        record = extract_bytes(page.raw, f"{page.id.removesuffix('.html')}.html")
    except ArchiveError as exc:
        return Output(seconds=time.perf_counter() - start, error=str(exc))
    elapsed = time.perf_counter() - start
    return Output(
        body=record.body, title=record.title, authors=list(record.authors), site=record.site,
        date=record.published, seconds=elapsed, provenance=dict(record.provenance),
    )


def _trafilatura(page: Page, comments: bool) -> Output:
    import trafilatura

    text = as_text(page.raw)
    start = time.perf_counter()
    body = trafilatura.extract(text, output_format="txt", include_comments=comments)
    elapsed = time.perf_counter() - start
    meta = trafilatura.extract_metadata(text)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()] if meta else []
    return Output(
        body=body or "", title=meta.title if meta else None, authors=authors,
        date=meta.date if meta else None, site=meta.sitename if meta else None, seconds=elapsed,
    )


def run_trafilatura(page: Page) -> Output:
    return _trafilatura(page, comments=False)


def run_trafilatura_comments(page: Page) -> Output:
    return _trafilatura(page, comments=True)


def run_readability(page: Page) -> Output:
    import lxml.html
    from readability import Document

    from benchmarks.references import with_block_breaks

    text = as_text(page.raw)
    start = time.perf_counter()
    doc = Document(text)
    summary = doc.summary()
    elapsed = time.perf_counter() - start
    body = lxml.html.fromstring(with_block_breaks(summary)).text_content() if summary.strip() else ""
    return Output(body=body, title=doc.short_title(), seconds=elapsed)


EXTRACTORS: dict[str, Callable[[Page], Output]] = {
    "ours": run_ours,
    "trafilatura": run_trafilatura,
    "trafilatura+comments": run_trafilatura_comments,
    "readability": run_readability,
}
# Names asked for on the command line, and the extractors each one runs.
RUNS = {"trafilatura": ("trafilatura", "trafilatura+comments"), "readability": ("readability",)}
BLOCK = 50  # pages each extractor runs before the next one takes its turn
HAS_METADATA = {"ours": {"date", "author", "title"}, "trafilatura": {"date", "author", "title"},
                "trafilatura+comments": {"date", "author", "title"}, "readability": {"title"}}
CATASTROPHE = (0.5, 0.9)  # ours below the first where the reference reaches the second


def run_shard(pages: list[Page], names: list[str]) -> dict[str, list[Output]]:
    """Every extractor over the pages, taking turns over blocks of them."""
    outputs: dict[str, list[Output]] = {name: [] for name in names}
    for name in names:
        EXTRACTORS[name](pages[0])  # untimed warm-up: imports and lazy set-up
    for start in range(0, len(pages), BLOCK):
        for name in names:
            outputs[name].extend(EXTRACTORS[name](page) for page in pages[start : start + BLOCK])
    return outputs


def run_all(pages: list[Page], names: list[str], jobs: int) -> dict[str, list[Output]]:
    """``run_shard`` over ``jobs`` interleaved shards in parallel, results back in page order."""
    if jobs <= 1 or len(pages) < 2 * jobs:
        return run_shard(pages, names)
    shards = [pages[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(jobs) as pool:
        results = list(pool.map(run_shard, shards, [names] * jobs))
    outputs: dict[str, list[Output]] = {name: [Output()] * len(pages) for name in names}
    for i, result in enumerate(results):
        for name in names:
            outputs[name][i::jobs] = result[name]
    return outputs


# ------------------------------------------------------------------------------ scoring


def page_score(page: Page, out: Output) -> float:
    """How well one page went, 0 to 1: its shingle F1, or its snippet F1."""
    if page.body is None:
        return page_f1(*snippet_match(out.body, page.with_, page.without))
    return page_f1(*shingle_match(page.body, out.body))


def score(pages: list[Page], outputs: list[Output], fields: set[str],
          reference: list[Output] | None = None) -> dict[str, Any]:
    pairs = list(zip(pages, outputs, strict=True))
    result: dict[str, Any] = {"pages": len(pages)}
    if pages and pages[0].body is None:
        result.update(snippet_scores([snippet_match(o.body, p.with_, p.without) for p, o in pairs]))
    else:
        result.update(body_scores([shingle_match(p.body or "", o.body) for p, o in pairs]))
    if "date" in fields:
        result["date"] = _rate([date_correct(o.date, p.date) for p, o in pairs if p.date])
        result["date_spurious"] = _rate([bool(o.date) for p, o in pairs
                                         if not p.date and "date" in p.annotated])
    if "author" in fields:
        result["author"] = _rate([fold_authors(", ".join(o.authors)) == fold_authors(p.author)
                                  for p, o in pairs if p.author])
        names = [(n, p, o) for p, o in pairs for n in o.authors]
        result["author_junk"] = _rate([
            author_junk(n, tuple(filter(None, (o.site, *host_names(p.url))))) is not None
            for n, p, o in names])
    if "title" in fields:
        result["title"] = _rate([bool(o.title) and fold_title(o.title) == fold_title(p.title)
                                 for p, o in pairs if p.title])
    if reference is not None:
        low, high = CATASTROPHE
        result["catastrophic"] = sum(
            1 for p, o, r in zip(pages, outputs, reference, strict=True)
            if page_score(p, o) < low and page_score(p, r) >= high)
    seconds = sum(o.seconds for o in outputs)
    result["pages_per_sec"] = len(outputs) / seconds if seconds else None
    result["ms_median"] = 1000 * statistics.median(o.seconds for o in outputs) if outputs else None
    result["errors"] = sum(1 for o in outputs if o.error)
    return result


def _rate(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def better_trafilatura(report: dict[str, Any]) -> str:
    """The trafilatura setting with the higher body F1 on the whole set."""
    whole = report["groups"][next(reversed(report["groups"]))]
    runs = [n for n in ("trafilatura", "trafilatura+comments") if n in whole]
    return max(runs, key=lambda n: whole[n]["f1"])


# ------------------------------------------------------------------------------- output

_COLUMNS = (("f1", "F1"), ("precision", "P"), ("recall", "R"), ("date", "date"),
            ("date_spurious", "spur"), ("author", "author"), ("author_junk", "junk"),
            ("title", "title"), ("catastrophic", "cat"), ("pages_per_sec", "pages/s"))


def _cell(value: Any, key: str) -> str:
    if value is None:
        return "—"
    if key == "pages_per_sec":
        return f"{value:.1f}"
    if key == "catastrophic":
        return str(value)
    return f"{value:.3f}"


def format_table(report: dict[str, Any]) -> str:
    shown = report["shown"]
    lines = [f"{report['dataset']}  ({report['pages']} pages)", ""]
    header = f"{'':<28}" + "".join(f"{label:>9}" for _, label in _COLUMNS)
    for group, per_name in report["groups"].items():
        lines.append(f"{group} ({per_name[shown[0]]['pages']} pages)")
        lines.append(header)
        for name in shown:
            row = per_name[name]
            cells = "".join(f"{_cell(row.get(k), k):>9}" for k, _ in _COLUMNS)
            lines.append(f"  {name:<26}{cells}")
        for name in shown[1:]:
            ours, theirs = per_name[shown[0]], per_name[name]
            cells = []
            for key, _ in _COLUMNS:
                a, b = ours.get(key), theirs.get(key)
                ratio = key not in ("catastrophic", "author_junk") and a is not None and b
                cells.append(f"{a / b:>9.2f}" if ratio else f"{'—':>9}")
            lines.append(f"  {shown[0] + '/' + name:<26}" + "".join(cells))
        lines.append("")
    return "\n".join(lines)


def report_set(name: str, pages: list[Page], outputs: dict[str, list[Output]],
               names: list[str]) -> dict[str, Any]:
    groups: dict[str, list[int]] = {}
    for i, page in enumerate(pages):
        groups.setdefault(page.group, []).append(i)
    ordered = sorted(groups, key=lambda g: (g != "article", g))
    if len(ordered) > 1:
        groups["all"] = list(range(len(pages)))
        ordered.append("all")
    report: dict[str, Any] = {"dataset": name, "pages": len(pages), "extractors": names,
                              "groups": {}}
    for group in ordered:
        idx = groups[group]
        subset = [pages[i] for i in idx]
        report["groups"][group] = {
            n: score(subset, [outputs[n][i] for i in idx], HAS_METADATA[n]) for n in names
        }
    shown = [n for n in names if not n.startswith("trafilatura")]
    if any(n.startswith("trafilatura") for n in names):
        best = better_trafilatura(report)
        shown.insert(1, best)
        for group in ordered:  # catastrophic pages, against the better setting
            idx = groups[group]
            report["groups"][group]["ours"]["catastrophic"] = score(
                [pages[i] for i in idx], [outputs["ours"][i] for i in idx], set(),
                [outputs[best][i] for i in idx])["catastrophic"]
    report["shown"] = shown
    return report


def dump(path: Path, name: str, pages: list[Page], outputs: dict[str, list[Output]]) -> None:
    """Per-page predictions and scores as JSON Lines, for finding what fails."""
    with path.open("a", encoding="utf-8") as fh:
        for i, page in enumerate(pages):
            row: dict[str, Any] = {"set": name, "id": page.id, "group": page.group,
                                   "url": page.url, "truth": {"title": page.title,
                                                              "author": page.author,
                                                              "date": page.date}}
            for n, outs in outputs.items():
                out = outs[i]
                row[n] = {"score": page_score(page, out), "title": out.title,
                          "authors": out.authors, "date": out.date, "error": out.error,
                          "provenance": out.provenance, "body": out.body}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True, type=Path, action="append",
                        help="a page set (WCXB, ScrapingHub or trafilatura layout); repeatable")
    parser.add_argument("--split", default="dev", help="WCXB split")
    parser.add_argument("--page-type", help="WCXB: only this page type (article, forum, ...)")
    parser.add_argument("--ids", help="comma-separated page ids")
    parser.add_argument("--sample", type=int, default=0,
                        help="N pages of each set, spread evenly over its groups")
    parser.add_argument("--jobs", type=int, default=1,
                        help="worker processes (speeds are then each worker's own)")
    parser.add_argument("--with", dest="refs", default="",
                        help="reference extractors to run too: trafilatura,readability")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead")
    parser.add_argument("--dump", type=Path, help="write per-page predictions as JSON Lines")
    args = parser.parse_args(argv)

    asked = [n.strip() for n in args.refs.split(",") if n.strip()]
    unknown = [n for n in asked if n not in RUNS]
    if unknown:
        parser.error(f"unknown extractor(s): {', '.join(unknown)}")
    names = ["ours"] + [run for n in asked for run in RUNS[n]]
    ids = {i.strip() for i in args.ids.split(",")} if args.ids else None
    if args.dump:
        args.dump.write_text("")
    reports = []
    for root in args.dataset:
        name, pages = load(root, args.split, args.page_type)
        if ids:
            pages = [p for p in pages if p.id in ids]
        pages = spread(pages, args.sample)
        if not pages:
            continue
        outputs = run_all(pages, names, args.jobs)
        reports.append(report_set(name, pages, outputs, names))
        if args.dump:
            dump(args.dump, name, pages, outputs)
        if not args.json:
            print(format_table(reports[-1]), flush=True)
    if not reports:
        parser.error("no pages matched")
    if args.json:
        print(json.dumps(reports, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
