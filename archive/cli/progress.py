"""One progress bar for every long command: on stderr, only on a terminal, never with --json."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

import click


class Progress:
    """A bar that appears once its length is known (``start``) and advances per item."""

    def __init__(self, label: str, *, enabled: bool = True, eta: bool = True) -> None:
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()
        self.eta = eta
        self._bar: Any = None

    def start(self, length: int) -> None:
        if self.enabled and self._bar is None:
            self._bar = click.progressbar(length=length, label=self.label, file=sys.stderr,
                                          show_eta=self.eta)
            self._bar.__enter__()

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
