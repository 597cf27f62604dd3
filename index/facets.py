"""Facet counts over every match of a query, not only the page shown.

The document -> values arrays come from ``index.columns`` (cached per segment on disk
and loaded once per searcher); counting a query's matches is a mask and a ``bincount``
per facet, whatever the number of matches.  Values that differ only in case are one value
(``china`` and ``China``), counted together and shown in their most common spelling.
Filtering by a value uses the same arrays, so a facet's count equals what filtering by
its value returns; filters are forgiving beyond that: an author is found by any run of
their name's words (``foust`` or ``jeff foust``), a site by its name or by its domain, with
or without ``www.`` and subdomains (``nypost.com``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from archive.contract.facets import FACETS
from archive.contract.search import FacetValue

from .columns import Columns
from .postings import EMPTY
from .querying import site_domain
from .searching import SearcherHandle


def columns(handle: SearcherHandle) -> Columns:
    from .columns import load

    return handle.cached("columns", lambda: load(handle.folder, handle.searcher.reader()))


def fold(value: str) -> str:
    return " ".join(value.split()).casefold()


@dataclass(slots=True)
class Groups:
    """One facet's values folded: each value's group, and each group's shown spelling."""

    of: np.ndarray  # value index -> group index
    names: list[str]  # group index -> most common spelling
    keys: dict[str, int]  # folded value -> group index
    spelt: np.ndarray  # group index -> whether the index holds it in more than one spelling


def groups(handle: SearcherHandle, facet: str) -> Groups:
    def build() -> Groups:
        cols = columns(handle)
        values = cols.values[facet]
        live = cols.live[cols.docs[facet]] if len(cols.docs[facet]) else np.zeros(0, dtype=bool)
        counts = np.bincount(cols.vals[facet][live], minlength=len(values))
        keys: dict[str, int] = {}
        best: list[tuple[int, str]] = []
        of = np.zeros(len(values), dtype=np.int32)
        for i, value in enumerate(values):
            key = fold(value)
            group = keys.setdefault(key, len(keys))
            if group == len(best):
                best.append((int(counts[i]), value))
            elif (int(counts[i]), value) > best[group]:
                best[group] = (int(counts[i]), value)
            of[i] = group
        spelt = np.bincount(of, minlength=len(keys)) > 1 if len(of) else np.zeros(0, dtype=bool)
        return Groups(of, [v for _n, v in best], keys, spelt)

    return handle.cached(f"groups:{facet}", build)


def _word_groups(handle: SearcherHandle, facet: str, words: tuple[str, ...]) -> list[int]:
    """Groups whose value holds ``words`` one after another (``foust`` in ``jeff foust``)."""
    table: list[tuple[int, tuple[str, ...]]] = handle.cached(
        f"words:{facet}", lambda: [(g, tuple(k.replace(".", " ").split()))
                                   for k, g in groups(handle, facet).keys.items()])
    n = len(words)
    return [g for g, name in table if any(name[i : i + n] == words for i in range(len(name) - n + 1))]


def _domain_docs(handle: SearcherHandle, host: str) -> np.ndarray:
    from .docsets import term_postings

    if "domain" not in handle.searcher.schema:  # an index built before domains were kept
        return EMPTY
    return term_postings(handle.searcher, columns(handle), "domain", host)[0]


def docs_with(handle: SearcherHandle, facet: str, wanted: tuple[str, ...]) -> np.ndarray:
    """Live docnums having any of the values (matched without regard to case)."""
    cols = columns(handle)
    folded = groups(handle, facet)
    picked: set[int] = set()
    extra: list[np.ndarray] = []
    for value in wanted:
        key = fold(value)
        group = folded.keys.get(key)
        if group is not None:
            picked.add(group)
        elif facet == "author" and key:
            picked.update(_word_groups(handle, facet, tuple(key.replace(".", " ").split())))
        if facet == "site":
            host = site_domain(value)
            if host:
                extra.append(_domain_docs(handle, host))
    parts = extra
    if picked:
        chosen = np.flatnonzero(np.isin(folded.of, list(picked)))
        parts = [cols.docs[facet][np.isin(cols.vals[facet], chosen)], *extra]
    if not parts:
        return EMPTY
    docs = np.unique(np.concatenate(parts)).astype(np.int32)
    return docs[cols.live[docs]]


def _ranked(counts: np.ndarray, values: list[str], limit: int) -> list[FacetValue]:
    nonzero = np.flatnonzero(counts)
    if len(nonzero) > 4 * limit:  # keep every value tied with the last one shown
        floor = np.partition(counts[nonzero], len(nonzero) - limit)[len(nonzero) - limit]
        nonzero = nonzero[counts[nonzero] >= floor]
    ranked = sorted((-int(counts[i]), values[i]) for i in nonzero)
    return [FacetValue(v, -n) for n, v in ranked[:limit]]


def count_facets(
    handle: SearcherHandle, docs: np.ndarray, *, limit: int = 20, month: bool = False
) -> dict[str, list[FacetValue]]:
    """Author, site, year and tag counts over ``docs``, highest first (ties by value); with
    ``month``, also a per-month histogram in date order."""
    cols = columns(handle)
    out: dict[str, list[FacetValue]] = {}
    mask = np.zeros(cols.size, dtype=bool)
    mask[docs] = True
    days = cols.day[docs]
    days = days[days > 0]
    for spec in FACETS:
        facet = spec.name
        if spec.kind == "year":
            years, counts = np.unique(days // 10000, return_counts=True)
            ranked = sorted((-int(n), str(y)) for y, n in zip(years, counts, strict=True))
            out[facet] = [FacetValue(v, -n) for n, v in ranked[:limit]]
            continue
        folded = groups(handle, facet)
        pairs = mask[cols.docs[facet]]
        picked = folded.of[cols.vals[facet][pairs]]
        counts = np.bincount(picked, minlength=len(folded.names))
        several = folded.spelt[picked]
        if several.any():  # a document holding two spellings of one value counts once
            keys = np.unique((cols.docs[facet][pairs][several].astype(np.int64) << 32) | picked[several])
            again = np.bincount((keys & 0xFFFFFFFF).astype(np.int64), minlength=len(folded.names))
            counts[folded.spelt] = again[folded.spelt]
        out[facet] = _ranked(counts, folded.names, limit)
    if month:
        months, counts = np.unique(days // 100, return_counts=True)
        out["month"] = [
            FacetValue(f"{m // 100:04d}-{m % 100:02d}", int(n))
            for m, n in zip(months, counts, strict=True)
        ]
    return out
