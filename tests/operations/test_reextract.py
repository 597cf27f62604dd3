"""Re-extraction: better extractions replace records in place, worse ones are held back."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import archive.extraction.extract as extraction
from archive.contract.settings import current, override
from archive.operations.reextract import CHECKPOINT_KEY, Reextractor
from archive.storage.home import Home
from archive.storage.store import RecordStore
from tests.corpus import write_corpus


def _ids(run) -> list[str]:
    return sorted(json.loads(line)["id"] for line in run("export").stdout.splitlines())


def _spoil(home: Path, article: str, body: str, cleaner: str = "0") -> None:
    """What an older, worse cleaner left behind: another body, another cleaner version."""
    db = sqlite3.connect(home / "archive.db")
    with db:
        db.execute("UPDATE articles SET body = ?, word_count = ?, cleaner_version = ? WHERE id = ?",
                   (body, len(body.split()), cleaner, article))
        row = db.execute("SELECT record FROM versions WHERE article_id = ?", (article,)).fetchone()
        record = json.loads(row[0]) | {"body": body, "word_count": len(body.split()), "cleaner_version": cleaner}
        db.execute("UPDATE versions SET record = ? WHERE article_id = ?", (json.dumps(record), article))
    db.close()


def test_stale_records_are_reextracted_and_reindexed(run, home: Path, tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 6)
    run("ingest", str(tmp_path / "in"))
    article = _ids(run)[0]
    good = json.loads(run("show", article, "--json").stdout)["body"]
    _spoil(home, article, good + "\n\nShare this post with your friends! Subscribe zeppelin.")
    run("reindex")
    assert json.loads(run("search", "zeppelin", "--json").stdout)["total"] == 1

    out = run("reextract", "--json").stdout
    summary = json.loads(out)
    assert (summary["selected"], summary["updated"], summary["held"]) == (1, 1, 0)
    assert json.loads(run("show", article, "--json").stdout)["body"] == good
    assert json.loads(run("search", "zeppelin", "--json").stdout)["total"] == 0
    versions = json.loads(run("show", article, "--versions", "--json").stdout)
    assert len(versions) == 1 and versions[0]["reextracted_at"]  # replaced, not a new capture
    assert versions[0]["cleaner_version"] == current().cleaner_version
    # Nothing stale is left: running it again has nothing to do.
    assert json.loads(run("reextract", "--json").stdout)["selected"] == 0
    assert run("check").exit_code == 0


def test_a_worse_extraction_is_held_back_until_forced(run, home: Path, tmp_path: Path, settings,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    write_corpus(tmp_path / "in", 4)
    run("ingest", str(tmp_path / "in"))
    victim = _ids(run)[1]
    before = json.loads(run("show", victim, "--json").stdout)
    real = extraction.extract_capture

    def regressed(capture, **kw):  # a cleaner that now loses most of one article
        record = real(capture, **kw)
        if record.url and record.url.endswith(before["url"].rsplit("/", 1)[1]):
            return record.with_changes(body="Cookie settings.", word_count=2)
        return record

    monkeypatch.setattr(extraction, "extract_capture", regressed)
    settings(cleaner_version="2")
    result = run("reextract")
    assert "3 updated" not in result.stdout and "1 held back" in result.stdout
    assert f"held: {victim}: version 1: new extraction is much shorter (2 words, was" in result.stderr
    assert json.loads(run("show", victim, "--json").stdout)["body"] == before["body"]
    report = json.loads(run("check", "--json").stdout)
    assert report["ok"] and [h["id"] for h in report["held"]] == [victim]
    assert report["cleaner"]["stale"] == 1
    assert json.loads(run("stats", "--json").stdout)["held"] == 1
    # Held ones are not retried on every run ...
    assert json.loads(run("reextract", "--json").stdout)["selected"] == 0
    # ... and --force applies them.
    forced = json.loads(run("reextract", "--force", "--json").stdout)
    assert forced["updated"] == 1
    assert json.loads(run("show", victim, "--json").stdout)["body"] == "Cookie settings."
    assert json.loads(run("check", "--json").stdout)["held"] == []
    assert json.loads(run("stats", "--json").stdout)["held"] == 0


def test_reextract_all_resumes_after_an_interruption(home: Path, tmp_path: Path, run,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    write_corpus(tmp_path / "in", 12)
    run("ingest", str(tmp_path / "in"))
    from archive.operations.service import Archive

    done: list[str] = []
    real = Reextractor.settle

    def dies_after_five(self, article):
        if len(done) == 5:
            raise KeyboardInterrupt
        done.append(article.article_id)
        return real(self, article)

    monkeypatch.setattr(Reextractor, "settle", dies_after_five)
    with override(reextract_batch=2), Archive(home) as archive, pytest.raises(KeyboardInterrupt):
        archive.reextract(everything=True)
    with RecordStore(Home.open(home).db_path) as store:
        point = json.loads(store.get_meta(CHECKPOINT_KEY) or "{}")
    assert point["last"] == done[3]  # the last complete batch
    monkeypatch.setattr(Reextractor, "settle", real)
    summary = json.loads(run("reextract", "--all", "--json").stdout)
    assert summary["resumed_after"] == done[3]
    assert summary["selected"] == 12 - 4 and summary["unchanged"] == 8
    with RecordStore(Home.open(home).db_path) as store:
        assert store.get_meta(CHECKPOINT_KEY) is None


def test_reextract_named_ids_and_bad_usage(run, tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 3)
    run("ingest", str(tmp_path / "in"))
    first = _ids(run)[0]
    summary = json.loads(run("reextract", first[:8], "--json").stdout)
    assert (summary["selected"], summary["unchanged"]) == (1, 1)
    assert "not both" in run("reextract", first, "--all", expect=2).stderr
    assert "no article" in run("reextract", "ffffffffffffffff", expect=1).stderr
