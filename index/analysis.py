"""How text becomes index terms: the words as written, and their English stems.

Title and body are indexed as the words a page prints, lowercased, stop words and all, with
their positions: a phrase matches those words in that order (``"getting good"``), a wildcard
or fuzzy term is matched against real words (``m?ssile``, ``jupitr~``), and a query of one
stop word finds every article holding it.  Stemming happens on the query side instead: a
plain word stands for every indexed word with the same English Snowball (Porter2) stem,
``missile`` for ``missile`` and ``missiles`` (index.lexicon keeps each segment's words by
stem).  The tokenizer is the one the index always used, so words split where they did.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import Stemmer
from whoosh.analysis import Analyzer, LowercaseFilter, RegexTokenizer

ANALYSIS_VERSION = 2
"""1: Porter stems without stop words (indexes built before version 2 of the schema);
2: words as written, stop words kept, Snowball stems matched at query time."""

MAX_WORD = 40  # bytes; longer tokens are indexed but have no stem variants


def words_analyzer() -> Analyzer:
    """Lowercased words with their positions, nothing dropped or changed."""
    return RegexTokenizer() | LowercaseFilter()


_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # a PyStemmer object must not be shared between threads
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The English Snowball stem of a lowercased word."""
    return _stemmer().stemWord(word)


def stems(words: list[str]) -> list[str]:
    """Stems of many words at once (one call into the C stemmer)."""
    return _stemmer().stemWords(words)
