"""The scores of the extraction benchmark and the quality gate, in one place.

Body text is scored with token shingles, as the best-known article-extraction benchmarks
do: text split into ``\\w+`` tokens, 4-grams counted with multiplicity, each page's true
positives, false positives and false negatives divided by their sum so every page weighs
the same; precision averaged over pages that predicted anything, recall over pages whose
truth has text, F1 the harmonic mean of the two averages. Metadata is scored by the rules
of the WCXB development set.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def tokens(text: str | None) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    return Counter(
        tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i : i + n]
    )


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, normalised by their sum so each page weighs the same."""
    t_sh, p_sh = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in t_sh.keys() | p_sh.keys():
        t, p = t_sh.get(key, 0), p_sh.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def body_scores(matches: list[tuple[float, float, float]]) -> dict[str, float]:
    p = statistics.mean([precision(*m) for m in matches if m[0] + m[1] > 0] or [0.0])
    r = statistics.mean([recall(*m) for m in matches if m[0] + m[2] > 0] or [0.0])
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"f1": f1, "precision": p, "recall": r}


def date_correct(pred: str | None, truth: str) -> bool:
    """The predicted day (or month, when the truth gives only YYYY-MM) equals the truth."""
    return bool(pred) and pred[: len(truth)] == truth


def _strip_accents(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )


_AUTHOR_SEP_RE = re.compile(r"\s*(?:,|;|&|\band\b)\s*")


def fold_authors(text: str) -> tuple[str, ...]:
    folded = re.sub(r"\s+", " ", _strip_accents(text).casefold()).strip()
    folded = re.sub(r"^by\s+", "", folded)
    return tuple(p for p in (s.strip() for s in _AUTHOR_SEP_RE.split(folded)) if p)


_QUOTES_RE = re.compile(
    "[\"'`\u00ab\u00bb\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2039\u203a\u00b4]"
)


def fold_title(text: str) -> str:
    return re.sub(r"\s+", " ", _QUOTES_RE.sub("", text).casefold()).strip()


def _spaced(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def snippet_match(text: str, with_: list[str], without: list[str]) -> tuple[int, int, int]:
    """(tp, fp, fn) of one page scored by snippets, as trafilatura's evaluation does: a
    snippet counts as found when it appears, spaces folded and case kept, in the text."""
    flat = _spaced(text)
    found = sum(1 for s in with_ if _spaced(s) in flat)
    leaked = sum(1 for s in without if _spaced(s) in flat)
    return found, leaked, len(with_) - found


def snippet_scores(matches: list[tuple[int, int, int]]) -> dict[str, float]:
    """Micro precision, recall and F1 over every snippet of the pages."""
    tp = sum(m[0] for m in matches)
    fp = sum(m[1] for m in matches)
    fn = sum(m[2] for m in matches)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def page_f1(tp: float, fp: float, fn: float) -> float:
    """One page's F1 (shingles or snippets): how badly a single page went."""
    if tp + fp + fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)


# What an author list must never hold: a job title instead of a name, a label left on the
# name, punctuation it starts with, an address, or the site itself.
_ROLE_WORDS_RE = re.compile(
    r"\b(?:writer|editor|editors|reporter|correspondent|columnist|contributor|contributors|"
    r"photographer|staff|producer|newsroom|redakteur|redakteurin|journalist|journalistin)\b",
    re.I,
)
_LABEL_RE = re.compile(r"^[^:]{1,30}:\s*\S|:\s*$")


_PERSON_SHAPE_RE = re.compile(r"^(?!(?:the|die|der|das|la|el|le|les|il)\s)(?:[^\W\d_][^\s]*\s){1,3}[^\W\d_]\S*$",
                              re.I)


def _person_shaped(name: str) -> bool:
    """Two to four words, each capitalised and not all capitals, the first no article."""
    words = name.split()
    return bool(_PERSON_SHAPE_RE.match(name)) and all(
        w[0].isupper() and not w.isupper() for w in words if len(w) > 1)


def author_junk(name: str, site_names: tuple[str, ...] = ()) -> str | None:
    """Why an extracted author is not a person's name ("role", "label", "punctuation",
    "address", "site"), or None when it may be one. A site named like a person ("Rick
    Steves" on ricksteves.com) is a personal site, and its author no junk."""
    name = name.strip()
    if not name:
        return "punctuation"
    if not name[0].isalpha():
        return "punctuation"
    if "@" in name or "://" in name or name.lower().startswith("www."):
        return "address"
    if _LABEL_RE.search(name):
        return "label"
    if _ROLE_WORDS_RE.search(name):
        return "role"
    folded = re.sub(r"[\W_]+", "", _strip_accents(name).casefold())
    for site in site_names:
        if site and folded == re.sub(r"[\W_]+", "", _strip_accents(site).casefold()):
            return None if _person_shaped(name) else "site"
    return None
