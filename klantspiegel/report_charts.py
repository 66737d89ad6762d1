"""The charts of a report: each drawn once from the report's numbers, in its language.

The site, the PDF and the single-file report show these same charts; `build_charts` is called
by `report.build_report`, and each chart's part has its own function, named after the chart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from babel.lists import format_list

from klantspiegel import charts, charts_detail
from klantspiegel.charts import Chart
from klantspiegel.i18n import VALUE_LABELS, Translator
from klantspiegel.model import Anecdote, Finding, Organisation, ScoringModel
from klantspiegel.scoring import AuditScore

if TYPE_CHECKING:  # the report holds its charts; the charts only read its rows
    from klantspiegel.report import DimensionRow, HistoryPoint


@dataclass(frozen=True)
class ReportCharts:
    """The charts of a report. `bars` holds the assessed dimensions only, highest score first,
    with the previous audit and the sector median marked; `radar` exists only where it still
    reads (see `charts.radar_fits`), with its unassessed axes marked."""

    gauge: charts.Chart
    radar: charts.Chart | None
    bars: charts.Chart
    matrix: charts.Chart | None
    trend: charts.Chart | None
    journeys: Mapping[str, charts.Chart]


class ChartMemo(Protocol):
    """What the report asks of a store of charts drawn by earlier builds (`cache.ChartCache`)."""

    def charts(self, inputs: tuple[Any, ...], draw: Callable[[], ReportCharts]) -> ReportCharts:
        """The charts stored for these inputs, or draw() (and remember them)."""
        ...

    def chart(self, inputs: tuple[Any, ...], draw: Callable[[], Chart]) -> Chart:
        """One chart stored for these inputs, or draw() (and remember it)."""
        ...


def build_charts(
    t: Translator,
    organisation: Organisation,
    rows: tuple[DimensionRow, ...],
    score: AuditScore,
    actions: tuple[Finding, ...],
    history: tuple[HistoryPoint, ...],
    anecdotes: tuple[Anecdote, ...],
    model: ScoringModel,
    accent: str = charts.ACCENT,
    memo: ChartMemo | None = None,
) -> ReportCharts:
    """Every chart of the report, in its language and the portfolio's accent colour; from
    `memo` when earlier builds drew them from the same numbers."""
    if memo is not None:
        drawn_from = (rows, score, actions, history, anecdotes, model, accent)
        draw = partial(build_charts, t, organisation, *drawn_from)
        return memo.charts((t.locale, organisation.report_language, *drawn_from), draw)
    language = organisation.report_language
    labels = [r.dimension.label[language] for r in rows]
    return ReportCharts(
        _gauge_chart(t, score, model, language, accent),
        _radar_chart(t, labels, rows, accent),
        _bars_chart(t, labels, rows, accent),
        _matrix_chart(t, actions, accent),
        _trend_chart(t, history, accent),
        {a.slug: _journey_chart(t, a, accent) for a in anecdotes},
    )


def _gauge_chart(
    t: Translator, score: AuditScore, model: ScoringModel, language: str, accent: str
) -> charts.Chart:
    """The overall index on the scale of the model's levels."""
    _ = t.gettext
    level = score.level.name[language] if score.level else _("Not assessed")
    return charts.responsive(
        charts.gauge,
        "chart-gauge",
        value=score.index,
        title=_("Overall index"),
        description=_("{value} of 5: level {level}.").format(
            value=t.number(score.index), level=level
        ),
        level_name=level,
        not_assessed=_("Not assessed"),
        value_text=t.number(score.index),
        band_labels=[lv.name[language] for lv in model.levels],
        accent=accent,
    )


def _radar_chart(
    t: Translator, labels: list[str], rows: tuple[DimensionRow, ...], accent: str
) -> charts.Chart | None:
    """The profile over the dimensions, with the previous audit and the peers where known."""
    _ = t.gettext
    series = [charts.Series(_("This audit"), [r.score.score for r in rows], "current")]
    if any(r.previous is not None for r in rows):
        series.append(charts.Series(_("Previous audit"), [r.previous for r in rows], "previous"))
    if any(r.benchmark is not None for r in rows):
        series.append(
            charts.Series(_("Sector peers (median)"), [r.benchmark for r in rows], "benchmark")
        )
    # a radar only where it still reads; it has no phone layout (the bars show the same)
    return (
        charts.radar(
            "chart-radar",
            labels,
            series,
            title=_("Profile over the dimensions"),
            description=_("Score of each dimension on a scale of 1 to 5."),
            value_format=t.number,
            label_heading=_("Dimension"),
            not_assessed=_("not assessed"),
            accent=accent,
        )
        if charts.radar_fits(series[0].values)
        else None
    )


