"""Ingest, reextract and reindex on a Dask cluster give what one machine gives, and survive
a worker killed mid-run and a scheduler that goes away.  Marked ``cluster`` (they start
worker processes); the default test command runs them."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.contract.errors import ClusterError
from archive.contract.search import SearchRequest
from archive.contract.settings import override
from archive.operations.cluster import Address, ClusterExecutor
from archive.operations.service import Archive
from tests.conftest import RAW, ROOT
from tests.corpus import page, paragraph, write_corpus

pytestmark = pytest.mark.cluster

QUERIES = [
    SearchRequest(query="harbour"),  # a term in most articles
    SearchRequest(query="missile"),  # a rare term
    SearchRequest(query="council budget"),  # two terms AND
    SearchRequest(query='"river harbour"'),  # a phrase
    SearchRequest(query="school", filters={"author": ("Dana Reyes",)}, since="2021-05-03", until="2021-05-20"),
    SearchRequest(query="festival", limit=20, histogram="year"),  # facets and snippets
    SearchRequest(query="", filters={"site": ("Example News",)}, sort="newest"),
    SearchRequest(query="village", page=3, limit=5),  # a deep page
]


@pytest.fixture(scope="module")
def cluster() -> Iterator[ClusterExecutor]:
    """A LocalCluster of two worker processes, shared by this module's tests."""
    with ClusterExecutor("local:2") as executor:
        yield executor


def _corpus(folder: Path) -> Path:
    """Generated articles, the demo pages, an edited re-capture, a copy and a bad file."""
    write_corpus(folder / "reports", 90)
    shutil.copytree(RAW, folder / "raw")
    later = folder / "later"
    later.mkdir()
    import random

    rng = random.Random(3)
    (later / "report-00007-edited.html").write_text(
        page(7, paragraphs=[paragraph(rng) for _ in range(5)]), "utf-8")
    shutil.copy(folder / "reports" / "report-00011.html", later / "copy-of-11.html")
    (later / "empty.html").write_bytes(b"")
    return folder


def _state(home: Path) -> dict[str, object]:
    """Everything a user can see of a home, but the moments things happened."""
    db = sqlite3.connect(home / "archive.db")
    try:
        articles = {}
        for (record,) in db.execute("SELECT record FROM versions ORDER BY article_id, version"):
            data = json.loads(record)
            data.pop("ingested_at", None)
            data.pop("reextracted_at", None)
            articles.setdefault(data["id"], []).append(data)
        current = sorted(db.execute("SELECT id, version, sha256, identity FROM articles"))
        sources = sorted(db.execute("SELECT path, sha256, article_id FROM sources"))
        originals = sorted(db.execute("SELECT sha256, size FROM originals"))
        queued = db.execute("SELECT COUNT(*) FROM index_queue").fetchone()[0]
        headers = sorted(db.execute("SELECT * FROM warc_headers"))
    finally:
        db.close()
    with Archive(home) as archive:
        searches = [archive.search(request).to_dict() for request in QUERIES]
    return {"versions": articles, "articles": current, "sources": sources, "originals": originals,
            "queued": queued, "headers": headers, "searches": searches}


def _stored_files(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "originals").rglob("*.gz"))


def test_addresses() -> None:
    assert Address.parse("local:3").workers == 3
    assert Address.parse("local").workers >= 1
    assert Address.parse("tcp://10.0.0.5:8786").scheduler == "tcp://10.0.0.5:8786"
    for bad in ("local:0", "8786", "http://host:8786", "tcp://", "loco:2"):
        with pytest.raises(ClusterError):
            Address.parse(bad)


