"""A labelled set of copies of stories, made from real pages the way syndication makes them.

Each story is a real article page (its own site's template, its own title and URL); its
copies are that story's text put into *another* real page's template (the host page's
article element is swapped for the story; its menus, sidebars, related links, footer and
scripts stay), under another site's name and URL, altered the way sites alter what they
syndicate:

    template      the story as it is, in another site's page
    retitled      ... under another headline
    first-dropped / last-dropped   ... without its first or last paragraph
    added         ... with a paragraph of the host's own at the end
    editor-note   ... with an editor's note before or after it
    text          a plain-text capture of the story (headline, then paragraphs), as the demo's .txt
    combined      retitled, last paragraph dropped and an editor's note, in another template

and hard negatives, which are *not* copies of the story:

    follow-up     a later story on the same event: a new lead and new paragraphs, with one
                  background paragraph of the first story and one of its quotes
    updated       a substantially updated version: the lead rewritten, half the
                  paragraphs changed in their second half, two new paragraphs at the end
    shared-quote  two different stories that both carry the same long quotation

Labels are story ids: two pages are a true pair when they have the same label.  Pages are
written as files for ``archive ingest``; ``labels.json`` maps each file name to its label
and kind.  Everything depends only on the seed and the source pages.
"""

from __future__ import annotations

import gzip
import html
import itertools
import json
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html

POSITIVE_KINDS = ("template", "retitled", "first-dropped", "last-dropped", "added", "editor-note", "text",
                  "combined")
NEGATIVE_KINDS = ("follow-up", "updated", "shared-quote")
_WORD = re.compile(r"\w+")
_CONTAINERS = ("article", "main", "div", "section", "td", "body")


@dataclass(frozen=True, slots=True)
class Source:
    """A real article page and its true text (paragraphs)."""

    name: str
    page: str
    title: str
    paragraphs: list[str]
    url: str


def wcxb_sources(folder: Path, *, min_words: int = 150, page_type: str = "article") -> Iterator[Source]:
    """The article pages of a WCXB split (``html/<id>.html.gz`` beside ``ground-truth/<id>.json``),
    or of a flat folder of ``<id>.html.gz`` + ``<id>.json`` (the committed quality sample)."""
    truths = sorted((folder / "ground-truth").glob("*.json")) if (folder / "ground-truth").is_dir() \
        else sorted(folder.glob("*.json"))
    for truth_path in truths:
        data = json.loads(truth_path.read_text("utf-8"))
        kind = data.get("page_type") or data.get("_internal", {}).get("page_type", {})
        kind = kind.get("primary") if isinstance(kind, dict) else kind
        truth = data.get("ground_truth", {})
        if kind != page_type or not truth.get("main_content"):
            continue
        page_path = folder / "html" / f"{truth_path.stem}.html.gz"
        if not page_path.exists():
            page_path = truth_path.with_suffix(".html.gz")
        if not page_path.exists():
            continue
        paragraphs = [p.strip() for p in truth["main_content"].split("\n") if len(p.split()) >= 8]
        if sum(len(p.split()) for p in paragraphs) < min_words or len(paragraphs) < 4:
            continue
        page = gzip.decompress(page_path.read_bytes()).decode("utf-8", "replace")
        yield Source(truth_path.stem, page, truth.get("title") or paragraphs[0][:60], paragraphs,
                     data.get("url") or f"https://source.example/{truth_path.stem}")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _content_element(root: lxml.html.HtmlElement, paragraphs: list[str]) -> lxml.html.HtmlElement:
    """The host page's element that holds its own article: the deepest one with most of it."""
    wanted = _words(" ".join(paragraphs))
    best, best_depth = root.find("body") if root.find("body") is not None else root, -1
    for element in root.iter(*_CONTAINERS):
        text = element.text_content()
        if len(text) < 200:
            continue
        have = _words(text)
        if len(wanted & have) >= 0.8 * len(wanted):
            depth = sum(1 for _ in element.iterancestors())
            if depth > best_depth:
                best, best_depth = element, depth
    return best


