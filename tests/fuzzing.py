"""Hostile pages made from real ones: what a crawl of the open web hands an archive.

Each page is a seed page (the demo corpus, or a generated article) put through one or two
mutations: flipped bytes, a truncation, tag soup, deep nesting, a giant attribute, a wrong
or exotic charset label, NUL bytes, one huge line, binary bytes named .html, an entity
flood, an unterminated comment.  Seeded, so a failure can be made again.  Used by
tests/operations/test_fuzz.py (a few hundred, in CI) and benchmarks/fuzz.py (10,000).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.corpus import page

RAW = Path(__file__).resolve().parent.parent / "raw"

# Labels a page may declare: WHATWG names, Python codec names that are no web encoding,
# and junk.
LABELS = ("undefined", "rot13", "base64", "punycode", "idna", "utf-7", "x-user-defined", "utf-16",
          "utf-16be", "gb18030", "hz-gb-2312", "iso-2022-jp", "cp037", "ibm1026", "zlib", "hex",
          "", "utf8\x00", "latin-1; q=0.5", "\u00e9\u00e9", "windows-1258", "koi8-u", "x-mac-cyrillic",
          "replacement", "unicode-1-1-utf-7", "csshiftjis", "mbcs", "bz2", "uu", "quopri")


def _flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def _soup(rng: random.Random, data: bytes) -> bytes:
    tags = ["div", "p", "span", "b", "i", "table", "tr", "td", "li", "ul", "a", "font", "article", "section"]
    junk = "".join(f"<{rng.choice(tags)}{' x' * rng.randint(0, 3)}>" if rng.random() < 0.7
                   else f"</{rng.choice(tags)}>" for _ in range(rng.randint(2000, 20000)))
    at = rng.randrange(len(data) + 1)
    return data[:at] + junk.encode() + data[at:]


def _nest(rng: random.Random, data: bytes) -> bytes:
    depth = rng.randint(1000, 20000)
    tag = rng.choice(["div", "span", "b", "blockquote", "li"])
    return data + (f"<{tag}>" * depth + "deep text" + f"</{tag}>" * rng.randint(0, depth)).encode()


def _attribute(rng: random.Random, data: bytes) -> bytes:
    value = "a" * rng.randint(100_000, 2_000_000)
    return data.replace(b"<body", f'<body data-x="{value}"'.encode(), 1)


def _label(rng: random.Random, data: bytes) -> bytes:
    label = rng.choice(LABELS)
    meta = f'<meta charset="{label}"><meta http-equiv="Content-Type" content="text/html; charset={label}">'
    return data.replace(b"<head>", b"<head>" + meta.encode("utf-8", "surrogatepass"), 1)


def _nul(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 500)):
        out.insert(rng.randrange(len(out) + 1), 0)
    return bytes(out)


def _line(rng: random.Random, data: bytes) -> bytes:
    return data.replace(b"</p>", b"x" * rng.randint(100_000, 3_000_000) + b"</p>", 1)


def _binary(rng: random.Random, data: bytes) -> bytes:
    heads = [b"\x89PNG\r\n\x1a\n", b"%PDF-1.7\n", b"\x1f\x8b\x08\x00", b"PK\x03\x04", b"\xff\xd8\xff\xe0", b""]
    return rng.choice(heads) + rng.randbytes(rng.randint(10, 200_000))


def _entities(rng: random.Random, data: bytes) -> bytes:
    flood = rng.choice(["&amp;", "&#x1F600;", "&#99999999999;", "&nbsp;", "&lt;script&gt;", "&#0;", "&bogus;"])
    return data.replace(b"</p>", (flood * rng.randint(10_000, 200_000)).encode() + b"</p>", 1)


def _comment(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice([b"<!--", b"<![CDATA[", b"<?xml", b"<script>", b"<style>", b"<!"]) + data[at:]


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "flip": _flip, "truncate": _truncate, "soup": _soup, "nest": _nest, "attribute": _attribute,
    "label": _label, "nul": _nul, "line": _line, "binary": _binary, "entities": _entities,
    "comment": _comment,
}


def _seeds() -> list[bytes]:
    found = [p.read_bytes() for p in sorted(RAW.rglob("*.html"))[:40]]
    return found + [page(n).encode("utf-8") for n in range(20)]


def hostile_pages(count: int, seed: int = 1) -> Iterator[tuple[str, bytes]]:
    """``count`` (name, bytes) pages, each a seed page through one or two mutations."""
    rng = random.Random(seed)
    seeds = _seeds()
    names = list(MUTATIONS)
    for n in range(count):
        data = rng.choice(seeds)
        applied = rng.sample(names, rng.choice((1, 1, 2)))
        for name in applied:
            data = MUTATIONS[name](rng, data)
        yield f"{n:05d}-{'-'.join(applied)}.html", data


def write_hostile(folder: Path, count: int, seed: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in hostile_pages(count, seed):
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths
