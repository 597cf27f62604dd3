"""Copy the fixed page sample of the CI quality gate out of a WCXB-layout data set.

The sample is stratified and deterministic: for each page type, pages spread evenly over
its ids in sorted order (40 articles, 5 of each other type). Pages go gzip-compressed,
with the scored fields of their ground truth, into ``tests/data/quality/``, where
``tests/extraction/test_quality_gate.py`` reads them, so CI needs no copy of the data set.

    .venv/bin/python benchmarks/quality_sample.py --dataset ../shared/bench/wcxb
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

PER_TYPE = {"article": 40}
OTHERS = 5
TARGET = Path(__file__).resolve().parent.parent / "tests" / "data" / "quality"


def pick(ids: list[str], count: int) -> list[str]:
    """``count`` ids spread evenly over the sorted list."""
    if count >= len(ids):
        return ids
    step = len(ids) / count
    return [ids[int(i * step + step / 2)] for i in range(count)]


def _scored(data: dict, kind: str) -> dict:
    """The ground truth reduced to what the gate scores."""
    truth = data.get("ground_truth") or {}
    return {
        "url": data.get("url"),
        "page_type": kind,
        "ground_truth": {key: truth.get(key) for key in
                         ("title", "author", "publish_date", "main_content")},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True, type=Path)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    split = args.dataset / args.split
    by_type: dict[str, list[str]] = {}
    for gt in sorted((split / "ground-truth").glob("*.json")):
        data = json.loads(gt.read_text("utf-8"))
        kind = ((data.get("_internal") or {}).get("page_type") or {}).get("primary", "article")
        by_type.setdefault("collection" if kind == "category" else kind, []).append(gt.stem)
    args.out.mkdir(parents=True, exist_ok=True)
    chosen = 0
    for kind, ids in sorted(by_type.items()):
        for page_id in pick(ids, PER_TYPE.get(kind, OTHERS)):
            shutil.copyfile(split / "html" / f"{page_id}.html.gz", args.out / f"{page_id}.html.gz")
            data = json.loads((split / "ground-truth" / f"{page_id}.json").read_text("utf-8"))
            (args.out / f"{page_id}.json").write_text(json.dumps(_scored(data, kind),
                                                                  ensure_ascii=False, indent=1))
            chosen += 1
    shutil.copyfile(args.dataset / "LICENSE", args.out / "LICENSE")
    print(f"{chosen} pages copied to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
