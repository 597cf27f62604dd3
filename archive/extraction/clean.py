"""Find the article in a page and return its text as paragraphs.

The stages, in order:
1. drop what is never text: scripts, styles, embedded media, comments;
2. drop page furniture by its tag, role and class names: forms, navigation, headers,
   footers, asides, captions, share widgets, comment sections, customer reviews,
   related-post, newsletter and cookie boxes -- unless the element holds most of the
   page's text and is not a link-dense menu (a whole page wrapped in a form or an
   unclosed button is a wrapper, not furniture); drop hidden elements unless they are
   written as prose (tabs, folds and streamed page parts a script will show);
3. choose the element that holds the article: the deepest one that still holds most of
   the page's prose (text of paragraph-like blocks, less their links; see textmass.py),
   or, on a page with little prose (a shop, a schedule), of its text outside links;
   widened to siblings that continue it;
4. read that element as blocks (paragraphs, headings, list items, quotes, table rows),
   leaving out short blocks that are mostly links -- unless that would leave almost
   nothing, when the page is a list of links and the links are its content;
5. drop boilerplate lines and cut the tail where a comment section or share box begins.

When stage 2 leaves nothing (a discussion that is all comment threads, a page hidden until
a script shows it), the page is read again without it, if it has prose enough.

It knows nothing of storage or indexing: soup in, paragraphs out.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, CData, Comment, NavigableString, PageElement, Tag
from bs4.element import PreformattedString

from .boilerplate import ends_article, has_boilerplate_token, is_boilerplate_line
from .soup import class_string
from .textmass import BLOCK_TAGS, TextMass, measure

# Never text, whatever their size.
_ALWAYS_DROP = (
    "script", "style", "template", "svg", "canvas", "iframe", "object", "embed",
    "select", "textarea", "input", "link", "meta", "video", "audio", "map", "head",
)
# Usually furniture, but a broken page can wrap everything in one of them.
_FURNITURE_TAGS = frozenset({
    "form", "button", "label", "nav", "footer", "aside", "dialog", "menu", "noscript",
    "figcaption",
})
_MENU_TAGS = frozenset({"nav", "header", "menu", "aside", "footer"})
_STRUCTURE_TAGS = frozenset({"html", "body", "article", "main"})
_ARTICLE_TAGS = ("article", "main")
_FURNITURE_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu",
})
_BLOCK_TAGS = BLOCK_TAGS
_NEGATIVE_RE = re.compile(
    r"comment|sidebar|footer|related|share|social|widget|promo|advert|banner|menu|nav|"
    r"newsletter|subscribe|masthead|teaser|recommend|popular|trending|cookie|modal|meta", re.I
)
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# Soft hyphens, word joiners and byte-order marks: invisible, but for where a line may break.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u2060\ufeff"))
WRAPPER_SHARE = 0.5
"""An element holding more than this share of the page's text is a wrapper, never furniture."""
HIDDEN_PROSE = 400
"""A hidden element with at least this much prose is content waiting to be shown."""
PROSE_PAGE_SHARE = 0.25
"""Below this share of prose in its text outside links, a page is weighed by that text."""
LINK_PAGE_SHARE = 0.15
"""When dropping link lists leaves less than this share of the text, the links are kept."""
REPEAT_BLOCKS = 3
REPEAT_CHARS = 400
"""A run of at least this many blocks and characters that repeats an earlier run is the page's
doing (a second copy of the article for small screens, say), and is kept once."""
SIBLING_SHARE = 0.1
SIBLING_PROSE = 1000
"""A block beside the article, other than a paragraph or the headline's block, joins it only
with this share of the article's prose or this much prose."""
WHOLE_PAGE_PROSE = 1000
"""A page read whole (all of it looked like furniture) needs this much prose to be kept."""
END_AFTER = 400
"""A "Related articles" or "Comments" line ends the article only after this much text."""
CONTENT_SHARE = 0.66
"""The article is the deepest element holding at least this share of the page's prose."""


def _attr_tokens(tag: Tag) -> list[str]:
    attrs = tag.attrs
    if not attrs:
        return []
    tokens: list[str] = []
    classes = attrs.get("class")
    if classes:
        tokens.extend(classes.split() if isinstance(classes, str) else classes)
    ident = attrs.get("id")
    if ident:
        tokens.append(str(ident))
    return tokens


def _is_hidden(attrs: dict) -> bool:
    # aria-hidden only hides from screen readers; decorative duplicates are still shown.
    if "hidden" in attrs:
        return True
    style = attrs.get("style")
    if style:
        folded = str(style).replace(" ", "").lower()
        return "display:none" in folded or "visibility:hidden" in folded
    return False


