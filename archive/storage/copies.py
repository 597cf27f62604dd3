"""The copies tables: each article's body signature, its LSH buckets, and the clusters of
articles that are copies of one story.

``copy_signatures`` holds one row per article whose current body has been fingerprinted
(the digest of its words, its shingle count, its MinHash); ``copy_buckets`` maps each LSH
band key to the signatures that have it, so an article's candidates are a handful of
index lookups, never a scan.  ``copy_clusters`` has a row for every article that has at
least one copy: the story it belongs to (the id of the article the story was first found
in), the member it was confirmed a copy of, how alike they are and how (exact, near,
contained).  An article with no copies has no row: it is a story of its own.

Every write here runs inside the caller's transaction (``Database.atomic``): the
operations layer decides what changes (``archive.operations.copies``); this module only
reads and writes rows, and queues the index changes a new story label calls for.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .database import Database


@dataclass(frozen=True, slots=True)
class Member:
    article_id: str
    cluster: str
    via: str | None
    similarity: float | None
    kind: str | None


@dataclass(frozen=True, slots=True)
class StoredSignature:
    article_id: str
    digest: str
    shingles: int
    minhash: bytes


def _member(row: sqlite3.Row) -> Member:
    return Member(row["article_id"], row["cluster"], row["via"], row["similarity"], row["kind"])


class Copies(Database):
    """Signatures, LSH buckets and story clusters."""

    # ------------------------------------------------------------------ signatures

    def signature(self, article_id: str) -> StoredSignature | None:
        row = self.db.execute(
            "SELECT article_id, digest, shingles, minhash FROM copy_signatures WHERE article_id = ?", (article_id,)
        ).fetchone()
        return StoredSignature(row[0], row[1], row[2], bytes(row[3])) if row else None

    def put_signature(self, article_id: str, digest: str, shingles: int, minhash: bytes, keys: list[int]) -> None:
        """Store an article's signature and its bucket keys (its old one must be dropped first)."""
        cur = self.db.execute(
            "INSERT INTO copy_signatures(article_id, digest, shingles, minhash) VALUES (?, ?, ?, ?)",
            (article_id, digest, shingles, minhash),
        )
        sig = cur.lastrowid
        self.db.executemany("INSERT OR IGNORE INTO copy_buckets(key, sig) VALUES (?, ?)", [(k, sig) for k in keys])

    def drop_signature(self, article_id: str, keys: list[int]) -> None:
        """Remove an article's signature and the buckets of ``keys`` (its band keys)."""
        row = self.db.execute("SELECT sig FROM copy_signatures WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            return
        self.db.executemany("DELETE FROM copy_buckets WHERE key = ? AND sig = ?", [(k, row[0]) for k in keys])
        self.db.execute("DELETE FROM copy_signatures WHERE sig = ?", (row[0],))

    def candidate_signatures(self, keys: list[int]) -> list[StoredSignature]:
        """The signatures sharing a band key with ``keys``, those sharing most first."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT s.article_id, s.digest, s.shingles, s.minhash, COUNT(*) AS n FROM copy_buckets b "
            f"JOIN copy_signatures s ON s.sig = b.sig WHERE b.key IN ({marks}) "
            "GROUP BY s.sig ORDER BY n DESC, s.article_id",
            keys,
        ).fetchall()
        return [StoredSignature(r[0], r[1], r[2], bytes(r[3])) for r in rows]

    def with_digest(self, digest: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT article_id FROM copy_signatures WHERE digest = ?", (digest,))]

    def unsigned(self, limit: int = 10**9) -> list[str]:
        """Articles whose current body has no signature (a store from before copies were kept)."""
        rows = self.db.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM copy_signatures) ORDER BY seq LIMIT ?",
            (limit,),
        )
        return [r[0] for r in rows]

    def signature_digests(self) -> dict[str, str | None]:
        """Every signature's digest by article id; None where the article is gone."""
        return {r[0]: (r[1] if r[2] else None) for r in self.db.execute(
            "SELECT s.article_id, s.digest, a.id FROM copy_signatures s LEFT JOIN articles a ON a.id = s.article_id")}

    def orphan_members(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT article_id FROM copy_clusters WHERE article_id NOT IN (SELECT id FROM articles)")]

    def bodies_after(self, last: str, limit: int) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT id, body FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, limit))]

    def ids_by_seq(self) -> list[str]:
        """Every article id, in the order the articles were (last) stored."""
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY seq, id")]

    def count_unsigned(self) -> int:
        return int(self.db.execute(
            "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article_id FROM copy_signatures)"
        ).fetchone()[0])

    def bodies(self, article_ids: Iterable[str]) -> dict[str, str]:
        return {r[0]: r[1] for r in self.rows_in("SELECT id, body FROM articles WHERE id IN ({marks})", article_ids)}

    def clear_copies(self) -> None:
        """Forget every signature, bucket and cluster (inside the caller's transaction)."""
        for table in ("copy_buckets", "copy_signatures", "copy_clusters"):
            self.db.execute(f"DELETE FROM {table}")

    # ------------------------------------------------------------------ clusters

    def member(self, article_id: str) -> Member | None:
        row = self.db.execute("SELECT * FROM copy_clusters WHERE article_id = ?", (article_id,)).fetchone()
        return _member(row) if row else None

    def members(self, cluster: str) -> list[Member]:
        rows = self.db.execute(
            "SELECT c.* FROM copy_clusters c LEFT JOIN articles a ON a.id = c.article_id "
            "WHERE c.cluster = ? ORDER BY a.seq, c.article_id", (cluster,)
        )
        return [_member(r) for r in rows]

    def story_of(self, article_id: str) -> str:
        """The story an article belongs to: its cluster, else (no copies) its own id."""
        row = self.db.execute("SELECT cluster FROM copy_clusters WHERE article_id = ?", (article_id,)).fetchone()
        return row[0] if row else article_id

    def stories(self, article_ids: Iterable[str]) -> dict[str, str]:
        """The story of each of ``article_ids`` that is not a story of its own (the index key)."""
        return {r[0]: r[1] for r in self.rows_in(
            "SELECT article_id, cluster FROM copy_clusters WHERE article_id IN ({marks}) AND cluster != article_id",
            article_ids)}

    def all_stories(self) -> dict[str, str]:
        """Every article whose story is not its own id, with its story: what a rebuilt index needs."""
        return {r[0]: r[1] for r in self.db.execute(
            "SELECT article_id, cluster FROM copy_clusters WHERE cluster != article_id")}

    def set_member(self, member: Member) -> None:
        """Put an article in a story (inside the caller's transaction), queueing its index
        document when the story it is filed under changes."""
        before = self.story_of(member.article_id)
        self.db.execute(
            "INSERT OR REPLACE INTO copy_clusters(article_id, cluster, via, similarity, kind) VALUES (?, ?, ?, ?, ?)",
            (member.article_id, member.cluster, member.via, member.similarity, member.kind),
        )
        if before != member.cluster:
            self._requeue(member.article_id)

    def drop_member(self, article_id: str) -> None:
        """An article becomes a story of its own again (inside the caller's transaction)."""
        before = self.story_of(article_id)
        self.db.execute("DELETE FROM copy_clusters WHERE article_id = ?", (article_id,))
        if before != article_id:
            self._requeue(article_id)

    def _requeue(self, article_id: str) -> None:
        """Queue an article for the index, unless it is gone (a forgotten one is queued for
        deletion, which must stay)."""
        if self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            self._queue(article_id, "index")

    def cluster_sizes(self) -> Iterator[tuple[str, int]]:
        yield from ((r[0], r[1]) for r in self.db.execute(
            "SELECT cluster, COUNT(*) FROM copy_clusters GROUP BY cluster"))

    def copy_counts(self) -> dict[str, int]:
        """How many stories have copies, and how many articles they hold."""
        row = self.db.execute("SELECT COUNT(DISTINCT cluster), COUNT(*) FROM copy_clusters").fetchone()
        return {"stories": int(row[0]), "articles": int(row[1])}

    def seqs(self, article_ids: Iterable[str]) -> dict[str, int]:
        return {r[0]: r[1] for r in self.rows_in("SELECT id, seq FROM articles WHERE id IN ({marks})", article_ids)}
