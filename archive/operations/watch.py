"""Saved searches: "what is new since I last looked", by ingest order, copies collapsed.

    watch add NAME QUERY [filters] -> stored with its mark at the archive's last ingest
    sequence number (or 0: everything already stored is new to it)
    watch run -> for each saved search: the articles ingested after its mark (and up to
    the last one the index already holds), searched with its query and filters, one hit
    per story; a story one of whose matching copies was reported before is not new
    -> the front end prints them -> only then is each mark moved (``mark``)

A run that is killed before its marks move reports the same matches again next time;
one that finished moves each mark only if no other run moved it meanwhile.  The marks
are ingest sequence numbers, never dates a page claims, so an old story captured today
is new today, and a page dated in the future cannot hide what comes after it.

Saved searches are single rows written in their own short transactions, without the
archive's write lock: a ``watch run`` from a timer never waits for a long ingest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from archive.contract.clock import now_utc
from archive.contract.errors import RequestError, literal
from archive.contract.search import Hit, SearchRequest, validate
from archive.contract.settings import current
from archive.storage.store import RecordStore
from archive.storage.watches import StoredWatch

from .workspace import Workspace

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
FEED_ENTRIES = 50
_WINDOW = 2000  # ingest sequence numbers a feed looks at first, doubling until it has enough


def check_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise RequestError("name", f"{literal(repr(name[:80]))} is not a name for a saved search: use 1 to 64 "
                           "letters, digits, '.', '_' or '-', starting with a letter or digit")
    return name


def to_stored(request: SearchRequest) -> dict[str, Any]:
    return {"query": request.query, "filters": {k: list(v) for k, v in request.filters.items() if v},
            "since": request.since, "until": request.until}


def request_of(watch: StoredWatch) -> SearchRequest:
    data = watch.request
    return SearchRequest(query=data.get("query", ""), filters={k: tuple(v) for k, v in data.get("filters", {}).items()},
                         since=data.get("since"), until=data.get("until"), sort="newest",
                         limit=current().max_limit)


@dataclass(frozen=True, slots=True)
class WatchView:
    """A saved search as ``watch list`` shows it."""

    name: str
    query: str
    filters: dict[str, list[str]]
    since: str | None
    until: str | None
    since_seq: int
    created_at: str
    last_run_at: str | None

    @classmethod
    def of(cls, watch: StoredWatch) -> WatchView:
        data = watch.request
        return cls(watch.name, data.get("query", ""), dict(data.get("filters", {})), data.get("since"),
                   data.get("until"), watch.since_seq, watch.created_at, watch.last_run_at)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "query": self.query, "filters": self.filters, "since": self.since,
                "until": self.until, "since_seq": self.since_seq, "created_at": self.created_at,
                "last_run_at": self.last_run_at}


@dataclass(slots=True)
class WatchRun:
    """One saved search's new matches: ingested after ``since_seq``, up to ``until_seq``."""

    name: str
    query: str
    filters: dict[str, list[str]]
    since_seq: int
    until_seq: int
    new: list[Hit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "query": self.query, "filters": self.filters, "since_seq": self.since_seq,
                "until_seq": self.until_seq, "new": [h.to_dict() for h in self.new]}


@dataclass(slots=True)
class FeedEntry:
    hit: Hit
    captured: str  # when the shown copy was ingested (the entry's Atom ``updated``)


@dataclass(slots=True)
class WatchFeed:
    watch: WatchView
    entries: list[FeedEntry] = field(default_factory=list)


def add(workspace: Workspace, name: str, request: SearchRequest, *, from_start: bool = False) -> WatchView:
    """Save a search; it is run once here so a query the index refuses is refused now."""
    check_name(name)
    validate(request)
    workspace.backend.search(replace(request, limit=1, page=1, sort="newest", all_copies=False))
    with workspace.writer() as store:
        since = 0 if from_start else store.visible_seq()
        stored = store.add_watch(name, to_stored(request), since, now_utc().isoformat())
    return WatchView.of(stored)


def remove(workspace: Workspace, name: str) -> None:
    with workspace.writer() as store:
        store.remove_watch(name)


