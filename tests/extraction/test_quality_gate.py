"""Extraction quality must not regress: pinned floors on a fixed sample of real pages.

The sample (tests/data/quality, 70 WCXB pages: 40 articles and 5 of each other page type,
CC-BY-4.0, see NOTICE there) is scored with the extraction benchmark's own metrics. The
floors sit a little below what the cleaner measures on it today; raise them when the
cleaner gets better, never lower them to let a change through.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
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


def _scoring():
    spec = importlib.util.spec_from_file_location("scoring", ROOT / "benchmarks" / "scoring.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


scoring = _scoring()


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
