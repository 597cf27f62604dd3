"""``archive serve``: the search page and JSON API in a browser (archive.web)."""

from __future__ import annotations

import click

from .support import home_of


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs --token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port to listen on (0: any free port; the address is printed).")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True,
              help="Reader threads, each with its own searcher (memory grows with each).")
@click.option("--token", envvar="ARCHIVE_TOKEN", default=None,
              help="Every request must bring it (bearer header, or ?token= once to set a cookie).")
@click.option("--access-log", is_flag=True, help="Log every request on stdout.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, token: str | None, access_log: bool) -> None:
    """Serve the archive read-only: a search page, a reader view and a JSON API. Ctrl-C stops it."""
    from archive.web.server import serve as run_server  # the web stack only for this command

    def ready(url: str) -> None:
        shown = f"{url}?token={token}" if token else url
        click.echo(f"serving {home_of(ctx)} at {shown} (read-only; Ctrl-C stops)", err=True)

    run_server(ctx.find_root().obj["home"], host=host, port=port, workers=workers, token=token,
               access_log=access_log, on_ready=ready)
    click.echo("stopped", err=True)


COMMANDS = (serve,)