def transplant(host: Source, title: str, paragraphs: list[str], url: str, site: str) -> str:
    """The story in the host's template: the host's article element holds it instead, the
    head names the new title, URL and site; the rest of the host page stays."""
    root = lxml.html.document_fromstring(host.page)
    for bad in root.xpath('//script[@type="application/ld+json"]|//link[@rel="canonical"]|'
                          '//meta[starts-with(@property, "og:")]|//meta[starts-with(@property, "article:")]|'
                          '//meta[@name="description"]|//meta[@name="author"]'):
        bad.getparent().remove(bad)
    target = _content_element(root, host.paragraphs)
    tail = target.tail
    for child in list(target):
        target.remove(child)
    target.text = None
    heading = lxml.html.fragment_fromstring(f"<h1>{html.escape(title)}</h1>")
    target.append(heading)
    for text in paragraphs:
        target.append(lxml.html.fragment_fromstring(f"<p>{html.escape(text)}</p>"))
    target.tail = tail
    head = root.find("head")
    if head is None:
        head = lxml.html.fragment_fromstring("<head></head>")
        root.insert(0, head)
    for old in head.findall("title"):
        head.remove(old)
    for markup in (f"<title>{html.escape(title)} | {html.escape(site)}</title>",
                   f'<link rel="canonical" href="{html.escape(url)}">',
                   f'<meta property="og:site_name" content="{html.escape(site)}">'):
        head.append(lxml.html.fragment_fromstring(markup))
    page = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    if _leaks(root, host, paragraphs):
        raise Leak(host.name)
    return page


class Leak(ValueError):
    """The host's own article is still on the page after the swap (its article element was
    not found): the page would carry two stories, so another host is taken."""


def _leaks(root: lxml.html.HtmlElement, host: Source, kept: list[str]) -> bool:
    """Whether more than a fifth of the host's own 5-word shingles (not also the new text's)
    are still somewhere on the page."""
    import numpy as np

    from archive.extraction.fingerprint import shingles

    own = np.setdiff1d(shingles("\n".join(host.paragraphs)), shingles("\n".join(kept)))
    if not len(own):
        return False
    left = np.intersect1d(own, shingles(root.text_content()))
    return len(left) > 0.2 * len(own)


def _retitle(rng: random.Random, title: str, paragraphs: list[str]) -> str:
    lead = paragraphs[0].split()
    start = rng.randrange(0, max(1, min(10, len(lead) - 8)))
    phrase = " ".join(lead[start : start + rng.randint(5, 9)]).strip(".,;:")
    return rng.choice([f"{phrase[:1].upper()}{phrase[1:]}", f"What to know: {title}", f"{title}, explained",
                       f"Report: {phrase}"])


_NOTES = (
    "Editor's note: This article was first published by {site} and is republished here with permission.",
    "Editor's note: This story has been updated to correct the spelling of a name.",
    "This article originally appeared on {site}. It is shared here under a syndication agreement.",
    "Editor's note: An earlier version of this story misstated a date; it has been corrected.",
)


def _note(rng: random.Random, site: str) -> str:
    return rng.choice(_NOTES).format(site=site)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


@dataclass(slots=True)
class Page:
    name: str
    text: str
    label: str
    kind: str
    meant: str = ""  # the article text the page was made to carry (its paragraphs)


