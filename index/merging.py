"""When segments are merged: a tiered policy with a cost budget, run after a commit.

Every commit writes a new segment.  Left alone, an archive fed small batches ends up with
hundreds of segments (slow queries, a bigger index: each segment repeats its own term
dictionary) and with the dead copies of updated documents.  A full optimize on every
commit would rewrite the whole index each time.

The tiered policy sits between: segments are grouped by size into tiers (each tier
``FACTOR`` times larger than the one below, from one document up); when a tier holds
``FACTOR`` segments they are merged into one of the next tier, so a document is rewritten
about once per tier, and a merge never joins a large segment with small ones: four
one-article segments make one of four, never one with the whole index.  A segment whose
documents are more than ``MAX_DELETED`` deleted is rewritten whatever its tier, which
bounds the dead weight.

Merging in Whoosh costs more than indexing the same documents again, so it never stands
between new documents and search: the new segment is committed first (searchable at
once).  By default the merges are then made by a process of their own (index.deferred),
without a budget.  Made by the writing command itself (``Settings.merge_apart`` off), they
run as a separate commit with a budget in documents that grows with what was written (the
credit is kept by archive.operations.indexing): small tiers fill and merge often and
cheaply, a big tier once enough documents have been written to pay for rewriting it, so
the cost of merging stays proportional to the cost of indexing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from whoosh.index import Index
from whoosh.reading import SegmentReader

FACTOR = 4
MAX_DELETED = 0.2
MIN_BUDGET = 256  # documents any sync may merge after itself, whatever it wrote
CREDIT_RATIO = 0.5  # documents of merging earned by each document written
SPEND_RATIO = 8  # documents of merging one sync may spend per document it wrote


def tier(docs: int) -> int:
    if docs < FACTOR:
        return 0
    return int(math.log(docs, FACTOR) + 1e-9)


def budget(credit: float, written: int) -> float:
    """Documents a sync that wrote ``written`` may merge, given the credit saved up."""
    return max(MIN_BUDGET, min(credit, SPEND_RATIO * written))


def choose(sizes: list[tuple[int, int]], budget: float = math.inf) -> set[int]:
    """Indexes of the segments to merge, given each one's (all docs, deleted docs).

    Candidate groups (a full tier; a mostly-deleted segment) are taken smallest first
    while the documents they rewrite stay within ``budget``.
    """
    groups: list[list[int]] = []
    by_tier: dict[int, list[int]] = {}
    for i, (total, deleted) in enumerate(sizes):
        if total and deleted / total > MAX_DELETED:
            groups.append([i])
        else:
            by_tier.setdefault(tier(total - deleted), []).append(i)
    groups.extend(members for members in by_tier.values() if len(members) >= FACTOR)

    def cost(group: list[int]) -> int:
        return sum(sizes[i][0] - sizes[i][1] for i in group)

    chosen: set[int] = set()
    spent = 0
    for group in sorted(groups, key=cost):
        if spent + cost(group) > budget:
            break
        chosen.update(group)
        spent += cost(group)
    return chosen


def sizes(segments: list[Any]) -> list[tuple[int, int]]:
    """Each Whoosh segment's (all docs, deleted docs), as ``choose`` takes them."""
    return [(seg.doc_count_all(), seg.deleted_count()) for seg in segments]


def _mergetype(budget: float) -> Callable[[Any, list[Any]], list[Any]]:
    def merge(writer: Any, segments: list[Any]) -> list[Any]:
        """A Whoosh ``mergetype``: fold the chosen segments into the one being written."""
        chosen = choose(sizes(segments), budget)
        kept = []
        for i, seg in enumerate(segments):
            if i in chosen:
                reader = SegmentReader(writer.storage, writer.schema, seg)
                writer.add_reader(reader)
                reader.close()
            else:
                kept.append(seg)
        return kept

    return merge


def merge(ix: Index, budget: float = math.inf, *, limitmb: int = 256) -> int:
    """Merge what the policy chooses within ``budget`` documents; return how many
    documents were rewritten (0: nothing to do, and no commit made)."""
    counts = sizes(ix._segments())
    chosen = choose(counts, budget)
    if not chosen:
        return 0
    writer = ix.writer(limitmb=limitmb)
    try:
        writer.commit(mergetype=_mergetype(budget))
    except BaseException:
        writer.cancel()
        raise
    return sum(counts[i][0] - counts[i][1] for i in chosen)
