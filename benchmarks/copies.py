"""Copies of one story: quality on a labelled set of real pages, and the cost at ingest.

    python benchmarks/copies.py quality [--wcxb ../shared/bench/wcxb/dev] [--stories 300] [--jobs 2]
    python benchmarks/copies.py cost HOME100K WORK [--add 1000] [--share 0.3]
    python benchmarks/copies.py speed [--wcxb ../shared/bench/wcxb/dev] [--rounds 5]
    python benchmarks/copies.py split HOME [--last 400]

``quality`` builds the labelled set (``benchmarks/copies_set.py``: each story a real page,
its copies that story in other real pages' templates, retitled, cut, with editor's notes,
as text; hard negatives: follow-ups, updated versions, stories sharing a quote), ingests
it into a fresh home with the real ``archive ingest`` pipeline, reads the stories the
archive found, and prints pair-level precision and recall, overall and by kind.

``cost`` copies HOME100K (a home of 100,000 articles; read only) to WORK, compares every
article for copies there (``archive copies --rebuild``, timed), then ingests ``add`` new
pages, ``share`` of them syndicated copies of stored articles in another site's template,
and prints what finding copies cost per article at that size (time spent placing each
article among the stories, timed inside the ingest), beside the whole ingest's time per
article.

``speed`` times the MinHash of real article bodies two ways, side by side in one run: the
archive's own (``archive.extraction.fingerprint``, numpy) and datasketch's ``MinHash``
(128 permutations, ``update_batch`` over the same 5-word shingles), and prints the median
of each round and their ratio, with how far each one's Jaccard estimates stray from the
exact Jaccard on pairs of those bodies.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from copies_set import NEGATIVE_KINDS, POSITIVE_KINDS, build, pair_scores, wcxb_sources, write  # noqa: E402

DEFAULT_WCXB = ROOT.parent / "shared" / "bench" / "wcxb" / "dev"


def found_stories(home: Path, outcomes: list) -> dict[str, str]:
    """Each ingested file's story, as the archive filed it."""
    from archive.storage.store import RecordStore

    out: dict[str, str] = {}
    with RecordStore.for_reading(home / "archive.db") as store:
        for outcome in outcomes:
            if outcome.article_id:
                out[Path(outcome.path).name] = store.story_of(outcome.article_id)
    return out


def evaluate(folder: Path, home: Path, jobs: int) -> dict:
    from archive.operations.service import Archive

    labels = json.loads((folder / "labels.json").read_text("utf-8"))
    pages = sorted(p for p in folder.iterdir() if p.name != "labels.json")
    began = time.perf_counter()
    with Archive(home) as archive:
        outcomes: list = []
        summary = archive.ingest([str(p) for p in pages], jobs=jobs, progress=outcomes.append)
    took = time.perf_counter() - began
    stories = found_stories(home, outcomes)
    truth = {name: v["label"] for name, v in labels.items()}
    scores = pair_scores(truth, stories)
    kinds = {name: v["kind"] for name, v in labels.items()}
    by_kind: dict[str, dict[str, int]] = {}
    for name, kind in kinds.items():
        entry = by_kind.setdefault(kind, {"pages": 0, "with_original": 0, "wrongly_joined": 0})
        entry["pages"] += 1
        original = f"{truth[name]}-original.html" if kind in POSITIVE_KINDS else None
        if original and name in stories and stories.get(original) == stories[name]:
            entry["with_original"] += 1
        if kind in NEGATIVE_KINDS and name in stories:
            joined = [o for o, s in stories.items() if s == stories[name] and o != name and truth[o] != truth[name]]
            entry["wrongly_joined"] += bool(joined)
    return {"pages": len(pages), "failed": summary.failed, "seconds": round(took, 1), **scores, "by_kind": by_kind,
            "errors": [(o.path.rsplit("/", 1)[-1], o.reason) for o in summary.failures][:10]}


