"""How the server answers: JSON documents, and the archive's errors as HTTP statuses.

Every front end turns the same ``ArchiveError`` tree into its own form; here it is a
status and ``{"error": {"kind", "message"}}`` (the JSON API) or an error page (HTML).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from archive.contract.errors import (
    ArchiveError,
    NotFoundError,
    QueryError,
    RequestError,
    StoreError,
)

from .params import NAMES


def failure(exc: ArchiveError) -> tuple[int, str, str]:
    """The status, kind and one-line message of an archive error."""
    if isinstance(exc, RequestError):
        return 400, "bad_parameter", exc.render(NAMES)
    if isinstance(exc, QueryError):
        return 400, "bad_query", str(exc)
    if isinstance(exc, NotFoundError):
        return 404, "not_found", str(exc)
    if isinstance(exc, StoreError):
        return 503, "unavailable", str(exc)
    return 500, "error", str(exc)


class JSONAnswer(Response):
    """One JSON document, spelled as ``archive ... --json`` prints it."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False).encode("utf-8")


def json_error(status: int, kind: str, message: str) -> JSONAnswer:
    return JSONAnswer({"error": {"kind": kind, "message": message}}, status_code=status,
                      headers={"cache-control": "no-store"})


def json_failure(exc: ArchiveError) -> JSONAnswer:
    return json_error(*failure(exc))
