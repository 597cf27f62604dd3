"""The versions of an article, and what changed between two of them.

Every capture of an article with new bytes is stored as a new version; the newest is the
current record that search shows.  Re-extraction rewrites a version in place (it is the
same capture read again), so a diff shows what the page changed, not what the cleaner did.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from archive.contract.errors import NotFoundError
from archive.contract.records import Record
from archive.storage.store import RecordStore

METADATA_FIELDS = ("title", "authors", "published", "updated", "url", "site", "language", "tags",
                   "description")


@dataclass(frozen=True, slots=True)
class VersionInfo:
    version: int
    sha256: str
    ingested_at: str
    reextracted_at: str | None
    cleaner_version: str
    word_count: int
    title: str
    current: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version, "sha256": self.sha256, "ingested_at": self.ingested_at,
            "reextracted_at": self.reextracted_at, "cleaner_version": self.cleaner_version,
            "word_count": self.word_count, "title": self.title, "current": self.current,
        }


@dataclass(slots=True)
class VersionDiff:
    article_id: str
    old: VersionInfo
    new: VersionInfo
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    body_diff: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.changed and not self.body_diff

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.article_id,
            "from": self.old.to_dict(),
            "to": self.new.to_dict(),
            "changed": {k: {"from": a, "to": b} for k, (a, b) in self.changed.items()},
            "body_diff": self.body_diff,
        }


def _load(store: RecordStore, article_id: str) -> tuple[str, list[tuple[VersionInfo, Record]]]:
    full_id = store.find(article_id).id
    current = store.current_version(full_id)
    out = []
    for row in store.version_rows(full_id):
        record = Record.from_json(row["record"])
        info = VersionInfo(
            version=row["version"], sha256=row["sha256"], ingested_at=row["ingested_at"],
            reextracted_at=row["reextracted_at"], cleaner_version=record.cleaner_version,
            word_count=record.word_count, title=record.title, current=row["version"] == current,
        )
        out.append((info, record))
    return full_id, out


def list_versions(store: RecordStore, article_id: str) -> list[VersionInfo]:
    """Every version of an article (id or unambiguous prefix), oldest first."""
    return [info for info, _ in _load(store, article_id)[1]]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def diff_records(old: Record, new: Record) -> tuple[dict[str, tuple[Any, Any]], list[str]]:
    """Changed metadata fields, and a unified diff of the body paragraph by paragraph."""
    changed = {
        name: (_plain(getattr(old, name)), _plain(getattr(new, name)))
        for name in METADATA_FIELDS
        if getattr(old, name) != getattr(new, name)
    }
    body = list(difflib.unified_diff(
        old.body.split("\n\n"), new.body.split("\n\n"), "before", "after", lineterm="", n=1,
    ))
    return changed, body


def diff_versions(
    store: RecordStore, article_id: str, old: int | None = None, new: int | None = None
) -> VersionDiff:
    """What changed from version ``old`` to version ``new`` (default: the one before the
    current version, and the current one)."""
    full_id, versions = _load(store, article_id)
    by_number = {info.version: (info, record) for info, record in versions}
    current = next(info.version for info, _ in versions if info.current)
    new = current if new is None else new
    if old is None:
        earlier = [n for n in by_number if n < new]
        if not earlier:
            raise NotFoundError(f"article {full_id} has no version before version {new}; nothing to compare")
        old = max(earlier)
    for number in (old, new):
        if number not in by_number:
            known = ", ".join(str(n) for n in sorted(by_number))
            raise NotFoundError(f"article {full_id} has no version {number} (it has {known})")
    (old_info, old_record), (new_info, new_record) = by_number[old], by_number[new]
    changed, body = diff_records(old_record, new_record)
    return VersionDiff(full_id, old_info, new_info, changed, body)
