"""``archive check`` for copies and saved searches, and what ``--repair`` does about them.

    copies: every signature is of its article's current body, and names an article
            that exists; every story member exists; articles not compared yet are a note
    saved searches: each one's query and filters still run, and its mark is not past the
            archive's ingest sequence (a store restored from an older copy)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from archive.contract.errors import QueryError
from archive.contract.search import validate
from archive.extraction.fingerprint import digest, words
from archive.storage.store import RecordStore

from .copies import Copies
from .watch import request_of

if TYPE_CHECKING:
    from archive.contract.backend import SearchBackend

    from .integrity import CheckReport, Problem

COPIES_STALE = "copies-stale"
COPIES_ORPHAN = "copies-orphan"
WATCH_INVALID = "watch-invalid"
WATCH_AHEAD = "watch-ahead"
KINDS = (COPIES_STALE, COPIES_ORPHAN, WATCH_INVALID, WATCH_AHEAD)


def check(store: RecordStore, backend: SearchBackend, report: CheckReport,
          problem: Callable[..., Problem]) -> None:
    """Add the copies' and saved searches' problems (and the count of articles not yet
    compared for copies) to ``report``."""
    digests = store.signature_digests()
    for article_id, stored in digests.items():
        if stored is None:
            report.problems.append(problem(COPIES_ORPHAN, "a copies signature of an article that is gone",
                                           article_id))
    last = ""
    while records := store.bodies_after(last, 500):
        for article_id, body in records:
            stored = digests.get(article_id, "")
            if stored and stored != digest(words(body)):
                report.problems.append(problem(COPIES_STALE, "the copies signature is not of the current body",
                                               article_id))
        last = records[-1][0]
    for article_id in store.orphan_members():
        report.problems.append(problem(COPIES_ORPHAN, "a story member that is no longer an article", article_id))
    report.copies = {**store.copy_counts(), "unsigned": store.count_unsigned()}
    top = store.last_seq()
    for watch in store.watches():
        try:
            request = request_of(watch)
            validate(request)
            backend.search(replace(request, limit=1))
        except QueryError as exc:
            report.problems.append(problem(WATCH_INVALID, f"saved search {watch.name!r} no longer runs: {exc}"))
        if watch.since_seq > top:
            report.problems.append(problem(
                WATCH_AHEAD, f"saved search {watch.name!r} is marked up to ingest #{watch.since_seq}, past the "
                f"last one given out (#{top}): it would skip what comes next"))
    report.watches = len(store.watches())


def repair(store: RecordStore, problems: list[Problem], done: list[str]) -> None:
    """Refile stale signatures, drop orphans, bring marks back, compare unsigned articles."""
    finder = Copies(store)
    stale = sorted({p.article_id for p in problems if p.kind == COPIES_STALE and p.article_id})
    orphans = sorted({p.article_id for p in problems if p.kind == COPIES_ORPHAN and p.article_id})
    with store.atomic():
        for article_id in orphans:
            finder.forget(article_id)
        for record in store.get_many(stale).values():
            finder.forget(record.id)
            finder.place(record)
    if orphans:
        done.append(f"dropped the copies rows of {len(orphans)} articles that are gone")
    if stale:
        done.append(f"compared {len(stale)} articles for copies again")
    unsigned = store.unsigned()
    for start in range(0, len(unsigned), 500):
        records = store.get_many(unsigned[start : start + 500])
        with store.atomic():
            for article_id in unsigned[start : start + 500]:
                if article_id in records:
                    finder.place(records[article_id])
    if unsigned:
        done.append(f"compared {len(unsigned)} articles not compared before for copies")
    top = store.last_seq()
    ahead = [w.name for w in store.watches() if w.since_seq > top]
    for name in ahead:
        store.set_mark(name, top)
    if ahead:
        done.append(f"moved the marks of {len(ahead)} saved searches back to ingest #{top}")
