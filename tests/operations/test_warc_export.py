"""Web archives out: `archive export --format warc` writes every version's original with the
headers it came with, and its record, as WARC/1.1 that other tools read and that ingests
back into the same articles."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.operations.service import Archive
from tests.conftest import RAW
from tests.corpus import page
from tests.operations.test_warc_ingest import PAGES, _crawl
from tests.warcs import WarcBuilder

_COMPARED = ("id", "url", "site", "title", "authors", "published", "updated", "language", "tags", "description",
             "body", "word_count", "sha256", "cleaner_version", "provenance", "captured_at")


def _crawl_with_versions(folder: Path) -> Path:
    """The test crawl, then a later one holding a changed capture of two of its pages."""
    folder.mkdir()
    first = _crawl(folder / "may.warc.gz")
    first.close()
    later = WarcBuilder(folder / "june.warc.gz")
    for n, page_path in enumerate(PAGES[:2]):
        url = first.written[2 + 2 * n].url
        changed = page_path.read_bytes().replace(b"</body>", b"<p>Update: this article was corrected on "
                                                            b"the second of June after readers wrote in.</p></body>")
        later.response(url, changed, date="2021-06-02T08:00:00Z", encoding="gzip", chunked=n == 0)
    later.close()
    return folder


def _versions(archive: Archive) -> dict[str, list[dict]]:
    with archive.workspace.reader() as store:
        return {article_id: [{k: r.to_dict()[k] for k in _COMPARED} for r in store.versions(article_id)]
                for article_id in sorted(store.all_ids())}


def _records(path: Path) -> list:
    with open(path, "rb") as fh:
        out = []
        for record in ArchiveIterator(fh):
            out.append((record.rec_type, record.rec_headers, record.http_headers, record.content_stream().read()))
        return out


def _tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", args[0], *args[1:]], capture_output=True, text=True, timeout=120)


def test_a_warc_ingested_exported_and_ingested_again_is_the_same_archive(run, tmp_path: Path) -> None:
    folder = _crawl_with_versions(tmp_path / "in")
    with Archive(tmp_path / "first") as first:
        first.ingest([folder])
        done = first.export_warc(str(tmp_path / "out.warc.gz"))
        before = _versions(first)
        originals = {v["sha256"]: first.workspace.originals.get(v["sha256"]) for vs in before.values() for v in vs}
    assert (done.articles, done.versions) == (6, 8) and done.files == [str(tmp_path / "out.warc.gz")]
    with Archive(tmp_path / "second") as second:
        summary = second.ingest([tmp_path / "out.warc.gz"])
        assert (summary.new, summary.updated, summary.failed) == (6, 2, 0)
        assert summary.skipped_by_reason == {"metadata record": 8, "warcinfo record": 1}
        after = _versions(second)
        assert after == before  # the same articles, ids, versions, bodies and metadata
        for sha, data in originals.items():
            assert second.workspace.originals.get(sha) == data


def test_loose_files_come_back_as_the_same_articles(tmp_path: Path) -> None:
    with Archive(tmp_path / "first") as first:
        first.ingest([RAW])
        first.export_warc(str(tmp_path / "raw.warc.gz"))
        before = _versions(first)
    with Archive(tmp_path / "second") as second:
        assert second.ingest([tmp_path / "raw.warc.gz"]).failed == 0
        after = _versions(second)
    assert sorted(after) == sorted(before)
    for article_id, versions in before.items():
        for old, new in zip(versions, after[article_id], strict=True):
            assert old["captured_at"] is None and new["captured_at"]  # a loose file's is when it was stored
            assert {k: v for k, v in old.items() if k != "captured_at"} == {
                k: v for k, v in new.items() if k != "captured_at"} | {"provenance": {
                    k: v for k, v in new["provenance"].items() if k != "captured_at"}}


def test_the_export_keeps_the_headers_and_describes_each_capture(tmp_path: Path) -> None:
    crawl = _crawl(tmp_path / "crawl.warc.gz")
    crawl.close()
    with Archive(tmp_path / "home") as archive:
        archive.ingest([crawl.path, RAW / "belarus-resisting-russian-missile-deployment.txt"])
        archive.export_warc(str(tmp_path / "out.warc.gz"))
        records = _records(tmp_path / "out.warc.gz")
    crawled = {w.url for w in crawl.written[2:13:2]}
    assert records[0][0] == "warcinfo"
    assert b"software: article-archive/" in records[0][3] and b"WARC File Format 1.1" in records[0][3]
    assert [r[0] for r in records[2::2]] == ["metadata"] * 7
    assert sorted(r[0] for r in records[1::2]) == ["resource"] + ["response"] * 6
    assert all(r[1].protocol == "WARC/1.1" for r in records)
    pairs = list(zip(records[1::2], records[2::2], strict=True))
    for original, described in pairs:
        about = json.loads(described[3])
        assert described[1].get_header("Content-Type") == "application/json"
        assert described[1].get_header("WARC-Refers-To") == original[1].get_header("WARC-Record-ID")
        assert described[1].get_header("WARC-Concurrent-To") == original[1].get_header("WARC-Record-ID")
        assert about["record"]["sha256"] and about["version"] == 1 and about["current"] is True
        assert set(about["record"]) >= {"title", "body", "provenance", "captured_at", "source_path"}
        if original[0] == "resource":
            assert original[1].get_header("WARC-Target-URI").startswith("file:///")
            assert original[1].get_header("Content-Type") == "text/plain"
            continue
        http = original[2]
        assert http.get_statuscode() == "200" and http.get_header("Server") == "tests"
        assert http.get_header("Transfer-Encoding") is None and http.get_header("Content-Encoding") is None
        assert http.get_header("Content-Length") == str(len(original[3]))
        assert original[1].get_header("WARC-Date") == "2021-05-03T10:00:00Z"
        assert original[1].get_header("WARC-Target-URI") in crawled
        assert original[1].get_header("WARC-IP-Address") == "192.0.2.7"
        assert about["captured_from"]["record_id"] in {w.record_id for w in crawl.written}
    encoded = [p for p in pairs if p[0][2] is not None and p[0][2].get_header("X-Archive-Orig-Content-Encoding")]
    assert {p[0][2].get_header("X-Archive-Orig-Content-Encoding") for p in encoded} == {"gzip", "deflate", "br"}
    chunked = [p for p in pairs if p[0][2] is not None and p[0][2].get_header("X-Archive-Orig-Transfer-Encoding")]
    assert len(chunked) == 2
    # One gzip member per record.
    data = (tmp_path / "out.warc.gz").read_bytes()
    members = 0
    while data:
        inflater = zlib.decompressobj(31)
        inflater.decompress(data)
        data = inflater.unused_data
        members += 1
    assert members == len(records)


def test_warcio_check_and_cdxj_indexer_accept_the_export(tmp_path: Path) -> None:
    folder = _crawl_with_versions(tmp_path / "in")
    with Archive(tmp_path / "home") as archive:
        archive.ingest([folder, RAW / "belarus-resisting-russian-missile-deployment.html"])
        archive.export_warc(str(tmp_path / "out.warc.gz"))
        archive.export_warc(str(tmp_path / "out.warc"))  # uncompressed, by its name
    for name in ("out.warc.gz", "out.warc"):
        checked = _tool("from warcio.cli import main; main()", "check", "-v", str(tmp_path / name))
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.count("digest pass") == 1 + 2 * 9, checked.stdout
    same = [[(r[1].get_header("WARC-Record-ID"), r[3]) for r in _records(tmp_path / name)[1:]]
            for name in ("out.warc.gz", "out.warc")]
    assert same[0] == same[1] and len(same[0]) == 18  # the same records, compressed or not
    indexed = _tool("from cdxj_indexer.main import main; main()", str(tmp_path / "out.warc.gz"))
    assert indexed.returncode == 0, indexed.stderr
    lines = [line for line in indexed.stdout.splitlines() if line.strip()]
    entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
    with open(tmp_path / "out.warc.gz", "rb") as fh:
        walker = ArchiveIterator(fh)
        offsets = {str(walker.get_record_offset()): r.rec_type for r in walker if r.rec_type != "warcinfo"}
    assert {e["offset"] for e in entries} == set(offsets)
    assert sum(1 for e in entries if e.get("mime") == "text/html" and e.get("status") == "200") == 8
    assert sum(1 for e in entries if e.get("mime") == "application/json") == 9


def test_max_size_rolls_over_to_numbered_files_that_hold_whole_pairs(run, tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(30):
        (pages / f"report-{n:02d}.html").write_text(page(n, seed=n * 7), "utf-8")
    run("ingest", str(pages))
    result = run("export", "--format", "warc", "-o", str(tmp_path / "all.warc.gz"), "--max-size", "12K")
    files = sorted(tmp_path.glob("all-*.warc.gz"))
    assert len(files) >= 3 and files[0].name == "all-00000.warc.gz"
    assert f"exported 30 versions of 30 articles to {files[0]}" in result.stderr
    seen = 0
    for path in files:
        records = _records(path)
        assert records[0][0] == "warcinfo" and f"WARC-Filename: {path.name}" in records[0][1].to_str()
        assert [r[0] for r in records[1:]] == ["resource", "metadata"] * ((len(records) - 1) // 2)
        seen += (len(records) - 1) // 2
        assert path.stat().st_size < 12 * 1024 + 4096  # rolled once past the size: one pair over at most
    assert seen == 30
    assert not list(tmp_path.glob(".export-*")) and not (tmp_path / "all.warc.gz").exists()
    with Archive(tmp_path / "again") as archive:
        assert archive.ingest(files).new == 30


def test_export_a_query_to_stdout(run, tmp_path: Path) -> None:
    run("ingest", str(RAW))
    result = run("export", "--format", "warc", "missile")
    records = list(ArchiveIterator(io.BytesIO(result.stdout_bytes)))
    assert [r.rec_type for r in records] == ["warcinfo"] + ["resource", "metadata"] * 2
    assert "exported 2 versions of 2 articles" in result.stderr
    empty = run("export", "--format", "warc", "nosuchwordanywhere").stdout_bytes
    assert [r.rec_type for r in ArchiveIterator(io.BytesIO(empty))] == ["warcinfo"]
    assert "--max-size needs --format warc and -o FILE" in run("export", "--max-size", "1M", expect=2).stderr
    assert "not a size" in run("export", "--format", "warc", "-o", "x.warc.gz", "--max-size", "lots",
                               expect=2).stderr
