"""An archive home opened once, handing out what every operation works with.

The record store (a read-only connection for reading, which never waits on a writer, or
one for writing), the originals, the search index and the write lock are all built here,
from the home, and nowhere else.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING

from archive.contract.errors import ArchiveError, DiskFullError, disk_full
from archive.contract.settings import current
from archive.storage.database import unusable
from archive.storage.home import Home
from archive.storage.lock import WriteLock
from archive.storage.originals import OriginalStore
from index.backend import WhooshBackend
from index.location import IndexLocation

if TYPE_CHECKING:  # a search opens neither the record store nor anything else it need not
    from archive.contract.backend import SearchBackend
    from archive.storage.store import RecordStore

BackendFactory = Callable[[Home], "SearchBackend"]


def whoosh_backend(home: Home) -> SearchBackend:
    """The one-folder Whoosh index in ``index/`` of the home."""
    return WhooshBackend(IndexLocation(home.index_root))


class Workspace:
    def __init__(self, root: str | os.PathLike[str] | None = None, *, create: bool = True,
                 backend: BackendFactory = whoosh_backend) -> None:
        self.home = Home.open(root, create=create)
        self.originals = OriginalStore(self.home.originals_dir)
        self._make_backend = backend
        self._backend: SearchBackend | None = None

    @contextmanager
    def lock(self, wait: float = 0.0, *, brief: bool = False) -> Iterator[WriteLock]:
        """The home's write lock; hold it for anything that writes.  A disk that fills up
        under the writer ends it with a DiskFullError, whatever layer noticed.  Once a
        write that changed the index is done, the segments it leaves to merge are merged
        by a process of its own (archive.operations.tidying); ``brief`` is that process's
        own hold, which other writers wait for."""
        with WriteLock(self.home.lock_path, wait=wait, brief=brief) as held:
            try:
                yield held
            except ArchiveError:
                raise
            except sqlite3.Error as exc:
                raise unusable(self.home.db_path, exc) from exc
            except Exception as exc:
                if disk_full(exc):
                    raise DiskFullError(
                        f"{self.home.root}: the disk is full ({exc}); nothing half-written was kept: "
                        "free some space and run the same command again"
                    ) from exc
                raise
        if not brief:
            self._tidy_later()

    def _tidy_later(self) -> None:
        if self._backend is None or not current().merge_apart:
            return  # this write never opened the index
        try:
            if not self._backend.merges_waiting():
                return
        except ArchiveError:
            return  # a damaged index is check's to report, not a merge's
        subprocess.Popen(  # detached: the command that wrote does not wait for it
            [sys.executable, "-m", "archive.operations.tidying", str(self.home.root)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True,
        )

    def writer(self) -> RecordStore:
        """A connection for writing to the record store (under the write lock)."""
        from archive.storage.store import RecordStore

        return RecordStore(self.home.db_path)

    def reader(self) -> RecordStore:
        """A read-only connection to the record store, which a writer never holds up."""
        from archive.storage.store import RecordStore

        return RecordStore.for_reading(self.home.db_path)

    def clear_scraps(self, *, everywhere: bool = False) -> int:
        """Remove what killed writers left: half-written originals, half-built index
        generations (the caller holds the write lock, so no writer is making them now)."""
        removed = self.originals.clear_scraps(everywhere=everywhere)
        try:
            removed += self.backend.clear_scraps()
        except ArchiveError:
            pass  # an index that cannot be opened is check's to report
        return removed

    @property
    def backend(self) -> SearchBackend:
        """The home's search index, opened on first use and kept (its searcher with it)."""
        if self._backend is None:
            self._backend = self._make_backend(self.home)
        return self._backend

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
