"""A damaged record store rebuilt from what can still be read.

SQLite keeps a page of the file per few rows; a bad byte makes the rows on that page
unreadable (text that no longer decodes, a page that no longer parses), not the rest.
Salvaging copies every row that still reads, table by table, into a fresh store, and
rebuilds an article whose row was lost from its newest version (each version holds the
whole record); then it swaps the fresh store in and keeps the damaged file beside it,
so nothing that was there is thrown away.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.contract import durable
from archive.contract.errors import StoreError
from archive.contract.records import Record

from .store import RecordStore

_SKIP = 1000  # rows stepped over when a page of the table cannot be read


@dataclass(slots=True)
class Salvage:
    copied: dict[str, int] = field(default_factory=dict)  # rows copied, per table
    lost: dict[str, int] = field(default_factory=dict)  # rows that could not be read, per table
    rebuilt: list[str] = field(default_factory=list)  # articles rebuilt from their newest version
    kept_as: Path | None = None  # where the damaged file was kept

    def describe(self) -> str:
        lost = ", ".join(f"{n} {t} rows" for t, n in self.lost.items() if n) or "no rows"
        return (f"salvaged the record store ({sum(self.copied.values())} rows copied, {lost} unreadable, "
                f"{len(self.rebuilt)} articles rebuilt from their versions; the damaged file is kept as "
                f"{self.kept_as})")


def damage(path: Path) -> list[str]:
    """What SQLite's own check finds wrong with the store (empty when it is whole)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = [row[0] for row in db.execute("PRAGMA quick_check(20)")]
            db.text_factory = bytes  # then every text cell must still decode (BLOB cells are bytes anyway)
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                name = table.decode()
                texts = [c for c in _columns(db, name) if not _is_blob(db, name, c)]
                if not texts:
                    continue
                for row in db.execute(f"SELECT {', '.join(texts)} FROM {name}"):
                    for cell in row:
                        if isinstance(cell, bytes):
                            cell.decode("utf-8")
        finally:
            db.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        return [f"{path}: the record store is damaged ({exc})"]
    return [] if found == ["ok"] else found


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [r[1].decode() if isinstance(r[1], bytes) else r[1] for r in db.execute(f"PRAGMA table_info({table})")]


def _is_blob(db: sqlite3.Connection, table: str, column: str) -> bool:
    """Whether a column is declared BLOB (its cells are bytes, not text to decode)."""
    for row in db.execute(f"PRAGMA table_info({table})"):
        name = row[1].decode() if isinstance(row[1], bytes) else row[1]
        kind = row[2].decode() if isinstance(row[2], bytes) else row[2]
        if name == column:
            return "BLOB" in (kind or "").upper()
    return False


DERIVED = ("copy_signatures", "copy_buckets", "copy_clusters")
"""Tables computed from the articles' bodies: not copied, but computed again afterwards
(``archive check --repair`` compares every salvaged article for copies)."""


def _rows(src: sqlite3.Connection, table: str, columns: list[str], report: Salvage):
    """Every readable row of ``table``, its text decoded; unreadable ones counted as lost."""
    blobs = {i for i, c in enumerate(columns) if _is_blob(src, table, c)}
    last = -1
    while True:
        try:
            batch = src.execute(f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE rowid > ? "
                                "ORDER BY rowid LIMIT 500", (last,)).fetchall()
        except sqlite3.DatabaseError:
            report.lost[table] = report.lost.get(table, 0) + _SKIP
            last += _SKIP
            if last > 10**12:
                return
            continue
        if not batch:
            return
        for rowid, *cells in batch:
            last = rowid
            try:
                yield [c.decode("utf-8") if isinstance(c, bytes) and i not in blobs else c
                       for i, c in enumerate(cells)]
            except UnicodeDecodeError:
                report.lost[table] = report.lost.get(table, 0) + 1


def salvage(path: Path) -> Salvage:
    """Rebuild the store at ``path`` from its readable rows (the caller holds the write lock)."""
    report = Salvage()
    fresh = path.with_name(path.name + ".salvage")
    for leftover in (fresh, fresh.with_name(fresh.name + "-wal"), fresh.with_name(fresh.name + "-shm")):
        leftover.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    src.text_factory = bytes
    try:
        src.execute("SELECT name FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as exc:
        src.close()
        raise StoreError(
            f"{path}: the record store is too damaged to salvage ({exc}); it is left as it was. The originals "
            f"are whole in {path.parent / 'originals'}: ingest their source files again into a new home"
        ) from exc
    dst = RecordStore(fresh)
    try:
        tables = [r[0] for r in dst.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table in DERIVED:
                continue
            columns = [r[1] for r in dst.db.execute(f"PRAGMA table_info({table})")]
            try:
                have = {r[1].decode() if isinstance(r[1], bytes) else r[1]
                        for r in src.execute(f"PRAGMA table_info({table})")}
            except sqlite3.DatabaseError:
                have = set()
            columns = [c for c in columns if c in have]
            if not columns:
                continue
            marks = ", ".join("?" * len(columns))
            with dst.db:
                for row in _rows(src, table, columns, report):
                    dst.db.execute(f"INSERT OR IGNORE INTO {table}({', '.join(columns)}) VALUES ({marks})", row)
                    report.copied[table] = report.copied.get(table, 0) + 1
        _rebuild_articles(dst, report)
        dst.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        src.close()
        dst.close()
    kept = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
    durable.disk.rename(path, kept)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    durable.disk.rename(fresh, path)
    durable.disk.sync_dir(path.parent)
    report.kept_as = kept
    return report


def _rebuild_articles(dst: RecordStore, report: Salvage) -> None:
    """Articles whose current row was lost, from their newest readable version."""
    orphans = [r[0] for r in dst.db.execute(
        "SELECT DISTINCT article_id FROM versions WHERE article_id NOT IN (SELECT id FROM articles)")]
    for article_id in orphans:
        row = dst.db.execute("SELECT version, record FROM versions WHERE article_id = ? ORDER BY version DESC "
                             "LIMIT 1", (article_id,)).fetchone()
        dst.restore_current(Record.from_json(row[1]), row[0])
        report.rebuilt.append(article_id)
