"""Values real pages put in their markup that are no tag, no author and no site name: each
one below was met on a real page (the benchmark sets). They are dropped at extraction, so
facets never show them."""

from __future__ import annotations

import html

import pytest

from archive.extraction.authors import clean_authors
from archive.extraction.extract import extract_bytes
from archive.extraction.fields import clean_tags

ARTICLE = "".join(f"<p>Paragraph {i}: the council met on Monday and agreed, after a long debate, "
                  "that the bridge would be rebuilt before the winter.</p>" for i in range(6))


def page(head: str, url: str = "https://news.example/2021/bridge") -> bytes:
    return (f"<!DOCTYPE html><html><head><title>Bridge</title><link rel='canonical' href='{url}'>"
            f"{head}</head><body><article><h1>Bridge</h1>{ARTICLE}</article></body></html>").encode()


JUNK_TAGS = ['"', "-", "_no-apple-news", "_syndication_noshow", "desk@news.example",
             "contentId: 15cd344d-456b-4515-bc42-40ba5b58300e",
             "shortTitle: The Biggest Diet Trends of 2025, Revealed", "content-type: Feature",
             "locale: US", "siteGroup: CO", "displayType: standard article", "18153161",
             "https://news.example/tag/bridges", "15cd344d-456b-4515-bc42-40ba5b58300e"]
GOOD_TAGS = ["M&A", "q&a", "2024", "Google Cloud: Passport to Containers 2025", "China", "c64"]


def test_junk_tags_are_dropped_and_real_ones_kept() -> None:
    assert clean_tags(JUNK_TAGS + GOOD_TAGS) == GOOD_TAGS
    keywords = html.escape(", ".join(JUNK_TAGS[:3] + GOOD_TAGS[:2]), quote=True)
    record = extract_bytes(page(f'<meta name="keywords" content="{keywords}">'), "t.html")
    assert record.tags == ("M&A", "q&a")


@pytest.mark.parametrize(("byline", "expected"), [
    ("AP Auto Writer", []),
    ("Entertainment Writer", []),
    ("Open Source PBX Editor", []),
    ("SFist Contributor", []),
    ("Rasender Reporter", []),
    ("Our Editors", []),
    ("Michelle Solomon, Entertainment Writer", ["Michelle Solomon"]),
    (". Lee Hansen", ["Lee Hansen"]),
    ("Текст: Иван Петров", ["Иван Петров"]),
    ("Text: Jane Doe", ["Jane Doe"]),
    ("Photo: Jane Doe", []),
    ("Foto: Jane Doe", []),
    ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
])
def test_authors_are_person_names_only(byline: str, expected: list[str]) -> None:
    assert clean_authors([byline]) == expected
    record = extract_bytes(page(f'<meta name="author" content="{byline}">'), "a.html")
    assert list(record.authors) == expected


@pytest.mark.parametrize(("site", "author"), [("Die Tagespresse", "Die Tagespresse"),
                                               ("El Colombiano", "El Colombiano"),
                                               ("Miami Today", "Miami Today")])
def test_the_site_is_no_author(site: str, author: str) -> None:
    head = f'<meta property="og:site_name" content="{site}"><meta name="author" content="{author}">'
    assert extract_bytes(page(head), "s.html").authors == ()


def test_a_personal_site_keeps_its_author() -> None:
    head = '<meta property="og:site_name" content="Rick Steves"><meta name="author" content="Rick Steves">'
    assert extract_bytes(page(head, "https://ricksteves.example/a"), "p.html").authors == ("Rick Steves",)


@pytest.mark.parametrize("bad", ["U.S.", "U. K.", "/", "https://www.news.example/", "www.news.example",
                                 "3i", "-"])
def test_an_address_or_initials_are_no_site_name(bad: str) -> None:
    record = extract_bytes(page(f'<meta property="og:site_name" content="{bad}">'), "n.html")
    assert record.site == "news.example"  # the host stands in


def test_real_site_names_are_kept() -> None:
    for name in ("BBC", "U.S. News", "Die Zeit", "sw1.news"):
        assert extract_bytes(page(f'<meta property="og:site_name" content="{name}">'), "k.html").site == name
