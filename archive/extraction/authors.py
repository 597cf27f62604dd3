"""Person names from the byline strings pages carry.

Bylines arrive dirty: "By Jane Doe | The Daily Planet", "Author: Jane Doe, Staff Writer",
"Jane Doe and John Roe", "Doe, Jane", "Jane Doe, Ph.D.", entity-escaped meta values. The
rules here turn each into a list of names: no "By", no roles, dates or e-mail addresses, no
site names standing in for a person, credentials kept with the name they belong to, a
"Last, First" name kept whole rather than split into two people.
"""

from __future__ import annotations

import html
import re

# "This post was written by Jane Doe": the sentence some pages put before or after the text.
THIS_POST_WAS = r"(?:this|the)\s+(?:blog\s+)?(?:post|article|story|piece|guide)\s+(?:was|is)\s+"
PREFIX_RE = re.compile(
    rf"^(?:(?:{THIS_POST_WAS})?"
    r"(?:written|posted|words|story|reporting|text|recipe|photos?|article|review|"
    r"interview|compiled|published)\s+by\s+|by[:\s]\s*|(?:von|par|por|door|di|av)\s+|"
    r"(?:authors?|autor|автор|writer)\s*(?::\s*|\s+(?=[A-Z])))",
    re.I,
)
_ROLE_TAIL_RE = re.compile(
    r"\s*(?:[|•·,–—-]\s*)?\b(?:staff\s+(?:writer|reporter)|correspondent|contributing\s+\w+|"
    r"senior\s+\w+|published|updated|posted|last\s+updated|on\s+\w+\s+\d).*$",
    re.I,
)
_SITE_SEP_RE = re.compile(r"\s+(?:\||–|—|-|@|/)\s+")
_SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\bи\b)\s*", re.I)
_CREDENTIAL_RE = re.compile(
    r"^(?:(?:(?i:ph\.?\s?d|m\.?d|d\.?o|r\.?n|j\.?d|ll\.?m|m\.?s|m\.?a|b\.?a|jr|sr|esq)\.?"
    r"|(?i:e-ryt)(?:\s*\d+)?|II|III|IV|[A-Z]{2,6}(?:-[A-Z]+)?)(?:\s+|$))+$"
)
_NOT_NAMES = {
    "staff", "admin", "administrator", "editor", "editors", "the editors", "news desk",
    "newsdesk", "guest", "guest author", "unknown", "anonymous", "team", "editorial",
    "editorial staff", "staff writer", "staff reporter", "wire", "reuters", "ap",
    "associated press", "afp", "contributor", "follow", "facebook", "twitter", "author",
    "the author", "authors", "by", "written by", "posted by", "admin user", "user",
}
_USERNAME_RE = re.compile(r"^[a-z0-9]+(?:[._][a-z0-9]+)+$")
# A credit's label: the writer's is dropped ("Текст: Иван Петров", "Text: Jane Doe"); any other
# credit ("Photo: Jane Doe", "Foto: ...") names someone who did not write the article.
_WRITING_LABEL_RE = re.compile(r"^(?:текст|text|texte|testo|tekst|tekstas|words|story)\s*:\s*", re.I)
_OTHER_CREDIT_RE = re.compile(
    r"^(?:photos?|fotos?|foto\w*|bilder?|images?|video|illustrations?|grafik|graphics?|"
    r"фото|видео|credits?|source|quelle|mitarbeit)\s*:", re.I)
# A job title instead of a name: "AP Auto Writer", "Entertainment Writer", "SFist Contributor".
_ROLE_WORDS = frozenset({
    "writer", "writers", "editor", "editors", "reporter", "reporters", "correspondent",
    "columnist", "contributor", "contributors", "photographer", "producer", "redakteur",
    "redakteurin", "redaktion", "journalist", "journalistin", "intern", "newsroom",
})


def unescape(text: str) -> str:
    """Entities decoded even when a page escaped them twice (``&amp;#8217;``)."""
    for _ in range(2):
        if "&" not in text:
            break
        text = html.unescape(text)
    return text


