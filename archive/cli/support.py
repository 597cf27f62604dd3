"""What every ``archive`` command shares: the archive named by ``--home``."""

from __future__ import annotations

import click

from archive.operations.service import Archive


def open_archive(ctx: click.Context, *, create: bool = True) -> Archive:
    """The archive of the root command's ``--home``, closed when the command ends."""
    archive = Archive(ctx.find_root().obj["home"], create=create)
    ctx.call_on_close(archive.close)
    return archive


def home_of(ctx: click.Context) -> str:
    """The folder of the root command's ``--home`` (or its default), for messages."""
    from archive.storage.home import resolve_home

    return str(resolve_home(ctx.find_root().obj["home"]))
