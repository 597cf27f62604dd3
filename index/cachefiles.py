"""The files an index keeps beside its segments to open and search faster (facet arrays,
the frequent-term cache, lexicons): written whole or not at all.

Each is written to a hidden temporary name and renamed over its place, so a reader never
sees half a file; a write that fails leaves nothing behind and raises OSError, which the
caller takes as "no cache" (a read-only index still searches, only slower).  They can all be
made again from the segments, so they are not synced to disk like the archive's own files.

Reading them goes through ``reading()``: numpy parses each array's header with
``ast.literal_eval``, and CPython 3.11 keeps the AST converter's recursion depth per
process, not per thread, so two threads opening arrays at once (a search beside an
ingest's index update) can fail with "SystemError: AST constructor recursion depth
mismatch".  Opening is one lock's worth of work; the arrays are then read without it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def replace(path: Path, write: Callable[[BinaryIO], None], *, suffix: str = "") -> None:
    """Write ``path`` through ``write`` under a temporary name, then rename it into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp{suffix}")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


_OPENING = threading.Lock()


@contextmanager
def reading() -> Iterator[None]:
    """Hold while numpy opens cache arrays (their headers are parsed then; see above)."""
    with _OPENING:
        yield
