"""Reports: everything a page or PDF shows about one organisation, computed once.

Templates only present what is here. `audience` decides what may be shown: the consultant's
portfolio site sees draft findings (marked); a client bundle, every PDF and the exports are made
from the client's report, built from `audience.client_view`, in which no draft exists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from klantspiegel import charts
from klantspiegel.audience import client_view, final_audit
from klantspiegel.i18n import VALUE_LABELS, Translator
from klantspiegel.kpis import KpiBalance, NpsResult, kpi_balance, meets_target, net_promoter_score
from klantspiegel.model import (
    Anecdote,
    Audit,
    Dimension,
    Finding,
    Kpi,
    Language,
    Organisation,
    Portfolio,
    ScoringModel,
)
from klantspiegel.scoring import (
    AuditScore,
    Benchmark,
    Change,
    DimensionScore,
    action_plan,
    change_since,
    priority_quadrant,
    score_audit,
    sector_benchmark,
    top_improvements,
    top_strengths,
)

Audience = Literal["consultant", "client"]


@dataclass(frozen=True)
class DimensionRow:
    dimension: Dimension
    score: DimensionScore
    previous: float | None
    benchmark: float | None
    change: float | None
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    meets_target: bool | None
    digits: int  # decimals to show: none for whole numbers


@dataclass(frozen=True)
class HistoryPoint:
    audit: Audit
    score: AuditScore


@dataclass(frozen=True)
class ReportCharts:
    gauge: charts.Chart
    radar: charts.Chart
    bars: charts.Chart
    matrix: charts.Chart | None
    trend: charts.Chart | None
    journeys: Mapping[str, charts.Chart]


@dataclass(frozen=True)
class OrganisationReport:
    organisation: Organisation
    audit: Audit
    audience: Audience
    score: AuditScore
    previous_score: AuditScore | None
    change: Change | None
    benchmark: Benchmark | None
    dimensions: tuple[DimensionRow, ...]  # every dimension of the model, for tables and charts
    examined: tuple[DimensionRow, ...]  # the dimensions in the audit's scope: a block each
    not_examined: tuple[Dimension, ...]  # the others: one line, "Not examined: ..."
    strengths: tuple[Finding, ...]
    improvements: tuple[Finding, ...]
    findings: tuple[Finding, ...]
    anecdotes: tuple[Anecdote, ...]
    kpis: tuple[Kpi, ...]
    kpi_rows: tuple[KpiRow, ...]
    kpi_balance: KpiBalance
    nps: NpsResult | None
    actions: tuple[Finding, ...]
    quadrants: Mapping[str, str]
    evidence_by_type: tuple[tuple[str, int], ...]
    observation_count: int
    history: tuple[HistoryPoint, ...]
    charts: ReportCharts

    @property
    def language(self) -> str:
        return self.organisation.report_language

    @property
    def previous_audit(self) -> Audit | None:
        return self.organisation.previous_audit

    def finding_dimension(self, finding: Finding) -> Dimension:
        return next(r.dimension for r in self.dimensions if r.dimension.key == finding.dimension)

    def linked_anecdotes(self, finding: Finding) -> list[Anecdote]:
        """The customer stories behind a finding that this audience may see."""
        shown = {a.slug: a for a in self.anecdotes}
        return [shown[slug] for slug in finding.anecdotes if slug in shown]

    def findings_citing(self, anecdote: Anecdote) -> list[Finding]:
        """The findings (this audience may see) that are based on a customer story."""
        return [f for f in self.findings if anecdote.slug in f.anecdotes]


def latest_scores(portfolio: Portfolio) -> dict[str, tuple[str, AuditScore]]:
    """Each organisation's sector and latest final audit score, the input for peer benchmarks
    (an organisation with only a draft audit is no peer)."""
    finals = {o.slug: (o.sector, final_audit(o)) for o in portfolio.organisations}
    return {
        slug: (sector, score_audit(audit, portfolio.scoring_model))
        for slug, (sector, audit) in finals.items()
        if audit is not None
    }


def build_report(
    organisation: Organisation,
    portfolio: Portfolio,
    peers: Mapping[str, tuple[str, AuditScore]],
    audience: Audience,
) -> OrganisationReport:
    """Assemble the report of an organisation's latest audit for one audience.

    A client's report is built from the client's view, so every number, chart and list in it
    (and in the PDF, bundle and exports made from it) is computed without a trace of a draft.
    """
    if audience == "client":
        organisation = client_view(organisation)
    model = portfolio.scoring_model
    t = Translator(organisation.report_language)
    audit, previous = organisation.latest_audit, organisation.previous_audit
    score = score_audit(audit, model)
    previous_score = score_audit(previous, model) if previous else None
    change = change_since(score, previous_score)
    benchmark = sector_benchmark(organisation.slug, organisation.sector, peers)
    shown = audit.findings
    rows = tuple(
        DimensionRow(
            dimension=dimension,
            score=dimension_score,
            previous=previous_score.dimension(dimension.key).score if previous_score else None,
            benchmark=benchmark.dimensions.get(dimension.key) if benchmark else None,
            change=change.dimensions.get(dimension.key) if change else None,
            findings=tuple(
                sorted(
                    (f for f in shown if f.dimension == dimension.key),
                    key=lambda f: (f.kind != "strength", -f.score, f.title),
                )
            ),
        )
        for dimension, dimension_score in zip(model.dimensions, score.dimensions, strict=True)
    )
    history = tuple(HistoryPoint(a, score_audit(a, model)) for a in organisation.audits)
    actions = tuple(action_plan(audit.findings))
    anecdotes = audit.anecdotes
    evidence = _evidence_by_type(audit)
    report_charts = _charts(t, organisation, rows, score, actions, history, anecdotes, model)
    return OrganisationReport(
        organisation=organisation,
        audit=audit,
        audience=audience,
        score=score,
        previous_score=previous_score,
        change=change,
        benchmark=benchmark,
        dimensions=rows,
        # a draft outside the scope (work in progress) keeps its block on the consultant's site
        examined=tuple(r for r in rows if audit.examines(r.dimension.key) or r.findings),
        not_examined=tuple(
            r.dimension for r in rows if not audit.examines(r.dimension.key) and not r.findings
        ),
        strengths=tuple(top_strengths(audit.findings)),
        improvements=tuple(top_improvements(audit.findings)),
        findings=shown,
        anecdotes=anecdotes,
        kpis=audit.kpis,
        kpi_rows=tuple(
            KpiRow(k, meets_target(k), 0 if float(k.value).is_integer() else 1) for k in audit.kpis
        ),
        kpi_balance=kpi_balance(audit.kpis),
        nps=net_promoter_score(audit.survey.scores) if audit.survey else None,
        actions=actions,
        quadrants={
            f.slug: priority_quadrant(f.impact, f.effort) for f in actions if f.impact and f.effort
        },
        evidence_by_type=tuple(sorted(evidence.items(), key=lambda kv: (-kv[1], kv[0]))),
        observation_count=sum(evidence.values()),
        history=history,
        charts=report_charts,
    )


def build_reports(
    organisation: Organisation,
    portfolio: Portfolio,
    peers: Mapping[str, tuple[str, AuditScore]],
) -> tuple[OrganisationReport, OrganisationReport]:
    """The consultant's and the client's report; computed once when there is nothing to hide."""
    consultant = build_report(organisation, portfolio, peers, audience="consultant")
    if client_view(organisation) is organisation:  # no draft, no internal note
        return consultant, replace(consultant, audience="client")
    return consultant, build_report(organisation, portfolio, peers, audience="client")


def _evidence_by_type(audit: Audit) -> Counter[str]:
    """Observations behind the final findings, by evidence type; linked stories count once."""
    final = [f for f in audit.findings if f.is_final]
    counts = Counter(e.type for f in final for e in f.evidence)
    stories = {slug for f in final for slug in f.anecdotes}
    if stories:
        counts["anecdote"] += len(stories)
    return counts


def _charts(
    t: Translator,
    organisation: Organisation,
    rows: tuple[DimensionRow, ...],
    score: AuditScore,
    actions: tuple[Finding, ...],
    history: tuple[HistoryPoint, ...],
    anecdotes: tuple[Anecdote, ...],
    model: ScoringModel,
) -> ReportCharts:
    _ = t.gettext
    language = organisation.report_language
    labels = [r.dimension.label[language] for r in rows]
    level = score.level.name[language] if score.level else _("Not assessed")
    gauge = charts.gauge(
        "chart-gauge",
        score.index,
        title=_("Overall index"),
        description=_("{value} of 5: level {level}.").format(
            value=t.number(score.index), level=level
        ),
        level_name=level,
        not_assessed=_("Not assessed"),
        value_text=t.number(score.index),
        band_labels=[lv.name[language] for lv in model.levels],
    )
    series = [charts.Series(_("This audit"), [r.score.score for r in rows], "current")]
    if any(r.previous is not None for r in rows):
        series.append(charts.Series(_("Previous audit"), [r.previous for r in rows], "previous"))
    if any(r.benchmark is not None for r in rows):
        series.append(
            charts.Series(_("Sector peers (median)"), [r.benchmark for r in rows], "benchmark")
        )
    radar = charts.radar(
        "chart-radar",
        labels,
        series,
        title=_("Scores per dimension"),
        description=_("Score of each dimension on a scale of 1 to 5."),
        value_format=t.number,
        label_heading=_("Dimension"),
    )
    bars = charts.bars(
        "chart-bars",
        [
            charts.BarRow(label, r.score.score, r.benchmark, r.previous)
            for label, r in zip(labels, rows, strict=True)
        ],
        title=_("Scores per dimension"),
        description=_("Each dimension's score from 1 to 5, with the sector median where known."),
        not_assessed=_("Not assessed"),
        benchmark_label=_("Sector peers (median)"),
        value_format=t.number,
        previous_label=_("Previous audit"),
        label_heading=_("Dimension"),
    )
    planned = [f for f in actions if f.impact and f.effort]
    matrix = (
        charts.priority_matrix(
            "chart-matrix",
            [
                # no links inside the chart: an image (role=img) may not hold controls; the
                # action plan table beside it links every recommendation
                charts.MatrixPoint(f.title, f.impact, f.effort)
                for f in planned
            ],
            title=_("Priority matrix"),
            description=_("Recommendations by expected impact and effort."),
            axis_impact=_("Impact"),
            axis_effort=_("Effort"),
            quadrant_names={k: t.gettext(v) for k, v in VALUE_LABELS["quadrant"].items()},
            headings=("#", _("Recommendation"), _("Impact"), _("Effort"), _("Priority")),
        )
        if planned
        else None
    )
    trend = (
        charts.trend(
            "chart-trend",
            [charts.TrendPoint(t.date(h.audit.date, "MMM yyyy"), h.score.index) for h in history],
            title=_("Overall index over time"),
            description=_("Overall index of each audit of this organisation."),
            value_format=t.number,
            label_heading=_("Audit"),
        )
        if len(history) > 1
        else None
    )
    journeys = {
        a.slug: charts.journey_curve(
            f"chart-journey-{a.slug}",
            [
                charts.JourneyPoint(s.touchpoint, s.actor, s.emotion, s.moment_of_truth)
                for s in a.journey
            ],
            title=_("Customer journey: {title}").format(title=a.title),
            description=_("Emotion of the customer at each step, from -2 to +2."),
            moment_label=_("Moment of truth"),
            headings=("#", _("Step"), _("Actor"), _("Emotion"), _("Moment of truth")),
        )
        for a in anecdotes
    }
    return ReportCharts(gauge, radar, bars, matrix, trend, journeys)


@dataclass(frozen=True)
class DimensionEntry:
    """One organisation's row on a dimension page: only what that page shows, so the page
    depends on (and is rebuilt for) this dimension's data and not the whole report."""

    slug: str
    name: str
    sector: str
    row: DimensionRow


@dataclass(frozen=True)
class DimensionOverview:
    """One dimension across the portfolio: the consultant's cross-organisation view."""

    dimension: Dimension
    entries: tuple[DimensionEntry, ...]
    chart: charts.Chart


def dimension_overview(
    dimension: Dimension, reports: Mapping[str, OrganisationReport], language: Language
) -> DimensionOverview:
    t = Translator(language)
    _ = t.gettext
    entries = tuple(
        DimensionEntry(report.organisation.slug, report.organisation.name,
                       report.organisation.sector,
                       next(r for r in report.dimensions if r.dimension == dimension))
        for report in reports.values()
    )
    chart = charts.bars(
        f"chart-dimension-{dimension.key}",
        [charts.BarRow(e.name, e.row.score.score) for e in entries],
        title=_("{dimension}: score per organisation").format(dimension=dimension.label[language]),
        description=_("Latest audit of each organisation, on a scale of 1 to 5."),
        not_assessed=_("Not assessed"),
        benchmark_label=_("Sector peers (median)"),
        value_format=t.number,
        label_heading=_("Organisation"),
    )
    return DimensionOverview(dimension, entries, chart)
