"""A capture: the bytes of one page as they were fetched, and where they came from.

The pipeline's unit.  Sources (a file, a folder, a WARC record) yield captures;
extraction turns one into a Record; storage keeps its bytes under their SHA-256, which is
computed once, here.  A capture that came out of a web archive also has an ``Envelope``:
its WARC and HTTP headers, kept beside the original so an export can give them back.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Capture:
    data: bytes
    name: str  # as the user named it: shown in messages, its suffix read as the page's type
    source: str  # where the bytes came from, stable across runs: an absolute file path, or
    #              for a WARC record the WARC's absolute path and the record's offset
    #              (``/abs/crawl.warc.gz#12345``)
    sha256: str
    url: str | None = None  # the address it was fetched from, when the source knows it
    captured_at: str | None = None  # when it was fetched (ISO 8601), when the source knows it
    content_type: str | None = None  # the media type it was served with (HTTP Content-Type), if known

    @classmethod
    def of(cls, data: bytes, name: str, source: str, **known: str | None) -> Capture:
        return cls(data, name, source, hashlib.sha256(data).hexdigest(), **known)


@dataclass(frozen=True, slots=True)
class Envelope:
    """What a web archive said about a capture: enough to write it back as it came.

    ``warc_headers`` and ``http_headers`` are the header blocks as text (status line first,
    CRLF line ends); the other fields are read out of them for lookups.
    """

    record_type: str  # response | resource | revisit
    warc_headers: str
    http_headers: str | None = None
    target_uri: str | None = None
    warc_date: str | None = None  # ISO 8601, as the WARC-Date header gives it
    record_id: str | None = None  # WARC-Record-ID
    payload_digest: str | None = None  # WARC-Payload-Digest, e.g. "sha1:3I42H3S6..."

    @property
    def content_type(self) -> str | None:
        """The payload's media type: the HTTP ``Content-Type``, or a resource record's own."""
        return header(self.http_headers if self.http_headers is not None else self.warc_headers, "Content-Type")


def header(block: str | None, name: str) -> str | None:
    """A header's value out of a header block kept as text (the first, when repeated)."""
    if not block:
        return None
    match = re.search(rf"^{re.escape(name)}[ \t]*:[ \t]*(.*?)[ \t]*\r?$", block, re.IGNORECASE | re.MULTILINE)
    return match.group(1) if match else None
