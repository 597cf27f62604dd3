"""The user-facing errors of article-archive.

Every error a user can cause or meet derives from ``ArchiveError``; the CLI turns
any of them into a one-line message and a non-zero exit code, and lets nothing
else through as a traceback it did not expect::

    ArchiveError
     +-- InputError        a file that cannot become an article (names the file)
     +-- StoreError        the archive home is missing, unreadable or inconsistent
     |    +-- BusyError    another process holds the archive's write lock
     +-- QueryError        a search that cannot be parsed or would be too costly
     +-- NotFoundError     an article id that is not in the archive
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base of every error meant for the user's eyes."""


class InputError(ArchiveError):
    """A file that cannot be turned into an article."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StoreError(ArchiveError):
    """The archive home cannot be used as asked."""


class BusyError(StoreError):
    """Another process is writing to the same archive."""


class QueryError(ArchiveError):
    """A query that cannot be run; the message says why."""


class NotFoundError(ArchiveError):
    """No article has the given id."""
