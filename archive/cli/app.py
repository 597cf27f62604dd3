"""The ``archive`` command: a thin layer of click over ``archive.service.Archive``.

Human output goes to the terminal; ``--json`` prints exactly one JSON document (JSON Lines
for ``extract``) on stdout, with messages on stderr.  Every ArchiveError becomes a one-line
message and exit code 1.
"""

from __future__ import annotations

import dataclasses
import html
import re
import sys
from typing import TYPE_CHECKING, Any

import click

from archive import __version__
from archive.contract.errors import ArchiveError, InputError
from archive.contract.records import Record
from archive.storage.home import ENV_VAR
from index.indexer import SYNC_EVERY
from index.search import HISTOGRAMS, SORTS, Hit, SearchRequest, SearchResult

from .lifecycle import COMMANDS as LIFECYCLE_COMMANDS
from .lifecycle import print_versions
from .support import emit_json, open_archive

if TYPE_CHECKING:
    from archive.operations.ingest import Outcome


class _Group(click.Group):
    """Turns user-facing errors into messages instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            raise click.ClickException(str(exc)) from exc
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(1)




@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    envvar=ENV_VAR,
    help=f"Archive folder (default: ${ENV_VAR}, else ~/.local/share/article-archive).",
)
@click.version_option(__version__, prog_name="archive")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """Archive article pages byte for byte, read them clean, find them again."""
    ctx.obj = {"home": home}


# ----------------------------------------------------------------------------- ingest


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--json-lines", "as_lines", is_flag=True,
              help="One JSON object per file as soon as it is stored, then the summary (JSON Lines).")
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for another writer to finish.")
@click.option("--index-every", type=click.IntRange(min=1), default=None,
              help="Bring the search index up to date after this many stored files (and at the end). "
                   f"Default: after {SYNC_EVERY}, then each time as many files as before were stored.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes extracting pages (default: one per core).")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[str, ...], as_json: bool, as_lines: bool, wait: float,
           index_every: int, jobs: int | None) -> None:
    """Store and index article pages (files or folders, recursively).

    Unchanged files are skipped; a changed file updates its article. Each file that cannot
    be stored gets a one-line error on stderr; the rest go on. Exit code 1 if any failed.
    """
    from archive.operations.ingest import find_inputs  # the HTML parser is imported only by commands using it

    archive = open_archive(ctx)
    files = list(find_inputs(paths))
    show_bar = sys.stderr.isatty() and not as_json and not as_lines
    bar_ctx = click.progressbar(length=len(files), label="ingesting", file=sys.stderr) if show_bar else None

    def report(outcome: Outcome) -> None:
        if outcome.status == "failed":
            click.echo(f"error: {outcome.path}: {outcome.reason}", err=True)
        if as_lines:
            emit_json({"path": outcome.path, "status": outcome.status, "id": outcome.article_id,
                        "reason": outcome.reason})
        if bar_ctx is not None:
            bar_ctx.update(1)

    if bar_ctx is not None:
        with bar_ctx:
            summary = archive.ingest(files, progress=report, wait=wait, jobs=jobs, sync_every=index_every)
    else:
        summary = archive.ingest(files, progress=report, wait=wait, jobs=jobs, sync_every=index_every)
    if as_lines:
        emit_json({"summary": summary.to_dict()})
    elif as_json:
        emit_json(summary.to_dict())
    else:
        nothing = " (nothing new)" if summary.new == 0 and summary.updated == 0 else ""
        click.echo(
            f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.failed} failed{nothing}",
            err=False,
        )
    if summary.failed:
        ctx.exit(1)


# ----------------------------------------------------------------------------- search

_MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.S)


def _terminal_snippet(snippet: str) -> str:
    styled = _MARK_RE.sub(lambda m: click.style(m.group(1), bold=True, fg="yellow"), snippet)
    return html.unescape(styled)


def _print_hits(hits: list[Hit], first: int) -> None:
    for rank, hit in enumerate(hits, start=first):
        click.echo("")
        click.echo(f"{rank:>3}. " + click.style(hit.title or "(untitled)", bold=True))
        when = hit.published[:10] if hit.published else "undated"
        details = [", ".join(hit.authors) or "unknown author", when]
        if hit.site:
            details.append(hit.site)
        details.append(f"id {hit.id}")
        click.echo("     " + " · ".join(details))
        if hit.snippet:
            click.echo("     " + _terminal_snippet(hit.snippet))


def _print_result(result: SearchResult, limit: int) -> None:
    shown = f"{result.query!r}" if result.query else "all articles"
    if result.total == 0:
        click.echo(f"No matches for {shown}.")
    else:
        first = (result.page - 1) * limit + 1
        last = first + len(result.hits) - 1
        noun = "match" if result.total == 1 else "matches"
        click.echo(f"{result.total} {noun} for {shown}; showing {first}-{last}" if result.hits
                   else f"{result.total} {noun} for {shown}; page {result.page} is past the end")
    _print_hits(result.hits, (result.page - 1) * limit + 1)
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    if result.total:
        click.echo("")
        for name, values in result.facets.items():
            if values:
                listed = ", ".join(f"{v.value} ({v.count})" for v in values[:8])
                click.echo(f"{name}: {listed}")


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--author", "authors", multiple=True, help="Only this author (repeatable; any of them).")
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable; any of them).")
@click.option("--tag", "tags", multiple=True, help="Only this tag (repeatable; any of them).")
@click.option("--since", metavar="YYYY[-MM[-DD]]", help="Published on or after this date.")
@click.option("--until", metavar="YYYY[-MM[-DD]]", help="Published on or before this date.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", type=int, default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--histogram", type=click.Choice(HISTOGRAMS), default=None,
              help="Date facet grain (default: month when --since/--until span under 3 years).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    authors: tuple[str, ...],
    sites: tuple[str, ...],
    tags: tuple[str, ...],
    since: str | None,
    until: str | None,
    sort: str,
    limit: int,
    page: int,
    histogram: str | None,
    as_json: bool,
) -> None:
    """Search the archive: Whoosh syntax over title and body, with filters and facet counts.

    Examples: missile, "missile defense", title:belarus, author:khazaal, site:example.com,
    tag:politics, published:[2016-01 TO 2016-06], NOT russia, miss*. Articles without a
    published date drop out of any date filter.
    """
    archive = open_archive(ctx)
    request = SearchRequest(
        query=" ".join(query), authors=authors, sites=sites, tags=tags, since=since,
        until=until, sort=sort, limit=limit, page=page, histogram=histogram,
    )
    result = archive.search(request)
    if as_json:
        emit_json(result.to_dict())
    else:
        _print_result(result, limit)


# ---------------------------------------------------------------------------- similar


@cli.command()
@click.argument("article_id")
@click.option("--limit", type=int, default=10, show_default=True, help="How many articles.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def similar(ctx: click.Context, article_id: str, limit: int, as_json: bool) -> None:
    """Articles most like ARTICLE_ID (by the key terms of its title and body)."""
    archive = open_archive(ctx, create=False)
    article, hits = archive.similar(article_id, limit=limit)
    if as_json:
        emit_json({"id": article.id, "title": article.title,
                    "hits": [dataclasses.asdict(h) for h in hits]})
        return
    click.echo(f"Like {article.title!r} (id {article.id}):")
    _print_hits(hits, 1)


# ---------------------------------------------------------------------------- extract


def _extract_json(record: Record, path: str) -> dict[str, Any]:
    data = record.to_dict()
    data["path"] = path
    return data


def _print_record(record: Record) -> None:
    click.echo(click.style(record.title or "(untitled)", bold=True))
    meta = [", ".join(record.authors) or "unknown author", record.published or "undated"]
    if record.updated:
        meta.append(f"updated {record.updated}")
    if record.site:
        meta.append(record.site)
    click.echo(" · ".join(meta))
    if record.url:
        click.echo(record.url)
    click.echo("")
    click.echo(record.body)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines).")
@click.pass_context
def extract(ctx: click.Context, paths: tuple[str, ...], as_json: bool) -> None:
    """Clean pages and print them, storing nothing."""
    from archive.extraction.extract import extract_file
    from archive.operations.ingest import find_inputs

    failed = 0
    first = True
    for path in find_inputs(paths):
        try:
            record = extract_file(path)
        except InputError as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
            continue
        if as_json:
            emit_json(_extract_json(record, path))
        else:
            if not first:
                click.echo("\n" + "-" * 72 + "\n")
            _print_record(record)
        first = False
    if failed:
        ctx.exit(1)


# ------------------------------------------------------------------------------- show


@cli.command()
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print the record as one JSON object.")
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
    else:
        _print_record(record)


# ---------------------------------------------------------------------------- reindex


@cli.command()
@click.option("--wait", type=float, default=0.0, show_default=True,
              help="Seconds to wait for another writer to finish.")
@click.pass_context
def reindex(ctx: click.Context, wait: float) -> None:
    """Rebuild the search index from the stored records and swap it in atomically."""
    archive = open_archive(ctx)
    count = archive.reindex(wait=wait)
    click.echo(f"reindexed {count} articles")


# ------------------------------------------------------------------------------ stats


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of originals, records and indexed documents, gaps in dates and authors, records
    an older cleaner made; top authors and sites."""
    data = open_archive(ctx).stats()
    if as_json:
        emit_json(data)
        return
    click.echo(f"home:      {data['home']}")
    click.echo(f"originals: {data['originals']}")
    click.echo(f"records:   {data['records']} ({data['versions']} versions)")
    click.echo(f"indexed:   {data['indexed']}" + (f" ({data['pending']} waiting)" if data["pending"] else ""))
    click.echo(f"index:     {data['index_bytes'] / 2**20:.1f} MiB")
    click.echo(f"no date:   {data['undated']}, no author: {data['no_author']}")
    if data["stale"] or data["held"]:
        click.echo(f"cleaner:   {data['stale']} records from an older cleaner ('archive reextract --all'), "
                   f"{data['held']} re-extractions held back")
    for key, label in (("top_authors", "top authors"), ("top_sites", "top sites")):
        if data[key]:
            click.echo(f"{label}: " + ", ".join(f"{d['value']} ({d['count']})" for d in data[key]))


for _command in LIFECYCLE_COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="archive")
