"""The user-facing errors of article-archive.

Every error a user can cause or meet derives from ``ArchiveError``; the CLI turns
any of them into a one-line message and a non-zero exit code, and lets nothing
else through as a traceback it did not expect::

    ArchiveError
     +-- InputError        a file that cannot become an article (names the file)
     +-- StoreError        the archive home is missing, unreadable or inconsistent
     |    +-- BusyError    another process holds the archive's write lock
     |    +-- DiskFullError the disk ran out of room while writing
     +-- QueryError        a search that cannot be parsed or would be too costly
     |    +-- RequestError a request field out of range (names the field)
     +-- NotFoundError     an article id that is not in the archive
     +-- ServeError        a server that cannot start as asked (a host without a token)
     +-- ClusterError      a Dask cluster that cannot be reached, or was lost mid-run
"""

from __future__ import annotations

import errno


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


class DiskFullError(StoreError):
    """The disk holding the archive is full: the writer stopped, and what it stored before
    stays whole; the same command resumes once there is room."""


_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` is the disk (or a quota) running out of room, however reported."""
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        return True
    text = str(exc).lower()
    return type(exc).__name__ == "OperationalError" and "disk is full" in text


class QueryError(ArchiveError):
    """A query that cannot be run; the message says why."""


class RequestError(QueryError):
    """A search request with a field out of range.

    The message names request fields as ``{field}`` placeholders, so each front end says
    them its own way: ``limit`` for the library and the JSON API, ``--limit`` on the
    command line (``render``).
    """

    def __init__(self, field: str, template: str) -> None:
        self.field = field
        self.template = template
        super().__init__(self.render({}))

    def render(self, names: dict[str, str]) -> str:
        """The message with each field spelled as ``names`` says (by default its own name)."""
        return self.template.format_map(_Names(names))


def literal(text: str) -> str:
    """Text put into a RequestError template as it is, braces and all."""
    return text.replace("{", "{{").replace("}", "}}")


class _Names(dict):
    def __missing__(self, key: str) -> str:
        return key


class NotFoundError(ArchiveError):
    """No article has the given id."""


class ServeError(ArchiveError):
    """A server that cannot start as asked: an open host without a token, a port in use."""


class ClusterError(ArchiveError):
    """A cluster that cannot be used: a bad address, a scheduler that cannot be reached or
    that went away during a run (what was reported stored stays; the same command resumes)."""