def _bars_chart(
    t: Translator, labels: list[str], rows: tuple[DimensionRow, ...], accent: str
) -> charts.Chart:
    """A bar per assessed dimension, highest first (the dimension table lists every one)."""
    _ = t.gettext
    assessed = sorted(
        (r for r in zip(labels, rows, strict=True) if r[1].score.score is not None),
        key=lambda r: (-(r[1].score.score or 0), r[0]),
    )
    return charts.responsive(
        charts.bars,
        "chart-bars",
        rows=[charts.BarRow(name, r.score.score, r.benchmark, r.previous) for name, r in assessed],
        title=_("Scores per dimension"),
        description=_bars_description(t, [r for _name, r in assessed]),
        not_assessed=_("Not assessed"),
        benchmark_label=_("Sector peers (median)"),
        value_format=t.number,
        previous_label=_("Previous audit"),
        label_heading=_("Dimension"),
        accent=accent,
    )


def _matrix_chart(t: Translator, actions: tuple[Finding, ...], accent: str) -> charts.Chart | None:
    """The recommendations with impact and effort by priority; None when there are none."""
    _ = t.gettext
    points = [
        charts.MatrixPoint(f.title, f.impact, f.effort) for f in actions if f.impact and f.effort
    ]
    if not points:
        return None
    return charts.responsive(
        charts_detail.priority_matrix,
        "chart-matrix",
        # no links inside the chart: an image (role=img) may not hold controls; the
        # action plan table beside it links every recommendation
        points=points,
        title=_("Priority matrix"),
        description=_("Recommendations by expected impact and effort."),
        axis_impact=_("Impact"),
        axis_effort=_("Effort"),
        quadrant_names={k: t.gettext(v) for k, v in VALUE_LABELS["quadrant"].items()},
        headings=("#", _("Recommendation"), _("Impact"), _("Effort"), _("Priority")),
        accent=accent,
    )


def _trend_chart(
    t: Translator, history: tuple[HistoryPoint, ...], accent: str
) -> charts.Chart | None:
    """The overall index of each audit; None with a single audit."""
    _ = t.gettext
    if len(history) <= 1:
        return None
    return charts.responsive(
        charts_detail.trend,
        "chart-trend",
        points=[
            charts.TrendPoint(t.date(h.audit.date, "MMM yyyy"), h.score.index) for h in history
        ],
        title=_("Overall index over time"),
        description=_("Overall index of each audit of this organisation."),
        value_format=t.number,
        label_heading=_("Audit"),
        accent=accent,
    )


def _journey_chart(t: Translator, anecdote: Anecdote, accent: str) -> charts.Chart:
    """A customer story's journey: the customer's emotion at each step."""
    _ = t.gettext
    return charts.responsive(
        charts_detail.journey_curve,
        f"chart-journey-{anecdote.slug}",
        steps=[
            charts.JourneyPoint(s.touchpoint, s.actor, s.emotion, s.moment_of_truth)
            for s in anecdote.journey
        ],
        title=_("Customer journey: {title}").format(title=anecdote.title),
        description=_("Emotion of the customer at each step, from −2 to +2."),
        moment_label=_("Moment of truth"),
        headings=("#", _("Step"), _("Actor"), _("Emotion"), _("Moment of truth")),
        accent=accent,
    )


def _bars_description(t: Translator, rows: list[DimensionRow]) -> str:
    """What the bar chart shows, naming only the markers it has."""
    _ = t.gettext
    marked = [
        text
        for text, shown in (
            (_("the previous audit"), any(r.previous is not None for r in rows)),
            (_("the sector median"), any(r.benchmark is not None for r in rows)),
        )
        if shown
    ]
    text = _("The assessed dimensions from 1 to 5, highest first.")
    if marked:
        text += " " + _("Marked: {markers}.").format(markers=format_list(marked, locale=t.language))
    return text
