"""The Whoosh index of one archive home, behind the archive's ``SearchBackend`` seam."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from whoosh.fields import Schema

from archive.contract.errors import ArchiveError, StoreError
from archive.contract.records import Record
from archive.contract.search import Hit, SearchRequest, SearchResult

from . import deferred, writing
from .location import IndexLocation
from .schema import document_for
from .search import ArchiveSearcher

F = TypeVar("F", bound=Callable[..., Any])

DAMAGED = "the search index is damaged ({}); run 'archive check --repair' to rebuild it from the records"


def damaged(exc: BaseException) -> StoreError:
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return StoreError(DAMAGED.format(detail[:200]))


def guarded(method: F) -> F:
    """Whoosh meets a missing or damaged segment file with whatever error the byte it read
    leads to (FileNotFoundError, EOFError, struct.error, a pickle error...): each becomes
    one StoreError saying what to run."""

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except (ArchiveError, MemoryError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - any failure reading the index means damage
            raise damaged(exc) from exc

    return call  # type: ignore[return-value]


class WhooshInventory:
    def __init__(self, location: IndexLocation, schema: Schema) -> None:
        self.location = location
        self.stored = set(schema.stored_names())

    def documents(self) -> Iterator[dict[str, Any]]:
        try:
            ix = self.location.open()
            try:
                with ix.searcher() as searcher:
                    yield from (fields for _docnum, fields in searcher.reader().iter_docs())
            finally:
                ix.close()
        except (ArchiveError, GeneratorExit, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - see guarded()
            raise damaged(exc) from exc

    def expected(self, record: Record) -> dict[str, Any]:
        return {k: v for k, v in document_for(record).items() if k in self.stored and v is not None}


class WhooshBackend:
    """One index folder (``index/`` of a home, in generations), searched by one long-lived
    searcher that follows every commit and rebuild."""

    def __init__(self, location: IndexLocation, *, timeout: float | None = None) -> None:
        self.location = location
        self.timeout = timeout
        self.builder: Any = None  # an executor whose workers build segments (index.segments)
        self._searcher: ArchiveSearcher | None = None

    @property
    def searcher(self) -> ArchiveSearcher:
        if self._searcher is None:
            self._searcher = ArchiveSearcher(self.location, timeout=self.timeout)
        return self._searcher

    # ------------------------------------------------------------------ reading

    @guarded
    def search(self, request: SearchRequest) -> SearchResult:
        return self.searcher.search(request)

    @guarded
    def similar(self, article_id: str, *, limit: int = 10) -> list[Hit]:
        return self.searcher.similar(article_id, limit=limit)

    @guarded
    def matching_ids(self, request: SearchRequest) -> list[str]:
        return self.searcher.matching_ids(request)

    # ------------------------------------------------------------------ writing

    @guarded
    def apply(self, article_ids: Sequence[str], records: Iterable[Record], *, adds: int = 0,
              groups: Mapping[str, str] | None = None) -> dict[str, str]:
        return writing.replace(self.location, article_ids, records, adds=adds, groups=groups,
                               builder=self.builder)

    def build_on(self, executor: Any) -> None:
        self.builder = executor

    @guarded
    def merge(self, credit: float, written: int) -> tuple[int, float]:
        return writing.merge(self.location, credit, written)

    @guarded
    def merges_waiting(self) -> bool:
        return deferred.waiting(self.location)

    @guarded
    def merge_apart(self, write_lock: Callable[[], AbstractContextManager[object]]) -> int:
        return deferred.run(self.location, write_lock)

    def refresh(self) -> None:
        writing.warm(self.location)

    def rebuild(self, records: Iterable[Record], *, total: int,
                progress: Callable[[int], None] | None = None, groups: Mapping[str, str] | None = None) -> int:
        return writing.rebuild(self.location, records, total=total, progress=progress, groups=groups,
                               builder=self.builder)

    # ------------------------------------------------------------------ inventory

    @guarded
    def inventory(self) -> WhooshInventory:
        ix = self.location.open()
        try:
            return WhooshInventory(self.location, ix.schema)
        finally:
            ix.close()

    @guarded
    def document_count(self) -> int:
        if not self.location.exists():
            return 0
        ix = self.location.open()
        try:
            return ix.doc_count()
        finally:
            ix.close()

    def size_bytes(self) -> int:
        return self.location.size_bytes()

    def scraps(self) -> list[str]:
        return [str(p) for p in self.location.stale_generations()]

    def clear_scraps(self) -> int:
        return self.location.clear_stale()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


__all__ = ["StoreError", "WhooshBackend", "WhooshInventory"]
