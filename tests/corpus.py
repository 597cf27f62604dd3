"""Small generated article pages and records, for tests that need many distinct articles or edits."""

from __future__ import annotations

import random
from pathlib import Path

from archive.contract.records import Record, article_id

WORDS = (
    "river harbour council budget school winter railway museum festival election market farmer "
    "bridge library hospital storm orchestra archive teacher village factory garden mayor court "
    "vaccine satellite tunnel forest drought coast parliament airport stadium theatre bakery"
).split()


def paragraph(rng: random.Random, words: int = 40) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def page(n: int, *, paragraphs: list[str] | None = None, title: str | None = None,
         url: str | None = None, author: str = "Dana Reyes", seed: int | None = None) -> str:
    """An article page as a news site would serve it: canonical URL, author, date, body."""
    rng = random.Random(n if seed is None else seed)
    paragraphs = paragraphs or [paragraph(rng) for _ in range(4)]
    title = title or f"Report number {n} on the {rng.choice(WORDS)} {rng.choice(WORDS)}"
    url = url or f"https://news.example.org/2021/05/report-{n}"
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Example News</title>
<link rel="canonical" href="{url}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="2021-05-{1 + n % 28:02d}T08:00:00Z">
<meta property="og:site_name" content="Example News">
</head><body><nav><a href="/">Home</a></nav>
<article><h1>{title}</h1>
{body}
</article><footer>Copyright Example News</footer></body></html>
"""


def write_corpus(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"report-{n:05d}.html"
        path.write_text(page(n), "utf-8")
        paths.append(path)
    return paths


def make_record(body: str = "Some text here.", sha: str = "a" * 64, **kw: object) -> Record:
    """A small record for storage tests; fields may be overridden."""
    values: dict[str, object] = dict(
        id=article_id("url:example.org/a"), url="https://example.org/a", site="Example",
        title="A title", authors=("Ann Smith",), published="2020-01-02", language="en",
        tags=("x",), description=None, body=body, word_count=len(body.split()), sha256=sha,
        source_path="/tmp/a.html", ingested_at="2024-01-01T00:00:00+00:00",
    )
    values.update(kw)
    return Record(**values)  # type: ignore[arg-type]
