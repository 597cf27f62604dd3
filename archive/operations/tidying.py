"""The merging process a write starts: ``python -m archive.operations.tidying HOME``.

Merging index segments costs more than the write that calls for it (index.deferred), so a
command that wrote does not wait for it: once it releases the write lock, the workspace
starts this process, detached (a session of its own, no terminal), if the index's merge
policy has segments to merge.  It holds the write lock only while each merge is put in
place, marked brief, so a writer arriving then waits a moment instead of being refused,
and runs at a lower priority than the commands a user waits for.  It prints nothing: an
error ends it and leaves the merge to the next write.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .workspace import Workspace

LOCK_WAIT = 60.0  # seconds to wait for a long write to end before leaving the merge to it
NICENESS = 10


def tidy(root: Path) -> int:
    """Merge what waits in the index of the home at ``root``; the documents rewritten."""
    with Workspace(root, create=False) as workspace:
        return workspace.backend.merge_apart(lambda: workspace.lock(LOCK_WAIT, brief=True))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        os.nice(NICENESS)  # the commands a user is waiting for come first
    except OSError:
        pass
    try:
        tidy(Path(args[0]))
    except Exception:  # noqa: BLE001 - nobody reads this process's output; the next write tries again
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
