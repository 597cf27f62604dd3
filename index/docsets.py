"""The set of documents a query matches, as a sorted numpy array of docnums.

Totals and facet counts need every match, not the top ten.  Whoosh's ``docs_for_query``
walks a matcher tree one document at a time; for the query shapes users type most
(terms, AND, OR, NOT, date ranges, short wildcards) the same set comes much faster from
whole postings blocks combined with numpy set operations.  Anything else (phrases,
fuzzy terms...) is still answered by Whoosh's own matchers.

Every walk checks a deadline, so a query that turns out too costly is stopped with a
QueryError that says so rather than left running.
"""

from __future__ import annotations

import time

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from archive.errors import QueryError

from .columns import EMPTY, Columns, postings_ids

MAX_EXPANSION = 2000  # words a wildcard, prefix or fuzzy term may stand for


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise QueryError(
                f"the query took longer than {self.seconds:g} s and was stopped; "
                "make it more specific (fewer wildcards, fewer alternatives)"
            )


def _term(s: Searcher, cols: Columns, field: str, text: str | bytes) -> np.ndarray:
    parts = []
    reader = s.reader()
    for sub, offset in reader.leaf_readers():
        if (field, text) in sub:
            parts.append(postings_ids(sub, field, text) + offset)
    if not parts:
        return EMPTY
    ids = np.concatenate(parts) if len(parts) > 1 else parts[0]
    return ids[cols.live[ids]]


def _union(arrays: list[np.ndarray]) -> np.ndarray:
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        return EMPTY
    if len(arrays) == 1:
        return arrays[0]
    return np.unique(np.concatenate(arrays))


def _everything(cols: Columns) -> np.ndarray:
    return np.flatnonzero(cols.live).astype(np.int32)


def _expanded(s: Searcher, node: wq.Query) -> list[tuple[str, str | bytes]]:
    words = []
    for word in node._btexts(s.reader()):  # the words of the lexicon it stands for
        words.append(word)
        if len(words) > MAX_EXPANSION:
            raise QueryError(
                f"{node} stands for more than {MAX_EXPANSION} words; make it more specific"
            )
    return [(node.fieldname, w) for w in words]


def docs(s: Searcher, cols: Columns, q: wq.Query, deadline: Deadline) -> np.ndarray:
    """Sorted, unique docnums of the live documents ``q`` matches."""
    deadline.check()
    if isinstance(q, wq.Term):
        return _term(s, cols, q.fieldname, q.text)
    if isinstance(q, wq.And):
        positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        if not positive:
            out = _everything(cols)
        else:
            arrays = sorted((docs(s, cols, c, deadline) for c in positive), key=len)
            out = arrays[0]
            for other in arrays[1:]:
                if not len(out):
                    break
                out = np.intersect1d(out, other, assume_unique=True)
        for neg in negative:
            if not len(out):
                break
            out = np.setdiff1d(out, docs(s, cols, neg, deadline), assume_unique=True)
        return out
    if isinstance(q, wq.Or) and not getattr(q, "minmatch", 0):
        return _union([docs(s, cols, c, deadline) for c in q.subqueries])
    if isinstance(q, wq.Not):
        return np.setdiff1d(_everything(cols), docs(s, cols, q.query, deadline), assume_unique=True)
    if isinstance(q, wq.AndNot):
        return np.setdiff1d(
            docs(s, cols, q.a, deadline), docs(s, cols, q.b, deadline), assume_unique=True
        )
    if isinstance(q, wq.AndMaybe):
        return docs(s, cols, q.a, deadline)
    if isinstance(q, wq.Require):
        return np.intersect1d(
            docs(s, cols, q.a, deadline), docs(s, cols, q.b, deadline), assume_unique=True
        )
    if isinstance(q, wq.NumericRange) and q.fieldname in ("day", "year"):
        values = cols.day if q.fieldname == "day" else cols.day // 10000
        mask = cols.live & (cols.day > 0)
        if q.start is not None:
            mask &= (values > q.start) if q.startexcl else (values >= q.start)
        if q.end is not None:
            mask &= (values < q.end) if q.endexcl else (values <= q.end)
        return np.flatnonzero(mask).astype(np.int32)
    if isinstance(q, wq.Every) and not getattr(q, "fieldname", None):
        return _everything(cols)
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return EMPTY
    if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex)):
        arrays = []
        for field, word in _expanded(s, q):
            deadline.check()
            arrays.append(_term(s, cols, field, word))
        return _union(arrays)
    return _walk(s, q, deadline)


def _walk(s: Searcher, q: wq.Query, deadline: Deadline) -> np.ndarray:
    """Whoosh's own matcher, one document at a time, for the shapes not handled above."""
    out = []
    for n, docnum in enumerate(s.docs_for_query(q)):
        out.append(docnum)
        if n % 4096 == 4095:
            deadline.check()
    return np.unique(np.asarray(out, dtype=np.int32)) if out else EMPTY
