"""Where an archive lives: one folder holding the originals, the records and the index.

Chosen by ``--home``, else ``ARCHIVE_HOME``, else ``$XDG_DATA_HOME/article-archive``
(``~/.local/share/article-archive``). Created on first use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from archive.contract.errors import StoreError

ENV_VAR = "ARCHIVE_HOME"


def default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share"
    )
    return Path(base) / "article-archive"


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else default_home()


@dataclass(frozen=True, slots=True)
class Home:
    root: Path

    @property
    def db_path(self) -> Path:
        return self.root / "archive.db"

    @property
    def originals_dir(self) -> Path:
        return self.root / "originals"

    @property
    def index_root(self) -> Path:
        return self.root / "index"

    @property
    def lock_path(self) -> Path:
        return self.root / "write.lock"

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None, *, create: bool = True) -> Home:
        path = resolve_home(root)
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path}: archive home is not a directory")
        if not path.exists():
            if not create:
                raise StoreError(f"{path}: no archive here yet (run 'archive ingest' first)")
            try:
                path.mkdir(parents=True, exist_ok=True)  # another process may create it first
            except OSError as exc:
                raise StoreError(f"{path}: cannot create archive home: {exc.strerror}") from exc
        home = cls(path)
        home.originals_dir.mkdir(exist_ok=True)
        home.index_root.mkdir(exist_ok=True)
        return home
