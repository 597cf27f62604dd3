"""Files that survive a power cut: the one way the store writes what it must not lose.

A file written and renamed into place is on the disk only once its bytes were synced
*and* the directory holding its new name was synced; a directory made for it only once
its parent was synced.  Until then the kernel's page cache holds it, and a power cut
loses it however the process ended.  Everything the archive promises to keep (the
originals; the index's pointer to its generation) is written through ``disk``, which a
test can replace with one that forgets whatever was not synced, at any moment.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Disk:
    """The real disk: writes, syncs and renames as the operating system does them."""

    def write(self, path: Path, data: bytes) -> None:
        with open(path, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    def rename(self, source: Path, target: Path) -> None:
        os.replace(source, target)

    def link(self, source: Path, target: Path) -> None:
        os.link(source, target)

    def mkdir(self, path: Path) -> None:
        path.mkdir(exist_ok=True)

    def sync_dir(self, path: Path) -> None:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


disk: Disk = Disk()


@contextmanager
def using(replacement: Disk) -> Iterator[Disk]:
    """Write through ``replacement`` for a block (a test's simulated disk)."""
    global disk
    previous, disk = disk, replacement
    try:
        yield replacement
    finally:
        disk = previous


def make_dirs(path: Path) -> None:
    """``path`` and any missing parents, each new one durable (its parent synced)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        disk.mkdir(folder)
        disk.sync_dir(folder.parent)


def link_new(target: Path, data: bytes) -> None:
    """Put ``data`` at ``target`` only if nothing is there yet (FileExistsError if another
    process was first), whole and durably."""
    make_dirs(target.parent)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.new")
    try:
        disk.write(tmp, data)
        disk.link(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    disk.sync_dir(target.parent)


def write_new(target: Path, data: bytes, *, staging: Path | None = None) -> None:
    """Put ``data`` at ``target`` whole or not at all, and durably: written under a
    temporary name (in ``staging`` if given, a folder on the same disk, so a killed
    writer's leftovers are all in one place), synced, renamed, and the directory synced
    after the rename."""
    make_dirs(target.parent)
    if staging is not None:
        make_dirs(staging)
    tmp = (staging or target.parent) / f".{target.name}.{os.getpid()}.tmp"
    try:
        disk.write(tmp, data)
        disk.rename(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    disk.sync_dir(target.parent)