def _copy(rng: random.Random, kind: str, story: Source, host: Source, n: int) -> Page:
    paragraphs = list(story.paragraphs)
    title = story.title
    site = f"syndicator-{n}.example"
    url = f"https://{site}/news/{rng.randrange(10**6)}/{story.name}"
    if kind == "retitled":
        title = _retitle(rng, title, paragraphs)
    elif kind == "first-dropped":
        paragraphs = paragraphs[1:]
    elif kind == "last-dropped":
        paragraphs = paragraphs[:-1]
    elif kind == "added":
        paragraphs = paragraphs + [rng.choice(host.paragraphs)]
    elif kind == "editor-note":
        note = _note(rng, host.url.split("/")[2] if "//" in host.url else "the wire")
        paragraphs = [note] + paragraphs if rng.random() < 0.5 else paragraphs + [note]
    elif kind == "combined":
        title = _retitle(rng, title, paragraphs)
        paragraphs = paragraphs[:-1] + [_note(rng, "the wire")]
    if kind == "text":
        return Page(f"{story.name}-{n}-{kind}.txt", title + "\n\n" + "\n\n".join(paragraphs) + "\n", story.name, kind,
                    "\n\n".join(paragraphs))
    return Page(f"{story.name}-{n}-{kind}.html", transplant(host, title, paragraphs, url, site), story.name, kind,
                "\n\n".join(paragraphs))


def _follow_up(rng: random.Random, story: Source, other: Source, host: Source, n: int) -> Page:
    quotes = [s for p in story.paragraphs for s in _sentences(p) if len(s.split()) >= 10]
    background = rng.choice(story.paragraphs[1:])
    body = other.paragraphs[:2] + [background] + other.paragraphs[2:5]
    if quotes:
        body.insert(3, f'As was said at the time: "{rng.choice(quotes)}"')
    label = f"{story.name}-follow-up-{n}"
    url = f"https://follow-up-{n}.example/{story.name}"
    return Page(f"{label}.html", transplant(host, f"Later: {story.title}", body, url, f"follow-up-{n}.example"),
                label, "follow-up", "\n\n".join(body))


