"""Extraction quality and speed on a page set with ground truth, per page type.

Runs the archive's extractor (``archive.extract.extract_bytes``, exactly what ingest runs)
over a WCXB-layout data set (``DIR/<split>/html/<id>.html.gz`` +
``DIR/<split>/ground-truth/<id>.json``) and prints, per page type and overall:

* body text: token-shingle F1 / precision / recall (4-grams of ``\\w+`` tokens, counted
  with multiplicity, normalised per page; precision averaged over pages that predicted
  something, recall over pages whose truth has text; F1 the harmonic mean of the two means);
* date: share of pages with a true date whose predicted day (month, when the truth gives
  only a month) is right; ``spur`` is the share of undated pages given a date anyway;
* author (strict): equal after folding case, accents and whitespace, dropping a leading
  "by" and treating ``,`` ``;`` ``&`` ``and`` as one separator;
* title: equal after folding case, whitespace and quote marks;
* pages/s: pages / summed wall time of the extraction calls, one process, HTML in memory;
  the extractors take turns over blocks of 50 pages, so changing load slows them alike.

``--with trafilatura,readability`` runs the reference extractors (the ``bench`` extra) on
the same pages in the same run and adds the ratios of our figures to theirs.  Their speed is
the time of their body extraction alone (``trafilatura.extract`` / readability's
``summary()``), ours that of the whole record (decode, metadata, body): the comparison
leans against us.

    .venv/bin/python benchmarks/extraction.py --dataset ../shared/bench/wcxb \
        --with trafilatura,readability
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.contract.errors import ArchiveError  # noqa: E402
from archive.extraction.extract import extract_bytes  # noqa: E402
from benchmarks.scoring import (  # noqa: E402
    body_scores,
    date_correct,
    fold_authors,
    fold_title,
    precision,
    recall,
    shingle_match,
)

# ----------------------------------------------------------------------------- data set


@dataclass(slots=True)
class Page:
    id: str
    page_type: str
    url: str | None
    raw: bytes
    body: str
    title: str | None
    author: str | None
    date: str | None


def load_pages(
    root: Path, split: str, page_type: str | None, ids: set[str] | None, limit: int
) -> list[Page]:
    pages: list[Page] = []
    for gt_path in sorted((root / split / "ground-truth").glob("*.json")):
        if ids and gt_path.stem not in ids:
            continue
        data = json.loads(gt_path.read_text("utf-8"))
        truth = data.get("ground_truth") or {}
        kind = ((data.get("_internal") or {}).get("page_type") or {}).get("primary", "article")
        kind = "collection" if kind == "category" else kind
        if page_type and kind != page_type:
            continue
        with gzip.open(root / split / "html" / f"{gt_path.stem}.html.gz", "rb") as fh:
            raw = fh.read()
        pages.append(Page(
            id=gt_path.stem, page_type=kind, url=data.get("url"), raw=raw,
            body=truth.get("main_content") or "", title=truth.get("title") or None,
            author=truth.get("author") or None, date=truth.get("publish_date") or None,
        ))
        if limit and len(pages) >= limit:
            break
    return pages


_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset=[\"']?([a-zA-Z0-9_-]+)", re.I)


def as_text(raw: bytes) -> str:
    """HTML as the reference extractors get it: UTF-8 when valid, else the declared charset."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET_RE.search(raw[:8192])
    for enc in ([match.group(1).decode("ascii")] if match else []) + ["cp1252"]:
        try:
            return raw.decode(enc, errors="replace")
        except LookupError:
            continue
    return raw.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------- extractors


@dataclass(slots=True)
class Output:
    body: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    seconds: float = 0.0
    error: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)


def run_ours(page: Page) -> Output:
    start = time.perf_counter()
    try:
        record = extract_bytes(page.raw, f"{page.id}.html")
    except ArchiveError as exc:
        return Output(seconds=time.perf_counter() - start, error=str(exc))
    elapsed = time.perf_counter() - start
    return Output(
        body=record.body, title=record.title, authors=list(record.authors),
        date=record.published, seconds=elapsed, provenance=dict(record.provenance),
    )


def run_trafilatura(page: Page) -> Output:
    import trafilatura

    text = as_text(page.raw)
    start = time.perf_counter()
    body = trafilatura.extract(text, output_format="txt", include_comments=False)
    elapsed = time.perf_counter() - start
    meta = trafilatura.extract_metadata(text)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()] if meta else []
    return Output(
        body=body or "", title=meta.title if meta else None, authors=authors,
        date=meta.date if meta else None, seconds=elapsed,
    )


_BLOCK_OPEN_RE = re.compile(r"<(?:p|div|br|li|h[1-6]|tr|td|blockquote|pre|section|article)\b", re.I)


def run_readability(page: Page) -> Output:
    import lxml.html
    from readability import Document

    text = as_text(page.raw)
    start = time.perf_counter()
    doc = Document(text)
    summary = doc.summary()
    elapsed = time.perf_counter() - start
    body = ""
    if summary.strip():
        body = lxml.html.fromstring(_BLOCK_OPEN_RE.sub(lambda m: "\n" + m.group(0), summary))
        body = body.text_content()
    return Output(body=body, title=doc.short_title(), seconds=elapsed)


EXTRACTORS: dict[str, Callable[[Page], Output]] = {
    "ours": run_ours,
    "trafilatura": run_trafilatura,
    "readability": run_readability,
}
BLOCK = 50  # pages each extractor runs before the next one takes its turn
HAS_METADATA = {"ours": {"date", "author", "title"}, "trafilatura": {"date", "author", "title"},
                "readability": {"title"}}


# ------------------------------------------------------------------------------ scoring


