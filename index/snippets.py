"""Snippets: the stretch of an article that best shows why it matched.

Whitespace (paragraph breaks included) is collapsed to single spaces, the window is cut at
word boundaries, "…" marks where text was cut, the matched words are in ``<mark>`` and the
rest is HTML-escaped.  The window is the one holding the most of the query's distinct
words, then the most matches, starting a little before its first match.
"""

from __future__ import annotations

import bisect
import html
import re
from functools import lru_cache

CHARS = 240
CONTEXT = 60  # characters shown before the first match of the window
ELLIPSIS = "…"
MAX_MATCHES = 400
ANCHORS = 40  # matches tried as the first of the window


def _cut_start(text: str, at: int) -> int:
    """``at`` moved forward to the start of a word (unless it is the text's start)."""
    if at <= 0:
        return 0
    if text[at - 1] == " ":
        return at
    space = text.find(" ", at)
    return space + 1 if space != -1 else at


def _cut_end(text: str, at: int) -> int:
    """``at`` moved back to the end of a word (unless it is the text's end)."""
    if at >= len(text):
        return len(text)
    if text[at] == " ":
        return at
    space = text.rfind(" ", 0, at)
    return space if space > 0 else at


def lead(text: str, chars: int = CHARS) -> str:
    """The article's opening, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= chars:
        return html.escape(flat, quote=False)
    end = _cut_end(flat, chars)
    return html.escape(flat[:end].rstrip(" ,;:"), quote=False) + " " + ELLIPSIS


@lru_cache(maxsize=256)
def _pattern(terms: frozenset[str]) -> re.Pattern[str]:
    """The terms as whole tokens: not inside a longer word, nor joined to one by a dot."""
    words = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?<!\w\.)(?:{words})(?![\w])(?!\.\w)", re.IGNORECASE)


def snippet(text: str, terms: frozenset[str], chars: int = CHARS) -> str:
    """The best window of ``text`` with the words in ``terms`` (lowercase) marked, or "" when
    none of them is in it."""
    if not terms or not text:
        return ""
    flat = " ".join(text.split())
    matches = []
    for m in _pattern(terms).finditer(flat):
        word = m.group().lower()
        if word in terms:  # case folding may match more than lowering does
            matches.append((m.start(), m.end(), word))
            if len(matches) >= MAX_MATCHES:
                break
    if not matches:
        return ""
    best = (0, 0, 0)  # (distinct words, matches, -index of the first)
    first = 0
    ends = [e for _s, e, _w in matches]
    for i, (start, _end, _word) in enumerate(matches[:ANCHORS]):
        last = bisect.bisect_right(ends, start + chars - CONTEXT, lo=i)
        inside = [w for _s, _e, w in matches[i:last]]
        score = (len(set(inside)), len(inside), -i)
        if score > best:
            best, first = score, i
    begin = _cut_start(flat, max(0, matches[first][0] - CONTEXT))
    if begin > matches[first][0]:
        begin = matches[first][0]
    end = _cut_end(flat, begin + chars)
    end = max(end, matches[first][1])
    out = [ELLIPSIS + " "] if begin > 0 else []
    at = begin
    for start, stop, _word in matches:
        if start < begin or stop > end:
            continue
        out.append(html.escape(flat[at:start], quote=False))
        out.append("<mark>" + html.escape(flat[start:stop], quote=False) + "</mark>")
        at = stop
    out.append(html.escape(flat[at:end], quote=False))
    if end < len(flat):
        out.append(" " + ELLIPSIS)
    return "".join(out)
