"""What page furniture looks like: the words and class names of share widgets, comment
forms, related-post lists, newsletter and cookie boxes.

Kept apart from the cleaner so that the HTML and the plain-text paths judge a line by the
same rules.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Whole lines (after folding case and spaces) that are never article text.
_LINE_PATTERNS = [
    r"(share|tweet|pin|email|print|save)( (this|it|on|via|to))?( \w+)?( on \w+)?[!.:]?",
    r"share this( post| article| story| page)?( on| with your friends| via)?[!.:]?( \w+)?",
    r"share this post with your friends!?",
    r"share (on|via) (facebook|twitter|x|linkedin|whatsapp|email|reddit|pinterest)",
    r"pin it( on pinterest)?",
    r"click to (share|email|print)[^.]{0,60}",
    r"(facebook|twitter|x|google\+|pinterest|linkedin|gmail|vkontakte|vk|reddit|tumblr|whatsapp|"
    r"telegram|email|e-mail|print|messenger|pocket|flipboard|threads|bluesky|mastodon|copy link|"
    r"sms|skype|line|viber|digg|stumbleupon|xing|weibo|wechat|mix)",
    r"(submit|post|leave|add|write) a (comment|reply|response)",
    r"leave a reply( cancel reply)?",
    r"cancel reply",
    r"your email address will not be published\.?( required fields are marked \*?)?",
    r"required fields are marked \*?",
    r"(\d+ )?(comments?|responses?|replies)( \(\d+\))?",
    r"no comments( yet)?\.?",
    r"(be the first to comment|join the (discussion|conversation))[.!]?",
    r"(related|recommended|popular|recent|more|latest)"
    r"( posts| articles| stories| reading| news)?:?",
    r"(you (may|might) (also )?like|read (more|next|also)|see also|also read|don't miss)[:.!]?",
    r"(sign up|subscribe)( (to|for) (our|the) (\w+ )?newsletter)?[.!]?",
    r"(we use cookies|this (web)?site uses cookies)[^.]{0,200}\.?",
    r"(accept|reject)( all)?( cookies)?",
    r"advertisement|sponsored( content)?|ad",
    r"(previous|next)( post| article)?:?",
    r"(posted|filed) (in|under)[: ].{0,80}",
    r"tags?:.{0,200}",
    r"categor(y|ies):.{0,200}",
    r"(follow us|like us)( on \w+)?[.!]?",
    r"skip to (main )?content",
    r"(back to top|scroll to top)",
    r"(save|name|email|website)[:*]?( \*)?",
    r"save my name, email, and website in this browser for the next time i comment\.?",
    r"notify me of (follow-up comments|new posts) by email\.?",
    r"(loading|please wait)( \w+)?(\.+|…)?",
    r"share this post on",
    r"\d+ ?(min|mins|minutes?)\.?( read| reading time)?",
    r"(reading time|read time):? \d+ ?(min|mins|minutes?)",
    r"(table of contents|contents|in this article|on this page|jump to:?|skip to)( \w+)?:?",
    r"oops! something went wrong.{0,80}",
    r"by (submitting|signing up|subscribing|clicking).{0,200}",
    r"thank you!? your submission has been received!?",
    r"(listen to|print) this article",
    r"your browser does not support the (audio|video) element\.?",
    r"(photo|image|credit|source): ?.{0,60}",
]
_LINE_RE = re.compile(r"^(?:" + "|".join(_LINE_PATTERNS) + r")$")

# Lines after which a capture holds only the comment section and page furniture.
_END_PATTERNS = [
    r"(submit|post|leave|add|write) a (comment|reply)",
    r"leave a reply.*",
    r"\d+ (comments?|responses?)",
    r"comments?",
    r"(related|recommended) (posts|articles|stories)",
    r"share this post on",
    r"your email address will not be published.*",
]
_END_RE = re.compile(r"^(?:" + "|".join(_END_PATTERNS) + r")$")

_FOLD_RE = re.compile(r"[\s\u00a0\u200b]+")
_BULLET_RE = re.compile(r"^[\s•·▪◦\-*–—|]+")


def fold(line: str) -> str:
    """A line reduced for matching: no bullets, single spaces, lower case."""
    return _FOLD_RE.sub(" ", _BULLET_RE.sub("", line)).strip().lower()


def is_boilerplate_line(line: str) -> bool:
    folded = fold(line)
    if not folded:
        return True
    return len(folded) <= 240 and bool(_LINE_RE.match(folded))


def ends_article(line: str) -> bool:
    """True for lines that open a comment section or a share box: the article is over."""
    folded = fold(line)
    return len(folded) <= 120 and bool(_END_RE.match(folded))


# Class and id tokens of elements that never hold the article.
_BAD_TOKEN_RE = re.compile(
    r"^(?:"
    r"share|shares|sharing|sharedaddy|share-?(?:bar|box|buttons?|links?|icons?|tools?|this|post)"
    r"|social|social-?(?:share|links?|icons?|media|buttons?|bar)|addtoany|a2a_kit|sociable|shareaholic"
    r"|et_social\w*|monarch\w*|sassy-?social\w*|heateor\w*|jp-relatedposts|sd-sharing\w*"
    r"|comments?|comment-?(?:respond|form|list|area|section|wrapper)|respond|disqus\w*|reply"
    r"|reviews|(?:product|customer|user)-?reviews?|testimonials?|ratings-?reviews"
    r"|wp-caption-text|(?:image|img|photo|figure|media)-?(?:caption|credit)s?|captions?"
    r"|related|related-?(?:posts?|articles?|stories|content|links)|yarpp\w*|more-?stories|recirc\w*"
    r"|newsletter\w*|subscribe\w*|subscription|signup|sign-up|mailchimp\w*|mc4wp\w*|optin\w*"
    r"|cookie\w*|consent\w*|gdpr\w*|cmp\w*"
    r"|sidebar|widget-?area|secondary"
    r"|advert\w*|ads?|ad-?(?:slot|unit|container|wrapper|banner)|adsense|dfp\w*|sponsor\w*|promo\w*|outbrain\w*|taboola\w*"
    r"|breadcrumbs?|pagination|pager|nav|navbar|navigation|menu|site-?(?:header|footer|nav)|masthead"
    r"|footer|header-?(?:bar|nav)|topbar|toolbar"
    r"|popup\w*|modal\w*|flyin\w*|overlay|lightbox"
    r"|author-?(?:box|bio|info|card)|about-?author|post-?(?:meta|tags|categories|navigation|nav)"
    r"|entry-?(?:meta|footer|tags)|tags|tag-?(?:list|cloud)|byline|dateline|printfriendly|skip-?link"
    r"|screen-reader-text|sr-only|visually-?hidden|hidden|hide|d-none|invisible|w-condition-invisible"
    r")$",
    re.IGNORECASE,
)


_BAD_ANY_RE = re.compile(
    r"(?:^|\s)(?:" + _BAD_TOKEN_RE.pattern[4:-2] + r")(?=\s|$)", re.IGNORECASE
)




@lru_cache(maxsize=16384)
def has_boilerplate_token(tokens: str) -> bool:
    """True when any of the space-separated class and id tokens names furniture.

    Cached: the cleaner asks this of every element with a class or id, and pages (and the
    pages of one site) repeat the same class strings over and over.
    """
    return bool(_BAD_ANY_RE.search(tokens))
