"""Markdown to safe HTML: one Markdown instance per process, then an allowlist sanitiser.

Markdown text is never treated as a template: it is converted here and reaches Jinja as
already-sanitised HTML, so `{{ 7*7 }}` in a finding stays literally `{{ 7*7 }}`.
"""

from __future__ import annotations

import re
import unicodedata

import markdown
import nh3
from markupsafe import Markup

_EXTENSIONS = ["tables", "sane_lists", "smarty", "footnotes", "abbr", "def_list"]
_EXTENSION_CONFIGS = {
    "smarty": {"smart_quotes": False},  # quotes vary between nl and en; keep them as typed
    "footnotes": {"BACKLINK_TEXT": "↩"},
}

_ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "li": {"id"},
    "sup": {"id"},
    "ol": {"start"},
}
_ALLOWED_CLASSES = {"div": {"footnote"}}
_ALLOWED_SCHEMES = {"http", "https", "mailto"}

_converter = markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS)


def render_markdown(text: str) -> Markup:
    """Convert Markdown to HTML and remove everything outside the allowlist.

    The result is Markup: templates insert it as it is, since it is already sanitised.
    """
    _converter.reset()
    html = _converter.convert(text)
    return Markup(sanitise(html))


def sanitise(html: str) -> str:
    """Allowlist sanitiser: no scripts, event handlers, styles, frames, forms or js: URLs."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        allowed_classes=_ALLOWED_CLASSES,
        url_schemes=_ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def slugify(text: str) -> str:
    """A web-safe name: lowercase ASCII letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def plain_text(html: str) -> str:
    """Text of an HTML fragment, for summaries and search."""
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set())).strip()
