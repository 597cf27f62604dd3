"""Where captures come from: files named on the command line, and the pages and web
archives in folders.

    paths -> Inputs (folders walked once: each file a page, a WARC, or skipped with a reason)
          -> read_inputs: each input read once, in order, into items -- a capture to
             ingest (``Read``), a WARC revisit to resolve, a skip or a failure -- each
             naming itself and how many bytes of its input it took (for progress)

A loose file is read through ``read_file`` only, gzip-compressed or not; WARC files are
streamed record by record (``warc.read_warc``), so memory stays flat however large.

A name with a protocol (``s3://bucket/pages/``, ``file:///srv/x``) is an fsspec URL: its
folders are listed and its pages read through fsspec, so a cluster's workers can read
inputs from an object store or any filesystem they share.  WARC files are read from
local (or shared, mounted) paths only.
"""

from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from archive.contract.captures import Capture
from archive.contract.errors import InputError
from archive.contract.records import Record
from archive.contract.settings import current
from archive.extraction.decode import looks_like_html
from archive.extraction.extract import HTML_SUFFIXES, TEXT_SUFFIXES, extract_capture

from .items import Failure, Item, Read, Revisit, Skip, gunzip

_NOT_PAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".pdf", ".zip", ".json",
                        ".tsv", ".csv", ".md", ".py", ".css", ".js", ".mp4", ".mp3", ".woff", ".woff2",
                        ".cdx", ".cdxj", ".idx"})
_GZIP_MAGIC = b"\x1f\x8b"
WARC_BYTES_PER_CAPTURE = 16 * 1024
"""For sizing the extraction pool before a WARC is read: about one page per 16 KiB."""

PAGE, WARC, SKIP = "page", "warc", "skip"


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class Entry:
    """One file (or skipped folder) a set of paths names."""

    path: str
    kind: str  # page | warc | skip
    size: int = 0
    reason: str | None = None  # why it is skipped


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _head(path: Path, size: int = 4096) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(size)
    except OSError:
        return None
    if head.startswith(_GZIP_MAGIC):
        try:
            return zlib.decompressobj(31).decompress(head, size)
        except zlib.error:
            return b""
    return head


def _is_warc_name(name: str) -> bool:
    return name.endswith((".warc", ".warc.gz"))


# ------------------------------------------------------------------------- fsspec URLs


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
    """The bytes at a local path or an fsspec URL, read no further than the size limit;
    OSError when they cannot be read, InputError when they are no regular file or too large.
    A local file is opened without waiting (a named pipe is refused, never waited on)."""
    limit = current().max_page_bytes
    if is_url(location):
        with _fsspec().open(location, "rb") as fh:
            data = fh.read(limit + 1)
        size = len(data)
    else:
        fd = os.open(location, os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb", closefd=True) as fh:
            found = os.fstat(fd)
            why = not_regular(found.st_mode)
            if why:
                raise InputError(location, why)
            data = fh.read(limit + 1) if found.st_size <= limit else b""
        size = max(found.st_size, len(data))
    if size > limit:
        raise InputError(location, f"file too large ({size / 2**20:.1f} MiB; the limit is {limit // 2**20} MiB)")
    return data


def _url_entries(url: str) -> Iterator[Entry]:
    """The files under an fsspec URL (or the URL itself when it names a file), classified
    as in a folder: by name, else by their first bytes."""
    fs, root = _fsspec().core.url_to_fs(url)
    if not fs.isdir(root):
        yield Entry(url, PAGE, 0)  # named: always tried, the reader says why it cannot be
        return
    for found in sorted(fs.find(root)):
        name = fs.unstrip_protocol(found)
        relative = found[len(root.rstrip("/")) + 1:]
        size = int(fs.info(found).get("size") or 0)
        if any(part.startswith(".") for part in relative.split("/")):
            yield Entry(name, SKIP, size, "hidden file")
            continue
        lowered = relative.lower()
        if _is_warc_name(lowered):
            yield Entry(name, SKIP, size, "WARC file at a URL (web archives are read from local or mounted paths)")
            continue
        suffix = Path(lowered[:-3] if lowered.endswith(".gz") else lowered).suffix
        if suffix in HTML_SUFFIXES or suffix in TEXT_SUFFIXES:
            yield Entry(name, PAGE, size)
            continue
        if suffix in _NOT_PAGES:
            yield Entry(name, SKIP, size, f"not a page ({suffix})")
            continue
        with fs.open(found, "rb") as fh:
            head = fh.read(4096)
        if head.startswith(_GZIP_MAGIC):
            try:
                head = zlib.decompressobj(31).decompress(head, 4096)
            except zlib.error:
                head = b""
        if looks_like_html(head.decode("utf-8", "replace")):
            yield Entry(name, PAGE, size)
        else:
            yield Entry(name, SKIP, size, f"not a page ({suffix or 'no suffix'}, and its content is not HTML)")


_NOT_REGULAR = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))
LINK_SKIPS = ("link to a file outside the folder", "broken or looping link")
"""Skips shown even without ``--verbose``: what a folder's links would have read."""


