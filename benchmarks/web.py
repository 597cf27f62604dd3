"""``archive serve`` under load: latency per query class through the JSON API beside the
same searches in process, 20 concurrent clients, the first response of a fresh server,
the server's memory, and the weight of the search page.

    python benchmarks/web.py HOME [--workers 2] [--repeat 20] [--clients 20] [--seconds 60] [--fresh 3]

HOME is an archive built from ``benchmarks/corpus.py`` pages (a copy: the server only
reads it, but do not point it at a home another process is writing to while measuring).
The query classes are those of ``benchmarks/query.py``. In-process and HTTP searches are
run alternately, request by request, so a change in the machine's load hits both alike.
Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query import _ms, classes  # noqa: E402

from archive.contract.search import SearchRequest  # noqa: E402
from archive.operations.service import Archive  # noqa: E402
from archive.web.params import query_string  # noqa: E402


class Served:
    """``archive serve --port 0`` in a child process."""

    def __init__(self, home: Path, workers: int) -> None:
        self.began = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "archive.cli", "--home", str(home), "serve", "--port", "0",
             "--workers", str(workers)], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        line = self.process.stderr.readline()
        found = re.search(r"http://([^/\s]+)/", line)
        if not found:
            raise SystemExit(f"archive serve did not start: {line}")
        host, port = found.group(1).rsplit(":", 1)
        self.host, self.port = host, int(port)
        threading.Thread(target=self.process.stderr.read, daemon=True).start()

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=30)

    def memory(self) -> dict[str, float]:
        """MiB of the server process: resident, its private part (anonymous: the facet arrays
        and caches) and its file-backed part (mapped index files, shared with the page cache),
        and the peak resident."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()

        def mib(key: str) -> float:
            return int(re.search(rf"{key}:\s+(\d+)", status).group(1)) / 1024

        return {"rss": mib("VmRSS"), "anon": mib("RssAnon"), "file": mib("RssFile"), "peak": mib("VmHWM")}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def api_path(request: SearchRequest) -> str:
    query = query_string(request)
    return "/api/search" + (f"?{query}" if query else "")


def first_response(home: Path, workers: int) -> tuple[float, Served]:
    """Seconds from starting the command to the first search answered."""
    served = Served(home, workers)
    conn = served.connection()
    status, _ = fetch(conn, "/api/search?q=zeitgeist")
    took = time.perf_counter() - served.began
    if status != 200:
        raise SystemExit(f"first search answered {status}")
    conn.close()
    return took, served


def side_by_side(archive: Archive, served: Served, requests: dict[str, list[SearchRequest]],
                 repeat: int) -> list[tuple[str, float, float, float, float, float]]:
    conn = served.connection()
    rows = []
    for name, wanted in requests.items():
        local, remote = [], []
        for i in range(repeat):
            request = wanted[i % len(wanted)]
            t = time.perf_counter()
            result = archive.search(request)
            local.append(time.perf_counter() - t)
            t = time.perf_counter()
            status, body = fetch(conn, api_path(request))
            remote.append(time.perf_counter() - t)
            if status != 200 or json.loads(body)["total"] != result.total:
                raise SystemExit(f"{name}: the API answered {status} / another total")
        lm, lp = _ms(local)
        rm, rp = _ms(remote)
        paired = statistics.median(r - x for r, x in zip(remote, local, strict=True)) * 1000
        rows.append((name, lm, rm, paired, lp, rp))
    conn.close()
    return rows


