"""The archive as one object: what every front end (the CLI, the web server) calls.

A thin facade over the operations: it holds the home's Workspace (and with it the
long-lived searcher) and picks executors; each operation takes the write lock if it
writes, and readers never wait on it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import IO, TYPE_CHECKING, Any, TextIO

from archive.contract.search import SearchRequest, SearchResult, SimilarResult

from .workspace import BackendFactory, Workspace, whoosh_backend

# Each operation's module is imported by the method that runs it: a command loads only
# what it uses (a search never loads the HTML parser, nor process pools).
if TYPE_CHECKING:
    from concurrent.futures import Executor

    from archive.contract.records import Record

    from .cluster import ClusterExecutor
    from .copies import RebuildSummary
    from .forget import ForgetResult
    from .history import VersionDiff, VersionInfo
    from .ingest import IngestSummary, Outcome
    from .integrity import CheckReport
    from .reextract import ReextractOutcome, ReextractSummary
    from .sources import Inputs
    from .stories import CopiesResult
    from .warc_export import WarcExport
    from .watch import WatchFeed, WatchRun, WatchView


class Archive:
    def __init__(self, root: str | os.PathLike[str] | None = None, *, create: bool = True,
                 backend: BackendFactory = whoosh_backend) -> None:
        self.workspace = Workspace(root, create=create, backend=backend)
        self.home = self.workspace.home

    def close(self) -> None:
        self.workspace.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ adding

    def inputs(self, paths: Iterable[str | os.PathLike[str]], *, follow_links: bool = False) -> Inputs:
        """What ``paths`` name (folders walked once: pages, WARC files, and what is skipped),
        for ``ingest``; ``total_bytes`` is what its progress counts.  Links in a folder that
        lead out of it are skipped unless ``follow_links``."""
        from .sources import Inputs

        return Inputs.find(paths, follow_links=follow_links)

    def ingest(
        self,
        paths: Iterable[str | os.PathLike[str]] | Inputs,
        *,
        progress: Callable[[Outcome], None] | None = None,
        wait: float = 0.0,
        jobs: int | None = 1,
        sync_every: int | None = None,
        cluster: str | ClusterExecutor | None = None,
    ) -> IngestSummary:
        """``jobs`` extraction processes; None means one per core (small batches use one).
        With ``cluster`` (a scheduler address or ``local[:N]``), its workers read, extract
        and index the pages instead, and this process stores them."""
        from .ingest import ingest
        from .pool import jobs_for
        from .sources import Inputs

        inputs = paths if isinstance(paths, Inputs) else Inputs.find(paths)
        with self._executor(cluster, jobs_for(jobs, inputs.expected_captures())) as executor:
            return ingest(self.workspace, inputs, progress=progress, wait=wait, executor=executor,
                          sync_every=sync_every)

    def reindex(self, *, progress: Callable[[int], None] | None = None, wait: float = 0.0,
                cluster: str | ClusterExecutor | None = None) -> int:
        """Rebuild the index from the records; with ``cluster``, its workers build the segments."""
        from .indexing import rebuild

        with self._executor(cluster, 1), self.workspace.lock(wait), self.workspace.writer() as store:
            self.workspace.clear_scraps()  # a killed rebuild's half-built index, before building another
            return rebuild(store, self.workspace.backend, progress=progress)

    @contextmanager
    def _executor(self, cluster: str | ClusterExecutor | None, jobs: int) -> Iterator[Executor | None]:
        """A cluster (whose workers also build the index's segments; an address is started
        or connected to for this call, a ClusterExecutor is used as it is) or ``jobs``
        local processes."""
        if cluster is None:
            from .pool import local_executor

            with local_executor(jobs) as executor:
                yield executor
            return
        from .cluster import ClusterExecutor

        with ExitStack() as stack:
            if isinstance(cluster, str):
                cluster = stack.enter_context(ClusterExecutor(cluster))
            backend = self.workspace.backend
            backend.build_on(cluster)
            try:
                yield cluster  # type: ignore[misc]
            finally:
                backend.build_on(None)

    # ------------------------------------------------------------------ reading

    def search(self, request: SearchRequest) -> SearchResult:
        return self.workspace.backend.search(request)

    def similar(self, article_id: str, *, limit: int = 10) -> SimilarResult:
        """The indexed articles most like a stored one: its copies first, marked, then one
        article per story."""
        from .stories import similar_with_copies

        record = self.get(article_id)
        with self.workspace.reader() as store:
            extra = len(store.members(store.story_of(record.id)))
            found = self.workspace.backend.similar(record.id, limit=min(3 * limit + extra, 1000))
            return similar_with_copies(store, record, found, limit)

    def copies(self, article_id: str) -> CopiesResult:
        """An article's copies (other sites, URLs, captures of the same story), most alike first."""
        from .stories import copies_of

        with self.workspace.reader() as store:
            return copies_of(store, store.find(article_id))

    def rebuild_copies(self, *, wait: float = 0.0, progress: Callable[[int], None] | None = None) -> RebuildSummary:
        from .stories import rebuild

        return rebuild(self.workspace, wait=wait, progress=progress)

    def copies_size(self) -> int:
        return self.record_count()

    def get(self, article_id: str) -> Record:
        with self.workspace.reader() as store:
            return store.find(article_id)

    def original(self, article_id: str) -> bytes:
        return self.workspace.originals.get(self.get(article_id).sha256)

    def record_count(self) -> int:
        with self.workspace.reader() as store:
            return store.count("articles")

    def stats(self, top: int = 10) -> dict[str, Any]:
        from .stats import stats

        return stats(self.workspace, top)

    def versions(self, article_id: str) -> list[VersionInfo]:
        from .history import list_versions

        with self.workspace.reader() as store:
            return list_versions(store, article_id)

    def diff(self, article_id: str, old: int | None = None, new: int | None = None) -> VersionDiff:
        from .history import diff_versions

        with self.workspace.reader() as store:
            return diff_versions(store, article_id, old, new)

    def export(self, out: TextIO, fmt: str, request: SearchRequest | None = None) -> int:
        """Write every record (or every match of ``request``) to ``out``; returns how many."""
        from . import export as exporting

        ids = None if request is None else self.workspace.backend.matching_ids(request)
        with self.workspace.reader() as store:
            return exporting.write(exporting.records_for(store, ids), out, fmt)

    def export_warc(self, target: str | IO[bytes], request: SearchRequest | None = None, *,
                    max_size: int | None = None) -> WarcExport:
        """Write every version of every article (or of every match of ``request``) as WARC
        records to ``target``: a file name (rolled over at ``max_size`` bytes into numbered
        files) or a binary stream."""
        from .warc_export import export_warc

        ids = None if request is None else self.workspace.backend.matching_ids(request)
        described = None
        if request is not None:
            described = f"the articles matching {request.query!r}" if request.query else "the articles"
            described += " within filters" if request.filtered else ""
        with self.workspace.reader() as store:
            return export_warc(store, self.workspace.originals, ids, target, max_size=max_size,
                               description=described)

    # ------------------------------------------------------------------ saved searches

    def watch_add(self, name: str, request: SearchRequest, *, from_start: bool = False) -> WatchView:
        from . import watch

        return watch.add(self.workspace, name, request, from_start=from_start)

    def watch_remove(self, name: str) -> None:
        from . import watch

        watch.remove(self.workspace, name)

    def watches(self) -> list[WatchView]:
        from . import watch

        return watch.listing(self.workspace)

    def watch_run(self, names: Iterable[str] = ()) -> list[WatchRun]:
        """New matches of saved searches; marks move only with ``watch_mark`` (after showing them)."""
        from . import watch

        return watch.run(self.workspace, names)

    def watch_mark(self, runs: Iterable[WatchRun]) -> list[str]:
        from . import watch

        return watch.mark(self.workspace, runs)

    def watch_feed(self, name: str, limit: int = 50) -> WatchFeed:
        from . import watch

        return watch.feed(self.workspace, name, limit)

    def export_watches(self, out: TextIO, fmt: str) -> int:
        """Write the saved searches and their marks to ``out``; returns how many."""
        from .export import write_watches

        return write_watches((w.to_dict() for w in self.watches()), out, fmt)

    # ------------------------------------------------------------------ lifecycle

    def reextract(
        self,
        ids: Iterable[str] = (),
        *,
        everything: bool = False,
        force: bool = False,
        wait: float = 0.0,
        jobs: int | None = 1,
        on_start: Callable[[int], None] | None = None,
        progress: Callable[[ReextractOutcome], None] | None = None,
        cluster: str | ClusterExecutor | None = None,
    ) -> ReextractSummary:
        """``jobs`` extraction processes; None means one per core (small selections use one).
        With ``cluster``, its workers extract (the originals are sent from here)."""
        from .reextract import reextract

        if cluster is None:
            return reextract(self.workspace, ids=ids, everything=everything, force=force, wait=wait,
                             jobs=jobs, on_start=on_start, progress=progress)
        with self._executor(cluster, 1) as executor:
            return reextract(self.workspace, ids=ids, everything=everything, force=force, wait=wait,
                             executor=executor, on_start=on_start, progress=progress)

    def forget(self, article_id: str, *, purge: bool = False, wait: float = 0.0) -> ForgetResult:
        from .forget import forget

        return forget(self.workspace, article_id, purge=purge, wait=wait)

    def check(
        self, *, repair: bool = False, wait: float = 0.0, progress: Callable[[], None] | None = None
    ) -> CheckReport:
        from . import integrity

        run = integrity.repair if repair else integrity.check
        return run(self.workspace, wait=wait, progress=progress)

    def check_size(self) -> int:
        from .integrity import total_work

        return total_work(self.workspace)

