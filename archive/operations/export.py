"""``archive export``: records out, as JSON Lines or CSV, streamed and complete.

Without a query or filter every record is read from the store in id order, a batch at a
time; with one, the query layer names every matching id (not a page of them) and the
records are read from the store in that order, a batch at a time.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import TYPE_CHECKING, TextIO

from archive.contract.records import Record

if TYPE_CHECKING:
    from archive.storage.store import RecordStore

FORMATS = ("jsonl", "csv")
COLUMNS = tuple(f.name for f in fields(Record))
BATCH = 500


def records_for(store: RecordStore, ids: Iterable[str] | None) -> Iterator[Record]:
    """The records of ``ids`` in that order (ids no longer stored are skipped), or all."""
    if ids is None:
        yield from store.iter_records(BATCH)
        return
    chunk: list[str] = []
    for article_id in ids:
        chunk.append(article_id)
        if len(chunk) >= BATCH:
            found = store.get_many(chunk)
            yield from (found[i] for i in chunk if i in found)
            chunk = []
    found = store.get_many(chunk)
    yield from (found[i] for i in chunk if i in found)


# A spreadsheet takes a cell starting with one of these as a formula (=HYPERLINK(...) that
# leaks data, =cmd|...); captured text must stay text, so such a cell is led by a quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(record: Record, column: str) -> object:
    value = getattr(record, column)
    if isinstance(value, tuple):
        value = "; ".join(value)
    elif isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write(records: Iterable[Record], out: TextIO, fmt: str) -> int:
    """Write records to ``out`` in ``fmt``; returns how many."""
    count = 0
    if fmt == "jsonl":
        for record in records:
            out.write(record.to_json() + "\n")
            count += 1
        return count
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for record in records:
            writer.writerow([_csv_value(record, c) for c in COLUMNS])
            count += 1
        return count
    raise ValueError(fmt)


WATCH_COLUMNS = ("name", "query", "filters", "since", "until", "since_seq", "created_at", "last_run_at")


def write_watches(watches: Iterable[dict[str, object]], out: TextIO, fmt: str) -> int:
    """Write saved searches (``watch list --json`` items) to ``out`` in ``fmt``; returns how many."""
    count = 0
    writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(WATCH_COLUMNS)
    elif fmt != "jsonl":
        raise ValueError(fmt)
    for watch in watches:
        if writer is None:
            out.write(json.dumps(watch, ensure_ascii=False, sort_keys=True) + "\n")
        else:
            cells = [json.dumps(watch[c], ensure_ascii=False, sort_keys=True) if c == "filters" else watch[c]
                     for c in WATCH_COLUMNS]
            writer.writerow(["" if v is None else ("'" + v if isinstance(v, str) and v.startswith(_FORMULA_STARTS)
                                                   else v) for v in cells])
        count += 1
    return count
