"""``GET /api``: an OpenAPI 3.1 document describing every endpoint.

The search parameters are listed from the facet registry and the contract's choices, so
the description follows a new facet or sort order without an edit here.
"""

from __future__ import annotations

from typing import Any

from archive import __version__
from archive.contract.facets import TERM_FACETS
from archive.contract.search import HISTOGRAMS, SORTS
from archive.contract.settings import current


def _query(name: str, description: str, schema: dict[str, Any], *, repeat: bool = False) -> dict[str, Any]:
    if repeat:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema,
            **({"style": "form", "explode": True} if repeat else {})}


def _search_parameters() -> list[dict[str, Any]]:
    settings = current()
    params = [_query("q", "The query: words, \"phrases\", AND/OR/NOT, field:value, prefix*.",
                     {"type": "string", "maxLength": settings.max_query_chars})]
    for facet in TERM_FACETS.values():
        params.append(_query(facet.name, facet.help, {"type": "string"}, repeat=True))
    params += [
        _query("since", "Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).", {"type": "string"}),
        _query("until", "Published on or before (YYYY, YYYY-MM or YYYY-MM-DD).", {"type": "string"}),
        _query("sort", "Order of the hits.", {"type": "string", "enum": list(SORTS), "default": "relevance"}),
        _query("page", "Page of hits, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
        _query("limit", "Hits per page.", {"type": "integer", "minimum": 1, "maximum": settings.max_limit,
                                          "default": 10}),
        _query("histogram", "Grain of the date counts (default: month when since/until span under "
               "3 years).", {"type": "string", "enum": list(HISTOGRAMS)}),
        _query("copies", "`all`: every copy of a story as a hit of its own (by default a story is one hit, "
               "with `copies` counting its matching articles).", {"type": "string", "enum": ["all"]}),
    ]
    return params


_ID = {"name": "article_id", "in": "path", "required": True, "description": "Article id (16 hex digits, "
       "or an unambiguous prefix of 6 or more).", "schema": {"type": "string", "pattern": "^[0-9a-f]{6,16}$"}}
_ERROR = {"description": "An error",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _get(summary: str, mirrors: str, parameters: list[dict[str, Any]], errors: tuple[int, ...]) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": {"description": f"The document `{mirrors}` prints.",
                                         "content": {"application/json": {}}}}
    for status in errors:
        responses[str(status)] = _ERROR
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def describe(base: str) -> dict[str, Any]:
    """The OpenAPI document of this server (``base`` is its address)."""
    limit = _query("limit", "How many articles.", {"type": "integer", "minimum": 1, "default": 10})
    versions = [_query("from", "Older version (default: the one before `to`).", {"type": "integer"}),
                _query("to", "Newer version (default: the current one).", {"type": "integer"})]
    return {
        "openapi": "3.1.0",
        "info": {"title": "article-archive", "version": __version__,
                 "description": "Read-only search over an article archive. Every HTML page has a twin "
                                "here with the same query string. Errors are "
                                "{\"error\": {\"kind\", \"message\"}} with 400 (bad query or parameter), "
                                "404 (unknown id), 503 (index unavailable)."},
        "servers": [{"url": base}],
        "paths": {
            "/api/search": _get("Search: ranked hits, facet counts, did-you-mean", "archive search --json",
                                _search_parameters(), (400, 503)),
            "/api/articles/{article_id}": _get("One article's record", "archive show ID --json", [_ID],
                                               (404,)),
            "/api/articles/{article_id}/versions": _get("The article's versions, oldest first",
                                                        "archive show ID --versions --json", [_ID], (404,)),
            "/api/articles/{article_id}/diff": _get("What changed between two versions",
                                                    "archive diff ID --json", [_ID, *versions], (400, 404)),
            "/api/articles/{article_id}/similar": _get("Articles most like this one",
                                                       "archive similar ID --json", [_ID, limit], (400, 404)),
            "/api/articles/{article_id}/copies": _get("The article's copies (the same story elsewhere)",
                                                      "archive copies ID --json", [_ID], (404,)),
            "/api/watches": _get("The saved searches", "archive watch list --json", [], (503,)),
            "/api/stats": _get("Counts, gaps, top authors and sites", "archive stats --json", [], (503,)),
        },
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["kind", "message"], "properties": {
                "kind": {"type": "string", "enum": ["bad_query", "bad_parameter", "not_found", "unavailable",
                                                    "unauthorized", "method_not_allowed", "body_not_allowed",
                                                    "error"]},
                "message": {"type": "string"}}}}}}},
    }
