"""Time and peak memory of extracting very large pages, each in a fresh process.

    python benchmarks/big_pages.py [--mib 50] [--page raw/some-article.html] [--kinds script,comments]

Each kind wraps a real article page (by default the bundled demo page) up to the given
size the way real pages get that big, then extracts it in a new Python process, as one
ingest worker would, and prints the wall time, the peak resident memory of that process
and the outcome (words kept, or the reason the page was refused):

* ``script``: one inline script of serialized page state (a framework's JSON);
* ``images``: inline images as ``data:`` URIs;
* ``comments``: the article followed by an endless comment thread;
* ``table``: the article followed by a table of figures;
* ``text``: the article followed by one unbroken paragraph;
* ``soup``: the article followed by unclosed inline tags, one per word.

The target (issue 11): at most 10 s and 300 MB for a 50 MB page.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGE = ROOT / "raw" / "belarus-resisting-russian-missile-deployment.html"

_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from archive.contract.errors import InputError
from archive.extraction.extract import extract_bytes
data = open(sys.argv[1], "rb").read()
began = time.perf_counter()
try:
    record = extract_bytes(data, "big.html")
    outcome = f"{record.word_count:,} words" + (
        f", cut: {record.provenance['cut']}" if "cut" in record.provenance else "")
except InputError as exc:
    outcome = f"refused: {exc.reason}"
took = time.perf_counter() - began
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": took, "rss_mib": rss, "outcome": outcome}))
"""

_WORDS = ("the council said on monday that the new rules would take effect next year after a "
          "long review of the evidence gathered by independent inspectors ").split()


def _filler(kind: str, size: int) -> str:
    """About ``size`` characters of the kind's padding."""
    if kind == "script":
        item = json.dumps({"id": 12345, "title": "A headline", "body": " ".join(_WORDS)})
        return "<script>window.__STATE__=[" + ",".join([item] * (size // len(item))) + "]</script>"
    if kind == "images":
        uri = "data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAA" * 8000
        return f'<img alt="photo" src="{uri}">' * max(1, size // len(uri))
    if kind == "comments":
        one = ('<div class="comment"><span class="who">reader</span><p>' + " ".join(_WORDS)
               + "</p><a href='#reply'>Reply</a></div>\n")
        return '<section id="comments">' + one * (size // len(one)) + "</section>"
    if kind == "table":
        row = "<tr><td>2023</td><td>14.2</td><td>16.9</td><td>+2.7</td></tr>\n"
        return "<table>" + row * (size // len(row)) + "</table>"
    if kind == "text":
        line = " ".join(_WORDS) + " "
        return "<p>" + line * (size // len(line)) + "</p>"
    if kind == "soup":
        run = "".join(f"<b>{w} " for w in _WORDS)
        return run * (size // len(run))
    raise SystemExit(f"unknown kind: {kind}")


KINDS = ("script", "images", "comments", "table", "text", "soup")


def build(page: str, kind: str, size: int) -> str:
    cut = page.lower().rfind("</body>")
    cut = cut if cut >= 0 else len(page)
    return page[:cut] + _filler(kind, size - len(page)) + page[cut:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=float, default=50)
    parser.add_argument("--page", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/big-pages"))
    args = parser.parse_args(argv)
    page = args.page.read_text("utf-8")
    size = int(args.mib * 2**20)
    args.scratch.mkdir(parents=True, exist_ok=True)
    print(f"| page ({args.mib:g} MiB) | seconds | peak RSS MiB | outcome |\n|---|---:|---:|---|")
    worst = (0.0, 0.0)
    for kind in args.kinds.split(","):
        path = args.scratch / f"{kind}.html"
        path.write_text(build(page, kind, size), "utf-8")
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(ROOT)],
                              capture_output=True, text=True, check=False)
        path.unlink()
        if proc.returncode:
            print(f"| {kind} | — | — | crashed: {proc.stderr.strip().splitlines()[-1:]} |")
            worst = (float("inf"), float("inf"))
            continue
        got = json.loads(proc.stdout)
        worst = (max(worst[0], got["seconds"]), max(worst[1], got["rss_mib"]))
        print(f"| {kind} | {got['seconds']:.1f} | {got['rss_mib']:.0f} | {got['outcome']} |",
              flush=True)
    print(f"\nslowest {worst[0]:.1f} s, largest {worst[1]:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
