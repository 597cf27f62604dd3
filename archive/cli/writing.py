"""The commands that add to an archive: ingest and reindex."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from archive.contract.settings import current

from .options import json_option, wait_option
from .output import emit_json, shown
from .progress import Progress
from .support import open_archive

if TYPE_CHECKING:
    from archive.operations.ingest import IngestSummary, Outcome


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@json_option("Print the summary as one JSON object.")
@click.option("--json-lines", "as_lines", is_flag=True,
              help="One JSON object per file as soon as it is stored, then the summary (JSON Lines).")
@wait_option
@click.option("--index-every", type=click.IntRange(min=1), default=None,
              help="Bring the search index up to date after this many stored files (and at the end). "
                   f"Default: after {current().sync_every}, then each time as many files as before were stored.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes extracting pages (default: one per core).")
@click.option("--verbose", "-v", is_flag=True, help="List every file and WARC record skipped, with the reason.")
@click.option("--follow-links", is_flag=True,
              help="Read links in folders that lead out of them (skipped by default, with a line).")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], as_json: bool, as_lines: bool, wait: float,
           index_every: int, jobs: int | None, verbose: bool, follow_links: bool) -> None:
    """Store and index article pages: files, folders (recursively) and WARC files.

    Unchanged captures are skipped; a changed file updates its article. Each file or WARC
    record that cannot be stored gets a one-line error on stderr; the rest go on. What is
    not a page is counted in the summary by reason (listed with --verbose). Exit code 1 if
    any failed.
    """
    archive = open_archive(ctx)
    from archive.operations.sources import LINK_SKIPS  # the extraction modules, only to ingest

    inputs = archive.inputs(paths, follow_links=follow_links)

    with Progress("ingesting", enabled=not as_json and not as_lines) as bar:
        bar.start(inputs.total_bytes)  # bytes: one WARC may hold thousands of captures

        def report(outcome: Outcome) -> None:
            if outcome.status == "skipped":
                if verbose or (outcome.reason or "").startswith(LINK_SKIPS):
                    click.echo(f"skipped: {shown(outcome.path)}: {shown(outcome.reason)}", err=True)
            else:
                if outcome.status == "failed":
                    click.echo(f"error: {shown(outcome.path)}: {shown(outcome.reason)}", err=True)
                if as_lines:
                    emit_json({"path": outcome.path, "status": outcome.status, "id": outcome.article_id,
                               "reason": outcome.reason})
            bar.advance(outcome.size)

        summary = archive.ingest(inputs, progress=report, wait=wait, jobs=jobs, sync_every=index_every)
    if as_lines:
        emit_json({"summary": summary.to_dict()})
    elif as_json:
        emit_json(summary.to_dict())
    else:
        click.echo(summary_line(summary))
    if summary.failed:
        ctx.exit(1)


def summary_line(summary: IngestSummary) -> str:
    """``3 new, 0 updated, 1 unchanged, 0 failed; 5 skipped: 3 not a page (.png), 2 request record``"""
    nothing = " (nothing new)" if summary.new == 0 and summary.updated == 0 else ""
    line = (f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.failed} failed{nothing}")
    if summary.skipped:
        reasons = sorted(summary.skipped_by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{n} {reason}" for reason, n in reasons[:6])
        more = f", {len(reasons) - 6} more reasons (--verbose lists them)" if len(reasons) > 6 else ""
        line += f"; {summary.skipped} skipped: {shown}{more}"
    return line


@click.command()
@wait_option
@click.pass_context
def reindex(ctx: click.Context, wait: float) -> None:
    """Rebuild the search index from the stored records and swap it in atomically."""
    count = open_archive(ctx).reindex(wait=wait)
    click.echo(f"reindexed {count} articles")


COMMANDS = (ingest, reindex)
