"""Which of a page's titles is the article's, and without the site's name around it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .dates import parse_date

_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ", " • ", " / ")
_WORD_RE = re.compile(r"\w+")
_STOP = frozenset({
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "by", "at", "is",
    "are", "how", "what", "your", "you", "from", "vs", "best", "top", "guide",
})
_SEPARATOR_CHARS = "|-–—:·•/«»"


def fold_key(text: str) -> str:
    """Letters and digits only, in any script: "Newegg.com" is "neweggcom"."""
    return re.sub(r"[\W_]+", "", text.casefold())


_SEPARATOR_RE = re.compile(r"\s(?:\||-|–|—|::|«|»|·|•|/)\s")


_DOMAIN_RE = re.compile(
    r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"\.(?:com|org|net|edu|gov|info|biz|io|co|ai|dev|app|uk|us|ca|au|de|fr|nl|in|jp)$",
    re.I,
)


def _names_site(part: str, sites: list[str]) -> bool:
    """A title part that is the site's name or its domain ("Newegg.com" for newegg)."""
    part_f = fold_key(part)
    if not part_f:
        return False
    if _DOMAIN_RE.match(part.strip()):
        return True  # a bare host name is a site's, even on a page that gives no URL
    for site in sites:
        if part_f == site or (len(part_f) >= 4 and part_f in site):
            return True
        if part_f.startswith(site) or part_f.endswith(site):
            if 2 * len(site) >= len(part_f):
                return True
    return False


def _site_forms(site: str | Iterable[str] | None) -> list[str]:
    names = [site] if isinstance(site, str) else list(site or ())
    return [f for f in (fold_key(n) for n in names if n) if f]


def _strip_once(title: str, sites: list[str], keep_prefix: bool) -> str:
    """One part off the end (or the start) when it is the site's, or a short tagline."""
    site_label, colon, rest = title.partition(": ")
    if colon and not keep_prefix and fold_key(site_label) in sites:
        return rest.strip()  # "Engora Data Blog: Small adventures with ..."
    seps = list(_SEPARATOR_RE.finditer(title))
    if not seps:
        return title
    last, first_sep = seps[-1], seps[0]
    head, tail = title[: last.start()], title[last.end() :]
    if _names_site(tail, sites):
        return head.strip()
    first, rest = title[: first_sep.start()], title[first_sep.end() :]
    if not keep_prefix and _names_site(first, sites):
        return rest.strip()
    if len(tail) <= 30 and len(head) >= 2 * len(tail) and not _DATED_RE.search(tail):
        return head.strip()  # a short tagline; "2026 / 2027" or "March 2026" is none
    return title


_DATED_RE = re.compile(r"^(?:[^\W\d]+\.?\s+)?(?:19|20)\d\d$|^[\W\d]*$")


def strip_site_suffix(
    title: str, site: str | Iterable[str] | None, *, keep_prefix: bool = False
) -> str:
    """Drop " | Site" style suffixes or prefixes from a title, all of them
    ("Headline | Section | Site"); ``site`` is the site's name or several names for it
    (its name, its host)."""
    title = re.sub(r"\s+", " ", title).strip()
    sites = _site_forms(site)
    while True:
        shorter = _strip_once(title, sites, keep_prefix)
        if shorter == title or not shorter:
            return title
        title = shorter


def _ends_with(title: str, site: str) -> bool:
    folded, site_l = title.lower(), site.strip().lower()
    return any(folded.endswith(sep + site_l) or folded.startswith(site_l + sep)
               for sep in _TITLE_SEPARATORS)


def _words(text: str) -> set[str]:
    return {w for w in _WORD_RE.findall(text.lower()) if w not in _STOP}


def _agrees(heading: str, declared: str) -> bool:
    """About the same thing: the heading shares a third of the declared title's words."""
    want = _words(declared)
    return bool(want) and len(_words(heading) & want) * 3 >= len(want)


_SOURCE_HOST_RE = re.compile(r"\((?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\)(?:\s+\d+)?", re.I)


