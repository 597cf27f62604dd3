"""The archive's tunables in one object: cleaner version, index update thresholds, query
and size limits.

Every layer reads them through ``current()`` at the moment it needs one, so a test (or a
worker process handed its parent's settings) changes them with ``override`` instead of
patching module globals::

    with override(sync_every=2):
        archive.ingest(paths)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace

CLEANER_VERSION = "10"
"""Bumped whenever extraction output can change, so stale records can be found and re-extracted."""


@dataclass(frozen=True, slots=True)
class Settings:
    # extraction
    cleaner_version: str = CLEANER_VERSION
    max_page_bytes: int = 50 * 2**20  # a capture larger than this is refused
    page_seconds: float = 20.0  # a page whose extraction takes longer is refused
    worker_memory_mb: int = 3072  # address space of each extraction process
    # A longer page is read without its scripts, styles and comments, and cut to this if
    # still longer (a parsed tree costs about 100 times its text's size in memory).
    max_parse_chars: int = 4_000_000
    max_page_nodes: int = 100_000  # elements and strings: the parse stops there, a prefix is read
    max_tree_depth: int = 256  # elements nested deeper are not made; their text is kept

    # ingest, re-extraction and index updates
    sync_every: int = 2000  # stored articles before a long ingest's first index update
    first_sync_seconds: float = 3.0  # ... or this long into the run (then at doubling intervals)
    checkpoint_seconds: float = 1.0  # how often a re-extraction of everything notes its progress
    commit_max: int = 50_000  # documents in one index commit (one segment per core)
    parallel_batch: int = 1000  # documents from which an index commit is written on every core
    small_batch: int = 32  # fewer captures than this are extracted without helper processes
    pool_chunk: int = 8  # pages per extraction task: hides the pickling round trip, still balances
    reextract_batch: int = 200  # articles between re-extraction checkpoints
    reextract_sync_every: int = 2000  # re-extracted articles between index updates
    durable_commits: bool = True  # every record commit synced to the disk before it is reported
    # Index merges run in a process of their own once a write is done, holding the write
    # lock only to put each merge in place (index.deferred); off, each write merges within
    # its budget before it returns.  ARCHIVE_INLINE_MERGES=1 turns it off for a process
    # and its children (the tests do, so that nothing outlives a test).
    merge_apart: bool = os.environ.get("ARCHIVE_INLINE_MERGES", "") != "1"
    segment_docs: int = 10_000  # documents in one index segment an executor's worker builds (index.segments)

    # on a cluster (--cluster)
    cluster_connect_seconds: float = 30.0  # to reach the scheduler and see a worker
    cluster_scatter_bytes: int = 2**20  # a task argument larger than this goes to a worker directly
    cluster_writers: int = 4  # threads writing the originals a cluster sends, ahead of their records

    # copies of one story (archive.operations.copies)
    copy_jaccard: float = 0.5  # shingle sets sharing this much (Jaccard) are near copies
    copy_containment: float = 0.8  # ... or the smaller found this much in the larger (a copy cut short)
    copy_min_ratio: float = 0.5  # ... when the smaller holds at least this share of the larger's shingles
    copy_tries: int = 4  # candidates of one story checked before giving that story up

    # queries
    max_limit: int = 1000  # hits per page
    max_depth: int = 100_000  # page * limit
    query_seconds: float = 1.0  # a query still running after this is stopped
    max_query_chars: int = 2000
    max_query_nesting: int = 40  # levels of parentheses
    min_wildcard_prefix: int = 2  # letters before the first * or ?
    max_phrase_words: int = 16
    max_expansion: int = 2000  # words a wildcard, prefix or fuzzy term may stand for
    max_reads: int = 3000  # ... and (word, segment) postings lists it may read
    suggest_below: int = 5  # "did you mean" for queries matching fewer articles than this
    hot_postings_df: int = 256  # documents of a segment from which a term's postings are cached


NAMES = frozenset(f.name for f in fields(Settings))
_current = Settings()


def current() -> Settings:
    """The settings in force in this process."""
    return _current


@contextmanager
def override(settings: Settings | None = None, /, **changes: object) -> Iterator[Settings]:
    """Run a block under other settings (a whole object, or changed fields), then restore."""
    global _current
    unknown = set(changes) - NAMES
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    previous = _current
    _current = replace(settings or previous, **changes)
    try:
        yield _current
    finally:
        _current = previous
