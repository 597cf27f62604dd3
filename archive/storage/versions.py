"""The versions table: every record ever stored for an article, one per capture."""

from __future__ import annotations

import json
import sqlite3

from archive.contract.errors import NotFoundError
from archive.contract.records import Record

from .database import COLUMNS, Database


class Versions(Database):
    """The stored versions of an article, and re-extractions written over them."""

    def versions(self, article_id: str) -> list[Record]:
        rows = self.db.execute(
            "SELECT record FROM versions WHERE article_id = ? ORDER BY version", (article_id,)
        ).fetchall()
        return [Record.from_json(r["record"]) for r in rows]

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
        with self.atomic():
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
                    sets = ", ".join(f"{c} = ?" for c in COLUMNS if c != "id")
                    self.db.execute(
                        f"UPDATE articles SET {sets} WHERE id = ?",
                        [values[c] for c in COLUMNS if c != "id"] + [article_id],
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
