"""Dump the record of every page of a data set, or compare two such dumps.

A change meant only to make extraction faster must leave every record as it was. Dump
before the change, dump after it, and compare:

    .venv/bin/python benchmarks/records.py dump --dataset ../shared/bench/wcxb before.jsonl
    .venv/bin/python benchmarks/records.py dump --dataset ../shared/bench/wcxb after.jsonl
    .venv/bin/python benchmarks/records.py diff before.jsonl after.jsonl

``--dataset`` takes any layout the extraction benchmark reads (WCXB, ScrapingHub,
trafilatura's evaluation; see datasets.py) and may be repeated: page ids are then prefixed
with the set's name.

Each line holds one page's whole record (every field, provenance included) or the error
it raised. The capture time is fixed and the source path is the page's id, so two dumps
of unchanged code are byte for byte equal. ``diff`` prints the fields that differ, page
by page, and exits non-zero when any does; a field that is null on one side and absent on
the other (one added to the record since) is no difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.contract.errors import ArchiveError  # noqa: E402
from archive.extraction.extract import extract_bytes  # noqa: E402
from benchmarks.datasets import load  # noqa: E402

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def dump(datasets: list[Path], split: str, out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        for dataset in datasets:
            name, pages = load(dataset, split)
            for page in pages:
                page_id = page.id.removesuffix(".html")
                row: dict[str, Any] = {"id": f"{name}:{page_id}" if len(datasets) > 1 else page_id}
                try:
                    row["record"] = extract_bytes(page.raw, f"{page_id}.html", now=NOW).to_dict()
                    row["record"].pop("source_path")  # absolute: depends on the working directory
                except ArchiveError as exc:
                    row["error"] = str(exc)
                fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
    print(f"{count} pages -> {out}")
    return 0


def _load(path: Path) -> dict[str, dict[str, Any]]:
    rows = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            rows[row.pop("id")] = row
    return rows


def _without_nulls(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """A row with its record's null fields left out: a field added to the record since the
    other dump (null there, absent here) is not a change."""
    if row is None or "record" not in row:
        return row
    return row | {"record": {k: v for k, v in row["record"].items() if v is not None}}


def diff(before: Path, after: Path) -> int:
    old, new = _load(before), _load(after)
    changed = 0
    for page_id in sorted(old.keys() | new.keys()):
        a, b = _without_nulls(old.get(page_id)), _without_nulls(new.get(page_id))
        if a == b:
            continue
        changed += 1
        if a is None or b is None:
            print(f"{page_id}: only in {'after' if a is None else 'before'}")
            continue
        if "error" in a or "error" in b:
            print(f"{page_id}: error {a.get('error')!r} -> {b.get('error')!r}")
            continue
        for key in sorted(a["record"].keys() | b["record"].keys()):
            va, vb = a["record"].get(key), b["record"].get(key)
            if va != vb:
                print(f"{page_id}: {key}: {str(va)[:200]!r} -> {str(vb)[:200]!r}")
    print(f"{len(old)} / {len(new)} pages compared, {changed} differ")
    return 1 if changed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="write every page's record as JSON Lines")
    d.add_argument("--dataset", required=True, type=Path, action="append",
                   help="a page set (any layout datasets.py reads); repeatable")
    d.add_argument("--split", default="dev")
    d.add_argument("out", type=Path)
    c = sub.add_parser("diff", help="compare two dumps; non-zero exit when any record differs")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        return dump(args.dataset, args.split, args.out)
    return diff(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
