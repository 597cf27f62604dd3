"""The web front end as one ASGI application: the search page, the reader view and the
JSON API over the same ``Archive`` the command line uses, read-only.

``create_app`` joins the route groups (``pages.ROUTES``, ``api.ROUTES``, the static
files; a later group such as saved-search feeds is one more list in ``route_groups``),
the reader threads that run every search, and the guard that sets the security headers,
refuses bodies and checks the token.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from archive.contract.errors import NotFoundError
from archive.operations.service import Archive

from . import api, feeds, pages
from .answers import json_error
from .guard import Guard
from .readers import ReaderPool

STATIC = Path(__file__).resolve().parent / "static"


def route_groups() -> list[BaseRoute]:
    """Every route the server answers, in the order they are matched."""
    return [*api.ROUTES, *pages.ROUTES, *feeds.ROUTES,
            Mount("/static", StaticFiles(directory=STATIC), name="static")]


async def _not_found(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api"):
        return json_error(404, "not_found", f"no such endpoint: {request.url.path} (GET /api lists them)")
    detail = getattr(exc, "detail", "")
    return pages.error_page(NotFoundError(f"nothing at {request.url.path}" + (f" ({detail})" if detail
                                          and detail != "Not Found" else "")))


async def _failed(request: Request, exc: Exception) -> Response:
    message = "the server met an unexpected error; it is logged on the server's terminal"
    if request.url.path.startswith("/api"):
        return json_error(500, "error", message)
    return pages.render("error.html", 500, status=500, heading="Something went wrong", message=message)


def create_app(root: str | os.PathLike[str] | None, *, workers: int = 2, token: str | None = None,
               warm: bool = True, open_archive: Callable[[], Archive] | None = None) -> Guard:
    """The server of the archive at ``root``: ``workers`` reader threads (one searcher
    each), and with ``token`` every request must bring it."""
    Archive(root, create=False).close()  # a missing home fails here, not in a reader thread
    opener = open_archive or (lambda: Archive(root, create=False))
    readers = ReaderPool(opener, workers, warm=warm)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            readers.close()

    app = Starlette(routes=route_groups(), lifespan=lifespan,
                    exception_handlers={404: _not_found, HTTPException: _not_found, Exception: _failed})
    app.state.readers = readers
    guard = Guard(app, token)
    guard.readers = readers  # type: ignore[attr-defined]
    return guard
