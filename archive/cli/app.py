"""The ``archive`` command: a thin layer of click over ``archive.operations.service.Archive``.

Human output goes to the terminal; ``--json`` prints exactly one JSON document (JSON Lines
for ``extract``) on stdout, with messages on stderr.  Every ArchiveError becomes a one-line
message and exit code 1.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from archive import __version__
from archive.contract.errors import ArchiveError, RequestError
from archive.storage.home import ENV_VAR

from . import following, lifecycle, reading, serving, writing
from .options import FLAGS
from .output import shown


class _Group(click.Group):
    """Turns user-facing errors into messages instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RequestError as exc:
            raise click.ClickException(shown(exc.render(FLAGS))) from exc
        except ArchiveError as exc:
            raise click.ClickException(shown(exc)) from exc
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(1)
        except (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise
        except Exception as exc:
            if os.environ.get("ARCHIVE_DEBUG"):
                raise
            detail = " ".join(str(exc).split())[:300]
            raise click.ClickException(
                f"unexpected {type(exc).__name__}: {detail} (set ARCHIVE_DEBUG=1 for the traceback)"
            ) from exc


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


for _command in (*writing.COMMANDS, *reading.COMMANDS, *following.COMMANDS, *lifecycle.COMMANDS,
                 *serving.COMMANDS):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="archive")
