"""Copies of one story: found when an article is stored, kept up to date, rebuilt on demand.

    a stored body -> fingerprint (archive.extraction.fingerprint) -> candidates that share
    an LSH band key (archive.storage.copies) -> each confirmed on the exact shingle sets
    -> join the story of the matches (merging stories an article bridges)

An article's copies are other articles (another site, another URL, another capture of the
same page as text): never its own versions, since only an article's current body has a
signature.  When that body changes (a new capture, a re-extraction) or the article is
forgotten, it leaves its story first, and what is left of the story is checked again: an
article that held two halves together leaves them as two stories.

Every change runs inside the caller's transaction, together with the record change that
caused it, and the articles whose story changes are queued for the index in the same
transaction (the index groups matches by story).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archive.contract.records import Record
from archive.contract.settings import current
from archive.extraction.fingerprint import (
    Fingerprint,
    Likeness,
    band_keys,
    compare,
    estimate,
    fingerprint,
    signature_from_bytes,
)
from archive.storage.copies import Member, StoredSignature
from archive.storage.store import RecordStore

KINDS = ("exact", "near", "contained")
_CACHE = 4096  # fingerprints of bodies read to confirm candidates, kept for the next article
_MARGIN = 0.15  # how far below a threshold a MinHash estimate may be and still be checked exactly


def kind_of(likeness: Likeness) -> str | None:
    """exact, near or contained when two bodies are copies of one story, else None."""
    settings = current()
    if likeness.exact:
        return "exact"
    if likeness.jaccard >= settings.copy_jaccard:
        return "near"
    if likeness.containment >= settings.copy_containment and likeness.ratio >= settings.copy_min_ratio:
        return "contained"
    return None


def similarity_of(likeness: Likeness, kind: str | None) -> float:
    """The figure a kind is judged by: containment for a contained copy, else Jaccard."""
    return round(likeness.containment if kind == "contained" else likeness.jaccard, 4)


@dataclass(frozen=True, slots=True)
class Match:
    article_id: str
    likeness: Likeness
    kind: str

    @property
    def similarity(self) -> float:
        return similarity_of(self.likeness, self.kind)

    @property
    def strength(self) -> tuple[int, float]:
        return (len(KINDS) - KINDS.index(self.kind), self.similarity)


class Copies:
    """Keeps the stories of one record store up to date; the caller holds the write lock
    and wraps each call in the store's transaction with the change that caused it."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store
        self._prints: OrderedDict[str, Fingerprint] = OrderedDict()

    # ------------------------------------------------------------------ fingerprints

    def _remember(self, article_id: str, print_: Fingerprint) -> None:
        self._prints[article_id] = print_
        self._prints.move_to_end(article_id)
        while len(self._prints) > _CACHE:
            self._prints.popitem(last=False)

    def prints(self, article_ids: Iterable[str]) -> dict[str, Fingerprint]:
        """The fingerprints of the current bodies of ``article_ids`` (those still stored)."""
        ids = list(article_ids)
        out = {i: self._prints[i] for i in ids if i in self._prints}
        missing = [i for i in ids if i not in out]
        for article_id, body in self.store.bodies(missing).items():
            out[article_id] = fingerprint(body)
            self._remember(article_id, out[article_id])
        return out

    # ------------------------------------------------------------------ placing

    def place(self, record: Record, print_: Fingerprint | None = None) -> None:
        """File ``record`` (an article's current record, just stored) under its story."""
        print_ = print_ or fingerprint(record.body)
        old = self.store.signature(record.id)
        if old is not None:
            if old.digest == print_.digest and old.shingles == print_.size:
                return  # the same words: the same story as before
            self.store.drop_signature(record.id, band_keys(signature_from_bytes(old.minhash)))
            self._prints.pop(record.id, None)
            self.leave(record.id)
        self.store.put_signature(record.id, print_.digest, print_.size, print_.signature_bytes(), print_.keys())
        self._remember(record.id, print_)
        self._join(record.id, self.matches(record.id, print_))

    def forget(self, article_id: str) -> None:
        """An article is being forgotten: its signature goes, and it leaves its story."""
        old = self.store.signature(article_id)
        if old is not None:
            self.store.drop_signature(article_id, band_keys(signature_from_bytes(old.minhash)))
        self._prints.pop(article_id, None)
        self.leave(article_id)

    def matches(self, article_id: str, print_: Fingerprint) -> list[Match]:
        """The stored articles confirmed as copies of a body, at most one check per story
        past the first confirmed (a story already matched needs no second proof), and at
        most ``Settings.copy_tries`` failed checks per story."""
        settings = current()
        found: list[Match] = []
        done: set[str] = set()
        tries: dict[str, int] = {}
        candidates = [c for c in self.store.candidate_signatures(print_.keys()) if c.article_id != article_id]
        for candidate in candidates:
            story = self.store.story_of(candidate.article_id)
            if story in done or tries.get(story, 0) >= settings.copy_tries:
                continue
            if candidate.digest != print_.digest and not self._worth_checking(print_, candidate):
                continue
            other = self.prints([candidate.article_id]).get(candidate.article_id)
            if other is None:
                continue
            likeness = compare(print_, other)
            kind = kind_of(likeness)
            if kind is None:
                tries[story] = tries.get(story, 0) + 1
                continue
            found.append(Match(candidate.article_id, likeness, kind))
            done.add(story)
        return found

    @staticmethod
    def _worth_checking(print_: Fingerprint, candidate: StoredSignature) -> bool:
        """Whether the MinHash estimate leaves a chance that the exact check confirms."""
        settings = current()
        guess = estimate(print_.signature, signature_from_bytes(candidate.minhash))
        if guess >= settings.copy_jaccard - _MARGIN:
            return True
        small, large = sorted((print_.size, candidate.shingles))
        if not small or small / large < settings.copy_min_ratio:
            return False
        shared = guess / (1 + guess) * (small + large)
        return shared / small >= settings.copy_containment - _MARGIN

    def _join(self, article_id: str, matches: list[Match]) -> None:
        """Put an article with the stories of its matches, merging them into the largest."""
        if not matches:
            return
        stories: dict[str, list[Member]] = {}
        for match in matches:
            story = self.store.story_of(match.article_id)
            if story not in stories:
                stories[story] = self.store.members(story)
        target = max(stories, key=lambda s: (len(stories[s]), -list(stories).index(s)))
        if not stories[target]:  # the match was a story of its own: it becomes the first of one
            self.store.set_member(Member(target, target, None, None, None))
        for match in matches:
            story = self.store.story_of(match.article_id)
            if story == target:
                continue
            for member in stories[story] or [None]:
                if member is None or (member.article_id == match.article_id and member.via is None):
                    # a lone article, or the first of a story, joins through this one
                    self.store.set_member(Member(match.article_id, target, article_id, match.similarity, match.kind))
                else:
                    self.store.set_member(Member(member.article_id, target, member.via, member.similarity,
                                                 member.kind))
        best = max((m for m in matches), key=lambda m: m.strength)
        self.store.set_member(Member(article_id, target, best.article_id, best.similarity, best.kind))

    # ------------------------------------------------------------------ leaving

    def leave(self, article_id: str) -> None:
        """Take an article out of its story; what is left is split where it no longer holds."""
        member = self.store.member(article_id)
        if member is None:
            return
        self.store.drop_member(article_id)
        rest = [m.article_id for m in self.store.members(member.cluster)]
        if len(rest) <= 1:
            for other in rest:
                self.store.drop_member(other)
            return
        groups = self.components(rest)
        groups.sort(key=len, reverse=True)
        for n, (first, links) in enumerate(groups_with_links(groups)):
            # the largest part keeps the label, unless the label was the one leaving (its
            # document would still carry it): then, like the others, its first article's id
            label = member.cluster if n == 0 and member.cluster != article_id else first
            if not links:
                self.store.drop_member(first)
                continue
            self.store.set_member(Member(first, label, None, None, None))
            for other, via, match in links:
                self.store.set_member(Member(other, label, via, match.similarity, match.kind))

    def components(self, article_ids: list[str]) -> list[list[tuple[str, str | None, Match | None]]]:
        """``article_ids`` grouped into stories by confirmed copies among themselves, each
        group as (article, the member it was confirmed a copy of, the match), first
        member first; a pair is checked only when a band key is shared and the two are
        not yet known to be one story."""
        prints = self.prints(article_ids)
        ids = [i for i in article_ids if i in prints]
        parent = {i: i for i in ids}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        buckets: dict[int, list[str]] = {}
        links: dict[str, tuple[str, Match]] = {}
        for article_id in ids:
            seen: set[str] = set()
            for key in prints[article_id].keys():
                for other in buckets.get(key, ()):
                    if other in seen or find(other) == find(article_id):
                        continue
                    seen.add(other)
                    likeness = compare(prints[article_id], prints[other])
                    kind = kind_of(likeness)
                    if kind is not None:
                        parent[find(article_id)] = find(other)
                        links.setdefault(article_id, (other, Match(other, likeness, kind)))
                buckets.setdefault(key, []).append(article_id)
        groups: dict[str, list[tuple[str, str | None, Match | None]]] = {}
        for article_id in ids:
            via = links.get(article_id)
            groups.setdefault(find(article_id), []).append(
                (article_id, via[0] if via else None, via[1] if via else None))
        return list(groups.values())

    # ------------------------------------------------------------------ rebuilding

    def rebuild(self, progress: Callable[[int], None] | None = None, batch: int = 500) -> RebuildSummary:
        """Every signature and story computed afresh from the current bodies, in the order
        the articles were stored (so stories keep the labels incremental filing gave
        them); the articles whose story changed are queued for the index."""
        before = self.store.all_stories()
        with self.store.atomic():
            self.store.clear_copies()
        self._prints.clear()
        ids = self.store.ids_by_seq()
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            records = self.store.get_many(chunk)
            with self.store.atomic():
                for article_id in chunk:
                    if article_id in records:
                        self.place(records[article_id])
            if progress:
                progress(len(chunk))
        after = self.store.all_stories()
        changed = sorted(i for i in set(before) | set(after) if before.get(i) != after.get(i))
        self.store.queue(changed, "index")
        counts = self.store.copy_counts()
        return RebuildSummary(len(ids), counts["stories"], counts["articles"], len(changed))


def groups_with_links(
    groups: list[list[tuple[str, str | None, Match | None]]],
) -> Iterable[tuple[str, list[tuple[str, str, Match]]]]:
    """Each group as its first member and the others' links (article, via, match)."""
    for group in groups:
        first = group[0][0]
        links = [(a, via, m) for a, via, m in group[1:] if via is not None and m is not None]
        yield first, links


@dataclass(frozen=True, slots=True)
class RebuildSummary:
    articles: int
    stories: int  # stories with more than one article
    clustered: int  # articles in those stories
    reindexed: int

    def to_dict(self) -> dict[str, int]:
        return {"articles": self.articles, "stories_with_copies": self.stories, "articles_with_copies": self.clustered,
                "reindexed": self.reindexed}
