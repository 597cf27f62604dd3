"""Authors as the page prints them: bylines under the headline, "Written by" labels, a
name beside the printed date, byline elements, and the headline itself.

These are the last sources metadata.py turns to for authors, after JSON-LD and meta tags,
and the rules are strict about what counts: a byline must name people.
"""

from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from .authors import (
    NAME_LIKE_RE,
    NOT_A_NAME_RE,
    PREFIX_RE,
    THIS_POST_WAS,
    clean_authors,
    name_like,
    names_organisation,
)
from .dates import is_dateline
from .pagescan import PageScan, element_text, strings_after, text_nodes
from .soup import class_string
from .titles import fold_key

_BYLINE_RE = re.compile(
    r"^\s*(?:written\s+by|posted\s+by|words\s+by|story\s+by|reporting\s+by|by:?|author\s*:|"
    r"authors\s*:|von|par|por|di|door|av|autor\s*:|автор\s*:?)\s+(.{2,120}?)\s*$",
    re.I | re.S,
)


def heading_text(tag: Tag) -> str:
    """A heading's words: inline pieces joined as written, a line break or block a space;
    a permalink to the heading itself (documentation's "¶" or "#") and a button's label
    ("Copy item path") are not among them."""
    pieces: list[str] = []
    for node in tag.descendants:
        if type(node) is NavigableString:
            if not _permalink_mark(node) and not _in_button(node, tag):
                pieces.append(str(node))
        elif isinstance(node, Tag) and (node.name == "br" or node.name in _BLOCKISH):
            pieces.append(" ")
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def heading_parts(tag: Tag) -> list[str]:
    """The words of each element a heading is set in ("<span>Kicker</span><span>Headline
    </span>"), when there are several, and of its loose text between them."""
    parts: list[str] = []
    for child in tag.children:
        if isinstance(child, Tag):
            text = heading_text(child)
        elif type(child) is NavigableString:
            text = re.sub(r"\s+", " ", str(child)).strip()
        else:
            continue
        if text:
            parts.append(text)
    if len(parts) == 1 and tag.find(True) is not None:
        only = next(c for c in tag.children if isinstance(c, Tag))
        return heading_parts(only)  # one wrapper (a link) around the pieces
    return parts


_BLOCKISH = frozenset({"div", "p", "h2", "h3"})


def _permalink_mark(node: NavigableString) -> bool:
    """A symbol with no letters in a link to a place on the same page."""
    link = node.parent
    return (link is not None and link.name == "a" and not re.search(r"\w", node)
            and str(link.get("href") or "").startswith("#"))


def _in_button(node: NavigableString, heading: Tag) -> bool:
    parent = node.parent
    while parent is not None and parent is not heading:
        if parent.name == "button":
            return True
        parent = parent.parent
    return False


def _byline_name(tag: Tag) -> str:
    """The name in a byline element: its link or name child, else its first line."""
    for child in tag.find_all(["a", "span", "strong", "b"], limit=12):
        attrs = child.attrs
        joined = f"{attrs.get('class', '')} {attrs.get('itemprop', '')} {attrs.get('rel', '')}"
        if child.name == "a" or re.search(r"name|author", joined, re.I):
            text = element_text(child)
            if 2 < len(text) < 60:
                return text
    lines = [ln.strip() for ln in tag.get_text("\n").split("\n") if ln.strip()]
    return lines[0] if lines else ""


_BYLINE_LABELS = frozenset({"by", "author", "authors", "written by", "posted by", "words by",
                            "article by", "authored by", "author:", "authors:", "by:",
                            "written by:", "posted by:", "article by:", "contributor:",
                            "contributors:"})
_NAME_SEPARATORS = frozenset({",", "&", "and", ";"})


def _names_from(strings: list[str]) -> str | None:
    """The names after a "By" label, however many: "Jane Doe", ", ", "John Roe"."""
    taken: list[str] = []
    want_name = True
    for text in strings:
        text = text.strip()
        if want_name and name_like(text.strip(" ,")):
            taken.append(text.strip(" ,"))
            want_name = text.endswith(",")
            if want_name:
                taken.append(",")
        elif not want_name and text.lower() in _NAME_SEPARATORS:
            taken.append(text)
            want_name = True
        elif not want_name and re.match(r",\s+[a-z0-9]", text):
            taken.append(",")  # "Jane Doe", ", senior editor", "John Roe": each with a role
            want_name = True
        else:
            break
    while taken and taken[-1].lower() in _NAME_SEPARATORS:
        taken.pop()
    joined = " ".join(taken).replace(" ,", ",")
    return joined if taken and name_like(joined) else None


_INLINE = frozenset({"a", "i", "em", "b", "strong", "cite", "u", "span"})
_MENU_RE = re.compile(r"menu|nav|dropdown|flyout|filter", re.I)


