"""The lifecycle commands of ``archive``: diff, reextract, forget, check, export.

Thin click wrappers over ``archive.service.Archive``, registered on the main group by
``archive.cli``; output rules are the same (``--json`` is one document on stdout).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from typing import Any

import click

from archive.contract.errors import StoreError
from archive.operations.export import FORMATS
from archive.operations.history import VersionDiff, VersionInfo
from archive.operations.integrity import CheckReport
from archive.operations.reextract import ReextractOutcome
from index.search import SearchRequest

from .support import emit_json, open_archive

_wait_option = click.option("--wait", type=float, default=0.0, show_default=True,
                            help="Seconds to wait for another writer to finish.")




def _bar(length: int, label: str, enabled: bool) -> Any:
    if not enabled or not sys.stderr.isatty():
        return None
    return click.progressbar(length=length, label=label, file=sys.stderr, show_eta=True)


# ---------------------------------------------------------------------------- versions


def print_versions(versions: list[VersionInfo], as_json: bool) -> None:
    if as_json:
        emit_json([v.to_dict() for v in versions])
        return
    for v in versions:
        mark = "*" if v.current else " "
        note = f" (re-extracted {v.reextracted_at})" if v.reextracted_at else ""
        click.echo(f"{mark} v{v.version}  {v.ingested_at}  {v.sha256[:12]}  {v.word_count:>6} words  "
                   f"{v.title}{note}")


def _print_diff(diff: VersionDiff) -> None:
    click.echo(f"article {diff.article_id}: version {diff.old.version} ({diff.old.ingested_at}) -> "
               f"version {diff.new.version} ({diff.new.ingested_at})")
    if diff.identical:
        click.echo("no change in the text or the metadata")
        return
    for name, (before, after) in diff.changed.items():
        click.echo(f"{name}: {json.dumps(before, ensure_ascii=False)} -> {json.dumps(after, ensure_ascii=False)}")
    if diff.body_diff:
        click.echo("")
    colours = {"+": "green", "-": "red", "@": "cyan"}
    for line in diff.body_diff:
        click.echo(click.style(line, fg=colours.get(line[:1])) if not line.startswith(("+++", "---")) else line)


@click.command()
@click.argument("article_id")
@click.option("--from", "old", type=int, help="Older version number (default: the one before --to).")
@click.option("--to", "new", type=int, help="Newer version number (default: the current version).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def diff(ctx: click.Context, article_id: str, old: int | None, new: int | None, as_json: bool) -> None:
    """Show what changed between two versions of an article: metadata fields and the body."""
    result = open_archive(ctx, create=False).diff(article_id, old, new)
    if as_json:
        emit_json(result.to_dict())
    else:
        _print_diff(result)


# --------------------------------------------------------------------------- reextract


@click.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every article, not only the stale ones.")
@click.option("--force", is_flag=True, help="Apply extractions even when they come out much shorter.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@_wait_option
@click.pass_context
def reextract(ctx: click.Context, ids: tuple[str, ...], everything: bool, force: bool, as_json: bool,
              wait: float) -> None:
    """Run the current cleaner again over the stored originals.

    Without IDS or --all, the articles a different cleaner version extracted. Changed
    records are replaced and re-indexed; an extraction that comes out empty or under half
    as long is held back and reported (--force applies it). Resumes where it stopped.
    """
    if ids and everything:
        raise click.UsageError("give article ids or --all, not both")
    archive = open_archive(ctx, create=False)
    bar: list[Any] = []

    def start(total: int) -> None:
        made = _bar(total, "re-extracting", not as_json)
        if made is not None:
            bar.append(made.__enter__())

    def report(outcome: ReextractOutcome) -> None:
        for reason in outcome.reasons:
            click.echo(f"{outcome.status}: {outcome.article_id}: {reason}", err=True)
        if bar:
            bar[0].update(1)

    try:
        summary = archive.reextract(ids, everything=everything, force=force, wait=wait,
                                    on_start=start, progress=report)
    finally:
        if bar:
            bar[0].__exit__(None, None, None)
    if as_json:
        emit_json(summary.to_dict())
    else:
        resumed = f" (resumed after {summary.resumed_after})" if summary.resumed_after else ""
        click.echo(f"{summary.updated} updated, {summary.unchanged} unchanged, {summary.held} held back, "
                   f"{summary.failed} failed{resumed}")
    if summary.failed:
        ctx.exit(1)


# ------------------------------------------------------------------------------ forget


@click.command()
@click.argument("article_id")
@click.option("--purge", is_flag=True, help="Also delete its originals, unless another article uses them.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_wait_option
@click.pass_context
def forget(ctx: click.Context, article_id: str, purge: bool, as_json: bool, wait: float) -> None:
    """Remove an article and all its versions from the records and the index."""
    result = open_archive(ctx, create=False).forget(article_id, purge=purge, wait=wait)
    if as_json:
        emit_json(result.to_dict())
        return
    click.echo(f"forgot {result.article_id} ({result.title!r}, {result.versions} version(s))")
    if result.purged:
        click.echo(f"deleted {len(result.purged)} original(s)")
    elif result.kept:
        click.echo(f"kept {len(result.kept)} original(s); --purge deletes them")


# ------------------------------------------------------------------------------- check


def _print_report(report: CheckReport) -> None:
    for line in report.repaired:
        click.echo(f"repaired: {line}")
    click.echo(f"{report.records} records, {report.originals} originals, {report.indexed} indexed documents, "
               f"{report.pending} queued index changes")
    stale = f"; {report.stale} extracted by an older cleaner (run 'archive reextract')" if report.stale else ""
    click.echo(f"cleaner {report.cleaner_version}: " + ", ".join(
        f"v{v}: {n}" for v, n in report.cleaner_versions.items()) + stale)
    if report.held:
        click.echo(f"{len(report.held)} re-extraction(s) held back (see 'archive check --json')")
    for problem in report.problems:
        what = problem.article_id or problem.sha256 or ""
        click.echo(f"problem: {problem.kind}: {what}: {problem.detail}", err=True)
    click.echo("ok" if report.ok else f"{len(report.problems)} problem(s): " + ", ".join(
        f"{k} {n}" for k, n in report.counts().items()))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--repair", is_flag=True, help="Re-index what is missing or stale, drop orphans, restore originals.")
@_wait_option
@click.pass_context
def check(ctx: click.Context, as_json: bool, repair: bool, wait: float) -> None:
    """Verify originals (SHA-256), that the index holds each record exactly once and up
    to date, and report cleaner versions. Exit code 1 if any problem is left."""
    archive = open_archive(ctx, create=False)
    bar = _bar(archive.check_size(), "checking", not as_json)
    if bar is not None:
        with bar:
            report = archive.check(repair=repair, wait=wait, progress=lambda: bar.update(1))
    else:
        report = archive.check(repair=repair, wait=wait)
    if as_json:
        emit_json(report.to_dict())
    else:
        _print_report(report)
    if not report.ok:
        ctx.exit(1)


# ------------------------------------------------------------------------------ export


def _write_to(path: str | None, write: Callable[[Any], int]) -> int:
    """Stream to stdout, or to a file that appears only once it is complete."""
    if path is None or path == "-":
        return write(sys.stdout)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".export-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            count = write(fh)
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write the export: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return count


@click.command()
@click.argument("query", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--author", "authors", multiple=True, help="Only this author (repeatable; any of them).")
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable; any of them).")
@click.option("--tag", "tags", multiple=True, help="Only this tag (repeatable; any of them).")
@click.option("--since", metavar="YYYY[-MM[-DD]]", help="Published on or after this date.")
@click.option("--until", metavar="YYYY[-MM[-DD]]", help="Published on or before this date.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.pass_context
def export(ctx: click.Context, query: tuple[str, ...], fmt: str, authors: tuple[str, ...],
           sites: tuple[str, ...], tags: tuple[str, ...], since: str | None, until: str | None,
           output: str | None) -> None:
    """Write records out (all of them, or every match of QUERY and the filters)."""
    archive = open_archive(ctx, create=False)
    request = None
    if query or authors or sites or tags or since or until:
        request = SearchRequest(query=" ".join(query), authors=authors, sites=sites, tags=tags,
                                since=since, until=until)
    count = _write_to(output, lambda out: archive.export(out, fmt, request))
    if output:
        click.echo(f"exported {count} records to {output}", err=True)


COMMANDS = (diff, reextract, forget, check, export)
