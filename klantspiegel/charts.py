"""Charts: static inline SVG computed at build time, for the site (Chromium) and PDF (WeasyPrint).

Every function is pure and returns a `Chart`: the `<svg>` plus the same data as a table for
screen readers and the print appendix. The caller passes every visible text already translated
and the portfolio's accent colour, so the site and the PDF draw the same chart.
A chart is laid out for a `width` in user units that are CSS pixels (see `svg`): every text is
13 units, and the stylesheets show a chart between 11/13 and 16/13 of its width, so its text
stays 11-16 px on screen and at least 7 pt in print. `responsive` adds a narrow layout for phones.
The SVG has a viewBox and no width, and no `style` (the site's Content-Security-Policy forbids
inline styles): colours are presentation attributes and every meaningful element has a class.
`text-anchor` sits only on `<text>`: WeasyPrint draws `<a>` as text and would shift a linked
marker that inherited an anchor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from markupsafe import Markup, escape

from klantspiegel.svg import (
    BENCHMARK,
    GRID,
    HEADLINE_SIZE,
    LINE,
    MUTED,
    NARROW,
    PREVIOUS,
    TEXT_SIZE,
    TRACK,
    WHITE,
    WIDE,
    Point,
    Scale,
    clip,
    el,
    legend,
    lines,
    marker,
    num,
    path,
    polar,
    pt,
    text,
    tint,
    wrap,
)

ACCENT = "#1d5b79"  # the default; callers pass the portfolio's `accent_colour`
QUADRANT_FILLS = {
    "quick_win": "#e3f1e7",
    "major_project": "#e3edf3",
    "fill_in": "#f3f4f6",
    "thankless": "#fbe9e7",
}
# Role -> (colour, stroke-dasharray, marker shape): colour is never the only difference.
LOOKS = {
    "current": (ACCENT, None, "circle"),
    "previous": (PREVIOUS, "6 4", "square"),
    "benchmark": (BENCHMARK, "1.5 3", "diamond"),
}
MISSING = "–"
# A radar needs this many assessed axes, and at most RADAR_MAX_MISSING unassessed ones.
RADAR_MIN_AXES, RADAR_MAX_MISSING = 5, 2

Role = Literal["current", "previous", "benchmark"]


@dataclass(frozen=True)
class Chart:
    """An `<svg>` ready for a template, with its title, summary and the data as a table.
    `narrow` is the same chart laid out for a phone, where one exists."""

    svg: Markup
    title: str
    description: str
    table_head: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]
    narrow: Markup | None = None


@dataclass(frozen=True)
class Series:
    """One radar outline: a value (or None) per axis; the role decides its look."""

    name: str
    values: Sequence[float | None]
    role: Role


@dataclass(frozen=True)
class BarRow:
    label: str
    value: float | None
    benchmark: float | None = None
    previous: float | None = None


@dataclass(frozen=True)
class JourneyPoint:
    label: str
    actor: str
    emotion: int
    moment_of_truth: bool


@dataclass(frozen=True)
class MatrixPoint:
    label: str
    impact: int
    effort: int
    href: str | None = None


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float | None


def one_decimal(value: float) -> str:
    """The default value format: one decimal with a point (callers pass a localised one)."""
    return f"{value:.1f}"


def responsive(draw: Callable[..., Chart], chart_id: str, /, **arguments: Any) -> Chart:
    """`draw` laid out at the wide width, with its narrow layout for phones beside it."""
    wide = draw(chart_id, width=WIDE, **arguments)
    return replace(wide, narrow=draw(f"{chart_id}-narrow", width=NARROW, **arguments).svg)


def radar_fits(values: Sequence[float | None]) -> bool:
    """Whether a radar still reads: enough axes assessed and few gaps."""
    known = sum(v is not None for v in values)
    return known >= RADAR_MIN_AXES and len(values) - known <= RADAR_MAX_MISSING


def _looks(role: str, accent: str) -> tuple[str, str | None, str]:
    colour, dash, shape = LOOKS[role]
    return (accent if role == "current" else colour), dash, shape


def _ring_segment(centre: Point, r_in: float, r_out: float, a: float, b: float) -> str:
    """Path of a ring segment from angle a to b (radians, clockwise on screen, at most half)."""
    p1, p2 = polar(centre, r_out, a), polar(centre, r_out, b)
    p3, p4 = polar(centre, r_in, b), polar(centre, r_in, a)
    return (
        f"M{pt(p1)}A{num(r_out)} {num(r_out)} 0 0 1 {pt(p2)}L{pt(p3)}"
        f"A{num(r_in)} {num(r_in)} 0 0 0 {pt(p4)}Z"
    )


def _series_key(role: str, accent: str) -> str:
    colour, dash, shape = _looks(role, accent)
    return el(
        "path",
        d="M-15,0L15,0",
        stroke=colour,
        stroke_width=2,
        stroke_dasharray=dash,
        class_=f"series-{role}",
    ) + marker(
        shape,
        (0, 0),
        colour,
        f"series-{role} key",
        4.5 if role == "current" else 5.5,
        outline=role != "current",
    )


def _chart(
    chart_id: str,
    kind: str,
    size: Point,
    title: str,
    description: str,
    body: Iterable[str],
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
) -> Chart:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(size[0])} '
        f'{num(size[1])}" role="img" aria-labelledby="{escape(chart_id)}-title '
        f'{escape(chart_id)}-desc" class="chart chart-{kind}" font-family="Inter, sans-serif">'
        + el("title", str(escape(title)), id=f"{chart_id}-title")
        + el("desc", str(escape(description)), id=f"{chart_id}-desc")
        + "".join(body)
        + "</svg>"
    )
    return Chart(Markup(svg), title, description, tuple(head), tuple(tuple(row) for row in rows))


def _fmt(value: float | None, value_format: Callable[[float], str]) -> str:
    return MISSING if value is None else value_format(value)


def _signed(emotion: int) -> str:
    return f"+{emotion}" if emotion > 0 else f"−{-emotion}" if emotion < 0 else "0"


def _grid(
    y: Scale, levels: Iterable[int], x0: float, x1: float, tick: Callable[[int], str] = str
) -> list[str]:
    """Horizontal grid lines with tick labels left of x0; the line at 0 is the zero line."""
    out = []
    for level in levels:
        cls, colour = ("zero", MUTED) if level == 0 else ("grid", TRACK)
        out.append(el("path", d=path([(x0, y(level)), (x1, y(level))]), stroke=colour, class_=cls))
        out.append(text(x0 - 8, y(level) + 4.5, tick(level), "axis tick", "end", MUTED))
    return out


# --- gauge -------------------------------------------------------------------------------------

_GAUGE_R = 100.0


def gauge(
    chart_id: str,
    value: float | None,
    title: str,
    description: str,
    level_name: str,
    not_assessed: str,
    minimum: float = 1.0,
    maximum: float = 5.0,
    band_labels: Sequence[str] = (),
    value_text: str = "",
    width: float = WIDE,
    accent: str = ACCENT,
) -> Chart:
    """A half-circle gauge: five level bands, an accent arc up to the value, the value as a big
    number (`value_text`, formatted by the caller) and the level name. None draws it grey with
    the not-assessed text. `band_labels` name the bands outside the arc where there is room."""
    margin = (width - 2 * _GAUGE_R) / 2
    centre, angle = (width / 2, 136.0), Scale(minimum, maximum, math.pi, 2 * math.pi)
    step, known = (maximum - minimum) / 5, value is not None
    body = [
        el(
            "path",
            d=_ring_segment(
                centre, 89, _GAUGE_R, angle(minimum + i * step), angle(minimum + (i + 1) * step)
            ),
            fill=tint(accent, 0.18 + 0.205 * i) if known else TRACK,
            stroke=WHITE,
            stroke_width=2,
            class_=f"band band-{i + 1}" if known else "band band-none",
        )
        for i in range(5)
    ]
    for i, label in enumerate(band_labels[:5] if margin >= 80 else ()):
        x, y = polar(centre, _GAUGE_R + 14, angle(minimum + (i + 0.5) * step))
        anchor = "end" if x < centre[0] - 20 else "start" if x > centre[0] + 20 else "middle"
        room = margin - 20 if anchor != "middle" else 2 * margin
        body.append(text(x, y, clip(label, room), "band-label", anchor, MUTED))
    body.append(
        el(
            "path",
            d=_ring_segment(centre, 60, 80, math.pi, 2 * math.pi),
            fill=TRACK,
            class_="track",
        )
    )
    for end, x in ((minimum, centre[0] - 70), (maximum, centre[0] + 70)):
        body.append(text(x, centre[1] + 22, f"{end:g}", "axis tick", "middle", MUTED))
    if value is None:
        body.append(
            text(
                centre[0],
                centre[1] - 12,
                not_assessed,
                "value not-assessed",
                "middle",
                MUTED,
                "600",
            )
        )
        row = not_assessed
    else:
        shown = value_text or one_decimal(value)
        body += _gauge_value(centre, angle, value, shown, level_name, accent)
        row = f"{shown} ({level_name})" if level_name else shown
    return _chart(chart_id, "gauge", (width, 166), title, description, body, (title,), [(row,)])


def _gauge_value(
    centre: Point, angle: Scale, value: float, shown: str, level: str, accent: str
) -> list[str]:
    out = (
        [
            el(
                "path",
                d=_ring_segment(centre, 60, 80, math.pi, angle(value)),
                fill=accent,
                class_="series-current value-arc",
            )
        ]
        if angle(value) > math.pi
        else []
    )
    needle = path([polar(centre, 56, angle(value)), polar(centre, 102, angle(value))])
    return [
        *out,
        el(
            "path",
            d=needle,
            stroke=BENCHMARK,
            stroke_width=3,
            stroke_linecap="round",
            class_="needle",
        ),
        text(
            centre[0],
            centre[1] - 14,
            shown,
            "value headline",
            "middle",
            weight="700",
            size=HEADLINE_SIZE,
        ),
        text(centre[0], centre[1] + 14, level, "level", "middle", weight="600"),
    ]


# --- radar -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Radar:
    centre: Point
    radius: float
    count: int

    def angle(self, index: int) -> float:
        return -math.pi / 2 + 2 * math.pi * index / max(self.count, 1)

    def point(self, index: int, value: float) -> Point:
        """Radius proportional to the value: 5 on the outer ring, 1 on the inner."""
        return polar(self.centre, Scale(0, 5, 0, self.radius)(value), self.angle(index))


def _radar_grid(
    geo: _Radar, axes: Sequence[str], assessed: Sequence[bool], not_assessed: str, width: float
) -> list[str]:
    out = []
    for ring in range(1, 6):
        points = " ".join(pt(geo.point(i, ring)) for i in range(geo.count))
        out.append(
            el(
                "polygon",
                points=points,
                fill="none",
                stroke=GRID if ring < 5 else MUTED,
                class_=f"grid ring ring-{ring}",
            )
        )
    x, y = geo.point(0, 5)
    out.append(text(x + 6, y + 16, "5", "axis tick", fill=MUTED))
    for i, label in enumerate(axes):
        tip = geo.point(i, 5)
        dash, cls = (None, "grid spoke") if assessed[i] else ("4 4", "grid spoke not-assessed")
        out.append(
            el(
                "path",
                d=path([geo.centre, tip]),
                stroke=GRID if assessed[i] else MUTED,
                stroke_dasharray=dash,
                class_=cls,
            )
        )
        angle = geo.angle(i)
        x, y = polar(geo.centre, geo.radius + 14, angle)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
        room = (width / 2 - geo.radius - 18) if anchor != "middle" else geo.radius * 1.05
        rows = wrap(label, room, max_lines=3) + ([] if assessed[i] else [f"({not_assessed})"])
        top = y + 4.5 - (len(rows) - 1) * LINE / 2 + sin * (len(rows) * LINE / 2 + 4)
        out.append(
            lines(x, top, rows[:-1] if not assessed[i] else rows, anchor, "label axis-label")
        )
        if not assessed[i]:
            out.append(text(x, top + (len(rows) - 1) * LINE, rows[-1], "axis-note", anchor, MUTED))
    return out


def _radar_series(geo: _Radar, series: Series, accent: str) -> tuple[list[str], list[str]]:
    """The outline (and, for the current series, the area) and the markers, apart: markers are
    drawn after every outline."""
    (colour, dash, shape), cls = _looks(series.role, accent), f"series-{series.role}"
    known = [geo.point(i, v) for i, v in enumerate(series.values) if v is not None]
    current = series.role == "current"
    # The current circle is small and filled; the others are larger outlines drawn over it,
    # so equal values show as a circle inside a square inside a diamond.
    size = 4.5 if current else 4.5 + 1.6 * ("previous", "benchmark").index(series.role) + 2
    markers = [marker(shape, p, colour, f"{cls} marker", size, outline=not current) for p in known]
    if len(known) < 3:
        return [], markers
    # One closed shape over the assessed axes: an unassessed axis is bridged, never a gap.
    outline = path(known) + "Z"
    out = (
        [el("path", d=outline, fill=accent, fill_opacity=0.18, class_=f"{cls} area")]
        if current
        else []
    )
    out.append(
        el(
            "path",
            d=outline,
            fill="none",
            stroke=colour,
            stroke_linejoin="round",
            stroke_width=2.5 if current else 2,
            stroke_dasharray=dash,
            class_=f"{cls} line",
        )
    )
    return out, markers


def radar(
    chart_id: str,
    axes: Sequence[str],
    series: Sequence[Series],
    title: str,
    description: str,
    value_format: Callable[[float], str] = one_decimal,
    label_heading: str = "",
    not_assessed: str = "n/a",
    width: float = WIDE,
    accent: str = ACCENT,
) -> Chart:
    """A radar chart on 1-5 with a legend: current filled and solid with circles, previous
    dashed with squares, benchmark dotted with diamonds. Each outline joins its known values;
    an axis without a current value is dashed and labelled `not_assessed`. Use it only where
    `radar_fits`. Table columns: axis (headed `label_heading`), one per series."""
    current = next((s for s in series if s.role == "current"), series[0])
    assessed = [v is not None for v in current.values]
    geo = _Radar((width / 2, 72 + 92.0), 92.0, len(axes))
    body = _radar_grid(geo, axes, assessed, not_assessed, width)
    drawn = {s.role: _radar_series(geo, s, accent) for s in series}
    order = [r for r in ("previous", "benchmark", "current") if r in drawn]
    body += [part for role in order for part in drawn[role][0]]
    body += [
        part
        for role in ("current", "previous", "benchmark")
        if role in drawn
        for part in drawn[role][1]
    ]
    keys, bottom = legend(
        [(_series_key(s.role, accent), s.name) for s in series],
        8,
        geo.centre[1] + geo.radius + 78,
        width - 16,
    )
    rows = [
        (axis, *(_fmt(s.values[i], value_format) for s in series)) for i, axis in enumerate(axes)
    ]
    return _chart(
        chart_id,
        "radar",
        (width, bottom + 10),
        title,
        description,
        [*body, keys],
        (label_heading, *(s.name for s in series)),
        rows,
    )


# --- bars --------------------------------------------------------------------------------------

_BAR, _MARK = 12.0, 12.0  # bar height; distance of the previous/benchmark marks from its middle


# A score of 1 is the scale's start: a stub, so it reads as a low score, not as a missing bar.
_MIN_BAR = 10


def _bar_row(
    row: BarRow,
    top: float,
    x: Scale,
    width: float,
    not_assessed: str,
    value_format: Callable[[float], str],
    accent: str,
) -> tuple[list[str], float]:
    """One row: the label over a lane with the bar; the previous value's square above the bar
    and the benchmark's diamond below it, each on a stem, so equal values never hide one another.
    Returns the SVG and the top of the next row."""
    label = wrap(row.label, width, max_lines=3)
    mid = top + len(label) * LINE + _MARK + 4
    out = [lines(0, top + TEXT_SIZE, label, None)]
    out += [
        el(
            "path",
            d=path([(x(v), mid - _MARK - 5), (x(v), mid + _MARK + 5)]),
            stroke=TRACK,
            class_="grid",
        )
        for v in range(1, 6)
    ]
    if row.value is None:
        out.append(text(x(1) + 4, mid + 4.5, not_assessed, "not-assessed", fill=MUTED))
        return out, mid + _MARK + 14
    out.append(
        el(
            "rect",
            x=x(1),
            y=mid - _BAR / 2,
            width=max(x(row.value) - x(1), _MIN_BAR),
            height=_BAR,
            fill=accent,
            class_="bar series-current",
        )
    )
    for role, value, side in (("previous", row.previous, -1), ("benchmark", row.benchmark, 1)):
        if value is not None:
            colour, _, shape = LOOKS[role]
            at = (x(value), mid + side * _MARK)
            out.append(
                el(
                    "path",
                    d=path([at, (at[0], mid - side * _BAR / 2)]),
                    stroke=colour,
                    stroke_width=1.5,
                    class_=f"series-{role} stem",
                )
            )
            out.append(marker(shape, at, colour, f"series-{role} marker", 4))
    out.append(text(width, mid + 4.5, value_format(row.value), "value", "end", weight="600"))
    return out, mid + _MARK + 14


def bars(
    chart_id: str,
    rows: Sequence[BarRow],
    title: str,
    description: str,
    not_assessed: str,
    benchmark_label: str,
    value_format: Callable[[float], str] = one_decimal,
    previous_label: str = "",
    label_heading: str = "",
    width: float = WIDE,
    accent: str = ACCENT,
) -> Chart:
    """Horizontal bars on 1-5, in the given order, each under its label; the previous value is a
    hollow square above the bar and the benchmark a diamond below it (named in the legend when
    `previous_label` is given); not-assessed rows show the text.
    Table columns: label (headed `label_heading`), value, benchmark, previous."""
    x = Scale(1, 5, 6, width - 46)
    body = [text(x(v), TEXT_SIZE, str(v), "axis tick", "middle", MUTED) for v in range(1, 6)]
    top = TEXT_SIZE + 10
    for row in rows:
        drawn, top = _bar_row(row, top, x, width, not_assessed, value_format, accent)
        body += drawn
    items = []
    if previous_label and any(r.previous is not None and r.value is not None for r in rows):
        items.append((marker("square", (0, 0), PREVIOUS, "series-previous key", 4), previous_label))
    if any(r.benchmark is not None and r.value is not None for r in rows):
        items.append(
            (marker("diamond", (0, 0), BENCHMARK, "series-benchmark key", 4), benchmark_label)
        )
    keys, bottom = legend(items, 0, top + 16, width) if items else ("", top - 8)
    table = [
        (
            r.label,
            MISSING if r.value is None else value_format(r.value),
            _fmt(r.benchmark, value_format),
            _fmt(r.previous, value_format),
        )
        for r in rows
    ]
    head = (label_heading, title, benchmark_label, previous_label)
    return _chart(
        chart_id, "bars", (width, bottom + 8), title, description, [*body, keys], head, table
    )
