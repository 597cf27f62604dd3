"""The fast page parser must give exactly the tree BeautifulSoup's own lxml builder gives.

Every rule of the cleaner reads that tree, so any difference (a string folded otherwise, a
comment of another class, a link between elements missing) could change what is stored.
The trees are compared node by node over the real pages kept for the quality gate, the
encoding test pages, and hand-made markup with the cases bs4 treats specially.
"""

from __future__ import annotations

import gc
import gzip
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from archive.extraction import soup as fast
from archive.extraction.decode import decode
from archive.extraction.soup import collector_paused, parse_html
from tests.conftest import DATA

LINKS = ("parent", "previous_element", "next_element", "previous_sibling", "next_sibling")
SOUP_ONLY = {"builder", "_most_recent_element", "currentTag", "tagStack", "open_tag_counter",
             "markup", "element_classes", "current_data", "preserve_whitespace_tag_stack",
             "string_container_stack"}


def _nodes(soup: BeautifulSoup) -> list:
    out, stack = [], [soup]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, Tag):
            stack.extend(reversed(node.contents))
    return out


def tree_difference(a: BeautifulSoup, b: BeautifulSoup) -> str | None:
    """The first difference between two parsed trees, or None when they are the same."""
    na, nb = _nodes(a), _nodes(b)
    if len(na) != len(nb):
        return f"{len(na)} nodes != {len(nb)}"
    ia = {id(n): i for i, n in enumerate(na)}
    ib = {id(n): i for i, n in enumerate(nb)}

    def where(index: dict, node: object) -> int | None:
        return None if node is None else index.get(id(node), -1)

    for i, (x, y) in enumerate(zip(na, nb, strict=True)):
        if type(x) is not type(y) or (not isinstance(x, Tag) and str(x) != str(y)):
            return f"node {i}: {type(x).__name__} {str(x)[:60]!r} != {type(y).__name__} {str(y)[:60]!r}"
        dx, dy = x.__dict__, y.__dict__
        keys = [k for k in dx if k not in SOUP_ONLY] if i == 0 else list(dx)
        if keys != ([k for k in dy if k not in SOUP_ONLY] if i == 0 else list(dy)):
            return f"node {i}: fields {list(dx)} != {list(dy)}"
        for key in keys:
            vx, vy = dx[key], dy[key]
            if key in LINKS:
                if where(ia, vx) != where(ib, vy):
                    return f"node {i}: {key} differs"
            elif key == "contents":
                if [ia[id(c)] for c in vx] != [ib[id(c)] for c in vy]:
                    return f"node {i}: children differ"
            elif key == "attrs":
                if type(vx) is not type(vy) or list(vx.items()) != list(vy.items()):
                    return f"node {i}: attributes {vx} != {vy}"
                if [type(v) for v in vx.values()] != [type(v) for v in vy.values()]:
                    return f"node {i}: attribute value classes differ"
            elif vx != vy:
                return f"node {i}: {key} {vx!r} != {vy!r}"
    if where(ia, a._most_recent_element) != where(ib, b._most_recent_element):
        return "last parsed element differs"
    return None


def _same_as_bs4(text: str) -> None:
    expected = BeautifulSoup(text, "lxml", multi_valued_attributes=None)
    try:
        built = fast._build(text).soup  # the fast builder itself, not its fallback
    except fast._Unsupported:
        built = parse_html(text)
    assert tree_difference(expected, built) is None


def test_the_fast_builder_is_used_with_the_installed_bs4() -> None:
    # A new bs4 turns the fast builder off until its trees are compared again here and the
    # version is added to archive.soup._CHECKED_BS4: correct, but parsing is 3x slower.
    assert fast._FAST, "re-check archive/soup.py against this bs4 version"
    assert fast._build("<p>x</p>").soup.p.string == "x"


def test_namespaced_names_are_left_to_bs4_and_parse_the_same() -> None:
    markup = '<li data-category="$" {category.id}="">odd attribute name</li>'
    with pytest.raises(fast._Unsupported):
        fast._build(markup)
    _same_as_bs4(markup)


def _pages() -> list[Path]:
    return sorted((DATA / "quality").glob("*.html.gz")) + sorted((DATA / "encodings").glob("*.html"))


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.name)
def test_real_pages_parse_to_the_same_tree_as_bs4(path: Path) -> None:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    _same_as_bs4(decode(raw, str(path)).text)


@pytest.mark.parametrize("markup", [
    "",
    "   ",
    "plain words, no markup",
    "\ufeff<html><body><p>after a byte-order mark</p></body></html>",
    "<!DOCTYPE html><!-- first --><html><head><title>T</title></head>"
    "<body><p>One <b>two</b> three</p>  <p>\n\t</p><!----><!-- --></body></html><!-- after -->",
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html><body>x</body></html>',
    "<pre>  keep\n  this  </pre><textarea>   </textarea><p>   </p><pre><b>  </b></pre>",
    "<script>var a = 1 < 2;</script><style>p { x: y }</style>"
    "<template><p>inside <b>template</b></p></template><ruby>漢<rt>kan</rt><rp>(</rp></ruby>",
    '<meta charset="iso-8859-1"><meta http-equiv="Content-Type" content="text/html; charset=cp1252">'
    '<meta name="x" content="y">',
    '<input disabled><option selected>one<script defer src="a.js"></script>'
    '<div class="a  b" id="c" data-x="{y}">z</div>',
    "<p>unclosed <b>bold <i>both</p> after </div></span> stray end tags",
    "<table><tr><td>cell<td>next</table><ul><li>one<li>two</ul>",
    '<svg><title>icon</title><use xlink:href="#a"/></svg><math><mi>x</mi></math>',
    "<?xml version='1.0'?><html><body><?php echo 1; ?><p>pi</p></body></html>",
    "<html><body>one</body></html><html><body>two</body></html>",
    "<p>&amp; &lt; &nbsp; &unknown; &#8217; &#x2019;</p>",
])
def test_markup_bs4_treats_specially_parses_the_same(markup: str) -> None:
    _same_as_bs4(markup)


def test_the_collector_is_paused_while_a_page_is_read_and_restored_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a page that fails")
    assert gc.isenabled()
