"""The cleaner and metadata extraction, from a file's bytes to a Record."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.contract.errors import InputError
from archive.extraction.extract import extract_bytes
from archive.operations.sources import extract_file
from tests.conftest import FOUNDING_HTML, FOUNDING_TXT

FURNITURE = ("Facebook", "Twitter", "Google+", "Pinterest", "LinkedIn", "Gmail", "VKontakte",
             "Share This", "Submit a Comment", "email address")


@pytest.mark.parametrize("path", [FOUNDING_TXT, FOUNDING_HTML], ids=["txt", "html"])
def test_founding_article_comes_out_clean(path: Path) -> None:
    record = extract_file(path)
    assert record.title == "Belarus Resisting Russian Missile Deployment"
    assert record.authors == ("Hassan Khazaal",)
    assert record.body.startswith("Russian officials have said")
    assert record.body.endswith("geopolitical ambitions.)")
    for word in FURNITURE:
        assert word not in record.body, word
    # Paragraphs stay paragraphs.
    assert record.body.count("\n\n") >= 6
    assert record.word_count > 400


def test_html_version_carries_page_metadata() -> None:
    record = extract_file(FOUNDING_HTML)
    assert record.url == "https://eurasiawatch.example/2016/05/belarus-resisting-russian-missile-deployment/"
    assert record.site == "Eurasia Watch"
    assert record.language == "en"
    assert record.published is None  # the page names no day; a month in the URL is no date
    assert record.provenance["authors"] in {"meta", "json-ld", "byline"}


def test_same_article_as_text_and_html_has_the_same_body() -> None:
    assert extract_file(FOUNDING_TXT).body == extract_file(FOUNDING_HTML).body


def _page(head: str = "", body: str = "", url: str | None = None) -> bytes:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    paras = "".join(
        f"<p>Paragraph {i} of the story says something long enough to count as prose, "
        "with commas, clauses, and detail.</p>"
        for i in range(6)
    )
    return (
        f"<!DOCTYPE html><html lang='en-GB'><head><title>A Story | The Paper</title>{canonical}{head}</head>"
        f"<body><nav><a href='/'>Home</a><a href='/world'>World</a></nav>"
        f"<article><h1>A Story</h1>{body}{paras}</article>"
        "<footer>© The Paper</footer></body></html>"
    ).encode()


NOW = datetime(2024, 6, 1, tzinfo=UTC)


def test_json_ld_wins_and_is_recorded_as_the_source() -> None:
    ld = (
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
        '"headline":"A Story","datePublished":"2021-03-04T10:00:00Z",'
        '"author":[{"@type":"Person","name":"Ann Smith"},{"@type":"Person","name":"Bo Lee"}],'
        '"keywords":"politics, elections","publisher":{"@type":"Organization","name":"The Paper"}}</script>'
    )
    record = extract_bytes(_page(ld, url="https://www.paper.example/a-story?utm_source=x"), "a.html", now=NOW)
    assert record.title == "A Story"
    assert record.authors == ("Ann Smith", "Bo Lee")
    assert record.published == "2021-03-04T10:00:00+00:00"
    assert record.tags == ("politics", "elections")
    assert record.site == "The Paper"
    assert record.language == "en"
    assert record.provenance["published"] == "json-ld"
    assert "Home" not in record.body and "©" not in record.body


def test_meta_byline_time_and_url_dates() -> None:
    meta = '<meta property="article:published_time" content="2019-07-08">'
    assert extract_bytes(_page(meta), "a.html", now=NOW).published == "2019-07-08"
    byline = '<p class="byline">By Jane Doe and John Roe</p>'
    record = extract_bytes(_page(body=byline), "b.html", now=NOW)
    assert record.authors == ("Jane Doe", "John Roe")
    assert "By Jane Doe" not in record.body
    timed = '<time datetime="2018-02-03T08:00:00+01:00">Feb 3</time>'
    record = extract_bytes(_page(body=timed), "c.html", now=NOW)
    assert record.published == "2018-02-03T08:00:00+01:00"
    assert record.provenance["published"] == "time-tag"
    record = extract_bytes(_page(url="https://paper.example/2017/09/12/a-story/"), "d.html", now=NOW)
    assert (record.published, record.provenance["published"]) == ("2017-09-12", "url")


def test_impossible_dates_are_refused_not_guessed() -> None:
    future = '<meta property="article:published_time" content="2031-01-01">'
    assert extract_bytes(_page(future), "a.html", now=NOW).published is None
    ancient = '<meta property="article:published_time" content="1970-01-01">'
    assert extract_bytes(_page(ancient), "b.html", now=NOW).published is None
    assert extract_bytes(_page(), "c.html", now=NOW).published is None


def test_title_loses_its_site_suffix() -> None:
    assert extract_bytes(_page(), "a.html", now=NOW).title == "A Story"


def test_share_and_comment_markup_is_dropped() -> None:
    widgets = (
        '<div class="sharedaddy"><h3>Share this:</h3><ul><li><a>Facebook</a></li><li><a>Twitter</a></li></ul></div>'
        '<div id="comments"><h3>Leave a Reply</h3><p>Your email address will not be published.</p></div>'
        '<div class="related-posts"><h4>Related</h4><a>Another story</a></div>'
    )
    record = extract_bytes(_page(body=widgets), "a.html", now=NOW)
    for word in ("Facebook", "Leave a Reply", "email address", "Another story"):
        assert word not in record.body


def test_truncated_and_textless_pages_are_refused() -> None:
    with pytest.raises(InputError, match="truncated"):
        extract_bytes(b"<!DOCTYPE html><html><body><p>The missile was launched at", "t.html")
    with pytest.raises(InputError, match="no article text"):
        extract_bytes(b"<html><body><nav><a>Home</a></nav></body></html>", "n.html")


def test_a_page_whose_text_all_looks_like_furniture_is_read_whole() -> None:
    # A discussion page: every post sits in a "comments" thread; a page hidden until a
    # script reveals it. Their text is kept (and marked so) rather than the page refused.
    posts = "".join(
        f"<li class='comment'><a href='/u/{n}'>user{n}</a><p>Post {n}: the council should "
        "publish the bridge budget before the vote, because the figures changed twice this "
        "spring and nobody outside the committee has seen the final ones.</p></li>"
        for n in range(8)
    )
    for html in (f"<html><body><h1>Bridge budget</h1><ol class='comments'>{posts}</ol></body></html>",
                 f"<html><body><div style='visibility:hidden'><h1>Bridge budget</h1><ul>{posts}</ul>"
                 "</div></body></html>"):
        record = extract_bytes(html.encode(), "thread.html", now=NOW)
        assert "Post 0: the council" in record.body and "Post 7: the council" in record.body
        assert record.provenance["body"] == "whole-page"
    # Menus and a footer alone are still no article.
    footer = "<footer><ul>" + "".join(f"<li><a href='/{n}'>Section {n} of the site</a></li>" for n in range(30))
    with pytest.raises(InputError, match="no article text"):
        extract_bytes(f"<html><body><nav><a>Home</a></nav>{footer}</ul></footer></body></html>".encode(), "f.html")


def test_ids_are_stable_and_fold_url_spellings() -> None:
    a = extract_bytes(_page(url="https://www.paper.example/a-story/?utm_source=tw"), "a.html", now=NOW)
    b = extract_bytes(_page(url="http://paper.example/a-story"), "b.html", now=NOW)
    assert a.id == b.id
    c = extract_bytes(_page(url="https://paper.example/other-story"), "a.html", now=NOW)
    assert c.id != a.id


def test_wcxb_sample_pages_extract(tmp_path: Path) -> None:
    from tests.conftest import RAW

    pages = sorted((RAW / "wcxb").glob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        record = extract_file(page)
        assert record.title and record.word_count > 50, page.name


_ARTICLE = "".join(
    f"<p>Paragraph {n} of the inspection report says the mine's crews found the cables worn and "
    f"replaced them before the next shift, as the rules require of every operator.</p>"
    for n in range(1, 7)
)


def test_an_article_after_a_stray_end_of_body_is_kept() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>Cables</title></head><body>"
        "<header><a href='/'>Home</a> <a href='/news'>News</a></header>"
        "<div class='embed'>widget</div></body></html>"  # pasted markup ends the body early
        f"<section><div id='blog-content'>{_ARTICLE}</div></section></body></html>"
    ).encode()
    record = extract_bytes(page, "stray.html")
    assert record.body.count("Paragraph") == 6 and "widget" not in record.body


def test_an_unclosed_header_around_the_article_is_not_dropped_as_a_menu() -> None:
    menu = "".join(f"<li><a href='/section/{n}'>Section number {n} of the site</a></li>" for n in range(60))
    page = (
        "<html><head><title>Cables</title></head><body>"
        f"<header class='usa-header'><nav><ul>{menu}</ul></nav>"  # never closed
        f"<main><h1>Cables</h1>{_ARTICLE}</main></body></html>"
    ).encode()
    record = extract_bytes(page, "header.html")
    assert record.body.count("Paragraph") == 6 and "Section number" not in record.body


def test_a_second_copy_of_the_article_is_dropped_but_repeated_cells_stay() -> None:
    table = "<table>" + "<tr><td>Rest day</td><td>Easy run 30 min</td></tr>" * 4 + "</table>"
    page = (
        "<html><head><title>Cables</title></head><body><article>"
        f"{_ARTICLE}{table}<div class='mobile-copy'>{_ARTICLE}</div></article></body></html>"
    ).encode()
    body = extract_bytes(page, "twice.html").body
    assert body.count("Paragraph 3 of the inspection report") == 1
    assert body.count("Easy run 30 min") == 4


def test_a_small_box_beside_the_article_stays_out_a_lead_paragraph_comes_in() -> None:
    page = (
        "<html><head><title>Cables</title></head><body><div class='wrap'>"
        "<p>The lead: inspectors visited forty mines in March, and found worn cables in most.</p>"
        f"<div class='story'>{_ARTICLE * 3}</div>"
        "<div class='cta-box'><p>Try our app free for fourteen days, with every feature included. No card "
        "is needed to start, and you can cancel at any time. Join the thousands of firms that already "
        "keep their books with us.</p></div>"
        "<div class='w-condition-invisible'>Related Posts</div>"
        "</div></body></html>"
    ).encode()
    body = extract_bytes(page, "box.html").body
    assert body.startswith("The lead: inspectors visited forty mines")
    assert "Try our app" not in body and "Related Posts" not in body


def test_a_related_heading_above_the_text_does_not_end_the_article() -> None:
    # The related box's links are dropped as link lists; its heading stays behind, above
    # the text, and used to cut everything after it.
    body = ("<div class='ArticleBody'><h2>Bulls centre out</h2><p>7 January 2008</p>"
            "<div><h4>Related Articles</h4><ul><li><a href='/1'>Another story</a></li></ul></div>"
            + "".join(f"<p>Paragraph {i}: the centre was ruled out for six months after an operation "
                      "on his knee, the team doctor said on Monday.</p>" for i in range(6)) + "</div>")
    record = extract_bytes(f"<html><body>{body}</body></html>".encode(), "r.html", now=NOW)
    assert "Paragraph 5: the centre" in record.body and "Another story" not in record.body


def test_content_named_also_as_a_widget_is_still_the_article() -> None:
    paras = "".join(f"<p>Absatz {i}: an der Spitze des Senders steht ein Wechsel bevor, die Amtszeit "
                    "der Intendantin endet heute nach zwölf Jahren.</p>" for i in range(6))
    html = (f"<html><body><nav>{'<a href=/x>Rubrik</a>' * 40}</nav><div class='entry share'>{paras}</div>"
            f"<footer>{'<a href=/y>Impressum und Datenschutz</a> ' * 30}</footer></body></html>")
    record = extract_bytes(html.encode(), "e.html", now=NOW)
    assert "Absatz 5: an der Spitze" in record.body


def test_a_cookie_consent_box_longer_than_the_article_is_not_the_article() -> None:
    tracker = "<p>Analytics service, Example Ltd.: purpose, storage time and the data it reads. </p>"
    story = "<p>The council approved the new bridge over the river after a long debate. </p>"
    html = (f"<html><body><div class='sp-dsgvo-popup-overlay'>{tracker * 40}</div>"
            f"<article><h1>Bridge approved</h1>{story * 5}</article></body></html>")
    record = extract_bytes(html.encode(), "page.html")
    assert "council approved" in record.body and "Analytics service" not in record.body


def test_soft_hyphens_in_the_text_are_not_kept() -> None:
    word = "Wein\u00adwirt\u00adschaft"
    html = f"<html><body><article><p>{('Die ' + word + ' im Tal wächst seit Jahren. ') * 8}</p></article></body></html>"
    record = extract_bytes(html.encode(), "page.html")
    assert "Weinwirtschaft" in record.body and "\u00ad" not in record.body


def test_a_page_the_parser_left_in_its_head_is_read_and_its_doctype_is_no_text() -> None:
    story = "<p>Harry Potter has topped the list of the year's best-selling books and films. </p>"
    html = ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"><html><head>'
            f"<title>Best sellers</title><mbox><table><tr><td>{story * 6}</td></tr></table></mbox>")
    record = extract_bytes(html.encode(), "page.html")
    assert "Harry Potter has topped" in record.body and "DTD HTML" not in record.body
