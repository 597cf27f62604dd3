"""The archive as one object: what every front end (CLI now, web later) calls.

Each method opens what it needs from the home folder; writers take the home's write
lock, readers never do.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TextIO

from archive.contract.records import Record
from archive.contract.search import SearchRequest, SearchResult, SimilarResult
from archive.contract.settings import current
from archive.storage.home import Home
from archive.storage.lock import WriteLock
from archive.storage.originals import OriginalStore
from archive.storage.store import RecordStore
from index.indexer import rebuild
from index.location import IndexLocation
from index.search import ArchiveSearcher

from . import export as exporting
from . import integrity
from .forget import ForgetResult, forget
from .history import VersionDiff, VersionInfo, diff_versions, list_versions
from .reextract import ReextractOutcome, ReextractSummary, reextract

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
        sync_every: int | None = None,
    ) -> IngestSummary:
        """``jobs`` extraction processes; None means one per core (small batches use one)."""
        from .ingest import ingest
        from .pool import default_jobs

        files = list(paths)
        if jobs is None:
            jobs = default_jobs() if len(files) >= current().small_batch else 1
        return ingest(self.home, files, progress=progress, wait=wait, jobs=jobs, sync_every=sync_every)

    def search(self, request: SearchRequest) -> SearchResult:
        if self._searcher is None:
            self._searcher = ArchiveSearcher(self.location)
        return self._searcher.search(request)

    def similar(self, article_id: str, *, limit: int = 10) -> SimilarResult:
        """The indexed articles most like a stored one."""
        record = self.get(article_id)
        if self._searcher is None:
            self._searcher = ArchiveSearcher(self.location)
        return SimilarResult(record.id, record.title, self._searcher.similar(record.id, limit=limit))

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
            gaps = store.gaps(current().cleaner_version)
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
            **gaps,
            "top_authors": [{"value": v, "count": n} for v, n in authors],
            "top_sites": [{"value": v, "count": n} for v, n in sites],
        }

    # ------------------------------------------------------------------ lifecycle

    def versions(self, article_id: str) -> list[VersionInfo]:
        with self._store() as store:
            return list_versions(store, article_id)

    def diff(self, article_id: str, old: int | None = None, new: int | None = None) -> VersionDiff:
        with self._store() as store:
            return diff_versions(store, article_id, old, new)

    def reextract(
        self,
        ids: Iterable[str] = (),
        *,
        everything: bool = False,
        force: bool = False,
        wait: float = 0.0,
        on_start: Callable[[int], None] | None = None,
        progress: Callable[[ReextractOutcome], None] | None = None,
    ) -> ReextractSummary:
        return reextract(self.home, ids=ids, everything=everything, force=force, wait=wait,
                         on_start=on_start, progress=progress)

    def forget(self, article_id: str, *, purge: bool = False, wait: float = 0.0) -> ForgetResult:
        return forget(self.home, article_id, purge=purge, wait=wait)

    def check(
        self, *, repair: bool = False, wait: float = 0.0, progress: Callable[[], None] | None = None
    ) -> integrity.CheckReport:
        run = integrity.repair if repair else integrity.check
        return run(self.home, wait=wait, progress=progress)

    def check_size(self) -> int:
        return integrity.total_work(self.home)

    def export(self, out: TextIO, fmt: str, request: SearchRequest | None = None) -> int:
        """Write every record (or every match of ``request``) to ``out``; returns how many."""
        ids = None
        if request is not None:
            if self._searcher is None:
                self._searcher = ArchiveSearcher(self.location)
            ids = self._searcher.matching_ids(request)
        with self._store() as store:
            return exporting.write(exporting.records_for(store, ids), out, fmt)
