"""Article addresses: which values are web addresses at all, and the many spellings of one
article's address reduced to one identity.

Every address comes from markup anyone could write (a canonical link, ``og:url``), so
nothing here may raise on one: ``urlsplit`` refuses some ("Invalid IPv6 URL", a port out
of range, a host that changes under NFKC normalization) with ``ValueError``, and a host
that is no IDNA name cannot be encoded for the wire.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "_hs")
_TRACKING_KEYS = {
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mkt_tok", "cmpid", "ncid",
    "ref", "ref_src", "src", "share", "amp", "outputtype", "s", "smid", "cid", "ito",
    "__twitter_impression",
}


_HOST_RE = re.compile(r"[^\s\x00-\x1f\x7f/\\?#@]+")


def split_url(url: str) -> SplitResult | None:
    """The parts of a URL, or None when it cannot be parsed (its port included)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises ValueError on a port out of range or not a number
    except ValueError:
        return None
    return parts


def _valid_host(host: str) -> bool:
    if not _HOST_RE.fullmatch(host) or ".." in host or host.startswith("."):
        return False
    if host.startswith("["):
        return True  # an IPv6 literal that urlsplit has already checked
    try:
        host.encode("idna")
    except UnicodeError:
        return False  # an empty label, a label over 63 characters, a character IDNA forbids
    return True


def web_url(value: str | None) -> str | None:
    """The value when it is an absolute http(s) address with a valid host, else None.

    A protocol-relative link ("//example.com/a") is taken as https. Anything else (a
    relative path, ``javascript:``, ``mailto:``, ``data:``, a URL that does not parse) is no
    article's address."""
    if not value:
        return None
    value = value.strip()
    if value.startswith("//"):
        value = "https:" + value
    parts = split_url(value)
    if parts is None or parts.scheme.lower() not in ("http", "https"):
        return None
    host = parts.hostname or ""
    if not host or not _valid_host(host):
        return None
    return value


def host_of(url: str | None) -> str | None:
    """The lower-case host of a URL, or None when it has none or does not parse."""
    parts = split_url(url) if url else None
    return (parts.hostname or None) if parts else None


def fold_url(url: str) -> str:
    """An article's identity: scheme, ``www.``, tracking parameters, fragments and trailing
    slashes folded away, so the same article saved twice is recognised as one."""
    parts = split_url(url) or urlsplit("")
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    if path.endswith("/amp/") or path.endswith("/amp"):
        path = path[: path.rfind("/amp")] or "/"
    path = path.rstrip("/") or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_KEYS
    ]
    query.sort()
    return urlunsplit(("", host, path, urlencode(query), ""))[2:]
