"""Which of a page's titles a record keeps, on pages whose titles disagree in small ways."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from archive.extraction.extract import extract_bytes

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
BODY = "<p>" + "The council met on Tuesday to discuss the new bridge and the parks. " * 6 + "</p>"


def title_of(head: str, *h1s: str, before: str = "") -> tuple[str, str]:
    headings = "".join(f"<h1>{h}</h1>" for h in h1s)
    html = (f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>{before}"
            f"<article>{headings}{BODY}</article></body></html>")
    record = extract_bytes(html.encode("utf-8"), "page.html", now=NOW)
    return record.title, record.provenance["title"]


def ld(obj: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def test_a_declared_title_cut_short_gives_way_to_the_whole_one() -> None:
    whole = "We Help 4 Readers Find Solutions (Including One Trick That Always Works)"
    head = (ld({"@type": "Article", "headline": "We Help 4 Readers Find Solutions (Including"})
            + f'<meta property="og:title" content="{whole} - Daily Planet">'
            + "<meta property='og:site_name' content='Daily Planet'>")
    assert title_of(head) == (whole, "meta")


def test_a_complete_title_that_another_goes_on_from_stays() -> None:
    head = (ld({"@type": "Article", "headline": "Best Travel Insurance for Seniors"})
            + '<meta property="og:title" content="Best Travel Insurance for Seniors in 2025">')
    assert title_of(head)[0] == "Best Travel Insurance for Seniors"


def test_capitals_the_page_declares_are_the_title_itself() -> None:
    head = (ld({"@type": "Article", "headline": "Actuarial Consulting vs Insurance"})
            + '<meta property="og:title" content="ACTUARIAL CONSULTING VS. INSURANCE">')
    assert title_of(head, "ACTUARIAL CONSULTING VS. INSURANCE") == (
        "ACTUARIAL CONSULTING VS. INSURANCE", "h1")


def test_capitals_only_on_the_page_are_styling() -> None:
    head = '<meta property="og:title" content="Actuarial Consulting vs. Insurance">'
    assert title_of(head, "ACTUARIAL CONSULTING VS. INSURANCE")[0] == (
        "Actuarial Consulting vs. Insurance")


def test_blog_name_before_a_colon_in_the_title_is_not_the_headline() -> None:
    head = ('<meta property="og:title" content="Small adventures with small language models">'
            "<title>Engora Data Blog: Small adventures with small language models</title>")
    got = title_of(head, before="<header><h1>Engora Data Blog</h1></header>")
    assert got[0] == "Small adventures with small language models"


def test_a_host_name_after_a_separator_is_the_site() -> None:
    assert title_of("<title>GAME CHANGER | Newegg.com</title>")[0] == "GAME CHANGER"
    assert title_of("<title>Reading List | archive.example.co.uk</title>")[0] == "Reading List"


def test_full_width_punctuation_in_a_latin_title_is_ordinary_punctuation() -> None:
    head = '<meta property="og:title" content="How Does Robot Vacuum Mapping Work？">'
    assert title_of(head, "How Does Robot Vacuum Mapping Work？")[0] == (
        "How Does Robot Vacuum Mapping Work?")


def test_chinese_and_japanese_titles_keep_their_punctuation() -> None:
    head = '<meta property="og:title" content="ロボット掃除機のマッピングとは？">'
    assert title_of(head)[0] == "ロボット掃除機のマッピングとは？"


def test_heading_with_question_marks_for_lost_characters_gives_way() -> None:
    head = """<meta property="og:title" content="The Basics Of Event Planning: Beginner's Guide">"""
    assert title_of(head, "The Basics Of Event Planning? Beginner? Guide") == (
        "The Basics Of Event Planning: Beginner's Guide", "meta")


def test_heading_that_asks_a_question_the_title_asks_too_stays() -> None:
    head = '<meta property="og:title" content="Need a Change? 7 Tips to Hit the Road in a Car">'
    assert title_of(head, "Need a Change? 7 Vital Tips on How to Rent a Car") == (
        "Need a Change? 7 Vital Tips on How to Rent a Car", "h1")


@pytest.mark.parametrize("extra", ["(latimes.com) 87", "(github.com)"])
def test_a_link_sites_source_and_comment_count_are_not_the_title(extra: str) -> None:
    head = ('<meta property="og:title" content="Stanford Graduates Find Their Degrees '
            'No Longer Guarantee Jobs - Slashdot">')
    got = title_of(head, f"Stanford Graduates Find Their Degrees No Longer Guarantee Jobs {extra}")
    assert got[0] == "Stanford Graduates Find Their Degrees No Longer Guarantee Jobs"


def test_of_several_headings_the_one_the_title_begins_with_is_the_headline() -> None:
    head = "<title>The Fold-and-Cut Problem (Erik Demaine)</title>"
    assert title_of(head, "Erik Demaine's Folding and Unfolding:", "The Fold-and-Cut Problem") == (
        "The Fold-and-Cut Problem", "h1")


@pytest.mark.parametrize("mark", ["¶", "#", "&#xf0c1;"])
def test_a_headings_permalink_mark_is_not_part_of_the_title(mark: str) -> None:
    h1 = f'Logging HOWTO<a class="headerlink" href="#logging-howto" title="Link">{mark}</a>'
    head = "<title>Logging HOWTO — Python 3.14 documentation</title>"
    assert title_of(head, h1) == ("Logging HOWTO", "h1")


def test_a_link_in_a_heading_to_a_numbered_section_keeps_its_words() -> None:
    head = "<title>Chapter 5: Data Structures — Python 3.14 documentation</title>"
    got = title_of(head, '<a href="#ch5">5.</a> Data Structures')
    assert got == ("5. Data Structures", "h1")


def test_a_button_in_the_heading_is_not_part_of_the_title() -> None:
    h1 = 'Crate <span>tokio</span>&nbsp;<button title="Copy to clipboard">Copy item path</button>'
    assert title_of("<title>tokio - Rust</title>", h1) == ("Crate tokio", "h1")


@pytest.mark.parametrize("where", ["h1", "meta"])
def test_soft_hyphens_are_not_part_of_the_title(where: str) -> None:
    shy = "Home Repair Assis&shy;tance Program"
    if where == "h1":
        got = title_of("<title>Home Repair Assistance Program | Burns Harbor</title>", shy)
    else:
        got = title_of(f'<meta property="og:title" content="{shy}">')
    assert got[0] == "Home Repair Assistance Program"


def test_a_kicker_set_in_the_heading_is_not_part_of_the_title() -> None:
    head = "<meta property='og:title' content='Rail strike ends after three days'>"
    h1 = "<span class='kicker'>Transport</span> <span>Rail strike ends after three days</span>"
    assert title_of(head, h1) == ("Rail strike ends after three days", "h1")


def test_a_subtitle_shorter_than_the_headline_the_title_names_stays_out() -> None:
    head = "<meta property='og:title' content='Real Estate 101'>"
    h1 = "<span>Real Estate Investing for Beginners</span> <span>Real Estate 101</span>"
    assert title_of(head, h1)[0] == "Real Estate Investing for Beginners Real Estate 101"


def test_the_part_of_the_title_printed_as_a_heading_is_the_headline() -> None:
    head = "<title>Blog Archive » Interning of Small Integers</title>"
    before = "<h1>Four Years Remaining</h1>"
    html = (f"<!doctype html><html><head>{head}</head><body>{before}<article>"
            f"<h2>Interning of Small Integers</h2>{BODY}</article></body></html>")
    record = extract_bytes(html.encode("utf-8"), "page.html", now=NOW)
    assert (record.title, record.provenance["title"]) == ("Interning of Small Integers", "title-part")
