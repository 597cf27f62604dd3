"""The SQLite database of an archive home: its tables, migrations and connection.

A record and its "index me" row are written in one transaction, so the index can always be
brought up to date from the store, whatever was interrupted.  WAL mode lets searches read
while an ingest writes.  The tables' rows are read and written by the mixins beside this
module (articles, versions, queue, held, captures, headers, copies, watches); ``store.RecordStore``
joins them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from archive.contract.captures import Envelope
from archive.contract.errors import DiskFullError, StoreError, disk_full
from archive.contract.records import Record
from archive.contract.settings import current

SCHEMA_VERSION = 4
"""Kept in SQLite's ``user_version``: a writer brings an older store up to it, once."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS originals (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    stored_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,
    url TEXT,
    site TEXT,
    title TEXT NOT NULL,
    authors TEXT NOT NULL,          -- JSON list
    published TEXT,                 -- ISO 8601 or NULL
    language TEXT,
    tags TEXT NOT NULL,             -- JSON list
    description TEXT,
    body TEXT NOT NULL,
    word_count INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES originals(sha256),
    source_path TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    cleaner_version TEXT NOT NULL,
    provenance TEXT NOT NULL,       -- JSON object: field -> where its value came from
    version INTEGER NOT NULL,
    -- ISO 8601 or NULL: updated, when the page last changed (after published); captured_at,
    -- when it was fetched (a WARC record's WARC-Date)
    updated TEXT,
    captured_at TEXT
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_site ON articles(site);
CREATE INDEX IF NOT EXISTS articles_sha ON articles(sha256);
CREATE TABLE IF NOT EXISTS versions (
    article_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    record TEXT NOT NULL,           -- the whole Record as JSON
    PRIMARY KEY (article_id, version)
);
CREATE INDEX IF NOT EXISTS versions_sha ON versions(sha256);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    article_id TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS warc_headers (
    source TEXT PRIMARY KEY,        -- as in sources.path: /abs/crawl.warc.gz#offset
    sha256 TEXT NOT NULL,           -- the payload, as kept in originals
    record_type TEXT NOT NULL,      -- response | resource
    target_uri TEXT,
    warc_date TEXT,
    record_id TEXT,
    payload_digest TEXT,
    warc_headers TEXT NOT NULL,     -- the WARC header block as it was read
    http_headers TEXT               -- the HTTP status line and headers, NULL for a resource
);
CREATE INDEX IF NOT EXISTS warc_headers_sha ON warc_headers(sha256);
CREATE INDEX IF NOT EXISTS warc_headers_digest ON warc_headers(payload_digest);
CREATE INDEX IF NOT EXISTS warc_headers_record ON warc_headers(record_id);
CREATE TABLE IF NOT EXISTS held (
    article_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    cleaner_version TEXT NOT NULL,
    reason TEXT NOT NULL,
    record TEXT,                    -- the held-back extraction as JSON, NULL when it failed
    held_at TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);
CREATE TABLE IF NOT EXISTS index_queue (
    article_id TEXT PRIMARY KEY,
    op TEXT NOT NULL CHECK (op IN ('index', 'delete')),
    queued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
"""

# Version 4: copies of one story (archive/storage/copies.py) and saved searches
# (archive/storage/watches.py), and the ingest sequence (articles.seq, migrated below).
# Version 3 (captured_at, warc_headers) is in _SCHEMA and _migrate.
_SCHEMA_4 = """
CREATE TABLE IF NOT EXISTS copy_signatures (
    sig INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL,           -- the body's words hashed: equal digests are exact copies
    shingles INTEGER NOT NULL,      -- distinct 5-word shingles of the body
    minhash BLOB NOT NULL           -- 128 little-endian uint32
);
CREATE TABLE IF NOT EXISTS copy_buckets (
    key INTEGER NOT NULL,           -- an LSH band key of a signature
    sig INTEGER NOT NULL,
    PRIMARY KEY (key, sig)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS copy_clusters (
    article_id TEXT PRIMARY KEY,
    cluster TEXT NOT NULL,          -- the story: the id of the article it was first found in
    via TEXT,                       -- the member this one was confirmed a copy of (NULL: the first)
    similarity REAL,                -- its likeness to via
    kind TEXT                       -- exact | near | contained (NULL: the first)
);
CREATE INDEX IF NOT EXISTS copy_clusters_cluster ON copy_clusters(cluster);
CREATE TABLE IF NOT EXISTS watches (
    name TEXT PRIMARY KEY,
    request TEXT NOT NULL,          -- JSON: query, filters, since, until
    since_seq INTEGER NOT NULL,     -- the ingest sequence its last run reported up to
    created_at TEXT NOT NULL,
    last_run_at TEXT
);
"""
SEQ_KEY = "ingest_seq"
"""The last ingest sequence number given out (``meta``); it only ever grows."""

COLUMNS = (
    "id", "url", "site", "title", "authors", "published", "language", "tags", "description",
    "body", "word_count", "sha256", "source_path", "ingested_at", "cleaner_version", "provenance",
    "updated", "captured_at",
)


ENVELOPE_FIELDS = ("record_type", "warc_headers", "http_headers", "target_uri", "warc_date", "record_id",
                   "payload_digest")


def row_to_record(row: sqlite3.Row) -> Record:
    data = {k: row[k] for k in COLUMNS}
    data["authors"] = json.loads(data["authors"])
    data["tags"] = json.loads(data["tags"])
    data["provenance"] = json.loads(data["provenance"])
    return Record.from_dict(data)



def unusable(path: Path, exc: sqlite3.Error | Exception) -> StoreError:
    """The one-line error for a record store SQLite could not read or write."""
    if disk_full(exc):
        return DiskFullError(f"{path}: the disk is full ({exc}); free some space and run the same command again")
    if "locked" in str(exc) or "busy" in str(exc):
        return StoreError(f"{path}: the record store is busy ({exc}); try again")
    return StoreError(f"{path}: the record store is damaged ({exc}); 'archive check' says what is affected")


_IN_BATCH = 500


class Database:
    """One connection to an archive's record store. One per thread; never shared."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        """A connection for writing (which brings the schema up to date first), or a
        read-only one: a WAL reader, which never waits on a writer."""
        self.path = path
        self._depth = 0
        try:
            if readonly:
                uri = f"file:{path}?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, timeout=30)
            else:
                self.db = sqlite3.connect(path, timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the record store: {exc}") from exc
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA busy_timeout=30000")
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                # FULL: a commit is on the disk when it returns, so a file reported stored
                # survives a power cut too (NORMAL keeps the store whole but may lose the
                # last commits); see docs/lifecycle.md for what it costs.
                self.db.execute(f"PRAGMA synchronous={'FULL' if current().durable_commits else 'NORMAL'}")
                if self.schema_version() < SCHEMA_VERSION:
                    self._upgrade()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a usable archive database: {exc}") from exc

    @classmethod
    def for_reading(cls, path: Path) -> Self:
        """A read-only connection to an existing, up-to-date store: a missing store is
        created and an older one migrated first, by a writing connection, once."""
        if not path.exists():
            cls(path).close()
        store = cls(path, readonly=True)
        try:
            stale = store.schema_version() < SCHEMA_VERSION
        except sqlite3.DatabaseError as exc:
            store.close()
            raise StoreError(f"{path}: not a usable archive database: {exc}") from exc
        if stale:
            store.close()
            cls(path).close()
            store = cls(path, readonly=True)
        return store

    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _upgrade(self) -> None:
        self.db.executescript(_SCHEMA)
        self._migrate()
        self.db.executescript(_SCHEMA_4)
        # One transaction from here: a writer killed half-way leaves the old version number,
        # and the next one runs the migration again from the start.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._migrate_to_4()
            self.db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    def _migrate(self) -> None:
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(versions)")}
        if "reextracted_at" not in columns:
            self.db.execute("ALTER TABLE versions ADD COLUMN reextracted_at TEXT")
        articles = {r[1] for r in self.db.execute("PRAGMA table_info(articles)")}
        if "updated" not in articles:
            self.db.execute("ALTER TABLE articles ADD COLUMN updated TEXT")
        if "captured_at" not in articles:
            self.db.execute("ALTER TABLE articles ADD COLUMN captured_at TEXT")

    def _migrate_to_4(self) -> None:
        """The ingest sequence: articles stored before it get their row order (the order they
        were last stored in), and the counter starts after them."""
        if "seq" not in {r[1] for r in self.db.execute("PRAGMA table_info(articles)")}:
            self.db.execute("ALTER TABLE articles ADD COLUMN seq INTEGER")
            self.db.execute("UPDATE articles SET seq = rowid")
        self.db.execute("CREATE UNIQUE INDEX IF NOT EXISTS articles_seq ON articles(seq)")
        top = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
        self.db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (SEQ_KEY, str(top)))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        self.close()
        if isinstance(exc, sqlite3.Error):
            raise unusable(self.path, exc) from exc

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction around the block, however many ``atomic`` blocks it holds: the
        outermost commits (or rolls everything back)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with self.db:
                yield
        finally:
            self._depth = 0

    def next_seq(self) -> int:
        """The next ingest sequence number, inside the caller's transaction."""
        # Past the counter and past every number in use: a salvaged store may have lost its counter.
        top = self.db.execute(
            "SELECT MAX(COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?), 0),"
            " COALESCE((SELECT MAX(seq) FROM articles), 0)) + 1", (SEQ_KEY,)
        ).fetchone()[0]
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (SEQ_KEY, str(top)))
        return int(top)

    def last_seq(self) -> int:
        """The last ingest sequence number given out (0 in an empty archive)."""
        value = self.get_meta(SEQ_KEY)
        return int(value) if value else 0

    def rows_in(self, query: str, ids: Iterable[str], *args: object) -> Iterator[sqlite3.Row]:
        """The rows of ``query`` for any number of ids: its ``{marks}`` stands for the
        placeholders of one batch (SQLite caps the variables of a statement), ``args`` follow."""
        ids = list(ids)
        for start in range(0, len(ids), _IN_BATCH):
            chunk = ids[start : start + _IN_BATCH]
            yield from self.db.execute(query.format(marks=",".join("?" * len(chunk))), (*chunk, *args))

    def count(self, table: str) -> int:
        if table not in {"articles", "originals", "versions", "sources", "index_queue", "warc_headers",
                         "copy_signatures", "copy_clusters", "watches"}:
            raise ValueError(table)
        return int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self.db:
            if value is None:
                self.db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self.db.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value)
                )

    def _keep_headers(self, source: str, sha256: str, envelope: Envelope) -> None:
        """Keep a web-archive capture's headers inside the caller's transaction, so they
        are stored with its record or source row or not at all."""
        self.db.execute(
            f"INSERT OR REPLACE INTO warc_headers(source, sha256, {', '.join(ENVELOPE_FIELDS)}) "
            f"VALUES (?, ?, {', '.join('?' * len(ENVELOPE_FIELDS))})",
            (source, sha256, *(getattr(envelope, name) for name in ENVELOPE_FIELDS)),
        )

    def _queue(self, article_id: str, op: str) -> None:
        """Queue an index change inside the caller's transaction (every table module writes one)."""
        self.db.execute(
            "INSERT OR REPLACE INTO index_queue(article_id, op) VALUES (?, ?)", (article_id, op)
        )
