"""Following stories: ``copies`` (an article's copies, or all of them rebuilt) and ``watch``
(saved searches: add, list, rm, run)."""

from __future__ import annotations

import sys

import click

from .options import filter_options, json_option, request_for, wait_option
from .output import emit_json, print_copies, print_hits, shown
from .progress import Progress
from .support import open_archive


@click.command()
@click.argument("article_id", required=False)
@click.option("--rebuild", is_flag=True, help="Fingerprint every article again and rebuild all the stories.")
@json_option()
@wait_option
@click.pass_context
def copies(ctx: click.Context, article_id: str | None, rebuild: bool, as_json: bool, wait: float) -> None:
    """List the copies of ARTICLE_ID (the same story on other sites, at other URLs, in other
    captures), most alike first; or, with --rebuild, find every article's copies afresh."""
    if rebuild == bool(article_id):
        raise click.UsageError("give an article id, or --rebuild")
    archive = open_archive(ctx, create=False)
    if rebuild:
        with Progress("comparing", enabled=not as_json) as bar:
            bar.start(archive.copies_size())
            summary = archive.rebuild_copies(wait=wait, progress=lambda n: bar.advance(n))
        if as_json:
            emit_json(summary.to_dict())
        else:
            click.echo(f"{summary.articles} articles: {summary.stories} stories with copies, holding "
                       f"{summary.clustered} articles; {summary.reindexed} re-indexed")
        return
    found = archive.copies(article_id or "")
    if as_json:
        emit_json(found.to_dict())
    else:
        print_copies(found)


@click.group()
def watch() -> None:
    """Saved searches: what was ingested since each last ran, one hit per story."""


@watch.command("add")
@click.argument("name")
@click.argument("query", nargs=-1)
@filter_options
@click.option("--from-start", is_flag=True, help="Its first run reports every match already stored, too.")
@json_option()
@click.pass_context
def watch_add(ctx: click.Context, name: str, query: tuple[str, ...], filters: dict[str, tuple[str, ...]],
              since: str | None, until: str | None, from_start: bool, as_json: bool) -> None:
    """Save the search QUERY (and filters) as NAME; its runs report what is ingested after now."""
    view = open_archive(ctx).watch_add(name, request_for(query, filters, since, until), from_start=from_start)
    if as_json:
        emit_json(view.to_dict())
    else:
        click.echo(f"saved {shown(view.name)}: {shown(view.query or '(every article)')}; new from ingest "
                   f"#{view.since_seq} on")


@watch.command("list")
@json_option()
@click.pass_context
def watch_list(ctx: click.Context, as_json: bool) -> None:
    """The saved searches, with their query, filters and mark."""
    views = open_archive(ctx).watches()
    if as_json:
        emit_json({"watches": [v.to_dict() for v in views]})
        return
    if not views:
        click.echo("no saved searches ('archive watch add NAME QUERY' saves one)")
    for view in views:
        narrowed = "".join(f" --{k} {shown(v)}" for k, values in view.filters.items() for v in values)
        dates = "".join(f" --{k} {v}" for k, v in (("since", view.since), ("until", view.until)) if v)
        ran = view.last_run_at or "never"
        click.echo(f"{shown(view.name)}: {shown(view.query or '(every article)')}{narrowed}{dates} "
                   f"(reported up to ingest #{view.since_seq}; last run {ran})")


@watch.command("rm")
@click.argument("name")
@click.pass_context
def watch_rm(ctx: click.Context, name: str) -> None:
    """Delete the saved search NAME."""
    open_archive(ctx, create=False).watch_remove(name)
    click.echo(f"removed {shown(name)}")


@watch.command("run")
@click.argument("names", nargs=-1)
@json_option()
@click.pass_context
def watch_run(ctx: click.Context, names: tuple[str, ...], as_json: bool) -> None:
    """Report what each saved search (or those NAMES) matches among the articles ingested
    since its last run, one hit per story; then move its mark. A run stopped before the
    report is out reports the same matches again next time."""
    archive = open_archive(ctx, create=False)
    runs = archive.watch_run(names)
    if as_json:
        emit_json({"watches": [r.to_dict() for r in runs]})
    else:
        for done in runs:
            noun = "new story" if len(done.new) == 1 else "new stories"
            click.echo(f"{shown(done.name)} ({shown(done.query or 'every article')}): {len(done.new)} {noun}")
            print_hits(done.new, 1)
    sys.stdout.flush()  # the report is out before any mark moves
    for name in archive.watch_mark(runs):
        click.echo(f"warning: {shown(name)}: another run moved its mark meanwhile; left as that run set it",
                   err=True)


COMMANDS = (copies, watch)
