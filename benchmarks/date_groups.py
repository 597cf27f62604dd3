"""How many ground-truth publication dates a consistent rule can get right.

A page often offers two dates: a publication date in its markup and an "Updated" date or
a later unlabelled date printed under its headline, or a printed day one before the
markup's time stamp. This script groups the dated pages of a WCXB-layout set by what they
offer, counts which side the ground truth takes in each group, and counts the ground
truths that appear nowhere in the page in any usual written form. Whichever side a rule
takes in a group, it misses the other side, so

    ceiling = dated pages - absent - sum over groups of the smaller side

bounds what any rule that treats alike pages alike can score.

    .venv/bin/python benchmarks/date_groups.py --dataset ../shared/bench/wcxb
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.contract.errors import ArchiveError  # noqa: E402
from archive.extraction.dates import parse_date  # noqa: E402
from archive.extraction.decode import decode  # noqa: E402
from archive.extraction.extract import extract_bytes  # noqa: E402
from archive.extraction.markup import _PUBLISHED_KEYS, _ld_objects, _types  # noqa: E402
from archive.extraction.pagescan import PageScan, scan  # noqa: E402
from archive.extraction.printed_dates import printed_date, visible_updated  # noqa: E402
from archive.extraction.soup import parse_html  # noqa: E402
from benchmarks.datasets import load  # noqa: E402
from benchmarks.scoring import date_correct  # noqa: E402

_MONTHS = ("january february march april may june july august september october november "
           "december").split()
GROUPS = {
    "updated": "an \"Updated\" date under the headline, an older publication date in the markup",
    "later": "an unlabelled date under the headline later than the markup's publication date",
    "day-before": "a printed day one before the markup's time stamp",
}


def written_forms(truth: str) -> list[str]:
    """The ways pages write a day (or a month), lower case."""
    parts = truth.split("-")
    y, m = parts[0], int(parts[1])
    name = _MONTHS[m - 1]
    if len(parts) == 2:
        return [f"{y}-{m:02d}", f"{name} {y}", f"{name[:3]} {y}"]
    d = int(parts[2])
    forms = [truth, f"{y}/{m:02d}/{d:02d}", f"{y}/{m}/{d}", f"{y}{m:02d}{d:02d}",
             f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}", f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}",
             f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}", f"{m:02d}-{d:02d}-{y}"]
    for month in (name, name[:3], name[:3] + "."):
        for day in (str(d), f"{d:02d}"):
            forms += [f"{month} {day}, {y}", f"{month} {day} {y}", f"{day} {month} {y}"]
        suffix = "th" if 11 <= d <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
        forms += [f"{month} {d}{suffix}, {y}", f"{month} {d}{suffix} {y}", f"{d}{suffix} {month} {y}"]
    return forms


def markup_published(page: PageScan) -> str | None:
    for obj in _ld_objects(page.ld_scripts):
        value = obj.get("datePublished") or obj.get("dateCreated")
        if value and _types(obj):
            found = parse_date(str(value))
            if found:
                return found
    for key in _PUBLISHED_KEYS:
        for value in page.metas.get(key, []):
            found = parse_date(value)
            if found:
                return found
    return None


def group_of(page: PageScan) -> tuple[str, str, str] | None:
    """The page's group and its two dates (printed side, markup side), if it offers two."""
    published = markup_published(page)
    if not published:
        return None
    printed = printed_date(page, None)
    updated = visible_updated(page, None)
    if updated and not printed and updated[:10] != published[:10]:
        return "updated", updated, published
    if printed:
        gap = (date.fromisoformat(printed[:10]) - date.fromisoformat(published[:10])).days
        if gap > 1:
            return "later", printed, published
        if gap == -1:
            return "day-before", printed, published
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True, type=Path)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--page-type", default="article")
    args = parser.parse_args(argv)
    pages = [p for p in load(args.dataset, args.split, args.page_type)[1] if p.date]
    right = absent = 0
    sides = {name: [0, 0, 0] for name in GROUPS}  # printed side, markup side, neither
    for page in pages:
        try:
            ours = extract_bytes(page.raw, f"{page.id}.html").published
        except ArchiveError:
            ours = None
        right += date_correct(ours, page.date)
        text = re.sub(r"\s+", " ", decode(page.raw).text.lower())
        if not any(form in text for form in written_forms(page.date)):
            absent += 1
            continue
        found = group_of(scan(parse_html(decode(page.raw).text)))
        if found:
            name, printed, published = found
            side = 0 if date_correct(printed, page.date) else 1 if date_correct(published, page.date) else 2
            sides[name][side] += 1
    lost = sum(min(a, b) + c for a, b, c in sides.values())
    ceiling = len(pages) - absent - lost
    print(f"{len(pages)} dated {args.page_type} pages; ours right: {right} ({right / len(pages):.3f})")
    print(f"ground truth nowhere in the page: {absent}")
    for name, (a, b, c) in sides.items():
        print(f"{name:>10}: truth on the printed side {a}, on the markup side {b}, neither {c}"
              f"  -- {GROUPS[name]}")
    print(f"ceiling for a consistent rule: {ceiling} ({ceiling / len(pages):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
