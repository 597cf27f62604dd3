"""Dates as pages write them, turned into ISO 8601, with impossible ones refused."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

EARLIEST = date(1990, 1, 1)

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january", "janv", "januar", "enero", "gennaio", "janeiro"),
            ("feb", "february", "févr", "fevr", "februar", "febrero", "febbraio", "fevereiro"),
            ("mar", "march", "mars", "märz", "marz", "marzo", "março"),
            ("apr", "april", "avr", "avril", "abril", "aprile"),
            ("may", "mai", "mayo", "maggio", "maio"),
            ("jun", "june", "juin", "juni", "junio", "giugno", "junho"),
            ("jul", "july", "juil", "juillet", "juli", "julio", "luglio", "julho"),
            ("aug", "august", "août", "aout", "agosto"),
            ("sep", "sept", "september", "septembre", "septiembre", "settembre", "setembro"),
            ("oct", "october", "octobre", "oktober", "octubre", "ottobre", "outubro"),
            ("nov", "november", "novembre", "noviembre", "novembro"),
            ("dec", "december", "déc", "decembre", "décembre", "dezember", "diciembre", "dicembre",
             "dezembro"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

_ISO_RE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)"
    r"(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?\s*(Z|[+-]\d\d:?\d\d)?)?"
)
_SLASH_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
_COMPACT_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?:T?(\d\d)(\d\d)(\d\d)?)?(?!\d)")
_MDY_RE = re.compile(
    rf"\b({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.I
)
_DMY_RE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?:de\s+)?({_MONTH_ALT})\.?,?\s+(?:de\s+)?((?:19|20)\d\d)\b",
    re.I,
)
_EU_NUM_RE = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)(?!\d)")
# 10/31/2024 is American, 15/12/2025 European; 03/04/2025 is read the American way. With
# dashes, only a date that can be read one way only is taken.
_NUM_SLASH_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?![\d/])")
_NUM_DASH_RE = re.compile(r"(?<![\d/-])(\d{1,2})-(\d{1,2})-((?:19|20)\d\d)(?![\d/-])")
_URL_RE = re.compile(
    r"/((?:19|20)\d\d)[/-](\d{1,2})(?:[/-](\d{1,2}))?(?=/|$|-|\.|_|\+)"
    r"|/((?:19|20)\d\d)(\d\d)(\d\d)(?=/|-|_|\.)"
)


def _valid(y: int, m: int, d: int, now: datetime | None) -> date | None:
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    limit = (now or datetime.now(UTC)).date() + timedelta(days=1)
    if value < EARLIEST or value > limit:
        return None
    return value


def parse_date(text: str | None, now: datetime | None = None) -> str | None:
    """The first plausible date in a string, as ISO 8601 (with the time when one is given)."""
    if not text:
        return None
    text = text.strip()[:200]
    m = _ISO_RE.search(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day = _valid(y, mo, d, now)
        if day:
            if m.group(4):
                hh, mm, ss = int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)
                if hh < 24 and mm < 60 and ss < 60:
                    stamp = f"{day.isoformat()}T{hh:02d}:{mm:02d}:{ss:02d}"
                    tz = m.group(7)
                    if tz == "Z":
                        stamp += "+00:00"
                    elif tz:
                        tz = tz.replace(":", "")
                        stamp += f"{tz[:3]}:{tz[3:]}"
                    return stamp
            return day.isoformat()
    for regex, order in ((_SLASH_RE, "ymd"), (_MDY_RE, "mdy"), (_DMY_RE, "dmy"),
                         (_EU_NUM_RE, "dmy"), (_NUM_SLASH_RE, "mdy"), (_NUM_DASH_RE, "mdy"),
                         (_COMPACT_RE, "ymd")):
        m = regex.search(text)
        if not m:
            continue
        parts = dict(zip(order, m.groups()[:3], strict=True))
        if regex is _NUM_DASH_RE and parts["m"] != parts["d"] and max(int(parts["m"]), int(parts["d"])) <= 12:
            continue  # 02-12-2025: either way round is a date, and the pages use both
        if (regex is _NUM_SLASH_RE or regex is _NUM_DASH_RE) and int(parts["m"]) > 12:
            parts["m"], parts["d"] = parts["d"], parts["m"]
        month = parts["m"]
        mo = _MONTHS.get(month.lower().rstrip(".")) if not month.isdigit() else int(month)
        if not mo:
            continue
        day = _valid(int(parts["y"]), mo, int(parts["d"]), now)
        if day:
            return day.isoformat()
    return None


def date_from_url(url: str | None, now: datetime | None = None) -> str | None:
    """A date written into an article's URL path (``/2016/05/20/slug``), day-precise only."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url.lower())
    for m in _URL_RE.finditer(path):
        if m.group(1):
            if not m.group(3):
                continue
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            y, mo, d = int(m.group(4)), int(m.group(5)), int(m.group(6))
        day = _valid(y, mo, d, now)
        if day:
            return day.isoformat()
    return None


_DATE_WORDS_RE = re.compile(
    r"\b(?:published|posted|updated|last|modified|on|at|am|pm|jan\w*|feb\w*|mar\w*|apr\w*|"
    r"may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*|mon\w*|tue\w*|wed\w*|thu\w*|"
    r"fri\w*|sat\w*|sun\w*|[a-z]{2,4}t|utc|gmt)\b"
)


def is_dateline(line: str, now: datetime | None = None) -> bool:
    """A short line that is nothing but a date, perhaps with "Published" or "Updated"."""
    if len(line.split()) > 7 or not parse_date(line, now):
        return False
    rest = _DATE_WORDS_RE.sub("", line.lower())
    return not re.search(r"[a-z]{3,}", rest)
