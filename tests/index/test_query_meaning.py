"""What a query means to the person typing it: words as written for wildcards, fuzzy
terms, phrases and stop words; stems for plain words; forgiving filters; folded facets;
"did you mean" from the archive's own words; clean snippets."""

from __future__ import annotations

import pytest

from archive.contract.errors import QueryError
from archive.contract.search import SearchRequest
from archive.operations.service import Archive


def every(query: str, **kw) -> SearchRequest:  # noqa: ANN003
    """A request listing every copy: the pages share two paragraphs of filler, so the
    archive takes them for copies of one story, which is not what these tests are about."""
    return SearchRequest(query, all_copies=True, **kw)


FILLER = ("The council met on Tuesday to discuss the budget, the harbour and the winter "
          "timetable of the railway, as it does every month of the year.")

PAGES = {
    "plague": ("The plague returns", "Ann Lee", "New York Post", "https://nypost.com/2021/plague",
               ["History", "health"], "A plague swept the old city. Doctors said the plague was getting good "
               "attention from the press."),
    "plagues": ("Plagues of the past", "Jeff Foust", "SpaceNews", "https://www.spacenews.com/plagues",
                ["history"], "Ancient plagues and modern science were compared at length."),
    "jupiter": ("Jupiter mission", "Jeff Foust", "SpaceNews", "https://spacenews.com/jupiter",
                ["Space", "science"], "NASA sent a probe to Jupiter, past the moon, being careful."),
    "moon": ("Moon landing", "Jeff Foust", "Gizmodo", "https://gizmodo.com/moon",
             ["space"], "The moon landing was watched by millions; NASA and Google marked it."),
    "assange": ("Assange case", "Bob Smith", "New York Post", "https://www.nypost.com/assange",
                ["China", "politics"], "Assange appeared in court. The missile tests worried China."),
    "missiles": ("Missile tests", "Bob Smith", "Daily Planet", "https://news.dailyplanet.example.co/m",
                 ["china"], "The missiles were tested; missile defence was getting good reviews."),
    "good": ("Good news", "Cara Diaz", "Daily Planet", "https://news.dailyplanet.example.co/g",
             ["china"], "Things are good. Getting there took good planning; she was getting better."),
}