_CONSENT_RE = re.compile(r"(?:^|[\s_-])(?:cookie|consent|gdpr|dsgvo)", re.I)
_HEADLINE_TAGS = ("h1", "article", "main")  # a consent box lists every tracker in prose


def _furniture_kind(tag: Tag) -> str | None:
    """"hidden" for elements not shown, "furniture" for page furniture, "consent" for a cookie
    box (never the article, however long, unless it holds the headline), else None."""
    if tag.name in _FURNITURE_TAGS or tag.name == "header":
        return "furniture"
    attrs = tag.attrs
    if not attrs or tag.name in _STRUCTURE_TAGS:
        return None
    names = class_string(attrs.get("class"))
    if "id" in attrs:
        names = f"{names} {attrs['id']}"
    if names and _CONSENT_RE.search(names) and tag.find(_HEADLINE_TAGS) is None:
        return "consent"
    if _is_hidden(attrs):
        return "hidden"
    if str(attrs.get("role", "")).lower() in _FURNITURE_ROLES:
        return "furniture"
    if names and has_boilerplate_token(names):
        return "furniture"
    return None


def _gone(tag: Tag) -> bool:
    """Already removed with an ancestor (read from the instance: ``Tag.decomposed`` falls back
    to a search of the subtree for a child named "_decomposed" when the flag is unset)."""
    return bool(tag.__dict__.get("_decomposed"))


def _rejoin_body(soup: BeautifulSoup) -> None:
    """Put back into <body> what the parser left outside it: a stray ``</body></html>``
    early in a page (a widget's markup pasted whole, say) ends the body there, and the
    article after it would be outside what is measured."""
    body = soup.body
    if body is None:
        return
    # An element holding the body (a <frameset> around it) is no stray: moved into the body,
    # it would become its own descendant, and every later walk of the tree a loop.
    holders = {id(parent) for parent in body.parents}
    strays: list[PageElement] = []
    for top in list(soup.contents):
        if not isinstance(top, Tag):
            continue
        if top.name != "html":
            if id(top) not in holders:
                strays.append(top)
            continue
        for child in list(top.contents):
            if child is body or id(child) in holders or (isinstance(child, Tag)
                                                          and child.name == "head"):
                continue
            if isinstance(child, Tag) or (type(child) is NavigableString and child.strip()):
                strays.append(child)
    for stray in strays:
        if isinstance(stray, Tag) and stray.name == "body":
            for child in list(stray.contents):
                body.append(child.extract())
            stray.decompose()
        else:
            body.append(stray.extract())


_CONTENT_NAME_RE = re.compile(r"^(?:entry|article|post|story|content|body|text)(?:[-_]?(?:body|content|text))?$",
                              re.I)
_DISCUSSION_RE = re.compile(r"comment|repl|respon|review|disqus|forum|thread|discussion", re.I)


def _named_content(tag: Tag) -> bool:
    """A class or id token names the element as the content, and none as the discussion."""
    tokens = _attr_tokens(tag)
    return (any(_CONTENT_NAME_RE.match(t) for t in tokens)
            and not _DISCUSSION_RE.search(" ".join(tokens)))


def _holds_the_article(tag: Tag, stats: TextMass, prose_limit: float) -> bool:
    """A header left unclosed swallows the <main> or <article> after it, with most of the
    page's prose; its menu links then outweigh that prose, but it is a wrapper."""
    return stats.mass_of(tag) > prose_limit and tag.find(_ARTICLE_TAGS) is not None