def _in_menu_or_sentence(node: NavigableString) -> bool:
    """A "By Industry" entry of a menu, or a "... by Kan Chu Sen" in running text."""
    before = node.previous_sibling
    if node.lstrip(" ")[:1].islower() and isinstance(before, Tag) and before.name in _INLINE:
        return True  # the string continues a sentence after a link or emphasis
    tag = node.parent
    for _ in range(6):
        if tag is None:
            break
        if tag.name in ("nav", "select", "button", "label"):
            return True
        if _MENU_RE.search(class_string(tag.attrs.get("class"))):
            return True
        tag = tag.parent
    return False


def _headline_byline(page: PageScan, h1s: list[Tag]) -> str | None:
    """A "By Jane Doe" line (or a "By" label and the names after it) under the headline."""
    for h1 in h1s:
        nodes = text_nodes(h1, 30)
        strings = [node.strip() for node in nodes]
        for i, text in enumerate(strings):
            if len(text) > 200:
                break  # the article's text has begun: its byline came before it
            if _in_menu_or_sentence(nodes[i]):
                continue
            if text.lower() in _BYLINE_LABELS and i + 1 < len(strings):
                candidate = _names_from(strings[i + 1 : i + 12])
                if candidate:
                    return candidate
            elif len(text) < 80 and _BYLINE_RE.match(text):
                name = PREFIX_RE.sub("", text).strip(" ,")
                if name_like(name):
                    return name
    return None


# "This post was written by" before a linked name: a label like "Written by".
_WRITTEN_BY_RE = re.compile(rf"^{THIS_POST_WAS}(?:written|authored)\s+by:?$", re.I)


def _credited_name(text: str) -> str | None:
    """"Vanessa Mendez, MD": one person's name with the credentials that follow it."""
    found = clean_authors([text])
    if len(found) == 1 and "," in found[0] and name_like(found[0].split(",")[0]):
        return found[0]
    return None


def _labelled_byline(page: PageScan) -> str | None:
    """A "Written by" label and the names after it, or a "Written by Jane Doe" line, anywhere."""
    for node in page.byline_strings:
        if _in_menu_or_sentence(node):
            continue
        text = re.sub(r"\s+", " ", node).strip()
        if (
            text.lower().rstrip(":") + ":" in _BYLINE_LABELS
            or text.lower() in _BYLINE_LABELS
            or _WRITTEN_BY_RE.match(text)
        ):
            after = strings_after(node, 12)  # type: ignore[arg-type]
            names = _names_from(after) or (_credited_name(after[0]) if after else None)
            if names:
                return names
        else:
            name = PREFIX_RE.sub("", text).strip(" ,")
            name = re.split(r"\s*(?:,|\bon\b|\bin\b|\||·|•)\s*", name)[0]
            if name != text and name_like(name):
                return name
    return None


_DOTS = frozenset({"·", "•", "|", "-", "–", "—", "/", "by", "By"})
_PERSON_LINK_RE = re.compile(r"author|people|person|staff|profile|user|writer|contributor|"
                             r"/by/|@", re.I)


def _dated_byline(page: PageScan, h1s: list[Tag]) -> str | None:
    """A name printed right after the date beside the headline ("Dec 17, 2025 · Jane Doe"),
    or right before it under the headline ("Jane Doe · Dec 17, 2025").

    A name that links elsewhere than to a person's page is a category or a section
    ("Dec 17, 2025 · Healthy Living"), not the author.
    """
    for h1 in h1s:
        after = text_nodes(h1, 30)
        for nodes in (after, text_nodes(h1, 10, backwards=True)[::-1]):
            for i, node in enumerate(nodes):
                if not is_dateline(node.strip()):
                    name = _date_then_name(node.strip())
                    if name:
                        return name
                    continue
                following = [n for n in nodes[i + 1 : i + 4] if n.strip() not in _DOTS]
                name = None
                if following and following[0].find_parent(["h1", "h2", "h3"]) is None:
                    name = _person_name(following[0])  # a heading there is the next title
                if name is None and nodes is after:
                    name = _names_before(nodes[:i], h1)
                if name:
                    return name
                break
    return None


_AUTHOR_PAGE_RE = re.compile(r"/(?:authors?|writers?|people|staff|contributors?)/[^/?#]+", re.I)


def _author_link(h1s: list[Tag]) -> str | None:
    """A name under the headline that links to that person's page ("/authors/jane-doe"):
    among the first things printed after the headline, before the text begins."""
    for h1 in h1s:
        after = [node for node in text_nodes(h1, 12) if h1 not in node.parents]
        for node in after[:3]:
            link = node.find_parent("a")
            href = str(link.get("href") or "") if link is not None else ""
            name = node.strip()
            if (
                _AUTHOR_PAGE_RE.search(href)
                and name_like(name)
                and all(word in href.lower() for word in re.findall(r"\w+", name.lower()))
            ):
                return name
    return None


