"""Matching and ranking done with numpy arrays give what Whoosh's own matchers give."""

from __future__ import annotations

import math
import shutil
from itertools import accumulate
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.contract.errors import QueryError
from archive.contract.search import SearchRequest
from archive.contract.settings import override
from archive.operations.service import Archive
from index import postings
from index.docsets import Deadline, docs
from index.facets import columns
from index.location import IndexLocation
from index.querying import parse_query
from index.search import ArchiveSearcher
from tests.conftest import RAW

QUERIES = ("missile", "city OR bread", "people year", "pari*", "title:the", "market^2 price",
           "food NOT bread", '"the city"', '"in the"', 'people "last year"')


def _bm25(searcher, field: str, tfs: dict[int, float], df: int, boost: float) -> dict[int, float]:
    """BM25F of one term, document by document, from Whoosh's own statistics."""
    idf = math.log(searcher.doc_count_all() / (df + 1)) + 1
    avg = searcher.avg_field_length(field) or 1
    out = {}
    for doc, tf in tfs.items():
        length = searcher.doc_field_length(doc, field)
        out[doc] = boost * idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / avg))
    return out


def _tfs(searcher, field: str, word: str) -> dict[int, float]:
    if (field, word) not in searcher.reader():
        return {}
    return dict(searcher.postings(field, word).items_as("weight"))


def _reference(searcher, q, boost: float = 1.0) -> dict[int, float]:
    """Scores of every match, walked document by document over Whoosh's matchers: what
    ranking.py computes over arrays (a stemmed word is one term of all its words)."""
    from whoosh import query as wq

    from index.querying import Words

    boost *= q.boost
    matched = set(searcher.docs_for_query(q))
    out = dict.fromkeys(matched, 0.0)

    def add(scores: dict[int, float]) -> None:
        for doc, value in scores.items():
            if doc in out:
                out[doc] += value

    if isinstance(q, Words):
        tfs: dict[int, float] = {}
        for word in q.variants:
            for doc, tf in _tfs(searcher, q.fieldname, word).items():
                tfs[doc] = tfs.get(doc, 0) + tf
        if sum(1 for w in q.variants if _tfs(searcher, q.fieldname, w)) == 1:
            word = next(w for w in q.variants if _tfs(searcher, q.fieldname, w))
            df = searcher.doc_frequency(q.fieldname, word)
        else:
            df = len(tfs)
        add(_bm25(searcher, q.fieldname, tfs, df, boost))
    elif isinstance(q, wq.Term):
        tfs = _tfs(searcher, q.fieldname, q.text)
        add(_bm25(searcher, q.fieldname, tfs, searcher.doc_frequency(q.fieldname, q.text), boost))
    elif isinstance(q, wq.Phrase):
        for word in q.words:
            tfs = {d: t for d, t in _tfs(searcher, q.fieldname, word).items() if d in matched}
            add(_bm25(searcher, q.fieldname, tfs, searcher.doc_frequency(q.fieldname, word), boost))
    elif isinstance(q, (wq.Prefix, wq.Wildcard)):
        for word in q._btexts(searcher.reader()):
            word = word.decode() if isinstance(word, bytes) else word
            tfs = _tfs(searcher, q.fieldname, word)
            add(_bm25(searcher, q.fieldname, tfs, searcher.doc_frequency(q.fieldname, word), boost))
    elif isinstance(q, wq.Not):
        return out
    elif isinstance(q, (wq.And, wq.Or)):
        for child in q.subqueries:
            if isinstance(child, wq.Not) and isinstance(q, wq.And):
                add(dict.fromkeys(out, boost * child.boost))
            else:
                add(_reference(searcher, child, boost))
    else:
        raise AssertionError(f"no reference for {q!r}")
    return out


def _whoosh_scores(handle, text: str) -> dict[str, float]:
    from index.search import prepare

    searcher = handle.searcher
    scores = _reference(searcher, prepare(handle, text))
    return {searcher.stored_fields(doc)["id"]: score for doc, score in scores.items()}


def test_ranking_gives_whooshs_exhaustive_bm25f_scores(ingested_home: Path) -> None:
    with ArchiveSearcher(IndexLocation(ingested_home / "index")) as srch:
        for text in QUERIES:
            result = srch.search(SearchRequest(query=text, limit=10, all_copies=True))  # Whoosh has no stories
            expected = _whoosh_scores(srch.pool.current(), text)
            assert result.total == len(expected), text
            best = sorted(expected.values(), reverse=True)[: len(result.hits)]
            assert [h.score for h in result.hits] == pytest.approx([round(v, 4) for v in best],
                                                                   abs=1e-3), text
            for hit in result.hits:
                assert hit.score == pytest.approx(expected[hit.id], abs=1e-3), (text, hit.id)


PHRASES = ('"last year"', '"prime minister"', '"united states"', '"the city"', '"in the"',
           '"of the year"', '"the the"', '"said that the"', '"to be"', 'title:"the"',
           '"missile deployment"', '"of the"')


