"""A deterministic corpus of realistic article pages for the scale benchmarks.

    python benchmarks/corpus.py OUT --count 100000 [--start 0] [--seed 7] [--jobs 2]

Page ``i`` depends only on the seed and ``i``, so any range can be generated on its own
(``--start 100000 --count 1000`` gives 1,000 pages that are new to a 100k corpus) and in
parallel.  Pages come from ~50 sites using four templates (a WordPress-style blog with
share buttons and a comment form, a news site with JSON-LD and a cookie banner, a blog with
``article:*`` meta and "Posted by" lines, a magazine with only OpenGraph and a dated URL),
~500 authors with a Zipf-skewed output, dates over 2011-2024, and bodies of 300-1,500
words drawn from a Zipfian vocabulary (the words of the bundled ``raw/`` pages, extended
with pronounceable pseudo-words for a long tail).  A few real rare words are sprinkled
into about one page in a thousand each, for rare-term queries.
"""

from __future__ import annotations

import argparse
import bisect
import html
import itertools
import json
import os
import random
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_SHARD = 1000
VOCABULARY = 40_000
RARE_WORDS = (
    "zeitgeist", "quixotic", "palimpsest", "sesquipedalian", "defenestration", "borborygmus",
    "petrichor", "apophenia", "syzygy", "callipygian", "lagniappe", "tmesis",
)
FIRST = (
    "Anna Ben Carla David Elena Farid Grace Hassan Ivan Julia Kenji Laura Mateo Nadia Omar "
    "Priya Quentin Rosa Samuel Tara Umar Vera Walter Xenia Yusuf Zoe Aisha Bruno Chloe Diego "
    "Emma Felix Greta Hugo Ines Jonas Keira Leon Maya Nils Olga Pavel Ruth Sofia Tomas Ursula "
    "Victor Wen Yara Zainab Arjun"
).split()
LAST = (
    "Abbott Baker Castillo Dubois Eriksen Fischer Garcia Haddad Ivanova Jensen Khazaal Larsen "
    "Moreau Nakamura Okafor Petrov Quinn Rossi Schmidt Tanaka Ueda Vargas Weber Xu Yilmaz "
    "Zhang Andersen Bianchi Costa Duarte Evans Fontaine Gomez Horvat Ito Jovanovic Kowalski "
    "Lindqvist Mendes Novak Ortiz Pereira Ramos Silva Torres Urban Volkov Walsh Young Ziegler "
    "Brennan Carvalho Dimitrov Esposito Ferreira Gallagher Hoffmann Iqbal Kaur"
).split()
SYLLABLES = (
    "ka ro mi ta len dor vi sa nu pel tor an es ri mo gal fen bri cu dra el fa go hin ist jo "
    "kel lu mar nor ob pra qui ras sel tum ur ven wil xan yo zor ber cla den fro gru har"
).split()
TEMPLATES = ("wordpress", "news", "blog", "magazine")


# ------------------------------------------------------------------ the generator's world


@lru_cache(maxsize=1)
def _real_words() -> list[str]:
    """Words of the bundled sample pages, most frequent first (ties alphabetical)."""
    counts: dict[str, int] = {}
    files = sorted(ROOT.glob("raw/**/*.htm*")) + sorted(ROOT.glob("raw/*.txt"))
    for path in files:
        text = path.read_text("utf-8", errors="replace")
        text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"<[^>]+>", " ", text)
        for word in re.findall(r"(?<![\w-])[A-Za-z]{2,15}(?![\w-])", text):
            word = word.lower()
            counts[word] = counts.get(word, 0) + 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


@lru_cache(maxsize=1)
def world(seed: int) -> dict:
    rng = random.Random(seed)
    words = list(_real_words())
    seen = set(words)
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    # Zipf: the word of rank r has weight 1/(r+2.7)^1.05 (Mandelbrot's variant).
    cum = list(itertools.accumulate(1.0 / (r + 2.7) ** 1.05 for r in range(len(words))))
    names = sorted({f"{f} {la}" for f in FIRST for la in LAST})
    rng.shuffle(names)
    authors = names[:500]
    author_cum = list(itertools.accumulate(1.0 / (r + 1) ** 0.9 for r in range(len(authors))))
    sites = []
    for n in range(50):
        stem = "".join(rng.choice(SYLLABLES) for _ in range(2))
        kind = ("times", "post", "review", "journal", "notes", "daily", "tribune", "blog")[n % 8]
        name = f"The {stem.title()} {kind.title()}" if n % 3 else f"{stem.title()} {kind.title()}"
        domain = f"{stem}{kind}.example"
        sites.append({"name": name, "domain": domain, "template": TEMPLATES[n % 4]})
    site_cum = list(itertools.accumulate(1.0 / (r + 3) for r in range(len(sites))))
    tags = sorted({rng.choice(words[200:3000]) for _ in range(400)})[:300]
    rng.shuffle(tags)
    tag_cum = list(itertools.accumulate(1.0 / (r + 1) for r in range(len(tags))))
    return {
        "words": words, "cum": cum, "authors": authors, "author_cum": author_cum,
        "sites": sites, "site_cum": site_cum, "tags": tags, "tag_cum": tag_cum,
    }


