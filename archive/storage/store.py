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

from archive.contract.errors import NotFoundError, StoreError
from archive.contract.records import Record

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
    version INTEGER NOT NULL,
    updated TEXT                    -- ISO 8601 or NULL: the page's last change, after published
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

_COLUMNS = (
    "id", "url", "site", "title", "authors", "published", "language", "tags", "description",
    "body", "word_count", "sha256", "source_path", "ingested_at", "cleaner_version", "provenance",
    "updated",
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
                self._migrate()
                self.db.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                self.db.commit()
            self.db.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a usable archive database: {exc}") from exc

    def _migrate(self) -> None:
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(versions)")}
        if "reextracted_at" not in columns:
            self.db.execute("ALTER TABLE versions ADD COLUMN reextracted_at TEXT")
        if "updated" not in {r[1] for r in self.db.execute("PRAGMA table_info(articles)")}:
            self.db.execute("ALTER TABLE articles ADD COLUMN updated TEXT")

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

    def gaps(self, cleaner_version: str) -> dict[str, int]:
        """How many records lack a date or an author, were extracted by another cleaner
        version, or have a re-extraction held back: what a user may want to look at."""
        row = self.db.execute(
            "SELECT COALESCE(SUM(published IS NULL), 0), COALESCE(SUM(authors = '[]'), 0),"
            " COALESCE(SUM(cleaner_version != ?), 0) FROM articles",
            (cleaner_version,),
        ).fetchone()
        held = self.db.execute(
            "SELECT COUNT(DISTINCT held.article_id) FROM held JOIN articles ON articles.id = held.article_id"
        ).fetchone()[0]
        return {"undated": int(row[0]), "no_author": int(row[1]), "stale": int(row[2]), "held": int(held)}

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

    def done(self, items: list[tuple[str, str]], indexed: dict[str, str] | None = None) -> None:
        """Drop queue rows once the index has committed them (only if not re-queued meanwhile).

        ``indexed`` maps each article written to the index to the sha256 of the version
        written: a row whose article has been stored in another version since (by an
        ingest that goes on while the index is updated) stays queued for the next update.
        """
        if indexed is None:
            with self.db:
                self.db.executemany(
                    "DELETE FROM index_queue WHERE article_id = ? AND op = ?", items
                )
            return
        with self.db:
            self.db.executemany(
                "DELETE FROM index_queue WHERE article_id = ? AND op = ? AND (op != 'index'"
                " OR (SELECT sha256 FROM articles WHERE id = index_queue.article_id) IS ?)",
                [(article_id, op, indexed.get(article_id)) for article_id, op in items],
            )

    # ------------------------------------------------------------------ lifecycle

    def version_owner(self, sha256: str) -> tuple[str, int] | None:
        """The article and version a capture with these bytes was stored as, if any."""
        row = self.db.execute(
            "SELECT article_id, version FROM versions WHERE sha256 = ? ORDER BY version DESC LIMIT 1",
            (sha256,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def current_version(self, article_id: str) -> int:
        row = self.db.execute("SELECT version FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        return int(row[0])

    def version_rows(self, article_id: str) -> list[sqlite3.Row]:
        """Every stored version of an article, oldest first: version, sha256, ingested_at,
        reextracted_at and the record as JSON."""
        return self.db.execute(
            "SELECT version, sha256, ingested_at, reextracted_at, record FROM versions "
            "WHERE article_id = ? ORDER BY version",
            (article_id,),
        ).fetchall()

    @staticmethod
    def _selection(stale_for: str | None, skip_held: bool) -> tuple[str, tuple[str, ...]]:
        if stale_for is None:
            return "", ()
        if not skip_held:
            return " AND cleaner_version != ?", (stale_for,)
        return (
            " AND cleaner_version != ? AND id NOT IN (SELECT article_id FROM held WHERE cleaner_version = ?)",
            (stale_for, stale_for),
        )

    def ids_after(
        self, last: str, limit: int, *, stale_for: str | None = None, skip_held: bool = True
    ) -> list[str]:
        """Article ids in id order after ``last``.  With ``stale_for``, only articles extracted
        by another cleaner version (and, with ``skip_held``, not already held back by it)."""
        where, params = self._selection(stale_for, skip_held)
        rows = self.db.execute(
            f"SELECT id FROM articles WHERE id > ?{where} ORDER BY id LIMIT ?", (last, *params, limit)
        )
        return [r[0] for r in rows]

    def count_after(self, last: str, *, stale_for: str | None = None, skip_held: bool = True) -> int:
        where, params = self._selection(stale_for, skip_held)
        row = self.db.execute(f"SELECT COUNT(*) FROM articles WHERE id > ?{where}", (last, *params)).fetchone()
        return int(row[0])

    def cleaner_versions(self) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT cleaner_version, COUNT(*) FROM articles GROUP BY cleaner_version ORDER BY 1"
        )
        return {r[0]: r[1] for r in rows}

    def apply_extraction(
        self,
        article_id: str,
        versions: list[tuple[int, Record]],
        held: list[tuple[int, str, str, Record | None]],
        *,
        at: str,
        reindex: bool,
    ) -> None:
        """Replace re-extracted versions of one article (and its current record when its
        version is among them), note held-back ones, and queue the index, in one transaction.

        ``held`` items are (version, cleaner_version, reason, record or None).
        """
        with self.db:
            row = self.db.execute(
                "SELECT version FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no article with id {article_id!r}")
            current = row[0]
            for version, record in versions:
                self.db.execute(
                    "UPDATE versions SET record = ?, reextracted_at = ? "
                    "WHERE article_id = ? AND version = ?",
                    (record.to_json(), at, article_id, version),
                )
                self.db.execute(
                    "DELETE FROM held WHERE article_id = ? AND version = ?", (article_id, version)
                )
                if version == current:
                    values = record.to_dict()
                    for key in ("authors", "tags", "provenance"):
                        values[key] = json.dumps(values[key], ensure_ascii=False)
                    sets = ", ".join(f"{c} = ?" for c in _COLUMNS if c != "id")
                    self.db.execute(
                        f"UPDATE articles SET {sets} WHERE id = ?",
                        [values[c] for c in _COLUMNS if c != "id"] + [article_id],
                    )
            for version, cleaner, reason, record in held:
                self.db.execute(
                    "INSERT OR REPLACE INTO held(article_id, version, cleaner_version, reason, "
                    "record, held_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (article_id, version, cleaner, reason,
                     record.to_json() if record is not None else None, at),
                )
            if reindex:
                self._queue(article_id, "index")

    def is_held(self, article_id: str, cleaner_version: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM held WHERE article_id = ? AND cleaner_version = ? LIMIT 1",
            (article_id, cleaner_version),
        ).fetchone()
        return row is not None

    def held_rows(self) -> list[sqlite3.Row]:
        return self.db.execute(
            "SELECT article_id, version, cleaner_version, reason, held_at FROM held "
            "ORDER BY article_id, version"
        ).fetchall()

    def forget(self, article_id: str) -> list[str]:
        """Remove an article, its versions, sources and held extractions, and queue its
        removal from the index, in one transaction.  Returns the SHA-256 of the originals
        it used that no other article still refers to."""
        with self.db:
            if self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
                raise NotFoundError(f"no article with id {article_id!r}")
            shas = {
                r[0]
                for r in self.db.execute(
                    "SELECT sha256 FROM versions WHERE article_id = ? "
                    "UNION SELECT sha256 FROM articles WHERE id = ?",
                    (article_id, article_id),
                )
            }
            for table, column in (("articles", "id"), ("versions", "article_id"),
                                  ("sources", "article_id"), ("held", "article_id")):
                self.db.execute(f"DELETE FROM {table} WHERE {column} = ?", (article_id,))
            self._queue(article_id, "delete")
            orphans = [
                sha for sha in sorted(shas)
                if self.db.execute(
                    "SELECT 1 FROM versions WHERE sha256 = ? UNION ALL "
                    "SELECT 1 FROM articles WHERE sha256 = ? LIMIT 1",
                    (sha, sha),
                ).fetchone() is None
            ]
        return orphans

    def drop_originals(self, shas: list[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM originals WHERE sha256 = ?", [(s,) for s in shas])

    def original_rows(self, after: str = "", limit: int = 1000) -> list[tuple[str, int]]:
        rows = self.db.execute(
            "SELECT sha256, size FROM originals WHERE sha256 > ? ORDER BY sha256 LIMIT ?",
            (after, limit),
        )
        return [(r[0], r[1]) for r in rows]

    def unregistered_shas(self) -> list[tuple[str, str]]:
        """(article id, sha256) of records and versions whose original has no row."""
        rows = self.db.execute(
            "SELECT article_id, sha256 FROM versions WHERE sha256 NOT IN (SELECT sha256 FROM originals) "
            "UNION SELECT id, sha256 FROM articles WHERE sha256 NOT IN (SELECT sha256 FROM originals) "
            "ORDER BY 1"
        )
        return [(r[0], r[1]) for r in rows]

    def register_original(self, sha256: str, size: int, at: str) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO originals(sha256, size, stored_at) VALUES (?, ?, ?)", (sha256, size, at)
            )

    def paths_for_sha(self, sha256: str) -> list[str]:
        """Files this capture was ingested from, newest first: where a lost original may still be."""
        rows = self.db.execute("SELECT path FROM sources WHERE sha256 = ? ORDER BY seen_at DESC", (sha256,))
        return [r[0] for r in rows]

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
