"""Pages in legacy and mislabelled encodings come out as the text their authors wrote."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archive.operations.sources import extract_file
from tests.conftest import DATA

ENCODINGS = DATA / "encodings"
EXPECTED = json.loads((ENCODINGS / "expected.json").read_text("utf-8"))

# What text decoded with the wrong codec looks like: UTF-8 read as Latin-1 / cp1252
# ("Ã©", "â€™", "Ã¼"), UTF-8 Cyrillic read as Latin-1 ("Ð¾"), and replacement characters.
MOJIBAKE_RE = re.compile("[ÃÂÐÑ][\u0080-\u00bf]|â€|\ufffd|\ufeff")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_decodes_without_mojibake(name: str) -> None:
    want = EXPECTED[name]
    record = extract_file(ENCODINGS / name)

    assert record.title == want["title"]
    assert want["author"] in record.authors
    assert want["phrase"] in record.body
    for field in (record.title, record.body, " ".join(record.authors), record.description or ""):
        assert not MOJIBAKE_RE.search(field), (name, MOJIBAKE_RE.search(field))


def test_latin1_page_labelled_utf8_is_read_as_windows_1252() -> None:
    record = extract_file(ENCODINGS / "latin1-labelled-utf8.html")
    assert record.provenance["encoding"].startswith("cp1252")
    assert "Fahrradstraße" in record.title


def test_undeclared_cp1251_page_is_detected() -> None:
    record = extract_file(ENCODINGS / "cp1251-nometa.html")
    assert record.provenance["encoding"] == "cp1251 (detected)"


def test_utf8_encoded_twice_by_the_site_is_repaired(tmp_path: Path) -> None:
    page = tmp_path / "double.html"
    twice = "A DIY Investor’s Guide".encode().decode("latin-1")
    page.write_bytes(
        f"<html><head><meta charset='utf-8'><title>{twice}</title></head>"
        f"<body><article><p>{twice} to retirement calculators, fees and "
        f"withdrawal rates, explained for people who plan on their own.</p>"
        f"</article></body></html>".encode()
    )
    record = extract_file(page)
    assert record.title == "A DIY Investor’s Guide"
    assert not MOJIBAKE_RE.search(record.body)
