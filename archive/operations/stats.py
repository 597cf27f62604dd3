"""``archive stats``: what an archive holds, and the gaps a user may want to look at."""

from __future__ import annotations

from typing import Any

from archive.contract.settings import current

from .workspace import Workspace


def stats(workspace: Workspace, top: int = 10) -> dict[str, Any]:
    """Counts of originals, records, versions and index documents, records without a date
    or an author or from an older cleaner, held-back re-extractions, top authors and sites."""
    with workspace.reader() as store:
        articles = store.count("articles")
        originals = store.count("originals")
        versions = store.count("versions")
        pending = store.count("index_queue")
        authors = store.top("authors", top)
        sites = store.top("site", top)
        gaps = store.gaps(current().cleaner_version)
        copies = store.copy_counts()
        unsigned = store.count_unsigned()
        watches = store.count("watches")
    backend = workspace.backend
    return {
        "home": str(workspace.home.root),
        "originals": originals,
        "records": articles,
        "versions": versions,
        "indexed": backend.document_count(),
        "pending": pending,
        "index_bytes": backend.size_bytes(),
        **gaps,
        "stories_with_copies": copies["stories"],
        "articles_with_copies": copies["articles"],
        "uncompared": unsigned,
        "watches": watches,
        "top_authors": [{"value": v, "count": n} for v, n in authors],
        "top_sites": [{"value": v, "count": n} for v, n in sites],
    }