def listing(workspace: Workspace) -> list[WatchView]:
    with workspace.reader() as store:
        return [WatchView.of(w) for w in store.watches()]


def _selected(store: RecordStore, names: Iterable[str]) -> list[StoredWatch]:
    wanted = list(dict.fromkeys(names))
    return [store.watch(n) for n in wanted] if wanted else store.watches()


def _all_pages(workspace: Workspace, request: SearchRequest) -> list[Hit]:
    hits: list[Hit] = []
    page = 1
    while True:
        result = workspace.backend.search(replace(request, page=page))
        hits.extend(result.hits)
        if len(hits) >= result.total or not result.hits or (page + 1) * request.limit > current().max_depth:
            return hits
        page += 1


def _new_matches(workspace: Workspace, store: RecordStore, watch: StoredWatch, top: int) -> list[Hit]:
    ids = store.ids_in_seq(watch.since_seq, top)
    if not ids:
        return []
    request = request_of(watch)
    whole = watch.since_seq == 0 and top == store.last_seq()  # everything: no need to name each article
    hits = _all_pages(workspace, replace(request, ids=None if whole else frozenset(ids)))
    # A story with a matching copy reported before (ingested up to the mark) is not new.
    stories = {h.id: store.story_of(h.id) for h in hits if h.copies > 1 or store.member(h.id)}
    earlier: set[str] = set()
    for story in set(stories.values()):
        seqs = store.seqs(m.article_id for m in store.members(story))
        earlier |= {i for i, seq in seqs.items() if seq is not None and seq <= watch.since_seq}
    if earlier:
        seen = _all_pages(workspace, replace(request, ids=frozenset(earlier), all_copies=True))
        old = {store.story_of(h.id) for h in seen}
        hits = [h for h in hits if stories.get(h.id) not in old]
    return hits


def run(workspace: Workspace, names: Iterable[str] = ()) -> list[WatchRun]:
    """Each saved search's new matches (every saved search when ``names`` is empty); no
    mark moves here (``mark`` does, once they are shown)."""
    with workspace.reader() as store:
        watches = _selected(store, names)
        top = store.visible_seq()
        runs = []
        for watch in watches:
            view = WatchView.of(watch)
            upto = max(top, watch.since_seq)
            runs.append(WatchRun(watch.name, view.query, view.filters, watch.since_seq, upto,
                                 _new_matches(workspace, store, watch, upto)))
    return runs


def mark(workspace: Workspace, runs: Iterable[WatchRun]) -> list[str]:
    """Move each run's mark to where it reported up to; returns the names whose mark another
    run had moved meanwhile (left as that run set it)."""
    moved_elsewhere = []
    at = now_utc().isoformat()
    with workspace.writer() as store:
        for done in runs:
            if not store.mark_watch(done.name, done.since_seq, done.until_seq, at):
                moved_elsewhere.append(done.name)
    return moved_elsewhere


def feed(workspace: Workspace, name: str, limit: int = FEED_ENTRIES) -> WatchFeed:
    """The saved search's latest matches, most recently ingested first, one per story: what
    its Atom feed lists (reading it moves no mark)."""
    with workspace.reader() as store:
        watch = store.watch(name)
        request = request_of(watch)
        top = store.visible_seq()
        out = WatchFeed(WatchView.of(watch))
        seen: set[str] = set()
        window = _WINDOW
        high = top
        found: list[Hit] = []
        while high > 0 and len(found) < limit:
            low = max(0, high - window)
            ids = store.ids_in_seq(low, high)
            if ids:
                for hit in _all_pages(workspace, replace(request, ids=frozenset(ids))):
                    story = store.story_of(hit.id)
                    if story not in seen:
                        seen.add(story)
                        found.append(hit)
            high, window = low, window * 2
        seqs = store.seqs(h.id for h in found)
        found.sort(key=lambda h: -(seqs.get(h.id) or 0))
        records = store.get_many([h.id for h in found[:limit]])
        out.entries = [FeedEntry(h, records[h.id].ingested_at) for h in found[:limit] if h.id in records]
    return out

