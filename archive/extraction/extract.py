"""One capture's bytes to one normalized Record, without reading or storing anything else.

    refuse non-pages -> decode -> parse -> metadata -> clean -> Record
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4.builder import ParserRejectedMarkup

from archive.contract.captures import Capture
from archive.contract.clock import now_utc
from archive.contract.errors import InputError
from archive.contract.records import Record, article_id, count_words
from archive.contract.settings import current

from .authors import name_like
from .clean import clean_html, clean_text_lines
from .dates import is_dateline
from .decode import charset_of, decode, looks_like_html, media_type, truncation_reason, wide_unicode, within_size
from .metadata import (
    Metadata,
    authors_of_page,
    clean_authors,
    extract_metadata,
    site_from_url,
    strip_site_suffix,
    text_byline,
)
from .soup import Parsed, collector_paused, parse_bounded
from .urls import fold_url

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"})
"""Media types served for HTML pages (``text/plain`` is read as a text capture)."""
_BIO_RE = re.compile(r" (?:is|was|has been|serves as) (?:a|an|the)\b")
_BYLINE_BLOCK_RE = re.compile(r"^(?:by|author:|written by|posted by)\s", re.I)


def identity_of(url: str | None, source: str) -> str:
    """What makes two captures the same article: the folded URL, else where it came from."""
    if url:
        return "url:" + fold_url(url)
    return "file:" + os.path.abspath(source)


def capture_identity(url: str | None, capture: Capture) -> str:
    """``identity_of`` for a capture: one fetched from a ``file:`` address (a loose file
    written out to a WARC and read back) is the article of that file, as it was before."""
    if not url and capture.url and capture.url.startswith("file://"):
        return identity_of(None, unquote(urlsplit(capture.url).path))
    return identity_of(url, capture.source)


def extract_bytes(
    data: bytes,
    path: str,
    *,
    now: datetime | None = None,
    as_text: bool | None = None,
) -> Record:
    """Clean the bytes of a file into a Record (see ``extract_capture``)."""
    return extract_capture(Capture.of(data, path, os.path.abspath(path)), now=now, as_text=as_text)


def extract_capture(capture: Capture, *, now: datetime | None = None, as_text: bool | None = None) -> Record:
    """Clean one capture into a Record; raise InputError naming it when it is not one.

    ``now`` is the moment the capture is read as of (dates after it are refused), by
    default the present."""
    now = now or now_utc()
    as_of = _as_of(now, capture.captured_at)  # no page was published after it was fetched
    settings = current()
    data, path = capture.data, capture.name
    if len(data) > settings.max_page_bytes:
        raise InputError(path, f"file too large ({len(data) / 2**20:.1f} MiB; the limit is "
                               f"{settings.max_page_bytes // 2**20} MiB)")
    size, cut = len(data), False
    if size > settings.max_parse_chars and not wide_unicode(data):
        # Checked whole, then read in part (decode.within_size): a page that big is mostly
        # scripts, inline images or an endless thread, and its tree would not fit in memory.
        if _starts_as_html(data):
            reason = truncation_reason(data[-4096:].decode("latin-1"))
            if reason:
                raise InputError(path, reason)
        data, cut = within_size(data, settings.max_parse_chars)
    decoded = decode(data, path, http_charset=charset_of(capture.content_type))
    text = decoded.text
    if as_text is None:
        as_text = _reads_as_text(capture, text)
    if as_text:
        meta, paragraphs = _from_text(text)
    else:
        with collector_paused():
            try:
                meta, paragraphs = _from_html(text, path, as_of, capture.url, checked=len(data) < size)
            except RecursionError as exc:  # bounded by the parse (soup.py); never a traceback
                raise InputError(path, "markup nested too deeply to read") from exc
        if cut:
            meta.provenance["cut"] = f"the first {len(data):,} of {size:,} bytes"
    if capture.url and capture.url.startswith(("http://", "https://")):
        meta.offer("url", capture.url, "target-uri")
    body = "\n\n".join(paragraphs)
    if not body.strip():
        raise InputError(path, "no article text found in the page")
    if not meta.title:
        meta.offer("title", paragraphs[0][:120] if paragraphs else "", "first-paragraph")
    if not meta.site:
        meta.offer("site", site_from_url(meta.url), "url")
    title = meta.title or ""
    site = meta.site
    provenance = dict(meta.provenance) | {"encoding": f"{decoded.encoding} ({decoded.how})"}
    if capture.captured_at:
        provenance["captured_at"] = "warc-date"
    return Record(
        id=article_id(capture_identity(meta.url, capture)),
        url=meta.url,
        site=site,
        title=title,
        authors=tuple(meta.authors),
        published=meta.published,
        language=meta.language,
        tags=tuple(meta.tags),
        description=meta.description,
        body=body,
        word_count=count_words(body),
        sha256=capture.sha256,
        source_path=capture.source,
        ingested_at=now.isoformat(),
        cleaner_version=settings.cleaner_version,
        provenance=provenance,
        updated=meta.updated,
        captured_at=capture.captured_at,
    )


def _as_of(now: datetime, captured_at: str | None) -> datetime:
    try:
        fetched = datetime.fromisoformat(captured_at) if captured_at else None
    except ValueError:
        fetched = None
    if fetched is None or fetched.tzinfo is None:
        return now
    return min(now, fetched)


def _reads_as_text(capture: Capture, text: str) -> bool:
    """Whether a capture is plain text rather than HTML: by the media type it was served
    with, else by its name's suffix (``.html.gz`` is an ``.html``), else by sniffing."""
    media = media_type(capture.content_type)
    if media == "text/plain":
        return not looks_like_html(text)
    if media in PAGE_TYPES:
        return False
    name = capture.name.lower()
    suffix = Path(name[:-3] if name.endswith(".gz") else name).suffix
    if suffix in TEXT_SUFFIXES:
        return not looks_like_html(text)
    return suffix not in HTML_SUFFIXES and not looks_like_html(text)