def not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read (a named pipe blocks, a device never ends), or None."""
    if stat.S_ISREG(mode):
        return None
    what = next((what for test, what in _NOT_REGULAR if test(mode)), "not a file")
    return "is a directory" if what == "a directory" else f"not a regular file ({what})"


def _link_skip(path: Path, root: Path | None, follow_links: bool) -> str | None:
    """Why a link found in a folder is not followed, or None: a loop or a dangling link, or
    (unless ``follow_links``) one that leads out of the folder given."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return LINK_SKIPS[1]
    if follow_links or root is None or target.is_relative_to(root):
        return None
    return f"{LINK_SKIPS[0]} ({target}; ingest --follow-links reads it)"


def _classify(path: Path, named: bool, root: Path | None = None, follow_links: bool = False) -> Entry:
    """A file as a page, a WARC or a skip: by its name, else by its first bytes.  A file
    named on the command line is always tried; one found in a folder must look the part,
    be a regular file, and (unless ``follow_links``) not be a link out of the folder."""
    name = path.name.lower()
    why = _link_skip(path, root, follow_links) if not named and path.is_symlink() else None
    try:
        found = path.stat()  # once: the kind of file and its size
        why = why or not_regular(found.st_mode)
    except OSError as exc:
        found, why = None, why or f"cannot read: {exc.strerror or exc}"
    if why:  # named: the reader refuses it in one line, without opening it
        return Entry(str(path), PAGE, 0) if named else Entry(str(path), SKIP, 0, why)
    size = found.st_size if found else 0
    if _is_warc_name(name):
        return Entry(str(path), WARC, size)
    inner = name[:-3] if name.endswith(".gz") else name
    suffix = Path(inner).suffix
    if suffix in HTML_SUFFIXES or suffix in TEXT_SUFFIXES:
        return Entry(str(path), PAGE, size)
    head = _head(path)
    if head is not None and head.startswith(b"WARC/"):
        return Entry(str(path), WARC, size)
    if named or head is None:
        return Entry(str(path), PAGE, size)  # the reader says why it cannot be read, if it cannot
    if suffix in _NOT_PAGES:
        return Entry(str(path), SKIP, size, f"not a page ({suffix})")
    if looks_like_html(head.decode("utf-8", "replace")):
        return Entry(str(path), PAGE, size)
    if name.endswith(".gz"):
        return Entry(str(path), SKIP, size, "gzip file holding neither a page nor a WARC")
    return Entry(str(path), SKIP, size, f"not a page ({suffix or 'no suffix'}, and its content is not HTML)")


def _walk(folder: Path, follow_links: bool = False) -> Iterator[Entry]:
    root = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            if name.startswith("."):
                yield Entry(str(here / name), SKIP, 0, "hidden folder")
            elif (here / name).is_symlink():
                yield Entry(str(here / name), SKIP, 0, "link to a folder (not followed)")
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith("."):
                yield Entry(str(here / name), SKIP, _size(here / name), "hidden file")
            else:
                yield _classify(here / name, named=False, root=root, follow_links=follow_links)


def find_entries(paths: Iterable[str | os.PathLike[str]], *, follow_links: bool = False) -> Iterator[Entry]:
    """Every file the paths name, in a stable order: named files are always tried;
    inside folders (read recursively) pages and WARC files are taken, and everything else
    is listed as skipped, with the reason."""
    for raw in paths:
        if isinstance(raw, str) and is_url(raw):
            yield from _url_entries(raw)
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, follow_links)
        else:
            yield _classify(path, named=True)


