"""The set of documents a query matches, as a sorted numpy array of docnums.

Totals and facet counts need every match, not the top ten.  Whoosh's ``docs_for_query``
walks a matcher tree one document at a time; for the query shapes users type most
(terms, AND, OR, NOT, date ranges, short wildcards) the same set comes much faster from
whole postings blocks combined with numpy set operations.  A phrase is the intersection
of its words' sets, then a check of word positions for those candidates only, done on
all of them at once (from the cached positions of frequent words, index.postings).
Anything else is still answered by Whoosh's own matchers.

A ``Memo`` keeps each term's postings for the rest of the request, so ranking
(index.ranking) reuses what matching read.

Every walk checks a deadline, so a query that turns out too costly is stopped with a
QueryError that says so rather than left running.
"""

from __future__ import annotations

import time

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from archive.contract.errors import QueryError
from archive.contract.settings import current

from .columns import Columns
from .postings import EMPTY, decode_positions, postings_arrays, postings_ids, spread


class Deadline:
    """A query's time limit, counted in the CPU time of the thread running it: the query's
    own work, not the time other processes of a busy machine take from it."""

    def __init__(self, seconds: float, hint: str = "make it more specific") -> None:
        self.end = time.thread_time() + seconds
        self.wall = time.monotonic() + seconds  # CPU time never runs ahead of the clock
        self.seconds = seconds
        self.hint = hint

    def left(self) -> float:
        return self.end - time.thread_time()

    def check(self) -> None:
        if time.monotonic() > self.wall and time.thread_time() > self.end:
            raise QueryError(f"the query took longer than {self.seconds:g} s and was stopped; {self.hint}")


def hint_for(q: wq.Query | None, filtered: bool) -> str:
    """What would make a query that ran out of time cheaper, for its message."""
    if q is None:
        return "narrow the filters" if filtered else "add words or filters"
    kinds = {type(node) for node in q.all_parts()} if hasattr(q, "all_parts") else set()
    if kinds & {wq.Wildcard, wq.Prefix, wq.FuzzyTerm, wq.Regex}:
        return "make it more specific (longer wildcard prefixes, fewer fuzzy terms)"
    if any(issubclass(k, wq.Or) and k.__name__ == "Or" for k in kinds):
        return "make it more specific (fewer alternatives)"
    if wq.Phrase in kinds:
        return "make it more specific (a rarer word in the phrase)"
    return "make it more specific"


Memo = dict[tuple[str, str | bytes], tuple[np.ndarray, np.ndarray]]


