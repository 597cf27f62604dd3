"""Merging segments off the writer's path: built from a snapshot, adopted in a moment.

A Whoosh merge reads and re-encodes the merged segments' postings one term at a time,
which costs more than indexing their documents afresh (about 45 ms of CPU per article
for small segments of generated articles, against about 21 ms to index one).  Done inside
the command that wrote, it makes a one-file ingest that fills a tier wait seconds for a
merge it did not need.  Here a merge runs in a process of its own:

1. without the home's write lock, it opens the index in use, lets the tiered policy
   (index.merging) choose, and merges the chosen segments into one new segment in a
   scratch folder beside the generations (``merge-<pid>-<n>``), with its search caches;
2. then, under the write lock, held for a few renames and one table of contents, it
   checks that the chosen segments are all still in the index, deletes from the new
   segment the documents deleted from them meanwhile, moves its files in and commits a
   table of contents that names it in their place.

Writers wait for the second step only.  A merge whose segments changed under it (a
rebuild swapped the generation in) is dropped with its scratch folder.  One merging
process at a time per index (``merge.lock``); a killed one leaves its scratch folder,
which the index's scraps include once no merge is running.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

from . import columns, merging
from .location import SCRATCH_PREFIX, IndexLocation, merge_lock, open_index
from .segments import WRITER_LIMITMB, segment_files

ROUNDS = 16  # merges one process makes before it leaves the rest to the next write

WriteLock = Callable[[], AbstractContextManager[object]]


@dataclass(slots=True)
class Merged:
    """A merge built from a snapshot of the generation ``generation``: the new segment
    (None when every document merged was deleted) in ``scratch``, and for each segment it
    replaces, its id and the document numbers it held live at the snapshot, in order."""

    generation: str
    scratch: Path
    segment: Any
    parts: list[tuple[str, list[int]]]


def waiting(location: IndexLocation) -> bool:
    """Whether the merge policy has segments to merge in the index in use."""
    folder = location.current_dir()
    if folder is None or not folder.exists():
        return False
    ix = open_index(folder)
    try:
        return bool(merging.choose(merging.sizes(ix._segments())))
    finally:
        ix.close()


def idle(location: IndexLocation) -> bool:
    """No process is merging and nothing waits to be merged: what a write started is done."""
    with merge_lock(location.root) as free:
        return free and not waiting(location)


def _scratch(root: Path) -> Path:
    for n in itertools.count(1):
        folder = root / f"{SCRATCH_PREFIX}{os.getpid()}-{n}"
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def build(location: IndexLocation) -> Merged | None:
    """Merge what the policy chooses into a scratch folder (no lock needed: a segment's
    files never change while a table of contents names it); None if nothing is to merge."""
    name, folder = location.current_name(), location.current_dir()
    if name is None or folder is None:
        return None
    ix = open_index(folder)
    try:
        segments = ix._segments()
        chosen = sorted(merging.choose(merging.sizes(segments)))
        if not chosen:
            return None
        scratch = _scratch(location.root)
        try:
            out = whoosh_index.create_in(str(scratch), ix.schema)
            writer = out.writer(limitmb=WRITER_LIMITMB)
            parts: list[tuple[str, list[int]]] = []
            try:
                for i in chosen:
                    seg = segments[i]
                    deleted = set(seg.deleted_docs())
                    parts.append((seg.segment_id(), [d for d in range(seg.doc_count_all()) if d not in deleted]))
                    reader = SegmentReader(ix.storage, ix.schema, seg)
                    try:
                        writer.add_reader(reader)
                    finally:
                        reader.close()
            except BaseException:
                writer.cancel()
                raise
            writer.commit(merge=False)
            made = out._segments()
            with out.reader() as reader:
                columns.warm(scratch, reader)
            out.close()
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
    finally:
        ix.close()
    return Merged(name, scratch, made[0] if made else None, parts)


def adopt(location: IndexLocation, merged: Merged) -> int:
    """Put a built merge in place of the segments it merged (the caller holds the write
    lock); returns the documents it rewrote, 0 if the index changed under it."""
    try:
        folder = location.current_dir()
        if location.current_name() != merged.generation or folder is None:
            return 0
        ix = open_index(folder)
        try:
            now = {seg.segment_id(): seg for seg in ix._segments()}
            if any(sid not in now for sid, _live in merged.parts):
                return 0
            segment, base = merged.segment, 0
            for sid, live in merged.parts:
                gone = set(now[sid].deleted_docs())
                if segment is not None and gone:
                    for n, docnum in enumerate(live):
                        if docnum in gone:  # deleted since the snapshot: an update, a forget
                            segment.delete_document(base + n)
                base += len(live)
            for path in segment_files(merged.scratch):
                os.replace(path, folder / path.name)
            replaced = {sid for sid, _live in merged.parts}
            added = [segment] if segment is not None else []
            writer = ix.writer()
            writer.commit(mergetype=lambda _writer, segs: [s for s in segs if s.segment_id() not in replaced] + added)
        finally:
            ix.close()
        ix = open_index(folder)
        try:
            with ix.reader() as reader:
                columns.prune(folder, reader)
        finally:
            ix.close()
        return base
    finally:
        shutil.rmtree(merged.scratch, ignore_errors=True)


def run(location: IndexLocation, write_lock: WriteLock) -> int:
    """Merge until the policy has nothing left (at most ``ROUNDS`` merges), each built
    outside ``write_lock`` and adopted under it; returns the documents rewritten.  Returns
    0 at once when another process is merging this index."""
    with merge_lock(location.root) as mine:
        if not mine:
            return 0
        rewritten = 0
        for _ in range(ROUNDS):
            merged = build(location)
            if merged is None:
                break
            try:
                with write_lock():
                    done = adopt(location, merged)
            finally:
                shutil.rmtree(merged.scratch, ignore_errors=True)
            if not done and merged.parts and location.current_name() != merged.generation:
                break  # a rebuild swapped a new generation in: its writer tidies it
            rewritten += done
        return rewritten


__all__ = ["Merged", "adopt", "build", "idle", "run", "waiting"]
