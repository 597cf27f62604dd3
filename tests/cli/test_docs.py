"""README.md documents every command and option, so the docs and ``--help`` cannot drift."""

from __future__ import annotations

import click
import pytest

from archive.cli.app import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_and_option_is_documented(name: str) -> None:
    command = cli.commands[name]
    assert f"### `archive {name}" in README, f"README has no section for 'archive {name}'"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            longest = max(param.opts, key=len)
            if longest in {"--help"}:
                continue
            assert longest in README, f"'archive {name} {longest}' is not documented"
