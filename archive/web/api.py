"""The JSON API: the twin of every HTML page, with the same query string.

Each document is the contract's ``to_dict()``, exactly what the matching ``archive ...
--json`` command prints: ``/api/search`` is ``archive search --json``, ``/api/articles/ID``
is ``show --json``, ``.../versions`` is ``show --versions --json``, ``.../diff`` is ``diff
--json``, ``.../similar`` is ``similar --json``, ``.../copies`` is ``copies ID --json``,
``/api/watches`` is ``watch list --json``, ``/api/stats`` is ``stats --json``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archive.contract.errors import ArchiveError, NotFoundError, RequestError, literal
from archive.contract.search import check_limit
from archive.operations.service import Archive

from .answers import JSONAnswer, json_error, json_failure
from .openapi import describe
from .params import request_from, valid_id


def article_id(request: Request) -> str:
    """The path's article id, refused unless it can be one (no traversal, no junk)."""
    text = request.path_params["article_id"]
    if not valid_id(text):
        raise NotFoundError(f"{text[:40]!r} is not an article id (6 to 16 hex digits)")
    return text.lower()


def version_number(request: Request, name: str) -> int | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise RequestError(name, f"{{{name}}} must be a version number")
    return int(text)


def small_limit(request: Request, default: int = 10) -> int:
    text = request.query_params.get("limit", "").strip()
    if not text:
        return default
    if not text.isdigit() or len(text) > 9:
        raise RequestError("limit", "{limit} must be a whole number")
    check_limit(int(text))
    return int(text)


def only(request: Request, *names: str) -> None:
    """Refuse parameters an endpoint does not take, naming the first."""
    for key in request.query_params:
        if key not in names and key != "token":
            allowed = ", ".join(names) or "none"
            raise RequestError(key, f"{literal(repr(key[:40]))} is not a parameter here (parameters: {allowed})")


Job = Callable[[Archive], Any]


def endpoint(build: Callable[[Request], Job]) -> Callable[[Request], Awaitable[Response]]:
    """A route running ``build(request)`` (which reads and checks the parameters) on a reader
    thread, answering with its JSON or the error's."""

    async def handle(request: Request) -> Response:
        try:
            job = build(request)
            return JSONAnswer(await request.app.state.readers.run(job))
        except ArchiveError as exc:
            return json_failure(exc)

    handle.__name__ = build.__name__
    return handle


@endpoint
def search(request: Request) -> Job:
    wanted = request_from(request.query_params.multi_items())
    return lambda archive: archive.search(wanted).to_dict()


@endpoint
def article(request: Request) -> Job:
    only(request)
    found = article_id(request)
    return lambda archive: archive.get(found).to_dict()


@endpoint
def versions(request: Request) -> Job:
    only(request)
    found = article_id(request)
    return lambda archive: [v.to_dict() for v in archive.versions(found)]


@endpoint
def diff(request: Request) -> Job:
    only(request, "from", "to")
    found = article_id(request)
    old, new = version_number(request, "from"), version_number(request, "to")
    return lambda archive: archive.diff(found, old, new).to_dict()


@endpoint
def similar(request: Request) -> Job:
    only(request, "limit")
    found, limit = article_id(request), small_limit(request)
    return lambda archive: archive.similar(found, limit=limit).to_dict()


@endpoint
def copies(request: Request) -> Job:
    only(request)
    found = article_id(request)
    return lambda archive: archive.copies(found).to_dict()


@endpoint
def watches(request: Request) -> Job:
    only(request)
    return lambda archive: {"watches": [w.to_dict() for w in archive.watches()]}


@endpoint
def stats(request: Request) -> Job:
    only(request)
    return lambda archive: archive.stats()


async def index(request: Request) -> Response:
    return JSONAnswer(describe(str(request.base_url).rstrip("/")))


async def unknown(request: Request) -> Response:
    return json_error(404, "not_found", f"no such endpoint: {request.url.path} (GET /api lists them)")


ROUTES = [
    Route("/api", index, methods=["GET"]),
    Route("/api/search", search, methods=["GET"]),
    Route("/api/stats", stats, methods=["GET"]),
    Route("/api/articles/{article_id}", article, methods=["GET"]),
    Route("/api/articles/{article_id}/versions", versions, methods=["GET"]),
    Route("/api/articles/{article_id}/diff", diff, methods=["GET"]),
    Route("/api/articles/{article_id}/similar", similar, methods=["GET"]),
    Route("/api/articles/{article_id}/copies", copies, methods=["GET"]),
    Route("/api/watches", watches, methods=["GET"]),
    Route("/api/{rest:path}", unknown, methods=["GET"]),
]