def test_ingest_reextract_reindex_on_a_cluster_equal_one_machine(tmp_path: Path, cluster: ClusterExecutor) -> None:
    corpus = _corpus(tmp_path / "corpus")
    batches = [[corpus / "reports", corpus / "raw"], [corpus / "later"]]
    one, many = tmp_path / "one", tmp_path / "many"
    # No index update by the clock (which would cut segments where the machine's speed says).
    # On the cluster, index commits of 20 or more articles are built on the workers: the same
    # one segment that this process writes for a commit under 1,000 (a different number of
    # segments would be merged differently, and Whoosh's merge re-derives field lengths from
    # their one-byte approximations, which moves scores in the third digit).
    with override(first_sync_seconds=600, sync_every=10**6):
        for batch in batches:
            with Archive(one) as archive:
                single = archive.ingest(batch, jobs=2)
            with override(parallel_batch=20), Archive(many) as archive:
                spread = archive.ingest(batch, cluster=cluster)
            assert spread.to_dict() == single.to_dict()
    assert (single.new, single.unchanged, single.failed) == (0, 1, 1)  # the copy; the empty file
    assert _state(many) == _state(one)
    assert _stored_files(many) == _stored_files(one)
    with Archive(many) as archive:
        assert archive.check().ok

    # A new cleaner version: every record re-extracted, on one machine and on the cluster.
    with override(cleaner_version="cluster-test"):
        with Archive(one) as archive:
            single_re = archive.reextract(everything=True, jobs=2)
        with override(parallel_batch=20), Archive(many) as archive:
            spread_re = archive.reextract(everything=True, cluster=cluster)
        assert spread_re.to_dict() == single_re.to_dict()
        assert single_re.updated + single_re.unchanged == single_re.selected > 100
        assert _state(many) == _state(one)

        with Archive(one) as archive:
            assert archive.reindex() == single_re.selected
        with override(segment_docs=25), Archive(many) as archive:  # five segments, never merged
            assert archive.reindex(cluster=cluster) == single_re.selected
            assert len(list(archive.workspace.backend.location.current_dir().glob("*.seg"))) == 5
        state = _state(one)
        assert _state(many) == state
    assert all(search["total"] for search in state["searches"])  # type: ignore[index]
    with Archive(many) as archive:
        report = archive.check()
        assert report.ok, report


def test_the_command_line_runs_on_a_local_cluster(tmp_path: Path, run, home: Path) -> None:
    result = run("ingest", "--cluster", "local:2", str(RAW))
    assert result.stdout.startswith("28 new, 0 updated, 0 unchanged, 0 failed")
    assert "missile" in run("search", "missile").stdout.lower()
    assert run("reindex", "--cluster", "local:1").stdout.strip() == "reindexed 28 articles"
    assert run("reextract", "--all", "--cluster", "local:1").stdout.startswith("0 updated, 28 unchanged")
    assert run("check").stdout.rstrip().endswith("ok")


def test_a_bad_or_unreachable_cluster_is_one_line(run, settings) -> None:
    settings(cluster_connect_seconds=1)
    result = run("ingest", "--cluster", "nowhere:8786", str(RAW), expect=1)
    assert result.stderr.strip().count("\n") == 0
    assert "give a scheduler address (tcp://host:8786) or local[:N]" in result.stderr
    result = run("reindex", "--cluster", "tcp://127.0.0.1:9", expect=1)
    assert result.stderr.strip().count("\n") == 0
    assert "cannot reach a scheduler" in result.stderr


def test_fsspec_urls_give_the_same_articles_as_paths(tmp_path: Path, cluster: ClusterExecutor) -> None:
    write_corpus(tmp_path / "pages", 12)
    with Archive(tmp_path / "by-path") as archive:
        archive.ingest([tmp_path / "pages"])
    with Archive(tmp_path / "by-url") as archive:
        summary = archive.ingest([f"file://{tmp_path / 'pages'}"], cluster=cluster)
    assert summary.new == 12
    assert _state(tmp_path / "by-url") == _state(tmp_path / "by-path")


