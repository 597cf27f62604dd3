"""The bottom of the house: what every layer shares and may import.

Records, captures, errors, settings, the clock, the facet registry, the search contract
(request, hits, result) and the search backend protocol; and the helpers that make
worker processes die with their parent (lifeline.py) and package faces lazy (exports.py).
"""

from .exports import lazy

_WHERE = {
    "Inventory": ".backend", "SearchBackend": ".backend",
    "Capture": ".captures", "Envelope": ".captures",
    "now_utc": ".clock",
    "ArchiveError": ".errors", "BusyError": ".errors", "InputError": ".errors", "NotFoundError": ".errors",
    "QueryError": ".errors", "RequestError": ".errors", "StoreError": ".errors",
    "FACETS": ".facets", "TERM_FACETS": ".facets", "Facet": ".facets",
    "Record": ".records", "article_id": ".records", "count_words": ".records",
    "FacetValue": ".search", "Hit": ".search", "SearchRequest": ".search", "SearchResult": ".search",
    "SimilarResult": ".search",
    "CLEANER_VERSION": ".settings", "Settings": ".settings", "current": ".settings", "override": ".settings",
}
__all__ = sorted(_WHERE)
__getattr__ = lazy(__name__, _WHERE)
