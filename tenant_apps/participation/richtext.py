"""Rich text is cleaned once, on input, against an allow-list; what is stored is safe to show."""

import html
import re
import unicodedata

import nh3
from django.utils.html import strip_tags

ALLOWED_TAGS = {"p", "br", "strong", "em", "u", "s", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z!]")


def html_clean(value: str) -> str:
    """Keep formatting tags and safe links (http, https, mailto); drop scripts, styles, events, images."""
    value = (value or "").strip()
    if not value:
        return ""
    if not _LOOKS_LIKE_HTML.search(value):
        # Plain text typed in a textarea (even "< 1 m" or "<3"): keep its paragraphs and line breaks.
        from django.utils.html import linebreaks

        value = linebreaks(value)
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    ).strip()


# Line breaks and block tags separate words: "<p>vélo</p><p>piste</p>" reads "vélo piste", not "vélopiste".
_WORD_BREAK_TAG = re.compile(r"<(?=/?(?:br|p|li|ul|ol|h[1-6]|blockquote|div)\b)", re.IGNORECASE)


def html_is_empty(value: str) -> bool:
    return not plain_text(value)


def plain_text(value: str) -> str:
    return " ".join(html.unescape(strip_tags(_WORD_BREAK_TAG.sub(" <", value or ""))).split())


def unaccent(value: str) -> str:
    """"Élection à Saint-Étienne" -> "Election a Saint-Etienne": search ignores accents both ways."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c))
