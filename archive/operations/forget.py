"""``archive forget``: an article leaves the records and the index; its originals stay
unless purged, and a purge never removes bytes another article or version still uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .copies import Copies
from .indexing import sync
from .workspace import Workspace


@dataclass(slots=True)
class ForgetResult:
    article_id: str
    title: str
    versions: int
    purged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.article_id, "title": self.title, "versions": self.versions,
                "purged_originals": self.purged, "kept_originals": self.kept}


def forget(workspace: Workspace, article_id: str, *, purge: bool = False, wait: float = 0.0) -> ForgetResult:
    """Remove one article (id or unambiguous prefix) from the records and the index.

    The records, versions and the index "delete" row go in one transaction; the index is
    then brought up to date.  With ``purge``, originals no other record uses are deleted
    after that commit (a crash in between leaves only a row naming a file that is gone,
    which ``check --repair`` drops).
    """
    with workspace.lock(wait), workspace.writer() as store:
        record = store.find(article_id)
        versions = len(store.version_rows(record.id))
        with store.atomic():  # out of its story, and of the records, together
            Copies(store).forget(record.id)
            unused = store.forget(record.id)
        result = ForgetResult(record.id, record.title, versions)
        sync(store, workspace.backend)
        if purge and unused:
            # files first: a purge cut short leaves rows naming no file, which check --repair
            # drops, rather than files no row names, which it cannot tell from lost commits
            for sha in unused:
                workspace.originals.delete(sha)
            store.drop_originals(unused)
            result.purged = unused
        else:
            result.kept = unused
    return result
