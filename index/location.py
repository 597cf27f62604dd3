"""Where the index lives inside an archive home, and how a rebuilt one replaces it.

``index/CURRENT`` names the generation folder in use (``gen-000001``...).  A rebuild
writes a new generation beside it and swaps the pointer with an atomic rename, so a
search sees the old index or the new one, never a half-built or empty one.  A merge made
apart from the writer (index.deferred) builds its segment in a ``merge-*`` folder beside
them, holding ``merge.lock``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex, Index

from archive.contract import durable
from archive.contract.errors import StoreError

from .schema import SCHEMA_VERSION, build_schema


def open_index(folder: Path) -> Index:
    """Open the index in ``folder`` reading its segment files in place.

    With memory maps, Whoosh copies each file it opens inside a compound segment file
    into memory (hundreds of megabytes at 100k articles, most of a second for a fresh
    process); read as ranges of the open file, nothing is copied.
    """
    return FileIndex(FileStorage(str(folder), supports_mmap=False))

POINTER = "CURRENT"
SCRATCH_PREFIX = "merge-"
MERGE_LOCK = "merge.lock"


@contextmanager
def merge_lock(root: Path) -> Iterator[bool]:
    """The index's merge lock, if no other process holds it (True), else False at once."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / MERGE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class IndexLocation:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def pointer(self) -> Path:
        return self.root / POINTER

    def current_name(self) -> str | None:
        try:
            name = self.pointer.read_text("utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def current_dir(self) -> Path | None:
        name = self.current_name()
        return self.root / name if name else None

    def exists(self) -> bool:
        folder = self.current_dir()
        return bool(folder and whoosh_index.exists_in(str(folder)))

    def open(self) -> Index:
        """The index in use, created empty on first use.

        Only a missing pointer means "first use": a pointer naming a folder that is gone is
        re-read (a newer generation may have replaced it meanwhile), and if it stays gone
        that is an error, never a silently empty index.
        """
        for _ in range(5):
            folder = self.current_dir()
            if folder is None:
                self._refuse_lost_pointer()
                folder = self._create_first()
            if whoosh_index.exists_in(str(folder)):
                try:
                    return open_index(folder)
                except FileNotFoundError:
                    continue  # pruned by a newer publish between the check and the open
                except Exception as exc:  # whoosh raises many kinds; all mean an unusable index
                    raise StoreError(
                        f"{folder}: cannot open the search index ({exc}); run 'archive check --repair'"
                    ) from exc
            if self.current_dir() == folder:
                break
        raise StoreError(
            f"{self.root}: the search index named by {POINTER} is missing; run 'archive check --repair'"
        )

    def _refuse_lost_pointer(self) -> None:
        """No pointer but generations holding documents: the pointer was lost, and an empty
        index in its place would answer every search with nothing."""
        for folder in sorted(self.root.glob("gen-*")):
            try:
                if not whoosh_index.exists_in(str(folder)):
                    continue
                ix = open_index(folder)
                try:
                    holds = ix.doc_count_all() > 0
                finally:
                    ix.close()
                if holds:
                    raise StoreError(
                        f"{self.root}: the index's {POINTER} pointer is missing, though {folder.name} holds "
                        "documents; run 'archive check --repair' to rebuild the index"
                    )
            except StoreError:
                raise
            except Exception:  # an unreadable leftover is no index in use
                continue

    def _create_first(self) -> Path:
        """An empty first generation, published only if no other process published one first."""
        folder = self.new_generation()
        try:
            durable.link_new(self.pointer, folder.name.encode("utf-8"))
        except FileExistsError:
            shutil.rmtree(folder, ignore_errors=True)
            return self.current_dir() or folder
        return folder

    def new_generation(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        while True:
            numbers = [
                int(p.name[4:]) for p in self.root.glob("gen-*") if p.name[4:].isdigit()
            ]
            folder = self.root / f"gen-{max(numbers, default=0) + 1:06d}"
            try:
                folder.mkdir()
            except FileExistsError:
                continue  # another process took that number
            break
        whoosh_index.create_in(str(folder), build_schema())
        (folder / "SCHEMA_VERSION").write_text(SCHEMA_VERSION, "utf-8")
        return folder

    def publish(self, folder: Path) -> None:
        """Make ``folder`` the index in use, atomically, then drop generations older than
        the one it replaces (that one is kept for searches still reading it)."""
        previous = self.current_name()
        durable.write_new(self.pointer, folder.name.encode("utf-8"))
        keep = {folder.name, previous}
        for old in self.root.glob("gen-*"):
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def stale_generations(self) -> list[Path]:
        """Generation folders no search needs: any but the one in use and the one before it
        (kept for searches still reading it); a killed rebuild leaves its half-built one."""
        current = self.current_name()
        numbers = sorted(int(p.name[4:]) for p in self.root.glob("gen-*") if p.name[4:].isdigit())
        if current is None or not current[4:].isdigit():
            return []  # no pointer: nothing is known to be unused (check reports the index)
        in_use = int(current[4:])
        older = [n for n in numbers if n < in_use]
        keep = {in_use, older[-1]} if older else {in_use}
        stale = [self.root / f"gen-{n:06d}" for n in numbers if n not in keep]
        return stale + sorted(self.root.glob(f".{POINTER}.*")) + self._merge_scraps()

    def _merge_scraps(self) -> list[Path]:
        """Scratch folders of merges no process is making any more (a killed merger's)."""
        folders = sorted(self.root.glob(f"{SCRATCH_PREFIX}*"))
        if not folders:
            return []
        with merge_lock(self.root) as free:
            return folders if free else []

    def clear_stale(self) -> int:
        """Remove what ``stale_generations`` lists (under the write lock)."""
        found = self.stale_generations()
        for path in found:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        return len(found)

    def size_bytes(self) -> int:
        folder = self.current_dir()
        if not folder or not folder.exists():
            return 0
        return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
