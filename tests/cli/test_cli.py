"""Every command through click, as a user or a script would call it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from archive.cli.app import cli
from tests.conftest import DATA, FOUNDING_HTML, FOUNDING_TXT, RAW

TITLE = "Belarus Resisting Russian Missile Deployment"


def _bad_batch(folder: Path) -> Path:
    folder.mkdir()
    (folder / "empty.html").write_bytes(b"")
    (folder / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "truncated.html").write_bytes(
        b"<!DOCTYPE html><html><head><title>Cut</title></head><body><p>The page was cut off in the mid"
    )
    shutil.copy(DATA / "encodings" / "cp1251.html", folder / "cp1251.html")
    shutil.copy(FOUNDING_TXT, folder / "founding.txt")
    return folder


def test_ingest_then_search_the_demo_corpus(run) -> None:
    first = run("ingest", str(RAW))
    assert "28 new, 0 updated, 0 unchanged, 0 failed" in first.stdout
    result = json.loads(run("search", "missile", "--json").stdout)
    assert set(result) >= {"query", "total", "page", "hits", "facets"}
    assert result["query"] == "missile" and result["page"] == 1
    top = result["hits"][0]
    assert set(top) >= {"id", "title", "authors", "published", "site", "url", "score", "snippet"}
    assert top["title"] == TITLE and top["authors"] == ["Hassan Khazaal"]
    assert set(result["facets"]) >= {"author", "site", "year", "tag"}
    # the founding article is in raw/ twice (an .html and a .txt capture): one story, one hit
    assert result["total"] == 1 and top["copies"] == 2
    assert {"value": "Hassan Khazaal", "count": 1} in result["facets"]["author"]
    every = json.loads(run("search", "missile", "--all-copies", "--json").stdout)
    assert every["total"] == 2 and [h["copies"] for h in every["hits"]] == [2, 2]
    assert {"value": "Hassan Khazaal", "count": 2} in every["facets"]["author"]

    kept = json.loads(run("search", "missile", "--author", "Hassan Khazaal", "--json").stdout)
    assert kept["hits"][0]["title"] == TITLE
    none = run("search", "missile", "--author", "nobody", "--json")
    assert json.loads(none.stdout)["total"] == 0

    ranged = json.loads(run("search", "--since", "2019-01-01", "--until", "2021-12-31",
                            "--limit", "50", "--json").stdout)
    assert ranged["total"] > 0
    assert all("2019" <= h["published"][:4] <= "2021" for h in ranged["hits"])

    again = run("ingest", str(RAW))
    assert "0 new, 0 updated, 28 unchanged, 0 failed (nothing new)" in again.stdout
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["records"] == stats["indexed"] == 28
    assert stats["originals"] == 28


def test_search_human_output(run) -> None:
    run("ingest", str(FOUNDING_TXT), str(FOUNDING_HTML))
    out = run("search", "missile").stdout
    assert "1 match for 'missile'" in out and "copies: 2" in out  # the .txt and .html capture: one story
    assert TITLE in out and "Hassan Khazaal" in out and "id " in out
    assert "author: Hassan Khazaal (1)" in out
    every = run("search", "missile", "--all-copies").stdout
    assert "2 matches for 'missile'" in every and "author: Hassan Khazaal (2)" in every
    assert "No matches" in run("search", "submarine").stdout


def test_malformed_query_is_a_message_not_a_traceback(run) -> None:
    run("ingest", str(FOUNDING_TXT))
    result = run("search", "a*", "--json", expect=1)
    assert result.stdout == ""
    assert "Error:" in result.stderr and "too broad" in result.stderr
    assert "Traceback" not in result.output
    bad_date = run("search", "--since", "2016-02-30", expect=1)
    assert "day 30 does not exist" in bad_date.stderr


def test_bad_files_are_named_and_the_rest_goes_on(run, tmp_path: Path) -> None:
    batch = _bad_batch(tmp_path / "batch")
    result = run("ingest", str(batch), expect=1)
    err = result.stderr
    assert f"error: {batch / 'empty.html'}: empty file" in err
    assert f"error: {batch / 'image.html'}: binary file (a PNG image), not a page" in err
    assert f"error: {batch / 'truncated.html'}: truncated HTML" in err
    assert len(err.strip().splitlines()) == 3
    assert "2 new, 0 updated, 0 unchanged, 3 failed" in result.stdout
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["records"] == stats["originals"] == stats["indexed"] == 2
    hits = json.loads(run("search", "читальный", "--json").stdout)["hits"]
    assert hits and "библиотеки" in hits[0]["title"]


def test_ingest_json_summary(run, tmp_path: Path) -> None:
    batch = _bad_batch(tmp_path / "batch")
    data = json.loads(run("ingest", str(batch), "--json", expect=1).stdout)
    assert (data["new"], data["failed"]) == (2, 3)
    assert {Path(e["path"]).name for e in data["errors"]} == {"empty.html", "image.html", "truncated.html"}


def test_changed_file_updates_its_article(run, tmp_path: Path) -> None:
    page = tmp_path / "story.txt"
    page.write_text("A Headline\n\nFirst version of the story, long enough to count.\n", "utf-8")
    run("ingest", str(page))
    page.write_text("A Headline\n\nSecond version of the story, edited after publication.\n", "utf-8")
    assert "0 new, 1 updated, 0 unchanged, 0 failed" in run("ingest", str(page)).stdout
    hits = json.loads(run("search", "story", "--json").stdout)
    assert hits["total"] == 1
    record = json.loads(run("show", hits["hits"][0]["id"], "--json").stdout)
    assert record["body"].startswith("Second version")


def test_extract_json_lines(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["extract", str(FOUNDING_TXT), str(FOUNDING_HTML), "--json"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    for line in lines:
        data = json.loads(line)
        assert data["title"] == TITLE and data["authors"] == ["Hassan Khazaal"]
        assert data["body"].startswith("Russian officials have said")
        assert data["body"].endswith("geopolitical ambitions.)")
        assert set(data) >= {"path", "title", "authors", "published", "site", "url", "language",
                             "tags", "body"}
        for word in ("Facebook", "Twitter", "Google+", "Pinterest", "LinkedIn", "Gmail",
                     "VKontakte", "Share This", "Submit a Comment", "email address"):
            assert word not in data["body"]
    assert not (tmp_path / "xdg" / "article-archive").exists()  # extract stores nothing


def test_extract_text_and_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    runner = CliRunner()
    result = runner.invoke(cli, ["extract", str(FOUNDING_HTML), str(empty)])
    assert result.exit_code == 1
    assert result.stdout.startswith(TITLE)
    assert "Hassan Khazaal" in result.stdout and "Facebook" not in result.stdout
    assert f"error: {empty}: empty file" in result.stderr


def test_extract_shows_when_the_page_was_last_updated(tmp_path: Path) -> None:
    page = tmp_path / "edited.html"
    page.write_text(
        "<html><head><meta property='article:published_time' content='2021-08-12'>"
        "<meta property='article:modified_time' content='2025-02-22'></head><body><article>"
        "<h1>Council Approves Bridge</h1><p>" + "The council met on Tuesday to approve the bridge. " * 8
        + "</p></article></body></html>", encoding="utf-8")
    runner = CliRunner()
    human = runner.invoke(cli, ["extract", str(page)])
    assert human.exit_code == 0, human.output
    assert "2021-08-12 · updated 2025-02-22" in human.stdout
    data = json.loads(runner.invoke(cli, ["extract", str(page), "--json"]).stdout)
    assert (data["published"], data["updated"], data["provenance"]["updated"]) == ("2021-08-12", "2025-02-22", "meta")


def test_show_clean_json_and_raw(run) -> None:
    run("ingest", str(FOUNDING_HTML))
    hit = json.loads(run("search", "belarus", "--json").stdout)["hits"][0]
    human = run("show", hit["id"]).stdout
    assert human.startswith(TITLE) and "Russian officials have said" in human
    assert json.loads(run("show", hit["id"][:8], "--json").stdout)["id"] == hit["id"]
    raw = run("show", hit["id"], "--raw").stdout_bytes
    assert raw == FOUNDING_HTML.read_bytes()
    missing = run("show", "0123456789abcdef", expect=1)
    assert "no article with id" in missing.stderr


def test_reindex_and_stats(run, tmp_path: Path) -> None:
    run("ingest", str(RAW))
    before = json.loads(run("search", "plumbers", "--json").stdout)
    assert "reindexed 28 articles" in run("reindex").stdout
    after = json.loads(run("search", "plumbers", "--json").stdout)
    assert before["total"] == after["total"] and before["facets"] == after["facets"]
    human = run("stats").stdout
    assert "records:   28" in human and "indexed:   28" in human
    assert "top authors: Hassan Khazaal (2)" in human
    records = [json.loads(line) for line in run("export", "--format", "jsonl").stdout.splitlines()]
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["undated"] == sum(r["published"] is None for r in records) > 0
    assert stats["no_author"] == sum(not r["authors"] for r in records)
    assert stats["stale"] == stats["held"] == 0
    assert f"no date:   {stats['undated']}, no author: {stats['no_author']}" in human
    unsigned = tmp_path / "unsigned.html"
    paragraph = "<p>The council met on Tuesday to discuss the bridge and the parks budget.</p>"
    unsigned.write_text(f"<html><body><h1>Council Meets</h1>{paragraph * 6}</body></html>")
    run("ingest", str(unsigned))
    assert json.loads(run("stats", "--json").stdout)["no_author"] == stats["no_author"] + 1


def test_home_from_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ARCHIVE_HOME", str(tmp_path / "envhome"))
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(FOUNDING_TXT)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "envhome" / "archive.db").exists()
    monkeypatch.delenv("ARCHIVE_HOME")
    result = runner.invoke(cli, ["stats", "--json"])
    assert json.loads(result.stdout)["home"] == str(tmp_path / "xdg" / "article-archive")


def test_second_writer_is_told_to_wait(run, home: Path) -> None:
    from archive.storage.home import Home
    from archive.storage.lock import WriteLock

    with WriteLock(Home.open(home).lock_path):
        result = run("ingest", str(FOUNDING_TXT), expect=1)
    assert "another archive process" in result.stderr
    assert "1 new" in run("ingest", str(FOUNDING_TXT)).stdout