def reads_as(page: str, name: str, meant: str) -> bool:
    """Whether the archive reads a page as the text it was made to carry (at least 80% of
    that text found, in a body under twice its size): a copy the cleaner could not read is
    a test of the cleaner, not of finding copies."""
    from archive.contract.captures import Capture
    from archive.contract.errors import InputError
    from archive.extraction.extract import extract_capture
    from archive.extraction.fingerprint import compare, fingerprint

    try:
        body = extract_capture(Capture.of(page.encode("utf-8"), name, name)).body
    except InputError:
        return False
    likeness = compare(fingerprint(meant), fingerprint(body))
    return likeness.containment >= 0.8 and likeness.ratio >= 0.5


def readable(source) -> bool:  # noqa: ANN001
    """Whether the archive reads the story's own page as its ground truth has it."""
    return reads_as(source.page, source.name, "\n\n".join(source.paragraphs))


def quality(args: argparse.Namespace) -> None:
    sources = list(wcxb_sources(Path(args.wcxb)))
    made = build(sources, stories=args.stories, seed=args.seed, readable=readable)
    # The same rule for every page made from a story: it must read as the text put in it.
    pages = [p for p in made if p.kind == "original" or p.name.endswith(".txt") or reads_as(p.text, p.name, p.meant)]
    kept = {p.name for p in pages}
    dropped: dict[str, int] = {}
    for page in made:
        if page.name not in kept:
            dropped[page.kind] = dropped.get(page.kind, 0) + 1
    with tempfile.TemporaryDirectory(prefix="copies-quality-", dir=args.scratch) as tmp:
        folder, home = Path(tmp) / "pages", Path(tmp) / "home"
        write(pages, folder)
        result = evaluate(folder, home, args.jobs)
    print(f"labelled set: {result['pages']} pages from {len(sources)} real article pages "
          f"({args.stories} stories, seed {args.seed}); {result['failed']} not ingested; "
          f"ingest {result['seconds']} s")
    print(f"pages made but left out, the cleaner not reading them as the text put in them: "
          f"{sum(dropped.values())} of {len(made)} ({', '.join(f'{k} {n}' for k, n in sorted(dropped.items()))})")
    print(f"pairs: {result['true_pairs']} true, {result['found_pairs']} found, {result['correct']} correct")
    print(f"precision {result['precision']:.4f}   recall {result['recall']:.4f}")
    print("\n| kind | pages | filed with its original | joined to another story |\n|---|---|---|---|")
    for kind in ("original", *POSITIVE_KINDS, *NEGATIVE_KINDS):
        entry = result["by_kind"].get(kind)
        if entry:
            with_original = entry["with_original"] if kind in POSITIVE_KINDS else "-"
            wrong = entry["wrongly_joined"] if kind in NEGATIVE_KINDS else "-"
            print(f"| {kind} | {entry['pages']} | {with_original} | {wrong} |")
    for name, reason in result["errors"]:
        print(f"  not ingested: {name}: {reason}")
    if args.json:
        print(json.dumps(result))


# --------------------------------------------------------------------------- cost


def _syndicated(a: dict, rng: random.Random, corpus) -> str:  # noqa: ANN001
    """A stored article as another site of the corpus would repost it."""
    w = corpus.world(7)
    other = dict(a)
    other["site"] = rng.choice([s for s in w["sites"] if s != a["site"]])
    other["title"] = "Report: " + a["title"]
    other["paragraphs"] = a["paragraphs"][:-1] + ["Editor's note: this story first ran elsewhere."]
    other["url"] = f"https://{other['site']['domain']}/syndicated/{a['index']}-{rng.randrange(10**6)}/"
    return corpus.render(other)


