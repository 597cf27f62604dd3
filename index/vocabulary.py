"""The archive's words with the number of articles holding each, for fuzzy terms and
"did you mean".

Built once per searcher, when first needed, from the segments' lexicons (index.lexicon):
each word of title and body with the documents holding it summed over the segments, and
the words grouped by their first letter and length so that the words within an edit
distance of a typo are found by comparing it with a few thousand words, not all of them,
and those compared all at once: a group's words are rows of a matrix of code points, and
the edit-distance table is filled for every row together by numpy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .columns import Columns

FIELDS = ("title", "body")


@dataclass(slots=True)
class Vocabulary:
    df: dict[str, int] = field(default_factory=dict)
    buckets: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    top: int = 0  # the most articles any word is in
    _matrices: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)

    def frequency(self, word: str) -> int:
        return self.df.get(word, 0)

    def _matrix(self, key: tuple[str, int]) -> np.ndarray:
        matrix = self._matrices.get(key)
        if matrix is None:
            words = self.buckets.get(key, [])
            flat = "".join(words)
            matrix = np.frombuffer(flat.encode("utf-32-le"), dtype=np.int32).reshape(len(words), key[1]) \
                if words else np.zeros((0, key[1]), dtype=np.int32)
            self._matrices[key] = matrix
        return matrix

    def within(self, word: str, maxdist: int, prefix: int = 1) -> list[tuple[int, str]]:
        """(distance, word) for the words within ``maxdist`` edits (a swap of two
        neighbouring letters is one) that share the first ``prefix`` letters (at least one)."""
        out = []
        head = word[:prefix]
        for length in range(max(1, len(word) - maxdist), len(word) + maxdist + 1):
            key = (word[:1], length)
            if key not in self.buckets:
                continue
            found = distances(word, self._matrix(key), maxdist)
            for i in np.flatnonzero(found <= maxdist).tolist():
                other = self.buckets[key][i]
                if other.startswith(head):
                    out.append((int(found[i]), other))
        return out


def build(cols: Columns, fields: tuple[str, ...] = FIELDS) -> Vocabulary:
    # a word's articles: in each segment the more of its title and body counts (a title's
    # words are nearly always in the body too), summed over the segments
    df: dict[str, int] = defaultdict(int)
    for lexicons in cols.lexicons:
        seen: dict[str, int] = {}
        for name in fields:
            lex = lexicons.get(name)
            if lex is None:
                continue
            words, counts = lex.vocabulary()
            for word, count in zip(words, counts.tolist(), strict=True):
                if count > seen.get(word, 0):
                    seen[word] = count
        for word, count in seen.items():
            df[word] += count
    buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
    for word in df:
        if word.isalpha():
            buckets[(word[:1], len(word))].append(word)
    return Vocabulary(dict(df), dict(buckets), top=max(df.values(), default=0))


def distances(word: str, rows: np.ndarray, limit: int) -> np.ndarray:
    """The optimal string alignment distance from ``word`` to each row of code points (all
    rows as long), capped at ``limit + 1``; the table is filled row by row of ``word``."""
    n, length = len(word), rows.shape[1]
    if not len(rows):
        return np.zeros(0, dtype=np.int32)
    codes = [ord(c) for c in word]
    prev2 = None
    prev = np.tile(np.arange(length + 1, dtype=np.int32), (len(rows), 1))
    for i in range(1, n + 1):
        cur = np.empty_like(prev)
        cur[:, 0] = i
        for j in range(1, length + 1):
            cost = (rows[:, j - 1] != codes[i - 1]).astype(np.int32)
            value = np.minimum(np.minimum(prev[:, j] + 1, cur[:, j - 1] + 1), prev[:, j - 1] + cost)
            if prev2 is not None and j > 1:
                swap = (rows[:, j - 1] == codes[i - 2]) & (rows[:, j - 2] == codes[i - 1])
                value = np.where(swap, np.minimum(value, prev2[:, j - 2] + 1), value)
            cur[:, j] = value
        prev2, prev = prev, cur
        if (prev.min(axis=1) > limit).all():
            return np.full(len(rows), limit + 1, dtype=np.int32)
    return np.minimum(prev[:, length], limit + 1)


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Levenshtein with neighbour swaps), or limit + 1
    once it is certain to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]