def _wrapped(heading: str, declared: str) -> bool:
    """The heading is a declared title with page furniture set around it: a date or byline
    ("... Posted on July 1, 2024 by Jane"), a section label ("Blog: ..."), or a tagline
    after a separator ("... | Opinion")."""
    folded_h = re.sub(r"\s+", " ", heading).strip().lower()
    folded_d = re.sub(r"\s+", " ", declared).strip().lower()
    if not folded_d or folded_h == folded_d:
        return False
    if folded_h.startswith(folded_d):
        extra, at_start = heading[len(declared):].strip(), False
    elif folded_h.endswith(folded_d):
        extra, at_start = heading[: len(heading) - len(declared)].strip(), True
    else:
        return False
    if not extra:
        return False
    if parse_date(extra):
        return True
    if not at_start and _SOURCE_HOST_RE.fullmatch(extra):
        return True  # a link site's "(example.com) 87": the story's source and comments
    if at_start:
        if extra.endswith(":"):
            return len(extra.split()) <= 2
        return extra[-1] in _SEPARATOR_CHARS
    return extra[0] in _SEPARATOR_CHARS and extra[0] != ":"


def _mangled(heading: str, declared: str) -> bool:
    """The heading is the declared title with characters an encoder could not write put
    as "?" ("Beginner? Guide" for "Beginner’s Guide")."""
    if not 0 < heading.count("?") <= 4 or "?" in declared:
        return False
    pattern = ".{1,2}".join(re.escape(piece) for piece in heading.split("?"))
    return re.fullmatch(pattern, declared, re.I) is not None


def _cut_short(title: str, titles: list[tuple[str, str]]) -> bool:
    """A title cut off where a field's length ran out: an unclosed bracket or a trailing
    ellipsis, and another of the page's titles that goes on from where it stops."""
    body = re.sub(r"\s*(?:\.\.\.|…)$", "", title)
    unfinished = body != title or any(title.count(o) > title.count(c) for o, c in ("()", "[]"))
    folded = fold_key(body)
    return unfinished and bool(folded) and any(
        len(fold_key(t)) > len(folded) and fold_key(t).startswith(folded) for t, _ in titles)


def _begins(heading: str, titles: list[tuple[str, str]]) -> bool:
    folded = fold_key(heading)
    return len(folded) >= 8 and any(fold_key(t).startswith(folded) for t, _ in titles)


