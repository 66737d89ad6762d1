"""SVG drawing primitives for the charts: scales, text measuring and wrapping, elements, markers.

One user unit of a chart is one CSS pixel at the chart's natural width (`WIDE` or `NARROW`),
and every text is `TEXT_SIZE` units. That single size is what lets the site and the PDF keep
chart text readable: the stylesheets show a chart between `min_px` and `max_px` of its width.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape

# Natural widths: the site shows WIDE in containers of at least `WIDE_FROM` px, NARROW below.
WIDE, NARROW = 436.0, 300.0
TEXT_SIZE = 13.0  # every chart text but a gauge's headline number
HEADLINE_SIZE = 38.0
# A chart may be shown from 11/13 to 16/13 of its natural width: text stays 11-16 px.
SCALE_MIN, SCALE_MAX = 11 / TEXT_SIZE, 16 / TEXT_SIZE

PREVIOUS, BENCHMARK = "#6b7280", "#111827"
POSITIVE, NEGATIVE, MOMENT = "#1a7f37", "#b42318", "#9a5b00"
TEXT, MUTED, GRID, TRACK, WHITE = "#111827", "#4b5563", "#d1d5db", "#e5e7eb", "#ffffff"

Point = tuple[float, float]


def tint(colour: str, share: float) -> str:
    """`colour` (#rrggbb) mixed with white: share 1 is the colour, 0 is white."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * share):02x}" for c in rgb)


@dataclass(frozen=True)
class Scale:
    """A linear map from the data range lo..hi onto start..end, clamping outside values."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        value = min(max(value, self.lo), self.hi)
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def slots(count: int, start: float, end: float) -> list[float]:
    """Centres of `count` equal slots between start and end."""
    return [start + (i + 0.5) * (end - start) / count for i in range(count)]


def polar(centre: Point, radius: float, angle: float) -> Point:
    """The point at `radius` from `centre` in direction `angle` (radians, clockwise on screen)."""
    return centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)


# --- text measuring (Inter advance widths, slightly generous) ----------------------------------

_NARROW_CHARS, _WIDE_CHARS = frozenset("fijlrtI.,:;'!|()[] "), frozenset("mwMW@%")


def text_width(text: str, size: float = TEXT_SIZE) -> float:
    """Estimated advance width of `text` in Inter at `size`."""
    return size * sum(
        0.3 if c in _NARROW_CHARS else 0.88 if c in _WIDE_CHARS else 0.7 if c.isupper() else 0.58
        for c in text
    )


def clip(line: str, width: float, size: float = TEXT_SIZE) -> str:
    """`line` shortened with an ellipsis until it fits `width`."""
    while text_width(line, size) > width and len(line) > 1:
        line = line[:-2].rstrip() + "…"
    return line


def wrap(text: str, width: float, size: float = TEXT_SIZE, max_lines: int = 2) -> list[str]:
    """Greedy word wrap into lines at most `width` wide; an ellipsis marks cut text."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1] + "…"]
    return [clip(line, width, size) for line in lines]


def fits(text: str, width: float, max_lines: int, size: float = TEXT_SIZE) -> bool:
    """Whether `text` wraps into `max_lines` lines of `width` without being cut."""
    lines = wrap(text, width, size, max_lines)
    return " ".join(lines) == " ".join(text.split())


# --- SVG writing -------------------------------------------------------------------------------


def num(value: float) -> str:
    """A coordinate with at most two decimals, never `-0`."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def pt(point: Point) -> str:
    return f"{num(point[0])},{num(point[1])}"


def path(points: Sequence[Point]) -> str:
    return "M" + "L".join(map(pt, points))


def el(tag: str, content: str = "", /, **attrs: object) -> str:
    """One element; `class_` becomes `class`, other underscores become hyphens."""
    parts = "".join(
        f' {key.rstrip("_").replace("_", "-")}="'
        f'{num(value) if isinstance(value, float | int) else escape(value)}"'
        for key, value in attrs.items()
        if value is not None
    )
    return f"<{tag}{parts}>{content}</{tag}>" if content else f"<{tag}{parts}/>"


def text(
    x: float,
    y: float,
    content: str,
    cls: str = "label",
    anchor: str | None = None,
    fill: str = TEXT,
    weight: str | None = None,
    transform: str | None = None,
    size: float = TEXT_SIZE,
) -> str:
    """A `<text>`: always `TEXT_SIZE` unless the caller draws a headline."""
    return el(
        "text",
        str(escape(content)),
        x=x,
        y=y,
        font_size=size,
        font_weight=weight,
        text_anchor=anchor,
        fill=fill,
        class_=cls,
        transform=transform,
    )


LINE = TEXT_SIZE * 1.25


def lines(x: float, y: float, rows: Sequence[str], anchor: str | None, cls: str = "label") -> str:
    """Several lines of text, the first baseline at y."""
    return "".join(text(x, y + i * LINE, row, cls, anchor) for i, row in enumerate(rows))


def marker(
    shape: str, at: Point, colour: str, cls: str, size: float = 4.5, outline: bool = False
) -> str:
    """A filled circle, a hollow square or a filled diamond centred on `at`; an `outline`
    marker is only its stroke, so a smaller marker under it stays visible."""
    x, y = at
    if shape == "circle":
        return el("circle", cx=x, cy=y, r=size, fill=colour, stroke=WHITE, class_=cls)
    if shape == "square":
        side = size * 1.7
        return el(
            "rect",
            x=x - side / 2,
            y=y - side / 2,
            width=side,
            height=side,
            fill="none" if outline else WHITE,
            stroke=colour,
            stroke_width=1.8,
            class_=cls,
        )
    d = size * 1.3
    corners = " ".join(map(pt, [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]))
    if outline:
        return el(
            "polygon", points=corners, fill="none", stroke=colour, stroke_width=1.8, class_=cls
        )
    return el("polygon", points=corners, fill=colour, class_=cls)


def star(at: Point, radius: float = 6.5) -> str:
    corners = [
        polar(at, radius * (1 if i % 2 == 0 else 0.45), -math.pi / 2 + i * math.pi / 5)
        for i in range(10)
    ]
    return el("polygon", points=" ".join(map(pt, corners)), fill=MOMENT, class_="moment star")


def legend(items: Sequence[tuple[str, str]], x: float, y: float, width: float) -> tuple[str, float]:
    """(symbol drawn around 0,0; label) entries flowing in rows within `width` from x, the first
    baseline at y. Returns the SVG and the baseline below the last row."""
    out, left, baseline = [], x, y
    for symbol, label in items:
        label = clip(label, width - 40)
        item_width = 40 + text_width(label) + 16
        if left > x and left + item_width > x + width:
            left, baseline = x, baseline + LINE + 6
        out.append(
            el(
                "g",
                symbol,
                transform=f"translate({num(left + 16)} {num(baseline - 4)})",
                class_="legend-key",
            )
        )
        out.append(text(left + 40, baseline, label, "legend"))
        left += item_width
    return "".join(out), baseline
