"""The metadata fields gathered for one page, and how raw values become field values.

Every source (JSON-LD, meta tags, the printed page) offers values through
``Metadata.offer``; the first trusted source to give a field its value wins, and the
source is kept beside it in ``provenance``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .authors import unescape
from .urls import host_of, web_url


@dataclass(slots=True)
class Metadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    url: str | None = None
    site: str | None = None
    language: str | None = None
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    updated: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)

    def offer(self, name: str, value: Any, source: str) -> None:
        """Set a field unless a more trusted source already did."""
        if isinstance(value, str):
            value = re.sub(r"\s+", " ", unescape(value)).strip()
            if name == "url":
                value = web_url(value)  # only a web address is the article's address
            elif name == "site":
                value = site_name(value)
        if value in (None, "", [], ()):
            return
        if getattr(self, name) in (None, "", []):
            setattr(self, name, value)
            self.provenance[name] = source


def language_code(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_\s,;]", value.strip().lower())[0]
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


# What a tag never is: punctuation ('"', "-"), an id number ("18153161"), a system flag
# ("_no-apple-news"), a machine field ("contentId: 15cd...", "content-type: Feature",
# "locale: US"), an address.
_MACHINE_FIELD_RE = re.compile(r"^[a-z][\w-]*\s*[:=]\s*\S")
_ADDRESS_RE = re.compile(r"@|://|^www\.", re.I)
_HEX_ID_RE = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}|^[0-9a-f]{16,}$", re.I)


def is_junk_tag(tag: str) -> bool:
    return (
        not any(ch.isalnum() for ch in tag)
        or (tag.isdigit() and len(tag) >= 6)
        or tag.startswith(("_", "@"))
        or bool(_MACHINE_FIELD_RE.match(tag) or _ADDRESS_RE.search(tag) or _HEX_ID_RE.match(tag))
    )


def clean_tags(values: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        tag = re.sub(r"\s+", " ", unescape(value)).strip().strip("#").strip()
        if is_junk_tag(tag):
            continue
        if tag and len(tag) <= 60 and tag.lower() not in seen:
            seen.add(tag.lower())
            out.append(tag)
    return out[:30]


_INITIALS_RE = re.compile(r"(?:[^\W\d_]\.\s?)+[^\W\d_]?")


def site_name(value: str) -> str | None:
    """A declared site name, unless it is none: an address ("https://...", "www.x.com/"), a
    country's initials ("U.S.", "U.K."), a value without two letters ("/"), or a sentence."""
    if (len(value) > 80 or sum(ch.isalpha() for ch in value) < 2 or _INITIALS_RE.fullmatch(value)
            or "://" in value or value.lower().startswith(("www.", "/"))):
        return None
    return value


def site_from_url(url: str | None) -> str | None:
    host = host_of(url) or ""
    return host[4:] if host.startswith("www.") else (host or None)


