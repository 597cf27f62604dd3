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