def strip_furniture(soup: BeautifulSoup, furniture: bool = True) -> None:
    """Stages 1 and 2: remove everything that is never article text, in place (stage 1
    only, without ``furniture``)."""
    _rejoin_body(soup)
    body = soup.body or soup
    never: list[Tag] = []
    maybe: list[tuple[Tag, str]] = []
    comments: list[Comment] = []
    # No <body>: what the parser left in <head> (after an element unknown there) is the page.
    headless = soup.body is None
    for node in soup.descendants:
        if isinstance(node, Tag):
            if node.name in _ALWAYS_DROP and not (headless and node.name == "head") or (
                    headless and node.name == "title"):
                never.append(node)
            else:
                kind = _furniture_kind(node)
                if kind:
                    maybe.append((node, kind))
        elif isinstance(node, Comment):
            comments.append(node)
    remove_all(comments)
    remove_all(never)
    if not furniture:
        return
    stats = measure(body)
    limit = WRAPPER_SHARE * max(1, stats.text_of(body))
    prose_limit = WRAPPER_SHARE * stats.mass_of(body)
    # Decided first, removed together: the figures were measured before any removal, so
    # the order changes nothing, and one pass per parent finds every child to remove.
    furniture_found: list[Tag] = []
    for tag, kind in maybe:
        text = stats.text_of(tag)
        if kind == "consent":
            furniture_found.append(tag)
        elif kind == "hidden":
            # Tabs, "read more" folds and streamed page parts are hidden until a script
            # shows them; menus and pop-ups are not written as paragraphs.
            mass = stats.mass_of(tag)
            if mass < HIDDEN_PROSE or mass < 0.5 * text:
                furniture_found.append(tag)
        # A wrapper holds most of the page in text that is not links; a mega-menu does not.
        # An element named both as content and as a widget ("entry share") that holds most
        # of the page's prose is the article, whatever else its name says.
        elif (text <= limit and not (stats.mass_of(tag) > prose_limit and _named_content(tag))) or (
                tag.name in _MENU_TAGS and stats.link_density(tag) > 0.5
                and not _holds_the_article(tag, stats, prose_limit)):
            furniture_found.append(tag)
    remove_all(furniture_found)


def remove_all(nodes: list[Tag] | list[Comment]) -> None:
    """Take every node out of the tree (and wipe the elements), visiting each parent's
    children once: bs4 finds a node in its parent by scanning the parent's children, which
    for thousands of siblings (the entries of a long comment thread) is quadratic."""
    by_parent: dict[int, tuple[Tag, set[int]]] = {}
    for node in nodes:
        parent = node.parent
        if parent is not None:
            by_parent.setdefault(id(parent), (parent, set()))[1].add(id(node))
    for parent, ids in by_parent.values():
        if _gone(parent):
            continue  # removed with an ancestor already
        contents = parent.contents
        for i in range(len(contents) - 1, -1, -1):
            node = contents[i]
            if id(node) in ids:
                node.extract(_self_index=i)
                if isinstance(node, Tag):
                    node.decompose()


def choose_content(soup: BeautifulSoup, stats: TextMass) -> Tag:
    """Stage 3: the deepest element that still holds most of the page's prose (on a page with
    little prose, a product page or a schedule, of its text outside links)."""
    node = soup.body or soup
    weigh = stats.mass_of
    plain = stats.text_of(node) - stats.links.get(id(node), 0)
    if stats.mass_of(node) < PROSE_PAGE_SHARE * plain:
        weigh = stats.plain_of
    total = weigh(node)
    if not total:
        return node
    while True:
        best, best_mass = None, -1
        for child in node.children:
            if isinstance(child, Tag):
                m = weigh(child)
                if m > best_mass:
                    best, best_mass = child, m
        if best is None or best_mass < CONTENT_SHARE * total:
            return node
        node = best


def _blocks(node: Tag, keep_links: bool = False) -> list[str]:
    """Stage 4: an element's text as blocks, split where block-level elements start and end;
    a short block mostly of links (related links, a tag cloud) is dropped here."""
    blocks: list[str] = []
    buffer: list[str] = []
    link_chars = 0

    def flush() -> None:
        nonlocal link_chars
        if not buffer:
            return
        text = _SPACE_RE.sub(" ", "".join(buffer).translate(_INVISIBLE)).strip()
        linked = link_chars
        buffer.clear()
        link_chars = 0
        if not text:
            return
        if not keep_links and linked >= 0.7 * len(text) and len(text) < 300:
            return
        blocks.append(text)

    def walk(tag: Tag, in_link: bool) -> None:
        nonlocal link_chars
        for child in tag.children:
            if isinstance(child, NavigableString):
                if isinstance(child, PreformattedString) and not isinstance(child, CData):
                    continue  # a comment, the doctype, a processing instruction
                piece = str(child).replace("\n", " ")
                buffer.append(piece)
                if in_link:
                    link_chars += len(piece.strip())
            elif isinstance(child, Tag):
                if child.name in _BLOCK_TAGS:
                    flush()
                    if child.name == "pre":
                        blocks.append(child.get_text().strip("\n"))
                    else:
                        walk(child, in_link)
                    flush()
                elif child.name != "img":
                    walk(child, in_link or child.name == "a")

    walk(node, False)
    flush()
    return blocks


def _negative(tag: Tag) -> bool:
    """Named like furniture in part ("comments-body"), whatever else its names say."""
    return bool(_NEGATIVE_RE.search(" ".join(_attr_tokens(tag))))


