"""Which of a page's titles is the article's, and without the site's name around it."""

from __future__ import annotations

import re

_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ", " • ", " / ")
_WORD_RE = re.compile(r"\w+")
_STOP = frozenset({
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "is",
    "are", "how", "what", "your", "you", "from", "vs", "best", "top", "guide",
})


def strip_site_suffix(title: str, site: str | None) -> str:
    """Drop a " | Site" style suffix or prefix from a title."""
    title = re.sub(r"\s+", " ", title).strip()
    site_l = (site or "").lower()
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        parts = title.split(sep)
        head, tail = sep.join(parts[:-1]), parts[-1]
        if site_l and (tail.lower() in site_l or site_l in tail.lower()):
            return head.strip()
        first, rest = parts[0], sep.join(parts[1:])
        if site_l and (first.lower() in site_l or site_l in first.lower()):
            return rest.strip()
        if len(tail) <= 30 and len(head) >= 2 * len(tail):
            return head.strip()
    return title


def _ends_with(title: str, site: str) -> bool:
    folded, site_l = title.lower(), site.strip().lower()
    return any(folded.endswith(sep + site_l) or folded.startswith(site_l + sep)
               for sep in _TITLE_SEPARATORS)


def _words(text: str) -> set[str]:
    return {w for w in _WORD_RE.findall(text.lower()) if w not in _STOP}


def choose_title(
    headings: list[str], declared: str | None, site: str | None
) -> tuple[str | None, str]:
    """The title a reader sees, and where it came from.

    The page's own ``<h1>`` is the headline as printed; the declared title (JSON-LD, Open
    Graph, ``<title>``) is often a search-engine variant of it. A heading wins when it is
    about the same thing as the declared title (shares a third of its words), so a logo
    or section name set in ``<h1>`` does not.
    """
    clean_declared = strip_site_suffix(declared, site) if declared else None
    parts = [p.strip().lower() for p in re.split(r"\s[|–—·•/-]\s", declared or "")]
    # Titles put the headline first ("Headline | Site"): a heading equal to the first part
    # is the headline, one equal to a later part is what the title carries beside it.
    beside = set(parts[1:]) - {parts[0]} if len(parts) > 1 else set()
    for heading in headings:
        heading = re.sub(r"\s+", " ", heading).strip()
        folded = heading.lower()
        if not 4 <= len(heading) <= 300 or folded == (site or "").strip().lower():
            continue
        if len(parts) > 1 and folded == parts[0]:
            return heading, "h1"
        if declared and clean_declared and folded in beside and folded != clean_declared.lower():
            # The heading is what the declared title carries beside the headline: the site.
            clean_declared = strip_site_suffix(declared, heading)
            continue
        if site:
            heading = strip_site_suffix(heading, site) if _ends_with(heading, site) else heading
        if not clean_declared:
            return heading, "h1"
        want = _words(clean_declared)
        if want and len(_words(heading) & want) * 3 >= len(want):
            return heading, "h1"
    return clean_declared, ""