def cost(args: argparse.Namespace) -> None:
    import corpus

    from archive.operations import copies as copies_module
    from archive.operations.service import Archive

    work = Path(args.work)
    if not work.exists():
        shutil.copytree(args.home, work, symlinks=True)
    with Archive(work) as archive:
        base = archive.record_count()
        if not args.no_rebuild:
            began = time.perf_counter()
            summary = archive.rebuild_copies()
            rebuilt = time.perf_counter() - began
            print(f"copies --rebuild over {summary.articles} articles: {rebuilt:.0f} s "
                  f"({rebuilt / max(1, summary.articles) * 1000:.2f} ms per article); "
                  f"{summary.stories} stories with copies")

    rng = random.Random(11)
    pages = Path(tempfile.mkdtemp(prefix="copies-add-", dir=args.scratch))
    start = args.start if args.start is not None else base
    for i in range(args.add):
        if rng.random() < args.share:
            text = _syndicated(corpus.article(rng.randrange(base)), rng, corpus)
        else:
            text = corpus.render(corpus.article(start + i))
        (pages / f"add-{i:05d}.html").write_text(text, "utf-8")

    spent: list[float] = []
    original = copies_module.Copies.place

    def timed(self, record, print_=None):  # noqa: ANN001, ANN202
        t = time.perf_counter()
        try:
            return original(self, record, print_)
        finally:
            spent.append(time.perf_counter() - t)

    copies_module.Copies.place = timed  # type: ignore[method-assign]
    try:
        with Archive(work) as archive:
            began = time.perf_counter()
            result = archive.ingest([str(pages)], jobs=args.jobs)
            took = time.perf_counter() - began
            stats = archive.stats()
    finally:
        copies_module.Copies.place = original  # type: ignore[method-assign]
    spent_ms = sorted(s * 1000 for s in spent)
    p95 = spent_ms[int(0.95 * (len(spent_ms) - 1))] if spent_ms else 0.0
    print(f"ingest of {args.add} pages ({args.share:.0%} syndicated copies) into {base:,} articles: "
          f"{result.new} new, {result.failed} failed, {took:.1f} s ({took / max(1, args.add) * 1000:.1f} ms per page)")
    print("| copies work per stored article at ingest | median | mean | p95 | max |\n|---|---|---|---|---|")
    print(f"| ms | {statistics.median(spent_ms):.2f} | {statistics.mean(spent_ms):.2f} | {p95:.2f} | "
          f"{spent_ms[-1]:.2f} |")
    print(f"stories with copies after: {stats['stories_with_copies']}, holding {stats['articles_with_copies']}")
    shutil.rmtree(pages, ignore_errors=True)


