"""URL folding: the many spellings of one article's address reduced to one identity."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "_hs")
_TRACKING_KEYS = {
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mkt_tok", "cmpid", "ncid",
    "ref", "ref_src", "src", "share", "amp", "outputtype", "s", "smid", "cid", "ito",
    "__twitter_impression",
}


def fold_url(url: str) -> str:
    """An article's identity: scheme, ``www.``, tracking parameters, fragments and trailing
    slashes folded away, so the same article saved twice is recognised as one."""
    parts = urlsplit(url.strip())
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
