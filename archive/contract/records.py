"""The normalized article record: the contract between the cleaner, the store and the index."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .settings import CLEANER_VERSION


@dataclass(frozen=True, slots=True)
class Record:
    """One article as the archive understands it.

    Immutable: a new extraction or a new capture makes a new Record, never an edit.
    """

    id: str
    url: str | None
    site: str | None
    title: str
    authors: tuple[str, ...]
    published: str | None
    language: str | None
    tags: tuple[str, ...]
    description: str | None
    body: str
    word_count: int
    sha256: str
    source_path: str
    ingested_at: str
    cleaner_version: str = CLEANER_VERSION
    provenance: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    updated: str | None = None
    """When the page says it was last changed, if later than ``published`` (last, so CSV
    columns keep their places)."""
    captured_at: str | None = None
    """When the page was fetched (ISO 8601), as its source says (a WARC record's
    ``WARC-Date``; provenance ``captured_at`` names the source), None when unknown.
    Never read as the publication date.  After ``updated``, so CSV columns keep their places."""

    @property
    def year(self) -> int | None:
        return int(self.published[:4]) if self.published else None

    def to_dict(self) -> dict[str, Any]:
        # Built field by field: dataclasses.asdict deep-copies every value, which cost more
        # than the SQLite insert it feeds.
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        data["authors"] = list(self.authors)
        data["tags"] = list(self.tags)
        data["provenance"] = dict(self.provenance)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["authors"] = tuple(values.get("authors") or ())
        values["tags"] = tuple(values.get("tags") or ())
        values["provenance"] = dict(values.get("provenance") or {})
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> Record:
        return cls.from_dict(json.loads(text))

    def with_changes(self, **changes: Any) -> Record:
        return replace(self, **changes)


_FIELD_NAMES = tuple(f.name for f in fields(Record))


def article_id(identity: str) -> str:
    """A stable id from an article's identity (its folded canonical URL, or its source path).

    16 hex digits of SHA-256: short enough to type, with collisions out of reach at
    millions of articles.
    """
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]


def count_words(text: str) -> int:
    return len(text.split())
