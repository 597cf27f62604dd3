"""The record store: normalized records, their versions, the index queue, the headers
kept with web-archive captures, copies of one story and saved searches, in SQLite.

One class over one connection, joined from the table modules of this package.
"""

from __future__ import annotations

from .articles import Articles, SaveResult
from .captures import Captures
from .copies import Copies
from .database import SCHEMA_VERSION
from .headers import WarcHeaders
from .held import Held
from .queue import IndexQueue
from .versions import Versions
from .watches import Watches


class RecordStore(Articles, Versions, IndexQueue, Held, Captures, WarcHeaders, Copies, Watches):
    """The SQLite side of an archive home. One per process; not shared across threads."""

    def __enter__(self) -> RecordStore:
        return self


__all__ = ["SCHEMA_VERSION", "RecordStore", "SaveResult"]
