"""A WARC gzipped as one stream instead of one member per record: telling it apart, and
reading it as the file of records it holds.

Per-record gzip is what the WARC standard recommends and what seeking by offset needs; some
tools still write ``gzip crawl.warc``.  ``one_stream`` finds out from the first record alone,
and ``Inflating`` reads such a file without giving up at a cut: every record before the
place the compressed data stops can still be read.
"""

from __future__ import annotations

import io
import re
import zlib
from typing import IO

_WINDOW = 1 << 20
_BLOCK = 1 << 16
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)


def one_stream(fh: IO[bytes]) -> bool:
    """Whether a gzipped WARC is one gzip stream (its first member goes on past the first
    record) rather than one member per record.  Inflates at most the first record."""
    inflater = zlib.decompressobj(31)
    out = bytearray()
    need = _BLOCK  # until the first record's header says how long it is
    try:
        fh.seek(0)
        while not inflater.eof and len(out) < need:
            data = inflater.unconsumed_tail or fh.read(_BLOCK)
            if not data:
                break
            out += inflater.decompress(data, need + 1 - len(out))
            end = out.find(b"\r\n\r\n")
            if need == _BLOCK and end >= 0:
                length = _CONTENT_LENGTH.search(bytes(out[: end + 2]))
                if length is None:
                    return False
                need = end + 4 + int(length.group(1)) + 4 + 64  # the record, its blank lines, slack
    except (zlib.error, OSError):
        return False
    finally:
        fh.seek(0)
    return not inflater.eof and len(out) >= need


class Inflating(io.RawIOBase):
    """A gzip stream (of one or more members) as a readable, seekable file of what it holds.

    Unlike ``gzip.GzipFile`` it does not raise when the compressed data stops early: it
    ends there and says so (``truncated``), so every record before the cut can be read."""

    def __init__(self, fh: IO[bytes]) -> None:
        super().__init__()
        self.fh = fh
        self.truncated = False
        self.damage: str | None = None
        self._restart()

    def _restart(self) -> None:
        self.fh.seek(0)
        self.inflater = zlib.decompressobj(31)
        self.pending = b""
        self.pos = 0
        self.done = False
        self.started = False  # the current member has had input

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence != 0:
            raise io.UnsupportedOperation("only absolute seeks")
        if pos < self.pos:
            self._restart()
        while self.pos < pos and self.read(min(_WINDOW, pos - self.pos)):
            pass
        return self.pos

    def read(self, size: int = -1) -> bytes:
        want = size if size is not None and size >= 0 else 1 << 62
        while len(self.pending) < want and not self.done:
            self._inflate()
        out, self.pending = self.pending[:want], self.pending[want:]
        self.pos += len(out)
        return out

    def _inflate(self) -> None:
        data = self.inflater.unconsumed_tail or self.fh.read(_BLOCK)
        if not data:
            self.done = True
            self.truncated = self.started and not self.inflater.eof
            return
        self.started = True
        try:
            self.pending += self.inflater.decompress(data, _WINDOW)
        except zlib.error as exc:
            self.done, self.damage = True, f"damaged gzip data: {exc}"
            return
        if self.inflater.eof:  # a member ended: another may follow
            rest = self.inflater.unused_data
            self.inflater = zlib.decompressobj(31)
            self.started = bool(rest)
            if rest:
                self.pending += self._first(rest)

    def _first(self, data: bytes) -> bytes:
        try:
            return self.inflater.decompress(data, _WINDOW)
        except zlib.error:
            self.done = True  # trailing bytes that are not gzip: the stream ends here
            return b""