def speed(args: argparse.Namespace) -> None:
    import numpy as np
    from datasketch import MinHash

    from archive.contract.captures import Capture
    from archive.contract.errors import InputError
    from archive.extraction import fingerprint as fp
    from archive.extraction.extract import extract_capture

    bodies = []
    for source in wcxb_sources(Path(args.wcxb)):
        try:
            bodies.append(extract_capture(Capture.of(source.page.encode("utf-8"), source.name, source.name)).body)
        except InputError:
            continue
    words = [len(fp.words(b)) for b in bodies]

    def own(body: str) -> np.ndarray:
        return fp.fingerprint(body).signature

    def theirs(body: str) -> MinHash:
        tokens = fp.words(body)
        shingles = [" ".join(tokens[i : i + fp.SHINGLE]).encode("utf-8")
                    for i in range(max(1, len(tokens) - fp.SHINGLE + 1))]
        sketch = MinHash(num_perm=fp.PERMUTATIONS)
        sketch.update_batch(shingles)
        return sketch

    rounds: dict[str, list[float]] = {"numpy (archive)": [], "datasketch": []}
    for _ in range(args.rounds):  # in turns, so both see the same machine load
        for label, fn in (("numpy (archive)", own), ("datasketch", theirs)):
            began = time.perf_counter()
            for body in bodies:
                fn(body)
            rounds[label].append((time.perf_counter() - began) / len(bodies) * 1000)
    rng = random.Random(5)
    errors: dict[str, list[float]] = {"numpy (archive)": [], "datasketch": []}
    for _ in range(400):  # a body against another cut and padded: Jaccard spread over 0..1
        a = fp.words(rng.choice(bodies))
        b = a[rng.randrange(len(a) // 2 + 1):] + fp.words(rng.choice(bodies))[: rng.randrange(len(a) + 1)]
        left, right = " ".join(a), " ".join(b)
        exact = fp.compare(fp.fingerprint(left), fp.fingerprint(right)).jaccard
        errors["numpy (archive)"].append(fp.estimate(own(left), own(right)) - exact)
        errors["datasketch"].append(theirs(left).jaccard(theirs(right)) - exact)
    print(f"{len(bodies)} real article bodies, median {statistics.median(words)} words; {args.rounds} rounds")
    print("| MinHash of one body (128 permutations) | median ms | estimate error, mean | sd |\n|---|---|---|---|")
    for label, times in rounds.items():
        errs = errors[label]
        print(f"| {label} | {statistics.median(times):.3f} | {statistics.mean(errs):+.4f} | "
              f"{statistics.pstdev(errs):.4f} |")
    ratio = statistics.median(rounds["datasketch"]) / statistics.median(rounds["numpy (archive)"])
    print(f"datasketch / numpy: {ratio:.2f}x")


def split(args: argparse.Namespace) -> None:
    """The fingerprint and the candidates' bucket lookup of the last stored articles, timed apart."""
    import sqlite3

    from archive.extraction.fingerprint import fingerprint

    db = sqlite3.connect(f"file:{Path(args.home) / 'archive.db'}?mode=ro", uri=True)
    bodies = [r[0] for r in db.execute("SELECT body FROM articles ORDER BY seq DESC LIMIT ?", (args.last,))]
    prints, lookups = [], []
    for body in bodies:
        began = time.perf_counter()
        found = fingerprint(body)
        prints.append(time.perf_counter() - began)
        keys = found.keys()
        began = time.perf_counter()
        db.execute(f"SELECT s.article_id, s.digest, s.shingles, s.minhash, COUNT(*) AS n FROM copy_buckets b "
                   f"JOIN copy_signatures s ON s.sig = b.sig WHERE b.key IN ({','.join('?' * len(keys))}) "
                   "GROUP BY s.sig ORDER BY n DESC, s.article_id", keys).fetchall()
        lookups.append(time.perf_counter() - began)
    print(f"{len(bodies)} articles stored last, median {statistics.median(len(b.split()) for b in bodies)} words")
    print(f"fingerprint: median {statistics.median(prints) * 1000:.2f} ms; candidates lookup: median "
          f"{statistics.median(lookups) * 1000:.2f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--wcxb", default=str(DEFAULT_WCXB), help="a WCXB split folder (html/, ground-truth/)")
    q.add_argument("--stories", type=int, default=300)
    q.add_argument("--seed", type=int, default=14)
    q.add_argument("--jobs", type=int, default=2)
    q.add_argument("--scratch", default=None)
    q.add_argument("--json", action="store_true")
    c = sub.add_parser("cost")
    c.add_argument("home")
    c.add_argument("work")
    c.add_argument("--add", type=int, default=1000)
    c.add_argument("--share", type=float, default=0.3)
    c.add_argument("--start", type=int, default=None, help="corpus index of the first new page (default: after)")
    c.add_argument("--jobs", type=int, default=2)
    c.add_argument("--no-rebuild", action="store_true", help="WORK was compared already: only ingest")
    c.add_argument("--scratch", default=None)
    s = sub.add_parser("speed")
    s.add_argument("--wcxb", default=str(DEFAULT_WCXB))
    s.add_argument("--rounds", type=int, default=5)
    t = sub.add_parser("split")
    t.add_argument("home")
    t.add_argument("--last", type=int, default=400)
    args = parser.parse_args(argv)
    {"quality": quality, "cost": cost, "speed": speed, "split": split}[args.command](args)


if __name__ == "__main__":
    main()
