"""What reading an input gives: a capture to ingest, a WARC revisit, a skip or a failure.

Each item names itself (as messages show it: ``page.html``, ``crawl.warc.gz#12345``) and
says how many bytes of its input it took, which is what a progress bar counts.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from archive.contract.captures import Capture, Envelope
from archive.contract.errors import InputError
from archive.contract.settings import current


@dataclass(frozen=True, slots=True)
class Read:
    """A capture to ingest, with the bytes of its input it took and, from a WARC, its headers."""

    capture: Capture
    size: int
    envelope: Envelope | None = None

    @property
    def name(self) -> str:
        return self.capture.name


@dataclass(frozen=True, slots=True)
class Revisit:
    """A WARC revisit record: this address served the same payload as an earlier capture."""

    name: str
    source: str
    size: int
    payload_digest: str | None
    refers_to: str | None  # the WARC-Record-ID of the capture it repeats, when given


@dataclass(frozen=True, slots=True)
class Skip:
    """Something read and left out on purpose (not a page, a request record...), and why."""

    name: str
    reason: str
    size: int = 0


@dataclass(frozen=True, slots=True)
class Failure:
    """Something that should have been a capture and could not be read."""

    name: str
    reason: str
    size: int = 0


Item = Read | Revisit | Skip | Failure



def _amount(size: int) -> str:
    return f"{size / 2**20:.3g} MiB" if size >= 2**20 else f"{size:,} bytes"


def gunzip(data: bytes, name: str) -> bytes:
    """The bytes a gzip stream holds; InputError if damaged, or as soon as it unpacks past
    the page size limit (a small file that unpacks to gigabytes costs no more than that)."""
    limit = current().max_page_bytes + 1
    inflater = zlib.decompressobj(31)
    try:
        out = inflater.decompress(data, limit)
    except zlib.error as exc:
        raise InputError(name, f"damaged gzip data: {exc}") from exc
    if len(out) == limit:
        raise InputError(name, f"gzip data expands past the size limit ({_amount(limit - 1)}), "
                               "not expanded further")
    if not inflater.eof:
        raise InputError(name, "truncated gzip data: the compressed stream stops early")
    return out
