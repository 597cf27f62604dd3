"""Where captures come from: files named on the command line, and the pages in folders.

A folder is walked once, in a stable order; each file is read once, and its bytes hashed
once, into a Capture.  A name with a protocol (``s3://bucket/pages/``, ``file:///srv/x``)
is an fsspec URL: folders are listed and files read through fsspec, so a cluster's
workers can read inputs from an object store or any filesystem they share.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.contract.captures import Capture
from archive.contract.errors import InputError
from archive.contract.records import Record
from archive.extraction.decode import looks_like_html
from archive.extraction.extract import HTML_SUFFIXES, TEXT_SUFFIXES, extract_capture

_NOT_PAGES = frozenset({".gz", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".zip", ".json", ".tsv",
                        ".csv", ".md", ".py", ".css", ".js"})


def _is_candidate(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or suffix in TEXT_SUFFIXES:
        return True
    if suffix in _NOT_PAGES:
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return True  # let the reader report why it cannot be read
    return looks_like_html(head.decode("utf-8", "replace"))


def is_url(name: str) -> bool:
    return "://" in name


def source_of(name: str) -> str:
    """Where a named input comes from, stable across runs and machines: a local file's
    absolute path (``file://`` URLs included), any other URL as it is written."""
    if name.startswith("file://"):
        return os.path.abspath(name[len("file://"):])
    if is_url(name):
        return name
    return os.path.abspath(name)


def _fsspec():  # type: ignore[no-untyped-def]
    try:
        import fsspec
    except ImportError as exc:
        raise InputError("fsspec", "URLs are read through fsspec: pip install 'article-archive[cluster]'") from exc
    return fsspec


def read_bytes(location: str) -> bytes:
    """The bytes at a local path or an fsspec URL; OSError when they cannot be read."""
    if not is_url(location):
        return Path(location).read_bytes()
    with _fsspec().open(location, "rb") as fh:
        return fh.read()


def _url_inputs(url: str) -> Iterator[str]:
    """The page files under an fsspec URL (or the URL itself when it names a file)."""
    fs, root = _fsspec().core.url_to_fs(url)
    if not fs.isdir(root):
        yield url
        return
    for found in sorted(fs.find(root)):
        relative = found[len(root.rstrip("/")) + 1:]
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        suffix = Path(found).suffix.lower()
        if suffix in _NOT_PAGES:
            continue
        if suffix not in HTML_SUFFIXES and suffix not in TEXT_SUFFIXES:
            with fs.open(found, "rb") as fh:
                if not looks_like_html(fh.read(4096).decode("utf-8", "replace")):
                    continue
        yield fs.unstrip_protocol(found)


def find_inputs(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Files named directly, and page files found under directories, in a stable order.

    Inside directories, hidden entries are skipped, and files are taken when their suffix
    says page or their first bytes sniff as HTML; named files are always tried.
    """
    for raw in paths:
        if isinstance(raw, str) and is_url(raw):
            yield from _url_inputs(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith("."):
                        continue
                    candidate = Path(dirpath) / name
                    if _is_candidate(candidate):
                        yield str(candidate)
        else:
            yield str(path)


@dataclass(frozen=True, slots=True)
class Inputs:
    """The files a set of paths names, found once (folders walked once)."""

    files: tuple[str, ...]

    @classmethod
    def find(cls, paths: Iterable[str | os.PathLike[str]]) -> Inputs:
        return cls(tuple(find_inputs(paths)))

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)


def read_file(path: str) -> Capture:
    """The capture a file (or an fsspec URL) holds; OSError when it cannot be read."""
    source = source_of(path)
    return Capture.of(read_bytes(source), path, source)


def extract_file(path: str | os.PathLike[str], *, now: datetime | None = None) -> Record:
    """A file's record, read and extracted but stored nowhere (``archive extract``)."""
    name = os.fspath(path)
    try:
        capture = read_file(name)
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from exc
    return extract_capture(capture, now=now)
