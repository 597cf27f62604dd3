"""The headers kept with web-archive captures, and the store's move to schema 3."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from archive.contract.captures import Envelope
from archive.storage.database import SCHEMA_VERSION
from archive.storage.store import RecordStore
from tests.corpus import make_record

ENVELOPE = Envelope(
    record_type="response",
    warc_headers="WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/a\r\n",
    http_headers="HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n",
    target_uri="https://example.org/a", warc_date="2021-05-03T10:00:00Z",
    record_id="<urn:uuid:1>", payload_digest="sha1:AAAA",
)


def test_a_store_of_schema_2_opens_and_migrates_once(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with RecordStore(path) as store:
        saved = store.save(make_record(), "url:example.org/a", 10)
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE articles DROP COLUMN captured_at")  # as schema 2 wrote it
    db.execute("DROP TABLE warc_headers")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with RecordStore.for_reading(path) as store:  # a reader first: it has a writer migrate
        assert store.schema_version() == SCHEMA_VERSION == 4
        assert store.get(saved.article_id) == make_record()
        assert store.get(saved.article_id).captured_at is None
    with RecordStore(path) as store:
        store.save(make_record(body="New text.", sha="b" * 64, captured_at="2021-05-03T10:00:00+00:00",
                               source_path="/w/crawl.warc.gz#99"), "url:example.org/a", 9, ENVELOPE)
        assert store.get(saved.article_id).captured_at == "2021-05-03T10:00:00+00:00"
        assert store.headers_for("/w/crawl.warc.gz#99") == ENVELOPE
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(articles)")]
    assert columns[-1] == "captured_at" and columns.count("captured_at") == 1


def test_headers_are_kept_with_the_record_and_found_by_digest_and_record_id(tmp_path: Path) -> None:
    with RecordStore(tmp_path / "a.db") as store:
        record = make_record(source_path="/w/crawl.warc.gz#10")
        store.save(record, "url:example.org/a", 10, ENVELOPE)
        assert store.headers_for("/w/crawl.warc.gz#10", record.sha256) == ENVELOPE
        assert store.headers_for("/w/crawl.warc.gz#10", "f" * 64) is None  # it gave other bytes
        assert store.headers_for("/elsewhere#5", record.sha256) == ENVELOPE  # the same bytes, another source
        assert store.sha_for_digest("sha1:AAAA") == record.sha256
        assert store.sha_for_record("<urn:uuid:1>") == record.sha256
        assert store.sha_for_digest("sha1:BBBB") is None
        assert store.warc_sources(record.sha256) == ["/w/crawl.warc.gz#10"]
        store.note_source("/w/crawl.warc.gz#77", record.sha256, record.id, "2024-01-02T00:00:00+00:00",
                          Envelope("response", "WARC/1.1\r\n", payload_digest="sha1:CCCC"))
        assert store.sha_for_digest("sha1:CCCC") == record.sha256
        assert store.headers_without_original() == []
        store.forget(record.id)
        assert store.count("warc_headers") == 0  # an article forgotten takes its headers along