def _date_then_name(text: str) -> str | None:
    """"Dec 19, 2025 · Niko Matsakis on behalf of ...": the date and the name in one string;
    the name is the capitalised words, not what follows them."""
    if len(text) > 120:
        return None  # before the split: a long run of spaces costs it quadratic time
    pieces = re.split(r"\s+[·•|]\s+", text, maxsplit=1)
    if len(pieces) != 2 or not is_dateline(pieces[0]):
        return None
    words = re.match(r"(?:[A-Z][\w'’.-]*\s*)+", pieces[1])
    name = words.group(0).strip() if words else ""
    return name if name_like(name) and not names_organisation(name) else None


def _names_before(nodes: list[NavigableString], h1: Tag) -> str | None:
    """The names printed just before the date: "Jane Doe · ", or "Rui Ma, Heba Ledwon &
    Suparn Patra" for several authors."""
    run: list[NavigableString] = []
    for node in reversed(nodes[-12:]):
        text = node.strip()
        if h1 in node.parents:
            break
        if text in _DOTS and not run:
            continue
        if text.lower() in _NAME_SEPARATORS or _person_name(node):
            run.insert(0, node)
        else:
            break
    while run and run[0].strip().lower() in _NAME_SEPARATORS:
        run.pop(0)
    if len(run) == 1:
        return _person_name(run[0])
    return _names_from([n.strip() for n in run]) if run else None


def _person_name(node: NavigableString) -> str | None:
    """The name a string beside the date gives, unless it is no person's or links to a
    category rather than to a person's page."""
    if len(node) > 500:
        return None  # no name is that long (and trimming a flood of spaces is quadratic)
    name = re.sub(r"\s+(?:in|on|at)$", "", node.strip(" ·•|,\n\t"))
    link = node.find_parent("a")
    href = str(link.get("href") or "") if link is not None else ""
    if href and not _PERSON_LINK_RE.search(href):
        return None
    return name if name_like(name) and not names_organisation(name) else None


def _headline(page: PageScan, title: str | None) -> list[Tag]:
    """The heading a byline sits under: the first ``<h1>``, unless it is not the declared
    title (a site's name, a pull quote) and a lower heading is."""
    first = page.h1s[:1]
    # "What People Love | Rust Blog": the title with or without the site's name after it.
    wanted = {fold_key(t) for t in (title or "", re.split(r"\s+[|–—·-]\s+", title or "")[0])}
    wanted.discard("")
    if wanted and not (first and fold_key(heading_text(first[0])) in wanted):
        for tag in page.subheads:
            if fold_key(heading_text(tag)) in wanted:
                return [tag]
    return first


def page_authors(page: PageScan, authors: list, title: str | None = None) -> None:
    """What the page's markup and print say of its authors, each with its source: the
    byline under the headline ("byline-headline"), elsewhere ("byline") and in a byline
    element ("byline-box") are told apart for metadata.py, which weighs them."""
    names = [element_text(t) for t in page.rel_authors[:3]]
    if names:
        authors.append(("rel-author", names))
    names = []
    for tag in page.prop_authors[:1]:  # later ones are often the comments' authors
        inner = tag.find(attrs={"itemprop": "name"}) if tag.name != "meta" else None
        value = inner.get("content") if inner is not None else tag.get("content")
        names.append(str(value) if value else element_text(inner or tag))
    if names:
        authors.append(("microdata", names))
    h1s = _headline(page, title)
    headline = _headline_byline(page, h1s)
    if headline:
        authors.append(("byline-headline", [headline]))
    for byline in (_dated_byline(page, h1s), _labelled_byline(page), _author_link(h1s)):
        if byline:
            authors.append(("byline", [byline]))
    for tag in page.byline_boxes:
        # "Shelby Loos, DVM": a name with its credentials is a name too.
        name = PREFIX_RE.sub("", _byline_name(tag)).strip()
        if NAME_LIKE_RE.match(name) and not NOT_A_NAME_RE.search(name):
            authors.append(("byline-box", [name]))
            continue
        found = clean_authors([name])
        if len(found) == 1 and found[0] != name.split(",")[0] and name_like(name.split(",")[0]):
            authors.append(("byline-box", found))


def text_byline(lines: list[str]) -> tuple[list[str], int | None]:
    """Authors named by a "By X" or "Author: X" line of a text capture, and that line's index."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or len(stripped) > 120:
            continue
        match = _BYLINE_RE.match(stripped)
        if match:
            names = clean_authors([stripped])
            if names:
                return names, i
    return [], None
