"""The record store and the originals: round trips, versions, the index queue."""

from __future__ import annotations

import gzip
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.contract.records import Record, article_id
from archive.storage.originals import OriginalStore
from archive.storage.store import RecordStore
from tests.corpus import make_record

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)

records = st.builds(
    Record,
    id=st.text("0123456789abcdef", min_size=16, max_size=16),
    url=st.none() | st.just("https://example.org/a"),
    site=st.none() | _text,
    title=_text,
    authors=st.lists(_text, max_size=3).map(tuple),
    published=st.none() | st.dates().map(lambda d: d.isoformat()),
    language=st.none() | st.sampled_from(["en", "ru", "ja"]),
    tags=st.lists(_text, max_size=3).map(tuple),
    description=st.none() | _text,
    body=_text,
    word_count=st.integers(0, 10**6),
    sha256=st.text("0123456789abcdef", min_size=64, max_size=64),
    source_path=_text,
    ingested_at=st.just("2024-01-01T00:00:00+00:00"),
    provenance=st.dictionaries(st.sampled_from(["title", "published"]), _text, max_size=2),
    updated=st.none() | st.dates().map(lambda d: d.isoformat()),
)


@given(records)
@settings(max_examples=60, deadline=None)
def test_record_json_round_trip(record: Record) -> None:
    assert Record.from_json(record.to_json()) == record


def test_a_store_from_before_the_updated_column_opens_and_keeps_its_records(tmp_path: Path) -> None:
    import sqlite3

    with RecordStore(tmp_path / "a.db") as store:
        saved = store.save(make_record(), "url:example.org/a", 10)
    db = sqlite3.connect(tmp_path / "a.db")
    db.execute("ALTER TABLE articles DROP COLUMN updated")  # as the store was written before
    db.execute("PRAGMA user_version = 0")  # which kept no schema version there
    db.commit()
    db.close()
    with RecordStore.for_reading(tmp_path / "a.db") as store:  # a reader first: it migrates once
        assert store.get(saved.article_id) == make_record()
    with RecordStore(tmp_path / "a.db") as store:
        assert store.get(saved.article_id) == make_record()
        store.save(make_record(body="Edited text.", sha="b" * 64, updated="2021-03-04"), "url:example.org/a", 12)
        assert store.get(saved.article_id).updated == "2021-03-04"


def test_save_get_and_versions(tmp_path: Path) -> None:
    with RecordStore(tmp_path / "a.db") as store:
        first = store.save(make_record(), "url:example.org/a", 10)
        assert (first.status, first.version) == ("new", 1)
        second = store.save(make_record(body="Edited text.", sha="b" * 64), "url:example.org/a", 12)
        assert (second.status, second.version) == ("updated", 2)
        assert store.get(first.article_id).body == "Edited text."
        assert [r.body for r in store.versions(first.article_id)] == ["Some text here.", "Edited text."]
        assert store.count("articles") == 1
        assert store.find(first.article_id[:8]).id == first.article_id
        # Both saves queued the article once for indexing.
        assert store.pending() == [(first.article_id, "index")]
        store.done(store.pending())
        assert store.pending() == []


def test_store_reopens_with_its_data(tmp_path: Path) -> None:
    with RecordStore(tmp_path / "a.db") as store:
        store.save(make_record(), "url:example.org/a", 10)
    with RecordStore(tmp_path / "a.db") as store:
        assert store.get(make_record().id).authors == ("Ann Smith",)
        assert store.top("authors") == [("Ann Smith", 1)]


def test_originals_are_content_addressed_and_compressed(tmp_path: Path) -> None:
    originals = OriginalStore(tmp_path / "originals")
    data = b"<html><body><p>bytes kept exactly \xff\xfe</p></body></html>"
    sha = originals.put(data)
    assert originals.put(data) == sha  # stored once
    assert originals.get(sha) == data
    assert gzip.decompress(originals.path_for(sha).read_bytes()) == data
    assert originals.verify(sha) is None
    originals.path_for(sha).write_bytes(gzip.compress(b"tampered"))
    assert "does not match" in (originals.verify(sha) or "")


def test_home_created_by_another_process_meanwhile_is_used(tmp_path: Path, monkeypatch) -> None:
    """Two commands started at once on a new home both see it appear; neither fails."""
    from archive.storage.home import Home

    target = tmp_path / "home"
    real_exists = Path.exists
    calls = {"n": 0}

    def racing_exists(self: Path, *args, **kwargs) -> bool:
        result = real_exists(self, *args, **kwargs)
        if self == target and not result:
            calls["n"] += 1
            if calls["n"] == 2:
                target.mkdir()  # the other process wins the race right after our last check
        return result

    monkeypatch.setattr(Path, "exists", racing_exists)
    home = Home.open(target)
    assert home.root == target and home.originals_dir.is_dir() and home.index_root.is_dir()


def test_an_article_stored_again_during_an_index_update_stays_queued(tmp_path: Path) -> None:
    # An ingest goes on storing pages while an index update runs beside it: the update read
    # version 1, version 2 arrived meanwhile, and version 2 must still reach the index.
    with RecordStore(tmp_path / "a.db") as store:
        first = make_record()
        store.save(first, "url:example.org/a", 10)
        taken = store.pending()
        store.save(make_record(body="Edited text.", sha="b" * 64), "url:example.org/a", 12)
        store.done(taken, {first.id: first.sha256})
        assert store.pending() == [(first.id, "index")]
        store.done(store.pending(), {first.id: "b" * 64})
        assert store.pending() == []


def test_the_index_queue_drains_in_the_order_changes_were_queued(tmp_path: Path) -> None:
    # Stored within one clock second, on any machine: the queue's order is the order of
    # storing (a change queued again goes to the back), never the ids' order.
    records = [make_record(body=f"Text {n}.", sha=letter * 64, url=f"https://example.org/{letter}",
                           id=article_id(f"url:example.org/{letter}"))
               for n, letter in enumerate("fcae")]
    records.sort(key=lambda r: r.id, reverse=True)  # stored against the ids' order
    ids = [r.id for r in records]
    with RecordStore(tmp_path / "a.db") as store:
        for record in records:
            store.save(record, f"url:{record.url.removeprefix('https://')}", 10)
        assert [article_id for article_id, _ in store.pending()] == ids
        store.queue([ids[-1]])
        store.queue([ids[0]])
        assert [article_id for article_id, _ in store.pending()] == ids[1:-1] + [ids[-1], ids[0]]
