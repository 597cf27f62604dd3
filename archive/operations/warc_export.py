"""``archive export --format warc``: the archive's captures out as WARC/1.1, faithfully.

    warcinfo -> for each selected article (id order), each version (oldest first):
        its original as a ``response`` record with the HTTP headers it was served with
        (a ``resource`` record for a capture that came from a loose file or a WARC
        resource record), then a ``metadata`` record (``application/json``: the record's
        fields and provenance, the version) that refers to it

One gzip member per record; one original in memory at a time; with a size limit the
output rolls over to numbered files, each starting with its own warcinfo and holding whole
(original, metadata) pairs.  A file appears under its name only once it is complete.

The payload written is the original as stored: the body after transfer and content
encoding were removed.  So the HTTP headers that described those encodings
(``Transfer-Encoding``, ``Content-Encoding``) and a ``Content-Length`` that no longer fits
are kept under ``X-Archive-Orig-`` names, and ``Content-Length`` gives the payload's length;
every other header is as it was.  Record ids are derived from the capture (article,
version, SHA-256), so exporting the same captures again writes the same records.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from archive.contract.captures import Envelope, header
from archive.contract.errors import NotFoundError, StoreError
from archive.contract.records import Record
from archive.extraction.decode import looks_like_html
from archive.extraction.extract import HTML_SUFFIXES
from archive.storage.originals import OriginalStore
from archive.storage.store import RecordStore

_NAMESPACE = uuid.UUID("5b0f3c2e-8d0a-4d55-9a57-7d7c2a1e0c11")
_ENCODING_HEADERS = ("Transfer-Encoding", "Content-Encoding")
_ORIG = "X-Archive-Orig-"
BATCH = 500
_BUILDER = RecordBuilder(warc_version="1.1")


@dataclass(slots=True)
class WarcExport:
    """What an export wrote: versions (original + metadata pairs), articles, files."""

    articles: int = 0
    versions: int = 0
    files: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"articles": self.articles, "versions": self.versions, "files": self.files}


def _software() -> str:
    try:
        return f"article-archive/{metadata.version('article-archive')}"
    except metadata.PackageNotFoundError:
        return "article-archive"


def _record_id(*parts: object) -> str:
    return f"<urn:uuid:{uuid.uuid5(_NAMESPACE, ':'.join(str(p) for p in parts))}>"


def warc_date(iso: str) -> str:
    """``2024-01-01T09:30:00.5+00:00`` as a WARC/1.1 date, ``2024-01-01T09:30:00.500000Z``."""
    when = datetime.fromisoformat(iso)
    if when.utcoffset():
        when = when - when.utcoffset()  # type: ignore[operator]
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (when.strftime(".%f") if when.microsecond else "") + "Z"


def _file_uri(path: str) -> str:
    return "file://" + quote(path if path.startswith("/") else "/" + path)


def _http_headers(envelope: Envelope, size: int) -> Any:
    """The kept HTTP headers, fitted to the decoded payload (see the module docstring)."""
    parser = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/2.0"], verify=False)
    http = parser.parse(io.BytesIO((envelope.http_headers or "").encode("utf-8") + b"\r\n"))
    for name in _ENCODING_HEADERS:
        value = http.get_header(name)
        if value is not None and value.strip().lower() != "identity":
            http.remove_header(name)
            http.add_header(_ORIG + name, value)
    length = http.get_header("Content-Length")
    if length is not None and length.strip() != str(size):
        http.add_header(_ORIG + "Content-Length", length)
    http.replace_header("Content-Length", str(size))
    return http


def _loose_media_type(record: Record, data: bytes) -> str:
    """How a loose file was read: an HTML page, or a plain-text capture."""
    name = record.source_path.lower()
    suffix = Path(name[:-3] if name.endswith(".gz") else name).suffix
    if suffix in HTML_SUFFIXES or looks_like_html(data[:8192].decode("utf-8", "replace")):
        return "text/html"
    return "text/plain"


class WarcWriter:
    """Pairs of records into one stream, or into files rolled over at ``max_size``."""

    def __init__(self, target: str | IO[bytes], *, max_size: int | None = None, info: dict[str, str]) -> None:
        self.target = target
        self.max_size = max_size
        self.info = info
        self.part = 0
        self.files: list[str] = []
        self.out: IO[bytes] | None = None
        self.tmp: str | None = None
        self.name: str | None = None
        self.pairs = 0
        self.gzip = not (isinstance(target, str) and target.endswith(".warc"))

    def _path(self) -> str:
        assert isinstance(self.target, str)
        if self.max_size is None:
            return self.target
        for ext in (".warc.gz", ".warc"):
            if self.target.endswith(ext):
                return f"{self.target[: -len(ext)]}-{self.part:05d}{ext}"
        return f"{self.target}-{self.part:05d}"

    def start(self) -> None:
        """Begin a file (or the stream) with its warcinfo record."""
        if isinstance(self.target, str):
            self.name = self._path()
            folder = os.path.dirname(os.path.abspath(self.name))
            try:
                fd, self.tmp = tempfile.mkstemp(prefix=".export-", dir=folder)
            except OSError as exc:
                raise StoreError(f"{self.name}: cannot write the export: {exc.strerror or exc}") from exc
            self.out = os.fdopen(fd, "wb")
        else:
            self.name = None
            self.out = self.target
        self.writer = WARCWriter(self.out, gzip=self.gzip, warc_version="1.1")
        filename = os.path.basename(self.name) if self.name else None
        self.writer.write_record(self.writer.create_warcinfo_record(filename, self.info))
        self.pairs = 0

    def write(self, records: list[Any]) -> None:
        """Write records that belong together (an original and its metadata) into one file."""
        if self.out is None:
            self.start()
        elif self.max_size is not None and self.pairs and self.out.tell() >= self.max_size:
            self.close()
            self.part += 1
            self.start()
        for record in records:
            self.writer.write_record(record)
        self.pairs += 1

    def close(self) -> None:
        """Finish the current file: flushed, synced, and renamed to its name."""
        out, self.out = self.out, None
        if out is None or self.tmp is None:
            if out is not None:
                out.flush()
            return
        try:
            out.flush()
            os.fsync(out.fileno())
            out.close()
            os.replace(self.tmp, self.name or "")
        except OSError as exc:
            raise StoreError(f"{self.name}: cannot write the export: {exc.strerror or exc}") from exc
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
            self.tmp = None
        self.files.append(self.name or "")

    def abandon(self) -> None:
        if self.tmp is not None:
            if self.out is not None:
                self.out.close()
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
        self.out = self.tmp = None


def records_for(record: Record, version: int, current: bool, reextracted_at: str | None,
                data: bytes, envelope: Envelope | None) -> list[Any]:
    """The original's record and its metadata record, for one version of an article."""
    writer = _BUILDER
    original_id = _record_id("original", record.id, version, record.sha256)
    if envelope is not None and envelope.record_type == "response" and envelope.http_headers:
        kind, uri = "response", envelope.target_uri or record.url or _file_uri(record.source_path)
        date = envelope.warc_date or warc_date(record.captured_at or record.ingested_at)
        headers = {"WARC-Record-ID": original_id, "WARC-Date": date}
        address = header(envelope.warc_headers, "WARC-IP-Address")
        if address:
            headers["WARC-IP-Address"] = address
        original = writer.create_warc_record(uri, kind, payload=io.BytesIO(data), length=len(data),
                                             http_headers=_http_headers(envelope, len(data)),
                                             warc_headers_dict=headers)
    else:
        kind = "resource"
        if envelope is not None:
            uri = envelope.target_uri or _file_uri(record.source_path)
            date = envelope.warc_date or warc_date(record.captured_at or record.ingested_at)
            media = envelope.content_type or _loose_media_type(record, data)
        else:
            uri, date = _file_uri(record.source_path), warc_date(record.ingested_at)
            media = _loose_media_type(record, data)
        headers = {"WARC-Record-ID": original_id, "WARC-Date": date}
        original = writer.create_warc_record(uri, kind, payload=io.BytesIO(data), length=len(data),
                                             warc_content_type=media, warc_headers_dict=headers)
    about: dict[str, Any] = {
        "article_id": record.id, "version": version, "current": current, "reextracted_at": reextracted_at,
        "record": record.to_dict(),
    }
    if envelope is not None:  # the record it was read from, as that WARC named it
        about["captured_from"] = {"record_id": envelope.record_id, "payload_digest": envelope.payload_digest,
                                  "record_type": envelope.record_type}
    body = json.dumps(about, ensure_ascii=False, sort_keys=True).encode("utf-8")
    meta_headers = {
        "WARC-Record-ID": _record_id("metadata", record.id, version, record.sha256),
        "WARC-Date": date, "WARC-Refers-To": original_id, "WARC-Concurrent-To": original_id,
    }
    described = writer.create_warc_record(uri, "metadata", payload=io.BytesIO(body), length=len(body),
                                          warc_content_type="application/json",
                                          warc_headers_dict=meta_headers)
    return [original, described]


