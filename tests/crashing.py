"""The crash loop: ingest in a subprocess, SIGKILL it at random moments, run again, and
count what survived.  Used by tests/test_crash.py and benchmarks/crash_loop.py."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from archive.contract.records import article_id
from archive.extraction.urls import fold_url
from archive.operations.workspace import Workspace
from archive.storage.store import RecordStore
from tests.corpus import page, paragraph

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, "-c", "from archive.cli import main; main()"]


def archive_command(home: Path, *args: str) -> list[str]:
    return [*COMMAND, "--home", str(home), *args]


@dataclass(slots=True)
class CrashFigures:
    kills: int = 0              # processes killed while still running
    kills_after_commit: int = 0  # ... of them after the run had reported a stored file
    runs: int = 0               # ingest processes started, the final one included
    files: int = 0              # capture files in the corpus
    articles: int = 0           # distinct articles (canonical URLs) expected
    versions: int = 0           # distinct captures expected (article versions)
    reported: int = 0           # files killed runs reported as stored before they died
    records_lost: int = 0       # expected articles missing from the store
    reported_lost: int = 0      # reported-stored files whose capture is not a version of their article
    versions_lost: int = 0      # expected captures missing from the versions
    duplicates: int = 0         # extra versions plus index documents beyond one per record
    index_mismatch: int = 0     # records not indexed plus index documents without a record
    check_exit: int = -1        # exit code of `archive check` at the end
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class Corpus:
    """A folder that grows a round at a time: new articles, and edits of earlier ones."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.folder = folder
        self.rng = random.Random(seed)
        self.next_article = 0
        self.files = 0
        self.captures: dict[str, set[str]] = {}  # article id -> SHA-256 of each capture
        folder.mkdir(parents=True, exist_ok=True)

    def _write(self, name: str, n: int, html: str) -> None:
        data = html.encode("utf-8")
        (self.folder / name).write_bytes(data)
        identity = "url:" + fold_url(f"https://news.example.org/2021/05/report-{n}")
        self.captures.setdefault(article_id(identity), set()).add(hashlib.sha256(data).hexdigest())
        self.files += 1

    def grow(self, new: int, edits: int) -> None:
        for _ in range(new):
            n = self.next_article
            self._write(f"r{n:05d}-v0.html", n, page(n))
            self.next_article += 1
        for _ in range(min(edits, self.next_article)):
            n = self.rng.randrange(self.next_article)
            edit = self.files
            paras = [paragraph(random.Random(n * 7919 + k)) for k in range(4)]
            paras.insert(self.rng.randrange(5), paragraph(random.Random(edit)))
            self._write(f"r{n:05d}-v{edit}.html", n, page(n, paragraphs=paras))


def _committed(stdout: str) -> set[tuple[str, str]]:
    """(article id, file) of every file a run reported as stored."""
    done = set()
    for line in stdout.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue  # the line the kill cut short
        if item.get("status") in ("new", "updated", "unchanged") and item.get("id"):
            done.add((item["id"], item["path"]))
    return done


class _Run:
    """An ``archive`` process whose stdout is read as it comes, so a kill can wait for its
    first reported file."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, env=env)
        self.lines: list[str] = []
        self.first_line = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)
            self.first_line.set()
        self.first_line.set()  # ended without a line

    def finish(self) -> str:
        self.proc.wait()
        self.reader.join(30)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return "".join(self.lines)


def crash_loop(
    home: Path,
    corpus_dir: Path,
    *,
    kills: int,
    seed: int = 1,
    new_per_round: int = 40,
    edits_per_round: int = 6,
    delay: tuple[float, float] = (0.0, 1.0),
    index_every: int | None = 7,
) -> CrashFigures:
    """Kill ``kills`` running ingests at seeded random moments, finish with a clean run,
    and compare the archive with the corpus.

    Each kill comes ``delay`` seconds after the run reported its first stored file (or at
    once if it ends or reports nothing within a minute): a delay counted from the start
    would, on a loaded machine, kill runs still starting up and test nothing."""
    started = time.monotonic()
    rng = random.Random(seed)
    corpus = Corpus(corpus_dir, seed)
    figures = CrashFigures()
    reported: set[tuple[str, str]] = set()  # by runs that were then killed
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    every = ["--index-every", str(index_every)] if index_every else []
    args = ["ingest", "--json-lines", "--wait", "60", *every, str(corpus_dir)]
    while figures.kills < kills:
        corpus.grow(new_per_round, edits_per_round)
        run = _Run(archive_command(home, *args), env)
        figures.runs += 1
        run.first_line.wait(60)
        time.sleep(rng.uniform(*delay))
        if run.proc.poll() is None:
            os.kill(run.proc.pid, signal.SIGKILL)
            figures.kills += 1
            figures.kills_after_commit += bool(_committed("".join(run.lines)))
        lines = run.finish()
        reported |= _committed(lines)
    final = subprocess.run(archive_command(home, *args), capture_output=True, text=True, env=env, timeout=600)
    figures.runs += 1
    if final.returncode != 0:
        raise RuntimeError(f"the final ingest failed: {final.stderr}")
    figures.check_exit = subprocess.run(
        archive_command(home, "check", "--json"), capture_output=True, env=env, timeout=600
    ).returncode

    expected = corpus.captures
    figures.files = corpus.files
    figures.articles = len(expected)
    figures.versions = sum(len(v) for v in expected.values())
    figures.reported = len(reported)
    with RecordStore(home / "archive.db") as store:
        stored = store.all_ids()
        figures.records_lost = len(set(expected) - stored)
        for aid, path in reported:
            sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            if sha not in {row["sha256"] for row in store.version_rows(aid)}:
                figures.reported_lost += 1
        for aid, shas in expected.items():
            kept = [row["sha256"] for row in store.version_rows(aid)]
            figures.versions_lost += len(shas - set(kept))
            figures.duplicates += len(kept) - len(set(kept)) + max(0, len(set(kept) - shas))
        with Workspace(home, create=False) as workspace:
            indexed = Counter(doc["id"] for doc in workspace.backend.inventory().documents())
    figures.duplicates += sum(n - 1 for n in indexed.values())
    figures.index_mismatch = len(stored - set(indexed)) + len(set(indexed) - stored)
    figures.seconds = round(time.monotonic() - started, 1)
    return figures
