"""What the benchmarks share about the reference extractors' input and the pages' sites."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_META_CHARSET_RE = re.compile(rb"<meta[^>]+charset=[\"']?([a-zA-Z0-9_-]+)", re.I)


def as_text(raw: bytes) -> str:
    """HTML as the reference extractors get it: UTF-8 when valid, else the declared charset."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET_RE.search(raw[:8192])
    for enc in ([match.group(1).decode("ascii")] if match else []) + ["cp1252"]:
        try:
            return raw.decode(enc, errors="replace")
        except LookupError:
            continue
    return raw.decode("utf-8", errors="replace")


_BLOCK_OPEN_RE = re.compile(r"<(?:p|div|br|li|h[1-6]|tr|td|blockquote|pre|section|article)\b", re.I)


def with_block_breaks(html: str) -> str:
    """A line break before every block element, so that text_content() keeps paragraphs apart."""
    return _BLOCK_OPEN_RE.sub(lambda m: "\n" + m.group(0), html)


def host_names(url: str | None) -> tuple[str, ...]:
    """The names a page's URL gives its site: "www.nypost.com" is nypost.com and nypost."""
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return ()
    host = host.removeprefix("www.")
    if not host:
        return ()
    labels = host.split(".")
    return (host, labels[-2]) if len(labels) >= 2 else (host,)
