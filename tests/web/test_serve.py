"""``archive serve`` as a user starts it: the address, Ctrl-C, the refusal of an open host
without a token, a port in use; and a server that keeps answering during a reindex."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.web.conftest import Server


def get(url: str, timeout: float = 10) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_serve_prints_its_address_answers_and_stops_cleanly_on_ctrl_c(web_home: Path) -> None:
    server = Server(web_home)
    assert server.banner.startswith(f"serving {web_home} at http://127.0.0.1:")
    status, found = get(server.url + "api/search?q=missile&copies=all")
    assert status == 200 and found["total"] >= 2
    assert server.stop(signal.SIGINT) == 0
    assert "stopped" in "".join(server.log)
    assert "Traceback" not in "".join(server.log)


def test_an_open_host_needs_a_token(run, web_home: Path) -> None:
    from click.testing import CliRunner

    from archive.cli.app import cli

    refused = CliRunner().invoke(cli, ["--home", str(web_home), "serve", "--host", "0.0.0.0", "--port", "0"])
    assert refused.exit_code == 1
    assert "--host 0.0.0.0 lets other machines in: give --token TOKEN" in refused.stderr
    short = CliRunner().invoke(cli, ["--home", str(web_home), "serve", "--token", "short", "--port", "0"])
    assert short.exit_code == 1 and "--token must be 8 to 200" in short.stderr


def test_a_port_in_use_is_one_line(web_home: Path) -> None:
    from click.testing import CliRunner

    from archive.cli.app import cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["--home", str(web_home), "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_a_missing_home_is_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archive.cli.app import cli

    result = CliRunner().invoke(cli, ["--home", str(tmp_path / "nothing"), "serve", "--port", "0"])
    assert result.exit_code == 1 and "no archive here yet" in result.stderr


def test_the_token_over_a_real_socket(web_home: Path) -> None:
    server = Server(web_home, "--host", "0.0.0.0", "--token", "a-long-enough-token")
    try:
        assert "?token=a-long-enough-token" in server.banner
        port = server.url.rsplit(":", 1)[1].rstrip("/")
        assert get(f"http://127.0.0.1:{port}/api/stats")[0] == 401
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/stats",
                                         headers={"Authorization": "Bearer a-long-enough-token"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    finally:
        server.stop()


@pytest.mark.parametrize("rounds", [2])
def test_searches_keep_answering_while_another_process_reindexes(tmp_path: Path, rounds: int) -> None:
    from archive.operations.service import Archive
    from tests.conftest import RAW

    home = tmp_path / "home"
    with Archive(home) as archive:
        archive.ingest([RAW])
    server = Server(home)
    statuses: list[int] = []
    totals: set[int] = set()
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            status, found = get(server.url + "api/search?q=missile")
            statuses.append(status)
            if status == 200:
                totals.add(found["total"])

    asking = threading.Thread(target=ask)
    asking.start()
    try:
        for _ in range(rounds):
            with Archive(home) as archive:
                archive.reindex()
        time.sleep(0.3)
    finally:
        done.set()
        asking.join()
        server.stop()
    assert statuses and set(statuses) == {200}
    assert len(totals) == 1


def test_the_listening_socket_lets_asyncio_turn_nagle_off() -> None:
    """asyncio sets TCP_NODELAY only on connections of a socket made with IPPROTO_TCP;
    without it every answer on a kept-alive connection waited for a delayed ACK."""
    from archive.web.server import listen

    sock = listen("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