def find_inputs(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """The files to read (pages and WARC files) among the paths, in a stable order."""
    for entry in find_entries(paths):
        if entry.kind != SKIP:
            yield entry.path


@dataclass(frozen=True, slots=True)
class Inputs:
    """What a set of paths names, found once (folders walked once)."""

    entries: tuple[Entry, ...]

    @classmethod
    def find(cls, paths: Iterable[str | os.PathLike[str]], *, follow_links: bool = False) -> Inputs:
        return cls(tuple(find_entries(paths, follow_links=follow_links)))

    @property
    def files(self) -> tuple[str, ...]:
        """The files to read: pages and WARC files."""
        return tuple(e.path for e in self.entries if e.kind != SKIP)

    @property
    def skipped(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind == SKIP)

    @property
    def total_bytes(self) -> int:
        """Bytes of every input: what a progress bar counts (one WARC may hold thousands of
        captures, so files alone would say little)."""
        return sum(e.size for e in self.entries)

    def expected_captures(self) -> int:
        """About how many captures reading will give: one per page, a WARC by its size."""
        return sum(1 if e.kind == PAGE else max(1, e.size // WARC_BYTES_PER_CAPTURE)
                   for e in self.entries if e.kind != SKIP)

    def __len__(self) -> int:
        return sum(1 for e in self.entries if e.kind != SKIP)

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)


# ---------------------------------------------------------------------------- reading


def read_file(path: str) -> Capture:
    """The capture a loose file (or an fsspec URL) holds (a gzip-compressed file: the page
    inside it); OSError when it cannot be read, InputError when it is no regular file, too
    large, or its compression is damaged."""
    source = source_of(path)
    data = read_bytes(source)
    if data.startswith(_GZIP_MAGIC):
        data = gunzip(data, path)
    return Capture.of(data, path, source)


def read_page(entry: Entry) -> Read | Failure:
    try:
        capture = read_file(entry.path)
    except OSError as exc:
        return Failure(entry.path, f"cannot read: {exc.strerror or exc}", entry.size)
    except InputError as exc:
        return Failure(entry.path, exc.reason, entry.size)
    return Read(capture, entry.size or len(capture.data))


def read_inputs(inputs: Inputs | Iterable[str]) -> Iterator[Item]:
    """Every item the inputs hold, in order: skips as found, pages read once, WARC files
    streamed record by record."""
    from .warc import read_warc  # warcio, only where web archives are read

    entries = inputs.entries if isinstance(inputs, Inputs) else Inputs.find(inputs).entries
    for entry in entries:
        if entry.kind == SKIP:
            yield Skip(entry.path, entry.reason or "skipped", entry.size)
        elif entry.kind == WARC:
            yield from read_warc(entry.path)
        else:
            yield read_page(entry)


def reread(source: str) -> bytes | None:
    """The bytes a stored source still gives (a file, or a WARC record at its offset), or
    None when it can no longer be read: where a lost original may be restored from."""
    path, hash_mark, offset = source.rpartition("#")
    if hash_mark and offset.isdigit() and os.path.isfile(path):
        from .warc import read_record_at

        return read_record_at(path, int(offset))
    try:
        return read_file(source).data
    except (OSError, InputError):
        return None


def extract_file(path: str | os.PathLike[str], *, now: datetime | None = None) -> Record:
    """A file's record, read and extracted but stored nowhere (``archive extract``)."""
    name = os.fspath(path)
    try:
        capture = read_file(name)
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from exc
    return extract_capture(capture, now=now)


def extract_items(paths: Iterable[str | os.PathLike[str]], *, now: datetime | None = None,
                  ) -> Iterator[tuple[str, Record | None, str | None]]:
    """(name, record, None) or (name, None, reason) for every capture the paths hold,
    pages and WARC records alike, stored nowhere (``archive extract``); skips are left out."""
    for item in read_inputs(Inputs.find(paths)):
        if isinstance(item, Read):
            try:
                yield item.name, extract_capture(item.capture, now=now), None
            except InputError as exc:
                yield item.name, None, exc.reason
        elif isinstance(item, Failure):
            yield item.name, None, item.reason


__all__ = ["Entry", "Failure", "Inputs", "Item", "Read", "Revisit", "Skip", "extract_file", "extract_items",
           "find_entries", "find_inputs", "gunzip", "is_url", "read_bytes", "read_file", "read_inputs", "reread",
           "source_of"]
