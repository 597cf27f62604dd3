"""HTML text to a BeautifulSoup tree, built without bs4's per-event overhead.

``BeautifulSoup(text, "lxml")`` has lxml call back into Python for every start tag, end
tag and piece of text, and each call passes through several layers of bs4's builder
(namespace handling, attribute dictionaries built three times, string-class and
whitespace stacks); on an article page that was most of the cleaner's time. Here the same
lxml parser, with the same options, reports the same events to a lean target that makes
the bs4 objects directly, carrying exactly what bs4's builder would have put in them: the
same elements, strings and string classes (comments, doctypes, scripts, styles,
templates), attribute dictionaries and ``<meta>`` charset substitutions, whitespace-only
strings folded to one space or newline outside ``<pre>``, and the same links between
elements. Everything downstream reads an ordinary ``BeautifulSoup``.

A page with namespaced tag or attribute names, or one lxml refuses, is handed to bs4
itself, and so is every page when the installed bs4 is not a version the builder was
checked against (tests/extraction/test_soup.py compares the two trees node by node).

Tag soup cannot make the tree unbounded: elements nested deeper than ``max_depth`` are
not made (their text joins the deepest element kept, so nothing is lost to the reader, and
no walk of the tree runs out of stack), and the parse stops after ``max_nodes`` elements
and strings, keeping the page up to there. Real pages stay far below both (the deepest of
2,265 benchmark pages nests 98 elements, the largest holds 34,400 nodes).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

import bs4
from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction, Tag
from lxml import etree

_CHECKED_BS4 = ("4.15.",)
_FAST = bs4.__version__.startswith(_CHECKED_BS4)
_ASCII_SPACES = frozenset("\x20\x0a\x09\x0c\x0d")


class _Unsupported(Exception):
    """The page holds something this builder does not reproduce; bs4 parses it itself."""


class _Full(Exception):
    """The tree holds as many nodes as a page may have; the rest is not parsed."""


@dataclass(slots=True)
class Parsed:
    soup: BeautifulSoup
    cut: bool  # the parse stopped at the node limit: the tree holds a prefix of the page
    flattened: int  # elements not made because they were nested too deep


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector while one page is parsed and read.

    A parsed page is thousands of objects linked in cycles (parent and child point at each
    other). The collector starts after every few hundred new objects and walks all young
    ones, so while a tree is built it walks the growing tree over and over: a third of
    the parse time. Paused, it runs once afterwards and frees the finished page in one pass.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def class_string(value: object) -> str:
    """A class attribute as one string of names: as written in this module's trees, joined
    when a tree made with bs4's defaults gives a list."""
    if not value:
        return ""
    return value if isinstance(value, str) else " ".join(value)  # type: ignore[arg-type]


def parse_html(text: str) -> BeautifulSoup:
    """The page as BeautifulSoup(text, "lxml", multi_valued_attributes=None) would give it.

    Raises bs4's ``ParserRejectedMarkup`` when the text cannot be parsed at all.
    """
    return parse_bounded(text).soup


def parse_bounded(text: str, max_depth: int = 0, max_nodes: int = 0) -> Parsed:
    """``parse_html`` within bounds: at most ``max_depth`` elements deep and ``max_nodes``
    elements and strings in all (0: no bound)."""
    if _FAST:
        try:
            return _build(text, max_depth, max_nodes)
        except _Unsupported:
            pass
    return Parsed(BeautifulSoup(text, "lxml", multi_valued_attributes=None), False, 0)