def _page(key: str, title: str, author: str, site: str, url: str, tags: list[str], text: str) -> str:
    keywords = ", ".join(tags)
    paragraphs = "".join(f"<p>{p}</p>" for p in (text, FILLER, FILLER.replace("budget", "museum")))
    return f"""<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{url}"><meta name="author" content="{author}">
<meta property="og:site_name" content="{site}"><meta name="keywords" content="{keywords}">
<meta property="article:published_time" content="2021-06-0{1 + len(key) % 9}T10:00:00Z">
</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("meaning")
    pages = root / "pages"
    pages.mkdir()
    for key, fields in PAGES.items():
        (pages / f"{key}.html").write_text(_page(key, *fields), "utf-8")
    with Archive(root / "home") as a:
        summary = a.ingest([pages], jobs=1)
        assert summary.new == len(PAGES)
        yield a


def titles(archive: Archive, query: str, **kw) -> set[str]:
    return {h.title for h in archive.search(every(query, limit=50, **kw)).hits}


@pytest.mark.parametrize("query, expected", [
    ("m?ssile", {"Assange case", "Missile tests"}),
    ("pl?gue", {"The plague returns"}),
    ("plagu?", {"The plague returns"}),
    ("pl?gues", {"Plagues of the past"}),
    ("missile*", {"Assange case", "Missile tests"}),
])
def test_wildcards_match_words_as_written(archive: Archive, query: str, expected: set[str]) -> None:
    assert titles(archive, query) == expected


@pytest.mark.parametrize("query, expected", [
    ("jupitr~", {"Jupiter mission"}),
    ("nasaa~", {"Jupiter mission", "Moon landing"}),
    ("moonn~", {"Jupiter mission", "Moon landing"}),
    ("plauge~", {"The plague returns", "Plagues of the past"}),  # 6 letters: 2 edits
    ("googel~2", {"Moon landing"}),
])
def test_fuzzy_terms_find_typos(archive: Archive, query: str, expected: set[str]) -> None:
    assert titles(archive, query) == expected


def test_fuzzy_distance_beyond_two_is_refused(archive: Archive) -> None:
    with pytest.raises(QueryError, match="largest distance is 2"):
        archive.search(every("market~3"))


def test_plain_words_match_their_stem(archive: Archive) -> None:
    assert titles(archive, "missiles") == titles(archive, "missile") == {"Assange case", "Missile tests"}
    assert titles(archive, "plague") == {"The plague returns", "Plagues of the past"}


def test_phrases_match_the_words_as_written_stop_words_included(archive: Archive) -> None:
    assert titles(archive, '"getting good"') == {"The plague returns", "Missile tests"}
    assert titles(archive, '"the plague was"') == {"The plague returns"}
    assert titles(archive, '"plagues of the past"') == {"Plagues of the past"}
    assert titles(archive, '"missile tests"') == {"Missile tests", "Assange case"}
    assert titles(archive, '"missile were"') == set()  # "missiles were", as written, is another phrase
    assert titles(archive, '"missiles were"') == {"Missile tests"}


def test_a_stop_word_alone_finds_every_article_with_it(archive: Archive) -> None:
    assert titles(archive, "being") == {"Jupiter mission"}
    assert archive.search(every("the")).total == len(PAGES)


@pytest.mark.parametrize("typo, fix", [("plauge", "plague"), ("missle", "missile"), ("asange", "assange"),
                                       ("jupiterr", "jupiter")])
def test_did_you_mean_uses_the_archives_words(archive: Archive, typo: str, fix: str) -> None:
    result = archive.search(every(typo))
    assert result.total == 0 and result.suggestion == fix
    assert archive.search(every(result.suggestion)).total >= 1


def test_did_you_mean_leaves_real_words_alone(archive: Archive) -> None:
    assert archive.search(every("plagues")).suggestion is None
    assert archive.search(every("assange")).suggestion is None


def test_author_filter_matches_any_of_the_name_words(archive: Archive) -> None:
    foust = {"Plagues of the past", "Jupiter mission", "Moon landing"}
    assert titles(archive, "", filters={"author": ("foust",)}) == foust
    assert titles(archive, "", filters={"author": ("Jeff Foust",)}) == foust
    assert titles(archive, "", filters={"author": ("jeff",)}) == foust
    assert titles(archive, "", filters={"author": ("foust jeff",)}) == set()
    assert titles(archive, "author:foust") == foust
    # a name in quotes, as people write it; the field keeps no word order, so any order finds it
    assert titles(archive, 'author:"jeff foust"') == foust
    assert titles(archive, 'author:"foust jeff"~2') == foust


@pytest.mark.parametrize("value", ["nypost.com", "www.nypost.com", "https://nypost.com/", "New York Post",
                                   "new york post"])
def test_site_filter_matches_the_name_or_the_domain(archive: Archive, value: str) -> None:
    assert titles(archive, "", filters={"site": (value,)}) == {"The plague returns", "Assange case"}


def test_site_syntax_matches_domains_and_their_subdomains(archive: Archive) -> None:
    assert titles(archive, "site:gizmodo.com") == {"Moon landing"}
    assert titles(archive, "site:spacenews.com") == {"Plagues of the past", "Jupiter mission"}
    assert titles(archive, "site:example.co") == {"Missile tests", "Good news"}
    assert titles(archive, "", filters={"site": ("dailyplanet.example.co",)}) == {"Missile tests", "Good news"}


def test_tags_fold_case_in_filters_and_facets(archive: Archive) -> None:
    result = archive.search(every(""))
    tags = {v.value: v.count for v in result.facets["tag"]}
    assert tags["china"] == 3 and "China" not in tags  # the most common spelling, one count
    assert tags["history"] == 2 and "History" not in tags
    for spelling in ("China", "china", "CHINA"):
        assert archive.search(every("", filters={"tag": (spelling,)})).total == 3


def test_snippets_collapse_whitespace_and_mark_cuts(archive: Archive) -> None:
    for query in ("council", "plague", "the"):
        for hit in archive.search(every(query, limit=20)).hits:
            assert "\n" not in hit.snippet and "  " not in hit.snippet
            text = hit.snippet.replace("<mark>", "").replace("</mark>", "")
            assert text.endswith(("…", ".", "!", "?")), text
            assert "<mark>" in hit.snippet
    hit = archive.search(every("museum")).hits[0]
    assert hit.snippet.startswith("… ")  # the body's start was cut; its end was not
    inner = hit.snippet.removeprefix("… ").replace("<mark>", "").replace("</mark>", "")
    words = (FILLER + " " + FILLER.replace("budget", "museum")).split()
    assert inner.split()[0] in words and inner.split()[-1] in words  # cut between words
