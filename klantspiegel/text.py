"""Markdown to safe HTML: one Markdown instance per process, then an allowlist sanitiser.

Markdown text is never treated as a template: it is converted here and reaches Jinja as
already-sanitised HTML, so `{{ 7*7 }}` in a finding stays literally `{{ 7*7 }}`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import markdown
import nh3
from markupsafe import Markup

from klantspiegel import limits

# smarty alone tripled the rendering time (3.3 vs 1.1 ms a finding); abbr and def_list are
# rarely written in findings. Tables and footnotes are what consultants use.
_EXTENSIONS = ["tables", "sane_lists", "footnotes"]
_EXTENSION_CONFIGS = {"footnotes": {"BACKLINK_TEXT": "↩"}}

_ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "hr", "img", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
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

DEFAULT_TIME_LIMIT = 2.0
_REFERENCE_KINDS = {("img", "src"): "image", ("a", "href"): "link"}
_RECORDED_SCHEMES = {"http", "https", "mailto", "file", "ftp", "data", "javascript", "vbscript",
                     "tel", "smb", "ssh"}

# Rewrites (or drops, by returning None) the URL of an image or link in the final HTML.
UrlRewriter = Callable[[str, str], "str | None"]


class TextTooComplex(Exception):
    """Markdown that cannot be rendered within the time limit or nests too deeply."""


@dataclass(frozen=True)
class RenderedText:
    html: Markup
    references: tuple[tuple[str, str], ...]  # ("image" | "link", url as written)


def render_markdown(
    text: str, rewrite: UrlRewriter | None = None, time_limit: float = DEFAULT_TIME_LIMIT
) -> RenderedText:
    """Convert Markdown to HTML and remove everything outside the allowlist.

    Every image and link that survives sanitising (from Markdown or raw HTML) is recorded,
    and `rewrite` may change or drop it. The HTML is Markup: templates insert it as it is.
    Raises TextTooComplex for input that would take too long (some bracket patterns make
    Python-Markdown slow down badly) or nests too deeply.
    """
    with limits.time_limit(time_limit, lambda: TextTooComplex(
            f"the text takes more than {time_limit:g} s to render")):
        try:
            _converter.reset()
            html = _converter.convert(text)
        except RecursionError as error:
            raise TextTooComplex("the text nests too deeply (lists or quotes)") from error
    # First pass: record and resolve every image and link as written, whatever its scheme, so
    # that a file: or http: image is reported instead of silently vanishing in the sanitiser.
    references: list[tuple[str, str]] = []
    resolved: dict[tuple[str, str], str | None] = {}

    def record(tag: str, attribute: str, value: str) -> None:
        kind = _REFERENCE_KINDS.get((tag, attribute))
        if kind:
            references.append((kind, value))
            resolved[kind, value] = rewrite(kind, value) if rewrite else value

    nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
              url_schemes=_RECORDED_SCHEMES, attribute_filter=record)

    def rewritten(tag: str, attribute: str, value: str) -> str | None:
        kind = _REFERENCE_KINDS.get((tag, attribute))
        return resolved.get((kind, value), value) if kind else value

    return RenderedText(Markup(sanitise(html, rewritten)), tuple(references))


def sanitise(html: str, attribute_filter: Callable[[str, str, str], str | None] | None = None
             ) -> str:
    """Allowlist sanitiser: no scripts, event handlers, styles, frames, forms or js: URLs."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        allowed_classes=_ALLOWED_CLASSES,
        url_schemes=_ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=attribute_filter,
    )


def slugify(text: str) -> str:
    """A web-safe name: lowercase ASCII letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def plain_text(html: str) -> str:
    """Text of an HTML fragment, for summaries and search."""
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set())).strip()
