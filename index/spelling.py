""""Did you mean": the query again with its unknown words replaced by indexed ones.

Only words that match no article are corrected.  The index holds stems, so a
correction is found among the stems (Whoosh's corrector, edit distance 2, first letter
kept) and then spelled as a real word by reading it back from an article that has it.
"""

from __future__ import annotations

import re

from whoosh.query import Query

from .searching import SearcherHandle

FIELDS = ("body", "title")
_WORD_RE = re.compile(r"(?<![\w:*?~\"])([^\W\d_]{3,})(?![\w:*?~])")
MAX_WORDS = 6


def _known(reader, field: str, stem: str) -> bool:
    return (field, stem) in reader


def _surface(handle: SearcherHandle, stem: str) -> str | None:
    """A word of some article's text whose stem is ``stem``."""
    s = handle.searcher
    analyzer = s.schema["body"].analyzer
    for field in FIELDS:
        postings = s.reader().postings(field, stem) if _known(s.reader(), field, stem) else None
        if postings is None or not postings.is_active():
            continue
        text = s.stored_fields(postings.id()).get(field, "")
        for token in analyzer(text, chars=True, removestops=False):
            if token.text == stem:
                return text[token.startchar : token.endchar].lower()
    return None


def suggest(handle: SearcherHandle, text: str, q: Query) -> str | None:
    """The query with unknown words corrected, or None when nothing needs correcting."""
    s = handle.searcher
    reader = s.reader()
    analyzer = s.schema["body"].analyzer
    changed = False
    out = text
    words = _WORD_RE.findall(text)[:MAX_WORDS]
    for word in words:
        if word.upper() in {"AND", "OR", "NOT", "TO"}:
            continue
        stems = [t.text for t in analyzer(word)]
        if not stems or any(_known(reader, f, stems[0]) for f in FIELDS):
            continue
        corrector = handle.cached("corrector:body", lambda: s.corrector("body"))
        candidates = corrector.suggest(stems[0], limit=1, maxdist=2, prefix=1)
        if not candidates:
            continue
        spelled = _surface(handle, candidates[0])
        if spelled and spelled != word.lower():
            out = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", spelled, out, count=1)
            changed = True
    return out if changed else None
