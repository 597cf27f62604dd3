"""Facet counts over every match of a query, not only the page shown.

The document -> values arrays come from ``index.columns`` (cached per segment on disk
and loaded once per searcher); counting a query's matches is a mask and a ``bincount``
per facet, whatever the number of matches.  Filtering by a value uses the same arrays,
so a facet's count always equals what filtering by its value returns.
"""

from __future__ import annotations

import numpy as np

from archive.contract.facets import FACETS
from archive.contract.search import FacetValue

from .columns import Columns
from .searching import SearcherHandle


def columns(handle: SearcherHandle) -> Columns:
    from .columns import load

    return handle.cached("columns", lambda: load(handle.folder, handle.searcher.reader()))


def _folded(handle: SearcherHandle, facet: str) -> dict[str, list[int]]:
    def build() -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, value in enumerate(columns(handle).values[facet]):
            out.setdefault(value.strip().casefold(), []).append(i)
        return out

    return handle.cached(f"folded:{facet}", build)


def docs_with(handle: SearcherHandle, facet: str, wanted: tuple[str, ...]) -> np.ndarray:
    """Live docnums having any of the values (matched without regard to case)."""
    cols = columns(handle)
    folded = _folded(handle, facet)
    ids = [i for value in wanted for i in folded.get(value.strip().casefold(), [])]
    if not ids:
        return np.zeros(0, dtype=np.int32)
    docs = np.unique(cols.docs[facet][np.isin(cols.vals[facet], ids)])
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
        values = cols.values[facet]
        picked = cols.vals[facet][mask[cols.docs[facet]]]
        out[facet] = _ranked(np.bincount(picked, minlength=len(values)), values, limit)
    if month:
        months, counts = np.unique(days // 100, return_counts=True)
        out["month"] = [
            FacetValue(f"{m // 100:04d}-{m % 100:02d}", int(n))
            for m, n in zip(months, counts, strict=True)
        ]
    return out
