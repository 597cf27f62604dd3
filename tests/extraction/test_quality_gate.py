"""Extraction quality must not regress: pinned floors on fixed samples of real pages.

Three samples, each scored with the extraction benchmark's own metrics (benchmarks/scoring.py):
tests/data/quality holds 70 WCXB pages (40 articles and 5 of each other page type,
CC-BY-4.0), readability/ 24 of Mozilla Readability's test pages and trafeval/ 60 pages of
trafilatura's evaluation (both Apache-2.0); see the NOTICE in each. The floors sit a little
below what the cleaner measures on them today; raise them when the cleaner gets better,
never lower them to let a change through.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from dataclasses import dataclass

import pytest

from archive.contract.errors import ArchiveError
from archive.extraction.extract import extract_bytes
from tests.conftest import DATA, ROOT

SAMPLE = DATA / "quality"

# Measured on the sample when pinned (see docs/extraction-benchmark.md), minus about 0.02.
FLOORS = {
    "article_f1": 0.915,
    "all_f1": 0.86,
    "date": 0.85,
    "author": 0.70,
    "title": 0.80,
}


# Measured on the other two samples when pinned (cleaner version 9), less about one page.
READABILITY_F1 = 0.855  # measured 0.875
TRAFEVAL_F1 = 0.86  # 0.876
TRAFEVAL_DATE = 0.81  # 0.833, 48 pages with a date
TRAFEVAL_TITLE = 0.80  # 0.818, 55 pages with a title
TRAFEVAL_AUTHOR = 0.58  # 0.613, 31 pages with an author

# The other two samples, per set: body F1 (shingles for Readability's clean text, must /
# must-not snippets for trafilatura's pages) and, where the truth has them, metadata.
SET_FLOORS = {
    "readability": {"f1": READABILITY_F1},
    "trafeval": {"f1": TRAFEVAL_F1, "date": TRAFEVAL_DATE, "title": TRAFEVAL_TITLE,
                 "author": TRAFEVAL_AUTHOR},
}


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"quality_gate_{name}", ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"quality_gate_{name}"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


scoring = _module("scoring")
datasets = _module("datasets")


@dataclass
class Scored:
    kind: str
    truth: dict
    body: str
    title: str | None
    authors: list[str]
    published: str | None


def score_sample() -> list[Scored]:
    pages: list[Scored] = []
    for gt_path in sorted(SAMPLE.glob("*.json")):
        data = json.loads(gt_path.read_text("utf-8"))
        raw = gzip.decompress((SAMPLE / f"{gt_path.stem}.html.gz").read_bytes())
        try:
            record = extract_bytes(raw, f"{gt_path.stem}.html")
            out = (record.body, record.title, list(record.authors), record.published)
        except ArchiveError:
            out = ("", None, [], None)
        pages.append(Scored(data["page_type"], data["ground_truth"], *out))
    return pages


@pytest.fixture(scope="module")
def scored() -> list[Scored]:
    return score_sample()


def measure(pages: list[Scored]) -> dict[str, float]:
    articles = [p for p in pages if p.kind == "article"]

    def f1(group: list[Scored]) -> float:
        matches = [scoring.shingle_match(p.truth["main_content"] or "", p.body) for p in group]
        return scoring.body_scores(matches)["f1"]

    def rate(flags: list[bool]) -> float:
        return sum(flags) / len(flags)

    return {
        "article_f1": f1(articles),
        "all_f1": f1(pages),
        "date": rate([scoring.date_correct(p.published, p.truth["publish_date"])
                      for p in articles if p.truth["publish_date"]]),
        "author": rate([scoring.fold_authors(", ".join(p.authors))
                        == scoring.fold_authors(p.truth["author"])
                        for p in articles if p.truth["author"]]),
        "title": rate([scoring.fold_title(p.title or "") == scoring.fold_title(p.truth["title"])
                       for p in articles if p.truth["title"]]),
    }


def test_sample_is_the_pinned_one(scored: list[Scored]) -> None:
    kinds = [p.kind for p in scored]
    assert len(scored) == 70 and kinds.count("article") == 40


@pytest.fixture(scope="module")
def measured(scored: list[Scored]) -> dict[str, float]:
    return measure(scored)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_extraction_quality_stays_above_its_floor(measured: dict[str, float], metric: str) -> None:
    value = measured[metric]
    assert value >= FLOORS[metric], f"{metric} fell to {value:.3f} (floor {FLOORS[metric]})"


def test_no_page_of_the_sample_comes_out_empty(scored: list[Scored]) -> None:
    empty = [p.truth.get("title") for p in scored if not p.body.strip()]
    assert not empty


def _records(pages: list) -> list:
    out = []
    for page in pages:
        try:
            out.append(extract_bytes(page.raw, page.id.removesuffix(".html") + ".html"))
        except ArchiveError:
            out.append(None)
    return out


def measure_set(name: str) -> dict[str, float]:
    """The figures SET_FLOORS pins, on one of the two other samples."""
    if name == "readability":
        pages = datasets.load_scrapinghub(SAMPLE / "readability")
        records = _records(pages)
        matches = [scoring.shingle_match(p.body, r.body if r else "") for p, r in zip(pages, records, strict=True)]
        return {"f1": scoring.body_scores(matches)["f1"]}
    pages = datasets.load_trafeval(SAMPLE / "trafeval")
    records = _records(pages)
    pairs = list(zip(pages, records, strict=True))

    def rate(flags: list[bool]) -> float:
        return sum(flags) / len(flags)

    return {
        "f1": scoring.snippet_scores([scoring.snippet_match(r.body if r else "", p.with_, p.without)
                                      for p, r in pairs])["f1"],
        "date": rate([scoring.date_correct(r.published if r else None, p.date) for p, r in pairs if p.date]),
        "title": rate([bool(r and r.title) and scoring.fold_title(r.title) == scoring.fold_title(p.title)
                       for p, r in pairs if p.title]),
        "author": rate([scoring.fold_authors(", ".join(r.authors) if r else "") == scoring.fold_authors(p.author)
                        for p, r in pairs if p.author]),
    }


@pytest.fixture(scope="module")
def measured_sets() -> dict[str, dict[str, float]]:
    return {name: measure_set(name) for name in SET_FLOORS}


@pytest.mark.parametrize(("name", "metric"), [(n, m) for n, floors in SET_FLOORS.items() for m in floors])
def test_each_set_stays_above_its_floors(measured_sets: dict[str, dict[str, float]], name: str,
                                         metric: str) -> None:
    value, floor = measured_sets[name][metric], SET_FLOORS[name][metric]
    assert value >= floor, f"{name} {metric} fell to {value:.3f} (floor {floor})"


def test_the_other_samples_are_the_pinned_ones() -> None:
    assert len(datasets.load_scrapinghub(SAMPLE / "readability")) == 24
    assert len(datasets.load_trafeval(SAMPLE / "trafeval")) == 60
    for folder in ("readability", "trafeval"):
        assert (SAMPLE / folder / "NOTICE").exists() and (SAMPLE / folder / "LICENSE").exists()
