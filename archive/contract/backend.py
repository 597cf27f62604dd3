"""The seam between the archive and its search index.

Operations and front ends talk to a ``SearchBackend``, never to Whoosh: they hand it the
changes the record store queued, ask it to rebuild from every record, search it, and
list what it holds for ``check``.  ``index.backend.WhooshBackend`` is the one-folder
implementation; another (an index split into shards on a cluster) fits the same seam.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from .records import Record
from .search import Hit, SearchRequest, SearchResult


class Inventory(Protocol):
    """What an index holds, for integrity checks."""

    def documents(self) -> Iterator[dict[str, Any]]:
        """The stored fields of every live document (``id`` among them)."""
        ...

    def expected(self, record: Record) -> dict[str, Any]:
        """The stored fields the document of ``record`` has when it is up to date."""
        ...


class SearchBackend(Protocol):
    def search(self, request: SearchRequest) -> SearchResult: ...

    def similar(self, article_id: str, *, limit: int = 10) -> list[Hit]: ...

    def matching_ids(self, request: SearchRequest) -> list[str]:
        """Every match of a request (no paging, ranking or time limit), sorted."""
        ...

    def apply(self, article_ids: Sequence[str], records: Iterable[Record], *, adds: int = 0,
              groups: Mapping[str, str] | None = None) -> dict[str, str]:
        """In one commit, drop every document of ``article_ids`` and index ``records``
        (the current records of those of them still stored; ``adds`` says how many, a
        hint for how to write them).  ``groups`` maps the id of each record that is a copy
        of a story to the story's label (an article id); a record it does not name is a
        story of its own.  Returns the sha256 of each record written, by id."""
        ...

    def build_on(self, executor: Any) -> None:
        """Index what is written from now on with ``executor``'s workers (anything with
        ``submit(fn, *args)``, such as a cluster), or in this process again (None)."""
        ...

    def merge(self, credit: float, written: int) -> tuple[int, float]:
        """Tidy the index within a budget earned by ``written`` documents on top of the
        ``credit`` saved from before; returns the documents rewritten and the credit left."""
        ...

    def merges_waiting(self) -> bool:
        """Whether the index has segments its merge policy would merge now."""
        ...

    def merge_apart(self, write_lock: Callable[[], AbstractContextManager[object]]) -> int:
        """Merge what waits without holding ``write_lock`` but for the moment each merge
        is put in place (a process of its own does this after a write); returns the
        documents rewritten, 0 at once if another process is merging."""
        ...

    def refresh(self) -> None:
        """Prepare what searches read after changes (so the next search opens fast)."""
        ...

    def rebuild(self, records: Iterable[Record], *, total: int,
                progress: Callable[[int], None] | None = None, groups: Mapping[str, str] | None = None) -> int:
        """Index every record afresh (``groups`` as for ``apply``) and swap the result in at
        once; returns how many."""
        ...

    def inventory(self) -> Inventory:
        """What the index holds; raises StoreError when it cannot be opened."""
        ...

    def document_count(self) -> int: ...

    def size_bytes(self) -> int: ...

    def scraps(self) -> list[str]:
        """What a killed writer left in the index that nothing will use (half-built rebuilds)."""
        ...

    def clear_scraps(self) -> int:
        """Remove the scraps (under the write lock); returns how many."""
        ...

    def close(self) -> None: ...