def load(served: Served, paths: list[str], clients: int, seconds: float, think: float = 0.0) -> dict[str, float]:
    """``clients`` connections asking one after another; with ``think``, each waits that long
    (on average, exponentially distributed) between an answer and its next request."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(n: int) -> None:
        conn = served.connection()
        mine, bad = [], []
        i = n
        pause = random.Random(n)
        while time.perf_counter() < stop:
            if think:
                time.sleep(pause.expovariate(1 / think))
            path = paths[i % len(paths)]
            i += clients
            t = time.perf_counter()
            try:
                status, _ = fetch(conn, path)
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{path}: {exc}")
                conn.close()
                conn = served.connection()
                continue
            mine.append(time.perf_counter() - t)
            if status != 200:
                bad.append(f"{path}: {status}")
        conn.close()
        with lock:
            times.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    median, p95 = _ms(times)
    p99 = sorted(times)[int(0.99 * (len(times) - 1))] * 1000
    for line in errors[:5]:
        print("error:", line, file=sys.stderr)
    return {"requests": len(times) + len(errors), "errors": len(errors), "median": median, "p95": p95,
            "p99": p99, "per_second": len(times) / elapsed}


def page_weight(served: Served, query: str) -> dict[str, int]:
    conn = served.connection()
    sizes = {}
    for name, path in (("HTML", f"/?q={query}"), ("CSS", "/static/archive.css"), ("JS", "/static/archive.js")):
        status, body = fetch(conn, path)
        if status != 200:
            raise SystemExit(f"{path}: {status}")
        sizes[name] = len(body)
    conn.close()
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--fresh", type=int, default=3, help="fresh servers started for the first response")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a client of the second load run waits between requests")
    args = parser.parse_args(argv)

    firsts, commands = [], []
    for n in range(args.fresh):
        t = time.perf_counter()  # the same search by the command line, for scale on a busy machine
        subprocess.run([sys.executable, "-m", "archive.cli", "--home", str(args.home), "search", "zeitgeist",
                        "--json"], check=True, capture_output=True)
        commands.append(time.perf_counter() - t)
        took, served = first_response(args.home, args.workers)
        firsts.append(took)
        if n < args.fresh - 1:
            served.stop()
    try:
        time.sleep(2)  # let every worker finish opening its searcher
        idle = served.memory()
        with Archive(args.home, create=False) as archive:
            requests = classes(archive)
            docs = archive.record_count()
            rows = side_by_side(archive, served, requests, args.repeat)
        paths = [api_path(r) for wanted in requests.values() for r in wanted]
        loaded = load(served, paths, args.clients, args.seconds)
        thinking = load(served, paths, args.clients, args.seconds, args.think)
        busy = served.memory()
        weight = page_weight(served, requests["common term"][0].query)
    finally:
        served.stop()

    print(f"{docs} articles; `archive serve --workers {args.workers}`; {args.repeat} searches per class, "
          "alternating in process and through HTTP\n")
    print("| query class | in process p50 ms | HTTP p50 ms | difference of the medians | median of the paired "
          "differences | in process p95 | HTTP p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, lm, rm, paired, lp, rp in rows:
        print(f"| {name} | {lm:.1f} | {rm:.1f} | {rm - lm:+.1f} | {paired:+.1f} | {lp:.1f} | {rp:.1f} |")
    print(f"\n{args.clients} concurrent clients for {args.seconds:.0f} s each run, over every class's requests "
          "(keep-alive connections):\n")
    print("| clients | requests | errors | per second | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, got in ((f"{args.clients}, each asking again at once", loaded),
                       (f"{args.clients}, each waiting {args.think:g} s on average between requests", thinking)):
        print(f"| {label} | {got['requests']} | {got['errors']} | {got['per_second']:.1f} | {got['median']:.1f} | "
              f"{got['p95']:.1f} | {got['p99']:.1f} |")
    print("\n| server | figure |\n|---|---:|")
    print(f"| first response of a fresh server (command start to first search answered), median of "
          f"{len(firsts)} | {statistics.median(firsts) * 1000:.0f} ms (max {max(firsts) * 1000:.0f}) |")
    print(f"| beside it: `archive search zeitgeist --json` in a fresh process, median | "
          f"{statistics.median(commands) * 1000:.0f} ms |")
    for label, got in (("after the first search", idle), ("after the load", busy)):
        print(f"| resident memory {label}: private (arrays, caches) + file-backed (mapped index files) | "
              f"{got['anon']:.0f} + {got['file']:.0f} = {got['rss']:.0f} MiB |")
    print(f"| peak resident memory | {busy['peak']:.0f} MiB |")
    total = sum(weight.values())
    print(f"| search page weight ({', '.join(f'{k} {v / 1024:.1f} KB' for k, v in weight.items())}) | "
          f"{total / 1024:.1f} KB |")


if __name__ == "__main__":
    main()
