"""Dates as the page prints them beside the headline: the publication date, and an
"Updated" date, which is never taken for the publication.

A date must stand beside the headline, before the article's running text starts; dates
the page labels as something else (a member's joining date, a thread's last post) are not
the article's.
"""

from __future__ import annotations

import re
from datetime import datetime

from bs4 import Tag

from .dates import is_dateline, parse_date
from .pagescan import PageScan, element_text, strings_after
from .soup import class_string

_UPDATED_START_RE = re.compile(r"\W*(?:last\s+)?(?:updated|modified|edited|revised)", re.I)
_UPDATED_RE = re.compile(r"(?:updated|modified|edited|revised)\W*(?:on\W*)?$", re.I)


def _label(strings: list[str], i: int) -> str:
    """The words before the i-th string: "Updated" in "Updated", ":", "May 5, 2025"."""
    for text in reversed(strings[max(0, i - 3) : i]):
        if any(c.isalnum() for c in text):
            return text
    return ""


def _before_prose(strings: list[str]) -> list[str]:
    """The strings under a headline up to where the article's running text starts.

    A standfirst may come first, in a sentence or two; from the third sentence-long string
    on, dates are the article's subject (an event's dates), not its own.
    """
    long = 0
    for i, text in enumerate(strings):
        if len(text) > 100 and text.count(" ") >= 15:
            long += 1
            if long == 3:
                return strings[:i]
    return strings


_NOT_PUBLISHED_RE = re.compile(r"updated|modified|joined|reviewed", re.I)


def _around(h1: Tag) -> tuple[list[str], list[str]]:
    """The strings under a headline before its article's text, and the few above it."""
    return _before_prose(strings_after(h1, 40)), strings_after(h1, 15, backwards=True)[::-1]


def visible_date(page: PageScan, now: datetime | None) -> str | None:
    """A date printed beside the headline, or in a dated byline element."""
    for h1 in page.h1s[:1]:
        for strings in _around(h1):
            for i, text in enumerate(strings):
                if len(text) > 120:
                    continue
                value = parse_date(text, now)
                if value and not _UPDATED_RE.search(_label(strings, i)):
                    if not _UPDATED_START_RE.match(text):
                        return value
    for tag in page.date_boxes:
        text = element_text(tag)
        if len(text) <= 120:
            value = parse_date(text, now)
            if value:
                return value
        else:
            # A post's meta box: "Posted on April 13, 2023" first, then its tags and links.
            for line in list(tag.stripped_strings)[:2]:
                if is_dateline(line, now) and not _UPDATED_START_RE.match(line):
                    return parse_date(line, now)
    for tag in page.byline_boxes[:3]:
        # "by Jane Doe » Tue Aug 27, 2019 1:47 am": a forum post's or a blog's byline line.
        text = element_text(tag)
        if "review" in class_string(tag.get("class")).lower() or _NOT_PUBLISHED_RE.search(text):
            continue  # a customer review's author, a profile, or not the publication
        if len(text) <= 160:
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
                _UPDATED_START_RE.match(text) or _UPDATED_RE.search(_label(strings, i))
            ):
                value = parse_date(text, now)
                if value:
                    return value
    return None


def printed_date(page: PageScan, now: datetime | None) -> str | None:
    """The publication date printed on a line of its own beside the headline.

    Only the first dateline after the headline (else before it) counts: later ones are
    a table's or a list's. A date the page labels an update ("Updated May 5, 2025",
    "Last modified: ...") or something else ("Joined: Nov 4, 2011") is not a publication
    date.
    """
    for h1 in page.h1s[:1]:
        for strings in _around(h1):
            for i, text in enumerate(strings):
                if is_dateline(text, now):
                    label = _label(strings, i)
                    if _UPDATED_START_RE.match(text) or _UPDATED_RE.search(label):
                        return None
                    if _OTHER_DATE_RE.search(label) or _OTHER_DATE_RE.match(text):
                        return None
                    return parse_date(text, now)
    return None


# Dates a page prints about other things: a forum member's joining, a thread's last post.
_OTHER_DATE_RE = re.compile(
    r"\b(?:joined|member since|registered|last (?:post|reply|active|seen|visit))\W*$|"
    r"^\W*(?:joined|member since|registered|last (?:post|reply|active|seen|visit))\b",
    re.I,
)


def labelled_date(page: PageScan, now: datetime | None) -> str | None:
    """A date the page labels as its own ("Datum 25.01.2022", "Stand: ...", "Published on"),
    in the label's string or the one after it, wherever it stands: the last resort of a
    page that dates itself nowhere near its headline or in its markup."""
    for node in page.labelled_dates:
        for text in [str(node).strip()] + strings_after(node, 2):
            if len(text) <= 80:
                value = parse_date(text, now)
                if value:
                    return value
    return None
