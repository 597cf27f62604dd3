"""article-archive: keep article pages byte for byte, read them clean, find them again."""

__version__ = "0.1.0"
