"""Options several commands share: search filters, ``--wait``, ``--json``.

The filter options are made from the facet registry (``archive.contract.facets``), so a
new facet is a new ``--NAME`` option on every command that filters, with no edit here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from archive.contract.facets import TERM_FACETS
from archive.contract.search import SearchRequest

FLAGS = {name: f"--{name}" for name in ("limit", "page", "sort", "histogram", "since", "until",
                                        *TERM_FACETS)}
"""How the command line spells each request field, for error messages."""


def wait_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--wait", type=float, default=0.0, show_default=True,
                        help="Seconds to wait for another writer to finish.")(command)


def json_option(help: str = "Print one JSON object.") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--json", "as_json", is_flag=True, help=help)


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--author``-style options (one per facet), ``--since`` and ``--until``; the command
    receives them as ``filters`` (facet -> values), ``since`` and ``until``."""

    @functools.wraps(command)
    def gather(*args: Any, **kwargs: Any) -> Any:
        kwargs["filters"] = {name: tuple(kwargs.pop(f"filter_{name}")) for name in TERM_FACETS}
        return command(*args, **kwargs)

    decorated: Callable[..., Any] = gather
    decorated = click.option("--until", metavar="YYYY[-MM[-DD]]", help="Published on or before this date.")(decorated)
    decorated = click.option("--since", metavar="YYYY[-MM[-DD]]", help="Published on or after this date.")(decorated)
    for facet in reversed(TERM_FACETS.values()):
        decorated = click.option(f"--{facet.name}", f"filter_{facet.name}", multiple=True,
                                 help=facet.help)(decorated)
    return decorated


def request_for(query: tuple[str, ...], filters: dict[str, tuple[str, ...]], since: str | None,
                until: str | None, **rest: Any) -> SearchRequest:
    """The search request that a command's arguments and filter options describe."""
    return SearchRequest(query=" ".join(query), filters={k: v for k, v in filters.items() if v},
                         since=since, until=until, **rest)


class ByteSize(click.ParamType):
    """A size in bytes: ``1000000``, ``500K``, ``100M``, ``1G`` (powers of 1024)."""

    name = "SIZE"
    _UNITS = {"": 1, "B": 1, "K": 2**10, "KB": 2**10, "KIB": 2**10, "M": 2**20, "MB": 2**20, "MIB": 2**20,
              "G": 2**30, "GB": 2**30, "GIB": 2**30, "T": 2**40, "TB": 2**40, "TIB": 2**40}

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().replace(" ", "")
        digits = text.rstrip("KMGTIB")
        unit = text[len(digits):]
        try:
            size = int(float(digits) * self._UNITS[unit])
        except (ValueError, KeyError):
            self.fail(f"{value!r} is not a size (like 100M or 1G)", param, ctx)
        if size < 1:
            self.fail(f"{value!r} is not a positive size", param, ctx)
        return size
