"""article-archive: keep article pages byte for byte, read them clean, find them again.

The layers, bottom up (docs/architecture.md draws them): ``archive.contract`` (what every
layer shares), ``archive.extraction`` (bytes to records), ``archive.storage`` (the home
on disk), the top-level ``index`` package (Whoosh), ``archive.operations`` (what users
ask for) and the front ends, ``archive.cli``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
