"""A long-lived searcher that follows the index.

Opening a Whoosh searcher costs hundreds of milliseconds on a large index, so one is kept
and reused; it is replaced by a freshly opened one when a commit or a rebuild changes the
index (``Searcher.refresh()`` is never used: in the maintained Whoosh forks it can return
the old and the new copy of an updated document together).  Per-searcher caches, such as
facet tables, live and die with the searcher they were built from.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh.index import Index
from whoosh.searching import Searcher

from .location import IndexLocation


class SearcherHandle:
    """A searcher plus the caches derived from it."""

    def __init__(
        self, ix: Index, generation: tuple[str | None, int], folder: Path | None = None
    ) -> None:
        self.ix = ix
        self.folder = folder
        self.generation = generation
        self.searcher: Searcher = ix.searcher()
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()
        # A replaced handle is left to the garbage collector (a query may still use it);
        # its files are closed then, not dropped open.
        self._closer = weakref.finalize(self, _close, self.searcher, ix)

    def cached(self, key: str, build: Callable[[], Any]) -> Any:
        value = self._cache.get(key)
        if value is None:
            with self._lock:
                value = self._cache.get(key)
                if value is None:
                    value = build()
                    self._cache[key] = value
        return value

    def close(self) -> None:
        self._closer()


def _close(searcher: Searcher, ix: Index) -> None:
    searcher.close()
    ix.close()


class SearcherPool:
    """Hands out the current searcher, reopening only when the index has changed."""

    def __init__(self, location: IndexLocation) -> None:
        self.location = location
        self._handle: SearcherHandle | None = None
        self._lock = threading.Lock()

    def _generation(self, ix: Index | None = None) -> tuple[str | None, int]:
        name = self.location.current_name()
        if ix is None:
            return (name, -1)
        return (name, ix.latest_generation())

    def current(self) -> SearcherHandle:
        with self._lock:
            handle = self._handle
            if handle is not None:
                name = self.location.current_name()
                latest = handle.ix.latest_generation()
                if name == handle.generation[0] and latest == handle.generation[1]:
                    return handle
            ix = self.location.open()
            fresh = SearcherHandle(ix, self._generation(ix), self.location.current_dir())
            self._handle = fresh
            # The old searcher may still serve a query in another thread; it is left to
            # the garbage collector rather than closed under that query's feet.
            return fresh

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
