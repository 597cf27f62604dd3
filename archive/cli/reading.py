"""The commands that only read an archive: search, similar, show, stats, and extract
(which reads pages and stores nothing)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from archive.contract.search import HISTOGRAMS, SORTS

from .options import filter_options, json_option, request_for
from .output import (
    emit_json,
    print_copies,
    print_hits,
    print_record,
    print_result,
    print_stats,
    print_versions,
    shown,
)
from .support import open_archive

if TYPE_CHECKING:
    from archive.contract.records import Record


@click.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", type=int, default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--histogram", type=click.Choice(HISTOGRAMS), default=None,
              help="Date facet grain (default: month when --since/--until span under 3 years).")
@click.option("--all-copies", is_flag=True,
              help="List every copy of a story (by default a story is one hit, with its copies counted).")
@json_option()
@click.pass_context
def search(ctx: click.Context, query: tuple[str, ...], filters: dict[str, tuple[str, ...]],
           since: str | None, until: str | None, sort: str, limit: int, page: int,
           histogram: str | None, all_copies: bool, as_json: bool) -> None:
    """Search the archive: Whoosh syntax over title and body, with filters and facet counts.

    Examples: missile, "missile defense", title:belarus, author:khazaal, site:example.com,
    tag:politics, published:[2016-01 TO 2016-06], NOT russia, miss*. Articles without a
    published date drop out of any date filter. Copies of one story (syndicated, reposted,
    captured twice) are one hit, the earliest published, with the number of copies.
    """
    request = request_for(query, filters, since, until, sort=sort, limit=limit, page=page,
                          histogram=histogram, all_copies=all_copies)
    result = open_archive(ctx).search(request)
    if as_json:
        emit_json(result.to_dict())
    else:
        print_result(result, limit)


@click.command()
@click.argument("article_id")
@click.option("--limit", type=int, default=10, show_default=True, help="How many articles.")
@json_option()
@click.pass_context
def similar(ctx: click.Context, article_id: str, limit: int, as_json: bool) -> None:
    """Articles most like ARTICLE_ID (by the key terms of its title and body)."""
    found = open_archive(ctx, create=False).similar(article_id, limit=limit)
    if as_json:
        emit_json(found.to_dict())
        return
    click.echo(f"Like {found.title!r} (id {found.id}):")
    print_hits(found.hits, 1)


def _extract_json(record: Record, path: str) -> dict[str, Any]:
    data = record.to_dict()
    data["path"] = path
    return data


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@json_option("One JSON object per file (JSON Lines).")
@click.pass_context
def extract(ctx: click.Context, paths: tuple[str, ...], as_json: bool) -> None:
    """Clean pages and print them, storing nothing."""
    from archive.operations.sources import extract_items  # the HTML parser only when needed

    failed = 0
    first = True
    for path, record, reason in extract_items(paths):
        if record is None:
            failed += 1
            click.echo(f"error: {shown(path)}: {shown(reason)}", err=True)
            continue
        if as_json:
            emit_json(_extract_json(record, path))
        else:
            if not first:
                click.echo("\n" + "-" * 72 + "\n")
            print_record(record)
        first = False
    if failed:
        ctx.exit(1)


@click.command()
@click.argument("article_id")
@json_option("Print the record as one JSON object.")
@click.option("--raw", is_flag=True, help="Write the original bytes, exactly as captured.")
@click.option("--versions", is_flag=True, help="List the article's versions instead.")
@click.pass_context
def show(ctx: click.Context, article_id: str, as_json: bool, raw: bool, versions: bool) -> None:
    """Show one stored article, clean (or its original with --raw, its versions with --versions)."""
    archive = open_archive(ctx, create=False)
    if versions:
        print_versions(archive.versions(article_id), as_json)
        return
    if raw:
        sys.stdout.buffer.write(archive.original(article_id))
        sys.stdout.buffer.flush()
        return
    record = archive.get(article_id)
    if as_json:
        emit_json(record.to_dict())
        return
    print_record(record)
    found = archive.copies(record.id)
    if found.copies:
        click.echo("")
        click.echo(f"Copies of this story ({len(found.copies)}; 'archive copies {record.id}'):")
        print_copies(found, heading=False)


@click.command()
@json_option()
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of originals, records and indexed documents, gaps in dates and authors, records
    an older cleaner made; top authors and sites."""
    data = open_archive(ctx).stats()
    if as_json:
        emit_json(data)
    else:
        print_stats(data)


COMMANDS = (search, similar, extract, show, stats)
