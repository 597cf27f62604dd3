"""The index and the query layer, on the demo corpus and on small made-up archives."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.contract.errors import QueryError
from archive.contract.search import SearchRequest
from archive.operations.service import Archive
from index.location import IndexLocation


@pytest.fixture(scope="module")
def archive(ingested_home: Path):
    with Archive(ingested_home) as a:
        yield a


def test_founding_article_ranks_first(archive: Archive) -> None:
    result = archive.search(SearchRequest("missile", all_copies=True))
    assert result.total >= 2
    assert result.hits[0].title == "Belarus Resisting Russian Missile Deployment"
    assert "<mark>" in result.hits[0].snippet
    kept = archive.search(SearchRequest("missile", filters={"author": ("hassan khazaal",)}))
    assert kept.hits[0].title == "Belarus Resisting Russian Missile Deployment"
    assert {"value": "Hassan Khazaal", "count": kept.total} in [
        {"value": v.value, "count": v.count} for v in kept.facets["author"]
    ]
    assert archive.search(SearchRequest("missile", filters={"author": ("nobody",)})).total == 0


def test_facet_counts_equal_filtered_totals(archive: Archive) -> None:
    base = archive.search(SearchRequest(""))
    assert base.total >= 27  # 28 articles, one story twice: counts and filtered totals count stories
    for value in base.facets["author"][:6]:
        assert archive.search(SearchRequest("", filters={"author": (value.value,)})).total == value.count
    for value in base.facets["site"][:6]:
        assert archive.search(SearchRequest("", filters={"site": (value.value,)})).total == value.count
    for value in base.facets["tag"][:6]:
        assert archive.search(SearchRequest("", filters={"tag": (value.value,)})).total == value.count
    for value in base.facets["year"]:
        filtered = archive.search(SearchRequest("", since=value.value, until=value.value))
        assert filtered.total == value.count
    counts = [v.count for v in base.facets["author"]]
    assert counts == sorted(counts, reverse=True)


def test_facets_count_every_match_not_only_the_page(archive: Archive) -> None:
    result = archive.search(SearchRequest("", limit=2))
    assert len(result.hits) == 2
    assert sum(v.count for v in result.facets["year"]) > 2


def test_date_filters_and_sorting(archive: Archive) -> None:
    result = archive.search(SearchRequest("", since="2020", until="2023-06", limit=50))
    assert result.total > 0
    for hit in result.hits:
        assert hit.published and "2020-01-01" <= hit.published[:10] <= "2023-06-30"
    newest = archive.search(SearchRequest("", sort="newest", limit=100)).hits
    dated = [h.published[:10] for h in newest if h.published]
    assert dated == sorted(dated, reverse=True)
    assert newest[-1].published is None  # undated articles sort last
    oldest = archive.search(SearchRequest("", sort="oldest", limit=100)).hits
    assert oldest[0].published and oldest[-1].published is None
    syntax = archive.search(SearchRequest("published:[2020 TO 2023-06]", limit=50))
    assert {h.id for h in syntax.hits} == {h.id for h in result.hits}


def test_undated_articles_are_found_by_their_gap(archive: Archive) -> None:
    undated = archive.search(SearchRequest("has:no-date", limit=100))
    assert undated.total > 0
    assert all(h.published is None for h in undated.hits)


def test_field_syntax(archive: Archive) -> None:
    every = {"all_copies": True}  # the founding article's two captures, each counted
    assert archive.search(SearchRequest("author:khazaal", **every)).total == 2
    assert archive.search(SearchRequest("title:belarus", **every)).total == 2
    assert archive.search(SearchRequest('"missile defense"', **every)).total >= 2
    assert archive.search(SearchRequest("missile NOT iskander", **every)).total == 0
    assert archive.search(SearchRequest("missil*", **every)).total >= 2
    assert archive.search(SearchRequest("title:belarus")).total == 1  # one story


def test_paging(archive: Archive) -> None:
    first = archive.search(SearchRequest("", limit=5, page=1))
    second = archive.search(SearchRequest("", limit=5, page=2))
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    past = archive.search(SearchRequest("", limit=5, page=999))
    assert past.hits == [] and past.total == first.total


@pytest.mark.parametrize(
    "query, message",
    [
        ("*", "matches every"),
        ("a*", "too broad"),
        ("body:*", "matches every"),
        ("published:2016-13", "month 13"),
        ("(" * 100 + "x" + ")" * 100, "nests"),
        ("x" * 5000, "too long"),
        ("body:[a TO z]", "too broad"),
    ],
)
def test_refused_queries_say_why(archive: Archive, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        archive.search(SearchRequest(query))


def test_odd_queries_answer_without_errors(archive: Archive) -> None:
    for query in ['"unclosed phrase', "missile AND", "OR", "((missile)", "title:", "the"]:
        archive.search(SearchRequest(query))
    # a stop word alone finds every article holding it
    assert archive.search(SearchRequest("the")).total == archive.search(SearchRequest("")).total
    with pytest.raises(QueryError, match="not UTF-8"):
        archive.search(SearchRequest("\ud800"))


def _write(path: Path, title: str, body: str, url: str | None = None) -> None:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    path.write_text(
        f"<html><head><title>{title}</title>{canonical}</head><body><article><h1>{title}</h1>"
        + "".join(f"<p>{body} Sentence {i}, with enough words to be prose.</p>" for i in range(4))
        + "</article></body></html>",
        "utf-8",
    )


def test_updated_article_is_counted_once(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(5):
        _write(pages / f"p{i}.html", f"Story {i}", "The harbour ferry sailed again.")
    with Archive(tmp_path / "home") as archive:
        archive.ingest([pages])
        # five stories with one body are exact copies of one story: counted here article by article
        assert archive.search(SearchRequest("ferry", all_copies=True)).total == 5
        _write(pages / "p0.html", "Story 0", "The harbour ferry was replaced by a bridge.")
        summary = archive.ingest([pages])
        assert (summary.updated, summary.unchanged) == (1, 4)
        after = archive.search(SearchRequest("ferry", all_copies=True))
        assert after.total == 5  # a refreshed Whoosh searcher would count the old copy too
        assert archive.search(SearchRequest("bridge", all_copies=True)).total == 1


def test_reindex_keeps_results(tmp_path: Path, ingested_home: Path) -> None:
    import shutil

    home = tmp_path / "copy"
    shutil.copytree(ingested_home, home)
    with Archive(home) as archive:
        queries = ["missile", "", "plumbers", "rust OR meditation"]
        before = [archive.search(SearchRequest(q, limit=50)).to_dict() for q in queries]
        assert archive.reindex() >= 28
        after = [archive.search(SearchRequest(q, limit=50)).to_dict() for q in queries]
    for b, a in zip(before, after, strict=True):
        assert b["total"] == a["total"] and b["facets"] == a["facets"]
        if b["query"]:
            # Ties in score may swap places with new document numbers; scores may not change.
            assert sorted((h["id"], h["score"]) for h in b["hits"]) == sorted(
                (h["id"], h["score"]) for h in a["hits"]
            )
            assert [h["score"] for h in b["hits"]] == [h["score"] for h in a["hits"]]
        else:
            # Newest first: the same times in the same order; undated ties may swap places.
            assert [h["published"] for h in b["hits"]] == [h["published"] for h in a["hits"]]
            assert {h["id"] for h in b["hits"]} == {h["id"] for h in a["hits"]}


def test_newest_first_orders_one_days_articles_by_their_time(tmp_path: Path) -> None:
    times = {"dawn": "2024-05-02T06:10:00+00:00", "noon": "2024-05-02T12:00:00+02:00",
             "night": "2024-05-02T23:45:00Z", "day-before": "2024-05-01", "undated": None}
    folder = tmp_path / "pages"
    folder.mkdir()
    for n, (name, when) in enumerate(sorted(times.items(), key=lambda kv: kv[0])):
        meta = f'<meta property="article:published_time" content="{when}">' if when else ""
        (folder / f"{n}.html").write_text(
            f"<html><head><title>Story {name}</title>{meta}</head><body><article><h1>Story {name}</h1>"
            + "".join(f"<p>The harbour story, part {i}, with enough words to be prose.</p>" for i in range(4))
            + "</article></body></html>", "utf-8")
    with Archive(tmp_path / "home") as archive:
        archive.ingest([folder], jobs=1)
        # the same body five times: one story, so every copy is asked for
        newest = [h.title for h in archive.search(SearchRequest("harbour", sort="newest", all_copies=True)).hits]
        oldest = [h.title for h in archive.search(SearchRequest("harbour", sort="oldest", limit=2,
                                                                all_copies=True)).hits]
    # noon at +02:00 is 10:00 UTC, after dawn at 06:10 UTC
    assert newest == ["Story night", "Story noon", "Story dawn", "Story day-before", "Story undated"]
    assert oldest == ["Story day-before", "Story dawn"]


def test_an_index_built_before_times_were_kept_still_takes_new_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index import location, schema

    def older_schema():
        fields = schema.build_schema()
        fields.remove("stamp")
        return fields

    pages = tmp_path / "pages"
    pages.mkdir()
    _write(pages / "a.html", "Harbour one", "The harbour froze.", "https://example.org/2024/05/01/one")
    monkeypatch.setattr(location, "build_schema", older_schema)
    with Archive(tmp_path / "home") as archive:
        archive.ingest([pages], jobs=1)
    monkeypatch.undo()
    _write(pages / "b.html", "Harbour two", "The harbour thawed.", "https://example.org/2024/05/09/two")
    with Archive(tmp_path / "home") as archive:
        archive.ingest([pages], jobs=1)
        hits = archive.search(SearchRequest("harbour", sort="newest")).hits
    assert [h.title for h in hits] == ["Harbour two", "Harbour one"]


def test_an_index_of_the_first_analysis_still_searches_until_reindexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built before words were kept as written (Porter stems, no stop words) is
    searched its own way; ``archive reindex`` brings it to the new analysis."""
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import TEXT

    from index import location, schema

    def first_schema():
        fields = schema.build_schema()
        for name in ("title", "body"):
            fields.remove(name)
            fields.add(name, TEXT(analyzer=StemmingAnalyzer(), stored=True))
        return fields

    pages = tmp_path / "pages"
    pages.mkdir()
    _write(pages / "a.html", "Harbour one", "The missiles of the harbour froze.", "https://example.org/2024/05/01/one")
    _write(pages / "b.html", "Harbour two", "A missile near the harbour thawed.", "https://example.org/2024/05/09/two")
    monkeypatch.setattr(location, "build_schema", first_schema)
    monkeypatch.setattr(location, "SCHEMA_VERSION", "1")
    with Archive(tmp_path / "home") as archive:
        archive.ingest([pages], jobs=1)
    monkeypatch.undo()
    with Archive(tmp_path / "home") as archive:
        assert archive.search(SearchRequest("missiles")).total == 2  # Porter stems, as it was built
        assert archive.search(SearchRequest('"missile near"')).total == 1
        assert archive.search(SearchRequest("the")).total == 0  # its stop words were never indexed
        archive.reindex()
        folder = IndexLocation(tmp_path / "home" / "index").current_dir()
        assert (folder / "SCHEMA_VERSION").read_text() == "2"
        assert archive.search(SearchRequest("missiles")).total == 2
        assert archive.search(SearchRequest("the")).total == 2
        assert archive.search(SearchRequest('"missiles of the harbour"')).total == 1
