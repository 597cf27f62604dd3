"""A power cut at any moment: what was reported stored is still there, whole.

The store writes every file it must keep through ``archive.contract.durable``; here that
goes through a disk that behaves like a page cache: at a cut it forgets every new name and
directory whose directory was not synced yet. SQLite keeps its own promise (its commits are
synced, ``synchronous=FULL``). After the cut the archive must hold an original for every
record, pass ``check --repair``, and finish the same ingest with nothing lost.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from archive.contract import durable
from archive.operations.service import Archive
from tests.corpus import write_corpus


class PowerCut(BaseException):
    """The power went: nothing after this runs (not an error anything may catch)."""


class PageCacheDisk(durable.Disk):
    """A disk that loses, at a cut, what a real one loses: names not yet made durable by a
    sync of their directory (a renamed file, a new file, a new directory)."""

    def __init__(self, cut_at: int, *, sync_dirs: bool = True) -> None:
        self.cut_at = cut_at
        self.sync_dirs = sync_dirs
        self.operations = 0
        self.durable_names: dict[Path, set[str]] = {}  # per touched directory, as last synced

    def _touch(self, folder: Path) -> None:
        if folder not in self.durable_names:
            self.durable_names[folder] = {p.name for p in folder.iterdir()} if folder.exists() else set()

    def _step(self) -> None:
        self.operations += 1
        if self.operations == self.cut_at:
            raise PowerCut

    def write(self, path: Path, data: bytes) -> None:
        self._step()
        self._touch(path.parent)
        super().write(path, data)

    def rename(self, source: Path, target: Path) -> None:
        self._step()
        self._touch(source.parent)
        self._touch(target.parent)
        super().rename(source, target)

    def link(self, source: Path, target: Path) -> None:
        self._step()
        self._touch(target.parent)
        super().link(source, target)

    def mkdir(self, path: Path) -> None:
        self._step()
        self._touch(path.parent)
        super().mkdir(path)

    def sync_dir(self, path: Path) -> None:
        self._step()
        if self.sync_dirs:
            self.durable_names[path] = {p.name for p in path.iterdir()}

    def cut(self) -> None:
        """What the disk holds after the power came back."""
        for folder in sorted(self.durable_names, key=lambda p: len(p.parts), reverse=True):
            if not folder.exists():
                continue
            for entry in folder.iterdir():
                if entry.name not in self.durable_names[folder]:
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _ingest_until_the_cut(home: Path, pages: Path, disk: PageCacheDisk) -> bool:
    with durable.using(disk), Archive(home) as archive:
        try:
            archive.ingest([pages], jobs=1)
        except PowerCut:
            disk.cut()
            return True
    return False


def _originals_lost(home: Path) -> int:
    with Archive(home, create=False) as archive:
        report = archive.check()
    return sum(n for kind, n in report.counts().items() if kind.startswith("original"))


@pytest.mark.parametrize("seed", range(4))
def test_a_power_cut_at_any_moment_loses_nothing_reported_stored(tmp_path: Path, seed: int) -> None:
    pages = tmp_path / "in"
    write_corpus(pages, 12)
    home = tmp_path / "home"
    cut_at = random.Random(seed).randrange(5, 12 * 5)  # about five disk operations a page
    assert _ingest_until_the_cut(home, pages, PageCacheDisk(cut_at)), "the cut came after the ingest"
    assert _originals_lost(home) == 0
    with Archive(home, create=False) as archive:
        assert archive.check(repair=True).ok
        summary = archive.ingest([pages], jobs=1)
        assert summary.failed == 0
        assert archive.record_count() == 12
        assert archive.check().ok


def test_the_simulated_cut_does_lose_what_was_never_synced(tmp_path: Path) -> None:
    """Without the directory syncs the same cuts lose stored originals: the test above
    would catch a store that reported files stored before they were durable."""
    pages = tmp_path / "in"
    write_corpus(pages, 12)
    lost = 0
    for seed in range(4):
        home = tmp_path / f"home-{seed}"
        cut_at = random.Random(seed).randrange(5, 12 * 5)
        _ingest_until_the_cut(home, pages, PageCacheDisk(cut_at, sync_dirs=False))
        lost += _originals_lost(home)
    assert lost > 0
