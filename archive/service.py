"""The archive as one object: what every front end (CLI now, web later) calls.

Each method opens what it needs from the home folder; writers take the home's write
lock, readers never do.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from index.indexer import rebuild
from index.location import IndexLocation
from index.search import ArchiveSearcher, Hit, SearchRequest, SearchResult

from .home import Home
from .lock import WriteLock
from .originals import OriginalStore
from .records import Record
from .store import RecordStore

if TYPE_CHECKING:  # ingesting pulls in the HTML parser, which a search does not need
    from .ingest import IngestSummary, Outcome


class Archive:
    def __init__(self, root: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        self.home = Home.open(root, create=create)
        self.location = IndexLocation(self.home.index_root)
        self._searcher: ArchiveSearcher | None = None

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _store(self) -> RecordStore:
        return RecordStore(self.home.db_path)

    def ingest(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        progress: Callable[[Outcome], None] | None = None,
        wait: float = 0.0,
        jobs: int | None = 1,
    ) -> IngestSummary:
        """``jobs`` extraction processes; None means one per core (small batches use one)."""
        from .ingest import ingest
        from .parallel import SMALL_BATCH, default_jobs

        files = list(paths)
        if jobs is None:
            jobs = default_jobs() if len(files) >= SMALL_BATCH else 1
        return ingest(self.home, files, progress=progress, wait=wait, jobs=jobs)

    def search(self, request: SearchRequest) -> SearchResult:
        if self._searcher is None:
            self._searcher = ArchiveSearcher(self.location)
        return self._searcher.search(request)

    def similar(self, article_id: str, *, limit: int = 10) -> tuple[Record, list[Hit]]:
        """The stored article and the indexed articles most like it."""
        record = self.get(article_id)
        if self._searcher is None:
            self._searcher = ArchiveSearcher(self.location)
        return record, self._searcher.similar(record.id, limit=limit)

    def get(self, article_id: str) -> Record:
        with self._store() as store:
            return store.find(article_id)

    def original(self, article_id: str) -> bytes:
        record = self.get(article_id)
        return OriginalStore(self.home.originals_dir).get(record.sha256)

    def reindex(self, *, progress: Callable[[int], None] | None = None, wait: float = 0.0) -> int:
        with WriteLock(self.home.lock_path, wait=wait), self._store() as store:
            return rebuild(store, location=self.location, progress=progress)

    def record_count(self) -> int:
        with self._store() as store:
            return store.count("articles")

    def stats(self, top: int = 10) -> dict[str, Any]:
        with self._store() as store:
            articles = store.count("articles")
            originals = store.count("originals")
            versions = store.count("versions")
            pending = store.count("index_queue")
            authors = store.top("authors", top)
            sites = store.top("site", top)
        indexed = 0
        if self.location.exists():
            ix = self.location.open()
            try:
                indexed = ix.doc_count()
            finally:
                ix.close()
        return {
            "home": str(self.home.root),
            "originals": originals,
            "records": articles,
            "versions": versions,
            "indexed": indexed,
            "pending": pending,
            "index_bytes": self.location.size_bytes(),
            "top_authors": [{"value": v, "count": n} for v, n in authors],
            "top_sites": [{"value": v, "count": n} for v, n in sites],
        }
