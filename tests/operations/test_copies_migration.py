"""A home from before copies and saved searches were kept: migrated once, on first open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archive.contract.search import SearchRequest
from archive.operations.service import Archive
from archive.storage.database import SCHEMA_VERSION
from archive.storage.store import RecordStore
from tests.operations.test_copies import OTHER, STORY, ingest, syndicated, write

NEW_TABLES = ("copy_signatures", "copy_buckets", "copy_clusters", "watches")


def _as_before(db_path: Path, version: int) -> None:
    """Take out what the copies migration adds, as a store of schema ``version`` had it."""
    db = sqlite3.connect(db_path)
    for table in NEW_TABLES:
        db.execute(f"DROP TABLE {table}")
    db.execute("DROP INDEX articles_seq")
    db.execute("ALTER TABLE articles DROP COLUMN seq")
    db.execute("DELETE FROM meta WHERE key = 'ingest_seq'")
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()


@pytest.mark.parametrize("version", [2, 3])
def test_an_older_home_gets_its_sequence_and_tables_once_and_compares_on_rebuild(tmp_path: Path,
                                                                                 version: int) -> None:
    pages = tmp_path / "pages"
    paths = [write(pages, "a.html", syndicated(1, STORY, title="Bridge", site="A", url="https://a.example/1")),
             write(pages, "b.html", syndicated(2, STORY, title="Bridge", site="B", url="https://b.example/1")),
             write(pages, "c.html", syndicated(3, OTHER, title="Concert", site="A", url="https://a.example/2"))]
    with Archive(tmp_path / "home") as archive:
        ids = ingest(archive, *paths)
    db_path = tmp_path / "home" / "archive.db"
    _as_before(db_path, version)
    with RecordStore.for_reading(db_path) as store:  # a reader first: a writer migrates, once
        assert store.schema_version() == SCHEMA_VERSION
        assert store.ids_by_seq() == ids and store.last_seq() == 3  # stored order kept
        assert store.count_unsigned() == 3 and store.copy_counts() == {"stories": 0, "articles": 0}
    with Archive(tmp_path / "home") as archive:
        assert archive.watch_add("bridge", SearchRequest(query="bridge")).since_seq == 3
        report = archive.check()
        assert report.ok and report.copies["unsigned"] == 3
        rebuilt = archive.rebuild_copies()
        assert (rebuilt.stories, rebuilt.clustered, rebuilt.reindexed) == (1, 2, 1)
        word = STORY[0].split()[0]
        hits = archive.search(SearchRequest(query=word)).hits
        assert [h.copies for h in hits if h.id in ids[:2]] == [2]
        archive.ingest([write(pages, "d.html", syndicated(4, OTHER[:6], title="Concert", site="D",
                                                           url="https://d.example/9"))])
        with archive.workspace.reader() as store:
            assert store.last_seq() == 4 and store.story_of(store.ids_by_seq()[-1]) == ids[2]
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
