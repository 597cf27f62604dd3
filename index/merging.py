"""When segments are merged: a tiered policy, run at commit.

Every commit writes a new segment.  Left alone, an archive fed small batches ends up with
hundreds of segments (slow queries) and with the dead copies of updated documents (a
bigger index).  A full optimize on every commit would rewrite the whole index each time.

The tiered policy sits between: segments are grouped by size into tiers (each tier
``FACTOR`` times larger than the one below, the lowest holding everything under
``BASE`` documents); when a tier holds ``FACTOR`` segments they are merged into one of
the next tier.  Each document is rewritten about once per tier, so the cost of merging
stays proportional to ``log(size)`` per document, and a tier never holds more than
``FACTOR - 1`` segments.  A segment whose documents are more than ``MAX_DELETED`` deleted
is rewritten at its next commit whatever its tier, which bounds the dead weight.
"""

from __future__ import annotations

import math
from typing import Any

from whoosh.reading import SegmentReader

BASE = 1000
FACTOR = 4
MAX_DELETED = 0.2


def tier(docs: int) -> int:
    if docs < BASE:
        return 0
    return 1 + int(math.log(docs / BASE, FACTOR))


def choose(sizes: list[tuple[int, int]]) -> set[int]:
    """Indexes of the segments to merge, given each one's (all docs, deleted docs)."""
    chosen: set[int] = set()
    by_tier: dict[int, list[int]] = {}
    for i, (total, deleted) in enumerate(sizes):
        if total and deleted / total > MAX_DELETED:
            chosen.add(i)
        else:
            by_tier.setdefault(tier(total - deleted), []).append(i)
    for members in by_tier.values():
        if len(members) >= FACTOR:
            chosen.update(members)
    return chosen


def tiered(writer: Any, segments: list[Any]) -> list[Any]:
    """A Whoosh ``mergetype``: merge the chosen segments into the one being written."""
    sizes = [(seg.doc_count_all(), seg.deleted_count()) for seg in segments]
    chosen = choose(sizes)
    kept = []
    for i, seg in enumerate(segments):
        if i in chosen:
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(seg)
    return kept
