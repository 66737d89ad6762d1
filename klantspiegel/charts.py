"""Charts: static inline SVG computed at build time, for the site (Chromium) and PDF (WeasyPrint).

Every function is pure and returns a `Chart`: the `<svg>` plus the same data as a table for
screen readers and the print appendix. The caller passes every visible text already translated.
The SVG has a viewBox and no width, so it fills the width of its container in both renderers.
It carries no `style` attribute or element (the site's Content-Security-Policy forbids inline
styles): colours are presentation attributes and every meaningful element has a class
(`series-current`, `band-3`, `grid`, `label`, ...) so the site's CSS can recolour it.
`text-anchor` sits only on `<text>`: WeasyPrint draws `<a>` as text and would shift a linked
marker that inherited an anchor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

from klantspiegel.scoring import priority_quadrant

ACCENT, PREVIOUS, BENCHMARK = "#1d5b79", "#6b7280", "#111827"
POSITIVE, NEGATIVE, MOMENT = "#1a7f37", "#b42318", "#9a5b00"
TEXT, MUTED, GRID, TRACK, WHITE = "#111827", "#4b5563", "#d1d5db", "#e5e7eb", "#ffffff"
BANDS = ("#d6e4ec", "#a9c6d6", "#79a4bc", "#4a80a0", "#1d5b79")
QUADRANT_FILLS = {"quick_win": "#e3f1e7", "major_project": "#e3edf3", "fill_in": "#f3f4f6",
                  "thankless": "#fbe9e7"}
# Role -> (colour, stroke-dasharray, marker shape): colour is never the only difference.
LOOKS = {"current": (ACCENT, None, "circle"), "previous": (PREVIOUS, "6 4", "square"),
         "benchmark": (BENCHMARK, "1.5 3", "diamond")}
MISSING = "–"

Role = Literal["current", "previous", "benchmark"]
Point = tuple[float, float]


@dataclass(frozen=True)
class Chart:
    """An `<svg>` ready for a template, with its title, summary and the data as a table."""

    svg: Markup
    title: str
    description: str
    table_head: tuple[str, ...]
    table_rows: tuple[tuple[str, ...], ...]


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


# --- geometry: every coordinate comes from these helpers ---------------------------------------

@dataclass(frozen=True)
class _Scale:
    """A linear map from the data range lo..hi onto start..end, clamping outside values."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        value = min(max(value, self.lo), self.hi)
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def _slots(count: int, start: float, end: float) -> list[float]:
    """Centres of `count` equal slots between start and end."""
    return [start + (i + 0.5) * (end - start) / count for i in range(count)]


def _polar(centre: Point, radius: float, angle: float) -> Point:
    return centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)


_RADAR_CENTRE, _RADAR_RADIUS = (320.0, 222.0), 160.0


def _radar_angle(index: int, count: int) -> float:
    return -math.pi / 2 + 2 * math.pi * index / max(count, 1)


def _radar_point(index: int, count: int, value: float) -> Point:
    """Radius proportional to the value: 5 on the outer ring, 1 on the inner (never the centre)."""
    radius = _Scale(0, 5, 0, _RADAR_RADIUS)(value)
    return _polar(_RADAR_CENTRE, radius, _radar_angle(index, count))


def _ring_segment(centre: Point, r_in: float, r_out: float, a: float, b: float) -> str:
    """Path of a ring segment from angle a to b (radians, clockwise on screen, at most half)."""
    p1, p2 = _polar(centre, r_out, a), _polar(centre, r_out, b)
    p3, p4 = _polar(centre, r_in, b), _polar(centre, r_in, a)
    return (f"M{_pt(p1)}A{_num(r_out)} {_num(r_out)} 0 0 1 {_pt(p2)}L{_pt(p3)}"
            f"A{_num(r_in)} {_num(r_in)} 0 0 0 {_pt(p4)}Z")


