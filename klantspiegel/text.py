"""Markdown to safe HTML: one Markdown instance per process, then an allowlist sanitiser.

Markdown text is never treated as a template: it is converted here and reaches Jinja as
already-sanitised HTML, so `{{ 7*7 }}` in a finding stays literally `{{ 7*7 }}`.

All of it runs under one time limit, and on HTML of a known shape: `_Markup` tokenises the
HTML once, in linear time, refuses nesting deeper than `MAX_NESTING`, and writes it out again
in a form the sanitiser's HTML5 parser reads exactly as written. Nesting matters because both
parsers slow down with its square (measured: 60,000 nested `<div>` cost nh3 12 s a pass,
`<div></x>` x 20,000 cost Python-Markdown 9 s), and nh3 cannot be interrupted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TypedDict, Unpack

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


def _new_converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS)


_converter = _new_converter()

DEFAULT_TIME_LIMIT = 2.0
_REFERENCE_KINDS = {("img", "src"): "image", ("a", "href"): "link"}
_RECORDED_SCHEMES = {
    "http",
    "https",
    "mailto",
    "file",
    "ftp",
    "data",
    "javascript",
    "vbscript",
    "tel",
    "smb",
    "ssh",
}

# Rewrites (or drops, by returning None) the URL of an image or link in the final HTML.
UrlRewriter = Callable[[str, str], "str | None"]


class TextTooComplex(Exception):
    """Markdown that cannot be rendered within the time limit or nests too deeply."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line  # 0-based line of the text where it went wrong, when known


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
    Python-Markdown slow down badly) or nests too deeply; the whole conversion, sanitising
    included, runs under `time_limit`.
    """

    def limit() -> AbstractContextManager[None]:
        return limits.time_limit(
            time_limit,
            lambda: TextTooComplex(f"the text takes more than {time_limit:g} s to render"),
        )

    with limit():
        _check_quote_depth(text)  # Markdown's own nesting, before Python-Markdown recurses
        _Markup(text).check()  # raw HTML, before Python-Markdown spends quadratic time on it
        try:
            html = _converted(text)
        except RecursionError as error:
            raise TextTooComplex("the text nests too deeply (lists or quotes)") from error
        references = _references(html)
    # Outside the text's limit: checking a referenced file (a 10 MiB SVG: 3 s) is bounded by
    # its own check, and its time must not be blamed on the text.
    resolved = {
        reference: rewrite(*reference) if rewrite else reference[1]
        for reference in dict.fromkeys(references)
    }

    def rewritten(tag: str, attribute: str, value: str) -> str | None:
        kind = _REFERENCE_KINDS.get((tag, attribute))
        return resolved.get((kind, value)) if kind else value  # unknown: dropped, never kept

    with limit():
        return RenderedText(Markup(sanitise(html, rewritten)), tuple(references))


def _converted(text: str) -> str:
    """The text as Python-Markdown's HTML. A conversion stopped part-way (the time limit,
    a recursion) can leave the converter's block parser in a state, such as inside a list,
    that `reset` keeps and that turns every later text into bare text: a new one is made."""
    global _converter
    try:
        _converter.reset()
        return _Markup(_converter.convert(text), locate=False).normalised()
    except BaseException:
        _converter = _new_converter()
        raise


def _references(html: str) -> list[tuple[str, str]]:
    """Every image and link as written, whatever its scheme, so that a file: or http: image
    is reported instead of silently vanishing in the sanitiser."""
    references: list[tuple[str, str]] = []

    def record(tag: str, attribute: str, value: str) -> None:
        kind = _REFERENCE_KINDS.get((tag, attribute))
        if kind:
            references.append((kind, value))

    _clean(
        html,
        record,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_RECORDED_SCHEMES,
    )
    return references


class _CleanOptions(TypedDict, total=False):
    """The options of nh3.clean that this module passes on."""

    tags: AbstractSet[str]
    attributes: Mapping[str, AbstractSet[str]]
    allowed_classes: Mapping[str, AbstractSet[str]]
    url_schemes: AbstractSet[str]
    link_rel: str
    strip_comments: bool


def _clean(
    html: str,
    attribute_filter: Callable[[str, str, str], str | None],
    **options: Unpack[_CleanOptions],
) -> str:
    """nh3.clean whose attribute filter may raise: nh3 would print the exception and keep the
    attribute as written (a rewrite or a time limit silently skipped), so it is raised here."""
    failures: list[BaseException] = []

    def guarded(tag: str, attribute: str, value: str) -> str | None:
        if failures:
            return None
        try:
            return attribute_filter(tag, attribute, value)
        except BaseException as error:  # raised again below, once nh3 is done
            failures.append(error)
            return None

    cleaned = nh3.clean(html, attribute_filter=guarded, **options)
    if failures:
        raise failures[0]
    return cleaned


def sanitise(
    html: str, attribute_filter: Callable[[str, str, str], str | None] | None = None
) -> str:
    """Allowlist sanitiser: no scripts, event handlers, styles, frames, forms or js: URLs.

    Numbers that size the layout (colspan, rowspan, width, height, start) are clamped, so a
    `colspan=400000000` cannot make the PDF renderer allocate gigabytes.
    """

    def filtered(tag: str, attribute: str, value: str) -> str | None:
        bounded = clamp_attribute(tag, attribute, value)
        return (
            attribute_filter(tag, attribute, bounded)
            if attribute_filter and bounded is not None
            else bounded
        )

    return _clean(
        html,
        filtered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        allowed_classes=_ALLOWED_CLASSES,
        url_schemes=_ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# The HTML standard clamps colspan to 1..1000 and rowspan to 0..65534; WeasyPrint does not,
# and builds its grid cell by cell (colspan=400000000: 3 GB, then killed). No report table
# spans more than a few columns, so the bounds are tighter than the standard's: a table of
# 100 x 100 spans lays out in 0.2 s. Sizes are pixels (a screen, an A4 page: under 2000).
_NUMERIC_ATTRIBUTES: dict[str, tuple[int, int]] = {
    "colspan": (1, 100),
    "rowspan": (1, 100),
    "width": (1, 2000),
    "height": (1, 2000),
    "start": (-1_000_000, 1_000_000),
}
_INTEGER = re.compile(r"[\t\n\f\r ]*([-+]?[0-9]+)(%?)")


def clamp_attribute(tag: str, attribute: str, value: str) -> str | None:
    """A layout number brought within its bounds; None (drop it) when it is not a number."""
    bounds = _NUMERIC_ATTRIBUTES.get(attribute)
    if bounds is None:
        return value
    match = _INTEGER.match(value)
    if match is None:
        return None
    if match[2]:  # a share of the available width or height
        bounds = (1, 100)
    # Compare as text first: int() of a 1 MB digit string is itself slow (and refused).
    digits = match[1].lstrip("+-").lstrip("0") or "0"
    number = int(digits) if len(digits) <= 9 else 10**9
    number = -number if match[1].startswith("-") else number
    return f"{min(max(number, bounds[0]), bounds[1])}{match[2]}"


MAX_NESTING = 100  # elements inside each other; a report's deepest list or table needs ~20
# The quote markers that open a line ("> > x"): each is one <blockquote> inside the last.
_QUOTE_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]*)+", re.MULTILINE)


def _check_quote_depth(text: str) -> None:
    """Refuse a line quoted more than MAX_NESTING deep, in linear time and with its line.

    Python-Markdown would build the nesting first (its time grows with the depth, so on a
    busy machine the time limit, not the depth, used to name the fault).
    """
    for match in _QUOTE_MARKERS.finditer(text):
        if match.group().count(">") > MAX_NESTING:
            raise TextTooComplex(
                f"nested more than {MAX_NESTING} elements deep (quote markers '>')",
                text.count("\n", 0, match.start()),
            )


# The tokens of HTML as `_Markup` reads them. Text between them has no markup.
_TOKEN = re.compile(
    r"""
    <!--.*?(?:--!?>|\Z)                            # comment
  | <[!?][^>]*>?                                   # doctype, CDATA, processing instruction
  | </(?![A-Za-z])[^>]*>?                          # not an end tag (h5 makes it a comment)
  | <(/?)([A-Za-z][^\t\n\f\r />]*)([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>?  # start or end tag
""",
    re.S | re.X,
)
_ATTRIBUTE = re.compile(
    r"""([^\t\n\f\r />"'=]+)
    (?:[\t\n\f\r ]*=[\t\n\f\r ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >]*)))?""",
    re.X,
)
_ATTRIBUTE_NAME = re.compile(r"[a-z][a-z0-9_:.-]*")
# Elements whose content is text to HTML5: dropped with it (scripts) or kept as text.
_DROPPED_WITH_CONTENT = {"script", "style"}
_TEXT_CONTENT = {
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
}
_RAW_END = {
    name: re.compile(rf"</{name}(?=[\t\n\f\r />]|\Z)", re.I)
    for name in _DROPPED_WITH_CONTENT | _TEXT_CONTENT - {"plaintext"}
}
_RAW = _DROPPED_WITH_CONTENT | _TEXT_CONTENT
_READ = _ALLOWED_TAGS | _RAW
_VOID = {"br", "hr", "img"}
_FORMATTING = {"a", "code", "em", "s", "strong"}  # HTML5 reopens these after a block closes
_SPECIAL = {
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "h2",
    "h3",
    "h4",
    "li",
    "ol",
    "p",
    "pre",
    "ul",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
}
_TABLE_PARTS = {"table", "tbody", "thead", "tfoot", "tr", "td", "th"}
# A start tag closes these when they are the current element (as HTML5 does, and more).
_CLOSES = {
    "p": {"p"},
    "li": {"li"},
    "dd": {"dd", "dt"},
    "dt": {"dd", "dt"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "tr": {"td", "th", "tr"},
    **{part: frozenset(_TABLE_PARTS - {"table"}) for part in ("tbody", "thead", "tfoot")},
}
_WEIGHT = {"table": 3}  # HTML5 adds tbody and tr when they are left out


class _Markup:
    """One linear pass over HTML: its nesting, and the HTML written out unambiguously.

    Only allowlisted elements are kept (the sanitiser would drop the others, keeping their
    text); comments, scripts and styles go with their content. Attributes are re-quoted and
    text has no `<`, so HTML5 sees exactly the elements counted here. The depth counted is
    never less than the depth of HTML5's stack of open elements: a start tag always counts,
    an end tag closes only what HTML5 would certainly close, and formatting elements that
    HTML5 would reopen stay counted.
    """

    def __init__(self, html: str, *, locate: bool = True):
        self.html = html
        self.locate = locate  # lines of Python-Markdown's output are not lines of the file
        self.stack: list[str] = []
        self.depth = 0
        self.out: list[str] = []

    def check(self) -> None:
        """Raise TextTooComplex (with the line) when the HTML nests deeper than MAX_NESTING."""
        self._scan()

    def normalised(self) -> str:
        """The HTML written out unambiguously; TextTooComplex when it nests too deeply."""
        self._scan()
        return "".join(self.out)

    def _scan(self) -> None:
        html, position, write = self.html, 0, self.out.append
        for token in _TOKEN.finditer(html):
            start = token.start()
            if start < position:  # inside a script or other raw text element, already read
                continue
            if start > position:
                write(html[position:start].replace("<", "&lt;").replace(">", "&gt;"))
            position = token.end()
            name = token[2] and token[2].lower()
            if name not in _READ:
                continue
            if token[1]:
                self._end(name)
            elif name in _RAW:
                position = self._raw(name, position)
            else:
                self._start(name, token[3], start)
        self._text(html[position:])

    def _text(self, text: str) -> None:
        if text:
            self.out.append(text.replace("<", "&lt;").replace(">", "&gt;"))

    def _raw(self, name: str, position: int) -> int:
        end = _RAW_END[name].search(self.html, position) if name in _RAW_END else None
        stop = end.start() if end else len(self.html)
        if name in _TEXT_CONTENT:
            self._text(self.html[position:stop])
        if end is None:
            return stop
        close = self.html.find(">", stop)
        return len(self.html) if close < 0 else close + 1

    def _start(self, name: str, attributes: str, offset: int) -> None:
        self.out.append(f"<{name}{_attributes(attributes)}>" if attributes else f"<{name}>")
        if name in _VOID:
            return
        closes = _CLOSES.get(name, ())
        while self.stack and self.stack[-1] in closes:
            self._pop()
        self.stack.append(name)
        self.depth += _WEIGHT.get(name, 1)
        if self.depth > MAX_NESTING:
            raise TextTooComplex(
                f"HTML nested more than {MAX_NESTING} elements deep (at <{name}>)",
                self.html.count("\n", 0, offset) if self.locate else None,
            )

    def _end(self, name: str) -> None:
        if name == "br":
            self.out.append("<br>")  # HTML5 reads </br> as <br>
        if name in _VOID:
            return
        self.out.append(f"</{name}>")
        if self.stack and self.stack[-1] == name:
            self._pop()
            return
        if name in _FORMATTING:
            return
        barriers = (
            {"table"}
            if name in _TABLE_PARTS
            else _SPECIAL
            if name not in _SPECIAL
            else {"table", "td", "th", "ol", "ul"}
            if name == "li"
            else {"table", "td", "th"}
        )
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index] == name:
                self._close(index)
                return
            if self.stack[index] in barriers:
                return

    def _close(self, index: int) -> None:
        above = self.stack[index + 1 :]
        while len(self.stack) > index:
            self._pop()
        for name in above:  # HTML5 reopens them at the next text: they stay counted
            if name in _FORMATTING:
                self.stack.append(name)
                self.depth += 1

    def _pop(self) -> None:
        self.depth -= _WEIGHT.get(self.stack.pop(), 1)


def _attributes(text: str) -> str:
    written = []
    for match in _ATTRIBUTE.finditer(text):
        name = match[1].lower()
        if not _ATTRIBUTE_NAME.fullmatch(name):
            continue
        value = next((v for v in match.groups()[1:] if v is not None), None)
        written.append(
            f' {name}="{value.replace(chr(34), "&quot;")}"' if value is not None else f" {name}"
        )
    return "".join(written)


def slugify(text: str) -> str:
    """A web-safe name: lowercase ASCII letters, digits and single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def plain_text(html: str) -> str:
    """Text of an HTML fragment, for summaries and search."""
    return re.sub(r"\s+", " ", nh3.clean(html, tags=set())).strip()
