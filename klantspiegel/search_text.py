"""What a search finds on a rendered page: its title, eyebrow and text, as the page shows them.

The same region Pagefind indexes: the element marked `data-pagefind-body`, without what is
marked `data-pagefind-ignore` (and without scripts, styles, templates and drawings). The page
is parsed by libxml2 (lxml), which reads a page several times faster than Python's own
parser; the pages are our own rendered output, so the two read them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import lxml.etree
import lxml.html

# HTML's void elements: they have no end tag, so they never open a level.
VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
# Text in these runs on; every other element separates words ("</p><p>" is a space).
_INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "cite",
        "code",
        "em",
        "i",
        "mark",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
    }
)
_SKIPPED = frozenset({"script", "style", "template", "svg"})
# deep nesting is refused when a portfolio is read; this only keeps libxml2 reading past 256
_PARSER = lxml.html.HTMLParser(huge_tree=True, remove_comments=False)
# the outermost marked elements, in page order: a region inside a region is part of it
_REGIONS = lxml.etree.XPath("//*[@data-pagefind-body][not(ancestor::*[@data-pagefind-body])]")


@dataclass
class IndexedText:
    title: str  # the h1's
    context: str  # the page's eyebrow (`data-pagefind-meta`)
    text: str


@dataclass
class _Reading:
    title: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)  # what each open element is for
    skipped: int = 0  # open elements whose text is not indexed

    def add(self, data: str | None) -> None:
        if not data or self.skipped:
            return
        if "h1" in self.roles:
            self.title.append(data)
        elif "meta" in self.roles:
            self.context.append(data)
        else:
            self.text.append(data)


def indexed_text(page: str) -> IndexedText | None:
    """The indexed title, eyebrow and text of a rendered page, each with its white space
    squashed; None if the page has no indexed region."""
    regions = _REGIONS(lxml.html.document_fromstring(page, parser=_PARSER))
    if not regions:
        return None
    reading = _Reading()
    for region in regions:
        _read(region, reading)
    return IndexedText(_squash(reading.title), _squash(reading.context), _squash(reading.text))


def _read(region: lxml.html.HtmlElement, reading: _Reading) -> None:
    """Add the text of region (but not its tail) to reading."""
    for event, element in lxml.etree.iterwalk(region, events=("start", "end", "comment", "pi")):
        tag = element.tag
        if event in ("comment", "pi"):  # not shown, but the text after it is
            reading.add(element.tail)
            continue
        if event == "start":
            if tag not in _INLINE:
                reading.text.append(" ")
            if tag in VOID_ELEMENTS:
                continue
            reading.roles.append(_role(element, tag))
            reading.skipped += reading.roles[-1] == "skip"
            reading.add(element.text)
            continue
        if tag not in VOID_ELEMENTS:
            reading.skipped -= reading.roles.pop() == "skip"
            if tag not in _INLINE:
                reading.text.append(" ")
        if element is not region:
            reading.add(element.tail)


def _role(element: lxml.html.HtmlElement, tag: str) -> str:
    if "data-pagefind-ignore" in element.attrib or tag in _SKIPPED:
        return "skip"
    if tag == "h1":
        return "h1"
    return "meta" if "data-pagefind-meta" in element.attrib else "text"


def _squash(parts: list[str]) -> str:
    return " ".join("".join(parts).split())
