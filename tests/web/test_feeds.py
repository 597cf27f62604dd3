"""Saved searches on the web: the /watches page, /api/watches, and each one's Atom feed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from archive.cli.app import cli
from archive.contract.search import SearchRequest
from tests.conftest import FOUNDING_HTML, FOUNDING_TXT
from tests.web.conftest import HOSTILE, JS_URL

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture(scope="module")
def feed_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The founding article's two captures and two hostile pages, with three saved searches."""
    from archive.operations.service import Archive

    root = tmp_path_factory.mktemp("feed-home")
    pages = root / "pages"
    pages.mkdir()
    (pages / "hostile.html").write_text(HOSTILE, "utf-8")
    (pages / "hostile-js-url.html").write_text(JS_URL, "utf-8")
    with Archive(root / "home") as archive:
        archive.watch_add("missile", SearchRequest(query="missile"), from_start=True)
        archive.watch_add("fish", SearchRequest(query="zebrafish OR newtfish"), from_start=True)
        archive.watch_add("quiet", SearchRequest(query="submarine", filters={"site": ("<b>Evil</b>",)}))
        assert archive.ingest([FOUNDING_HTML, FOUNDING_TXT, pages]).failed == 0
    return root / "home"


@pytest.fixture(scope="module")
def client(feed_home: Path) -> Iterator:
    from starlette.testclient import TestClient

    from archive.web.app import create_app

    with TestClient(create_app(feed_home, workers=2)) as test_client:
        yield test_client


def _feed(client, name: str) -> ET.Element:  # noqa: ANN001
    answer = client.get(f"/watches/{name}.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    assert answer.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(answer.content)


def _assert_valid_atom(feed: ET.Element) -> None:
    """What RFC 4287 requires of a feed and its entries (section 4.1)."""
    assert feed.tag == f"{A}feed"
    for element in [feed, *feed.findall(f"{A}entry")]:
        for tag in ("id", "title", "updated"):
            found = element.findall(f"{A}{tag}")
            assert len(found) == 1 and (found[0].text or "").strip(), (element.tag, tag)
        assert RFC3339.match(element.find(f"{A}updated").text)
        published = element.find(f"{A}published")
        assert published is None or RFC3339.match(published.text)
        for link in element.findall(f"{A}link"):
            assert link.get("href")
        for author in element.findall(f"{A}author"):
            assert author.find(f"{A}name") is not None
    assert feed.findall(f"{A}author")  # so no entry needs its own
    assert [link.get("rel") for link in feed.findall(f"{A}link")].count("self") == 1
    ids = [e.find(f"{A}id").text for e in feed.findall(f"{A}entry")]
    assert len(ids) == len(set(ids))
    for entry in feed.findall(f"{A}entry"):
        alternate = [x for x in entry.findall(f"{A}link") if x.get("rel", "alternate") == "alternate"]
        assert alternate or entry.find(f"{A}content") is not None  # 4.1.2: a link or content
        summary = entry.find(f"{A}summary")
        assert summary is None or summary.get("type") in (None, "text")


def test_a_saved_searchs_feed_is_valid_atom_with_one_entry_per_story(client) -> None:
    feed = _feed(client, "missile")
    _assert_valid_atom(feed)
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 1  # the .html and .txt captures are one story
    entry = entries[0]
    assert entry.find(f"{A}title").text == "Belarus Resisting Russian Missile Deployment"
    assert "(2 copies of this story)" in entry.find(f"{A}summary").text
    href = next(x.get("href") for x in entry.findall(f"{A}link") if x.get("rel") == "alternate")
    assert re.search(r"/articles/[0-9a-f]{16}$", href) and client.get(href).status_code == 200
    assert feed.find(f"{A}title").text.startswith("missile: missile")


def test_captured_markup_in_a_feed_is_text_never_markup(client) -> None:
    answer = client.get("/watches/fish.atom")
    feed = ET.fromstring(answer.content)
    _assert_valid_atom(feed)
    titles = [e.find(f"{A}title").text for e in feed.findall(f"{A}entry")]
    # the two hostile pages share their prose: near copies, one story
    assert len(titles) == 1 and "<script>" in titles[0] and "<img src=x" in titles[0]  # as text, as written
    assert b"<script" not in answer.content and b"<img" not in answer.content  # escaped on the wire
    for element in feed.iter():  # nothing but Atom's own elements
        assert element.tag.startswith(A)
    links = [x.get("href") for x in feed.iter(f"{A}link")]
    assert not any(h.startswith("javascript:") for h in links)


def test_an_empty_feed_still_validates_and_unknown_ones_are_404(client) -> None:
    feed = _feed(client, "quiet")
    _assert_valid_atom(feed)
    assert feed.findall(f"{A}entry") == []
    assert client.get("/watches/missing.atom").status_code == 404
    assert client.get("/watches/..%2Fetc.atom").status_code == 404


def test_reading_a_feed_moves_no_mark(client, feed_home: Path) -> None:
    before = client.get("/api/watches").json()
    _feed(client, "missile")
    assert client.get("/api/watches").json() == before


def test_the_watches_page_and_api_list_them(client, feed_home: Path) -> None:
    page = client.get("/watches")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for name in ("missile", "fish", "quiet"):
        assert f'href="/watches/{name}.atom"' in page.text
    assert "<b>Evil</b>" not in page.text and "&lt;b&gt;Evil&lt;/b&gt;" in page.text
    assert 'type="application/atom+xml"' in page.text  # feed readers find them from the page
    api = client.get("/api/watches").json()
    cli_json = CliRunner().invoke(cli, ["--home", str(feed_home), "watch", "list", "--json"]).stdout
    assert api == json.loads(cli_json)
    assert [w["name"] for w in api["watches"]] == ["fish", "missile", "quiet"]
