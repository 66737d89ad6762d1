"""How full each page of a PDF is, from poppler's text boxes (`pdftotext -bbox-layout`).

A page's fill is the distance from the top of the content area to the bottom of its last
text line, over the content area's height; the running header and footer sit in the page
margins and are ignored. Charts count through their labels, tables through their cells.

`python tests/page_fill.py FILE.pdf...` prints the fill of every page and the thin ones.
"""

from __future__ import annotations

import html
import itertools
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MM = 72 / 25.4
PAGE_HEIGHT = 841.89  # A4, in points
TOP_MARGIN = 26 * MM  # templates/assets/css/pdf.css, @page margin
BOTTOM_MARGIN = 24 * MM
CONTENT_TOP = TOP_MARGIN
CONTENT_BOTTOM = PAGE_HEIGHT - BOTTOM_MARGIN
CONTENT_HEIGHT = CONTENT_BOTTOM - CONTENT_TOP
THIN = 0.55  # issue 12: no page but the last under about 55 % filled

_LINE = re.compile(
    r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>', re.S
)
_WORD = re.compile(r"<word[^>]*>(.*?)</word>")


@dataclass(frozen=True)
class Line:
    """One text line inside the content area: top and bottom in points from the page top."""

    top: float
    bottom: float
    text: str


@dataclass(frozen=True)
class Page:
    """One page: its number (1-based) and its text lines inside the content area, top down."""

    number: int
    lines: tuple[Line, ...]

    @property
    def fill(self) -> float:
        """The filled fraction of the content area: 0 for an empty page, 1 for a full one."""
        if not self.lines:
            return 0.0
        bottom = max(line.bottom for line in self.lines)
        return max(0.0, min(1.0, (bottom - CONTENT_TOP) / CONTENT_HEIGHT))

    @property
    def free(self) -> float:
        """The empty height (pt) below the last line, down to the bottom of the content area."""
        return CONTENT_HEIGHT * (1 - self.fill)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def pages(pdf: Path) -> list[Page]:
    """Every page of a PDF with its content lines (header and footer left out)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    result = []
    for number, page in enumerate(xml.split("<page ")[1:], 1):
        lines = []
        for top, bottom, body in _LINE.findall(page):
            y0, y1 = float(top), float(bottom)
            if y1 <= CONTENT_TOP or y0 >= CONTENT_BOTTOM:
                continue  # running header or footer
            words = " ".join(html.unescape(w) for w in _WORD.findall(body))
            lines.append(Line(y0, y1, words))
        lines.sort(key=lambda line: (line.top, line.bottom))
        result.append(Page(number, tuple(lines)))
    return result


_BLOCK = re.compile(r"<block [^>]*>(.*?)</block>", re.S)
_HYPHEN = "\u2010"  # what WeasyPrint prints where `hyphens: auto` breaks a word


def hyphenated_words(pdf: Path) -> list[str]:
    """Every word the PDF breaks with a hyphen at the end of a line, joined again."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for block in _BLOCK.findall(xml):
        lines = [
            [html.unescape(w) for w in _WORD.findall(body)] for *_, body in _LINE.findall(block)
        ]
        for line, following in itertools.pairwise(lines):
            if line and following and line[-1].endswith((_HYPHEN, "\u00ad")):
                found.append(line[-1][:-1] + following[0])
    return found


def thin_pages(pdf: Path, threshold: float = THIN) -> list[Page]:
    """Pages under the threshold, the cover (page 1) and the last page left out."""
    found = pages(pdf)
    return [p for p in found[1:-1] if p.fill < threshold]


def main(paths: list[str]) -> int:
    total = thin = 0
    for name in paths:
        found = pages(Path(name))
        fills = " ".join(f"{p.fill:.0%}" for p in found)
        bad = thin_pages(Path(name))
        total += len(found)
        thin += len(bad)
        print(f"{Path(name).name}: {len(found)} pages, {len(bad)} thin: {[p.number for p in bad]}")
        print(f"  {fills}")
    print(f"total: {total} pages, {thin} thin (< {THIN:.0%}, cover and last page excluded)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
