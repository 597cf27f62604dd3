"""Pages written to break a reader: odd charset labels, addresses that are no addresses, tag
soup, pages of menus, pages of 50 MB. Each is read or refused with ``InputError`` and a
reason, quickly and in bounded memory, never with another exception."""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterator

import pytest

from archive.contract.errors import InputError
from archive.extraction.charsets import codec_for_label, encoding_for_label
from archive.extraction.decode import decode, within_size
from archive.extraction.extract import extract_bytes
from archive.extraction.soup import parse_bounded
from archive.extraction.urls import fold_url, web_url
from archive.operations.bounds import time_bound as within  # fails the test instead of hanging the suite
from tests.conftest import DATA

ARTICLE = "".join(
    f"<p>Paragraph {i}: the council met on Monday and agreed, after a long debate, that the "
    "bridge would be rebuilt before the winter.</p>" for i in range(8))


def page(head: str = "", body: str = ARTICLE) -> bytes:
    return (f"<!DOCTYPE html><html><head><title>Bridge</title>{head}</head>"
            f"<body><article><h1>Bridge</h1>{body}</article></body></html>").encode()


# ------------------------------------------------------------------------------ charsets

@pytest.mark.parametrize("label", ["undefined", "rot13", "rot_13", "base64", "punycode", "idna",
                                   "zlib", "hex", "uu", "bz2", "quopri", "utf-7", "mbcs",
                                   "unicode_escape", "raw_unicode_escape", "palmos", "cp037"])
def test_python_codec_names_are_no_charset_labels(label: str) -> None:
    data = page(f'<meta charset="{label}">').replace(b"Monday", "Montag für".encode())
    record = extract_bytes(data, "p.html")
    assert "Montag für" in record.body  # read as the UTF-8 it is, not through the named codec
    assert record.provenance["encoding"] == "utf-8 (utf-8)"
    assert codec_for_label(label) is None


@pytest.mark.parametrize(("label", "codec"), [
    ("latin1", "cp1252"), (" ISO-8859-1 ", "cp1252"), ("us-ascii", "cp1252"), ("x-sjis", "cp932"),
    ("gb2312", "gb18030"), ("ks_c_5601-1987", "cp949"), ("windows-874", "cp874"), ("koi8_r", "koi8-r"),
    ("x-user-defined", "cp1252"), ("utf-16", "utf-8"), ("unicode-1-1-utf-8", "utf-8"),
    ("iso-2022-kr", None), ("latin-1", None), ("iso8859_1", None),
])
def test_labels_mean_what_they_mean_in_a_browser(label: str, codec: str | None) -> None:
    assert codec_for_label(label) == codec


def test_a_declared_legacy_charset_is_used_and_a_wrong_one_overruled() -> None:
    cyrillic = page('<meta charset="windows-1251">').replace(b"Monday", "понедельник".encode("cp1251"))
    assert "понедельник" in extract_bytes(cyrillic, "c.html").body
    mislabelled = page('<meta charset="koi8-r">').replace(b"Monday", "понедельник".encode())
    assert "понедельник" in extract_bytes(mislabelled, "m.html").body  # valid UTF-8 wins
    assert encoding_for_label("KOI8") == "koi8-r"


# --------------------------------------------------------------------------- addresses

BAD_URLS = ["http://[::1/a", "https://[dead::beef/a", "http://example.com:99999/a",
            "http://example.com:port/a", "http://a..b.example/a", "http://" + "a" * 64 + ".example/a",
            "http://exa mple.com/a", "javascript:alert(1)", "JAVASCRIPT:alert(1)", "mailto:a@b.example",
            "data:text/html,hi", "ftp://example.com/a", "/2020/01/relative", "viewtopic.php?id=3",
            "http://", "https:///path-only", "http://\u3002/a", "http://ex\u00adample\uff0ecom\u2100/a"]


