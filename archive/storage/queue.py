"""The index queue: changes stored but not yet applied to the search index."""

from __future__ import annotations

from .database import Database


class IndexQueue(Database):
    """Queued index changes, drained by the operations layer."""

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
        """The oldest queued changes, in the order they were queued (a row queued again is
        inserted anew, so its rowid is the newest): the index's documents then follow the
        order articles were stored in, whatever the clock said, on any machine."""
        rows = self.db.execute(
            "SELECT article_id, op FROM index_queue ORDER BY rowid LIMIT ?",
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