def _phrases_match_whoosh(home: Path) -> list:
    """Each phrase's documents as matched here and by Whoosh's own matcher; returns the
    frequent-term caches the searcher used."""
    with ArchiveSearcher(IndexLocation(home / "index")) as srch:
        handle = srch.pool.current()
        s = handle.searcher
        cols = columns(handle)
        for text in PHRASES:
            q = parse_query(text)
            assert docs(s, cols, q, Deadline(10)).tolist() == sorted(set(s.docs_for_query(q))), text
        return cols.hot


def test_phrases_match_exactly_the_documents_whoosh_matches(ingested_home: Path) -> None:
    _phrases_match_whoosh(ingested_home)


def test_frequent_terms_cache_gives_the_same_results_and_leaves_with_its_segment(tmp_path: Path, settings) -> None:
    home = tmp_path / "home"
    settings(hot_postings_df=3)
    with Archive(home) as archive:
        archive.ingest([tmp_path / "nothing"], jobs=1)  # an empty index to start from
    pages = sorted((RAW / "wcxb").glob("*.html"))
    batch = tmp_path / "batch"
    batch.mkdir()
    for page in pages[:14]:
        shutil.copy(page, batch / page.name)
    with Archive(home) as archive:
        archive.ingest([batch], jobs=1)
    folder = IndexLocation(home / "index").current_dir()
    assert list(folder.glob("hot-*.json")), "frequent terms were cached"
    with ArchiveSearcher(IndexLocation(home / "index")) as srch:
        handle = srch.pool.current()
        cached = [srch.search(SearchRequest(query=t, limit=20)) for t in QUERIES]
        cols = columns(handle)
        assert any(h is not None and h.spans.get("body") for h in cols.hot)
        cols.hot[:] = [None] * len(cols.hot)  # the same searches read from Whoosh's postings
        plain = [srch.search(SearchRequest(query=t, limit=20)) for t in QUERIES]
    for a, b in zip(cached, plain, strict=True):
        assert (a.total, [(h.id, h.score) for h in a.hits]) == (b.total, [(h.id, h.score) for h in b.hits])
    with Archive(home) as archive:
        archive.reindex()
    new_folder = IndexLocation(home / "index").current_dir()
    live = {p.name.split(".")[0] for p in new_folder.glob("hot-*.json")}
    assert live and live == {p.name.split(".")[0] for p in new_folder.glob("hot-*.ids.npy")}


def test_a_wildcard_needing_too_many_postings_reads_is_refused_at_once(ingested_home: Path) -> None:
    with override(max_reads=3), Archive(ingested_home) as archive:
        with pytest.raises(QueryError, match="too many words"):
            archive.search(SearchRequest(query="co*"))
        assert archive.search(SearchRequest(query="missil*")).total >= 1


def test_sorted_docnums_from_every_query_shape(ingested_home: Path) -> None:
    with ArchiveSearcher(IndexLocation(ingested_home / "index")) as srch:
        handle = srch.pool.current()
        for text in QUERIES:
            found = docs(handle.searcher, columns(handle), parse_query(text), Deadline(10))
            assert np.all(np.diff(found) > 0), text


def test_cached_positions_find_exactly_the_phrases_whoosh_finds(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with override(hot_postings_df=2), Archive(home) as archive:
        archive.ingest([RAW], jobs=1)
    hot = _phrases_match_whoosh(home)
    assert any(h is not None and "year" in h.spans.get("body", {}) for h in hot)


def test_positions_decoded_in_one_batch_equal_whooshs_own_decoding(ingested_home: Path) -> None:
    from whoosh.formats import Positions

    with ArchiveSearcher(IndexLocation(ingested_home / "index")) as srch:
        reader = srch.pool.current().searcher.reader()
        for sub, _ in reader.leaf_readers():
            for word in ("the", "missile", "of"):
                if ("body", word) not in sub:
                    continue
                _ids, _w, values = postings.postings_arrays(sub, "body", word, values=True)
                counts, flat = postings.decode_positions(values)
                expected = [Positions().decode_positions(v) for v in values]
                assert counts.tolist() == [len(e) for e in expected]
                assert flat.tolist() == [p for e in expected for p in e]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.integers(0, 300), st.integers(0, 70000), st.just(75)), max_size=30)
                .map(lambda gaps: list(accumulate(g + 1 for g in gaps))), max_size=40))
def test_positions_decode_like_whoosh_whatever_the_gaps(lists: list[list[int]]) -> None:
    from whoosh.formats import Positions

    fmt = Positions()
    values = [fmt.encode(p) for p in lists]
    values += [Positions().encode(list(range(0, 3000, 2)))]  # pickled in several batches
    expected = [fmt.decode_positions(v) for v in values]
    counts, flat = postings.decode_positions(values)
    assert counts.tolist() == [len(e) for e in expected]
    assert flat.tolist() == [p for e in expected for p in e]