def _widen(best: Tag, stats: TextMass) -> list[Tag]:
    """The chosen element plus siblings that continue its prose (a lead paragraph set apart)."""
    parent = best.parent
    if not isinstance(parent, Tag) or parent.name in {"html", "[document]"}:
        return [best]
    keep: list[Tag] = []
    best_mass = stats.mass_of(best)
    for sibling in parent.children:
        if not isinstance(sibling, Tag):
            continue
        if sibling is best:
            keep.append(sibling)
            continue
        if sibling.name not in {"p", "div", "section", "blockquote", "ul", "ol", "h2", "h3"}:
            continue
        mass = stats.mass_of(sibling)
        if mass < 80:
            continue
        if (sibling.name != "p" and mass < min(SIBLING_SHARE * best_mass, SIBLING_PROSE)
                and sibling.find("h1") is None):
            continue  # a box beside the article: its author's note, a sign-up offer
        if stats.link_density(sibling) < 0.25 and not _negative(sibling):
            if sibling.name == "p" or sibling.get_text().count(".") >= 2:
                keep.append(sibling)
    return keep


def filter_blocks(blocks: list[str], title: str | None = None) -> list[str]:
    """Stage 5: drop boilerplate lines and cut where the comment section or share box begins."""
    out: list[str] = []
    title_folded = (title or "").strip().lower()
    for block in blocks:
        if ends_article(block) and out:
            if sum(map(len, out)) >= END_AFTER:
                break
            continue  # a related box's heading above the text, its links gone: not the end
        if is_boilerplate_line(block):
            continue
        if title_folded and block.strip().lower() == title_folded and not out:
            continue
        out.append(block)
    return out


def drop_repeated_runs(blocks: list[str]) -> list[str]:
    """The blocks without second copies of long runs of them.  Single repeated lines stay:
    table cells, the steps of each tab of a how-to, the terms under every offer."""
    first: dict[str, int] = {}
    out: list[str] = []
    i = 0
    while i < len(blocks):
        j = first.get(blocks[i])
        if j is not None:
            n = 0
            while i + n < len(blocks) and j + n < i and blocks[j + n] == blocks[i + n]:
                n += 1
            if n >= REPEAT_BLOCKS and sum(map(len, blocks[i : i + n])) >= REPEAT_CHARS:
                i += n
                continue
        first.setdefault(blocks[i], i)
        out.append(blocks[i])
        i += 1
    return out


def clean_html(soup: BeautifulSoup, title: str | None = None, furniture: bool = True) -> list[str]:
    """The article's paragraphs; the soup is consumed (furniture is removed in place).

    Without ``furniture`` nothing is dropped for its tag, class or being hidden: the second
    reading of a page whose text all looked like furniture (a discussion that is all
    comment threads, a page hidden until a script reveals it).
    """
    strip_furniture(soup, furniture)
    stats = measure(soup.body or soup)
    if not furniture and stats.mass_of(soup.body or soup) < WHOLE_PAGE_PROSE:
        return []  # menus and footers only: the page's content never reached the capture
    best = choose_content(soup, stats)
    nodes = _widen(best, stats)
    blocks = [b for node in nodes for b in _blocks(node)]
    if sum(map(len, blocks)) < LINK_PAGE_SHARE * sum(stats.text_of(n) for n in nodes):
        # Nearly all of it is links: a listing or a link directory, whose links are its content,
        # unless they are a menu ("Home | About | Contact"), which is no article at all.
        blocks = [b for node in nodes for b in _blocks(node, keep_links=True)]
        if is_menu(blocks):
            return []
    return filter_blocks(drop_repeated_runs(blocks), title)


_ITEM_SPLIT_RE = re.compile(r"\s[|•·/»>–-]\s|\s{2,}")
MENU_ITEM_WORDS = 3
"""Links of at most this many words are menu entries; a listing's links are headlines."""


def is_menu(blocks: list[str]) -> bool:
    """True for link text that is only menu entries: every item, a block or a piece of one
    between separators, of a few words and no figures (a shop's "Radios (4)" counts what a
    category holds: a listing)."""
    items = [item for block in blocks for item in _ITEM_SPLIT_RE.split(block) if item.strip()]
    return bool(items) and all(len(item.split()) <= MENU_ITEM_WORDS
                               and not _COUNT_RE.search(item) for item in items)


_COUNT_RE = re.compile(r"\(\d[\d,.]*\)")


def clean_text_lines(lines: list[str], title: str | None = None) -> list[str]:
    """The same judgement for plain-text captures: one line, one block."""
    blocks = [_SPACE_RE.sub(" ", line.translate(_INVISIBLE)).strip() for line in lines]
    return filter_blocks([b for b in blocks if b], title)
