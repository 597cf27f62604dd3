"""What every response and every request passes through: the security headers, the
refusal of anything but a bodiless GET or HEAD, and the token an open host requires.

Plain ASGI middleware, so a response's own headers (the original capture's sandbox
policy) are kept and the rest are added once, on the way out.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""The archive's own pages: nothing from elsewhere, no inline script or style."""
ORIGINAL_POLICY = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                   "font-src data:; frame-ancestors 'none'")
"""A captured page: a sandbox (an opaque origin, no script, no forms), and nothing fetched
from the sites it names, so opening it tells no one who is reading."""
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
COOKIE = "archive_token"


def error_body(kind: str, message: str) -> bytes:
    return json.dumps({"error": {"kind": kind, "message": message}}, ensure_ascii=False).encode()


async def _send_error(send: Send, status: int, kind: str, message: str,
                      extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = error_body(kind, message)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """Security headers on every response; bodies and methods other than GET/HEAD refused;
    with a token, every request must bring it (bearer header or cookie; ``?token=`` sets
    the cookie and redirects to the same address without it)."""

    def __init__(self, app: ASGIApp, token: str | None = None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        guarded = self._with_headers(send)
        if scope["method"] not in ("GET", "HEAD"):
            await _send_error(guarded, 405, "method_not_allowed",
                              f"{scope['method']} is not served: the archive is read-only; use GET",
                              [(b"allow", b"GET, HEAD")])
            return
        length = headers.get(b"content-length", b"0").strip() or b"0"
        if b"transfer-encoding" in headers or length != b"0":
            await _send_error(guarded, 413, "body_not_allowed", "requests with a body are refused")
            return
        if self.token is not None:
            verdict = self._check_token(scope, headers)
            if verdict == "redirect":
                await self._redirect_setting_cookie(scope, guarded)
                return
            if verdict != "ok":
                await _send_error(guarded, 401, "unauthorized",
                                  "this archive needs its token: open the address with ?token=TOKEN "
                                  "once, or send 'Authorization: Bearer TOKEN'",
                                  [(b"www-authenticate", b'Bearer realm="archive"')])
                return
        await self.app(scope, receive, guarded)

    def _with_headers(self, send: Send) -> Send:
        async def guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                added = [(k, v) for k, v in HEADERS if k not in present]
                if b"content-security-policy" not in present:
                    added.append((b"content-security-policy", PAGE_POLICY.encode()))
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        return guarded

    def _matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())  # type: ignore[union-attr]

    def _check_token(self, scope: Scope, headers: dict[bytes, bytes]) -> str:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        if given:
            return "redirect" if self._matches(given[-1]) else "refused"
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("bearer ") and self._matches(auth[7:].strip()):
            return "ok"
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
        except CookieError:  # a malformed cookie header brings no token
            return "refused"
        morsel = cookie.get(COOKIE)
        return "ok" if morsel is not None and self._matches(morsel.value) else "refused"

    async def _redirect_setting_cookie(self, scope: Scope, send: Send) -> None:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        rest = urlencode([(k, v) for k, v in query if k != "token"])
        target = quote(scope.get("root_path", "") + scope["path"]) + (f"?{rest}" if rest else "")
        cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        await send({"type": "http.response.start", "status": 303, "headers": [
            (b"location", target.encode("latin-1", "replace")), (b"set-cookie", cookie.encode("latin-1")),
            (b"content-length", b"0"), (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": b""})