def _parse(text: str, path: str) -> Parsed:
    settings = current()
    try:
        return parse_bounded(text, settings.max_tree_depth, settings.max_page_nodes)
    except (ParserRejectedMarkup, ValueError) as exc:
        raise InputError(path, f"unparseable HTML: {exc}") from exc


def _starts_as_html(data: bytes) -> bool:
    return data[:2048].lstrip().lower().startswith((b"<!doctype", b"<html", b"<?xml"))


def _from_html(text: str, path: str, now: datetime, fetched_from: str | None,
               checked: bool = False) -> tuple[Metadata, list[str]]:
    """Metadata and paragraphs of an HTML page (``checked``: its end was checked already,
    before it was reduced to a part)."""
    if not checked and text[:2048].lstrip().lower().startswith(("<!doctype", "<html", "<?xml")):
        reason = truncation_reason(text)
        if reason:
            raise InputError(path, reason)
    limit = current().max_parse_chars
    if len(text) > limit:  # UTF-16 or UTF-32, not reduced as bytes
        end = text.rfind("<", 0, limit)
        text = text[: end if end > limit // 2 else limit]
        meta_cut = True
    else:
        meta_cut = False
    parsed = _parse(text, path)
    meta = extract_metadata(parsed.soup, now, fetched_from=fetched_from)
    paragraphs = clean_html(parsed.soup, meta.title)
    if not paragraphs:
        # Everything looked like furniture; the page's own text beats refusing the page.
        paragraphs = clean_html(_parse(text, path).soup, meta.title, furniture=False)
        if paragraphs:
            meta.provenance["body"] = "whole-page"
    if meta_cut:
        meta.provenance["cut"] = f"the first {len(text):,} characters"
    elif parsed.cut:
        meta.provenance["cut"] = f"the first {current().max_page_nodes:,} elements and strings"
    names = {a.lower() for a in meta.authors}
    kept: list[str] = []
    for i, para in enumerate(paragraphs):
        if i < 12 and len(para) < 60 and (para.lower() in names or is_dateline(para, now)):
            continue  # the byline's name or date on a line of its own, above the text
        if len(para) < 120 and _BYLINE_BLOCK_RE.match(para):
            named = clean_authors([para])
            if not all(name_like(f.split(",")[0]) for f in named):
                named = []  # "By batching requests, we..." is a sentence, not a byline
            found = authors_of_page([para], meta) if named else []  # the site is no author
            if named and (not names or {f.lower() for f in found} <= names):
                if found and not meta.authors:
                    meta.offer("authors", found, "byline")
                continue
        kept.append(para)
    return meta, _without_author_bio(kept, meta.authors)


def _without_author_bio(paragraphs: list[str], authors: list[str]) -> list[str]:
    """Drop the "Jane Doe is a reporter who..." box that follows many articles."""
    if not authors or len(paragraphs) < 4:
        return paragraphs
    starts = tuple(a.split(",")[0] + " " for a in authors)
    for i in range(len(paragraphs) - 1, max(len(paragraphs) - 4, 0), -1):
        para = paragraphs[i]
        if para.startswith(starts) and _BIO_RE.match(para[len(para.split(" is ")[0]):]):
            return paragraphs[:i] + paragraphs[i + 1 :]
    return paragraphs


def _from_text(text: str) -> tuple[Metadata, list[str]]:
    """A plain-text capture: first line the title, a byline line the authors, the rest body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta = Metadata()
    rest = lines
    for i, line in enumerate(lines):
        if line.strip():
            if len(line.strip()) <= 200:
                meta.offer("title", strip_site_suffix(line.strip(), None), "first-line")
                rest = lines[i + 1 :]
            break
    authors, at = text_byline(rest)
    if at is not None:
        meta.offer("authors", authors, "byline")
        rest = rest[:at] + rest[at + 1 :]
    return meta, clean_text_lines(rest, meta.title)
