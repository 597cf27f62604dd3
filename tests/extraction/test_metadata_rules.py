"""The rules that decide a record's authors, date and title, as a user sees them."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime

import pytest

from archive.extraction.authors import clean_authors
from archive.extraction.dates import parse_date
from archive.extraction.extract import extract_bytes
from archive.extraction.titles import strip_site_suffix

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SENTENCE = "The council met on Tuesday to discuss the new bridge, the budget and the parks. "
BODY = "<p>" + SENTENCE * 6 + "</p>"


def page(
    head: str = "", top: str = "", body: str = BODY, h1: str = "Council Approves Bridge"
) -> bytes:
    html = (
        f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>"
        f"<article><h1>{h1}</h1>{top}{body}</article></body></html>"
    )
    return html.encode("utf-8")


def extract(data: bytes):
    return extract_bytes(data, "page.html", now=NOW)


def ld(obj: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# ------------------------------------------------------------------------- authors


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("Written by Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe | The Daily Planet", ["Jane Doe"]),
        ("Jane Doe - Daily Planet", ["Jane Doe"]),
        ("By JANE DOE, Staff Writer", ["JANE DOE"]),
        ("Maria &amp; Katerina", ["Maria", "Katerina"]),
        ("Doe, Jane", ["Doe, Jane"]),
        ("Kaufman, Jeff T.", ["Kaufman, Jeff T."]),
        ("Genevieve Carlton, Ph.D.", ["Genevieve Carlton, Ph.D."]),
        ("Dylan Bailey, MS, RD, FAND", ["Dylan Bailey, MS, RD, FAND"]),
        ("Manoj Jain, Jagpreet Chhatwal", ["Manoj Jain", "Jagpreet Chhatwal"]),
        ("Parisa Ostovari", ["Parisa Ostovari"]),
        ("Author: Isaiah Shelton", ["Isaiah Shelton"]),
        ("Recipe by PJ Hamel", ["PJ Hamel"]),
        ("Text: Jane Doe, Photos: John Roe", ["Jane Doe"]),
        ("Words: Jane Doe and Ann Lee; Photos: John Roe", ["Jane Doe", "Ann Lee"]),
        ("Staff", []),
        ("admin", []),
        ("andrew.keaveney", []),
        ("jane@example.com", []),
        ("Posted on March 3, 2024", []),
    ],
)
def test_byline_strings_become_person_names(raw: str, names: list[str]) -> None:
    assert clean_authors([raw]) == names


def test_site_name_is_not_an_author() -> None:
    assert clean_authors(["USA TODAY"], ("USA Today",)) == []
    assert clean_authors(["Cleveland Clinic", "Jane Doe"], ("Cleveland Clinic",)) == ["Jane Doe"]


def test_several_json_ld_authors_come_out_as_a_list() -> None:
    head = ld({"@type": "NewsArticle", "headline": "Council Approves Bridge",
               "author": [{"@type": "Person", "name": "Jane Doe"},
                          {"@type": "Person", "name": "John Roe"}]})
    record = extract(page(head))
    assert record.authors == ("Jane Doe", "John Roe")
    assert record.provenance["authors"] == "json-ld"


def test_json_ld_author_given_by_reference_is_resolved() -> None:
    head = ld({"@graph": [
        {"@type": "Article", "headline": "Council Approves Bridge",
         "author": {"@id": "https://example.com/#/person/1"}},
        {"@type": "Person", "@id": "https://example.com/#/person/1", "name": "Jane Doe"},
    ]})
    assert extract(page(head)).authors == ("Jane Doe",)


def test_publisher_named_as_author_falls_back_to_the_byline() -> None:
    head = ('<meta property="og:site_name" content="Daily Planet">'
            '<meta name="author" content="Daily Planet">')
    record = extract(page(head, top="<p>By Jane Doe</p>"))
    assert record.authors == ("Jane Doe",)
    assert record.provenance["authors"] == "byline"


def test_personal_site_named_after_its_author_keeps_the_author() -> None:
    head = ('<meta property="og:site_name" content="Sam Bossley">'
            '<meta name="author" content="Sam Bossley">')
    assert extract(page(head)).authors == ("Sam Bossley",)


def test_by_label_and_name_under_the_headline() -> None:
    record = extract(page(top="<div><span>By</span><span>Daryl Austin</span></div>"))
    assert record.authors == ("Daryl Austin",)


@pytest.mark.parametrize(
    "top",
    [
        "<nav><ul class='menu'><li>By Event Type</li><li>By Industry</li></ul></nav>",
        "<div class='dropdown'><h4>By Company Size</h4></div>",
        "<p>Figures compiled</p><div>by AM Best's Review</div>",
        "<p><a href='/book'><i>Wakoku Chiyekurabe</i></a> by Kan Chu Sen, 1721.</p>",
        "<p><span>Dec 17, 2025</span> · <a href='/category/healthy-living'>Healthy Living</a></p>",
    ],
)
def test_things_that_look_like_bylines_name_no_author(top: str) -> None:
    assert extract(page(top=top)).authors == ()


def test_by_phrase_opening_a_sentence_is_body_text_not_a_byline() -> None:
    para = "<p>By batching requests, we cut the latency of the busiest hour in half.</p>"
    record = extract(page(body=BODY + para + BODY))
    assert record.authors == ()
    assert "By batching requests" in record.body


def test_name_with_credentials_in_a_byline_element() -> None:
    top = "<div class='post-author'><a href='/author/sl'>Shelby Loos, DVM</a></div>"
    assert extract(page(top=top)).authors == ("Shelby Loos, DVM",)


def test_author_name_inside_an_author_box() -> None:
    body = BODY + ("<div class='author-box'><h4 class='author-box__name'>Liz Kenny</h4>"
                   "<div class='author-box__bio'>Former consultant.</div></div>")
    assert extract(page(body=body)).authors == ("Liz Kenny",)


def test_author_from_a_summary_cards_written_by_pair() -> None:
    head = ('<meta name="twitter:label1" content="Written by">'
            '<meta name="twitter:data1" content="Nawaz Dhandala">'
            '<meta name="twitter:label2" content="Est. reading time">'
            '<meta name="twitter:data2" content="9 minutes">')
    record = extract(page(head=head))
    assert record.authors == ("Nawaz Dhandala",) and record.provenance["authors"] == "meta"
    other = head.replace("Written by", "Est. reading time")
    assert extract(page(head=other)).authors == ()


def test_every_name_after_a_written_by_label() -> None:
    top = ("<div>Written by <span>Marna van der Merwe</span>, <span>Dieter Veldsman</span>, "
           "<span>Erik van Vulpen</span></div>")
    record = extract(page(top=top))
    assert record.authors == ("Marna van der Merwe", "Dieter Veldsman", "Erik van Vulpen")


def test_printed_byline_with_more_authors_completes_the_structured_one() -> None:
    head = ld({"@type": "Article", "headline": "Council Approves Bridge",
               "author": {"@type": "Person", "name": "Marna van der Merwe"}})
    top = "<div>Written by <span>Dr Marna van der Merwe</span> and <span>Erik Roe</span></div>"
    record = extract(page(head, top=top))
    assert record.authors == ("Dr Marna van der Merwe", "Erik Roe")
    assert record.provenance["authors"] == "byline"


def test_byline_after_the_text_naming_someone_else_does_not_replace_the_structured_one() -> None:
    head = ld({"@type": "Article", "headline": "Council Approves Bridge",
               "author": {"@type": "Person", "name": "Jane Doe"}})
    box = "<div>Written by <span>John Roe</span> and <span>Erik Roe</span></div>"
    paragraphs = "".join(f"<p>{SENTENCE}</p>" for _ in range(40))
    assert extract(page(head, body=paragraphs + box)).authors == ("Jane Doe",)


def test_byline_under_the_headline_beats_markup_naming_someone_else() -> None:
    head = ('<meta name="author" content="Josh Katz">'
            '<meta property="og:site_name" content="The Careful Investor">')
    top = "<div><span>By</span> <a href='/c'>Charles Pattison</a>, <span>WCI Columnist</span></div>"
    record = extract(page(head, top=top))
    assert record.authors == ("Charles Pattison",)
    assert record.provenance["authors"] == "byline"
    assert extract(page(head)).authors == ("Josh Katz",)


@pytest.mark.parametrize("role", ["WCI Columnist", "Travel Editor", "Shipping Expert"])
def test_a_role_after_the_name_is_no_second_author(role: str) -> None:
    top = f"<div><span>By</span><a href='/c'>Charles Pattison</a>, <span>{role}</span></div>"
    assert extract(page(top=top)).authors == ("Charles Pattison",)


def test_name_printed_after_the_date_beside_the_headline() -> None:
    top = "<p><span>Dec 17, 2024</span><span>·</span><a title='x'>Julian K. Arni</a></p>"
    record = extract(page(top=top))
    assert record.authors == ("Julian K. Arni",)
    assert record.provenance["authors"] == "byline"


def test_by_colon_under_the_headline_beats_markup_naming_someone_else() -> None:
    head = ld({"@type": "Article", "headline": "Council Approves Bridge",
               "author": {"@type": "Person", "name": "Luke Dale"}})
    top = "<div>November 3, 2023</div><p>By: Paul Fenwick</p>"
    assert extract(page(head, top=top)).authors == ("Paul Fenwick",)


def test_name_printed_before_the_date_under_the_headline() -> None:
    top = "<div><a href='/authors/er'>Elliot Rabe</a> · <span>Dec 19, 2025</span></div>"
    assert extract(page(top=top)).authors == ("Elliot Rabe",)
    top = "<div><a href='/category/living'>Healthy Living</a> · <span>Dec 19, 2025</span></div>"
    assert extract(page(top=top)).authors == ()


@pytest.mark.parametrize("role", ["Marketing Director", "Expert Reviewer"])
def test_a_job_title_beside_the_date_is_no_name(role: str) -> None:
    top = f"<p><span>Dec 17, 2024</span> · <span>{role}</span></p>"
    assert extract(page(top=top)).authors == ()


def test_several_names_before_the_date_complete_the_structured_author() -> None:
    head = ld({"@type": "Article", "headline": "Council Approves Bridge",
               "author": {"@type": "Person", "name": "Rui Mao"}})
    top = ("<p>The largest list of free courses</p><div><a href='/author/rm'>Rui Mao</a>, "
           "<a href='/author/hl'>Heba Lewin</a> &amp; <a href='/author/sp'>Suparn Pal</a> "
           "<span>Nov 25th, 2025</span></div>")
    tagline = "".join(f"<p>{SENTENCE}</p>" for _ in range(30)) + "<p>by Course Central</p>"
    record = extract(page(head, top=top, body=BODY + tagline))
    assert record.authors == ("Rui Mao", "Heba Lewin", "Suparn Pal")
    assert record.provenance["authors"] == "byline"


def test_name_after_a_contributors_label() -> None:
    top = "<div><strong>Contributors:</strong> Janet Lowry</div>"
    assert extract(page(top=top)).authors == ("Janet Lowry",)


def test_byline_under_a_title_heading_when_the_h1_is_a_pull_quote() -> None:
    html = ("<!doctype html><html><head><meta charset='utf-8'>"
            "<meta property='og:title' content='What people love | Rust Blog'></head><body>"
            "<article><h2>What people love</h2>"
            "<div>Dec. 19, 2025 · Nico Matts on behalf of <a href='/teams/v'>Vision group</a>"
            f"</div>{BODY}<h1>But what they love is the sense of empowerment</h1>{BODY}"
            "</article></body></html>")
    assert extract(html.encode()).authors == ("Nico Matts",)


def test_author_tags_naming_every_author_complete_one_naming_the_first() -> None:
    head = ('<meta name="DC.Creator" content="Jen Hubert">'
            + "".join(f'<meta name="citation_authors" content="{n}">'
                      for n in ("Jen Hubert", "Jeni Grey", "Chong Leigh")))
    record = extract(page(head))
    assert record.authors == ("Jen Hubert", "Jeni Grey", "Chong Leigh")
    assert record.provenance["authors"] == "meta"


def test_name_linking_to_an_author_page_right_under_the_headline() -> None:
    top = ("<div><a href='/blog/authors/emma-oyo'><img alt=''><span>Emma Oyo</span></a>"
           "<a href='/tag/cloud'>#Cloud Computing</a></div>")
    assert extract(page(top=top)).authors == ("Emma Oyo",)
    for top in ("<div><a href='/blog/category/cloud'>Cloud Computing</a></div>",
                "<div><a href='/people/free-demo.html'>Request Demo</a></div>"):
        assert extract(page(top=top)).authors == ()


def test_authors_label_inside_the_text_is_not_the_byline_under_the_headline() -> None:
    long_paragraph = "<p>" + SENTENCE * 4 + "</p>"
    top = "<div><a href='/authors/sm'>Spencer Mack</a> · <span>Dec 19, 2025</span></div>"
    body = long_paragraph + "<h3>New module</h3><p>Authors: Valen Lobs</p>" + BODY
    assert extract(page(top=top, body=body)).authors == ("Spencer Mack",)


@pytest.mark.parametrize(
    "top",
    [
        "<p><span>Dec 17, 2024</span> · <span>Copy Link</span></p>",
        "<div><p>Dec 16, 2025</p><h3>Vibe Coding</h3></div>",
    ],
)
def test_a_button_or_the_next_title_beside_the_date_is_no_name(top: str) -> None:
    assert extract(page(top=top)).authors == ()


def test_every_name_after_a_written_by_label_each_with_a_role() -> None:
    top = ("<div>Written by <strong><a href='/a/ar'>Adrien Ramos</a></strong>, 4+ years "
           "covering computer hardware <strong><a href='/a/jn'>Joanna Nel</a></strong>, "
           "senior editor and E Ink enthusiast</div>")
    assert extract(page(top=top)).authors == ("Adrien Ramos", "Joanna Nel")


def test_personal_site_keeps_its_owner_written_in_lower_case() -> None:
    head = ('<meta property="og:site_name" content="Annette Thurmon">'
            '<meta itemprop="author" content="annette thurmon">')
    assert extract(page(head)).authors == ("annette thurmon",)


def test_site_name_as_the_markup_author_gives_way_to_the_printed_byline() -> None:
    head = ('<meta property="og:site_name" content="Green Hill Planters">'
            '<meta name="author" content="Green Hill Planters">')
    record = extract(page(head, top="<p>By <a href='/team/mw'>Mara Weeden</a></p>"))
    assert record.authors == ("Mara Weeden",)
    assert record.provenance["authors"] == "byline"
    assert extract(page(head)).authors == ("Green Hill Planters",)


def test_a_list_heading_after_a_by_label_is_no_name() -> None:
    top = "<div><span>by</span><h3>Recent Posts</h3><ul><li>Spring planting</li></ul></div>"
    assert extract(page(top=top)).authors == ()


def test_this_post_was_written_by_names_the_author() -> None:
    body = BODY + ("<div class='author-bio'>This post was written by Dana Pell, Head of "
                   "Marketing and Community Development</div>")
    assert extract(page(body=body)).authors == ("Dana Pell",)


def test_credentials_after_a_written_by_sentence_stay_with_the_name() -> None:
    body = ("<p><em>This post was written by <a href='/providers/dp'>Dana Pell, MD</a>, "
            "gastroenterologist, Lakeside Health.</em></p>" + BODY)
    assert extract(page(body=body)).authors == ("Dana Pell, MD",)


def test_a_sites_credits_list_in_the_author_meta_names_no_author() -> None:
    head = '<meta name="author" content="content: Acme Sherpa, design: Scott Roe, code: Stev Loe">'
    assert extract(page(head)).authors == ()
    record = extract(page(head, top="<p>By Dana Pell</p>"))
    assert record.authors == ("Dana Pell",)


# --------------------------------------------------------------------------- dates


def test_published_is_preferred_over_modified() -> None:
    head = ld({"@type": "Article", "headline": "Council Approves Bridge",
               "dateModified": "2025-03-01T10:00:00Z", "datePublished": "2024-11-05T08:00:00Z"})
    record = extract(page(head))
    assert record.published == "2024-11-05T08:00:00+00:00"
    assert record.provenance["published"] == "json-ld"


def test_date_in_the_future_of_the_capture_is_rejected() -> None:
    head = '<meta property="article:published_time" content="2031-01-01T00:00:00Z">'
    assert extract(page(head)).published is None


def test_date_before_1990_is_rejected() -> None:
    head = '<meta property="article:published_time" content="1985-07-04">'
    assert extract(page(head)).published is None


def test_page_without_a_date_gets_null_not_a_guess() -> None:
    record = extract(page(body=BODY + "<p>Founded in 1998, the firm has 2,024 members.</p>"))
    assert record.published is None
    assert "published" not in record.provenance


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("March 3, 2024", "2024-03-03"), ("3 March 2024", "2024-03-03"), ("2024/03/03", "2024-03-03"),
        ("10/31/2024", "2024-10-31"), ("15/12/2024", "2024-12-15"), ("11-29-2024, 06:04 AM", "2024-11-29"),
        ("29-11-2024", "2024-11-29"), ("03-04-2024", None), ("31.12.2024", "2024-12-31"),
    ],
)
def test_numeric_and_written_dates(written: str, day: str | None) -> None:
    """A dashed date that reads both ways round (pages write both) is no date at all."""
    assert parse_date(written, NOW) == day


def test_date_printed_under_the_headline() -> None:
    record = extract(page(top="<p class='meta'>Published March 3, 2024</p>"))
    assert record.published == "2024-03-03"
    assert record.provenance["published"] == "page-text"


def test_updated_date_is_used_only_when_no_publication_date_exists() -> None:
    record = extract(page(top="<p>Updated: 10/31/2024</p>"))
    assert record.published == "2024-10-31"
    assert record.provenance["published"] == "page-text-updated"
    head = '<meta property="article:published_time" content="2023-02-01">'
    assert extract(page(head, top="<p>Updated: 10/31/2024</p>")).published == "2023-02-01"


def test_an_updated_label_apart_from_its_date_still_marks_an_update() -> None:
    record = extract(page(top="<p><span>Updated</span><span>:</span> <span>October 31, 2024</span></p>"))
    assert record.published == "2024-10-31"
    assert record.provenance["published"] == "page-text-updated"


def test_the_last_change_is_kept_beside_the_publication_date() -> None:
    head = ld({"@type": "Article", "headline": "Council Approves Bridge",
               "datePublished": "2021-08-12T19:35:44+00:00", "dateModified": "2025-02-22T22:13:14+00:00"})
    record = extract(page(head))
    assert (record.published, record.updated) == ("2021-08-12T19:35:44+00:00", "2025-02-22T22:13:14+00:00")
    assert record.provenance["updated"] == "json-ld"
    # The "Updated" line the page prints is what it tells its readers.
    record = extract(page(head, top="<p>Last updated: 2025-02-20</p>"))
    assert (record.published, record.updated) == ("2021-08-12T19:35:44+00:00", "2025-02-20")
    assert record.provenance["updated"] == "page-text"
    # A modification the same day, or a page whose only date is its update, tells nothing more.
    same = ld({"@type": "Article", "datePublished": "2024-05-01T08:00:00Z", "dateModified": "2024-05-01T17:00:00Z"})
    assert extract(page(same)).updated is None
    only = extract(page(top="<p>Updated: 10/31/2024</p>"))
    assert (only.published, only.updated) == ("2024-10-31", None)
    assert "updated" not in only.provenance


def test_earlier_date_printed_under_the_headline_beats_a_rebuilt_markup_date() -> None:
    head = ld({"@type": "Article", "headline": "Council Approves Bridge",
               "datePublished": "2025-05-24", "dateModified": "2025-05-24"})
    record = extract(page(head, top="<p class='meta'>August 25, 2024</p>"))
    assert record.published == "2024-08-25"
    assert record.provenance["published"] == "page-text"


def test_an_earlier_time_marked_as_the_publication_beats_a_rebuilt_markup_date() -> None:
    head = ld({"@type": "Article", "headline": "Council Approves Bridge", "datePublished": "2025-05-29"})
    foot = '<p class="published">Published <time pubdate datetime="2024-08-13">August 13, 2024</time></p>'
    record = extract(page(head, body=BODY * 45 + foot))
    assert (record.published, record.provenance["published"]) == ("2024-08-13", "time-tag")
    foot = '<time class="updated" pubdate datetime="2024-08-13">August 13, 2024</time>'
    assert extract(page(head, body=BODY * 45 + foot)).published == "2025-05-29"


def test_markup_date_a_day_after_the_printed_one_is_the_time_zone_and_kept() -> None:
    head = '<meta property="article:published_time" content="2025-05-19T02:41:41+00:00">'
    record = extract(page(head, top="<p>May 18, 2025</p>"))
    assert record.published == "2025-05-19T02:41:41+00:00"
    assert record.provenance["published"] == "meta"


@pytest.mark.parametrize(
    "top",
    [
        "<p>Customers who installed panels after April 15, 2023 get lower credits.</p>",
        "<p>Last updated</p><p>March 2, 2024</p>",
        "<table><tr><td>Updated May 1, 2025</td></tr><tr><td>1/1/2013</td></tr></table>",
    ],
)
def test_only_a_publication_dateline_beside_the_headline_overrides_the_markup(top: str) -> None:
    head = '<meta property="article:published_time" content="2025-05-20">'
    record = extract(page(head, top=top))
    assert record.published == "2025-05-20"


def test_a_forum_members_joining_date_is_not_the_posts_date() -> None:
    head = '<meta property="article:published_time" content="2024-09-11T16:36:25Z">'
    top = "<div class='postprofile'><dt>Posts:</dt><dd>138</dd><dt>Joined:</dt><dd>4 Jul 2012</dd></div>"
    assert extract(page(head, top=top)).published == "2024-09-11T16:36:25+00:00"


def test_date_from_the_url_when_nothing_else_has_one() -> None:
    head = '<link rel="canonical" href="https://example.com/2022/04/09/council-approves-bridge/">'
    record = extract(page(head))
    assert record.published == "2022-04-09"
    assert record.provenance["published"] == "url"


@pytest.mark.parametrize(
    "key", ["published", "w-published-date", "og:publish_date", "cxenseparse:publishtime"]
)
def test_publication_meta_under_a_sites_own_prefix(key: str) -> None:
    record = extract(page(f'<meta name="{key}" content="July 17, 2024">'))
    assert record.published == "2024-07-17"
    assert record.provenance["published"] == "meta"


@pytest.mark.parametrize("key", ["cdc:last_published", "x-wix-published-version"])
def test_meta_that_only_looks_like_a_publication_date_is_not_one(key: str) -> None:
    assert extract(page(f'<meta name="{key}" content="July 17, 2024">')).published is None


def test_json_ld_written_into_a_meta_tag() -> None:
    data = json.dumps({"@type": "Article", "headline": "Council Approves Bridge",
                       "datePublished": "2024-11-17T09:00:00-05:00", "author": {"name": "Dana Reyes"}})
    record = extract(page(f'<meta name="script:ld+json" content="{html.escape(data)}">'))
    assert (record.published, record.authors) == ("2024-11-17T09:00:00-05:00", ("Dana Reyes",))
    assert record.provenance["published"] == "json-ld"


def test_dated_post_meta_box_with_tags_after_the_date() -> None:
    box = ("<div class='meta date-section-header'><span>Posted on April 13, 2023</span>"
           "<div class='tags'><a href='/t/1'>academic journals</a> <a href='/t/2'>indexing</a> "
           "<a href='/t/3'>peer review</a> <a href='/t/4'>scholarly publishing</a> "
           "<a href='/t/5'>open access</a> <a href='/t/6'>research metrics</a> "
           "<a href='/t/7'>citation databases</a></div></div>")
    record = extract(page(body=BODY * 45 + box))  # far below the headline
    assert record.published == "2023-04-13"


def test_a_posts_byline_line_dates_it_but_a_customer_reviews_does_not() -> None:
    post = ("<p class='author'>by <strong><a href='/member/1'>Outer Armatonisdaristan</a></strong>"
            " &raquo; Tue Aug 27, 2019 1:47 am</p>")
    assert extract(page(body=BODY * 45 + post + BODY)).published == "2019-08-27"
    review = "<div class='customer_review_author'>John Warren <span>06/08/2024</span></div>"
    assert extract(page(body=BODY * 45 + review + BODY)).published is None


def test_dates_the_article_is_about_are_not_its_date() -> None:
    # The page's date stands above the headline; the article lists events to come.
    prose = "<p>" + SENTENCE * 2 + "</p>"
    events = "".join(f"<h2>{n}. Expo</h2><p>Date</p><p>: 16-19 March 2026</p>" for n in (1, 2))
    html = ("<html><body><article><div class='date-article'>October 13, 2025</div>"
            f"<h1>Biggest events of 2026</h1>{prose * 3}{events}{BODY}</article></body></html>")
    record = extract_bytes(html.encode(), "page.html", now=datetime(2026, 4, 1, tzinfo=UTC))
    assert record.published == "2025-10-13"


def test_url_written_escaped_from_its_first_slash_gives_its_date() -> None:
    head = ('<meta property="og:url" content="https://blog.example.fr%2Farticles%2F'
            '2024-12-15%2BCouncil%2BApproves%2BBridge">')
    record = extract(page(head))
    assert record.url == "https://blog.example.fr/articles/2024-12-15+Council+Approves+Bridge"
    assert record.published == "2024-12-15"
    assert record.provenance["published"] == "url"


# -------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("title", "site", "want"),
    [
        ("Council Approves Bridge | Daily Planet", "Daily Planet", "Council Approves Bridge"),
        ("Daily Planet - Council Approves Bridge", "Daily Planet", "Council Approves Bridge"),
        ("Council Approves The New Bridge – Daily Planet", None, "Council Approves The New Bridge"),
        ("Council Approves Bridge", "Daily Planet", "Council Approves Bridge"),
    ],
)
def test_site_name_suffix_is_stripped(title: str, site: str | None, want: str) -> None:
    assert strip_site_suffix(title, site) == want


def test_title_entities_are_decoded() -> None:
    head = ('<meta property="og:title" '
            'content="America&amp;#039;s Favourite Bakery &#8220;Rises&#8221;">'
            '<meta property="og:site_name" content="Daily Planet">')
    record = extract(page(head, h1="Something Else Entirely"))
    assert record.title == "America's Favourite Bakery “Rises”"


def test_headline_on_the_page_wins_when_it_agrees_with_the_declared_title() -> None:
    head = "<title>Bridge approved: council votes 7-2 | Daily Planet</title>"
    record = extract(page(head, h1="Council approves the new bridge in a 7-2 vote"))
    assert record.title == "Council approves the new bridge in a 7-2 vote"
    assert record.provenance["title"] == "h1"


def test_site_logo_in_h1_does_not_replace_the_title() -> None:
    head = "<title>Council Approves Bridge | Daily Planet</title>"
    record = extract(page(head, h1="Daily Planet"))
    assert record.title == "Council Approves Bridge"
    assert record.provenance["title"] == "title-tag"


def test_headline_agreeing_with_og_title_wins_over_a_stray_json_ld_headline() -> None:
    head = (ld({"@type": "Article", "headline": "Sample menus"})
            + '<meta property="og:title" content="Seven days of healthy meals on a budget">')
    record = extract(page(head, h1="Seven days of healthy meals on a budget"))
    assert record.title == "Seven days of healthy meals on a budget"
    assert record.provenance["title"] == "h1"


def test_og_title_naming_only_the_site_is_not_a_title() -> None:
    head = ('<meta property="og:site_name" content="Leadfeeder">'
            '<meta property="og:title" content="Leadfeeder">'
            "<title>State of SEO in 2026: Trends and Predictions</title>")
    record = extract(page(head, h1="State of SEO in 2026: Trends and Predictions"))
    assert record.title == "State of SEO in 2026: Trends and Predictions"


@pytest.mark.parametrize(
    "h1",
    [
        "Council Approves Bridge Posted on July 1, 2024 by Jane Doe",
        "Dec 18 2025 Council Approves Bridge",
        "Blog: Council Approves Bridge",
        "Council Approves Bridge | Opinion",
        "COUNCIL APPROVES BRIDGE",
    ],
)
def test_headline_with_furniture_around_it_gives_way_to_the_declared_title(h1: str) -> None:
    head = '<meta property="og:title" content="Council Approves Bridge">'
    assert extract(page(head, h1=h1)).title == "Council Approves Bridge"


def test_headline_with_a_real_subtitle_keeps_it() -> None:
    head = '<meta property="og:title" content="Council Approves Bridge">'
    record = extract(page(head, h1="Council Approves Bridge: Why the Vote Matters"))
    assert record.title == "Council Approves Bridge: Why the Vote Matters"
    assert record.provenance["title"] == "h1"


@pytest.mark.parametrize(
    ("title", "want"),
    [
        ("Council Approves Bridge | Local News | Daily Planet", "Council Approves Bridge"),
        ("Bridge Vote | Example.org", "Bridge Vote"),
        ("Example: Council Approves Bridge", "Council Approves Bridge"),
        ("Zero Waste - A Beginner's Guide – Daily Planet", "Zero Waste - A Beginner's Guide"),
    ],
)
def test_every_site_part_is_stripped_from_the_title(title: str, want: str) -> None:
    head = (f"<title>{title}</title><meta property='og:site_name' content='Daily Planet'>"
            "<link rel='canonical' href='https://www.example.org/news/bridge'>")
    assert extract(page(head, h1="")).title == want


@pytest.mark.parametrize(
    ("title", "want"),
    [
        ("Council Approves Bridge - March 2026 | Daily Planet",
         "Council Approves Bridge - March 2026"),
        ("Tech Conferences in Europe 2026 / 2027", "Tech Conferences in Europe 2026 / 2027"),
    ],
)
def test_a_date_after_a_separator_belongs_to_the_title(title: str, want: str) -> None:
    head = f"<title>{title}</title><meta property='og:site_name' content='Daily Planet'>"
    assert extract(page(head, h1="")).title == want


def test_front_page_keeps_the_site_name_it_starts_with() -> None:
    head = ("<title>Figma: The Collaborative Interface Design Tool | Figma</title>"
            "<meta property='og:site_name' content='Figma'>"
            "<link rel='canonical' href='https://www.figma.com/'>")
    assert extract(page(head, h1="")).title == "Figma: The Collaborative Interface Design Tool"
    article = head.replace("https://www.figma.com/", "https://www.figma.com/blog/design-tool")
    assert extract(page(article, h1="")).title == "The Collaborative Interface Design Tool"


def test_front_page_named_only_after_the_site_is_titled_so() -> None:
    head = ("<meta property='og:title' content='The Verge'>"
            "<meta property='og:site_name' content='The Verge'>"
            "<link rel='canonical' href='https://www.theverge.com/?utm_source=feed'>")
    assert extract(page(head, h1="")).title == "The Verge"


def test_site_parts_are_recognised_in_any_script() -> None:
    head = ("<meta property='og:site_name' content='Городская газета'>"
            "<meta property='og:title' content='Городская газета'>"
            "<title>Газета: Мэр открыл новый мост | Городская газета</title>")
    assert extract(page(head, h1="")).title == "Газета: Мэр открыл новый мост"


def test_site_from_url_encoded_og_url() -> None:
    head = '<meta property="og:url" content="https%3A%2F%2Fwww.example.org%2Fnews%2Fbridge">'
    record = extract(page(head))
    assert record.url == "https://www.example.org/news/bridge"
    assert record.site == "example.org"


def test_every_metadata_value_says_where_it_came_from() -> None:
    head = ('<meta property="og:url" content="https://www.example.org/news/bridge">'
            '<meta name="author" content="Jane Doe">'
            '<meta property="article:published_time" content="2024-11-05">'
            '<meta name="keywords" content="bridge, council">')
    record = extract(page(head))
    assert record.provenance == {
        "url": "meta", "authors": "meta", "published": "meta", "tags": "meta",
        "title": "h1", "site": "url", "encoding": "utf-8 (declared)",
    }


def test_author_bio_after_the_article_is_not_body_text() -> None:
    head = '<meta name="author" content="Jane Doe">'
    body = "".join(f"<p>{SENTENCE * 2}</p>" for _ in range(4))
    body += "<p>Jane Doe is a reporter who covers city hall and transport for the paper.</p>"
    record = extract(page(head, body=body))
    assert record.authors == ("Jane Doe",)
    assert "is a reporter" not in record.body
    assert record.body.count(SENTENCE.strip()) == 8


@pytest.mark.parametrize("label", ["Datum 25.01.2025", "Stand: 25.01.2025", "Published on 25.01.2025"])
def test_a_date_the_page_labels_as_its_own_is_the_last_resort(label: str) -> None:
    record = extract(page(body=BODY * 30 + f"<p>Pressestelle</p><p>{label}</p>"))
    assert record.published and record.published.startswith("2025-01-25")
    assert record.provenance["published"] == "page-text-labelled"


def test_an_rdfa_date_created_is_a_publication_date() -> None:
    span = "<span property='schema:dateCreated' content='2022-01-28T12:45:46+00:00'></span>"
    record = extract(page(top=span))
    assert record.published and record.published.startswith("2022-01-28")


def test_a_publication_date_in_the_pages_script_state_is_a_last_resort() -> None:
    state = '<script type="application/json">{"title": "x", "published_at": "2019-03-02T06:22:28+01:00"}</script>'
    record = extract(page(head=state))
    assert record.published and record.published.startswith("2019-03-02")
    assert record.provenance["published"] == "script-json"
