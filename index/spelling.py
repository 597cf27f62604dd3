""""Did you mean": the query again with its misspelt words replaced by the archive's own.

Built on the words of the archive as written (index.vocabulary), weighted by how many
articles hold each.  A word is corrected only when some word within two edits (a swap of
neighbouring letters counting as one; the first letter kept) is held by many more articles
than it is, and by more than the query matched; of those, the closest wins, then the most
common.  So ``plauge`` becomes ``plague`` and ``missle`` ``missile``, while a rare but real
word of the archive is left alone.
"""

from __future__ import annotations

import math
import re

from .vocabulary import Vocabulary

_WORD_RE = re.compile(r"(?<![\w:*?~\"])([^\W\d_]{3,})(?![\w:*?~])")
MAX_WORDS = 6
OPERATORS = {"AND", "OR", "NOT", "TO"}
MARGIN = 20  # times more articles than the word itself a correction must be held by
DISTANCE_COST = 3.0  # one more edit must be worth e**3 (20) times as many articles


def correction(vocab: Vocabulary, word: str, floor: int = 0) -> str | None:
    """The best replacement for one lowercased word, or None."""
    own = vocab.frequency(word)
    need = max(floor + 1, MARGIN * own, 1)
    if need > vocab.top:  # no word is common enough to replace it
        return None
    best: tuple[float, str] | None = None
    for dist, other in vocab.within(word, 2, prefix=1):
        if other == word:
            continue
        count = vocab.frequency(other)
        if count < need:
            continue
        score = math.log(count) - DISTANCE_COST * dist
        if best is None or score > best[0] or (score == best[0] and other < best[1]):
            best = (score, other)
    return best[1] if best else None


def suggest(vocab: Vocabulary, text: str, total: int) -> str | None:
    """The query with misspelt words corrected, or None when nothing needs correcting;
    ``total`` is how many articles the query itself matched."""
    out = text
    changed = False
    for word in _WORD_RE.findall(text)[:MAX_WORDS]:
        if word.upper() in OPERATORS and word.isupper():
            continue
        fixed = correction(vocab, word.lower(), total)
        if fixed:
            out = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", fixed, out, count=1)
            changed = True
    return out if changed else None
