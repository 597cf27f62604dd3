"""What every ``archive`` command shares: opening the archive named by ``--home`` and
printing one JSON document."""

from __future__ import annotations

import json
from typing import Any

import click

from archive.operations.service import Archive


def open_archive(ctx: click.Context, *, create: bool = True) -> Archive:
    """The archive of the root command's ``--home``, closed when the command ends."""
    archive = Archive(ctx.find_root().obj["home"], create=create)
    ctx.call_on_close(archive.close)
    return archive


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))
