"""The lifecycle commands of ``archive``: diff, reextract, forget, check, export.

Thin click wrappers over the archive's operations, registered on the main group by
``archive.cli.app``; output rules are the same (``--json`` is one document on stdout).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from archive.contract.errors import StoreError
from archive.operations.export import FORMATS

from .options import ByteSize, cluster_option, filter_options, json_option, request_for, wait_option
from .output import emit_json, print_diff, print_report, shown
from .progress import Progress
from .support import open_archive

if TYPE_CHECKING:
    from archive.contract.search import SearchRequest
    from archive.operations.reextract import ReextractOutcome
    from archive.operations.service import Archive

# ---------------------------------------------------------------------------- versions


@click.command()
@click.argument("article_id")
@click.option("--from", "old", type=int, help="Older version number (default: the one before --to).")
@click.option("--to", "new", type=int, help="Newer version number (default: the current version).")
@json_option()
@click.pass_context
def diff(ctx: click.Context, article_id: str, old: int | None, new: int | None, as_json: bool) -> None:
    """Show what changed between two versions of an article: metadata fields and the body."""
    result = open_archive(ctx, create=False).diff(article_id, old, new)
    if as_json:
        emit_json(result.to_dict())
    else:
        print_diff(result)


# --------------------------------------------------------------------------- reextract


@click.command()
@click.argument("ids", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every article, not only the stale ones.")
@click.option("--force", is_flag=True, help="Apply extractions even when they come out much shorter.")
@json_option("Print the summary as one JSON object.")
@wait_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes extracting pages (default: one per core).")
@cluster_option
@click.pass_context
def reextract(ctx: click.Context, ids: tuple[str, ...], everything: bool, force: bool, as_json: bool,
              wait: float, jobs: int | None, cluster: str | None) -> None:
    """Run the current cleaner again over the stored originals.

    Without IDS or --all, the articles a different cleaner version extracted. Changed
    records are replaced and re-indexed; an extraction that comes out empty or under half
    as long is held back and reported (--force applies it). Resumes where it stopped.
    """
    if ids and everything:
        raise click.UsageError("give article ids or --all, not both")
    archive = open_archive(ctx, create=False)
    with Progress("re-extracting", enabled=not as_json) as bar:

        def report(outcome: ReextractOutcome) -> None:
            for reason in outcome.reasons:
                click.echo(f"{outcome.status}: {outcome.article_id}: {shown(reason)}", err=True)
            bar.advance()

        summary = archive.reextract(ids, everything=everything, force=force, wait=wait, jobs=jobs,
                                    on_start=bar.start, progress=report, cluster=cluster)
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
@json_option()
@wait_option
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


@click.command()
@json_option()
@click.option("--repair", is_flag=True, help="Re-index what is missing or stale, drop orphans, restore originals.")
@wait_option
@click.pass_context
def check(ctx: click.Context, as_json: bool, repair: bool, wait: float) -> None:
    """Verify originals (SHA-256), that the index holds each record exactly once and up
    to date, and report cleaner versions. Exit code 1 if any problem is left."""
    archive = open_archive(ctx, create=False)
    with Progress("checking", enabled=not as_json) as bar:
        if bar.enabled:
            bar.start(archive.check_size())
        report = archive.check(repair=repair, wait=wait, progress=bar.advance)
    if as_json:
        emit_json(report.to_dict())
    else:
        print_report(report)
    if not report.ok:
        ctx.exit(1)


# ------------------------------------------------------------------------------ export


def _write_to(path: str | None, write: Callable[[Any], int]) -> int:
    """Stream to stdout, or to a file that appears only once it is complete."""
    if path is None or path == "-":
        return write(sys.stdout)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise StoreError(f"{path}: cannot write the export: the folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".export-", dir=folder)
    except OSError as exc:
        raise StoreError(f"{path}: cannot write the export: {exc.strerror or exc}") from exc
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
@click.option("--format", "fmt", type=click.Choice((*FORMATS, "warc")), default="jsonl", show_default=True,
              help="jsonl or csv: the records; warc: every version's original and its record, as WARC/1.1.")
@filter_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--max-size", type=ByteSize(), default=None,
              help="With --format warc and -o: start a new numbered file once one reaches this size (e.g. 1G).")
@click.option("--watches", is_flag=True, help="Write the saved searches and their marks instead of records.")
@click.pass_context
def export(ctx: click.Context, query: tuple[str, ...], fmt: str, filters: dict[str, tuple[str, ...]],
           since: str | None, until: str | None, output: str | None, max_size: int | None, watches: bool) -> None:
    """Write records out (all of them, or every match of QUERY and the filters); with
    --format warc, the original captures with their headers and records, as WARC; with
    --watches, the saved searches."""
    if max_size is not None and (fmt != "warc" or not output or output == "-"):
        raise click.UsageError("--max-size needs --format warc and -o FILE")
    if watches and fmt == "warc":
        raise click.UsageError("--watches writes JSON Lines or CSV, not WARC")
    archive = open_archive(ctx, create=False)
    if watches:
        if query or any(filters.values()) or since or until:
            raise click.UsageError("--watches writes every saved search: give no query or filters with it")
        count = _write_to(output, lambda out: archive.export_watches(out, fmt))
        if output:
            click.echo(f"exported {count} saved searches to {shown(output)}", err=True)
        return
    request = None
    if query or any(filters.values()) or since or until:
        request = request_for(query, filters, since, until)
    if fmt == "warc":
        _export_warc(archive, request, output, max_size)
        return
    count = _write_to(output, lambda out: archive.export(out, fmt, request))
    if output:
        click.echo(f"exported {count} records to {shown(output)}", err=True)


def _export_warc(archive: Archive, request: SearchRequest | None, output: str | None, max_size: int | None) -> None:
    if output is None or output == "-":
        stdout = sys.stdout.buffer
        if stdout.isatty():
            raise click.UsageError("a WARC is binary: give -o FILE.warc.gz, or send stdout to a file or a pipe")
        done = archive.export_warc(stdout, request)
        stdout.flush()
    else:
        done = archive.export_warc(output, request, max_size=max_size)
    where = f" to {', '.join(done.files)}" if done.files else ""
    click.echo(f"exported {done.versions} versions of {done.articles} articles{where}", err=True)


COMMANDS = (diff, reextract, forget, check, export)