def _pick(rng: random.Random, items: list, cum: list[float]):
    return items[bisect.bisect(cum, rng.random() * cum[-1], 0, len(cum) - 1)]


def article(index: int, seed: int = 7) -> dict:
    """The content of page ``index``: everything a template needs."""
    w = world(seed)
    rng = random.Random(seed * 1_000_003 + index)
    words, cum = w["words"], w["cum"]
    site = _pick(rng, w["sites"], w["site_cum"])
    authors = [_pick(rng, w["authors"], w["author_cum"])]
    if rng.random() < 0.08:
        second = _pick(rng, w["authors"], w["author_cum"])
        if second != authors[0]:
            authors.append(second)
    day = rng.randrange(0, 14 * 365)  # 2011-01-01 onwards
    year, rest = 2011 + day // 365, day % 365
    month, dom = 1 + rest // 31 % 12, 1 + rest % 28
    tags = sorted({_pick(rng, w["tags"], w["tag_cum"]) for _ in range(rng.randint(0, 4))})
    target = rng.randint(300, 1500)
    paragraphs: list[str] = []
    count = 0
    while count < target:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            n = rng.randint(6, 24)
            chosen = rng.choices(words, cum_weights=cum, k=n)
            if rng.random() < 0.006:
                chosen[rng.randrange(n)] = rng.choice(RARE_WORDS)
            sentences.append(" ".join(chosen).capitalize() + rng.choice("....?!"))
            count += n
        paragraphs.append(" ".join(sentences))
    common = set(words[:80])
    drawn = [t for t in rng.choices(words, cum_weights=cum, k=60) if t not in common]
    title_words = drawn[: rng.randint(4, 9)] or ["untitled"]
    title = " ".join(t.capitalize() for t in title_words)
    slug = "-".join(title_words[:5])
    return {
        "index": index, "site": site, "authors": authors, "tags": tags, "title": title,
        "date": f"{year:04d}-{month:02d}-{dom:02d}", "paragraphs": paragraphs,
        "url": f"https://{site['domain']}/{year:04d}/{month:02d}/{slug}-{index}/",
        "dated": rng.random() > 0.03,
    }


# ------------------------------------------------------------------------------ templates

_SHARE = (
    '<div class="share-buttons"><h4>Share This</h4><ul class="social-share">'
    '<li><a href="https://www.facebook.com/sharer.php">Facebook</a></li>'
    '<li><a href="https://twitter.com/share">Twitter</a></li>'
    '<li><a href="https://pinterest.com/pin/create">Pinterest</a></li>'
    '<li><a href="https://www.linkedin.com/shareArticle">LinkedIn</a></li>'
    '<li><a href="mailto:?subject=">Gmail</a></li></ul>'
    "<p>Share this post with your friends!</p></div>"
)
_COMMENTS = (
    '<div id="comments" class="comments-area"><h3>Submit a Comment</h3>'
    '<form class="comment-form"><p>Your email address will not be published. Required fields '
    'are marked *</p><textarea name="comment"></textarea><input name="email">'
    '<button type="submit">Post Comment</button></form></div>'
)
_NAV = (
    '<nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/world/">World</a></li>'
    '<li><a href="/tech/">Tech</a></li><li><a href="/about/">About us</a></li></ul></nav>'
)
_COOKIE = (
    '<div class="cookie-banner">We use cookies to improve your experience. '
    '<a href="/privacy">Privacy policy</a> <button>Accept</button></div>'
)
_NEWSLETTER = (
    '<aside class="newsletter"><h3>Get the newsletter</h3><p>The best stories in your inbox '
    "every morning.</p><form><input name=email><button>Subscribe</button></form></aside>"
)


def _body(a: dict) -> str:
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in a["paragraphs"])


def _related(a: dict) -> str:
    return (
        '<div class="related-posts"><h3>Related posts</h3><ul>'
        + "".join(
            f'<li><a href="/p/{a["index"] + k}/">More on this story {k}</a></li>' for k in (1, 2, 3)
        )
        + "</ul></div>"
    )


