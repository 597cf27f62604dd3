"""Package faces that import their modules only when a name is first used.

Starting ``archive search`` must not load the HTML parser, nor ``archive extract`` the
search index: a package lists its public names in ``__all__`` and hands them out through
``lazy`` instead of importing every module up front.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy(package: str, where: dict[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` giving each name of ``where`` (name -> module, relative to
    ``package``) from its module, imported on first use."""

    def __getattr__(name: str) -> object:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(where[name], package), name)

    return __getattr__
