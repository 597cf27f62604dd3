"""What the index holds, for integrity checks: every live document's stored fields, and
the stored form a record should have there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.fields import Schema

from archive.contract.records import Record

from .location import IndexLocation
from .schema import document_for


def stored_documents(location: IndexLocation) -> Iterator[dict[str, Any]]:
    """The stored fields of every live (not deleted) document of the current index."""
    ix = location.open()
    try:
        with ix.searcher() as searcher:
            for _docnum, fields in searcher.reader().iter_docs():
                yield fields
    finally:
        ix.close()


def stored_form(record: Record, schema: Schema) -> dict[str, Any]:
    """The stored fields the index document of ``record`` has when it is up to date."""
    stored = set(schema.stored_names())
    return {k: v for k, v in document_for(record).items() if k in stored and v is not None}


def index_schema(location: IndexLocation) -> Schema:
    ix = location.open()
    try:
        return ix.schema
    finally:
        ix.close()
