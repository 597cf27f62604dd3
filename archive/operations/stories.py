"""An article's copies, as ``archive copies``, ``show``, ``similar`` and the reader view
list them, and the copies rebuilt from scratch (``archive copies --rebuild``).

The copies of an article are the other members of its story.  How alike each is to the
article is measured again, exactly, when they are listed: the story was formed one
confirmed pair at a time, so a member may be a copy of a copy (``indirect``) rather than
of the article itself.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archive.contract.records import Record
from archive.contract.search import CopyOf, Hit, SimilarResult
from archive.extraction.fingerprint import compare
from archive.storage.store import RecordStore

from .copies import Copies, RebuildSummary, kind_of, similarity_of
from .indexing import sync
from .workspace import Workspace

LEAD_CHARS = 240


@dataclass(frozen=True, slots=True)
class CopyInfo:
    id: str
    title: str
    site: str | None
    url: str | None
    published: str | None
    captured: str
    kind: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "site": self.site, "url": self.url,
                "published": self.published, "captured": self.captured, "kind": self.kind,
                "similarity": self.similarity}


@dataclass(slots=True)
class CopiesResult:
    """An article and the other articles of its story, most alike first."""

    id: str
    title: str
    story: str | None  # the story's label (an article id), None when the article has no copies
    copies: list[CopyInfo] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "story": self.story,
                "copies": [c.to_dict() for c in self.copies]}


def copies_of(store: RecordStore, record: Record) -> CopiesResult:
    """The copies of a stored article, each with its likeness to it measured exactly."""
    member = store.member(record.id)
    if member is None:
        return CopiesResult(record.id, record.title, None)
    others = [m.article_id for m in store.members(member.cluster) if m.article_id != record.id]
    finder = Copies(store)
    prints = finder.prints([record.id, *others])
    records = store.get_many(others)
    listed: list[CopyInfo] = []
    for other in others:
        if other not in records or other not in prints or record.id not in prints:
            continue
        likeness = compare(prints[record.id], prints[other])
        kind = kind_of(likeness) or "indirect"
        found = records[other]
        listed.append(CopyInfo(found.id, found.title, found.site, found.url, found.published, found.ingested_at,
                               kind, similarity_of(likeness, kind)))
    listed.sort(key=lambda c: (-c.similarity, c.published or "9999", c.captured, c.id))
    return CopiesResult(record.id, record.title, member.cluster, listed)


def lead(body: str) -> str:
    """A body's first words, HTML-escaped like a search snippet."""
    text = " ".join(body.split())
    if len(text) > LEAD_CHARS:
        text = text[:LEAD_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(text, quote=False)


def similar_with_copies(store: RecordStore, record: Record, found: list[Hit], limit: int) -> SimilarResult:
    """``similar``'s answer: the article's copies first (marked with how they are copies),
    then the other similar articles, one per story (``copies`` counting its articles)."""
    listing = copies_of(store, record)
    own = {c.id for c in listing.copies} | {record.id}
    full = store.get_many([c.id for c in listing.copies[:limit]])
    hits = [Hit(c.id, c.title, list(full[c.id].authors), c.published, c.site, c.url, None, lead(full[c.id].body),
                copy=CopyOf(c.kind, c.similarity)) for c in listing.copies[:limit] if c.id in full]
    rest = [h for h in found if h.id not in own]
    stories = store.stories(h.id for h in rest)
    sizes = {story: len(store.members(story)) for story in set(stories.values())}
    seen: set[str] = set()
    for hit in rest:
        if len(hits) >= limit:
            break
        story = stories.get(hit.id, store.story_of(hit.id))
        if story in seen:
            continue
        seen.add(story)
        size = sizes.get(story) or len(store.members(story)) or 1
        hits.append(Hit(hit.id, hit.title, hit.authors, hit.published, hit.site, hit.url, hit.score, hit.snippet,
                        copies=size))
    return SimilarResult(record.id, record.title, hits)


def rebuild(workspace: Workspace, *, wait: float = 0.0,
            progress: Callable[[int], None] | None = None) -> RebuildSummary:
    """Every article fingerprinted again and filed under its story afresh; the index then
    follows the stories that changed."""
    with workspace.lock(wait), workspace.writer() as store:
        summary = Copies(store).rebuild(progress)
        sync(store, workspace.backend)
    return summary


def total(workspace: Workspace) -> int:
    with workspace.reader() as store:
        return store.count("articles")
