"""What a web archive knows about a capture helps read it: the charset the server named,
the address it was fetched from, when it was fetched, and the media type it was served as."""

from __future__ import annotations

from archive.contract.captures import Capture, Envelope
from archive.extraction.extract import capture_identity, extract_capture, identity_of
from tests.conftest import DATA
from tests.corpus import page

CP1251 = (DATA / "encodings" / "cp1251-nometa.html").read_bytes()
PARAGRAPH = ("The council approved the harbour budget after a long debate about the railway bridge, "
             "the museum roof and the winter festival that the village holds every year.")


def _page(title: str = "Harbour budget approved", head: str = "") -> bytes:
    return (f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
            f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></article></body></html>").encode()


def _capture(data: bytes, **hints: str | None) -> Capture:
    return Capture.of(data, "crawl.warc.gz#1234", "/archive/crawl.warc.gz#1234", **hints)


def test_the_servers_charset_decodes_a_page_that_declares_none() -> None:
    record = extract_capture(_capture(CP1251, content_type="text/html; charset=windows-1251"))
    assert record.provenance["encoding"] == "cp1251 (http)"
    assert record.title == "Паводок в Приречном районе пошёл на спад"


def test_a_charset_the_bytes_do_not_fit_is_passed_over() -> None:
    # The server says UTF-8; the bytes are cp1251, and the page says so itself.
    data = CP1251.replace(b"<head>", b'<head><meta charset="windows-1251">', 1)
    record = extract_capture(_capture(data, content_type="text/html; charset=UTF-8"))
    assert record.provenance["encoding"] == "cp1251 (declared)"
    assert "пик весеннего половодья" in record.body


def test_utf8_bytes_served_as_latin1_are_read_as_utf8() -> None:
    data = _page("Café society returns to the harbour")
    record = extract_capture(_capture(data, content_type='text/html; charset="ISO-8859-1"'))
    assert record.title == "Café society returns to the harbour"
    assert record.provenance["encoding"] == "utf-8 (detected)"


def test_the_target_uri_is_the_url_when_the_page_names_none() -> None:
    url = "https://www.harbour-news.example/2021/04/28/budget-approved?utm_source=feed"
    record = extract_capture(_capture(_page(), url=url))
    assert record.url == url
    assert record.provenance["url"] == "target-uri"
    assert record.site == "harbour-news.example"
    assert record.published == "2021-04-28"  # read from the address, as from a canonical URL
    assert record.id == extract_capture(_capture(_page(), url="http://harbour-news.example/2021/04/28/"
                                                              "budget-approved")).id


def test_a_canonical_url_beats_the_target_uri() -> None:
    record = extract_capture(_capture(page(3).encode(), url="https://mirror.example/copy-of-report-3"))
    assert record.url == "https://news.example.org/2021/05/report-3"
    assert record.provenance["url"] == "canonical"


def test_the_capture_time_is_kept_but_never_taken_for_the_publication_date() -> None:
    record = extract_capture(_capture(_page(), captured_at="2021-05-03T10:00:00+00:00"))
    assert record.captured_at == "2021-05-03T10:00:00+00:00"
    assert record.provenance["captured_at"] == "warc-date"
    assert record.published is None and "published" not in record.provenance


def test_a_date_after_the_capture_is_refused() -> None:
    head = '<meta property="article:published_time" content="2023-02-01T08:00:00Z">'
    assert extract_capture(_capture(_page(head=head))).published == "2023-02-01T08:00:00+00:00"
    fetched = extract_capture(_capture(_page(head=head), captured_at="2021-05-03T10:00:00+00:00"))
    assert fetched.published is None


def test_the_media_type_says_text_or_html() -> None:
    text = b"Harbour budget approved\nBy Dana Reyes\n\n" + PARAGRAPH.encode() + b"\n"
    plain = extract_capture(_capture(text, content_type="text/plain; charset=utf-8"))
    assert plain.title == "Harbour budget approved" and plain.authors == ("Dana Reyes",)
    assert plain.provenance["title"] == "first-line"
    html = extract_capture(_capture(_page(), content_type="text/html"))
    assert html.provenance["title"] != "first-line"


def test_a_page_fetched_from_a_file_address_is_the_article_of_that_file() -> None:
    """A loose file written out to a WARC as a ``file:`` resource keeps its id when read back."""
    record = extract_capture(_capture(_page(), url="file:///home/ann/pages/harbour%20budget.html"))
    assert record.url is None
    assert record.id == extract_capture(Capture.of(_page(), "x.html", "/home/ann/pages/harbour budget.html")).id
    assert capture_identity(None, _capture(b"", url="file:///a/b.html")) == identity_of(None, "/a/b.html")


def test_an_envelope_reads_its_content_type_from_the_headers_it_keeps() -> None:
    http = "HTTP/1.1 200 OK\r\nServer: x\r\ncontent-type:  text/html; charset=koi8-r \r\nContent-Length: 5\r\n"
    assert Envelope("response", "WARC/1.1\r\n", http).content_type == "text/html; charset=koi8-r"
    resource = Envelope("resource", "WARC/1.1\r\nWARC-Type: resource\r\nContent-Type: text/plain\r\n")
    assert resource.content_type == "text/plain"
