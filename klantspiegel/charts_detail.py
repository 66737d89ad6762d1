"""The charts of the report's detail chapters: customer journeys, the priority matrix, the trend.

Same rules as `charts`: pure functions, laid out for a `width` in CSS pixels, all text 13 units.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence

from markupsafe import escape

from klantspiegel.charts import (
    ACCENT,
    QUADRANT_FILLS,
    Chart,
    JourneyPoint,
    MatrixPoint,
    TrendPoint,
    _chart,
    _fmt,
    _grid,
    _signed,
    one_decimal,
)
from klantspiegel.scoring import priority_quadrant
from klantspiegel.svg import (
    LINE,
    MOMENT,
    MUTED,
    NEGATIVE,
    POSITIVE,
    TEXT_SIZE,
    WHITE,
    WIDE,
    Point,
    Scale,
    el,
    fits,
    legend,
    lines,
    marker,
    num,
    path,
    slots,
    star,
    text,
    wrap,
)

# --- journey -----------------------------------------------------------------------------------

_STEP_LINES = 3  # a step label under its point may take this many lines, else steps are numbered


def _journey_point(step: JourneyPoint, at: Point) -> list[str]:
    out = []
    if step.moment_of_truth:
        out.append(
            el(
                "circle",
                cx=at[0],
                cy=at[1],
                r=11,
                fill="none",
                stroke=MOMENT,
                stroke_width=2,
                class_="moment ring",
            )
        )
        out.append(star((at[0], at[1] - 20)))
    if step.emotion > 0:
        return [*out, marker("circle", at, POSITIVE, "point point-positive", 6)]
    if step.emotion < 0:
        return [*out, marker("diamond", at, NEGATIVE, "point point-negative", 5.5)]
    return [
        *out,
        el(
            "circle",
            cx=at[0],
            cy=at[1],
            r=5,
            fill=WHITE,
            stroke=MUTED,
            stroke_width=2,
            class_="point point-neutral",
        ),
    ]


def step_labels_fit(steps: Sequence[JourneyPoint], width: float = WIDE) -> bool:
    """Whether every step label fits, uncut, in `_STEP_LINES` lines under its point."""
    room = _step_room(len(steps), width)
    return all(fits(s.label, room, _STEP_LINES) for s in steps)


def _step_room(count: int, width: float) -> float:
    return (width - 48) / max(count, 1) - 8


def journey_curve(
    chart_id: str,
    steps: Sequence[JourneyPoint],
    title: str,
    description: str,
    moment_label: str,
    headings: Sequence[str] = (),
    width: float = WIDE,
    accent: str = ACCENT,
) -> Chart:
    """The customer's emotion (-2..+2) per step as a line; points above zero are circles, below
    diamonds, at zero hollow; a ring and a star mark each moment of truth (named in a legend).
    Each step is numbered; its label sits under its number when every label fits in three
    lines, else the labels are listed under the chart by number: no label is ever cut.
    Table columns: number, step, actor, emotion, moment (override the head with `headings`)."""
    y, xs = Scale(-2, 2, 180, 40), slots(len(steps), 40, width - 8)
    body = _grid(y, range(-2, 3), 40, width - 8, _signed)
    points = [(xs[i], y(step.emotion)) for i, step in enumerate(steps)]
    if len(points) > 1:
        body.append(
            el(
                "path",
                d=path(points),
                fill="none",
                stroke=accent,
                stroke_width=2.5,
                stroke_linejoin="round",
                class_="series-current line",
            )
        )
    for i, (step, at) in enumerate(zip(steps, points, strict=True)):
        body += _journey_point(step, at)
        body.append(text(at[0], 204, str(i + 1), "label step-number", "middle", weight="700"))
    top = 204 + LINE
    if step_labels_fit(steps, width):
        room = _step_room(len(steps), width)
        labels = [wrap(s.label, room, max_lines=_STEP_LINES) for s in steps]
        body += [
            lines(x, top, rows, "middle", "label step-label")
            for x, rows in zip(xs, labels, strict=True)
        ]
        top += LINE * max((len(rows) for rows in labels), default=1)
    else:
        top += 6
        for i, step in enumerate(steps):
            rows = wrap(step.label, width - 36, max_lines=len(step.label))
            body.append(text(24, top, f"{i + 1}", "label step-key", "end", weight="700"))
            body.append(lines(32, top, rows, None, "label step-label"))
            top += LINE * len(rows) + 2
    bottom = top - TEXT_SIZE
    if any(s.moment_of_truth for s in steps):
        keys, baseline = legend([(star((0, 0)), moment_label)], 8, bottom + 26, width - 16)
        body.append(keys)
        bottom = baseline
    table = [
        (
            str(i + 1),
            s.label,
            s.actor,
            _signed(s.emotion),
            moment_label if s.moment_of_truth else "",
        )
        for i, s in enumerate(steps)
    ]
    head = tuple(headings) or ("#", "", "", "±", moment_label)
    return _chart(chart_id, "journey", (width, bottom + 10), title, description, body, head, table)


# --- priority matrix ---------------------------------------------------------------------------


def _matrix_marker(number: int, point: MatrixPoint, at: Point, radius: float, accent: str) -> str:
    mark = (
        el("title", str(escape(f"{number}. {point.label}")))
        + el(
            "circle",
            cx=at[0],
            cy=at[1],
            r=radius,
            fill=accent,
            stroke=WHITE,
            stroke_width=1.5,
            class_="point series-current",
        )
        + text(at[0], at[1] + 4.5, str(number), "point-number", "middle", WHITE, "700")
    )
    if point.href:
        return el("a", mark, href=point.href, class_="point-link")
    return el("g", mark, class_="point-group")


def _matrix_markers(
    points: Sequence[MatrixPoint], x: Scale, y: Scale, cell: float, accent: str
) -> list[str]:
    """Numbered markers; points sharing a cell sit on a small grid around its centre."""
    cells: dict[tuple[int, int], list[int]] = {}
    for i, p in enumerate(points):
        cells.setdefault((p.impact, p.effort), []).append(i)
    out: dict[int, str] = {}
    for (impact, effort), members in cells.items():
        cols = math.ceil(math.sqrt(len(members)))
        rows, gap = math.ceil(len(members) / cols), min(26.0, cell / cols)
        for k, i in enumerate(members):
            at = (
                x(effort) + (k % cols - (cols - 1) / 2) * gap,
                y(impact) + (k // cols - (rows - 1) / 2) * gap,
            )
            out[i] = _matrix_marker(i + 1, points[i], at, min(12.0, gap / 2 - 1), accent)
    return [out[i] for i in range(len(points))]


def priority_matrix(
    chart_id: str,
    points: Sequence[MatrixPoint],
    title: str,
    description: str,
    axis_impact: str,
    axis_effort: str,
    quadrant_names: Mapping[str, str],
    headings: Sequence[str] = (),
    width: float = WIDE,
    accent: str = ACCENT,
) -> Chart:
    """Recommendations as numbered circles by effort (x, low left) and impact (y, high up), in
    quick wins, major projects, fill-ins and thankless tasks (3 counts as high); a marker with
    an href links. Table columns: number, label, impact, effort, quadrant (see `headings`)."""
    left, right, top = 40.0, width - 4, 4.0
    bottom = top + (right - left) * 0.92
    pad = (right - left) * 0.09
    x, y = Scale(1, 5, left + pad, right - pad), Scale(1, 5, bottom - pad, top + pad + 16)
    split_x, split_y = x(2.5), y(2.5)
    body = []
    for key, x0, y0, x1, y1, at_top in (
        ("quick_win", left, top, split_x, split_y, True),
        ("major_project", split_x, top, right, split_y, True),
        ("fill_in", left, split_y, split_x, bottom, False),
        ("thankless", split_x, split_y, right, bottom, False),
    ):
        body.append(
            el(
                "rect",
                x=x0,
                y=y0,
                width=x1 - x0,
                height=y1 - y0,
                fill=QUADRANT_FILLS[key],
                class_=f"quadrant quadrant-{key}",
            )
        )
        name = wrap(quadrant_names.get(key, ""), x1 - x0 - 12)
        baseline = y0 + 4 + TEXT_SIZE if at_top else y1 - 8 - (len(name) - 1) * LINE
        body.append(lines(x0 + 6, baseline, name, None, "quadrant-name"))
    body.append(
        el(
            "path",
            d=path([(split_x, top), (split_x, bottom)]) + path([(left, split_y), (right, split_y)]),
            stroke=MUTED,
            stroke_width=1.5,
            class_="axis split",
        )
    )
    for v in range(1, 6):
        body.append(text(x(v), bottom + 18, str(v), "axis tick", "middle", MUTED))
        body.append(text(left - 8, y(v) + 4.5, str(v), "axis tick", "end", MUTED))
    middle = (top + bottom) / 2
    body.append(
        text((left + right) / 2, bottom + 38, axis_effort, "axis-title", "middle", weight="600")
    )
    body.append(
        text(
            14,
            middle,
            axis_impact,
            "axis-title",
            "middle",
            weight="600",
            transform=f"rotate(-90 14 {num(middle)})",
        )
    )
    body += _matrix_markers(points, x, y, (x(2) - x(1)) * 0.95, accent)
    rows = [
        (
            str(i + 1),
            p.label,
            str(p.impact),
            str(p.effort),
            quadrant_names.get(priority_quadrant(p.impact, p.effort), ""),
        )
        for i, p in enumerate(points)
    ]
    head = tuple(headings) or ("#", "", axis_impact, axis_effort, "")
    return _chart(chart_id, "matrix", (width, bottom + 48), title, description, body, head, rows)


# --- trend -------------------------------------------------------------------------------------


def _segments(points: Sequence[Point | None]) -> str:
    """Path of a line through the known points, with a gap wherever a value is missing."""
    return "".join(path([a, b]) for a, b in itertools.pairwise(points) if a and b)


def trend(
    chart_id: str,
    points: Sequence[TrendPoint],
    title: str,
    description: str,
    value_format: Callable[[float], str] = one_decimal,
    label_heading: str = "",
    width: float = WIDE,
    accent: str = ACCENT,
) -> Chart:
    """A small line chart of a 1-5 value over audits; a missing value breaks the line.
    Table columns: label (headed `label_heading`), value (headed `title`)."""
    y, xs = Scale(1, 5, 150, 34), slots(len(points), 40, width - 8)
    body = _grid(y, range(1, 6), 40, width - 8)
    known = [None if p.value is None else (xs[i], y(p.value)) for i, p in enumerate(points)]
    if line := _segments(known):
        body.append(
            el(
                "path",
                d=line,
                fill="none",
                stroke=accent,
                stroke_width=2.5,
                stroke_linecap="round",
                class_="series-current line",
            )
        )
    room = (width - 48) / max(len(points), 1) - 6
    for point, at, x in zip(points, known, xs, strict=True):
        if at is not None and point.value is not None:
            body.append(marker("circle", at, accent, "series-current marker", 5))
            body.append(
                text(x, at[1] - 10, value_format(point.value), "value", "middle", weight="700")
            )
        body.append(lines(x, 174, wrap(point.label, room), "middle"))
    rows = [(p.label, _fmt(p.value, value_format)) for p in points]
    return _chart(
        chart_id,
        "trend",
        (width, 174 + 2 * LINE),
        title,
        description,
        body,
        (label_heading, title),
        rows,
    )
