"""The HTML pages, read as a server sends them: state in the URL, escaping of everything
captured, the sandboxed original, the token, and the readers' bounded searchers."""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archive.contract.search import SearchRequest
from archive.web.params import query_string, request_from
from archive.web.views import safe_url, snippet_html


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


def assert_no_captured_markup(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag not in ("img", "iframe", "object", "embed"), (tag, attrs)
        assert tag != "svg" or "viewbox" in attrs, attrs  # only the histogram
        assert tag != "b" or not attrs, attrs  # only the page's own, round the query
        if tag == "script":
            assert attrs == {"src": "/static/archive.js", "defer": None}
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").lower().startswith("javascript:"), (tag, attrs)


def test_the_query_string_round_trips_through_a_request() -> None:
    request = SearchRequest(query="missile defense", filters={"author": ("A B", "C"), "tag": ("x&y",)},
                            since="2016", until="2016-06", sort="newest", page=3, limit=20, histogram="month")
    assert request_from(__import__("urllib.parse").parse.parse_qsl(query_string(request))) == request


def test_snippets_keep_mark_and_nothing_else() -> None:
    hostile = 'a <mark>b</mark> &lt;script&gt;x&lt;/script&gt; <img src=x onerror=y> <mark onclick=z>c</mark>'
    out = str(snippet_html(hostile))
    assert out.count("<mark>") == 1 and out.count("</mark>") == 1
    assert "<img" not in out and "<script" not in out and "&lt;img src=x onerror=y&gt;" in out
    assert str(snippet_html("<mark><mark>x</mark>")) == "<mark>x</mark>"


@pytest.mark.parametrize(("url", "linked"), [("https://a.example/x", True), ("http://a.example", True),
                                             ("javascript:alert(1)", False), (" JAVASCRIPT:alert(1)", False),
                                             ("data:text/html,x", False), ("//a.example", False), (None, False)])
def test_only_web_addresses_become_links(url, linked) -> None:
    assert (safe_url(url) is not None) == linked


def test_hostile_titles_authors_sites_tags_and_bodies_are_shown_as_text(client) -> None:
    page = client.get("/", params={"q": "zebrafish OR newtfish", "copies": "all"})  # near copies: list both
    assert page.status_code == 200
    assert "2 matches" in page.text
    assert_no_captured_markup(page.text)
    assert "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt; Zebrafish" in page.text
    assert "&lt;svg onload=alert(2)&gt;" in page.text  # a tag, as a facet value
    for hit in re.findall(r'href="/articles/([0-9a-f]{16})"', page.text):
        reader = client.get(f"/articles/{hit}")
        assert reader.status_code == 200
        assert_no_captured_markup(reader.text)
        assert "&lt;b onmouseover=alert(4)&gt;Evil Site" in reader.text
    reader = client.get(f"/articles/{re.findall(r'/articles/([0-9a-f]{16})', page.text)[0]}")
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in reader.text


def test_a_javascript_canonical_address_is_neither_kept_nor_linked(client) -> None:
    """The cleaner keeps only http(s) addresses; a record from before that rule is still
    shown safely (test_only_web_addresses_become_links)."""
    hit = client.get("/api/search", params={"q": "newtfish"}).json()["hits"][0]
    assert hit["url"] is None
    reader = client.get(f"/articles/{hit['id']}").text
    assert 'href="javascript' not in reader.lower()
    assert_no_captured_markup(reader)


def test_the_original_is_served_sandboxed_and_byte_for_byte(client, web_home: Path) -> None:
    from archive.operations.service import Archive

    hit = client.get("/api/search", params={"q": "zebrafish"}).json()["hits"][0]
    response = client.get(f"/articles/{hit['id']}/original")
    assert response.status_code == 200
    with Archive(web_home, create=False) as archive:
        assert response.content == archive.original(hit["id"])
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    policy = response.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy and "allow-scripts" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    as_text = client.get(f"/articles/{hit['id']}/original", params={"as": "text"})
    assert as_text.headers["content-type"].startswith("text/plain") and as_text.content == response.content
    # the reader view links to it and never inlines it
    reader = client.get(f"/articles/{hit['id']}").text
    assert f'href="/articles/{hit["id"]}/original"' in reader
    assert not any(tag in ("iframe", "object", "embed") for tag, _ in elements(reader))


def test_facet_links_chips_and_pages_carry_the_whole_state(client) -> None:
    page = client.get("/", params={"q": "people", "sort": "newest"}).text
    site_link = re.search(r'<a href="(/\?[^"]*site=NPR[^"]*)"', page)
    assert site_link, "a facet value links to the search with its filter added"
    narrowed = client.get(site_link.group(1).replace("&amp;", "&")).text
    assert "q=people" in site_link.group(1) and "sort=newest" in site_link.group(1)
    assert 'aria-label="Remove filter site: NPR"' in narrowed
    chip = re.search(r'<a class="chip" href="([^"]*)"', narrowed).group(1).replace("&amp;", "&")
    assert "site=" not in chip and "q=people" in chip
    total = int(re.search(r'data-total="(\d+)"', narrowed).group(1))
    assert total == client.get("/api/search", params={"q": "people", "site": "NPR"}).json()["total"]


def test_the_histogram_bars_narrow_the_dates(client) -> None:
    page = client.get("/").text
    bars = re.findall(r'<a href="([^"]*)" class="bar" aria-label="(\d{4}): (\d+) match', page)
    assert len(bars) >= 10
    years = [int(y) for _, y, _ in bars]
    assert years == list(range(min(years), max(years) + 1)), "empty years are drawn too"
    href, year, count = next(b for b in bars if int(b[2]) > 1)
    assert f"since={year}" in href and f"until={year}" in href
    narrowed = client.get(href.replace("&amp;", "&")).text
    assert re.search(r'data-total="(\d+)"', narrowed).group(1) == count
    assert re.search(rf'aria-label="{year}-\d\d: \d+ match', narrowed), "one year is drawn by months"


def test_a_bad_query_shows_the_form_and_a_400(client) -> None:
    page = client.get("/", params={"q": "a*"})
    assert page.status_code == 400
    assert "too broad" in page.text and 'value="a*"' in page.text
    assert client.get("/", params={"page": "x"}).status_code == 400
    missing = client.get("/articles/0123456789abcdef")
    assert missing.status_code == 404 and "no article with id" in missing.text
    assert client.get("/no/such/page").status_code == 404


def test_a_suggestion_is_a_link(client) -> None:
    page = client.get("/", params={"q": "missle"}).text
    assert re.search(r'Did you mean <a href="/\?q=missile">missile</a>', page)


def test_the_token_is_required_when_given(web_home: Path) -> None:
    from starlette.testclient import TestClient

    from archive.web.app import create_app

    with TestClient(create_app(web_home, workers=1, token="s3cret-token"), follow_redirects=False) as c:
        assert c.get("/api/stats").status_code == 401
        assert c.get("/").status_code == 401
        assert c.get("/api/stats", headers={"authorization": "Bearer wrong-token"}).status_code == 401
        assert c.get("/api/stats", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        bounce = c.get("/?q=missile&token=s3cret-token")
        assert bounce.status_code == 303 and bounce.headers["location"] == "/?q=missile"
        assert "HttpOnly" in bounce.headers["set-cookie"] and "SameSite=Strict" in bounce.headers["set-cookie"]
        assert c.get("/?q=missile").status_code == 200  # the cookie now carries it
        c.cookies.clear()
        assert c.get("/?q=missile&token=nope").status_code == 401


def test_searchers_are_bounded_by_the_workers_not_the_clients(web_home: Path) -> None:
    """Forty concurrent searches through two workers open two archives, no more."""
    from starlette.testclient import TestClient

    from archive.operations.service import Archive
    from archive.web.app import create_app

    opened: list[str] = []

    def opener() -> Archive:
        opened.append(threading.current_thread().name)
        return Archive(web_home, create=False)

    with TestClient(create_app(web_home, workers=2, open_archive=opener)) as c:
        results: list[int] = []

        def ask(n: int) -> None:
            results.append(c.get("/api/search", params={"q": ["missile", "food", "the"][n % 3]}).status_code)

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == [200] * 40
    assert sorted(opened) == ["archive-reader-0", "archive-reader-1"]


def test_new_articles_and_a_new_index_generation_are_served_without_a_restart(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from archive.operations.service import Archive
    from archive.web.app import create_app
    from tests.conftest import FOUNDING_HTML, RAW

    home = tmp_path / "home"
    with Archive(home) as archive:
        archive.ingest([RAW / "wcxb"])
    with TestClient(create_app(home, workers=1)) as c:
        before = c.get("/api/search", params={"q": "missile"}).json()["total"]
        with Archive(home) as archive:
            archive.ingest([FOUNDING_HTML])
        assert c.get("/api/search", params={"q": "missile"}).json()["total"] == before + 1
        with Archive(home) as archive:
            archive.reindex()
        after = c.get("/api/search", params={"q": "missile"}).json()
        assert after["total"] == before + 1 and after["hits"][0]["title"].startswith("Belarus")


def test_an_index_that_cannot_be_opened_is_a_503_not_a_crash(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from archive.operations.service import Archive
    from archive.web.app import create_app
    from tests.conftest import FOUNDING_HTML

    home = tmp_path / "home"
    with Archive(home) as archive:
        archive.ingest([FOUNDING_HTML])
        article = archive.search(SearchRequest(query="missile")).hits[0].id
    (home / "index" / "CURRENT").write_text("gen-999999", "utf-8")
    with TestClient(create_app(home, workers=1)) as c:
        api = c.get("/api/search", params={"q": "missile"})
        assert api.status_code == 503 and api.json()["error"]["kind"] == "unavailable"
        assert "run 'archive check --repair'" in api.json()["error"]["message"]
        assert c.get("/", params={"q": "missile"}).status_code == 503
        assert c.get(f"/api/articles/{article}").status_code == 200  # the records still answer
        reader = c.get(f"/articles/{article}")
        assert reader.status_code == 200 and "The search index is unavailable" in reader.text
