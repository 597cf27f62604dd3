"""The archive's words with the number of articles holding each, for fuzzy terms and
"did you mean".

Built once per searcher, when first needed, from the segments' lexicons (index.lexicon):
each word of title and body with the documents holding it summed over the segments, and
the words grouped by their first letter and length so that the words within an edit
distance of a typo are found by comparing it with a few thousand words, not all of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .columns import Columns

FIELDS = ("title", "body")


@dataclass(slots=True)
class Vocabulary:
    df: dict[str, int] = field(default_factory=dict)
    buckets: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def frequency(self, word: str) -> int:
        return self.df.get(word, 0)

    def within(self, word: str, maxdist: int, prefix: int = 1) -> list[tuple[int, str]]:
        """(distance, word) for the words within ``maxdist`` edits (a swap of two
        neighbouring letters is one) that share the first ``prefix`` letters."""
        out = []
        head = word[:prefix]
        for length in range(max(1, len(word) - maxdist), len(word) + maxdist + 1):
            for other in self.buckets.get((word[:1], length), ()):
                if other.startswith(head):
                    d = distance(word, other, maxdist)
                    if d <= maxdist:
                        out.append((d, other))
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
    return Vocabulary(dict(df), dict(buckets))


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
