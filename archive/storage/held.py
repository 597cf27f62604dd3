"""The held table: re-extractions kept aside because they came out worse."""

from __future__ import annotations

import sqlite3

from .database import Database


class Held(Database):
    """Re-extractions held back, per article version."""

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
