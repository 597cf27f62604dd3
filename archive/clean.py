"""Find the article in a page and return its text as paragraphs.

The stages, in order:
1. drop what is never text: scripts, styles, forms, embedded media, hidden elements;
2. drop page furniture by its role and class names: navigation, headers, footers, asides,
   share widgets, comment sections, related-post, newsletter and cookie boxes;
3. choose the element that holds the article: the one whose paragraphs carry the most
   prose with the fewest links, widened to siblings that continue it;
4. read that element as blocks (paragraphs, headings, list items, quotes, table rows);
5. drop blocks that are boilerplate lines or mostly links, and cut the tail where a
   comment section or share box begins.

It knows nothing of storage or indexing: soup in, paragraphs out.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .boilerplate import ends_article, is_boilerplate_line, is_boilerplate_token

_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "form", "button", "input", "select", "textarea", "label", "nav", "footer", "aside",
    "dialog", "menu", "link", "meta", "video", "audio", "map", "head",
)
_STRUCTURE_TAGS = frozenset({"html", "body", "article", "main"})
_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
    "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td", "th", "thead", "tbody",
    "figure", "figcaption", "header", "address", "hr", "br", "center", "details", "summary",
})
_PARA_TAGS = ("p", "pre", "blockquote", "h2", "h3", "h4", "li", "td", "dd")
_POSITIVE_RE = re.compile(
    r"article|body|content|entry|main|post|story|text|blog|prose|rich-?text|news", re.I
)
_NEGATIVE_RE = re.compile(
    r"comment|sidebar|footer|related|share|social|widget|promo|advert|banner|menu|nav|"
    r"newsletter|subscribe|masthead|teaser|recommend|popular|trending|cookie|modal|meta", re.I
)
_SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def _attr_tokens(tag: Tag) -> list[str]:
    attrs = tag.attrs or {}
    tokens: list[str] = []
    classes = attrs.get("class")
    if classes:
        tokens.extend(classes if isinstance(classes, list) else str(classes).split())
    ident = attrs.get("id")
    if ident:
        tokens.append(str(ident))
    return tokens


def _is_hidden(tag: Tag) -> bool:
    attrs = tag.attrs or {}
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style:
        folded = str(style).replace(" ", "").lower()
        return "display:none" in folded or "visibility:hidden" in folded
    return False


def _text_len(tag: Tag) -> int:
    return len(_SPACE_RE.sub(" ", tag.get_text(" ", strip=True)))


def strip_furniture(soup: BeautifulSoup) -> None:
    """Stages 1 and 2: remove everything that is never article text, in place."""
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    body = soup.body or soup
    total = max(1, _text_len(body))
    doomed: list[Tag] = []
    for tag in body.find_all(True):
        if tag.name in _STRUCTURE_TAGS:
            continue
        role = str((tag.attrs or {}).get("role", "")).lower()
        bad = _is_hidden(tag) or role in {
            "navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu",
        }
        if not bad:
            bad = any(is_boilerplate_token(tok) for tok in _attr_tokens(tag))
        if bad:
            doomed.append(tag)
    for tag in doomed:
        if tag.decomposed:
            continue
        # A container this big is a page wrapper with an unlucky class name, not furniture.
        if tag.name in {"div", "section", "header"} and _text_len(tag) > 0.6 * total:
            continue
        tag.decompose()
    for tag in body.find_all("header"):
        if _text_len(tag) < 0.6 * total:
            tag.decompose()


def _link_density(tag: Tag) -> float:
    text = _text_len(tag)
    if not text:
        return 1.0
    links = sum(len(a.get_text(" ", strip=True)) for a in tag.find_all("a"))
    return min(1.0, links / text)


def _class_weight(tag: Tag) -> int:
    joined = " ".join(_attr_tokens(tag))
    if not joined:
        return 0
    weight = 0
    if _POSITIVE_RE.search(joined):
        weight += 25
    if _NEGATIVE_RE.search(joined):
        weight -= 25
    if (tag.attrs or {}).get("itemprop") == "articleBody":
        weight += 50
    return weight


def choose_content(soup: BeautifulSoup) -> Tag:
    """Stage 3: the element that holds the article."""
    body = soup.body or soup
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    for para in body.find_all(_PARA_TAGS):
        text = para.get_text(" ", strip=True)
        if len(text) < 25:
            continue
        score = 1.0 + text.count(",") + text.count("，") + text.count("、") + min(len(text) / 100, 3)
        parent = para.parent
        for share in (1.0, 0.5, 0.25):
            if parent is None or not isinstance(parent, Tag):
                break
            key = id(parent)
            if key not in nodes:
                nodes[key] = parent
                scores[key] = float(_class_weight(parent))
                if parent.name in {"article", "main"}:
                    scores[key] += 10
            scores[key] += score * share
            parent = parent.parent
    if not nodes:
        return body
    best_key = max(nodes, key=lambda k: scores[k] * (1 - _link_density(nodes[k])))
    return nodes[best_key]


def _blocks(node: Tag) -> list[str]:
    """Stage 4: an element's text as blocks, split where block-level elements start and end.

    A short block whose text is mostly link text (a list of related links, a tag cloud)
    is dropped here, where it is still known which words were links.
    """
    blocks: list[str] = []
    buffer: list[str] = []
    link_chars = 0

    def flush() -> None:
        nonlocal link_chars
        text = _SPACE_RE.sub(" ", "".join(buffer)).strip()
        linked = link_chars
        buffer.clear()
        link_chars = 0
        if not text:
            return
        if linked >= 0.7 * len(text) and len(text) < 300:
            return
        blocks.append(text)

    def walk(tag: Tag, in_link: bool) -> None:
        nonlocal link_chars
        for child in tag.children:
            if isinstance(child, NavigableString):
                if isinstance(child, Comment):
                    continue
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


def _widen(best: Tag) -> list[Tag]:
    """The chosen element plus siblings that continue its prose (a lead paragraph set apart)."""
    parent = best.parent
    if not isinstance(parent, Tag) or parent.name in {"html", "[document]"}:
        return [best]
    keep: list[Tag] = []
    for sibling in parent.children:
        if not isinstance(sibling, Tag):
            continue
        if sibling is best:
            keep.append(sibling)
            continue
        if sibling.name not in {"p", "div", "section", "blockquote", "ul", "ol", "h2", "h3"}:
            continue
        text = sibling.get_text(" ", strip=True)
        if len(text) >= 80 and _link_density(sibling) < 0.25 and _class_weight(sibling) >= 0:
            if sibling.name == "p" or text.count(".") >= 2:
                keep.append(sibling)
    return keep


def filter_blocks(blocks: list[str], title: str | None = None) -> list[str]:
    """Stage 5: drop boilerplate lines and cut where the comment section or share box begins."""
    out: list[str] = []
    title_folded = (title or "").strip().lower()
    for block in blocks:
        if ends_article(block) and out:
            break
        if is_boilerplate_line(block):
            continue
        if title_folded and block.strip().lower() == title_folded and not out:
            continue
        out.append(block)
    return out


def clean_html(soup: BeautifulSoup, title: str | None = None) -> list[str]:
    """The article's paragraphs; the soup is consumed (furniture is removed in place)."""
    strip_furniture(soup)
    best = choose_content(soup)
    blocks: list[str] = []
    for node in _widen(best):
        blocks.extend(_blocks(node))
    return filter_blocks(blocks, title)


def clean_text_lines(lines: list[str], title: str | None = None) -> list[str]:
    """The same judgement for plain-text captures: one line, one block."""
    blocks = [_SPACE_RE.sub(" ", line).strip() for line in lines]
    return filter_blocks([b for b in blocks if b], title)