def _target(soup: BeautifulSoup, max_depth: int, max_nodes: int) -> SimpleNamespace:
    """An lxml parser target that makes bs4 objects directly, as bs4's own builder would.

    Closures rather than methods: the state lives in local cells, which are much cheaper to
    reach than instance attributes on a path run for every element and string of a page.
    """
    builder = soup.builder
    if builder.cdata_list_attributes:
        raise _Unsupported  # multi-valued attributes would need bs4's splitting
    soup_class = soup.__class__
    namespaces = dict(builder.DEFAULT_NSMAPS)
    attr_dict = builder.attribute_dict_class
    value_list = builder.attribute_value_list_class
    preserve = builder.preserve_whitespace_tags
    containers = builder.string_containers
    empty_tags = builder.empty_element_tags
    set_up_substitutions = builder.set_up_substitutions
    main_types = Tag.MAIN_CONTENT_STRING_TYPES
    spaces = _ASCII_SPACES
    str_new = str.__new__
    tag_new = Tag.__new__
    plain = NavigableString

    last: Tag | NavigableString | None = None
    stack: list[Tag] = [soup]
    parent: Tag = soup
    preserving = 0  # open <pre>/<textarea> elements
    container_stack: list[type[NavigableString]] = []
    pending: list[str] = []
    deepest = max_depth + 1 if max_depth else 1 << 30  # the stack holds the soup too
    room = max_nodes or 1 << 30
    skipped = 0  # elements open but not made, nested too deep
    flattened = 0

    def string(value: str, cls: type[NavigableString] | None) -> None:
        nonlocal last, room
        room -= 1
        if room < 0:
            raise _Full
        if not preserving:
            for ch in value:
                if ch not in spaces:
                    break
            else:
                value = "\n" if "\n" in value else " "
        if cls is None:
            cls = container_stack[-1] if container_stack else plain
        node = str_new(cls, value)
        contents = parent.contents
        before = contents[-1] if contents else None
        node.__dict__ = {"hidden": False, "parent": parent, "previous_element": last,
                         "next_element": None, "next_sibling": None, "previous_sibling": before}
        if before is not None:
            before.next_sibling = node
        if last is not None:
            last.next_element = node
        contents.append(node)
        last = node

    def flush() -> None:
        value = "".join(pending)
        pending.clear()
        string(value, None)

    def start(name: str, attrib: dict[str, str], nsmap: object = None) -> None:
        nonlocal last, parent, preserving, skipped, flattened, room
        if nsmap or name[0] == "{":
            raise _Unsupported
        if len(stack) >= deepest:
            skipped += 1  # its text runs on into the deepest element kept
            flattened += 1
            return
        if pending:
            flush()
        room -= 1
        if room < 0:
            raise _Full
        if attrib:
            for key in attrib:
                if key[0] == "{":
                    raise _Unsupported
            attrs = attr_dict(attrib)
        else:
            attrs = attr_dict()
        container = containers.get(name)
        contents = parent.contents
        before = contents[-1] if contents else None
        tag = tag_new(Tag)
        tag.__dict__ = {
            "parser_class": soup_class, "name": name, "namespace": None,
            "_namespaces": namespaces, "prefix": None, "sourceline": None, "sourcepos": None,
            "attribute_value_list_class": value_list, "attrs": attrs, "known_xml": False,
            "contents": [], "parent": parent, "previous_element": last, "next_element": None,
            "next_sibling": None, "previous_sibling": before, "hidden": False,
            "can_be_empty_element": name in empty_tags, "cdata_list_attributes": None,
            "preserve_whitespace_tags": preserve,
            "interesting_string_types": {container} if container else main_types,
        }
        if before is not None:
            before.next_sibling = tag
        if last is not None:
            last.next_element = tag
        contents.append(tag)
        last = tag
        if name == "meta":
            set_up_substitutions(tag)
        stack.append(tag)
        parent = tag
        if name in preserve:
            preserving += 1
        if container:
            container_stack.append(container)

    def end(name: str) -> None:
        nonlocal parent, preserving, skipped
        if skipped:
            skipped -= 1  # lxml's events are well nested: this closes one not made
            return
        if pending:
            flush()
        if parent.name == name:
            depth = len(stack) - 1
        else:
            # lxml reports well-nested events; bs4 pops to the latest open element of the name.
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].name == name:
                    break
            else:
                return
        while len(stack) > depth:
            tag = stack.pop()
            if tag.name in preserve:
                preserving -= 1
            if tag.name in containers:
                container_stack.pop()
        parent = stack[-1]

    def comment(text: str) -> None:
        if pending:
            flush()
        string(text, Comment)

    def doctype(name: str, pubid: str, system: str) -> None:
        if pending:
            flush()
        string(Doctype._string_for_name_and_ids(name, pubid, system), Doctype)

    def pi(target: str, data: str) -> None:
        if pending:
            flush()
        string(target + " " + data, ProcessingInstruction)

    def close() -> None:
        if pending:
            flush()
        soup._most_recent_element = last

    def flattened_count() -> int:
        return flattened

    return SimpleNamespace(start=start, end=end, data=pending.append, comment=comment,
                           doctype=doctype, pi=pi, close=close, flattened=flattened_count)


def _build(text: str, max_depth: int = 0, max_nodes: int = 0) -> Parsed:
    if text and text[0] == "\ufeff":
        text = text[1:]  # as bs4 does before handing text to lxml
    soup = BeautifulSoup("", "lxml", multi_valued_attributes=None)
    target = _target(soup, max_depth, max_nodes)
    parser = etree.HTMLParser(target=target, recover=True)
    cut = False
    try:
        parser.feed(text)
        parser.close()
    except _Full:
        cut = True
        target.close()
    except (UnicodeDecodeError, LookupError, etree.ParserError) as exc:
        # bs4 retries such text in other forms before giving up; let it.
        raise _Unsupported from exc
    return Parsed(soup, cut, target.flattened())

