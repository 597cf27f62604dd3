"""``archive serve``: the web application on a socket, until Ctrl-C.

Loopback only, unless a token is given: the archive holds what its owner saved, and an
open port without one would hand it to anyone on the network.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Callable

from archive.contract.errors import ServeError

from .app import create_app

_TOKEN_RE = re.compile(r"^[A-Za-z0-9._~+/=-]{8,200}$")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_access(host: str, token: str | None) -> None:
    """Refuse an open host without a token, and a token that cannot travel in a cookie."""
    if token is not None and not _TOKEN_RE.match(token):
        raise ServeError("--token must be 8 to 200 letters, digits or ._~+/=- (it travels in a URL and a cookie)")
    if token is None and not is_loopback(host):
        raise ServeError(f"--host {host} lets other machines in: give --token TOKEN too "
                         "(clients send it as 'Authorization: Bearer TOKEN', or open the address with ?token=TOKEN)")


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket.  Made with ``IPPROTO_TCP`` named: asyncio turns Nagle's
    algorithm off (TCP_NODELAY) only on connections of such a socket, and without that each
    answer on a kept-alive connection waited some 40 ms for the client's delayed ACK."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _quiet_server(base: type) -> type:
    class Server(base):  # type: ignore[misc, valid-type]
        """Ctrl-C (or SIGTERM) shuts down gracefully and the command then ends normally:
        uvicorn would raise the signal again afterwards, which click reports as 'Aborted!'."""

        def handle_exit(self, sig: int, frame: object) -> None:
            super().handle_exit(sig, frame)
            self._captured_signals.clear()

    return Server


def serve(root: str | os.PathLike[str] | None, *, host: str = "127.0.0.1", port: int = 8080, workers: int = 2,
          token: str | None = None, access_log: bool = False,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the archive until interrupted; ``on_ready`` gets the address once it listens."""
    import uvicorn

    check_access(host, token)
    sock = listen(host, port)
    app = None
    try:
        app = create_app(root, workers=workers, token=token)
        config = uvicorn.Config(app, log_level="warning", access_log=access_log, proxy_headers=False,
                                server_header=False, lifespan="on", timeout_graceful_shutdown=5,
                                timeout_keep_alive=75)  # a browser keeps its connection for minutes
        if on_ready is not None:
            on_ready(address(sock))
        _quiet_server(uvicorn.Server)(config).run(sockets=[sock])
    finally:
        sock.close()
        if app is not None:
            app.readers.close()  # type: ignore[attr-defined]
