"""Copy the fixed page samples of the CI quality gate out of the benchmark sets.

The samples are deterministic, pages spread evenly over the sorted ids:

* WCXB (CC-BY-4.0): per page type, 40 articles and 5 of each other type, into
  ``tests/data/quality/`` (gzip-compressed pages and the scored fields of their truth);
* ``--news``: the Mozilla Readability test pages of a ScrapingHub-layout set (Apache-2.0;
  the set's other sources are for research only and never copied), into
  ``tests/data/quality/readability/`` in the same layout;
* ``--trafeval``: pages of trafilatura's evaluation (Apache-2.0), into
  ``tests/data/quality/trafeval/`` in its layout (``evaldata.json`` + ``eval/``).

``tests/extraction/test_quality_gate.py`` reads them, so CI needs no copy of the sets.

    .venv/bin/python benchmarks/quality_sample.py --dataset ../shared/bench/wcxb \
        --news ../shared/bench/news --trafeval ../shared/bench/trafeval
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
from pathlib import Path

PER_TYPE = {"article": 40}
OTHERS = 5
READABILITY = 24
TRAFEVAL = 60
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
    parser.add_argument("--news", type=Path, help="a ScrapingHub-layout set with Readability pages")
    parser.add_argument("--trafeval", type=Path, help="trafilatura's evaluation pages")
    args = parser.parse_args(argv)
    if args.news:
        copy_readability(args.news, args.out / "readability")
    if args.trafeval:
        copy_trafeval(args.trafeval, args.out / "trafeval")
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


def copy_readability(news: Path, out: Path) -> None:
    truth = json.loads((news / "ground-truth.json").read_text("utf-8"))
    ids = pick(sorted(k for k, v in truth.items() if v.get("source") == "readability"), READABILITY)
    out.mkdir(parents=True, exist_ok=True)
    (out / "html").mkdir(exist_ok=True)
    for page_id in ids:
        shutil.copyfile(news / "html" / f"{page_id}.html.gz", out / "html" / f"{page_id}.html.gz")
    kept = {k: {"articleBody": truth[k]["articleBody"], "source": "readability"} for k in ids}
    (out / "ground-truth.json").write_text(json.dumps(kept, ensure_ascii=False, indent=1))
    print(f"{len(ids)} Readability pages copied to {out}")


def copy_trafeval(root: Path, out: Path) -> None:
    truth = json.loads((root / "evaldata.json").read_text("utf-8"))
    urls = pick(sorted(truth), TRAFEVAL)
    (out / "eval").mkdir(parents=True, exist_ok=True)
    kept = {}
    for url in urls:
        entry = dict(truth[url])
        source = root / "cache" / entry["file"]
        if not source.exists():
            source = root / "eval" / entry["file"]
        entry["file"] += ".gz"
        (out / "eval" / entry["file"]).write_bytes(gzip.compress(source.read_bytes(), mtime=0))
        kept[url] = entry
    (out / "evaldata.json").write_text(json.dumps(kept, ensure_ascii=False, indent=1))
    shutil.copyfile(root / "LICENSE", out / "LICENSE")
    print(f"{len(urls)} trafilatura evaluation pages copied to {out}")


if __name__ == "__main__":
    raise SystemExit(main())
