"""A capture: the bytes of one page as they were fetched, and where they came from.

The pipeline's unit.  Sources (a file, a folder, later a WARC record) yield captures;
extraction turns one into a Record; storage keeps its bytes under their SHA-256, which is
computed once, here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Capture:
    data: bytes
    name: str  # as the user named it: shown in messages, its suffix read as the page's type
    source: str  # where the bytes came from, stable across runs: an absolute file path
    sha256: str
    url: str | None = None  # the address it was fetched from, when the source knows it
    captured_at: str | None = None  # when it was fetched (ISO 8601), when the source knows it

    @classmethod
    def of(cls, data: bytes, name: str, source: str, **known: str | None) -> Capture:
        return cls(data, name, source, hashlib.sha256(data).hexdigest(), **known)
