"""Versions: a re-captured article becomes a new version, diffs show the edits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.corpus import page

URL = "https://news.example.org/2021/05/report-1"
FIRST = ["The council approved the harbour budget on Monday after a long debate.",
         "Critics said the plan ignored the railway museum.",
         "The mayor promised a review next winter."]
EDITED = ["The council approved the harbour budget on Monday after a long debate.",
          "Critics said the plan ignored the railway museum and the library.",
          "The mayor promised a review next winter.",
          "Correction: an earlier version misstated the date of the vote."]


def _captures(folder: Path) -> tuple[Path, Path]:
    folder.mkdir()
    first = folder / "capture-1.html"
    first.write_text(page(1, paragraphs=FIRST, title="Council approves harbour budget", url=URL), "utf-8")
    # The same article saved again later, under another address spelling, after an edit.
    second = folder / "capture-2.html"
    edited = page(1, paragraphs=EDITED, title="Council approves harbour budget after debate",
                  url="http://www.news.example.org/2021/05/report-1/?utm_source=feed")
    modified = '<meta property="article:modified_time" content="2021-06-03T09:30:00Z">'
    second.write_text(edited.replace("</head>", modified + "</head>", 1), "utf-8")
    return first, second


def test_recapture_is_a_new_version_of_the_same_article(run, tmp_path: Path) -> None:
    first, second = _captures(tmp_path / "in")
    run("ingest", str(first))
    assert "0 new, 1 updated" in run("ingest", str(second)).stdout
    stats = json.loads(run("stats", "--json").stdout)
    assert (stats["records"], stats["versions"], stats["originals"]) == (1, 2, 2)

    hits = json.loads(run("search", "correction", "--json").stdout)["hits"]
    assert len(hits) == 1 and hits[0]["title"] == "Council approves harbour budget after debate"
    article = hits[0]["id"]
    assert json.loads(run("search", "harbour", "--json").stdout)["total"] == 1

    listed = json.loads(run("show", article, "--versions", "--json").stdout)
    assert [v["version"] for v in listed] == [1, 2]
    assert [v["current"] for v in listed] == [False, True]
    assert listed[0]["title"] == "Council approves harbour budget"
    assert set(listed[0]) >= {"version", "sha256", "ingested_at", "word_count", "title"}
    assert listed[1]["word_count"] > listed[0]["word_count"]
    human = run("show", article, "--versions").stdout
    assert "v1" in human and "* v2" in human


def test_diff_shows_the_edit(run, tmp_path: Path) -> None:
    first, second = _captures(tmp_path / "in")
    run("ingest", str(first), str(second))
    article = json.loads(run("search", "harbour", "--json").stdout)["hits"][0]["id"]
    diff = json.loads(run("diff", article, "--json").stdout)
    assert (diff["from"]["version"], diff["to"]["version"]) == (1, 2)
    assert diff["changed"]["title"] == {"from": "Council approves harbour budget",
                                        "to": "Council approves harbour budget after debate"}
    # The same article under another spelling of its address: shown, not a new article.
    assert diff["changed"]["url"]["to"].startswith("http://www.news.example.org/")
    assert "published" not in diff["changed"] and "authors" not in diff["changed"]
    assert diff["changed"]["updated"] == {"from": None, "to": "2021-06-03T09:30:00+00:00"}
    assert "-Critics said the plan ignored the railway museum." in diff["body_diff"]
    assert "+Critics said the plan ignored the railway museum and the library." in diff["body_diff"]
    assert "+Correction: an earlier version misstated the date of the vote." in diff["body_diff"]
    assert not any(line.startswith(("-", "+")) and "mayor" in line for line in diff["body_diff"])
    text = run("diff", article, "--from", "1", "--to", "2").stdout
    assert "version 1" in text and "+Correction" in text and "title:" in text
    backwards = json.loads(run("diff", article[:8], "--from", "2", "--to", "1", "--json").stdout)
    assert "-Correction: an earlier version misstated the date of the vote." in backwards["body_diff"]


def test_diff_needs_two_versions(run, tmp_path: Path) -> None:
    first, _ = _captures(tmp_path / "in")
    run("ingest", str(first))
    article = json.loads(run("search", "harbour", "--json").stdout)["hits"][0]["id"]
    assert "nothing to compare" in run("diff", article, expect=1).stderr
    assert "no version 5" in run("diff", article, "--from", "1", "--to", "5", expect=1).stderr


def test_an_older_capture_ingested_again_does_not_replace_the_newer(run, tmp_path: Path) -> None:
    first, second = _captures(tmp_path / "in")
    run("ingest", str(first), str(second))
    again = tmp_path / "again.html"
    shutil.copy(first, again)  # the old capture, found again under another name
    assert "0 new, 0 updated, 1 unchanged" in run("ingest", str(again)).stdout
    article = json.loads(run("search", "harbour", "--json").stdout)["hits"][0]
    assert article["title"] == "Council approves harbour budget after debate"
    assert len(json.loads(run("show", article["id"], "--versions", "--json").stdout)) == 2


def test_byte_identical_files_are_stored_once(run, tmp_path: Path) -> None:
    first, _ = _captures(tmp_path / "in")
    for name in ("copy-a.html", "sub/copy-b.htm", "copy-c.html"):
        target = tmp_path / "in" / name
        target.parent.mkdir(exist_ok=True)
        shutil.copy(first, target)
    run("ingest", str(first))
    out = run("ingest", str(tmp_path / "in" / "copy-a.html"), str(tmp_path / "in" / "sub"),
              str(tmp_path / "in" / "copy-c.html")).stdout
    assert "0 new, 0 updated, 3 unchanged" in out
    stats = json.loads(run("stats", "--json").stdout)
    assert (stats["originals"], stats["records"], stats["versions"]) == (1, 1, 1)
    originals = list((tmp_path / "home" / "originals").glob("*/*/*.gz"))
    assert len(originals) == 1
