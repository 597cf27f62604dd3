"""Raw bytes to text: refuse what is not a page, then find the real character encoding.

Order of evidence: a byte-order mark, then the charset the page declares (HTTP-equiv,
``<meta charset>``, XML declaration) checked against the bytes, then detection. The text
is decoded here, before any parser sees it, because lxml believes a wrong declaration.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from archive.contract.errors import InputError

from .charsets import SINGLE_BYTE_CODECS, codec_for_label

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"OggS", "an Ogg media file"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
    (b"WARC/", "a WARC file, not a page"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_CENTRAL_EUROPEAN = {"cp1250", "iso8859-2"}

_DECL_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)

_PARAM_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    how: str  # "bom", "http", "declared", "detected", "utf-8"


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first few kilobytes, as a Python codec name; None
    when it declares none or a label browsers do not know (charsets.py)."""
    match = _DECL_RE.search(data[:16384])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii", "replace")
    return codec_for_label(label)


def sniff_binary(data: bytes) -> str | None:
    """What a file is when it is clearly not text, else None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    return len(_CONTROL_RE.findall(sample)) > max(8, len(sample) // 100)


def _is_multibyte_utf8(data: bytes) -> bool:
    """True when the bytes are valid UTF-8 and use non-ASCII sequences."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(b >= 0x80 for b in data)


def charset_of(content_type: str | None) -> str | None:
    """The codec an HTTP ``Content-Type`` names (``text/html; charset=UTF-8``), or None."""
    match = _PARAM_CHARSET_RE.search(content_type or "")
    return codec_for_label(match.group(1)) if match else None


