"""The record store: normalized records, their versions and the index queue, in SQLite.

One class over one connection, joined from the table modules of this package.
"""

from __future__ import annotations

from .articles import Articles, SaveResult
from .captures import Captures
from .copies import Copies
from .database import SCHEMA_VERSION
from .held import Held
from .queue import IndexQueue
from .versions import Versions
from .watches import Watches


class RecordStore(Articles, Versions, IndexQueue, Held, Captures, Copies, Watches):
    """The SQLite side of an archive home. One per process; not shared across threads."""

    def __enter__(self) -> RecordStore:
        return self


__all__ = ["SCHEMA_VERSION", "RecordStore", "SaveResult"]
