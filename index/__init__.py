"""The Whoosh side of article-archive: schema, index maintenance and the query layer.

It implements the archive's ``SearchBackend`` (backend.py) and imports nothing of the
archive but ``archive.contract``.
"""

from archive.contract.exports import lazy

_WHERE = {"WhooshBackend": ".backend", "IndexLocation": ".location", "ArchiveSearcher": ".search",
          "build_schema": ".schema", "document_for": ".schema", "parse_query": ".querying"}
__all__ = sorted(_WHERE)
__getattr__ = lazy(__name__, _WHERE)
