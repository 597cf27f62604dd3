"""WARC files for tests, written with warcio the way crawlers write them: per-record gzip
(or not), chunked and gzip-encoded payloads, revisits, requests, non-pages."""

from __future__ import annotations

import gzip as gzipping
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True, slots=True)
class Written:
    offset: int
    record_id: str
    payload_digest: str | None
    url: str
    date: str


def _chunked(body: bytes, size: int = 700) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


class WarcBuilder:
    """Records appended to one WARC file; ``offsets`` are where each record starts."""

    def __init__(self, path: Path, *, gzip: bool = True, version: str = "1.1") -> None:
        self.path = path
        self.fh = open(path, "wb")  # noqa: SIM115 -- closed by close()
        self.writer = WARCWriter(self.fh, gzip=gzip, warc_version=version)
        self.written: list[Written] = []

    def _write(self, record) -> Written:  # noqa: ANN001 -- a warcio record
        offset = self.fh.tell()
        self.writer.write_record(record)
        headers = record.rec_headers
        done = Written(offset, headers.get_header("WARC-Record-ID"), headers.get_header("WARC-Payload-Digest"),
                       headers.get_header("WARC-Target-URI") or "", headers.get_header("WARC-Date"))
        self.written.append(done)
        return done

    def warcinfo(self) -> Written:
        return self._write(self.writer.create_warcinfo_record(self.path.name, {"software": "tests/warcs.py"}))

    def response(self, url: str, body: bytes, *, content_type: str | None = "text/html; charset=utf-8",
                 date: str = "2021-05-03T10:00:00Z", chunked: bool = False, encoding: str | None = None,
                 status: str = "200 OK", headers: tuple[tuple[str, str], ...] = ()) -> Written:
        """A response; ``encoding`` ("gzip", "deflate", "br") compresses the body as a server would,
        ``chunked`` sends it in chunks (after compressing)."""
        payload = body
        http = [("Server", "tests")] + list(headers)
        if content_type:
            http.append(("Content-Type", content_type))
        if encoding == "gzip":
            payload = gzipping.compress(payload, mtime=0)
            http.append(("Content-Encoding", "gzip"))
        elif encoding == "br":
            import brotli

            payload = brotli.compress(payload)
            http.append(("Content-Encoding", "br"))
        elif encoding == "deflate":
            payload = zlib.compress(payload)
            http.append(("Content-Encoding", "deflate"))
        if chunked:
            payload = _chunked(payload)
            http.append(("Transfer-Encoding", "chunked"))
        else:
            http.append(("Content-Length", str(len(payload))))
        record = self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(payload), length=len(payload),
            http_headers=StatusAndHeaders(status, http, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date, "WARC-IP-Address": "192.0.2.7"})
        return self._write(record)

    def resource(self, url: str, body: bytes, *, content_type: str = "text/html",
                 date: str = "2021-05-03T10:00:00Z") -> Written:
        record = self.writer.create_warc_record(url, "resource", payload=io.BytesIO(body), length=len(body),
                                                warc_content_type=content_type,
                                                warc_headers_dict={"WARC-Date": date})
        return self._write(record)

    def request(self, url: str, date: str = "2021-05-03T10:00:00Z") -> Written:
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
        record = self.writer.create_warc_record(url, "request", http_headers=http,
                                                warc_headers_dict={"WARC-Date": date})
        return self._write(record)

    def revisit(self, of: Written, *, url: str | None = None, date: str = "2021-06-01T10:00:00Z",
                with_http: bool = True) -> Written:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1") if with_http else None
        record = self.writer.create_revisit_record(url or of.url, of.payload_digest, of.url, of.date,
                                                   http_headers=http, warc_headers_dict={"WARC-Date": date})
        return self._write(record)

    def metadata(self, url: str, body: bytes) -> Written:
        record = self.writer.create_warc_record(url, "metadata", payload=io.BytesIO(body), length=len(body),
                                                warc_content_type="application/json")
        return self._write(record)

    def close(self) -> Path:
        self.fh.close()
        return self.path

    def __enter__(self) -> WarcBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