@pytest.mark.parametrize("bad", BAD_URLS)
def test_only_web_addresses_are_kept_as_the_url(bad: str) -> None:
    for head in (f'<link rel="canonical" href="{bad}">', f'<meta property="og:url" content="{bad}">'):
        record = extract_bytes(page(head), "/captures/bridge.html")
        assert record.url is None and record.site is None
    assert web_url(bad) is None
    fold_url(bad)  # never raises, whatever it is given


def test_a_good_address_behind_a_bad_one_is_still_found() -> None:
    head = ('<meta property="og:url" content="javascript:void(0)">'
            '<link rel="canonical" href="//news.example/2021/bridge">')
    record = extract_bytes(page(head), "b.html")
    assert record.url == "https://news.example/2021/bridge"
    assert record.site == "news.example"


# ---------------------------------------------------------------------------- tag soup

def test_a_frameset_around_the_body_does_not_loop() -> None:
    with within(5):
        record = extract_bytes(b"<html><frameset><body>Hello from inside a frameset</body></frameset></html>",
                               "f.html")
    assert record.body == "Hello from inside a frameset"


SOUP = {
    "deep divs": "<div>" * 100_000 + "the text at the bottom" + "</div>" * 100_000,
    "unclosed inline tags": "<p>" + "<b>word " * 60_000,
    "unclosed blocks": "<blockquote><span>x " * 40_000,
    "nested tables": "<table><tr><td><div>cell " * 20_000,
    "unclosed lists": "<ul><li>item " * 50_000,
    "flat siblings": "<span>w</span>" * 300_000,
    "giant attribute": '<p class="' + "a " * 2_000_000 + '">the text after it</p>',
    "many attributes": "<p " + " ".join(f"a{i}=x" for i in range(100_000)) + ">text</p>",
    "entity flood": "<p>" + "&amp;&lt;" * 500_000 + "</p>",
    "unterminated comment": "<p>before</p><!--" + "x" * 1_000_000,
    "open script": "<p>before the script</p><script>" + "var a = '<p>';" * 200_000,
}


@pytest.mark.parametrize("name", sorted(SOUP))
def test_tag_soup_is_read_or_refused_quickly_in_a_bounded_tree(name: str) -> None:
    data = f"<html><body>{SOUP[name]}</body></html>".encode()
    with within(20):
        try:
            record = extract_bytes(data, "soup.html")
        except InputError as exc:
            assert exc.reason
        else:
            assert record.body
        parsed = parse_bounded(decode(data).text, 256, 100_000)
    nodes = depth = 0
    for node in parsed.soup.descendants:
        nodes += 1
        if nodes % 97 == 0:
            depth = max(depth, sum(1 for _ in node.parents))
    assert nodes <= 100_000 and depth <= 260


def test_elements_nested_too_deep_lose_no_text() -> None:
    html = "<div>" * 1000 + "".join(f"<span>w{i} </span>" for i in range(50)) + "</div>" * 1000
    parsed = parse_bounded(f"<html><body>{html}</body></html>", 256, 0)
    assert parsed.flattened == 1000 - 256 + 2 + 50 and not parsed.cut
    text = parsed.soup.get_text()
    assert all(f"w{i} " in text for i in range(50))


# ----------------------------------------------------------------------- menus and size

@pytest.mark.parametrize("nav", [
    "<div><a href='/'>Home</a> | <a href='/about'>About</a></div>",
    "<ul><li><a href='/'>Home</a></li><li><a href='/about'>About us</a></li><li><a href='/c'>Contact</a></li></ul>",
    "<p><a href='/login'>Log in</a> · <a href='/join'>Sign up</a> · <a href='/help'>Help</a></p>",
])
def test_a_page_of_menus_is_no_article(nav: str) -> None:
    with pytest.raises(InputError, match="no article text found"):
        extract_bytes(f"<html><body>{nav}</body></html>".encode(), "menu.html")


