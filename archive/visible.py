"""Authors and dates as the page prints them: bylines, "Written by" labels, dates beside
the headline, and the headline itself.

These are the last sources metadata.py turns to, after JSON-LD and meta tags, and the
rules are strict about what counts: a byline must name people, a date must stand beside
the headline, an "Updated" date is not a publication date.
"""

from __future__ import annotations

import re
from datetime import datetime

from bs4 import NavigableString, Tag

from .authors import PREFIX_RE, clean_authors
from .dates import is_dateline, parse_date
from .pagescan import PageScan, element_text, strings_after

_BYLINE_RE = re.compile(
    r"^\s*(?:written\s+by|posted\s+by|words\s+by|story\s+by|reporting\s+by|by|author\s*:|"
    r"authors\s*:|von|par|por|di|door|av|autor\s*:|автор\s*:?)\s+(.{2,120}?)\s*$",
    re.I | re.S,
)
_UPDATED_START_RE = re.compile(r"\W*(?:last\s+)?(?:updated|modified|edited|revised)", re.I)
_UPDATED_RE = re.compile(r"(?:updated|modified|edited|revised)\W*(?:on\W*)?$", re.I)




def heading_text(tag: Tag) -> str:
    """A heading's words: inline pieces joined as written, a line break or block a space."""
    pieces: list[str] = []
    for node in tag.descendants:
        if type(node) is NavigableString:
            pieces.append(str(node))
        elif isinstance(node, Tag) and (node.name == "br" or node.name in _BLOCKISH):
            pieces.append(" ")
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


_BLOCKISH = frozenset({"div", "p", "h2", "h3"})


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
                            "written by:", "posted by:", "article by:"})
_NAME_LIKE_RE = re.compile(r"^(?:[A-Z][\w'’.-]*|van|von|de|der|da|di|del|la|le)"
                           r"(?:\s+(?:[A-Z][\w'’.-]*|van|von|de|der|da|di|del|la|le)){1,4}$")


def _name_like(text: str) -> bool:
    """One or more people's names ("Jane Doe", "Jane Doe and John Roe"), nothing else."""
    parts = [p for p in re.split(r"\s*(?:,|&|\band\b)\s*", text) if p]
    return bool(parts) and len(parts) <= 6 and all(_NAME_LIKE_RE.match(p) for p in parts)


def _headline_byline(page: PageScan) -> str | None:
    """A "By Jane Doe" line (or a "By" label and the name after it) under the headline."""
    for h1 in page.h1s[:1]:
        strings = strings_after(h1, 30)
        for i, text in enumerate(strings):
            if text.lower() in _BYLINE_LABELS and i + 1 < len(strings):
                candidate = strings[i + 1]
                if _name_like(candidate):
                    return candidate
            elif len(text) < 80 and _BYLINE_RE.match(text):
                name = PREFIX_RE.sub("", text).strip(" ,")
                if _name_like(name):
                    return name
    return None


def _labelled_byline(page: PageScan) -> str | None:
    """A "Written by" label and the name after it, or a "Written by Jane Doe" line, anywhere."""
    for node in page.byline_strings:
        text = re.sub(r"\s+", " ", node).strip()
        if text.lower().rstrip(":") + ":" in _BYLINE_LABELS or text.lower() in _BYLINE_LABELS:
            following = strings_after(node, 1)  # type: ignore[arg-type]
            if following and _name_like(following[0].strip(" ,")):
                return following[0].strip(" ,")
        else:
            name = PREFIX_RE.sub("", text).strip(" ,")
            name = re.split(r"\s*(?:,|\bon\b|\bin\b|\||·|•)\s*", name)[0]
            if name != text and _name_like(name):
                return name
    return None


def page_authors(page: PageScan, authors: list) -> None:
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
    byline = _headline_byline(page) or _labelled_byline(page)
    if byline:
        authors.append(("byline", [byline]))
    for tag in page.byline_boxes:
        name = PREFIX_RE.sub("", _byline_name(tag)).strip()
        if _NAME_LIKE_RE.match(name):
            authors.append(("byline", [name]))




def visible_date(page: PageScan, now: datetime | None) -> str | None:
    """A date printed beside the headline, or in a dated byline element."""
    for h1 in page.h1s[:1]:
        after = strings_after(h1, 40)
        before = strings_after(h1, 15, backwards=True)[::-1]
        for strings in (after, before):
            for i, text in enumerate(strings):
                if len(text) > 120:
                    continue
                value = parse_date(text, now)
                if value and not (i and _UPDATED_RE.search(strings[i - 1])):
                    if not _UPDATED_START_RE.match(text):
                        return value
    for tag in page.date_boxes:
        text = element_text(tag)
        if len(text) <= 120:
            value = parse_date(text, now)
            if value:
                return value
    return None


def visible_updated(page: PageScan, now: datetime | None) -> str | None:
    """An "Updated: May 5, 2025" line beside the headline."""
    for h1 in page.h1s[:1]:
        strings = strings_after(h1, 40)
        for i, text in enumerate(strings):
            if len(text) <= 120 and (
                _UPDATED_START_RE.match(text) or (i and _UPDATED_RE.search(strings[i - 1]))
            ):
                value = parse_date(text, now)
                if value:
                    return value
    return None


def printed_date(page: PageScan, now: datetime | None) -> str | None:
    """The publication date printed on a line of its own beside the headline.

    Only the first dateline after the headline (else before it) counts: later ones are
    a table's or a list's. A date the page labels an update ("Updated May 5, 2025",
    "Last modified: ...") is not a publication date.
    """
    for h1 in page.h1s[:1]:
        after = strings_after(h1, 40)
        before = strings_after(h1, 15, backwards=True)[::-1]
        for strings in (after, before):
            for i, text in enumerate(strings):
                if is_dateline(text, now):
                    label = strings[i - 1] if i else ""
                    if _UPDATED_START_RE.match(text) or _UPDATED_RE.search(label):
                        return None
                    return parse_date(text, now)
    return None


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
