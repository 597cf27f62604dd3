"""Inputs are not trusted: only regular files are read, through a bounded read; a folder's
links out of it, loops, named pipes and devices are skipped with a line; a gzip bomb is
refused without being expanded."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
from pathlib import Path

from tests.conftest import FOUNDING_HTML
from tests.crashing import ROOT, archive_command

ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.html").write_bytes(FOUNDING_HTML.read_bytes())
    return folder


def test_a_link_out_of_the_folder_is_skipped_with_a_line_unless_followed(run, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    secret = tmp_path / "private" / "notes.html"
    secret.parent.mkdir()
    secret.write_text("<html><head><title>Private notes</title></head><body><p>"
                      + "Not meant for the archive at all. " * 20 + "</p></body></html>", "utf-8")
    (folder / "passwd.html").symlink_to(secret)
    (folder / "inside.html").symlink_to(folder / "story.html")  # a link within the folder is read
    result = run("ingest", "--json", str(folder))
    summary = json.loads(result.stdout)
    assert summary["new"] == 1 and summary["skipped"] == 1
    assert "link to a file outside the folder" in next(iter(summary["skipped_by_reason"]))
    lines = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert len(lines) == 1 and "passwd.html" in lines[0] and "--follow-links" in lines[0]
    assert json.loads(run("search", "--json", "private notes").stdout)["total"] == 0
    followed = json.loads(run("ingest", "--json", "--follow-links", str(folder)).stdout)
    assert followed["new"] == 1
    assert json.loads(run("search", "--json", '"meant for the archive"').stdout)["total"] == 1


def test_loops_and_dangling_links_are_skipped_with_a_line(run, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "a.html").symlink_to(folder / "b.html")
    (folder / "b.html").symlink_to(folder / "a.html")
    (folder / "gone.html").symlink_to(folder / "nowhere.html")
    result = run("ingest", "--json", str(folder))
    summary = json.loads(result.stdout)
    assert summary["new"] == 1 and summary["failed"] == 0
    assert summary["skipped_by_reason"] == {"broken or looping link": 3}
    assert result.stderr.count("skipped:") == 3


def _ingest(home: Path, *paths: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(archive_command(home, "ingest", "--json", *paths), capture_output=True, text=True,
                          env=ENV, timeout=timeout, stdin=subprocess.DEVNULL)


def test_a_named_pipe_is_refused_never_waited_on(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    os.mkfifo(folder / "pipe.html")  # nothing ever writes to it: reading it would block for ever
    home = tmp_path / "home"
    in_folder = _ingest(home, str(folder))
    summary = json.loads(in_folder.stdout)
    assert summary["new"] == 1 and summary["skipped_by_reason"] == {"not a regular file (a named pipe)": 1}
    named = _ingest(home, str(folder / "pipe.html"))
    assert named.returncode == 1
    assert named.stderr.strip() == f"error: {folder / 'pipe.html'}: not a regular file (a named pipe)"


def test_a_device_is_refused_in_one_line(tmp_path: Path) -> None:
    result = _ingest(tmp_path / "home", "/dev/zero", str(FOUNDING_HTML))
    assert result.returncode == 1
    assert result.stderr.strip() == "error: /dev/zero: not a regular file (a character device)"
    assert json.loads(result.stdout)["new"] == 1


def test_a_file_over_the_limit_is_refused_unread_and_a_gzip_bomb_unexpanded(run, tmp_path: Path,
                                                                              settings) -> None:
    settings(max_page_bytes=2**20)
    folder = _folder(tmp_path)
    with open(folder / "huge.html", "wb") as fh:
        fh.truncate(3 * 2**30)  # 3 GiB, sparse: reading it whole would take that much memory
    (folder / "bomb.html.gz").write_bytes(gzip.compress(b"<html><body><p>" + b"a" * (200 * 2**20)))
    result = run("ingest", "--json", str(folder), expect=1)
    assert json.loads(result.stdout)["new"] == 1
    errors = sorted(result.stderr.splitlines())
    assert errors == [f"error: {folder / 'bomb.html.gz'}: gzip data expands past the size limit (1 MiB), "
                      "not expanded further",
                      f"error: {folder / 'huge.html'}: file too large (3072.0 MiB; the limit is 1 MiB)"]
