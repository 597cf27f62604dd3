"""Each segment's words by stem, on disk beside the segment, for query-time stemming.

The index holds words as written (index.analysis); a query word stands for all the words
with its stem.  Finding them by scanning a segment's term dictionary costs milliseconds
per segment, so when a segment is new its words are listed once, sorted by a 64-bit hash
of their stem, with their document frequencies, in two files a searcher maps into memory
(``lex-<segment>.<field>.npy``: hash, offset of the word, documents holding it;
``lex-<segment>.<field>.txt``: the words, UTF-8, end to end).  A lookup is a binary search;
words found are checked against the stem, so a hash collision costs nothing but time.
The same files give "did you mean" and fuzzy terms the archive's vocabulary with the
number of articles holding each word.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.reading import IndexReader

from . import cachefiles
from .analysis import MAX_WORD, stem, stems

FIELDS = ("title", "body")
LEXICON_VERSION = 1
ROW = np.dtype([("hash", "<u8"), ("offset", "<i8"), ("df", "<i4")])


def stem_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass(slots=True)
class FieldLexicon:
    rows: np.ndarray  # ROW records sorted by stem hash; offset indexes ``text``
    text: np.ndarray  # uint8: the words, each followed by a newline

    def word(self, i: int) -> str:
        start = int(self.rows["offset"][i])
        return bytes(self.text[start : start + 4 * MAX_WORD + 1]).split(b"\n", 1)[0].decode("utf-8")

    def variants(self, word_stem: str) -> list[tuple[str, int]]:
        """The words of this segment with that stem, and how many documents hold each."""
        key = np.uint64(stem_hash(word_stem))
        hashes = self.rows["hash"]
        lo = int(np.searchsorted(hashes, key, "left"))
        hi = int(np.searchsorted(hashes, key, "right"))
        out = []
        for i in range(lo, hi):
            word = self.word(i)
            if stem(word) == word_stem:
                out.append((word, int(self.rows["df"][i])))
        return out

    def vocabulary(self) -> tuple[list[str], np.ndarray]:
        """Every word of the segment (in stem-hash order) and its document frequency."""
        words = bytes(self.text).decode("utf-8").split("\n")[: len(self.rows)]
        order = np.argsort(self.rows["offset"], kind="stable")
        return words, self.rows["df"][order]


def build(reader: IndexReader, field: str) -> FieldLexicon:
    words: list[str] = []
    dfs: list[int] = []
    if field in reader.indexed_field_names():
        for term, info in reader.iter_field(field):
            word = term.decode("utf-8", "replace") if isinstance(term, bytes) else str(term)
            if len(term) <= MAX_WORD and "\n" not in word:
                words.append(word)
                dfs.append(info.doc_frequency())
    blob = "".join(w + "\n" for w in words).encode("utf-8")
    offsets = np.zeros(len(words), dtype=np.int64)
    if words:
        lengths = np.fromiter((len(w.encode("utf-8")) + 1 for w in words), dtype=np.int64, count=len(words))
        offsets[1:] = np.cumsum(lengths)[:-1]
    rows = np.zeros(len(words), dtype=ROW)
    rows["hash"] = np.fromiter((stem_hash(s) for s in stems(words)), dtype=np.uint64, count=len(words))
    rows["offset"] = offsets
    rows["df"] = dfs
    rows = rows[np.argsort(rows["hash"], kind="stable")]
    return FieldLexicon(rows, np.frombuffer(blob, dtype=np.uint8))


def _paths(folder: Path, segment_id: str, field: str) -> tuple[Path, Path]:
    stem_ = f"lex{LEXICON_VERSION}-{segment_id}.{field}"
    return folder / f"{stem_}.npy", folder / f"{stem_}.txt"


def files(segment_id: str) -> set[str]:
    return {p.name for field in FIELDS for p in _paths(Path("."), segment_id, field)}


def _save(folder: Path, segment_id: str, field: str, lex: FieldLexicon) -> None:
    rows_path, text_path = _paths(folder, segment_id, field)
    try:
        cachefiles.replace(text_path, lambda fh: fh.write(lex.text.tobytes() + b"\n"))  # never an empty file
        cachefiles.replace(rows_path, lambda fh: np.save(fh, lex.rows))  # last: its presence says the words are whole
    except OSError:
        pass  # a read-only index still searches, only slower


def _load(folder: Path, segment_id: str, field: str) -> FieldLexicon | None:
    rows_path, text_path = _paths(folder, segment_id, field)
    try:
        with cachefiles.reading():
            rows = np.load(rows_path, mmap_mode="r")
        text = np.memmap(text_path, dtype=np.uint8, mode="r")
    except (OSError, ValueError):
        return None
    if rows.dtype != ROW or (len(rows) and int(rows["offset"].max()) >= len(text)):
        return None
    return FieldLexicon(rows, text)


def segment_lexicon(folder: Path | None, reader: IndexReader) -> dict[str, FieldLexicon]:
    """A segment's lexicons of title and body, read from their files or built (and saved)."""
    segment = reader.segment()
    out: dict[str, FieldLexicon] = {}
    for field in FIELDS:
        lex = None
        if folder is not None and segment is not None:
            lex = _load(folder, segment.segment_id(), field)
        if lex is None:
            lex = build(reader, field)
            if folder is not None and segment is not None:
                _save(folder, segment.segment_id(), field, lex)
        out[field] = lex
    return out
