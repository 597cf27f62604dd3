"""The web front end: ``archive serve``'s search page, reader view and JSON API.

A front end beside ``archive.cli``: it calls ``archive.operations.service.Archive`` and
serializes with the contract's ``to_dict()``, so its JSON is the command line's.
"""

from archive.contract.exports import lazy

_WHERE = {
    "create_app": ".app",
    "route_groups": ".app",
    "serve": ".server",
    "check_access": ".server",
    "ReaderPool": ".readers",
    "request_from": ".params",
    "query_string": ".params",
}
__all__ = sorted(_WHERE)
__getattr__ = lazy(__name__, _WHERE)
