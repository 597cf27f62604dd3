"""Web archives in: WARC records become captures, revisits resolve, non-pages are counted,
damage is one line naming the file and offset, and a re-run is unchanged."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest

import archive.extraction.extract as extracting
from archive.operations.service import Archive
from archive.operations.sources import Inputs, extract_file
from archive.storage.originals import OriginalStore
from tests.conftest import DATA, RAW
from tests.corpus import page
from tests.warcs import WarcBuilder

PAGES = sorted((RAW / "wcxb").glob("*.html"))[:6]


def _crawl(path: Path, *, gzip: bool = True) -> WarcBuilder:
    """A crawl of six real pages (chunked, gzip-, deflate- and brotli-encoded among them) with the
    requests, an image, a redirect, a 404, a revisit and a metadata record around them."""
    builder = WarcBuilder(path, gzip=gzip)
    builder.warcinfo()
    for i, page_path in enumerate(PAGES):
        url = f"https://site{i}.example/articles/{page_path.stem}"
        builder.request(url)
        builder.response(url, page_path.read_bytes(), chunked=i in (0, 3),
                         encoding={1: "gzip", 3: "gzip", 4: "deflate", 5: "br"}.get(i))
    builder.response("https://site0.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(300), content_type="image/png")
    builder.response("https://site0.example/old", b"<html>moved</html>", status="301 Moved Permanently",
                     headers=(("Location", "https://site0.example/new"),))
    builder.response("https://site0.example/gone", b"<html><p>Not here</p></html>", status="404 Not Found")
    builder.revisit(builder.written[2], date="2021-07-01T09:00:00Z")  # the first page, seen again
    builder.metadata("https://site0.example/articles/x", b'{"note": "crawler metadata"}')
    return builder


def _ingest(archive: Archive, *paths: Path | Inputs, **kw: object):
    seen: list = []
    inputs = paths[0] if len(paths) == 1 and isinstance(paths[0], Inputs) else list(paths)
    summary = archive.ingest(inputs, progress=seen.append, **kw)
    return summary, seen


def test_a_crawl_becomes_articles_with_their_addresses_times_and_headers(tmp_path: Path) -> None:
    crawl = _crawl(tmp_path / "crawl.warc.gz")
    crawl.close()
    pages = crawl.written[2:13:2]  # warcinfo, then request, response, request, response...
    with Archive(tmp_path / "home") as archive:
        summary, outcomes = _ingest(archive, crawl.path)
        assert (summary.new, summary.updated, summary.failed) == (6, 0, 0)
        assert summary.unchanged == 1  # the revisit: same payload, same article
        assert summary.skipped_by_reason == {"request record": 6, "warcinfo record": 1, "metadata record": 1,
                                             "not a page (image/png)": 1, "HTTP 301 response": 1,
                                             "HTTP 404 response": 1}
        assert sum(o.size for o in outcomes) == crawl.path.stat().st_size  # the progress bar ends full
        records = {r.source_path: r for r in (archive.get(o.article_id) for o in outcomes if o.status == "new")}
        assert sorted(records) == sorted(f"{crawl.path}#{w.offset}" for w in pages)
        for written, page_path in zip(pages, PAGES, strict=True):
            record = records[f"{crawl.path}#{written.offset}"]
            loose = extract_file(page_path)
            assert record.body == loose.body and record.title == loose.title  # chunks and encodings undone
            assert record.captured_at == "2021-05-03T10:00:00+00:00"
            assert record.provenance["captured_at"] == "warc-date"
            assert record.provenance["encoding"] == "utf-8 (http)"
            assert archive.original(record.id) == page_path.read_bytes()
        revisit = next(o for o in outcomes if o.status == "unchanged")
        assert revisit.article_id == records[f"{crawl.path}#{pages[0].offset}"].id
        with archive.workspace.reader() as store:
            kept = store.headers_for(f"{crawl.path}#{pages[1].offset}")
        assert kept is not None and kept.record_type == "response"
        assert "Content-Encoding: gzip" in (kept.http_headers or "")
        assert kept.target_uri == pages[1].url and kept.payload_digest == pages[1].payload_digest
        assert "WARC-IP-Address: 192.0.2.7" in kept.warc_headers


def test_the_same_warc_again_is_unchanged_and_extracts_nothing(tmp_path: Path, monkeypatch) -> None:
    crawl = _crawl(tmp_path / "crawl.warc.gz")
    crawl.close()
    with Archive(tmp_path / "home") as archive:
        archive.ingest([crawl.path])
        calls: list[str] = []
        real = extracting.extract_capture
        monkeypatch.setattr(extracting, "extract_capture", lambda c, **kw: calls.append(c.name) or real(c, **kw))
        again, _ = _ingest(archive, crawl.path)
    assert (again.new, again.updated, again.unchanged, again.failed) == (0, 0, 7, 0)
    assert calls == []


def test_revisits_resolve_in_the_archive_and_say_so_when_they_cannot(tmp_path: Path) -> None:
    first = WarcBuilder(tmp_path / "may.warc.gz")
    original = first.response("https://n.example/report-1", page(1).encode())
    first.close()
    second = WarcBuilder(tmp_path / "june.warc.gz")
    second.revisit(original, date="2021-06-03T10:00:00Z")
    unknown = WarcBuilder(tmp_path / "other.warc.gz")
    stranger = unknown.response("https://n.example/report-2", page(2).encode())
    unknown.close()
    second.revisit(stranger)  # its original is in a WARC never ingested
    second.close()
    with Archive(tmp_path / "home") as archive:
        summary, _ = _ingest(archive, first.path)
        article = archive.get(next(iter(archive.workspace.reader().all_ids())))
        later, outcomes = _ingest(archive, second.path)
    assert (later.new, later.unchanged, later.skipped) == (0, 1, 1)
    resolved = next(o for o in outcomes if o.status == "unchanged")
    assert resolved.article_id == article.id and resolved.path == f"{second.path}#{second.written[0].offset}"
    assert "revisit of a capture not stored" in next(iter(later.skipped_by_reason))


def test_a_revisit_of_a_page_still_being_extracted_waits_for_it(tmp_path: Path) -> None:
    crawl = WarcBuilder(tmp_path / "crawl.warc.gz")
    firsts = [crawl.response(f"https://n.example/r{n}", page(n).encode()) for n in range(40)]
    for written in firsts:
        crawl.revisit(written)
    crawl.close()
    with Archive(tmp_path / "home") as archive:
        summary, outcomes = _ingest(archive, crawl.path, jobs=2)
    assert (summary.new, summary.unchanged, summary.skipped) == (40, 40, 0)
    ids = {o.path: o.article_id for o in outcomes}
    for written in firsts:
        assert ids[f"{crawl.path}#{written.offset}"] is not None


def test_a_truncated_warc_keeps_every_record_before_the_cut(run, tmp_path: Path) -> None:
    crawl = _crawl(tmp_path / "crawl.warc.gz")
    body = PAGES[0].read_bytes().replace(b"<title>", b"<title>Last ")
    last = crawl.response("https://site9.example/articles/last", body)
    crawl.close()
    data = crawl.path.read_bytes()
    crawl.path.write_bytes(data[: last.offset + (len(data) - last.offset) // 2])
    result = run("ingest", "--json", str(crawl.path), expect=1)
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["failed"]) == (6, 1)
    assert summary["errors"] == [{"path": f"{crawl.path}#{last.offset}", "reason": summary["errors"][0]["reason"]}]
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {crawl.path}#{last.offset}: ")
    assert "truncated" in result.stderr


def test_a_damaged_record_is_one_line_and_the_rest_of_the_file_goes_on(run, tmp_path: Path) -> None:
    for compressed in (True, False):
        crawl = _crawl(tmp_path / f"crawl-{compressed}.warc{'.gz' if compressed else ''}", gzip=compressed)
        crawl.close()
        data = bytearray(crawl.path.read_bytes())
        hit = crawl.written[4]  # the second page's response
        data[hit.offset + 4: hit.offset + 200] = b"\x00junk" * 39  # its header and start overwritten
        crawl.path.write_bytes(bytes(data))
        result = run("ingest", "--json", str(crawl.path), expect=1)
        summary = json.loads(result.stdout)
        # Five pages and the revisit (the same pages again, the second time round).
        assert (summary["new"] + summary["unchanged"], summary["failed"]) == (6, 1), compressed
        assert [e["path"] for e in summary["errors"]] == [f"{crawl.path}#{hit.offset}"]
        assert "damaged record" in summary["errors"][0]["reason"]
        assert result.stderr.count("\n") == 1


def test_a_record_whose_content_length_is_wrong_fails_alone(tmp_path: Path) -> None:
    crawl = _crawl(tmp_path / "crawl.warc", gzip=False)
    crawl.close()
    data = crawl.path.read_bytes()
    hit = crawl.written[4]
    head_end = data.index(b"\r\n\r\n", hit.offset)
    header = data[hit.offset:head_end]
    length = int(header.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    for wrong in (length - 40, length + 40):
        bad = header.replace(f"Content-Length: {length}".encode(), f"Content-Length: {wrong}".encode())
        crawl.path.write_bytes(data[:hit.offset] + bad + data[head_end:])
        with Archive(tmp_path / f"home-{wrong}") as archive:
            summary, _ = _ingest(archive, crawl.path)
        assert (summary.new, summary.failed) == (5, 1), wrong
        assert summary.failures[0].path == f"{crawl.path}#{hit.offset}"


def test_a_warc_gzipped_as_one_stream_still_reads(tmp_path: Path) -> None:
    crawl = _crawl(tmp_path / "plain.warc", gzip=False)
    crawl.close()
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(crawl.path.read_bytes()))
    with Archive(tmp_path / "home") as archive:
        summary, outcomes = _ingest(archive, whole)
        assert (summary.new, summary.unchanged, summary.failed) == (6, 1, 0)
        # Offsets are then positions in the uncompressed stream: those of the plain WARC.
        assert {o.path.rsplit("#", 1)[1] for o in outcomes if o.status == "new"} == {
            str(w.offset) for w in crawl.written[2:13:2]}
        assert archive.ingest([whole]).unchanged == 7
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:-2000])
    with Archive(tmp_path / "home2") as archive:
        summary, _ = _ingest(archive, cut)
    assert summary.new >= 5 and summary.failed == 1


def test_a_warc_of_2000_captures(tmp_path: Path) -> None:
    crawl = WarcBuilder(tmp_path / "big.warc.gz")
    crawl.warcinfo()
    for n in range(2000):
        crawl.response(f"https://news.example.org/2021/05/report-{n}", page(n).encode(), chunked=n % 5 == 0,
                       encoding="gzip" if n % 7 == 0 else None)
    crawl.close()
    with Archive(tmp_path / "home") as archive:
        inputs = archive.inputs([crawl.path])
        assert inputs.expected_captures() >= 32  # a large batch: extracted on every core
        summary, outcomes = _ingest(archive, inputs, jobs=None)
        assert (summary.new, summary.failed, summary.skipped) == (2000, 0, 1)
        assert sum(o.size for o in outcomes) == crawl.path.stat().st_size
        assert archive.record_count() == 2000
        assert archive.stats()["indexed"] == 2000


def test_a_folder_counts_everything_it_skips(run, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub" / ".git").mkdir(parents=True)
    (folder / "a.html").write_text(page(1), "utf-8")
    (folder / "sub" / "b.html.gz").write_bytes(gzip.compress(page(2).encode()))
    (folder / "sub" / "c.gz").write_bytes(gzip.compress(page(3).encode()))  # a page, by its content
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (folder / "notes.md").write_text("# notes\n", "utf-8")
    (folder / "data.bin").write_bytes(bytes(range(256)))
    (folder / "dump.gz").write_bytes(gzip.compress(b"\x00\x01 binary"))
    (folder / ".DS_Store").write_bytes(b"x")
    (folder / "sub" / ".git" / "HEAD").write_text("ref", "utf-8")
    crawl = WarcBuilder(folder / "sub" / "crawl.warc.gz")
    crawl.response("https://n.example/r4", page(4).encode())
    crawl.request("https://n.example/r4")
    crawl.close()
    result = run("ingest", "--json", "--verbose", str(folder))
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["failed"]) == (4, 0)
    assert summary["skipped_by_reason"] == {
        "gzip file holding neither a page nor a WARC": 1, "hidden file": 1, "hidden folder": 1,
        "not a page (.md)": 1, "not a page (.png)": 1, "not a page (.bin, and its content is not HTML)": 1,
        "request record": 1}
    assert summary["skipped"] == 7
    listed = [line for line in result.stderr.splitlines() if line.startswith("skipped: ")]
    assert len(listed) == 7 and f"skipped: {folder / 'logo.png'}: not a page (.png)" in listed
    human = run("ingest", str(folder)).stdout
    assert human.startswith("0 new, 0 updated, 4 unchanged, 0 failed (nothing new); 7 skipped: ")
    assert "skipped:" not in run("ingest", str(folder)).stderr  # listed only with --verbose


def test_gzip_compressed_pages(run, tmp_path: Path, settings) -> None:
    plain = tmp_path / "report.html"
    plain.write_text(page(5), "utf-8")
    packed = tmp_path / "report.html.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    text = tmp_path / "founding.txt.gz"
    text.write_bytes(gzip.compress((RAW / "belarus-resisting-russian-missile-deployment.txt").read_bytes()))
    cut = tmp_path / "cut.html.gz"
    cut.write_bytes(packed.read_bytes()[:-30])
    result = run("ingest", "--json", str(packed), str(text), str(cut), expect=1)
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["failed"]) == (2, 1)
    assert summary["errors"] == [{"path": str(cut), "reason": "truncated gzip data: the compressed stream stops early"}]
    lines = [json.loads(line) for line in run("export").stdout.splitlines()]
    by_source = {r["source_path"]: r for r in lines}
    assert by_source[str(packed)]["body"] == extract_file(plain).body
    assert by_source[str(text)]["title"] == "Belarus Resisting Russian Missile Deployment"
    assert by_source[str(text)]["provenance"]["title"] == "first-line"
    settings(max_page_bytes=4096)
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<html><body>" + b"<p>x</p>" * 100_000))
    assert "expands past the size limit" in run("ingest", str(bomb), expect=1).stderr


def test_the_servers_charset_is_used_and_kept_for_reextraction(tmp_path: Path, settings) -> None:
    crawl = WarcBuilder(tmp_path / "crawl.warc.gz")
    written = crawl.response("https://priречный.example/news/flood", (DATA / "encodings" / "cp1251-nometa.html")
                             .read_bytes(), content_type="text/html; charset=windows-1251")
    crawl.close()
    with Archive(tmp_path / "home") as archive:
        archive.ingest([crawl.path])
        record = archive.get(next(iter(archive.workspace.reader().all_ids())))
        assert record.provenance["encoding"] == "cp1251 (http)"
        assert record.url == written.url and record.provenance["url"] == "target-uri"
        settings(cleaner_version="test-next")
        summary = archive.reextract(everything=True)
        assert summary.failed == 0 and summary.held == 0
        again = archive.get(record.id)
    assert again.cleaner_version == "test-next"
    assert (again.url, again.captured_at, again.title) == (record.url, record.captured_at, record.title)
    assert again.provenance == record.provenance


def test_a_lost_original_is_restored_from_its_warc_record(run, home: Path, tmp_path: Path) -> None:
    crawl = _crawl(tmp_path / "crawl.warc.gz")
    crawl.close()
    run("ingest", str(crawl.path))
    record = json.loads(run("export").stdout.splitlines()[0])
    OriginalStore(home / "originals").path_for(record["sha256"]).unlink()
    report = json.loads(run("check", "--json", expect=1).stdout)
    assert report["problem_counts"] == {"original-missing": 1}
    assert report["warc_headers"] == 6  # one per page read from the WARC
    repaired = json.loads(run("check", "--json", "--repair").stdout)
    assert repaired["ok"] and any(record["source_path"] in line for line in repaired["repaired"])


def test_extract_reads_warc_records_too(run, tmp_path: Path) -> None:
    crawl = _crawl(tmp_path / "crawl.warc.gz")
    crawl.close()
    lines = [json.loads(line) for line in run("extract", "--json", str(crawl.path)).stdout.splitlines()]
    assert [line["path"] for line in lines] == [f"{crawl.path}#{w.offset}" for w in crawl.written[2:13:2]]
    assert [line["title"] for line in lines] == [extract_file(p).title for p in PAGES]
    assert all(line["captured_at"] == "2021-05-03T10:00:00+00:00" for line in lines)


@pytest.mark.parametrize("content", [b"", b"WARC/1.1\r\nWARC-Type: resp", b"not a warc at all\n" * 10])
def test_a_file_named_warc_that_is_not_one_is_one_error(run, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.warc"
    bad.write_bytes(content)
    result = run("ingest", str(bad), expect=1)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {bad}")


def test_check_finds_headers_kept_for_an_original_the_archive_lacks(run, home: Path, tmp_path: Path) -> None:
    crawl = _crawl(tmp_path / "crawl.warc.gz")
    crawl.close()
    run("ingest", str(crawl.path))
    db = sqlite3.connect(home / "archive.db")
    with db:  # as a hand edit, or a bug, might leave them
        db.execute("INSERT INTO warc_headers(source, sha256, record_type, warc_headers) "
                   "VALUES ('/gone.warc.gz#1', ?, 'response', 'WARC/1.1')", ("e" * 64,))
    db.close()
    report = json.loads(run("check", "--json", expect=1).stdout)
    assert report["problem_counts"] == {"headers-orphan": 1}
    assert "problem: headers-orphan: " + "e" * 64 in run("check", expect=1).stderr
    repaired = json.loads(run("check", "--json", "--repair").stdout)
    assert repaired["ok"] and repaired["warc_headers"] == 6
    shown = run("show", json.loads(run("export").stdout.splitlines()[0])["id"]).stdout
    assert "captured 2021-05-03T10:00:00+00:00" in shown.splitlines()[1]
