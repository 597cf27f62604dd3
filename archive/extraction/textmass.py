"""How much text, link text and prose each element of a page holds, measured in one pass.

The cleaner asks these questions of many elements (is this box mostly links? does this
wrapper hold most of the page?); answering each with ``get_text`` over a subtree costs a
walk per question. Here every element's figures come from a single walk over the tree:
strings in document order, then the elements in reverse order so that each one adds its
figures to its parent's.

Prose is the text of a paragraph-like block (the inline text of a block element, not that
of the blocks nested in it) long enough to be writing rather than a label, less twice its
link text. An element's prose mass is the prose of all the blocks inside it: the article is
where the mass is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import NavigableString, Tag

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
    "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td", "th", "thead", "tbody",
    "figure", "figcaption", "header", "address", "hr", "br", "center", "details", "summary",
    "body", "form", "footer", "aside", "nav",
})
MIN_PROSE = 30
"""Shorter inline runs are labels, buttons and menu items, not writing."""


@dataclass(slots=True)
class TextMass:
    text: dict[int, int] = field(default_factory=dict)
    links: dict[int, int] = field(default_factory=dict)
    mass: dict[int, int] = field(default_factory=dict)

    def text_of(self, tag: Tag) -> int:
        return self.text.get(id(tag), 0)

    def mass_of(self, tag: Tag) -> int:
        return self.mass.get(id(tag), 0)

    def plain_of(self, tag: Tag) -> int:
        """Text outside links."""
        key = id(tag)
        return self.text.get(key, 0) - self.links.get(key, 0)

    def link_density(self, tag: Tag) -> float:
        text = self.text.get(id(tag), 0)
        return min(1.0, self.links.get(id(tag), 0) / text) if text else 1.0


def measure(root: Tag) -> TextMass:
    """Text, link text and prose mass of ``root`` and every element inside it."""
    tags: list[Tag] = [root]
    append = tags.append
    own: dict[int, int] = {}
    string = NavigableString
    for node in root.descendants:
        kind = type(node)
        if kind is string:
            n = len(node.strip())
            if n:
                key = id(node.parent)
                own[key] = own.get(key, 0) + n
        elif kind is Tag:
            append(node)
    result = TextMass()
    text, links, mass = result.text, result.links, result.mass
    inline: dict[int, int] = {}
    inline_links: dict[int, int] = {}
    for tag in reversed(tags):
        key = id(tag)
        own_text = own.get(key, 0)
        t = text.get(key, 0) + own_text
        text[key] = t
        is_link = tag.name == "a"
        if is_link:
            links[key] = t
        run = inline.get(key, 0) + own_text
        run_links = t if is_link else inline_links.get(key, 0)
        if tag.name in BLOCK_TAGS:
            if run >= MIN_PROSE:
                mass[key] = mass.get(key, 0) + max(0, run - 2 * run_links)
            run = run_links = 0
        if tag is root:
            break
        parent = tag.parent
        if parent is None:
            continue
        pkey = id(parent)
        text[pkey] = text.get(pkey, 0) + t
        links[pkey] = links.get(pkey, 0) + links.get(key, 0)
        mass[pkey] = mass.get(pkey, 0) + mass.get(key, 0)
        if run:
            inline[pkey] = inline.get(pkey, 0) + run
            inline_links[pkey] = inline_links.get(pkey, 0) + run_links
    return result
