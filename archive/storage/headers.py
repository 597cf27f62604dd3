"""The warc_headers table: the WARC and HTTP headers each web-archive capture came with.

Kept per source (``/abs/crawl.warc.gz#offset``) beside the original's SHA-256, so an
export can write a capture back with the headers it was served with, a re-extraction can
give the cleaner the same hints (charset, address, capture time) as the first one, and a
revisit record can be resolved to the capture whose payload it repeats.
"""

from __future__ import annotations

import sqlite3

from archive.contract.captures import Envelope

from .database import ENVELOPE_FIELDS, Database


def _envelope(row: sqlite3.Row) -> Envelope:
    return Envelope(**{name: row[name] for name in ENVELOPE_FIELDS})


class WarcHeaders(Database):
    """Headers kept with the originals that came out of WARC files."""

    def keep_headers(self, source: str, sha256: str, envelope: Envelope) -> None:
        with self.db:
            self._keep_headers(source, sha256, envelope)

    def headers_for(self, source: str, sha256: str | None = None) -> Envelope | None:
        """The headers a source came with; with ``sha256``, only if it still gave those bytes,
        else those of any other source that gave them."""
        row = self.db.execute("SELECT * FROM warc_headers WHERE source = ?", (source,)).fetchone()
        if row is not None and (sha256 is None or row["sha256"] == sha256):
            return _envelope(row)
        if sha256 is None:
            return None
        row = self.db.execute(
            "SELECT * FROM warc_headers WHERE sha256 = ? ORDER BY source LIMIT 1", (sha256,)
        ).fetchone()
        return _envelope(row) if row is not None else None

    def sha_for_digest(self, payload_digest: str) -> str | None:
        """The original a WARC payload digest names, when a capture with it was kept."""
        row = self.db.execute(
            "SELECT sha256 FROM warc_headers WHERE payload_digest = ? LIMIT 1", (payload_digest,)
        ).fetchone()
        return row[0] if row else None

    def sha_for_record(self, record_id: str) -> str | None:
        """The original of the WARC record with this WARC-Record-ID, when it was kept."""
        row = self.db.execute(
            "SELECT sha256 FROM warc_headers WHERE record_id = ? LIMIT 1", (record_id,)
        ).fetchone()
        return row[0] if row else None

    def warc_sources(self, sha256: str) -> list[str]:
        """Every WARC record these bytes were read from: where a lost original may still be."""
        rows = self.db.execute("SELECT source FROM warc_headers WHERE sha256 = ? ORDER BY source", (sha256,))
        return [r[0] for r in rows]

    def headers_without_original(self) -> list[tuple[str, str]]:
        """(source, sha256) of kept headers whose original has no row: left by a bug or a
        hand edit, since forgetting an article drops its headers with it."""
        rows = self.db.execute(
            "SELECT source, sha256 FROM warc_headers WHERE sha256 NOT IN (SELECT sha256 FROM originals) "
            "ORDER BY source"
        )
        return [(r[0], r[1]) for r in rows]

    def drop_headers(self, shas: list[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM warc_headers WHERE sha256 = ?", [(s,) for s in shas])
