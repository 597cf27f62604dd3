"""Bytes to text: what is refused, and how encodings are found."""

from __future__ import annotations

import gzip

import pytest

from archive.contract.errors import InputError
from archive.extraction.decode import decode, looks_like_html, truncation_reason


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b"  \n\t \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG image"),
        (gzip.compress(b"<html><body><p>hi</p></body></html>"), "gzip"),
        (b"%PDF-1.7\n%binary", "PDF"),
        (b"<html>\x00\x01\x02\x03 junk \x00\x00", "NUL bytes"),
    ],
)
def test_refuses_what_is_not_a_page(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        decode(data, "some/file.html")
    assert caught.value.path == "some/file.html"
    assert reason in caught.value.reason


def test_control_character_junk_is_refused() -> None:
    junk = bytes(range(1, 9)) * 200 + b"<p>text</p>"
    with pytest.raises(InputError, match="binary junk"):
        decode(junk, "x.html")


def test_declared_cp1251_page_reads_as_cyrillic() -> None:
    text = "<html><head><meta charset='windows-1251'></head><body><p>Привет, мир</p></body></html>"
    decoded = decode(text.encode("cp1251"))
    assert "Привет, мир" in decoded.text
    assert decoded.how == "declared"


def test_utf8_bytes_labelled_latin1_read_as_utf8() -> None:
    text = '<meta charset="iso-8859-1"><p>Café “au lait” — crème brûlée</p>'
    decoded = decode(text.encode("utf-8"))
    assert "Café “au lait” — crème brûlée" in decoded.text


def test_latin1_bytes_labelled_utf8_do_not_turn_into_replacement_characters() -> None:
    text = '<meta charset="utf-8"><p>Straße in München, großartig und schön, für alle Bürger</p>'
    decoded = decode(text.encode("latin-1"))
    assert "Straße in München" in decoded.text
    assert "\ufffd" not in decoded.text


def test_utf16_with_bom() -> None:
    decoded = decode("\ufeff<p>naïve café</p>".encode("utf-16-le"))
    assert decoded.text == "<p>naïve café</p>"
    assert (decoded.encoding, decoded.how) == ("utf-16-le", "bom")


def test_html_sniffing() -> None:
    assert looks_like_html("<!DOCTYPE html><html><body>x</body></html>")
    assert looks_like_html("  <div class='a'><p>x</p></div>")
    assert not looks_like_html("Just a line of text.\nAnd another.")


def test_truncation() -> None:
    whole = "<html><body><p>one</p></body></html>"
    assert truncation_reason(whole) is None
    assert truncation_reason("<html><body><p>one</p></div>") is None  # ends at a tag: whole enough
    assert "mid-text" in (truncation_reason("<html><body><p>the missile was") or "")
    assert "middle of a tag" in (truncation_reason("<html><body><p>one</p><a href='x") or "")
    assert "<script>" in (truncation_reason("<html><body><script>var a = 1;") or "")
