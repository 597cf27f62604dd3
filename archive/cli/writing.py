"""The commands that add to an archive: ingest and reindex."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from archive.contract.settings import current

from .options import cluster_option, json_option, wait_option
from .output import emit_json, shown
from .progress import Progress
from .support import open_archive

if TYPE_CHECKING:
    from archive.operations.ingest import Outcome


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
@cluster_option
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], as_json: bool, as_lines: bool, wait: float,
           index_every: int, jobs: int | None, cluster: str | None) -> None:
    """Store and index article pages (files, folders recursively, or fsspec URLs such as
    s3://bucket/pages/).

    Unchanged files are skipped; a changed file updates its article. Each file that cannot
    be stored gets a one-line error on stderr; the rest go on. Exit code 1 if any failed.
    """
    archive = open_archive(ctx)
    files = archive.inputs(paths)

    with Progress("ingesting", enabled=not as_json and not as_lines) as bar:
        bar.start(len(files))

        def report(outcome: Outcome) -> None:
            if outcome.status == "failed":
                click.echo(f"error: {shown(outcome.path)}: {shown(outcome.reason)}", err=True)
            if as_lines:
                emit_json({"path": outcome.path, "status": outcome.status, "id": outcome.article_id,
                           "reason": outcome.reason})
            bar.advance()

        summary = archive.ingest(files, progress=report, wait=wait, jobs=jobs, sync_every=index_every,
                                 cluster=cluster)
    if as_lines:
        emit_json({"summary": summary.to_dict()})
    elif as_json:
        emit_json(summary.to_dict())
    else:
        nothing = " (nothing new)" if summary.new == 0 and summary.updated == 0 else ""
        click.echo(f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged, "
                   f"{summary.failed} failed{nothing}")
    if summary.failed:
        ctx.exit(1)


@click.command()
@wait_option
@cluster_option
@click.pass_context
def reindex(ctx: click.Context, wait: float, cluster: str | None) -> None:
    """Rebuild the search index from the stored records and swap it in atomically."""
    count = open_archive(ctx).reindex(wait=wait, cluster=cluster)
    click.echo(f"reindexed {count} articles")


COMMANDS = (ingest, reindex)
