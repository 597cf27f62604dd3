"""The watches table: saved searches and how far each has been reported.

A saved search is a name, the request it runs (query, filters, dates, as JSON) and a
high-water mark: the ingest sequence number (``articles.seq``) up to which its matches
have been reported.  Sequence numbers are given out in the transaction that stores a
record and never go back, so "ingested since the last run" does not depend on any date
a page claims.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from archive.contract.errors import NotFoundError, RequestError, literal

from .database import Database


@dataclass(frozen=True, slots=True)
class StoredWatch:
    name: str
    request: dict[str, Any]
    since_seq: int
    created_at: str
    last_run_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, **self.request, "since_seq": self.since_seq,
                "created_at": self.created_at, "last_run_at": self.last_run_at}


def _watch(row: sqlite3.Row) -> StoredWatch:
    return StoredWatch(row["name"], json.loads(row["request"]), row["since_seq"], row["created_at"],
                       row["last_run_at"])


class Watches(Database):
    """Saved searches and their marks."""

    def add_watch(self, name: str, request: dict[str, Any], since_seq: int, at: str) -> StoredWatch:
        with self.atomic():
            if self.db.execute("SELECT 1 FROM watches WHERE name = ?", (name,)).fetchone():
                raise RequestError("name", f"a saved search named {literal(repr(name))} exists already; "
                                   "remove it first ('archive watch rm')")
            self.db.execute(
                "INSERT INTO watches(name, request, since_seq, created_at) VALUES (?, ?, ?, ?)",
                (name, json.dumps(request, ensure_ascii=False, sort_keys=True), since_seq, at),
            )
        return StoredWatch(name, request, since_seq, at, None)

    def remove_watch(self, name: str) -> None:
        with self.atomic():
            if self.db.execute("DELETE FROM watches WHERE name = ?", (name,)).rowcount == 0:
                raise NotFoundError(f"no saved search named {name!r}")

    def watches(self) -> list[StoredWatch]:
        return [_watch(r) for r in self.db.execute("SELECT * FROM watches ORDER BY name")]

    def watch(self, name: str) -> StoredWatch:
        row = self.db.execute("SELECT * FROM watches WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFoundError(f"no saved search named {name!r}")
        return _watch(row)

    def mark_watch(self, name: str, before: int, after: int, at: str) -> bool:
        """Move a watch's mark from ``before`` to ``after``; False (and nothing changed) when
        another run moved it meanwhile or the watch is gone."""
        with self.atomic():
            cur = self.db.execute(
                "UPDATE watches SET since_seq = ?, last_run_at = ? WHERE name = ? AND since_seq = ?",
                (after, at, name, before),
            )
        return cur.rowcount == 1

    def set_mark(self, name: str, seq: int) -> None:
        with self.atomic():
            self.db.execute("UPDATE watches SET since_seq = ? WHERE name = ?", (seq, name))

    def ids_in_seq(self, after: int, upto: int, limit: int = 10**9) -> list[str]:
        """Articles whose ingest sequence number is in (after, upto], oldest first."""
        rows = self.db.execute(
            "SELECT id FROM articles WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?", (after, upto, limit)
        )
        return [r[0] for r in rows]

    def visible_seq(self) -> int:
        """The highest ingest sequence number up to which every article is in the index: the
        last one given out, or just below the first article still waiting for its index
        change (a watch must never move past an article a search cannot find yet)."""
        top = self.last_seq()
        row = self.db.execute(
            "SELECT MIN(a.seq) FROM index_queue q JOIN articles a ON a.id = q.article_id WHERE q.op = 'index'"
        ).fetchone()
        if row[0] is not None:
            top = min(top, int(row[0]) - 1)
        return top