_CJK_RE = re.compile("[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf"
                     "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _tidy(title: str) -> str:
    """The title as a reader would type it: no soft hyphens (invisible but for a line
    break: "Assis\u00adtance"), and full-width letters and punctuation ("Work？") in a
    title written in Latin script, as an East Asian input method leaves them, in their
    ordinary form ("Work?"); text in Chinese, Japanese or Korean keeps its own."""
    title = title.replace("\u00ad", "")
    if _CJK_RE.search(title):
        return title
    return title.translate(_HALF_WIDTH)


def choose_title(
    headings: list[str],
    declared: list[tuple[str, str]],
    site: str | None,
    hosts: tuple[str, ...] = (),
    *,
    home: bool = False,
    subheads: list[str] | None = None,
) -> tuple[str | None, str]:
    """The title a reader sees, and where it came from.

    ``declared`` are the page's declared titles (JSON-LD, Open Graph, ``<title>``) with
    their sources, most trusted first. The page's own ``<h1>`` is the headline as printed;
    a declared title is often a search-engine variant of it. A heading wins when it is
    about the same thing as one of the declared titles (shares a third of its words), so a
    logo or section name set in ``<h1>`` does not; but when the heading is a declared title
    with a date, byline or label set around it, or is set in capitals, the declared one is
    the cleaner copy of the same words. On a site's front page (``home``) a title that
    starts with the site's name ("Figma: The Collaborative Design Tool") keeps it: there
    the site is the subject. Soft hyphens go, and full-width punctuation in a title in
    Latin script comes out in its ordinary form.
    """
    title, source = _choose(headings, declared, site, hosts, home=home, subheads=subheads or [])
    return (_tidy(title) if title else title), source


def _choose(
    headings: list[str],
    declared: list[tuple[str, str]],
    site: str | None,
    hosts: tuple[str, ...] = (),
    *,
    home: bool = False,
    subheads: list[str] | None = None,
) -> tuple[str | None, str]:
    site_names = (site or "", *hosts)
    # An og:title that only names the site is no title, but on the site's front page.
    named = [(d, s) for d, s in declared if d]
    declared = [(d, s) for d, s in named if home or not (site and fold_key(d) == fold_key(site))]
    clean: list[tuple[str, str]] = []
    for text, source in declared:
        stripped = strip_site_suffix(text, site_names, keep_prefix=home)
        if stripped and all(fold_key(stripped) != fold_key(c) for c, _ in clean):
            clean.append((stripped, source))
    clean = [(c, s) for c, s in clean if not _cut_short(c, clean)]
    first = declared[0][0] if declared else ""
    first_clean = clean[0][0] if clean else None
    parts = [p.strip().lower() for p in re.split(r"\s[|–—·•/-]\s", first)]
    # Titles put the headline first ("Headline | Site"): a heading equal to the first part
    # is the headline, one equal to a later part is what the title carries beside it.
    beside = set(parts[1:]) - {parts[0]} if len(parts) > 1 else set()
    # "Site: Headline" where another declared title is the headline alone: the label is
    # the site's name too.
    folded_clean = {fold_key(c) for c, _ in clean}
    for text, _ in declared:
        label, colon, rest = text.partition(": ")
        if colon and fold_key(rest) in folded_clean and fold_key(label) not in folded_clean:
            beside.add(label.strip().lower())
    if len(headings) > 1:
        # Of several headings, one a declared title begins with is the headline ("The
        # Fold-and-Cut Problem" under "Erik Demaine's Folding and Unfolding:").
        headings = sorted(headings, key=lambda h: not _begins(h, clean))
    for heading in headings:
        heading = re.sub(r"\s+", " ", heading).strip()
        folded = heading.lower()
        if not 4 <= len(heading) <= 300 or fold_key(heading) in _site_forms(site_names):
            continue  # a logo: the site's name set as the page's heading
        if len(parts) > 1 and folded == parts[0]:
            return heading, "h1"
        if first_clean and folded in beside and folded != first_clean.lower():
            # The heading is what the declared title carries beside the headline: the site.
            clean = [(strip_site_suffix(first, heading), clean[0][1])] + clean[1:]
            first_clean = clean[0][0]
            continue
        if site and _ends_with(heading, site):
            heading = strip_site_suffix(heading, site)
        else:
            heading = strip_site_suffix(heading, site_names, keep_prefix=home)
        if not clean:
            return heading, "h1"
        agreeing = [(c, s) for c, s in clean if _agrees(heading, c)]
        if not agreeing:
            continue
        for text, source in clean:
            if _wrapped(heading, text) or _mangled(heading, text):
                return text, source
        declares_caps = any(d == heading for d, _ in declared)
        if heading.isupper() and not agreeing[0][0].isupper() and not declares_caps:
            return agreeing[0]
        return heading, "h1"
    if clean:
        part = _printed_part(declared[0][0], subheads) if subheads else None
        if part:
            return part, "title-part"
        return clean[0]
    return named[0] if named else (None, "")  # only the site's name: better than nothing


_PART_SPLIT_RE = re.compile(r"\s(?:\||-|–|—|::|«|»|·|•|/|--)\s?|\s:\s|\s--")


def _printed_part(title: str, subheads: list[str]) -> str | None:
    """The piece of a "Site » Blog » Headline" title that the page prints as a heading of
    its own, when no ``<h1>`` is the headline: the rest is the site and its sections."""
    parts = [p.strip() for p in _PART_SPLIT_RE.split(title) if p.strip()]
    if len(parts) < 2:
        return None
    printed = {fold_key(h) for h in subheads}
    found = [part for part in parts if len(fold_key(part)) >= 4 and fold_key(part) in printed]
    return max(found, key=len) if found else None  # the headline over a section's name



def declared_part(heading: str, parts: list[str], declared: list[tuple[str, str]],
                  site: str | None, hosts: tuple[str, ...] = ()) -> str:
    """The piece of a heading set in elements of their own that is a declared title: a
    kicker ("Immobilienkrise") or a subtitle printed in the ``<h1>`` beside the headline
    is no part of it, and the declared title says which piece the headline is."""
    if len(parts) < 2:
        return heading
    names = (site or "", *hosts)
    wanted = {fold_key(strip_site_suffix(d, names)) for d, _ in declared if d}
    wanted |= {fold_key(d) for d, _ in declared if d}
    whole = fold_key(heading)
    longest = max(parts, key=len)  # a kicker is shorter than the headline it stands over
    key = fold_key(longest)
    return longest if len(key) >= 8 and key != whole and key in wanted else heading
