"""Relevance ranking of a whole match set with numpy.

Whoosh's collector scores matches one document at a time through a tree of matchers:
tens of milliseconds for every ten thousand matches.  The same BM25F scores come from
the postings arrays matching has already read (index.docsets): for each query term,
``idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average length))`` times its
boost, summed over the terms a document holds, as Whoosh sums them.  A wildcard, prefix
or fuzzy term scores the sum over the words it stands for (a constant, its boost, when
those are more than ``SCORED_EXPANSION``), a phrase the sum of its words, a range or a
NOT its boost.  A query of any other shape returns None and is ranked by Whoosh.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from .columns import Columns
from .docsets import Deadline, Memo, docs, term_postings
from .postings import field_lengths
from .querying import Words

B = 0.75
K1 = 1.2
EXPANDING = (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex)
CONSTANT = (wq.NumericRange, wq.Every)
SCORED_EXPANSION = 64

Lengths = dict[str, np.ndarray]


class Unsupported(Exception):
    """A query shape this module does not score."""


def _add_term(
    s: Searcher, cols: Columns, lengths: Lengths, field: str, text: str | bytes, boost: float,
    matched: np.ndarray, scores: np.ndarray, memo: Memo, within: np.ndarray | None = None,
) -> None:
    ids, weights = term_postings(s, cols, field, text, memo)
    _score(s, lengths, field, ids, weights, s.idf(field, text), boost, matched, scores, within)


def _add_words(
    s: Searcher, cols: Columns, lengths: Lengths, q: Words, boost: float,
    matched: np.ndarray, scores: np.ndarray, memo: Memo,
) -> None:
    """A stemmed word scored as one term: the frequencies of its words added up per
    document, and the documents holding any of them for its rarity."""
    found = [term_postings(s, cols, q.fieldname, w, memo) for w in q.variants]
    found = [(ids, weights) for ids, weights in found if len(ids)]
    if len(found) == 1:
        word = next(w for w in q.variants if len(term_postings(s, cols, q.fieldname, w, memo)[0]))
        _score(s, lengths, q.fieldname, *found[0], s.idf(q.fieldname, word), boost, matched, scores)
        return
    if not found:
        return
    ids = np.concatenate([f[0] for f in found])
    weights = np.concatenate([f[1] for f in found])
    order = np.argsort(ids, kind="stable")
    ids, weights = ids[order], weights[order]
    first = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    ids, weights = ids[first], np.add.reduceat(weights, first)
    idf = float(np.log(s.doc_count_all() / (len(ids) + 1)) + 1)
    _score(s, lengths, q.fieldname, ids, weights, idf, boost, matched, scores)


def _score(
    s: Searcher, lengths: Lengths, field: str, ids: np.ndarray, weights: np.ndarray, idf: float,
    boost: float, matched: np.ndarray, scores: np.ndarray, within: np.ndarray | None = None,
) -> None:
    if not len(ids):
        return
    if field not in lengths:
        if field not in s.schema or not s.schema[field].scorable:
            raise Unsupported(field)
        lengths[field] = field_lengths(s.reader(), field)
    if within is not None:
        keep = np.isin(ids, within, assume_unique=True)
        ids, weights = ids[keep], weights[keep]
    at = np.searchsorted(matched, ids)
    hit = at < len(matched)
    hit[hit] = matched[at[hit]] == ids[hit]
    ids, weights, at = ids[hit], weights[hit], at[hit]
    avg = s.avg_field_length(field) or 1
    length = lengths[field][ids]
    scores[at] += boost * idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * length / avg))


def _add(
    s: Searcher, cols: Columns, lengths: Lengths, q: wq.Query, boost: float,
    matched: np.ndarray, scores: np.ndarray, deadline: Deadline, memo: Memo,
) -> None:
    deadline.check()
    boost *= getattr(q, "boost", 1.0)
    if isinstance(q, wq.Term):
        _add_term(s, cols, lengths, q.fieldname, q.text, boost, matched, scores, memo)
    elif isinstance(q, Words):
        _add_words(s, cols, lengths, q, boost, matched, scores, memo)
    elif isinstance(q, (wq.And, wq.Or)):
        if isinstance(q, wq.Or) and getattr(q, "minmatch", 0):
            raise Unsupported("minmatch")
        for child in q.subqueries:
            if isinstance(child, wq.Not) and isinstance(q, wq.And):
                scores += boost * child.boost  # every match passes it; Whoosh counts it
            else:
                _add(s, cols, lengths, child, boost, matched, scores, deadline, memo)
    elif isinstance(q, wq.AndMaybe):
        _add(s, cols, lengths, q.a, boost, matched, scores, deadline, memo)
        _add(s, cols, lengths, q.b, boost, matched, scores, deadline, memo)
    elif isinstance(q, (wq.AndNot, wq.Require)):
        _add(s, cols, lengths, q.a, boost, matched, scores, deadline, memo)
    elif isinstance(q, wq.Not):
        return
    elif isinstance(q, wq.Phrase):
        within = docs(s, cols, q, deadline, memo)
        for word in q.words:
            _add_term(s, cols, lengths, q.fieldname, word, boost, matched, scores, memo, within)
    elif isinstance(q, EXPANDING):
        words = []
        for word in q._btexts(s.reader()):
            words.append(word)
            if len(words) > SCORED_EXPANSION:
                break
        if len(words) > SCORED_EXPANSION:
            found = docs(s, cols, q, deadline, memo)
            scores[np.isin(matched, found, assume_unique=True)] += boost
        else:
            for word in words:
                _add_term(s, cols, lengths, q.fieldname, word, boost, matched, scores, memo)
    elif isinstance(q, CONSTANT):
        found = docs(s, cols, q, deadline, memo)
        scores[np.isin(matched, found, assume_unique=True)] += boost
    elif q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return
    else:
        raise Unsupported(type(q).__name__)


def rank(
    s: Searcher, cols: Columns, q: wq.Query, matched: np.ndarray, wanted: int,
    deadline: Deadline, memo: Memo, lengths: Lengths,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The best ``wanted`` of ``matched`` (sorted docnums) and their scores, best first
    (ties: lower docnum first), or None for a query shape scored only by Whoosh."""
    scores = np.zeros(len(matched), dtype=np.float64)
    try:
        _add(s, cols, lengths, q, 1.0, matched, scores, deadline, memo)
    except Unsupported:
        return None
    if wanted < len(matched):
        floor = np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
        picked = np.flatnonzero(scores >= floor)
    else:
        picked = np.arange(len(matched))
    order = picked[np.lexsort((matched[picked], -scores[picked]))][:wanted]
    return matched[order], scores[order]
