"""Web archives in: a WARC file read record by record into captures (a source).

    .warc / .warc.gz -> each record, streamed by warcio
      response, resource with an HTML or text payload -> a capture (the payload through
          ``content_stream()``: chunking and content-encoding removed), its WARC and HTTP
          headers as its envelope, its target URI, date and Content-Type as hints
      revisit -> resolved by the ingest to the capture whose payload it repeats
      warcinfo, request, metadata, non-pages, errors and redirects -> skipped, by reason
      a damaged or truncated record -> one failure naming the file and offset; reading
          goes on at the next record that starts cleanly

Where a record came from is ``/abs/crawl.warc.gz#OFFSET``: the offset of its gzip member
(as CDX indexes give it), or of its first byte in an uncompressed WARC.  A WARC gzipped as
one stream instead of per record is read as well, through that stream; its offsets are
then positions in the uncompressed bytes.  Memory holds one record's payload at a time.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataException
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from archive.contract.captures import Capture, Envelope
from archive.contract.errors import InputError
from archive.contract.settings import current
from archive.extraction.decode import looks_like_html, media_type
from archive.extraction.extract import PAGE_TYPES

from .gzstream import Inflating, one_stream
from .items import Failure, Item, Read, Revisit, Skip, gunzip

_DAMAGE = (ArchiveLoadFailed, StatusAndHeadersParserException, ChunkedDataException, zlib.error, EOFError,
           ValueError, IndexError)
_PAGE_MEDIA = PAGE_TYPES | {"text/plain"}
_SKIPPED_TYPES = frozenset({"warcinfo", "request", "metadata", "conversion", "continuation"})
_GZIP_MEMBER = b"\x1f\x8b\x08"
_RECORD_LINE = re.compile(rb"WARC/1\.[01]\r?\n")
_WINDOW = 1 << 20
_BLOCK = 1 << 16

# warcio decodes "Content-Encoding: br" through the API of brotlipy, an unmaintained binding
# that Google's brotli (a dependency here) does not match; its hook then fails on every
# brotli payload.  So warcio is left to undo chunking only, and brotli is decoded here.
BufferedReader.DECOMPRESSORS.pop("br", None)


def _quiet() -> contextlib.AbstractContextManager[Any]:
    """warcio writes some of its complaints to stderr; here each becomes one failure line."""
    return contextlib.redirect_stderr(io.StringIO())


def _said(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if text.startswith(("Invalid WARC record", "Unknown archive format")):
        return "no WARC record header where a record should start"
    text = "".join(c if c.isprintable() and ord(c) < 0x2500 else "?" for c in text)
    return text if len(text) <= 120 else text[:117] + "..."


def _iso(value: str | None) -> str | None:
    try:
        when = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return when.isoformat() if when is not None and when.tzinfo is not None else None


class _Damaged(Exception):
    """A record that cannot be read, with why."""


class _WholeStream(Exception):
    """The file is one gzip stream, not one member per record."""


class WarcReader:
    """The items of one WARC file, in order (see the module docstring)."""

    def __init__(self, fh: IO[bytes], name: str, source: str, size: int) -> None:
        self.fh = fh
        self.name = name
        self.source = source
        self.size = size
        self.gzipped = fh.read(3) == _GZIP_MEMBER
        fh.seek(0)
        self.stream: IO[bytes] = fh  # the file, or the one gzip stream it is
        self.whole = False
        if self.gzipped and one_stream(fh):
            self.read_asone_stream()

    def read_asone_stream(self) -> None:
        self.whole = True
        self.stream = Inflating(self.fh)

    # -------------------------------------------------------------- the records

    def items(self) -> Iterator[Item]:
        start: int | None = 0
        given = skip = 0  # records given so far; records to pass over, read again from the top
        last: Item | None = None
        while start is not None:
            try:
                for item in self._from(start, skip=skip):
                    given += 1
                    last = item
                    yield item
                cut = isinstance(self.stream, Inflating) and (self.stream.truncated or self.stream.damage)
                if cut and not isinstance(last, Failure):  # else the last record said it already
                    why = self.stream.damage or "truncated gzip stream: the file ends before its compressed data does"
                    yield Failure(last.name if last else self.name, f"{why}; the records before it were read")
                return
            except _WholeStream:
                # One gzip stream: read it again through gzip, past the records already given.
                self.read_asone_stream()
                start, skip = 0, given
            except _Damaged as exc:
                skip = 0
                offset, reason = exc.args
                start = self._next_start(offset + 1)
                if reason is not None:
                    end = start if start is not None else self.size
                    yield Failure(f"{self.name}#{offset}", reason, 0 if self.whole else max(0, end - offset))

    def _from(self, start: int, *, skip: int) -> Iterator[Item]:
        """Items from the record at ``start`` on; raises _Damaged at the first bad record."""
        self.stream.seek(start)
        records = ArchiveIterator(self.stream)
        walker = iter(records)
        seen = 0
        while True:
            offset = records.offset
            before = self.fh.tell()
            with _quiet():
                try:
                    record = next(walker)
                except StopIteration:
                    return
                except ArchiveLoadFailed as exc:
                    if "non-chunked gzip" in str(exc) and not self.whole:
                        raise _WholeStream() from exc
                    raise _Damaged(offset, f"damaged record: {_said(exc)}") from exc
                except _DAMAGE as exc:
                    raise _Damaged(offset, f"damaged record: {_said(exc)}") from exc
                except OSError as exc:
                    raise _Damaged(offset, f"cannot read: {exc.strerror or exc}") from exc
                complaints = records.err_count
                try:
                    item = self._item(record, offset) if seen >= skip else None
                    length = records.get_record_length()
                except _DAMAGE as exc:
                    raise _Damaged(offset, f"damaged record: {_said(exc)}") from exc
            seen += 1
            if item is None:
                continue
            used = self.fh.tell() - before if self.whole else length
            if records.err_count > complaints:
                # Its Content-Length is wrong, so warcio's idea of where the next record
                # starts is too: look for it from here.
                yield Failure(item.name, "damaged record: it does not end where its Content-Length says",
                              max(0, used))
                raise _Damaged(offset, None)
            yield _sized(item, max(0, used))

    # ----------------------------------------------------------------- one record

    def _item(self, record: Any, offset: int) -> Item:
        name = f"{self.name}#{offset}"
        if record.length is None or not record.rec_type:
            return Failure(name, "damaged record: its header has no " + (
                "WARC-Type" if not record.rec_type else "Content-Length"))
        kind = record.rec_type
        if kind == "revisit":
            return self._revisit(record, name, offset)
        if kind in _SKIPPED_TYPES or kind not in ("response", "resource"):
            return Skip(name, f"{kind} record")
        http = record.http_headers
        if http is not None:
            status = http.get_statuscode()
            if not status.startswith("2"):
                return Skip(name, f"HTTP {status} response")
            content_type = http.get_header("Content-Type")
        else:
            content_type = record.content_type
        media = media_type(content_type)
        if media is not None and media not in _PAGE_MEDIA:
            return Skip(name, f"not a page ({media})")
        data, reason = _payload(record)
        if reason:
            return Failure(name, reason)
        if not data.strip():
            return Skip(name, f"{kind} with an empty payload")
        if media is None and not looks_like_html(data[:8192].decode("utf-8", "replace")):
            return Skip(name, "not a page (no Content-Type, and the payload is not HTML)")
        headers = record.rec_headers
        url = headers.get_header("WARC-Target-URI")
        envelope = Envelope(
            record_type=kind, warc_headers=headers.to_str(), http_headers=http.to_str() if http else None,
            target_uri=url, warc_date=headers.get_header("WARC-Date"),
            record_id=headers.get_header("WARC-Record-ID"),
            payload_digest=headers.get_header("WARC-Payload-Digest"),
        )
        capture = Capture.of(data, name, f"{self.source}#{offset}", url=url,
                             captured_at=_iso(envelope.warc_date), content_type=content_type)
        return Read(capture, 0, envelope)

    def _revisit(self, record: Any, name: str, offset: int) -> Item:
        http = record.http_headers
        media = media_type(http.get_header("Content-Type")) if http is not None else None
        if media is not None and media not in _PAGE_MEDIA:
            return Skip(name, f"not a page ({media})")
        headers = record.rec_headers
        digest = headers.get_header("WARC-Payload-Digest")
        refers_to = headers.get_header("WARC-Refers-To")
        if not digest and not refers_to:
            return Skip(name, "revisit record that names no earlier capture")
        return Revisit(name, f"{self.source}#{offset}", 0, digest, refers_to)

    # ------------------------------------------------------------- resynchronizing

    def _next_start(self, pos: int) -> int | None:
        """Where the next record that starts cleanly begins, at or after ``pos``."""
        with contextlib.suppress(OSError, EOFError, zlib.error):
            member = self.gzipped and not self.whole
            marker = _GZIP_MEMBER if member else b"WARC/1."
            while True:
                self.stream.seek(pos)
                window = self.stream.read(_WINDOW)
                if not window:
                    return None
                at = window.find(marker)
                while at >= 0:
                    if self._starts_here(pos + at, member):
                        return pos + at
                    at = window.find(marker, at + 1)
                pos += max(1, len(window) - len(marker))
        return None

    def _starts_here(self, pos: int, member: bool) -> bool:
        self.stream.seek(pos)
        block = self.stream.read(_BLOCK)
        if member:
            try:
                block = zlib.decompressobj(31).decompress(block, 16)
            except zlib.error:
                return False
        elif pos > 0:
            self.stream.seek(pos - 1)
            if self.stream.read(1) != b"\n":
                return False
        return bool(_RECORD_LINE.match(block))


def _sized(item: Item, size: int) -> Item:
    if isinstance(item, Read):
        return Read(item.capture, size, item.envelope)
    if isinstance(item, Revisit):
        return Revisit(item.name, item.source, size, item.payload_digest, item.refers_to)
    return type(item)(item.name, item.reason, size)


def _payload(record: Any) -> tuple[bytes, str | None]:
    """A record's payload, decoded for transfer and content encoding, and the reason it
    cannot be used (too large, cut off), if any.  Reads at most one byte past the limit."""
    limit = current().max_page_bytes
    stream = record.content_stream()
    parts: list[bytes] = []
    got = 0
    while got <= limit:
        chunk = stream.read(min(_BLOCK * 4, limit + 1 - got))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    raw = record.raw_stream
    while raw.read(_BLOCK * 4):
        pass
    missing = getattr(raw, "limit", 0)
    if missing > 0:
        return b"", (f"truncated record: the file ends {missing} bytes before the end its "
                     f"Content-Length ({record.length}) gives")
    if got > limit:
        return b"", f"page too large (over {limit // 2**20} MiB, the limit)"
    data = b"".join(parts)
    http = record.http_headers
    if http is not None and (http.get_header("Content-Encoding") or "").strip().lower() == "br":
        data, reason = _unbrotli(data, limit)
        if reason:
            return b"", reason
    if data.startswith(b"\x1f\x8b"):  # compressed again, or served without Content-Encoding
        with contextlib.suppress(InputError):
            data = gunzip(data, "payload")
    return data, None


def _unbrotli(data: bytes, limit: int) -> tuple[bytes, str | None]:
    import brotli

    inflater = brotli.Decompressor()
    try:
        out = inflater.process(data, output_buffer_limit=limit + 1)
    except brotli.error as exc:
        return b"", f"damaged brotli-compressed payload: {exc}"
    if len(out) > limit:
        return b"", f"page too large (over {limit // 2**20} MiB, the limit)"
    if not inflater.is_finished():
        return b"", "truncated brotli-compressed payload"
    return out, None


def read_warc(path: str) -> Iterator[Item]:
    """The items of a WARC file, streamed; a file that cannot be opened is one failure."""
    try:
        fh = open(path, "rb")  # closed below, once the generator is done
    except OSError as exc:
        yield Failure(path, f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            yield Failure(path, "empty file")
            return
        yield from WarcReader(fh, path, os.path.abspath(path), size).items()


def read_record_at(path: str, offset: int) -> bytes | None:
    """The payload of the record at ``offset`` in a WARC (as ``read_warc`` read it), or
    None when there is no readable capture there any more."""
    try:
        with open(path, "rb") as fh:
            reader = WarcReader(fh, path, os.path.abspath(path), os.fstat(fh.fileno()).st_size)
            for whole in (False, True):
                if whole and not reader.gzipped:
                    break
                if whole:
                    reader.read_asone_stream()
                with contextlib.suppress(_Damaged, _WholeStream):
                    for item in reader._from(offset, skip=0):
                        if isinstance(item, Read) and item.capture.source.endswith(f"#{offset}"):
                            return item.capture.data
                        break
    except OSError:
        return None
    return None
