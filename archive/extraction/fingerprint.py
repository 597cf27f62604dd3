"""A body's fingerprint for finding copies of a story: word 5-shingles and their MinHash.

Pure computation, text in and numbers out:

    body -> words (case and punctuation folded) -> 5-word shingles, each a 64-bit hash
    -> MinHash (128 values) -> 42 LSH band keys of 3 values each (126 of the 128)

Two bodies sharing a fraction J of their shingles (Jaccard) agree on each MinHash value
with probability J, so they share at least one band key with probability
1 - (1 - J^3)^42: 0.996 at J = 0.5, 0.94 at J = 0.4, 0.75 at J = 0.32 (a short copy
contained in a longer page), 0.04 at J = 0.1.  The band keys
find candidates without comparing an article to every other; a candidate is then
confirmed on the exact shingle sets (``compare``), never on the estimate.

The word hashes are stable across processes and machines (BLAKE2b, not Python's salted
``hash``): signatures stored by one run are compared by the next.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

SHINGLE = 5
PERMUTATIONS = 128
BANDS = 42
ROWS = 3
VERSION = "1"
"""Changes when signatures or band keys of a body would change: stored ones need a rebuild."""

_WORD_RE = re.compile(r"\w+")
_SEED = 20240514
_rng = np.random.default_rng(_SEED)
# Multiply-add hashing mod 2**64, keeping the high 32 bits: one permutation per (a, b).
_A = _rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
_BAND_SALT = _rng.integers(1, 2**63, size=BANDS, dtype=np.uint64)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_STEP = np.uint64(0x9E3779B97F4A7C15)
_CHUNK = 4096  # shingles hashed at a time (keeps the 128 x n matrix small for long bodies)

_word_hashes: dict[str, int] = {}
_CACHE_MAX = 500_000


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer, element-wise (uint64 arithmetic wraps, as intended)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


def words(text: str) -> list[str]:
    """The body's words, case-folded, punctuation and spacing dropped."""
    return _WORD_RE.findall(text.casefold())


def _hash_words(tokens: list[str]) -> np.ndarray:
    cache = _word_hashes
    if len(cache) > _CACHE_MAX:
        cache.clear()
    out = []
    for word in tokens:
        value = cache.get(word)
        if value is None:
            value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
            cache[word] = value
        out.append(value)
    return np.array(out, dtype=np.uint64)


def shingles(text: str) -> np.ndarray:
    """The distinct 64-bit hashes of the text's word 5-shingles, sorted (a text of fewer
    than five words is one shingle; a text with no words has none)."""
    tokens = words(text)
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    hashed = _hash_words(tokens)
    if len(hashed) < SHINGLE:
        hashed = np.concatenate([hashed, np.zeros(SHINGLE - len(hashed), dtype=np.uint64)])
    count = len(hashed) - SHINGLE + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE):
        combined = _mix(combined ^ hashed[offset : offset + count]) + _STEP
    return np.unique(combined)


def minhash(hashes: np.ndarray) -> np.ndarray:
    """The 128 MinHash values (uint32) of a shingle set; all ones for an empty set."""
    out = np.full(PERMUTATIONS, np.uint32(0xFFFFFFFF), dtype=np.uint32)
    for start in range(0, len(hashes), _CHUNK):
        part = hashes[start : start + _CHUNK]
        values = np.multiply.outer(_A, part)
        values += _B[:, None]
        values >>= np.uint64(32)
        out = np.minimum(out, values.min(axis=1).astype(np.uint32))
    return out


def band_keys(signature: np.ndarray) -> list[int]:
    """The LSH bucket key of each of the 42 bands, as signed 64-bit integers (SQLite's)."""
    rows = signature[: BANDS * ROWS].astype(np.uint64).reshape(BANDS, ROWS)
    key = _BAND_SALT.copy()
    for column in range(ROWS):
        key = _mix(key ^ rows[:, column]) + _STEP
    return key.view(np.int64).tolist()


def digest(tokens: list[str]) -> str:
    """The text's words, in order, hashed: two bodies with the same digest are exact copies
    (the same words, whatever their spacing, case or punctuation)."""
    return hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What finding a body's copies needs: its exact digest, its shingle set (for the
    exact check), its MinHash and the LSH band keys."""

    digest: str
    shingles: np.ndarray
    signature: np.ndarray

    @property
    def size(self) -> int:
        return len(self.shingles)

    def keys(self) -> list[int]:
        return band_keys(self.signature) if self.size else []

    def signature_bytes(self) -> bytes:
        return self.signature.astype("<u4").tobytes()


def fingerprint(body: str) -> Fingerprint:
    tokens = words(body)
    hashes = shingles(body)
    return Fingerprint(digest(tokens), hashes, minhash(hashes))


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity two MinHash signatures estimate."""
    return float(np.mean(a == b))


@dataclass(frozen=True, slots=True)
class Likeness:
    """How much of two bodies is shared: Jaccard of their shingle sets, and containment
    (the share of the smaller set found in the larger: a copy cut short, or with an extra
    paragraph, is contained in the other), with the ratio of their sizes."""

    jaccard: float
    containment: float
    ratio: float
    exact: bool = False


def compare(a: Fingerprint, b: Fingerprint) -> Likeness:
    """The exact likeness of two bodies, from their shingle sets."""
    if a.digest == b.digest and a.size:
        return Likeness(1.0, 1.0, 1.0, exact=True)
    if not a.size or not b.size:
        return Likeness(0.0, 0.0, 0.0)
    shared = len(np.intersect1d(a.shingles, b.shingles, assume_unique=True))
    small, large = sorted((a.size, b.size))
    return Likeness(shared / (a.size + b.size - shared), shared / small, small / large)