def render(a: dict) -> str:
    site, title = a["site"], html.escape(a["title"])
    names = " and ".join(a["authors"])
    date = a["date"] if a["dated"] else None
    head = f"<title>{title} | {html.escape(site['name'])}</title>"
    kind = site["template"]
    if kind == "wordpress":
        tags = "".join(f'<a rel="tag" href="/tag/{t}/">{t}</a> ' for t in a["tags"])
        when = ""
        if date:
            when = f'<time class="entry-date" datetime="{date}T08:30:00+00:00">{date}</time>'
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}'
            f'<link rel="canonical" href="{a["url"]}"></head><body>'
            f'<header class="site-header"><a href="/">{html.escape(site["name"])}</a>'
            f"{_NAV}</header>"
            f'<div id="content"><article class="post hentry"><h1 class="entry-title">{title}</h1>'
            f'<div class="entry-meta"><span class="byline">By <a rel="author" href="/author/">'
            f"{html.escape(names)}</a></span> {when}</div>"
            f'<div class="entry-content">{_body(a)}</div>{_SHARE}'
            f'<footer class="entry-footer">Tags: {tags}</footer></article>{_related(a)}{_COMMENTS}'
            f'</div><footer class="site-footer">&copy; {html.escape(site["name"])}</footer>'
            "</body></html>"
        )
    if kind == "news":
        ld = {
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"],
            "author": [{"@type": "Person", "name": n} for n in a["authors"]],
            "publisher": {"@type": "Organization", "name": site["name"]},
            "keywords": ", ".join(a["tags"]), "mainEntityOfPage": a["url"],
        }
        if date:
            ld["datePublished"] = f"{date}T06:00:00Z"
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}'
            f'<meta property="og:site_name" content="{html.escape(site["name"])}">'
            f'<meta property="og:title" content="{title}">'
            f'<meta property="og:url" content="{a["url"]}">'
            f'<script type="application/ld+json">{json.dumps(ld)}</script></head><body>{_COOKIE}'
            f'<div class="top">{_NAV}</div><main><div class="story"><h1>{title}</h1>'
            f'<div class="story-body">{_body(a)}</div></div>{_NEWSLETTER}{_related(a)}</main>'
            f"<footer><p>All rights reserved.</p></footer></body></html>"
        )
    if kind == "blog":
        meta = "".join(f'<meta name="author" content="{html.escape(n)}">' for n in a["authors"])
        meta += "".join(f'<meta property="article:tag" content="{t}">' for t in a["tags"])
        if date:
            meta += f'<meta property="article:published_time" content="{date}T12:00:00+02:00">'
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}{meta}'
            f'<link rel="canonical" href="{a["url"]}"></head><body>{_NAV}'
            f'<div class="post"><h2 class="post-title">{title}</h2>'
            f'<p class="post-meta">Posted by {html.escape(names)}</p>'
            f'<div class="post-body">{_body(a)}</div></div>{_SHARE}{_COMMENTS}</body></html>'
        )
    if date:  # the date only in the URL
        url = a["url"].replace(f"/{date[5:7]}/", f"/{date[5:7]}/{date[8:]}/", 1)
    else:
        url = f"https://{site['domain']}/stories/{a['index']}/"
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}'
        f'<meta property="og:type" content="article"><meta property="og:title" content="{title}">'
        f'<meta property="og:url" content="{url}"><meta property="og:site_name" '
        f'content="{html.escape(site["name"])}">'
        f'<meta name="keywords" content="{", ".join(a["tags"])}">'
        f'</head><body>{_NAV}<div class="magazine"><div class="article-text"><h1>{title}</h1>'
        f'<p class="author">Author: {html.escape(names)}</p>{_body(a)}</div>{_NEWSLETTER}</div>'
        f"{_SHARE}</body></html>"
    )


def path_for(out: Path, index: int) -> Path:
    return out / f"{index // PER_SHARD:04d}" / f"page-{index:07d}.html"


def _write_range(out: str, start: int, stop: int, seed: int) -> int:
    root = Path(out)
    for index in range(start, stop):
        target = path_for(root, index)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(article(index, seed)), "utf-8")
    return stop - start


def generate(out: Path, count: int, *, start: int = 0, seed: int = 7, jobs: int = 1) -> int:
    """Write pages ``start .. start+count-1`` under ``out``; return how many were written."""
    out.mkdir(parents=True, exist_ok=True)
    step = 500
    chunks = [(i, min(i + step, start + count)) for i in range(start, start + count, step)]
    if jobs <= 1:
        return sum(_write_range(str(out), a, b, seed) for a, b in chunks)
    with ProcessPoolExecutor(jobs) as pool:
        futures = [pool.submit(_write_range, str(out), a, b, seed) for a, b in chunks]
        return sum(f.result() for f in futures)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    written = generate(args.out, args.count, start=args.start, seed=args.seed, jobs=args.jobs)
    took = time.perf_counter() - began
    print(f"wrote {written} pages to {args.out} in {took:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
