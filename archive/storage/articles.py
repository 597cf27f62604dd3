"""The articles table: the current record of each article, found by id or prefix."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from archive.contract.captures import Envelope
from archive.contract.errors import NotFoundError
from archive.contract.records import Record

from .database import COLUMNS, Database, row_to_record

_ID_RE = re.compile(r"[0-9a-fA-F]{6,16}")


@dataclass(frozen=True, slots=True)
class SaveResult:
    status: str  # "new" or "updated"
    article_id: str
    version: int


class Articles(Database):
    """Reading and writing the current record of each article."""

    def get(self, article_id: str) -> Record:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id!r}")
        return row_to_record(row)

    def find(self, prefix: str) -> Record:
        """An article by its id or an unambiguous prefix of it (6 to 16 hex digits, taken
        literally: nothing in it is a pattern)."""
        if not _ID_RE.fullmatch(prefix):
            raise NotFoundError(f"not an article id: {prefix!r} (an id is 6 to 16 hexadecimal digits)")
        prefix = prefix.lower()
        if len(prefix) < 16:
            # ids are hex: every id the prefix starts sorts between it and the prefix + "g"
            rows = self.db.execute(
                "SELECT * FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 2", (prefix, prefix + "g")
            ).fetchall()
            if len(rows) > 1:
                raise NotFoundError(f"id prefix {prefix!r} matches more than one article")
            if rows:
                return row_to_record(rows[0])
        return self.get(prefix)

    def get_many(self, ids: list[str]) -> dict[str, Record]:
        return {row["id"]: row_to_record(row)
                for row in self.rows_in("SELECT * FROM articles WHERE id IN ({marks})", ids)}

    def iter_records(self, batch: int = 500) -> Iterator[Record]:
        last = ""
        while True:
            rows = self.db.execute(
                "SELECT * FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield row_to_record(row)
            last = rows[-1]["id"]

    def article_for_sha(self, sha256: str) -> str | None:
        row = self.db.execute(
            "SELECT id FROM articles WHERE sha256 = ? LIMIT 1", (sha256,)
        ).fetchone()
        return row["id"] if row else None

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

    def save(self, record: Record, identity: str, size: int, envelope: Envelope | None = None) -> SaveResult:
        """Store a record as its article's newest version (with the headers its capture
        came with, from a WARC) and queue it for indexing, atomically (within the caller's
        ``atomic`` block, if any), with the next ingest sequence number."""
        with self.atomic():
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
            cols = list(COLUMNS) + ["identity", "version", "seq"]
            params = [values[c] for c in COLUMNS] + [identity, version, self.next_seq()]
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
            if envelope is not None:
                self._keep_headers(record.source_path, record.sha256, envelope)
            self._queue(record.id, "index")
        return SaveResult("updated" if row else "new", record.id, version)

    def restore_current(self, record: Record, version: int) -> None:
        """Make ``record`` (version ``version``, kept in the versions table) the article's
        current row again, queued for the index: how a salvage brings back a lost row.
        The identity is a placeholder unique to the id; the next capture sets the real one."""
        values = record.to_dict()
        for key in ("authors", "tags", "provenance"):
            values[key] = json.dumps(values[key], ensure_ascii=False)
        cols = list(COLUMNS) + ["identity", "version", "seq"]
        with self.atomic():
            self.db.execute(
                f"INSERT OR REPLACE INTO articles({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [values[c] for c in COLUMNS] + [f"salvaged:{record.id}", version, self.next_seq()],
            )
            self._queue(record.id, "index")

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

    def cleaner_versions(self) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT cleaner_version, COUNT(*) FROM articles GROUP BY cleaner_version ORDER BY 1"
        )
        return {r[0]: r[1] for r in rows}

    def forget(self, article_id: str) -> list[str]:
        """Remove an article, its versions, sources, kept headers and held extractions, and queue its
        removal from the index, in one transaction.  Returns the SHA-256 of the originals
        it used that no other article still refers to."""
        with self.atomic():
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
            self.db.execute(
                "DELETE FROM warc_headers WHERE source IN (SELECT path FROM sources WHERE article_id = ?)",
                (article_id,),
            )
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
            self.db.executemany("DELETE FROM warc_headers WHERE sha256 = ?", [(sha,) for sha in orphans])
        return orphans
