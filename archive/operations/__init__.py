"""Operations: what a user asks of an archive, over a Workspace opened from its home.

``Archive`` (service.py) is the facade the front ends call; each operation is a module:
ingest (from sources, through the extraction pool), reextract, forget, integrity (check
and repair), export, history (versions and diffs), stats, and indexing (the index queue
drained into the search backend).
"""

from archive.contract.exports import lazy

_WHERE = {
    "Archive": ".service",
    "Workspace": ".workspace",
    "whoosh_backend": ".workspace",
    "ingest": ".ingest",
    "IngestSummary": ".ingest",
    "Outcome": ".ingest",
    "Inputs": ".sources",
    "find_inputs": ".sources",
    "extract_file": ".sources",
    "ExtractionPool": ".pool",
    "Task": ".pool",
    "local_executor": ".pool",
    "reextract": ".reextract",
    "forget": ".forget",
    "check": ".integrity",
    "repair": ".integrity",
    "CheckReport": ".integrity",
    "stats": ".stats",
    "sync": ".indexing",
    "rebuild": ".indexing",
    "list_versions": ".history",
    "diff_versions": ".history",
}
__all__ = sorted(_WHERE)
__getattr__ = lazy(__name__, _WHERE)