def test_a_list_of_headlines_is_still_read() -> None:
    links = "".join(f"<li><a href='/{i}'>Council agrees to rebuild the old bridge, part {i}</a></li>"
                    for i in range(12))
    record = extract_bytes(f"<html><body><ul>{links}</ul></body></html>".encode(), "list.html")
    assert "part 11" in record.body
    shop = "".join(f"<li><a href='/{n}'>{n} ({i})</a></li>" for i, n in enumerate(["Radios", "Power Banks"]))
    assert "Power Banks (1)" in extract_bytes(f"<html><body><ul>{shop}</ul></body></html>".encode(), "s.html").body


def test_a_huge_page_is_read_from_its_usable_part(settings) -> None:
    settings(max_parse_chars=200_000)
    state = "<script>window.__STATE__ = " + '{"k": "<div>value</div>"}, ' * 40_000 + "</script>"
    images = '<img src="data:image/png;base64,' + "QUJD" * 50_000 + '">'
    thread = "".join(f"<div class='c'><p>Reader comment number {i} on the bridge.</p></div>"
                     for i in range(20_000))
    data = page(state + '<script type="application/ld+json">{"@type": "NewsArticle", '
                '"datePublished": "2021-03-04"}</script>', images + ARTICLE + thread)
    assert len(data) > 2_000_000
    record = extract_bytes(data, "big.html")
    assert "Paragraph 7: the council met" in record.body  # after 3 MB of script and images
    assert record.published == "2021-03-04"  # the JSON-LD survived the reduction
    assert record.provenance["cut"].startswith("the first ")
    assert "value" not in record.body


def test_reducing_a_page_is_linear_and_bounded() -> None:
    openers = b"<p>a</p>" + b"<style>" * 200_000 + b"<!--" * 200_000 + b'="' + b"x" * 5000
    closed = b"<p>kept text</p><!-- c --><script>s</script><i title='" + b"t" * 5000 + b"'>i</i>"
    with within(5):
        assert within_size(openers * 3, 100_000) == (b"<p>a</p><style>", False)
        out, cut = within_size(closed * 50_000, 100_000)
    assert cut and len(out) <= 100_000 and out.count(b"<p>kept text</p>") > 1000
    assert b"<!--" not in out and b"<script></script>" in out and b"<i title=\"\">" in out
    small = b"<p>short</p>"
    assert within_size(small, 100) == (small, False)


# ---------------------------------------------------------------------------- mutations

def _mutations(seed: int, base: bytes, count: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    pieces = [b"<", b">", b"</", b"<!--", b"-->", b"<script>", b"<frameset>", b"</body>", b"</html>",
              b"<body>", b"<table>", b"<a href='javascript:x'>", b'<meta charset="undefined">',
              b'<link rel="canonical" href="http://[x">', b"\x00", b"\xff\xfe", b"&#0;", b"&#xD800;",
              b"<svg><foreignObject><p>", b"<math><mi>", b"<select><option>", b"<noscript>", b"\r"]
    for _ in range(count):
        data = bytearray(base)
        for _ in range(rng.randint(1, 12)):
            if not data:
                break
            at = rng.randrange(len(data))
            choice = rng.random()
            if choice < 0.4:
                data[at:at] = rng.choice(pieces) * rng.randint(1, 300)
            elif choice < 0.6:
                data[at] = rng.randrange(256)
            elif choice < 0.8:
                del data[at : at + rng.randint(1, 2000)]
            else:
                data = data[:at]
        yield bytes(data)


def test_mutated_pages_give_a_record_or_a_reason() -> None:
    real = [gzip.decompress(p.read_bytes()) for p in sorted((DATA / "quality").glob("*.html.gz"))[::4]]
    bases = [(page(), 200)] + [(raw, 8) for raw in real]
    with within(90):
        for n, (base, count) in enumerate(bases):
            for data in _mutations(17 + n, base, count):
                try:
                    extract_bytes(data, "mutant.html")
                except InputError as exc:
                    assert exc.reason
