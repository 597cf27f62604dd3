"""Fixtures of the web tests: an archive with hostile pages and an article in two
versions, the application over it, a real server on a free loopback port, a browser."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FOUNDING_HTML, RAW

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
PROSE = ("The zebrafish survey counted every pond in the valley and found the water cleaner than "
         "the year before, which the wardens put down to the new rules on run-off from the farms. ")

# Every trick a captured page might play on the archive's own pages.
HOSTILE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>&lt;script&gt;document.title='PWNED'&lt;/script&gt; Zebrafish &lt;img src=x onerror=alert(1)&gt;</title>
<meta name="author" content="&lt;img src=x onerror=&quot;document.body.dataset.pwned=1&quot;&gt; Eve Hostile">
<meta name="keywords" content="&lt;svg onload=alert(2)&gt;, javascript:alert(3), ponds">
<meta property="og:site_name" content="&lt;b onmouseover=alert(4)&gt;Evil Site">
<link rel="canonical" href="https://evil.example/zebrafish-survey">
<script>document.title = 'PWNED'; document.documentElement.dataset.pwned = 'original';</script>
</head><body><article>
<h1>&lt;script&gt;document.title='PWNED'&lt;/script&gt; Zebrafish &lt;img src=x onerror=alert(1)&gt;</h1>
<p class="byline">By <a rel="author" href="/eve">Eve Hostile</a>, <time datetime="2019-04-02">April 2, 2019</time></p>
<p>{PROSE}Look out for &lt;script&gt;alert(5)&lt;/script&gt; and
&lt;mark onclick=alert(6)&gt;marked&lt;/mark&gt; text.</p>
<p>{PROSE * 2}<a href="javascript:alert(7)">a javascript link</a> and <img src=x onerror="alert(8)"></p>
<p>{PROSE * 3}</p><p>{PROSE * 2}</p>
</article></body></html>
"""
JS_URL = HOSTILE.replace('href="https://evil.example/zebrafish-survey"', 'href="javascript:alert(9)"').replace(
    "Zebrafish", "Newtfish").replace("zebrafish", "newtfish").replace("2019-04-02", "2019-05-02")


def _write_hostile(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "hostile.html").write_text(HOSTILE, "utf-8")
    (folder / "hostile-js-url.html").write_text(JS_URL, "utf-8")


def changed_founding_page(target: Path) -> Path:
    """The founding article captured again, with a new title and a changed paragraph."""
    text = FOUNDING_HTML.read_text("utf-8")
    text = text.replace("Belarus Resisting Russian Missile Deployment", "Belarus Still Resisting Missile Deployment")
    text = re.sub(r"(<p>)(Russian officials)", r"\1Updated: \2", text, count=1)
    target.write_text(text, "utf-8")
    return target


@pytest.fixture(scope="session")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw/, two hostile pages and a second version of the founding article."""
    from archive.operations.service import Archive

    root = tmp_path_factory.mktemp("web-home")
    extra = tmp_path_factory.mktemp("web-pages")
    _write_hostile(extra / "hostile")
    with Archive(root / "home") as archive:
        assert archive.ingest([RAW, extra / "hostile"]).failed == 0
        summary = archive.ingest([changed_founding_page(extra / "founding-again.html")])
        assert summary.updated == 1, summary
    return root / "home"


@pytest.fixture(scope="module")
def client(web_home: Path) -> Iterator:
    from starlette.testclient import TestClient

    from archive.web.app import create_app

    with TestClient(create_app(web_home, workers=2)) as test_client:
        yield test_client


class Server:
    def __init__(self, home: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "archive.cli", "--home", str(home), "serve", "--port", "0", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert self.process.stderr is not None
        self.banner = self.process.stderr.readline()
        found = re.search(r"(http://[^/\s]+/)", self.banner)
        if not found:
            self.process.kill()
            raise AssertionError(f"archive serve did not start: {self.banner}{self.process.stderr.read()}")
        self.url = found.group(1)
        self.log: list[str] = []  # the rest of stderr, read so the pipe never fills
        self._reader = threading.Thread(target=lambda: self.log.extend(self.process.stderr), daemon=True)
        self._reader.start()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(15)
        self._reader.join(5)
        self.process.stderr.close()
        return self.process.returncode


@pytest.fixture(scope="session")
def server(web_home: Path) -> Iterator[Server]:
    running = Server(web_home)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Headless Chromium from Debian, driven by Playwright; under CI a missing one fails."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: CI installs Debian's chromium (.ci/run)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server: Server) -> Iterator:
    """A fresh page that records every dialog a script opens (none should)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    opened = context.new_page()
    opened.dialogs = []  # type: ignore[attr-defined]
    opened.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    yield opened
    context.close()
