"""WARC ingest at scale: memory stays bounded on a gigabyte crawl, at the usual pages/s.

    python benchmarks/warc.py build CORPUS OUT.warc.gz --pages 10000 --size 1G [--video 200M]
    python benchmarks/warc.py run OUT.warc.gz CORPUS WORKDIR --pages 10000 [--jobs 2] [--rounds 2] [--index-every N]

``build`` writes a crawl the way crawlers do (per-record gzip): a warcinfo record, then for
each of the first ``pages`` pages of CORPUS (``benchmarks/corpus.py``) a request and a
response (one in four chunked, one in five gzip-encoded), with incompressible image
responses between them until the file reaches ``size``, and one large video response in
the middle (``--video``), so memory is tested on many records and on one huge one.

``run`` ingests, side by side in one run, the same pages as loose files and as that WARC
into fresh homes under WORKDIR, then exports the WARC home with ``--format warc``; each
step runs the real command line in a subprocess and is measured from outside: wall time,
pages/s, the peak RSS of the main process (``wait4``), and the peaks of the summed RSS and
PSS of it and its helper processes (sampled every 0.2 s; RSS counts the pages the workers
share with their fork server once per process, PSS splits them).  Loose files and the WARC
take turns, so a change of load on a shared machine falls on both.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import PER_SHARD  # noqa: E402
from ingest import _shards  # noqa: E402

ARCHIVE = [sys.executable, "-c", "from archive.cli import main; main()"]
IMAGE = 96 * 1024


def _size(text: str) -> int:
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    text = text.strip().upper()
    return int(float(text[:-1]) * units[text[-1]]) if text[-1] in units else int(text)


def _chunked(body: bytes, size: int = 4096) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
                    for i in range(0, len(body), size)) + b"0\r\n\r\n"


def _response(writer: WARCWriter, url: str, payload: io.IOBase, length: int, headers: list[tuple[str, str]],
              date: str) -> None:
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=payload, length=length,
                                                  http_headers=http, warc_headers_dict={"WARC-Date": date}))


def build(corpus: Path, out: Path, pages: int, size: int, video: int) -> None:
    began = time.perf_counter()
    image_bytes = max(0, size - video - pages * 4500)  # about what a page takes, compressed, with its request
    images_per_page = image_bytes / IMAGE / max(1, pages)
    owed = 0.0
    with open(out, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(out.name, {"software": "benchmarks/warc.py"}))
        for n in range(pages):
            body = (corpus / f"{n // PER_SHARD:04d}" / f"page-{n:07d}.html").read_bytes()
            url = f"https://bench.example/page-{n}"
            date = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T10:{n % 60:02d}:00Z"
            http = StatusAndHeaders("GET /page HTTP/1.1", [("Host", "bench.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=http,
                                                          warc_headers_dict={"WARC-Date": date}))
            headers = [("Content-Type", "text/html; charset=utf-8")]
            if n % 5 == 0:
                body = gzip.compress(body, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
            if n % 4 == 0:
                body = _chunked(body)
                headers.append(("Transfer-Encoding", "chunked"))
            _response(writer, url, io.BytesIO(body), len(body), headers, date)
            owed += images_per_page
            while owed >= 1:
                blob = os.urandom(IMAGE)
                _response(writer, f"https://bench.example/img/{n}-{int(owed)}.jpg", io.BytesIO(blob), len(blob),
                          [("Content-Type", "image/jpeg")], date)
                owed -= 1
            if video and n == pages // 2:
                with tempfile.TemporaryFile() as blob:
                    for _ in range(video // 2**20):
                        blob.write(os.urandom(2**20))
                    blob.seek(0)
                    _response(writer, "https://bench.example/film.mp4", blob, video // 2**20 * 2**20,
                              [("Content-Type", "video/mp4")], date)
    print(f"wrote {out}: {out.stat().st_size / 2**30:.2f} GiB, {pages} pages, in {time.perf_counter() - began:.0f} s")


def _family(root: int) -> set[int]:
    """A process and all its descendants (extraction workers, the fork server), now."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return family