def _updated(rng: random.Random, story: Source, other: Source, host: Source, n: int) -> Page:
    """About half the text new: a new two-paragraph lead, the second half of every paragraph
    rewritten, a new paragraph at the end (a story rewritten as it develops)."""
    fresh = [s for p in other.paragraphs for s in _sentences(p)]
    rng.shuffle(fresh)
    take = itertools.cycle(fresh or other.paragraphs)
    body = [" ".join(next(take) for _ in range(3)), " ".join(next(take) for _ in range(2))]
    for paragraph in story.paragraphs[1:]:
        sentences = _sentences(paragraph)
        half = max(1, len(sentences) // 2)
        body.append(" ".join(sentences[:half] + [next(take) for _ in range(max(1, len(sentences) - half))]))
    body.append(other.paragraphs[-1])
    label = f"{story.name}-updated-{n}"
    url = f"https://update-{n}.example/{story.name}-updated"
    return Page(f"{label}.html", transplant(host, f"{story.title} (updated)", body, url, f"update-{n}.example"),
                label, "updated", "\n\n".join(body))


def _shared_quote(rng: random.Random, a: Source, b: Source, quote: str, host_a: Source, host_b: Source,
                  n: int) -> list[Page]:
    pages = []
    for which, story, host in (("a", a, host_a), ("b", b, host_b)):
        body = list(story.paragraphs)
        body.insert(rng.randrange(1, len(body)), f'"{quote}"')
        label = f"{story.name}-quoted-{n}{which}"
        url = f"https://quote-{n}{which}.example/{story.name}"
        pages.append(Page(f"{label}.html", transplant(host, story.title, body, url, f"quote-{n}{which}.example"),
                          label, "shared-quote", "\n\n".join(body)))
    return pages


def build(sources: Iterable[Source], *, stories: int = 300, copies: tuple[int, int] = (1, 4),
          negatives: float = 0.6, seed: int = 14, readable: Callable[[Source], bool] | None = None) -> list[Page]:
    """Originals, their syndicated copies and the hard negatives, in a shuffled order.

    The stories are drawn from ``sources``; the text a negative borrows from other stories
    (a follow-up's new paragraphs, an update's new lead, the stories sharing a quote) comes
    from the sources left over, each used once, so a negative is never, by accident, a copy
    of another page of the set; the paragraph a copy adds is its host's own.  Host templates
    come from any source (their own text is replaced; a host whose article element is not
    found, so that its own text would stay on the page, is passed over for another).  With
    ``readable``, a story is only drawn from sources it accepts (the pages whose text the
    archive reads as the ground truth has it)."""
    rng = random.Random(seed)
    pool = list(sources)
    order = rng.sample(pool, len(pool))
    chosen = [s for s in order if readable is None or readable(s)][:min(stories, len(pool) // 2)]
    taken = {s.name for s in chosen}
    spare = [s for s in order if s.name not in taken]  # popped: each lends its text once

    def hosted(make: Callable[[Source], Page | list[Page]], avoid: set[str]) -> list[Page]:
        for _ in range(8):
            host = rng.choice([s for s in pool if s.name not in avoid])
            try:
                made = make(host)
            except Leak:
                continue
            return made if isinstance(made, list) else [made]
        return []

    pages: list[Page] = []
    n = 0
    for story in chosen:
        pages.append(Page(f"{story.name}-original.html", story.page, story.name, "original",
                          "\n\n".join(story.paragraphs)))
        for kind in rng.sample(POSITIVE_KINDS, rng.randint(*copies)):
            n += 1
            pages += hosted(lambda host, kind=kind, n=n, st=story: _copy(rng, kind, st, host, n), {story.name})
    for story in chosen:
        if rng.random() >= negatives:
            continue
        n += 1
        kind = rng.choice(NEGATIVE_KINDS)
        if len(spare) < 3:
            break
        if kind == "follow-up":
            other = spare.pop()
            pages += hosted(lambda host, o=other, n=n, st=story: _follow_up(rng, st, o, host, n),
                            {story.name, other.name})
        elif kind == "updated":
            other = spare.pop()
            pages += hosted(lambda host, o=other, n=n, st=story: _updated(rng, st, o, host, n),
                            {story.name, other.name})
        else:  # two stories of the spare pages, which have no originals here, share a quote of a third
            a, b, third = spare.pop(), spare.pop(), spare.pop()
            quote = " ".join(s for s in _sentences(" ".join(third.paragraphs)) if len(s.split()) >= 12)
            quote = " ".join(quote.split()[:60]) or third.paragraphs[0]
            avoid = {a.name, b.name, third.name}
            hosts = [h for h in pool if h.name not in avoid]
            for _ in range(8):
                try:
                    pages += _shared_quote(rng, a, b, quote, rng.choice(hosts), rng.choice(hosts), n)
                    break
                except Leak:
                    continue
    rng.shuffle(pages)
    return pages


def write(pages: list[Page], folder: Path) -> dict[str, dict[str, str]]:
    """The pages as files in ``folder``, and ``labels.json`` beside them."""
    folder.mkdir(parents=True, exist_ok=True)
    labels = {}
    for page in pages:
        (folder / page.name).write_text(page.text, "utf-8")
        labels[page.name] = {"label": page.label, "kind": page.kind}
    (folder / "labels.json").write_text(json.dumps(labels, indent=1, sort_keys=True), "utf-8")
    return labels


def pair_scores(labels: dict[str, str], predicted: dict[str, str]) -> dict[str, float | int]:
    """Pair-level precision and recall: ``labels`` and ``predicted`` map each page to its
    true and its found story; a pair is two pages of one story."""
    def pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
        by: dict[str, list[str]] = {}
        for page, group in groups.items():
            by.setdefault(group, []).append(page)
        return {(a, b) for members in by.values() for i, a in enumerate(sorted(members))
                for b in sorted(members)[i + 1:]}

    true, found = pairs(labels), pairs({p: predicted.get(p, f"alone:{p}") for p in labels})
    hits = len(true & found)
    return {"true_pairs": len(true), "found_pairs": len(found), "correct": hits,
            "precision": hits / len(found) if found else 1.0, "recall": hits / len(true) if true else 1.0}