def _all_ids(store: RecordStore) -> Iterator[str]:
    last = ""
    while ids := store.ids_after(last, BATCH):
        yield from ids
        last = ids[-1]


def export_warc(store: RecordStore, originals: OriginalStore, ids: Iterable[str] | None,
                target: str | IO[bytes], *, max_size: int | None = None,
                description: str | None = None) -> WarcExport:
    """Write every version of the selected articles (all, or ``ids`` in that order) as WARC
    records to ``target`` (a file name, or a binary stream); returns what was written.
    An original that cannot be read stops the export with a StoreError naming it, and no
    file of it is left half-written."""
    info = {"software": _software(), "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "description": description or "every article of an article-archive home"}
    sink = WarcWriter(target, max_size=max_size, info=info)
    done = WarcExport()
    try:
        for article_id in (_all_ids(store) if ids is None else ids):
            try:
                current = store.current_version(article_id)
            except NotFoundError:
                continue  # forgotten since the query ran
            rows = store.version_rows(article_id)
            for row in rows:
                record = Record.from_json(row["record"])
                data = originals.get(row["sha256"])
                envelope = store.headers_for(record.source_path, row["sha256"])
                sink.write(records_for(record, row["version"], row["version"] == current,
                                       row["reextracted_at"], data, envelope))
                done.versions += 1
            done.articles += 1
        if sink.out is None:
            sink.start()  # an empty selection still makes a valid WARC: its warcinfo
        sink.close()
    except BaseException:
        sink.abandon()
        raise
    done.files = sink.files
    return done