def term_postings(
    s: Searcher, cols: Columns, field: str, text: str | bytes, memo: Memo | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Live docnums holding one term, and the term's weight in each."""
    key = (field, text)
    if memo is not None and key in memo:
        return memo[key]
    ids_parts, weight_parts = [], []
    reader = s.reader()
    for i, (sub, offset) in enumerate(reader.leaf_readers()):
        hot = cols.hot[i] if i < len(cols.hot) else None
        cached = hot.get(field, text) if hot is not None else None
        if cached is not None:
            ids, weights = cached
        elif (field, text) in sub:
            ids, weights, _ = postings_arrays(sub, field, text)
        else:
            continue
        ids_parts.append(ids + offset)
        weight_parts.append(weights)
    if not ids_parts:
        out = (EMPTY, np.zeros(0))
    else:
        ids = np.concatenate(ids_parts)
        weights = np.concatenate(weight_parts)
        live = cols.live[ids]
        out = (ids[live], weights[live])
    if memo is not None:
        memo[key] = out
    return out


def _term(s: Searcher, cols: Columns, field: str, text: str | bytes, memo: Memo | None = None) -> np.ndarray:
    return term_postings(s, cols, field, text, memo)[0]


def _union(arrays: list[np.ndarray], size: int) -> np.ndarray:
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        return EMPTY
    if len(arrays) == 1:
        return arrays[0]
    mask = np.zeros(size, dtype=bool)  # linear, where sorting the concatenation is not
    for a in arrays:
        mask[a] = True
    return np.flatnonzero(mask).astype(np.int32)


def intersect(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """Docnums in both sorted, unique arrays, sorted."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return EMPTY
    mask = np.zeros(size, dtype=bool)
    mask[b] = True
    return a[mask[a]]


def subtract(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """Docnums of sorted ``a`` not in ``b``, sorted."""
    if not len(a) or not len(b):
        return a
    mask = np.zeros(size, dtype=bool)
    mask[b] = True
    return a[~mask[a]]


def _everything(cols: Columns) -> np.ndarray:
    return np.flatnonzero(cols.live).astype(np.int32)


def _expanded(s: Searcher, cols: Columns, node: wq.Query, deadline: Deadline) -> np.ndarray:
    """Documents holding any word a wildcard, prefix or fuzzy term stands for, read segment
    by segment from the words each segment holds.  Reading one word's postings costs a
    fraction of a millisecond, so a pattern needing thousands of reads is refused up front
    rather than left to run into the deadline."""
    field = node.fieldname
    words: set[bytes | str] = set()
    plan = []
    limits = current()
    for i, (sub, offset) in enumerate(s.reader().leaf_readers()):
        for word in node._btexts(sub):  # the words of this segment's lexicon it stands for
            words.add(word)
            plan.append((i, sub, offset, word))
            if len(words) > limits.max_expansion or len(plan) > limits.max_reads:
                raise QueryError(
                    f"{node} stands for too many words ({len(words)}+); make it more specific"
                )
        deadline.check()
    parts = []
    for n, (i, sub, offset, word) in enumerate(plan):
        hot = cols.hot[i] if i < len(cols.hot) else None
        cached = hot.get(field, word) if hot is not None else None
        ids = cached[0] if cached is not None else postings_ids(sub, field, word)
        parts.append(ids + offset)
        if n % 64 == 63:
            deadline.check()
    ids = _union(parts, cols.size)
    return ids[cols.live[ids]]


def docs(
    s: Searcher, cols: Columns, q: wq.Query, deadline: Deadline, memo: Memo | None = None
) -> np.ndarray:
    """Sorted, unique docnums of the live documents ``q`` matches."""
    deadline.check()
    if memo is None:
        memo = {}
    if isinstance(q, wq.Term):
        return _term(s, cols, q.fieldname, q.text, memo)
    if isinstance(q, wq.And):
        positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        if not positive:
            out = _everything(cols)
        else:
            arrays = sorted((docs(s, cols, c, deadline, memo) for c in positive), key=len)
            out = arrays[0]
            for other in arrays[1:]:
                if not len(out):
                    break
                out = intersect(out, other, cols.size)
        for neg in negative:
            if not len(out):
                break
            out = subtract(out, docs(s, cols, neg, deadline, memo), cols.size)
        return out
    if isinstance(q, wq.Or) and not getattr(q, "minmatch", 0):
        return _union([docs(s, cols, c, deadline, memo) for c in q.subqueries], cols.size)
    if isinstance(q, wq.Not):
        return subtract(_everything(cols), docs(s, cols, q.query, deadline, memo), cols.size)
    if isinstance(q, wq.AndNot):
        return np.setdiff1d(
            docs(s, cols, q.a, deadline, memo), docs(s, cols, q.b, deadline, memo), assume_unique=True
        )
    if isinstance(q, wq.AndMaybe):
        return docs(s, cols, q.a, deadline, memo)
    if isinstance(q, wq.Require):
        return np.intersect1d(
            docs(s, cols, q.a, deadline, memo), docs(s, cols, q.b, deadline, memo), assume_unique=True
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
        key = ("\x00expanded", repr(q))
        if key not in memo:  # ranking asks again for the documents it scores
            memo[key] = (_expanded(s, cols, q, deadline), EMPTY)
        return memo[key][0]
    if isinstance(q, wq.Phrase) and q.slop == 1 and len(q.words) > 1:
        key = ("\x00phrase", "\x00".join(str(w) for w in (q.fieldname, *q.words)))
        if key not in memo:  # ranking asks again for the documents it scores
            memo[key] = (_phrase(s, cols, q, deadline, memo), EMPTY)
        return memo[key][0]
    return _walk(s, q, deadline)


def _walk(s: Searcher, q: wq.Query, deadline: Deadline) -> np.ndarray:
    """Whoosh's own matcher, one document at a time, for the shapes not handled above."""
    out = []
    for n, docnum in enumerate(s.docs_for_query(q)):
        out.append(docnum)
        if n % 4096 == 4095:
            deadline.check()
    return np.unique(np.asarray(out, dtype=np.int32)) if out else EMPTY


def _positions(values: list[bytes], picked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The word positions of the postings at ``picked``: (posting index, position) pairs."""
    counts, positions = decode_positions([values[j] for j in picked.tolist()])
    return spread(counts)[0], positions


def _common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both of two sorted arrays of distinct values."""
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    if not len(small) or not len(big):
        return small[:0]
    at = np.minimum(np.searchsorted(big, small), len(big) - 1)
    return small[big[at] == small]


def _phrase(s: Searcher, cols: Columns, q: wq.Phrase, deadline: Deadline, memo: Memo) -> np.ndarray:
    """Documents holding the words of ``q`` one after another."""
    field = q.fieldname
    words = list(q.words)
    sets = sorted((_term(s, cols, field, w, memo) for w in set(words)), key=len)
    candidates = sets[0]
    for other in sets[1:]:
        candidates = intersect(candidates, other, cols.size)
    if not len(candidates):
        return EMPTY
    found = []
    for n, (sub, offset) in enumerate(s.reader().leaf_readers()):
        hot = cols.hot[n] if n < len(cols.hot) else None
        size = sub.doc_count_all()
        local = candidates[(candidates >= offset) & (candidates < offset + size)] - offset
        keys = None
        for i, word in enumerate(words):
            if not len(local):
                break
            deadline.check()
            cached = hot.positions_of(field, word, local) if hot is not None else None
            if cached is not None:
                which, pos = cached
            else:
                ids, _weights, values = postings_arrays(sub, field, word, values=True)
                which, pos = _positions(values or [], np.searchsorted(ids, local))
            start = pos - i  # where the phrase would begin
            ok = start >= 0
            # (document, start) keys come out sorted and distinct: documents in order, each
            # one's positions ascending; so no sorting is needed to intersect them
            key = (local[which[ok]].astype(np.int64) << 32) | start[ok]
            keys = key if keys is None else _common(keys, key)
            held = keys >> 32
            local = held[np.concatenate(([True], held[1:] != held[:-1]))].astype(np.int32) if len(held) else EMPTY
        if keys is not None and len(local):
            found.append(local + offset)
    return np.concatenate(found) if found else EMPTY
