"""Rows about captured bytes: the originals table, and which file gave which capture."""

from __future__ import annotations

import sqlite3

from archive.contract.captures import Envelope

from .database import Database


class Captures(Database):
    """Original rows and source paths."""

    def source(self, path: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM sources WHERE path = ?", (path,)).fetchone()

    def note_source(self, path: str, sha256: str, article_id: str, seen_at: str,
                    envelope: Envelope | None = None) -> None:
        """Which article a source gave (with the headers it came with, from a WARC)."""
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO sources(path, sha256, article_id, seen_at)"
                " VALUES (?, ?, ?, ?)",
                (path, sha256, article_id, seen_at),
            )
            if envelope is not None:
                self._keep_headers(path, sha256, envelope)

    def original_registered(self, sha256: str) -> bool:
        return self.db.execute("SELECT 1 FROM originals WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def original_in_use(self, sha256: str) -> bool:
        """Whether any record or version names the original."""
        return self.db.execute(
            "SELECT 1 FROM versions WHERE sha256 = ? UNION ALL SELECT 1 FROM articles WHERE sha256 = ? LIMIT 1",
            (sha256, sha256),
        ).fetchone() is not None

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