def test_web_archives_gzipped_pages_and_skips_on_a_cluster_equal_one_machine(
        tmp_path: Path, cluster: ClusterExecutor) -> None:
    from tests.operations.test_warc_ingest import _crawl

    inputs = tmp_path / "inputs"
    write_corpus(inputs / "pages", 20)
    _crawl(inputs / "crawl.warc.gz").close()
    (inputs / "zipped.html.gz").write_bytes(gzip.compress(page(77).encode("utf-8")))
    (inputs / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    summaries = {}
    for name, how in (("one", {"jobs": 2}), ("many", {"cluster": cluster})):
        with override(first_sync_seconds=600, sync_every=10**6), Archive(tmp_path / name) as archive:
            seen: list = []
            summaries[name] = archive.ingest([inputs], progress=seen.append, **how).to_dict()
            assert sum(o.size for o in seen) == sum(p.stat().st_size for p in inputs.rglob("*") if p.is_file())
            again = archive.ingest([inputs], **how).to_dict()
            assert (again["new"], again["updated"], again["failed"]) == (0, 0, 0)
    assert summaries["many"] == summaries["one"]
    assert (summaries["one"]["new"], summaries["one"]["unchanged"]) == (6 + 20 + 1, 1)  # the revisit
    assert summaries["one"]["skipped_by_reason"]["not a page (.png)"] == 1
    assert _state(tmp_path / "many") == _state(tmp_path / "one")
    with Archive(tmp_path / "many") as archive:
        assert archive.check().ok


def test_a_worker_killed_mid_ingest_is_replaced_and_nothing_is_lost_or_doubled(
        tmp_path: Path, cluster: ClusterExecutor) -> None:
    write_corpus(tmp_path / "pages", 400)
    killed: list[int] = []
    seen = 0

    def kill_one_worker(outcome: object) -> None:
        nonlocal seen
        seen += 1
        if seen == 40:
            pid = next(iter(cluster.client.run(os.getpid).values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    with override(first_sync_seconds=600), Archive(tmp_path / "home") as archive:
        summary = archive.ingest([tmp_path / "pages"], cluster=cluster, progress=kill_one_worker)
        assert killed and seen == 400
        assert (summary.new, summary.failed, summary.unchanged) == (400, 0, 0)
        assert archive.record_count() == 400
        assert archive.search(SearchRequest(query="")).total == 400
        assert archive.check().ok
    db = sqlite3.connect(tmp_path / "home" / "archive.db")
    assert db.execute("SELECT COUNT(*), COUNT(DISTINCT article_id) FROM versions").fetchone() == (400, 400)
    db.close()
    deadline = time.monotonic() + 30
    while len(cluster.client.nthreads()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    pids = set(cluster.client.run(os.getpid).values())
    assert len(pids) == 2 and killed[0] not in pids  # its nanny started a new one


def _start(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, *args], stdin=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]


def test_the_scheduler_gone_stops_the_ingest_in_one_line_and_the_next_run_resumes(tmp_path: Path) -> None:
    write_corpus(tmp_path / "pages", 600)
    info = tmp_path / "scheduler.json"
    scheduler = _start("-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                       "--no-dashboard", "--scheduler-file", str(info),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        worker = _start("-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard",
                        "--death-timeout", "5", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from distributed import Client

        with Client(address, timeout=60) as client:  # a loaded machine can take a while to start it
            client.wait_for_workers(1, timeout=120)
        home = tmp_path / "home"
        ingest = _start("-m", "archive.cli", "--home", str(home), "ingest", "--json-lines", "--cluster", address,
                        str(tmp_path / "pages"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        reported = []
        assert ingest.stdout is not None
        for line in ingest.stdout:
            reported.append(json.loads(line))
            if len(reported) == 50:
                scheduler.kill()
                break
        rest, err = ingest.communicate(timeout=120)
        reported += [json.loads(line) for line in rest.splitlines()]
        assert ingest.returncode == 1
        lines = err.decode().strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"Error: cluster {address}: lost the scheduler")
        assert "run the same command again to resume" in lines[0]
        stored = [r for r in reported if "status" in r and r["status"] == "new"]
        assert 50 <= len(stored) < 600
    finally:
        for process in (scheduler, worker):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()

    with Archive(home) as archive:
        summary = archive.ingest([tmp_path / "pages"])  # the next run, here on one machine
        assert (summary.unchanged, summary.new, summary.failed) == (len(stored), 600 - len(stored), 0)
        assert archive.record_count() == 600
        assert archive.search(SearchRequest(query="")).total == 600
        assert archive.check().ok