def score(pages: list[Page], outputs: list[Output], fields: set[str]) -> dict[str, Any]:
    result: dict[str, Any] = {"pages": len(pages)}
    pairs = list(zip(pages, outputs, strict=True))
    result.update(body_scores([shingle_match(p.body, o.body) for p, o in pairs]))
    dated = [(p, o) for p, o in zip(pages, outputs, strict=True) if p.date]
    undated = [o for p, o in zip(pages, outputs, strict=True) if not p.date]
    authored = [(p, o) for p, o in zip(pages, outputs, strict=True) if p.author]
    titled = [(p, o) for p, o in zip(pages, outputs, strict=True) if p.title]
    if "date" in fields:
        result["date"] = _rate([date_correct(o.date, p.date or "") for p, o in dated])
        result["date_spurious"] = _rate([bool(o.date) for o in undated])
    if "author" in fields:
        result["author"] = _rate(
            [fold_authors(", ".join(o.authors)) == fold_authors(p.author or "")
             for p, o in authored]
        )
        result["author_spurious"] = _rate(
            [bool(o.authors) for p, o in zip(pages, outputs, strict=True) if not p.author]
        )
    if "title" in fields:
        result["title"] = _rate(
            [bool(o.title) and fold_title(o.title or "") == fold_title(p.title or "")
             for p, o in titled]
        )
    seconds = sum(o.seconds for o in outputs)
    result["pages_per_sec"] = len(outputs) / seconds if seconds else None
    result["ms_median"] = 1000 * statistics.median(o.seconds for o in outputs) if outputs else None
    result["errors"] = sum(1 for o in outputs if o.error)
    return result


def _rate(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


# ------------------------------------------------------------------------------- output

_COLUMNS = (("f1", "F1"), ("precision", "P"), ("recall", "R"), ("date", "date"),
            ("date_spurious", "spur"), ("author", "author"), ("title", "title"),
            ("pages_per_sec", "pages/s"))


def _cell(value: Any, key: str) -> str:
    if value is None:
        return "—"
    if key == "pages_per_sec":
        return f"{value:.1f}"
    return f"{value:.3f}"


def format_table(report: dict[str, Any]) -> str:
    names = report["extractors"]
    lines = [f"{report['dataset']}  ({report['pages']} pages)", ""]
    header = f"{'':<28}" + "".join(f"{label:>9}" for _, label in _COLUMNS)
    for group, per_name in report["groups"].items():
        lines.append(f"{group} ({per_name[names[0]]['pages']} pages)")
        lines.append(header)
        for name in names:
            row = per_name[name]
            cells = "".join(f"{_cell(row.get(k), k):>9}" for k, _ in _COLUMNS)
            lines.append(f"  {name:<26}{cells}")
        for name in names[1:]:
            ours, theirs = per_name[names[0]], per_name[name]
            cells = []
            for key, _ in _COLUMNS:
                a, b = ours.get(key), theirs.get(key)
                cells.append(f"{a / b:>9.2f}" if a is not None and b else f"{'—':>9}")
            lines.append(f"  {names[0] + '/' + name:<26}" + "".join(cells))
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True, type=Path, help="WCXB-layout directory")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--page-type", help="only this page type (article, forum, ...)")
    parser.add_argument("--ids", help="comma-separated page ids")
    parser.add_argument("--limit", type=int, default=0, help="first N pages only")
    parser.add_argument("--with", dest="refs", default="",
                        help="reference extractors to run too: trafilatura,readability")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead")
    parser.add_argument("--dump", type=Path, help="write per-page predictions as JSON Lines")
    args = parser.parse_args(argv)

    names = ["ours"] + [n.strip() for n in args.refs.split(",") if n.strip()]
    unknown = [n for n in names if n not in EXTRACTORS]
    if unknown:
        parser.error(f"unknown extractor(s): {', '.join(unknown)}")
    ids = {i.strip() for i in args.ids.split(",")} if args.ids else None
    pages = load_pages(args.dataset, args.split, args.page_type, ids, args.limit)
    if not pages:
        parser.error("no pages matched")

    outputs: dict[str, list[Output]] = {name: [] for name in names}
    for name in names:
        EXTRACTORS[name](pages[0])  # untimed warm-up: imports and lazy set-up
    # The extractors take turns over blocks of pages, so that a machine whose load changes
    # during the run slows them alike and the ratios stay fair.
    for start in range(0, len(pages), BLOCK):
        for name in names:
            run = EXTRACTORS[name]
            outputs[name].extend(run(page) for page in pages[start : start + BLOCK])

    groups: dict[str, list[int]] = {}
    for i, page in enumerate(pages):
        groups.setdefault(page.page_type, []).append(i)
    ordered = sorted(groups, key=lambda g: (g != "article", g))
    if len(ordered) > 1:
        groups["all"] = list(range(len(pages)))
        ordered.append("all")
    report: dict[str, Any] = {
        "dataset": f"{args.dataset.name}/{args.split}", "pages": len(pages),
        "extractors": names, "groups": {},
    }
    for group in ordered:
        idx = groups[group]
        group_pages = [pages[i] for i in idx]
        report["groups"][group] = {
            name: score(group_pages, [outputs[name][i] for i in idx], HAS_METADATA[name])
            for name in names
        }
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for i, page in enumerate(pages):
                row: dict[str, Any] = {
                    "id": page.id, "type": page.page_type, "url": page.url,
                    "truth": {"title": page.title, "author": page.author, "date": page.date},
                }
                for name in names:
                    out = outputs[name][i]
                    tp, fp, fn = shingle_match(page.body, out.body)
                    row[name] = {"p": precision(tp, fp, fn), "r": recall(tp, fp, fn),
                                 "title": out.title, "authors": out.authors, "date": out.date,
                                 "error": out.error, "provenance": out.provenance}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(format_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