def _segments(points: Sequence[Point | None], closed: bool) -> str:
    """Path of a line through the known points, with a gap wherever a value is missing."""
    following = [*points[1:], *points[:1]] if closed else points[1:]
    return "".join(_path([a, b]) for a, b in zip(points, following, strict=False) if a and b)


# --- text measuring (Inter advance widths, slightly generous) ----------------------------------

_NARROW, _WIDE = frozenset("fijlrtI.,:;'!|()[] "), frozenset("mwMW@%")


def _width(text: str, size: float) -> float:
    return size * sum(0.3 if c in _NARROW else 0.88 if c in _WIDE else 0.7 if c.isupper()
                      else 0.58 for c in text)


def _clip(line: str, width: float, size: float) -> str:
    while _width(line, size) > width and len(line) > 1:
        line = line[:-2].rstrip() + "…"
    return line


def _wrap(text: str, width: float, size: float, max_lines: int = 2) -> list[str]:
    """Greedy word wrap into lines at most `width` wide; an ellipsis marks cut text."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1] + "…"]
    return [_clip(line, width, size) for line in lines]


# --- SVG writing -------------------------------------------------------------------------------

def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pt(point: Point) -> str:
    return f"{_num(point[0])},{_num(point[1])}"


def _path(points: Sequence[Point]) -> str:
    return "M" + "L".join(map(_pt, points))


def _el(tag: str, content: str = "", /, **attrs: object) -> str:
    """One element; `class_` becomes `class`, other underscores become hyphens."""
    parts = "".join(
        f' {key.rstrip("_").replace("_", "-")}="'
        f'{_num(value) if isinstance(value, float | int) else escape(value)}"'
        for key, value in attrs.items() if value is not None)
    return f"<{tag}{parts}>{content}</{tag}>" if content else f"<{tag}{parts}/>"


def _text(x: float, y: float, text: str, size: float = 12, cls: str = "label",
          anchor: str | None = None, fill: str = TEXT, weight: str | None = None,
          transform: str | None = None) -> str:
    return _el("text", str(escape(text)), x=x, y=y, font_size=size, font_weight=weight,
               text_anchor=anchor, fill=fill, class_=cls, transform=transform)


def _lines(x: float, y: float, lines: Sequence[str], size: float, anchor: str | None,
           cls: str = "label") -> str:
    """Several lines of text, the first baseline at y."""
    return "".join(_text(x, y + i * size * 1.2, line, size, cls, anchor)
                   for i, line in enumerate(lines))


def _marker(shape: str, at: Point, colour: str, cls: str, size: float = 4.5) -> str:
    x, y = at
    if shape == "circle":
        return _el("circle", cx=x, cy=y, r=size, fill=colour, stroke=WHITE, class_=cls)
    if shape == "square":
        side = size * 1.7
        return _el("rect", x=x - side / 2, y=y - side / 2, width=side, height=side, fill=WHITE,
                   stroke=colour, stroke_width=1.8, class_=cls)
    d = size * 1.3
    corners = [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]
    return _el("polygon", points=" ".join(map(_pt, corners)), fill=colour, class_=cls)


def _star(at: Point, radius: float = 6.5) -> str:
    corners = [_polar(at, radius * (1 if i % 2 == 0 else 0.45), -math.pi / 2 + i * math.pi / 5)
               for i in range(10)]
    return _el("polygon", points=" ".join(map(_pt, corners)), fill=MOMENT, class_="moment star")


def _legend(items: Sequence[tuple[str, str]], x: float, y: float, centred: bool = False) -> str:
    """A row of (symbol drawn around 0,0; label) entries, its first baseline at y."""
    widths = [40 + _width(label, 12) + 20 for _, label in items]
    x = x - sum(widths) / 2 if centred else x
    out = []
    for (symbol, label), width in zip(items, widths, strict=True):
        out.append(_el("g", symbol, transform=f"translate({_num(x + 16)} {_num(y - 4)})",
                       class_="legend-key"))
        out.append(_text(x + 40, y, label, 12, "legend"))
        x += width
    return "".join(out)


def _series_key(role: str) -> str:
    colour, dash, shape = LOOKS[role]
    return (_el("path", d="M-15,0L15,0", stroke=colour, stroke_width=2, stroke_dasharray=dash,
                class_=f"series-{role}")
            + _marker(shape, (0, 0), colour, f"series-{role} key"))


def _chart(chart_id: str, kind: str, size: Point, title: str, description: str,
           body: Iterable[str], head: Sequence[str], rows: Iterable[Sequence[str]]) -> Chart:
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(size[0])} '
           f'{_num(size[1])}" role="img" aria-labelledby="{escape(chart_id)}-title '
           f'{escape(chart_id)}-desc" class="chart chart-{kind}" font-family="Inter, sans-serif">'
           + _el("title", str(escape(title)), id=f"{chart_id}-title")
           + _el("desc", str(escape(description)), id=f"{chart_id}-desc")
           + "".join(body) + "</svg>")
    return Chart(Markup(svg), title, description, tuple(head),
                 tuple(tuple(row) for row in rows))


def _fmt(value: float | None, value_format: Callable[[float], str]) -> str:
    return MISSING if value is None else value_format(value)


def _signed(emotion: int) -> str:
    return f"+{emotion}" if emotion > 0 else f"−{-emotion}" if emotion < 0 else "0"


def _grid(y: _Scale, levels: Iterable[int], x0: float, x1: float,
          tick: Callable[[int], str] = str) -> list[str]:
    """Horizontal grid lines with tick labels left of x0; the line at 0 is the zero line."""
    out = []
    for level in levels:
        cls, colour = ("zero", MUTED) if level == 0 else ("grid", TRACK)
        out.append(_el("path", d=_path([(x0, y(level)), (x1, y(level))]), stroke=colour,
                       class_=cls))
        out.append(_text(x0 - 10, y(level) + 4, tick(level), 11, "axis tick", "end", MUTED))
    return out


# --- charts ------------------------------------------------------------------------------------

def gauge(chart_id: str, value: float | None, title: str, description: str, level_name: str,
          not_assessed: str, minimum: float = 1.0, maximum: float = 5.0,
          band_labels: Sequence[str] = (), value_text: str = "") -> Chart:
    """A half-circle gauge: five level bands, an accent arc up to the value, the value as a big
    number (`value_text`, formatted by the caller) and the level name. None draws it grey with
    the not-assessed text. `band_labels` (optional) name the bands outside the arc."""
    margin = 112 if band_labels else 16
    centre, angle = (130.0 + margin, 164.0), _Scale(minimum, maximum, math.pi, 2 * math.pi)
    step, known = (maximum - minimum) / 5, value is not None
    body = [_el("path", d=_ring_segment(centre, 114, 128, angle(minimum + i * step),
                                        angle(minimum + (i + 1) * step)),
                fill=BANDS[i] if known else TRACK, stroke=WHITE, stroke_width=2,
                class_=f"band band-{i + 1}" if known else "band band-none") for i in range(5)]
    for i, label in enumerate(band_labels[:5]):
        x, y = _polar(centre, 146, angle(minimum + (i + 0.5) * step))
        anchor = "end" if x < centre[0] - 20 else "start" if x > centre[0] + 20 else "middle"
        body.append(_text(x, y, _clip(label, 106, 13), 13, "band-label", anchor, MUTED))
    body.append(_el("path", d=_ring_segment(centre, 80, 104, math.pi, 2 * math.pi), fill=TRACK,
                    class_="track"))
    for end, x in ((minimum, centre[0] - 92), (maximum, centre[0] + 92)):
        body.append(_text(x, centre[1] + 20, f"{end:g}", 13, "axis tick", "middle", MUTED))
    if value is None:
        body.append(_text(centre[0], centre[1] - 12, not_assessed, 18, "value not-assessed",
                          "middle", MUTED, "600"))
        row = not_assessed
    else:
        shown = value_text or one_decimal(value)
        body += _gauge_value(centre, angle, value, shown, level_name)
        row = f"{shown} ({level_name})" if level_name else shown
    return _chart(chart_id, "gauge", (260 + 2 * margin, 192), title, description, body,
                  (title,), [(row,)])


def _gauge_value(centre: Point, angle: _Scale, value: float, text: str, level: str) -> list[str]:
    out = [_el("path", d=_ring_segment(centre, 80, 104, math.pi, angle(value)), fill=ACCENT,
               class_="series-current value-arc")] if angle(value) > math.pi else []
    needle = _path([_polar(centre, 74, angle(value)), _polar(centre, 130, angle(value))])
    return [*out, _el("path", d=needle, stroke=BENCHMARK, stroke_width=3, stroke_linecap="round",
                      class_="needle"),
            _text(centre[0], centre[1] - 16, text, 44, "value", "middle", weight="700"),
            _text(centre[0], centre[1] + 12, level, 15, "level", "middle", weight="600")]


def _radar_grid(axes: Sequence[str]) -> list[str]:
    count, out = len(axes), []
    for ring in range(1, 6):
        points = " ".join(_pt(_radar_point(i, count, ring)) for i in range(count))
        out.append(_el("polygon", points=points, fill="none", stroke=GRID if ring < 5 else MUTED,
                       class_=f"grid ring ring-{ring}"))
        x, y = _radar_point(0, count, ring)
        out.append(_text(x + 4, y - 3, str(ring), 10, "axis tick", fill=MUTED))
    for i, label in enumerate(axes):
        tip = _radar_point(i, count, 5)
        out.append(_el("path", d=_path([_RADAR_CENTRE, tip]), stroke=GRID, class_="grid spoke"))
        angle = _radar_angle(i, count)
        x, y = _polar(_RADAR_CENTRE, _RADAR_RADIUS + 14, angle)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
        lines = _wrap(label, 128, 13)
        top = y + 4.5 - (len(lines) - 1) * 7.8 + sin * (len(lines) * 7.8 + 4)
        out.append(_lines(x, top, lines, 13, anchor, "label axis-label"))
    return out


def _radar_series(series: Series, count: int) -> list[str]:
    (colour, dash, shape), cls = LOOKS[series.role], f"series-{series.role}"
    points = [None if v is None else _radar_point(i, count, v)
              for i, v in enumerate(series.values)]
    known, line = [p for p in points if p is not None], _segments(points, closed=True)
    out = []
    if series.role == "current" and len(known) > 2 and len(known) >= count - 1:
        # Filled across the known axes, and only with at most one missing: wider gaps would
        # turn the shape into guesswork. The outline always shows each gap.
        out.append(_el("path", d=_path(known) + "Z", fill=ACCENT, fill_opacity=0.18,
                       class_=f"{cls} area"))
    if line:
        out.append(_el("path", d=line, fill="none", stroke=colour, stroke_linecap="round",
                       stroke_width=2.5 if series.role == "current" else 2,
                       stroke_dasharray=dash, class_=f"{cls} line"))
    return out + [_marker(shape, p, colour, f"{cls} marker") for p in points if p]


def radar(chart_id: str, axes: Sequence[str], series: Sequence[Series], title: str,
          description: str, value_format: Callable[[float], str] = one_decimal,
          label_heading: str = "") -> Chart:
    """A radar chart on 1-5 with a legend: current filled and solid with circles, previous
    dashed with squares, benchmark dotted with diamonds. A missing value leaves a gap.
    Table columns: axis (headed `label_heading`), one per series."""
    body = _radar_grid(axes)
    for item in sorted(series, key=lambda s: ("previous", "benchmark", "current").index(s.role)):
        body += _radar_series(item, len(axes))
    body.append(_legend([(_series_key(s.role), s.name) for s in series], 320, 450, True))
    rows = [(axis, *(_fmt(s.values[i], value_format) for s in series))
            for i, axis in enumerate(axes)]
    return _chart(chart_id, "radar", (640, 464), title, description, body,
                  (label_heading, *(s.name for s in series)), rows)


def _bar_row(row: BarRow, mid: float, x: _Scale, not_assessed: str,
             value_format: Callable[[float], str]) -> list[str]:
    lines = _wrap(row.label, 224, 13)
    out = [_lines(0, mid + 4.5 - (len(lines) - 1) * 7.8, lines, 13, None)]
    if row.value is None:
        return [*out, _text(x(1) + 4, mid + 4.5, not_assessed, 12, "not-assessed", fill=MUTED)]
    out.append(_el("rect", x=x(1), y=mid - 8, width=max(x(row.value) - x(1), 2), height=16,
                   fill=ACCENT, class_="bar series-current"))
    if row.benchmark is not None:
        tick = _path([(x(row.benchmark), mid - 13), (x(row.benchmark), mid + 13)])
        out.append(_el("path", d=tick, stroke=BENCHMARK, stroke_width=3,
                       class_="series-benchmark marker"))
    if row.previous is not None:
        out.append(_el("circle", cx=x(row.previous), cy=mid, r=4.5, fill=WHITE, stroke=PREVIOUS,
                       stroke_width=2, class_="series-previous marker"))
    return [*out, _text(x(5) + 12, mid + 4.5, value_format(row.value), 13, "value", weight="600")]


def bars(chart_id: str, rows: Sequence[BarRow], title: str, description: str, not_assessed: str,
         benchmark_label: str, value_format: Callable[[float], str] = one_decimal,
         previous_label: str = "", label_heading: str = "") -> Chart:
    """Horizontal bars on 1-5 with a tick for the benchmark and a hollow circle for the previous
    value (named in the legend when `previous_label` is given); not-assessed rows show the text.
    Table columns: label (headed `label_heading`), value, benchmark, previous."""
    x, top, row_h = _Scale(1, 5, 236, 508), 28, 36
    bottom = top + row_h * len(rows)
    body = []
    for v in range(1, 6):
        body.append(_text(x(v), 16, str(v), 11, "axis tick", "middle", MUTED))
        body.append(_el("path", d=_path([(x(v), top - 6), (x(v), bottom)]), stroke=GRID,
                        class_="grid"))
    for i, row in enumerate(rows):
        body += _bar_row(row, top + row_h * (i + 0.5), x, not_assessed, value_format)
    legend = []
    if any(r.benchmark is not None and r.value is not None for r in rows):
        legend.append((_el("path", d="M0,-9L0,9", stroke=BENCHMARK, stroke_width=3,
                           class_="series-benchmark"), benchmark_label))
    if previous_label and any(r.previous is not None and r.value is not None for r in rows):
        legend.append((_el("circle", r=4.5, fill=WHITE, stroke=PREVIOUS, stroke_width=2,
                           class_="series-previous"), previous_label))
    body.append(_legend(legend, x(1) - 16, bottom + 24))
    table = [(r.label, MISSING if r.value is None else value_format(r.value),
              _fmt(r.benchmark, value_format), _fmt(r.previous, value_format)) for r in rows]
    head = (label_heading, title, benchmark_label, previous_label)
    return _chart(chart_id, "bars", (560, bottom + 36), title, description, body, head, table)


def _journey_point(step: JourneyPoint, at: Point) -> list[str]:
    out = []
    if step.moment_of_truth:
        out.append(_el("circle", cx=at[0], cy=at[1], r=11, fill="none", stroke=MOMENT,
                       stroke_width=2, class_="moment ring"))
        out.append(_star((at[0], at[1] - 20)))
    if step.emotion > 0:
        return [*out, _marker("circle", at, POSITIVE, "point point-positive", 6)]
    if step.emotion < 0:
        return [*out, _marker("diamond", at, NEGATIVE, "point point-negative", 5.5)]
    return [*out, _el("circle", cx=at[0], cy=at[1], r=5, fill=WHITE, stroke=MUTED,
                      stroke_width=2, class_="point point-neutral")]


def journey_curve(chart_id: str, steps: Sequence[JourneyPoint], title: str, description: str,
                  moment_label: str, headings: Sequence[str] = ()) -> Chart:
    """The customer's emotion (-2..+2) per step as a line; points above zero are circles, below
    diamonds, at zero hollow; a ring and a star mark each moment of truth (named in a legend).
    Table columns: number, step, actor, emotion, moment (override the head with `headings`)."""
    y, xs = _Scale(-2, 2, 200, 44), _slots(len(steps), 56, 628)
    body = _grid(y, range(-2, 3), 56, 628, _signed)
    points = [(xs[i], y(step.emotion)) for i, step in enumerate(steps)]
    if len(points) > 1:
        body.append(_el("path", d=_path(points), fill="none", stroke=ACCENT, stroke_width=2.5,
                        stroke_linejoin="round", class_="series-current line"))
    width = (628 - 56) / max(len(steps), 1) - 2
    labels = [_wrap(step.label, width, 11, 3) for step in steps]
    for i, (step, at) in enumerate(zip(steps, points, strict=True)):
        body += _journey_point(step, at)
        body.append(_text(at[0], 224, str(i + 1), 12, "label step-number", "middle",
                          weight="700"))
        body.append(_lines(at[0], 240, labels[i], 11, "middle"))
    bottom = 240 + 13.2 * max((len(lines) for lines in labels), default=1)
    if any(s.moment_of_truth for s in steps):
        body.append(_legend([(_star((0, 0)), moment_label)], 40, bottom + 18))
        bottom += 30
    rows = [(str(i + 1), s.label, s.actor, _signed(s.emotion),
             moment_label if s.moment_of_truth else "") for i, s in enumerate(steps)]
    head = tuple(headings) or ("#", "", "", "±", moment_label)
    return _chart(chart_id, "journey", (640, bottom), title, description, body, head, rows)


def _matrix_marker(number: int, point: MatrixPoint, at: Point, radius: float) -> str:
    marker = (_el("title", str(escape(f"{number}. {point.label}")))
              + _el("circle", cx=at[0], cy=at[1], r=radius, fill=ACCENT, stroke=WHITE,
                    stroke_width=1.5, class_="point series-current")
              + _text(at[0], at[1] + radius * 0.36, str(number), min(11, radius), "point-number",
                      "middle", WHITE, "700"))
    if point.href:
        return _el("a", marker, href=point.href, class_="point-link")
    return _el("g", marker, class_="point-group")


def _matrix_markers(points: Sequence[MatrixPoint], x: _Scale, y: _Scale) -> list[str]:
    """Numbered markers; points sharing a cell sit on a small grid around its centre."""
    cells: dict[tuple[int, int], list[int]] = {}
    for i, p in enumerate(points):
        cells.setdefault((p.impact, p.effort), []).append(i)
    out: dict[int, str] = {}
    for (impact, effort), members in cells.items():
        cols = math.ceil(math.sqrt(len(members)))
        rows, gap = math.ceil(len(members) / cols), min(26.0, 68 / cols)
        for k, i in enumerate(members):
            at = (x(effort) + (k % cols - (cols - 1) / 2) * gap,
                  y(impact) + (k // cols - (rows - 1) / 2) * gap)
            out[i] = _matrix_marker(i + 1, points[i], at, min(12.0, gap / 2 - 1))
    return [out[i] for i in range(len(points))]


def priority_matrix(chart_id: str, points: Sequence[MatrixPoint], title: str, description: str,
                    axis_impact: str, axis_effort: str, quadrant_names: Mapping[str, str],
                    headings: Sequence[str] = ()) -> Chart:
    """Recommendations as numbered circles by effort (x, low left) and impact (y, high up), in
    quick wins, major projects, fill-ins and thankless tasks (3 counts as high); a marker with
    an href links. Table columns: number, label, impact, effort, quadrant (see `headings`)."""
    x, y = _Scale(1, 5, 108, 396), _Scale(1, 5, 358, 70)
    left, right, top, bottom, split_x, split_y = 72, 432, 8, 420, x(2.5), y(2.5)
    body = []
    for key, x0, y0, x1, y1, baseline in (
            ("quick_win", left, top, split_x, split_y, top + 18),
            ("major_project", split_x, top, right, split_y, top + 18),
            ("fill_in", left, split_y, split_x, bottom, bottom - 9),
            ("thankless", split_x, split_y, right, bottom, bottom - 9)):
        body.append(_el("rect", x=x0, y=y0, width=x1 - x0, height=y1 - y0,
                        fill=QUADRANT_FILLS[key], class_=f"quadrant quadrant-{key}"))
        name = _clip(quadrant_names.get(key, ""), x1 - x0 - 16, 12)
        body.append(_text(x0 + 8, baseline, name, 12, "quadrant-name", weight="700"))
    body.append(_el("path", d=_path([(split_x, top), (split_x, bottom)])
                    + _path([(left, split_y), (right, split_y)]), stroke=MUTED,
                    stroke_width=1.5, class_="axis split"))
    for v in range(1, 6):
        body.append(_text(x(v), bottom + 18, str(v), 11, "axis tick", "middle", MUTED))
        body.append(_text(left - 10, y(v) + 4, str(v), 11, "axis tick", "end", MUTED))
    middle = (top + bottom) / 2
    body.append(_text((left + right) / 2, bottom + 40, axis_effort, 13, "axis-title", "middle",
                      weight="600"))
    body.append(_text(24, middle, axis_impact, 13, "axis-title", "middle", weight="600",
                      transform=f"rotate(-90 24 {_num(middle)})"))
    body += _matrix_markers(points, x, y)
    rows = [(str(i + 1), p.label, str(p.impact), str(p.effort),
             quadrant_names.get(priority_quadrant(p.impact, p.effort), ""))
            for i, p in enumerate(points)]
    head = tuple(headings) or ("#", "", axis_impact, axis_effort, "")
    return _chart(chart_id, "matrix", (452, 472), title, description, body, head, rows)


def trend(chart_id: str, points: Sequence[TrendPoint], title: str, description: str,
          value_format: Callable[[float], str] = one_decimal, label_heading: str = "") -> Chart:
    """A small line chart of a 1-5 value over audits; a missing value breaks the line.
    Table columns: label (headed `label_heading`), value (headed `title`)."""
    y, xs = _Scale(1, 5, 150, 30), _slots(len(points), 40, 392)
    body = _grid(y, range(1, 6), 40, 392)
    known = [None if p.value is None else (xs[i], y(p.value)) for i, p in enumerate(points)]
    if line := _segments(known, closed=False):
        body.append(_el("path", d=line, fill="none", stroke=ACCENT, stroke_width=2.5,
                        stroke_linecap="round", class_="series-current line"))
    width = (392 - 40) / max(len(points), 1) - 2
    for point, at, x in zip(points, known, xs, strict=True):
        if at is not None and point.value is not None:
            body.append(_marker("circle", at, ACCENT, "series-current marker", 5))
            body.append(_text(x, at[1] - 10, value_format(point.value), 12, "value", "middle",
                              weight="700"))
        body.append(_lines(x, 172, _wrap(point.label, width, 11), 11, "middle"))
    rows = [(p.label, _fmt(p.value, value_format)) for p in points]
    return _chart(chart_id, "trend", (400, 200), title, description, body,
                  (label_heading, title), rows)
