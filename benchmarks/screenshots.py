"""Screenshots of the web pages for the docs, taken in headless Chromium (Debian's).

    python benchmarks/screenshots.py [--out docs/screenshots]

Builds an archive from ``raw/`` in a temporary folder, starts ``archive serve`` on a free
loopback port, and saves the search page and the reader view at a phone's width and a
wide screen's as PNG files.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SIZES = {"wide": (1400, 1000), "phone": (390, 844)}


def start(home: Path) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen([sys.executable, "-m", "archive.cli", "--home", str(home), "serve", "--port", "0"],
                              stderr=subprocess.PIPE, text=True)
    assert server.stderr is not None
    line = server.stderr.readline()
    found = re.search(r"http://\S+", line)
    if not found:
        server.kill()
        raise SystemExit(f"the server did not start: {line}")
    return server, found.group(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        subprocess.run([sys.executable, "-m", "archive.cli", "--home", str(home), "ingest", str(ROOT / "raw")],
                       check=True, capture_output=True)
        server, url = start(home)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                for name, (width, height) in SIZES.items():
                    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
                    page.goto(f"{url}?q=food+OR+missile+OR+software")
                    page.screenshot(path=str(args.out / f"search-{name}.png"), full_page=name == "wide")
                    page.click("ol.hits li:first-child h2 a")
                    page.screenshot(path=str(args.out / f"reader-{name}.png"))
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    for path in sorted(args.out.glob("*.png")):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
