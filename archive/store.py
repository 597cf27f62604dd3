"""The record store: normalized records, their versions and the index queue, in SQLite.

A record and its "index me" row are written in one transaction, so the index can always be
brought up to date from the store, whatever was interrupted.  WAL mode lets searches read
while an ingest writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import NotFoundError, StoreError
from .records import Record

SCHEMA_VERSION = 1

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
    version INTEGER NOT NULL
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
CREATE TABLE IF NOT EXISTS index_queue (
    article_id TEXT PRIMARY KEY,
    op TEXT NOT NULL CHECK (op IN ('index', 'delete')),
    queued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
"""

_COLUMNS = (
    "id", "url", "site", "title", "authors", "published", "language", "tags", "description",
    "body", "word_count", "sha256", "source_path", "ingested_at", "cleaner_version", "provenance",
)


@dataclass(frozen=True, slots=True)
class SaveResult:
    status: str  # "new" or "updated"
    article_id: str
    version: int


def _row_to_record(row: sqlite3.Row) -> Record:
    data = {k: row[k] for k in _COLUMNS}
    data["authors"] = json.loads(data["authors"])
    data["tags"] = json.loads(data["tags"])
    data["provenance"] = json.loads(data["provenance"])
    return Record.from_dict(data)


class RecordStore:
    """The SQLite side of an archive home. One per process; not shared across threads."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
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
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.executescript(_SCHEMA)
                self.db.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                self.db.commit()
            self.db.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a usable archive database: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading

    def get(self, article_id: str) -> Record:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        return _row_to_record(row)

    def find(self, prefix: str) -> Record:
        """An article by its id or an unambiguous prefix of it (at least 6 characters)."""
        if len(prefix) >= 6 and len(prefix) < 16:
            rows = self.db.execute(
                "SELECT * FROM articles WHERE id LIKE ? LIMIT 2", (prefix.lower() + "%",)
            ).fetchall()
            if len(rows) > 1:
                raise NotFoundError(f"id prefix {prefix!r} matches more than one article")
            if rows:
                return _row_to_record(rows[0])
        return self.get(prefix.lower())

    def get_many(self, ids: list[str]) -> dict[str, Record]:
        out: dict[str, Record] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT * FROM articles WHERE id IN ({marks})", chunk):
                out[row["id"]] = _row_to_record(row)
        return out

    def iter_records(self, batch: int = 500) -> Iterator[Record]:
        last = ""
        while True:
            rows = self.db.execute(
                "SELECT * FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _row_to_record(row)
            last = rows[-1]["id"]

    def source(self, path: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM sources WHERE path = ?", (path,)).fetchone()

    def article_for_sha(self, sha256: str) -> str | None:
        row = self.db.execute(
            "SELECT id FROM articles WHERE sha256 = ? LIMIT 1", (sha256,)
        ).fetchone()
        return row["id"] if row else None

    def versions(self, article_id: str) -> list[Record]:
        rows = self.db.execute(
            "SELECT record FROM versions WHERE article_id = ? ORDER BY version", (article_id,)
        ).fetchall()
        return [Record.from_json(r["record"]) for r in rows]

    def count(self, table: str) -> int:
        if table not in {"articles", "originals", "versions", "sources", "index_queue"}:
            raise ValueError(table)
        return int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def all_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT id FROM articles")}

    def top(self, column: str, limit: int = 10) -> list[tuple[str, int]]:
        """The most frequent values of a column, for stats; list columns are counted per item."""
        if column == "site":
            rows = self.db.execute(
                "SELECT site, COUNT(*) AS n FROM articles WHERE site IS NOT NULL "
                "GROUP BY site ORDER BY n DESC, site LIMIT ?",
                (limit,),
            ).fetchall()
            return [(r[0], r[1]) for r in rows]
        if column in {"authors", "tags"}:
            rows = self.db.execute(
                f"SELECT j.value, COUNT(*) AS n FROM articles, json_each(articles.{column}) AS j "
                "GROUP BY j.value ORDER BY n DESC, j.value LIMIT ?",
                (limit,),
            ).fetchall()
            return [(r[0], r[1]) for r in rows]
        raise ValueError(column)

    # ------------------------------------------------------------------ writing

    def save(self, record: Record, identity: str, size: int) -> SaveResult:
        """Store a record as its article's newest version and queue it for indexing, atomically."""
        with self.db:
            row = self.db.execute(
                "SELECT id, version FROM articles WHERE id = ?", (record.id,)
            ).fetchone()
            version = (row["version"] + 1) if row else 1
            self.db.execute(
                "INSERT OR IGNORE INTO originals(sha256, size, stored_at) VALUES (?, ?, ?)",
                (record.sha256, size, record.ingested_at),
            )
            values = record.to_dict()
            values["authors"] = json.dumps(values["authors"], ensure_ascii=False)
            values["tags"] = json.dumps(values["tags"], ensure_ascii=False)
            values["provenance"] = json.dumps(values["provenance"], ensure_ascii=False)
            cols = list(_COLUMNS) + ["identity", "version"]
            params = [values[c] for c in _COLUMNS] + [identity, version]
            self.db.execute(
                f"INSERT OR REPLACE INTO articles({', '.join(cols)}) "
                f"VALUES ({', '.join('?' * len(cols))})",
                params,
            )
            self.db.execute(
                "INSERT INTO versions(article_id, version, sha256, ingested_at, record) "
                "VALUES (?, ?, ?, ?, ?)",
                (record.id, version, record.sha256, record.ingested_at, record.to_json()),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO sources(path, sha256, article_id, seen_at)"
                " VALUES (?, ?, ?, ?)",
                (record.source_path, record.sha256, record.id, record.ingested_at),
            )
            self._queue(record.id, "index")
        return SaveResult("updated" if row else "new", record.id, version)

    def note_source(self, path: str, sha256: str, article_id: str, seen_at: str) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO sources(path, sha256, article_id, seen_at)"
                " VALUES (?, ?, ?, ?)",
                (path, sha256, article_id, seen_at),
            )

    def _queue(self, article_id: str, op: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO index_queue(article_id, op) VALUES (?, ?)", (article_id, op)
        )

    def queue_all(self) -> int:
        with self.db:
            cur = self.db.execute(
                "INSERT OR REPLACE INTO index_queue(article_id, op)"
                " SELECT id, 'index' FROM articles"
            )
        return cur.rowcount

    def queue(self, article_ids: list[str], op: str = "index") -> None:
        with self.db:
            for article_id in article_ids:
                self._queue(article_id, op)

    def pending(self, limit: int = 1000) -> list[tuple[str, str]]:
        rows = self.db.execute(
            "SELECT article_id, op FROM index_queue ORDER BY queued_at, article_id LIMIT ?",
            (limit,),
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def done(self, items: list[tuple[str, str]]) -> None:
        """Drop queue rows once the index has committed them (only if not re-queued meanwhile)."""
        with self.db:
            self.db.executemany(
                "DELETE FROM index_queue WHERE article_id = ? AND op = ?", items
            )
