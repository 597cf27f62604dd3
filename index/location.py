"""Where the index lives inside an archive home, and how a rebuilt one replaces it.

``index/CURRENT`` names the generation folder in use (``gen-000001``...).  A rebuild
writes a new generation beside it and swaps the pointer with an atomic rename, so a
search sees the old index or the new one, never a half-built or empty one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from archive.errors import StoreError

from .schema import SCHEMA_VERSION, build_schema

POINTER = "CURRENT"


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
        """The index in use, created empty on first use."""
        folder = self.current_dir()
        if folder is None or not whoosh_index.exists_in(str(folder)):
            folder = self.new_generation()
            self.publish(folder)
        try:
            return whoosh_index.open_dir(str(folder))
        except Exception as exc:  # whoosh raises many kinds; all mean an unusable index here
            raise StoreError(
                f"{folder}: cannot open the search index ({exc}); run 'archive reindex'"
            ) from exc

    def new_generation(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        numbers = [
            int(p.name[4:]) for p in self.root.glob("gen-*") if p.name[4:].isdigit()
        ]
        folder = self.root / f"gen-{max(numbers, default=0) + 1:06d}"
        folder.mkdir()
        whoosh_index.create_in(str(folder), build_schema())
        (folder / "SCHEMA_VERSION").write_text(SCHEMA_VERSION, "utf-8")
        return folder

    def publish(self, folder: Path) -> None:
        """Make ``folder`` the index in use, atomically, then drop generations older than
        the one it replaces (that one is kept for searches still reading it)."""
        previous = self.current_name()
        tmp = self.root / f".{POINTER}.{os.getpid()}.tmp"
        tmp.write_text(folder.name, "utf-8")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.pointer)
        dir_fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        keep = {folder.name, previous}
        for old in self.root.glob("gen-*"):
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def size_bytes(self) -> int:
        folder = self.current_dir()
        if not folder or not folder.exists():
            return 0
        return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
