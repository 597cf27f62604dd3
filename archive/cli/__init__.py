"""The ``archive`` command line."""

from .app import cli, main

__all__ = ["cli", "main"]