def _memory(pids: set[int]) -> tuple[int, int]:
    """Summed RSS and PSS of processes: RSS counts the pages workers share with the fork
    server once per process; PSS splits them, so its sum is what the machine gives up."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss


def _measured(home: Path, *args: str) -> dict[str, float | str]:
    """Run ``archive`` in a subprocess: wall time, main peak RSS, peak RSS of the tree."""
    began = time.perf_counter()
    # Output goes to files, not pipes: a command writing more to one stream than a pipe holds
    # while the other is being read would wait forever.
    out_file, err_file = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    proc = subprocess.Popen([*ARCHIVE, "--home", str(home), *args], stdout=out_file, stderr=err_file)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = _memory(_family(proc.pid))
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            done.wait(0.2)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, status, usage = os.wait4(proc.pid, 0)
    out_file.seek(0)
    err_file.seek(0)
    out, err = out_file.read(), err_file.read()
    out_file.close()
    err_file.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    watcher.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"archive {' '.join(args[:2])} failed: {err.decode()[-2000:]}")
    return {"seconds": time.perf_counter() - began, "main_rss": usage.ru_maxrss * 1024, "tree_rss": peak[0],
            "tree_pss": peak[1], "stdout": out.decode(), "stderr": err.decode()}


def run(warc: Path, corpus: Path, work: Path, pages: int, jobs: int, rounds: int,
        index_every: int | None = None) -> None:
    """Loose files and the WARC in turns (A B B A ...), so a change of load on a shared
    machine falls on both; medians are printed."""
    work.mkdir(parents=True, exist_ok=True)
    common = ["ingest", "--json", "--jobs", str(jobs)] + (["--index-every", str(index_every)] if index_every else [])
    steps = {"loose files": [*common, *_shards(corpus, 0, pages)], "WARC": [*common, str(warc)]}
    order = [label for r in range(rounds) for label in (("loose files", "WARC") if r % 2 == 0 else
                                                        ("WARC", "loose files"))]
    results: dict[str, list[dict]] = {label: [] for label in (*steps, "export --format warc")}
    skipped: dict[str, int] = {}
    for label in order:
        home = work / ("home-" + label.split()[0].lower())
        shutil.rmtree(home, ignore_errors=True)
        got = _measured(home, *steps[label])
        summary = json.loads(str(got["stdout"]))
        if summary["new"] != pages or summary["failed"]:
            raise SystemExit(f"{label}: {summary['new']} new, {summary['failed']} failed (expected {pages} new)")
        results[label].append(got)
        if label == "WARC":
            skipped = summary["skipped_by_reason"]
    export = work / "export.warc.gz"
    results["export --format warc"].append(_measured(work / "home-warc", "export", "--format", "warc", "-o",
                                                     str(export)))
    every = f"; --index-every {index_every}" if index_every else ""
    print(f"input: {warc} ({warc.stat().st_size / 2**30:.2f} GiB), {pages} pages; --jobs {jobs}{every}; "
          f"order {', '.join(order)}")
    print(f"WARC records skipped: {json.dumps(skipped)}")
    print("| step | runs | seconds (median) | pages/s | main peak RSS (MiB) | peak RSS, all processes (MiB) "
          "| peak PSS, all processes (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, runs in results.items():
        seconds = statistics.median(float(r["seconds"]) for r in runs)
        top = {key: max(float(r[key]) for r in runs) / 2**20 for key in ("main_rss", "tree_rss", "tree_pss")}
        print(f"| {label} | {len(runs)} | {seconds:.1f} | {pages / seconds:.1f} | {top['main_rss']:.0f} | "
              f"{top['tree_rss']:.0f} | {top['tree_pss']:.0f} |")
    print(f"export: {export.stat().st_size / 2**20:.1f} MiB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    made = sub.add_parser("build")
    made.add_argument("corpus", type=Path)
    made.add_argument("out", type=Path)
    made.add_argument("--pages", type=int, default=10_000)
    made.add_argument("--size", default="1G")
    made.add_argument("--video", default="200M")
    ran = sub.add_parser("run")
    ran.add_argument("warc", type=Path)
    ran.add_argument("corpus", type=Path)
    ran.add_argument("work", type=Path)
    ran.add_argument("--pages", type=int, default=10_000)
    ran.add_argument("--jobs", type=int, default=2)
    ran.add_argument("--rounds", type=int, default=2, help="runs of each ingest, in turns")
    ran.add_argument("--index-every", type=int, default=None, help="passed to archive ingest")
    args = parser.parse_args(argv)
    if args.step == "build":
        build(args.corpus, args.out, args.pages, _size(args.size), _size(args.video))
    else:
        run(args.warc, args.corpus, args.work, args.pages, args.jobs, args.rounds, args.index_every)


if __name__ == "__main__":
    main()
