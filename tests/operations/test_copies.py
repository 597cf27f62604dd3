"""Copies of one story: found at ingest, collapsed in search, kept right as articles change."""

from __future__ import annotations

import random
from pathlib import Path

from archive.operations.service import Archive
from archive.storage.store import RecordStore
from tests.corpus import paragraph

WIRE = random.Random(7)
STORY = [paragraph(WIRE, 60) for _ in range(8)]
OTHER = [paragraph(WIRE, 60) for _ in range(8)]


def syndicated(n: int, paragraphs: list[str], *, title: str, site: str, url: str, published: str = "2021-05-03",
               header: str = "", footer: str = "") -> str:
    """A page as another site's template would carry the story: its own menus, its name,
    its related links, under its own URL."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    related = "".join(f'<li><a href="/r/{i}">Related headline number {i} on {site}</a></li>' for i in range(6))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} - {site}</title>
<link rel="canonical" href="{url}"><meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{published}T09:00:00Z"><meta name="author" content="Wire Staff">
</head><body><header><nav><a href="/">{site} home</a> <a href="/world">World</a> <a href="/arts">Arts</a></nav>
</header>
<main><article><h1>{title}</h1>{header}
{body}
{footer}</article><aside><h2>More from {site}</h2><ul>{related}</ul></aside></main>
<footer><p>Copyright {site} {n}. All rights reserved.</p></footer></body></html>"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def story_of(home: Path, article_id: str) -> str:
    with RecordStore(home / "archive.db") as store:
        return store.story_of(article_id)


def ingest(archive: Archive, *paths: Path) -> list[str]:
    """Ingest ``paths``; the article id of each, in their order."""
    seen = []
    summary = archive.ingest(paths, progress=seen.append)
    assert summary.failed == 0, summary.failures
    by_name = {Path(o.path).name: o.article_id for o in seen}
    return [by_name[p.name] for p in paths]


def test_syndicated_copies_are_one_story_and_one_hit(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    original = write(pages, "a.html", syndicated(1, STORY, title="Harbour council backs bridge",
                                                    site="Daily Wire", url="https://wire.example/a"))
    retitled = write(pages, "b.html", syndicated(2, STORY[:-1], title="Council says yes to the bridge",
                                                    site="Coast Times", url="https://coast.example/news/77",
                                                    published="2021-05-04"))
    noted = write(pages, "c.html", syndicated(
        3, STORY, title="Harbour council backs bridge", site="Valley Post", url="https://valley.example/x",
        header="<p><em>Editor's note: this story was first published by Daily Wire and is republished with "
               "permission.</em></p>", published="2021-05-05"))
    unrelated = write(pages, "d.html", syndicated(4, OTHER, title="Orchestra tours the coast", site="Daily Wire",
                                                     url="https://wire.example/d"))
    with Archive(tmp_path / "home") as archive:
        a, b, c, d = ingest(archive, original, retitled, noted, unrelated)
        assert story_of(tmp_path / "home", b) == story_of(tmp_path / "home", c) == a
        assert story_of(tmp_path / "home", d) == d
        listed = archive.copies(b)
        assert {x.id for x in listed.copies} == {a, c}
        assert all(x.kind in ("near", "contained") and x.similarity > 0.6 for x in listed.copies)

        from archive.contract.search import SearchRequest

        found = archive.search(SearchRequest(query=STORY[0].split()[0] + " " + STORY[0].split()[1]))
        story_hits = [h for h in found.hits if h.id in (a, b, c)]
        assert len(story_hits) == 1 and story_hits[0].id == a and story_hits[0].copies == 3  # the earliest
        every = archive.search(SearchRequest(query=found.query, all_copies=True))
        assert {h.id for h in every.hits} >= {a, b, c} and every.total == found.total + 2
        # facets count stories: the story is once under its author, and once under each site it is on
        authors = {v.value: v.count for v in found.facets["author"]}
        sites = {v.value: v.count for v in found.facets["site"]}
        assert authors["Wire Staff"] == found.total
        assert sites["Coast Times"] == 1 and sites["Valley Post"] == 1
        narrowed = archive.search(SearchRequest(query=found.query, filters={"site": ("Coast Times",)}))
        assert narrowed.total == sites["Coast Times"] and narrowed.hits[0].id == b


def test_similar_lists_copies_first_marked(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    paths = [write(pages, "a.html", syndicated(1, STORY, title="Bridge vote", site="Daily Wire",
                                               url="https://wire.example/a")),
             write(pages, "b.html", syndicated(2, STORY, title="Bridge vote", site="Coast Times",
                                               url="https://coast.example/b")),
             write(pages, "c.html", syndicated(3, STORY[:4] + OTHER[:4], title="Bridge and orchestra",
                                               site="Valley Post", url="https://valley.example/c"))]
    with Archive(tmp_path / "home") as archive:
        a, b, c = ingest(archive, *paths)
        similar = archive.similar(a, limit=5)
        assert similar.hits[0].id == b and similar.hits[0].copy is not None
        assert similar.hits[0].copy.kind == "exact"
        rest = [h for h in similar.hits[1:] if h.id == c]
        assert rest and rest[0].copy is None  # half the same paragraphs: similar, not a copy
        data = similar.to_dict()
        assert data["hits"][0]["copy"] == {"kind": "exact", "similarity": 1.0}
        assert all("copy" in h for h in data["hits"])


def test_versions_of_one_article_are_not_copies_and_an_update_leaves_its_story(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    first = write(pages, "a.html", syndicated(1, STORY, title="Bridge vote", site="Daily Wire",
                                              url="https://wire.example/a"))
    copy = write(pages, "b.html", syndicated(2, STORY, title="Bridge vote", site="Coast Times",
                                             url="https://coast.example/b"))
    with Archive(tmp_path / "home") as archive:
        a, b = ingest(archive, first, copy)
        assert story_of(tmp_path / "home", b) == a
        # the copy's site rewrites its page into another story: a new version, out of the story
        write(pages, "b.html", syndicated(2, OTHER, title="Orchestra", site="Coast Times",
                                          url="https://coast.example/b"))
        summary = archive.ingest([copy])
        assert summary.updated == 1
        assert story_of(tmp_path / "home", a) == a and story_of(tmp_path / "home", b) == b
        assert archive.copies(a).copies == [] and len(archive.versions(b)) == 2
        from archive.contract.search import SearchRequest

        hits = archive.search(SearchRequest(query=STORY[0].split()[0], all_copies=False)).hits
        assert all(h.copies == 1 for h in hits)


def test_forgetting_the_article_that_joined_two_halves_splits_the_story(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    head, tail = STORY[:4], STORY[4:]
    # whole contains both halves; each half alone is a copy cut short of whole, not of the other half
    paths = [write(pages, "h.html", syndicated(1, head + tail[:1], title="Head", site="A", url="https://a.example/h")),
             write(pages, "t.html", syndicated(2, head[-1:] + tail, title="Tail", site="B", url="https://b.example/t")),
             write(pages, "w.html", syndicated(3, STORY, title="Whole", site="C", url="https://c.example/w"))]
    with Archive(tmp_path / "home") as archive, archive.workspace.reader() as peek:
        h, t, w = ingest(archive, *paths)
        assert story_of(tmp_path / "home", h) == story_of(tmp_path / "home", t) == story_of(tmp_path / "home", w)
        archive.forget(w)
        assert story_of(tmp_path / "home", h) == h and story_of(tmp_path / "home", t) == t
        assert peek.copy_counts() == {"stories": 0, "articles": 0}
        from archive.contract.search import SearchRequest

        word = head[-1].split()[2]
        hits = archive.search(SearchRequest(query=word)).hits
        assert {x.id for x in hits} == {h, t} and all(x.copies == 1 for x in hits)


def test_rebuild_finds_the_same_stories_and_compares_what_was_never_compared(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    paths = [write(pages, f"{n}.html", syndicated(n, STORY if n < 3 else OTHER, title=f"T{n}", site=f"S{n}",
                                                  url=f"https://s{n}.example/{n}")) for n in range(5)]
    with Archive(tmp_path / "home") as archive:
        ids = ingest(archive, *paths)
        with RecordStore(tmp_path / "home" / "archive.db") as store:
            before = store.all_stories()
            with store.atomic():
                store.clear_copies()  # as a store from before copies were kept
            assert store.count_unsigned() == 5
        report = archive.check()
        assert report.ok and report.copies["unsigned"] == 5
        summary = archive.rebuild_copies()
        assert summary.articles == 5 and summary.stories == 2 and summary.clustered == 5
        with RecordStore(tmp_path / "home" / "archive.db") as store:
            assert store.all_stories() == before and store.count_unsigned() == 0
        assert story_of(tmp_path / "home", ids[1]) == ids[0] and story_of(tmp_path / "home", ids[4]) == ids[3]
