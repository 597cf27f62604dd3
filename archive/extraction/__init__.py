"""Page extraction: one capture's bytes to one normalized Record.

Pure: it reads nothing but the capture it is given and writes nothing.  The pipeline
(extract.py): refuse non-pages, decode (decode.py), parse (soup.py), read the metadata
(metadata.py over pagescan, markup, bylines, printed_dates, authors, titles, dates, urls),
find the article's paragraphs (clean.py over textmass and boilerplate).
"""

from archive.contract.exports import lazy

__all__ = ["HTML_SUFFIXES", "TEXT_SUFFIXES", "extract_bytes", "extract_capture", "identity_of"]
__getattr__ = lazy(__name__, {name: ".extract" for name in __all__})
