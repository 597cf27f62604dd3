"""The page sets the extraction benchmark reads, in the three layouts they come in.

* WCXB: ``DIR/<split>/html/<id>.html.gz`` + ``DIR/<split>/ground-truth/<id>.json``, with the
  clean body text, title, author, date and a page type per page (the group it is scored in);
* ScrapingHub: ``DIR/ground-truth.json`` (``{id: {"articleBody", "source", ...}}``) +
  ``DIR/html/<id>.html[.gz]``, grouped by ``source`` when the truth names one;
* trafilatura's evaluation: ``DIR/evaldata.json`` (``{url: {"file", "with", "without",
  "author", "date", "title"}}``) + ``DIR/eval/<file>`` or ``DIR/cache/<file>``: no body text,
  only snippets that must and must not appear, and metadata on most pages.

Every set becomes a list of ``Page``; ``body`` is None where only snippets are known.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Page:
    id: str
    group: str  # page type (WCXB), source (ScrapingHub), or the set's name
    url: str | None
    raw: bytes
    body: str | None  # the clean text; None when the truth gives snippets only
    title: str | None
    author: str | None
    date: str | None
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)
    # Which metadata fields the truth annotates (an empty value then means "none").
    annotated: frozenset[str] = frozenset({"title", "author", "date"})


def layout(root: Path) -> str:
    """"trafeval", "scrapinghub" or "wcxb", from the files the directory holds."""
    if (root / "evaldata.json").exists():
        return "trafeval"
    if (root / "ground-truth.json").exists():
        return "scrapinghub"
    return "wcxb"


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _author(value: object) -> str | None:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v)
    return str(value).strip() or None if value else None


def load_wcxb(root: Path, split: str, page_type: str | None) -> list[Page]:
    pages: list[Page] = []
    for gt_path in sorted((root / split / "ground-truth").glob("*.json")):
        data = json.loads(gt_path.read_text("utf-8"))
        truth = data.get("ground_truth") or {}
        kind = ((data.get("_internal") or {}).get("page_type") or {}).get("primary", "article")
        kind = "collection" if kind == "category" else kind
        if page_type and kind != page_type:
            continue
        pages.append(Page(
            id=gt_path.stem, group=kind, url=data.get("url"),
            raw=_read(root / split / "html" / f"{gt_path.stem}.html.gz"),
            body=truth.get("main_content") or "", title=truth.get("title") or None,
            author=_author(truth.get("author")), date=truth.get("publish_date") or None,
            with_=list(truth.get("with") or []), without=list(truth.get("without") or []),
        ))
    return pages


def load_scrapinghub(root: Path) -> list[Page]:
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    pages: list[Page] = []
    for key in sorted(truth):
        entry = truth[key]
        path = root / "html" / f"{key}.html"
        if not path.exists():
            path = root / "html" / f"{key}.html.gz"
        pages.append(Page(
            id=key, group=entry.get("source") or "news", url=entry.get("url"), raw=_read(path),
            body=entry.get("articleBody") or "", title=None, author=_author(entry.get("author")),
            date=(entry.get("datePublished") or "")[:10] or None,
            annotated=frozenset(k for k, src in (("author", "author"), ("date", "datePublished"))
                                if src in entry),
        ))
    return pages


def load_trafeval(root: Path) -> list[Page]:
    truth = json.loads((root / "evaldata.json").read_text("utf-8"))
    pages: list[Page] = []
    for url in sorted(truth):
        entry = truth[url]
        path = root / "cache" / entry["file"]
        if not path.exists():
            path = root / "eval" / entry["file"]
        pages.append(Page(
            id=entry["file"].removesuffix(".gz"), group="trafeval", url=url, raw=_read(path), body=None,
            title=(entry.get("title") or "").strip() or None, author=_author(entry.get("author")),
            date=(entry.get("date") or "")[:10] or None,
            with_=list(entry.get("with") or []), without=list(entry.get("without") or []),
            annotated=frozenset(k for k in ("title", "author", "date") if k in entry),
        ))
    return pages


def load(root: Path, split: str = "dev", page_type: str | None = None) -> tuple[str, list[Page]]:
    """The set's name and its pages, whatever its layout."""
    kind = layout(root)
    if kind == "trafeval":
        return root.name, load_trafeval(root)
    if kind == "scrapinghub":
        return root.name, load_scrapinghub(root)
    return f"{root.name}/{split}", load_wcxb(root, split, page_type)


def spread(pages: list[Page], count: int) -> list[Page]:
    """``count`` pages spread evenly over the set (the same ones every run), per group so
    that every group keeps its share."""
    if not count or count >= len(pages):
        return pages
    groups: dict[str, list[Page]] = {}
    for page in pages:
        groups.setdefault(page.group, []).append(page)
    chosen: list[Page] = []
    for members in groups.values():
        n = max(1, round(count * len(members) / len(pages)))
        step = len(members) / n
        chosen.extend(members[int(i * step + step / 2)] for i in range(min(n, len(members))))
    order = {id(p): i for i, p in enumerate(pages)}
    return sorted(chosen, key=lambda p: order[id(p)])