def _fold(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def _is_last_first(text: str, parts: list[str]) -> bool:
    """"Doe, Jane" or "Kaufman, Jeff T.": one surname, a comma, then given names or initials."""
    if len(parts) != 2 or text.count(",") != 1 or re.search(r"[;&]|\band\b", text, re.I):
        return False
    last, first = parts
    return (
        len(last.split()) == 1
        and 1 <= len(first.split()) <= 3
        and last[:1].isupper()
        and first[:1].isupper()
        and not _CREDENTIAL_RE.match(first)
    )


def _tidy(part: str) -> str:
    part = part.strip(" ,:;-–—|•·\"'[]{}*").lstrip(".!?/\\ ")
    if part.count("(") != part.count(")"):
        part = part.strip("()")
    if part.endswith(".") and not re.search(r"(?:\b\w|\.\w+)\.$", part):
        part = part[:-1]
    return part


def _names_in(text: str) -> list[str]:
    if _OTHER_CREDIT_RE.match(text):
        return []
    text = _WRITING_LABEL_RE.sub("", text)
    text = PREFIX_RE.sub("", text).strip()
    text = re.sub(r"\S+@\S+\.\w+", "", text)
    text = _ROLE_TAIL_RE.sub("", text)
    pieces = _SITE_SEP_RE.split(text)
    text = pieces[0]  # "Jane Doe | The Daily Planet": the outlet follows the person
    parts = [p for p in (_tidy(p) for p in _SPLIT_RE.split(text)) if p]
    if _is_last_first(text, parts):
        return [f"{parts[0]}, {parts[1]}"]
    names: list[str] = []
    for part in parts:
        if names and _CREDENTIAL_RE.match(part):
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return names


def _plausible(name: str) -> bool:
    if len(name) > 60 or len(name.split()) > 6 or len(name) < 2:
        return False
    folded = name.lower()
    if folded in _NOT_NAMES or PREFIX_RE.match(name) and not PREFIX_RE.sub("", name):
        return False
    if folded.split()[-1] in _ROLE_WORDS or ":" in name:
        return False  # a role ("Auto Writer") or a label left on the name
    if any(ch.isdigit() for ch in name.split(",")[0]):
        return False
    if name.startswith(("http", "www.", "@")) or "/" in name or _USERNAME_RE.match(name):
        return False
    return any(ch.isalpha() for ch in name)


_ORG_WORDS_RE = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|co|corp|company|group|media|news|today|times|post|journal|"
    r"magazine|press|blog|team|staff|desk|clinic|hospital|health|university|college|school|"
    r"institute|foundation|association|society|council|agency|studio|studios|store|shop|"
    r"official|network|radio|tv|daily|weekly|online|digital|labs?|solutions|services|"
    r"editorial|editors|newsroom|center|centre|partners|global|international|the)\b",
    re.I,
)


_NAME_WORD = r"(?:\(?[A-Z][\w'’.-]*\)?|van|von|de|der|da|di|del|la|le)"
NAME_LIKE_RE = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}$")
# Capitalised words that are not a person: a possessive ("AM Best's Review"), a link's
# call to action ("Learn More").
NOT_A_NAME_RE = re.compile(
    r"[’']s\b|^(?:learn|read|see|view)\s+(?:more|all)\b|"
    r"^(?:copy|share|print|save|follow|subscribe|download|listen|watch)\b|"
    r"^(?:recent|related|popular|latest|more|top)\s+(?:posts?|articles?|stories|news)$|"
    r"\b(?:columnist|editor|writer|reporter|correspondent|contributor|expert|reviewer|"
    r"director|manager|officer|founder|specialist|strategist|consultant|analyst|"
    r"coordinator|producer|photographer)$",
    re.I,
)


def name_like(text: str) -> bool:
    """One or more people's names ("Jane Doe", "Jane Doe and John Roe"), nothing else."""
    if len(text) > _BYLINE_CHARS:
        return False  # no names are that long; splitting a flood of spaces costs quadratic time
    parts = [p for p in re.split(r"\s*(?:,|&|\band\b)\s*", text) if p]
    return (
        bool(parts)
        and len(parts) <= 6
        and all(NAME_LIKE_RE.match(p) for p in parts)
        and not NOT_A_NAME_RE.search(text)
    )


def names_organisation(name: str) -> bool:
    """"Global Desk", "Acme Media Group": words an organisation calls itself."""
    return bool(_ORG_WORDS_RE.search(name))


_ARTICLES = frozenset({"the", "die", "der", "das", "la", "el", "le", "les", "il", "lo", "los",
                       "las", "het", "os", "as"})


def looks_like_person(name: str) -> bool:
    """Two to four capitalised words and nothing an organisation calls itself (a name that
    starts with an article, "Die Tagespresse", "La República", is a title, not a person's)."""
    words = name.split()
    return (
        2 <= len(words) <= 4
        and words[0].lower() not in _ARTICLES
        and all(w[:1].isupper() and not w.isupper() for w in words if len(w) > 1)
        and not _ORG_WORDS_RE.search(name)
    )


# "content: Acme, design: Jane Doe, code: John Roe": a list of credits, each with its role.
_CREDIT_RE = re.compile(r"(?:^|[,;|])\s*([a-z][a-z ]{0,20}):\s", re.I)
_WRITING_ROLES = frozenset({"author", "authors", "by", "text", "words", "story", "writer",
                            "written by", "reporting", "reporter"})


def _writing_credits(text: str) -> str:
    """The names a credits list gives the writing to; the designer or coder is no author."""
    pieces = re.split(r"[,;|]\s*(?=[a-z][a-z ]{0,20}:\s)", text, flags=re.I)
    kept = []
    for piece in pieces:
        role, _, names = piece.partition(":")
        if role.strip().lower() in _WRITING_ROLES:
            kept.append(names.strip())
    return ", ".join(kept)


_BYLINE_CHARS = 500
"""Longer than any byline met, even one naming ten people with their roles."""


def clean_authors(raw: list[str], site_names: tuple[str, ...] = ()) -> list[str]:
    """Person names from byline strings, without site names standing in for a person."""
    sites = {_fold(s) for s in site_names if s and _fold(s)}
    names: list[str] = []
    for item in raw:
        if not item:
            continue
        text = re.sub(r"\s+", " ", unescape(str(item)[:_BYLINE_CHARS * 4])).strip()
        if len(text) > _BYLINE_CHARS:
            continue  # a paragraph or a flood of markup, not a byline (and costly to take apart)
        if len(_CREDIT_RE.findall(text)) >= 2:
            text = _writing_credits(text)
        for name in _names_in(text):
            name = PREFIX_RE.sub("", name).strip()
            if not _plausible(name) or name in names:
                continue
            if sites and _fold(name) in sites:
                continue
            names.append(name)
    return names