def media_type(content_type: str | None) -> str | None:
    """``text/html`` out of ``Text/HTML; charset=utf-8``; None when there is none."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media or None


def decode(data: bytes, path: str = "<bytes>", *, http_charset: str | None = None) -> Decoded:
    """Decode a page's bytes, or raise InputError saying why they are not a text page.

    ``http_charset`` is the codec the server named for them (``charset_of``): after a
    byte-order mark, it comes before the page's own declaration, as in browsers, and is
    checked against the bytes the same way."""
    if not data or data.isspace():
        raise InputError(path, "empty file")
    what = sniff_binary(data)
    if what:
        raise InputError(path, f"binary file ({what}), not a page")

    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom) :].decode(codec), codec, "bom", path)
            except UnicodeDecodeError as exc:
                raise InputError(path, f"bytes do not match its {codec} byte-order mark") from exc

    if b"\x00" in data[:4096]:
        raise InputError(path, "binary data (NUL bytes), not a page")

    if http_charset:
        found = _declared(data, http_charset, "http", path)
        if found:
            return found
    declared = declared_charset(data)
    if declared:
        found = _declared(data, declared, "declared", path)
        if found:
            return found

    try:
        return _checked(data.decode("utf-8"), "utf-8", "utf-8", path)
    except UnicodeDecodeError:
        pass

    best = from_bytes(data[:262144]).best()
    if best is None or best.encoding is None:
        raise InputError(path, "undecodable bytes: no text encoding fits this file")
    # The detector names Python codecs; the browsers' superset is used where there is one.
    codec = (codec_for_label(best.encoding) or codec_for_label(best.encoding.replace("_", "-"))
             or codecs.lookup(best.encoding).name)
    if declared == "utf-8" and codec in _CENTRAL_EUROPEAN:
        # A page that claims UTF-8 but is not was almost always saved by a Western editor:
        # byte statistics cannot tell Latin-1 German or French from cp1250, browsers and
        # people can.
        codec = "cp1252"
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        text = data.decode(codec, errors="replace")
    return _checked(text, codec, "detected", path)


def _declared(data: bytes, codec: str, how: str, path: str) -> Decoded | None:
    """The bytes read as a declared codec, or None when they do not fit it."""
    if codec in SINGLE_BYTE_CODECS and _is_multibyte_utf8(data):
        # UTF-8 bytes labelled as a one-byte charset: the label is wrong (a page in such a
        # charset whose bytes form valid multi-byte UTF-8 sequences throughout is not met).
        return _checked(data.decode("utf-8"), "utf-8", "detected", path)
    try:
        return _checked(data.decode(codec), codec, how, path)
    except (UnicodeDecodeError, LookupError):
        return None  # a wrong label: the caller falls through to the next evidence


_DOUBLE_UTF8_RE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]{1,3}")
_C1_RE = re.compile("[\u0080-\u009f]")


def _undouble(match: re.Match[str]) -> str:
    try:
        return match.group(0).encode("latin-1").decode("utf-8")
    except UnicodeError:
        return match.group(0)


def repair_double_utf8(text: str) -> str:
    """Undo UTF-8 that a page's own software encoded twice ("â\x80\x99" for "’").

    C1 control characters never occur in real text, so their presence is the tell; only
    the runs that decode cleanly as UTF-8 are changed.
    """
    if not _C1_RE.search(text):
        return text
    return _DOUBLE_UTF8_RE.sub(_undouble, text)


def _checked(text: str, codec: str, how: str, path: str) -> Decoded:
    if _looks_binary(text):
        raise InputError(path, "binary junk: too many control characters for a text page")
    return Decoded(text=repair_double_utf8(text), encoding=codec, how=how)


_HTML_HINT_RE = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title[\s>]|<p[\s>]|<div[\s>]|<article[\s>]",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT_RE.search(text[:8192]))


_TAIL_CLOSE_RE = re.compile(r"</(html|body)\s*>", re.IGNORECASE)


def truncation_reason(text: str) -> str | None:
    """Why an HTML page looks cut off, or None when it ends cleanly.

    A page without ``</html>`` or ``</body>`` is still whole when it stops at the end of a
    tag (plenty of real pages do); one that stops mid-tag, mid-text or inside an open
    script, style or comment was cut off in transfer.
    """
    tail = text[-4096:]
    if _TAIL_CLOSE_RE.search(tail):
        return None
    stripped = tail.rstrip()
    if not stripped:
        return None
    lower = stripped.lower()
    if lower.rfind("<!--") > lower.rfind("-->"):
        return "truncated HTML: the page stops inside a comment"
    for tag in ("script", "style"):
        if lower.rfind(f"<{tag}") > lower.rfind(f"</{tag}"):
            return f"truncated HTML: the page stops inside a <{tag}> element"
    if stripped[-1] != ">":
        if stripped.rfind("<") > stripped.rfind(">"):
            return "truncated HTML: the page stops in the middle of a tag"
        return "truncated HTML: the page stops mid-text before </body></html>"
    return None


_HEAVY_OPEN_RE = re.compile(rb"""<(script|style)\b([^>]*)>|<!--|=\s*(["'])[^"'<>]{4096}""", re.I)
_CLOSE_RE = {b"script": re.compile(rb"</script\s*>", re.I), b"style": re.compile(rb"</style\s*>", re.I)}


def within_size(data: bytes, limit: int) -> tuple[bytes, bool]:
    """A page of more than ``limit`` bytes, reduced to what the cleaner can use.

    First what is never read goes: script bodies (JSON-LD kept), styles, comments, attribute
    values of over 4 KiB (inline images, serialized state). A page still longer is cut at
    the last tag that starts before the limit (or at the limit, in a page of long text
    runs). Returns the bytes and whether they were cut.

    It works on the bytes, before decoding, so that a 50 MB page never exists as a 50 MB
    string (four times that, in the worst case): ``<``, ``>``, quotes and tag names are
    ASCII, and no byte of a multi-byte character in a charset that keeps ASCII is one of
    them (UTF-16 and UTF-32 pages are not given here). Every search runs forward from where
    the last one ended and copying stops at the limit, so the work is linear in the page's
    length and the memory in the limit, whatever the page holds.
    """
    if len(data) <= limit:
        return data, False
    pieces: list[bytes] = []
    total = kept = pos = 0

    def take(start: int, end: int, then: bytes = b"") -> None:
        nonlocal total
        piece = data[start : min(end, start + limit - total + 1)] + then
        pieces.append(piece)
        total += len(piece)

    for match in _HEAVY_OPEN_RE.finditer(data):
        if total > limit:
            break
        if match.start() < pos:
            continue  # inside what the last match removed
        name, quote = (match.group(1) or b"").lower(), match.group(3)
        if name == b"script" and b"ld+json" in match.group(2).lower():
            continue
        if quote:  # a long attribute value: kept as an empty one
            end = data.find(quote, match.end())
            take(kept, match.start(), b'=""')
            pos = kept = len(data) if end < 0 else end + 1
        elif name:  # the element kept, its content not
            closer = _CLOSE_RE[name].search(data, match.end())
            take(kept, match.end())
            pos, kept = (len(data), len(data)) if closer is None else (closer.end(), closer.start())
        else:  # a comment
            end = data.find(b"-->", match.end())
            take(kept, match.start())
            pos = kept = len(data) if end < 0 else end + 3
    if total <= limit:
        take(kept, len(data))
    out = b"".join(pieces)
    if len(out) <= limit:
        return out, False
    end = out.rfind(b"<", 0, limit)
    return out[: end if end > limit // 2 else limit], True


def wide_unicode(data: bytes) -> bool:
    """UTF-16 or UTF-32 by its byte-order mark: a charset that does not keep ASCII."""
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))  # UTF-32's start so too
