"""Reports: everything a page or PDF shows about one organisation, computed once.

Templates only present what is here. `audience` decides what may be shown: the consultant's
portfolio site sees draft findings (marked); a client bundle, every PDF and the exports are made
from the client's report, built from `audience.client_view`, in which no draft exists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property, partial
from typing import Literal

from klantspiegel import charts
from klantspiegel.audience import client_view, final_audit
from klantspiegel.executive import ExecutiveSummary, executive_summary
from klantspiegel.follow_up import FollowUpReport, follow_up_report
from klantspiegel.i18n import Translator
from klantspiegel.kpis import KpiBalance, NpsResult, kpi_balance, net_promoter_score
from klantspiegel.model import (
    Anecdote,
    Audit,
    Dimension,
    Finding,
    Kpi,
    Organisation,
    Portfolio,
    ScoringModel,
)
from klantspiegel.presentation import (
    KpiRow,
    NpsTrend,
    ReportNotes,
    kpi_rows,
    nps_trend,
    report_notes,
    shown_change,
)
from klantspiegel.report_charts import ChartMemo, ReportCharts, build_charts
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
from klantspiegel.survey_view import SurveyView, survey_view

Audience = Literal["consultant", "client"]


@dataclass(frozen=True)
class DimensionRow:
    dimension: Dimension
    score: DimensionScore
    previous: float | None
    benchmark: float | None
    change: float | None  # from the shown scores (presentation.shown_change)
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class HistoryPoint:
    audit: Audit
    score: AuditScore


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
    observation_count: int  # distinct: a story counts once (notes.observations says so)
    finding_count: int  # the final findings in scope: those the scores rest on
    index_change: float | None  # from the shown indexes: 2,2 -> 3,1 is +0,9
    nps_trend: NpsTrend | None
    survey: SurveyView | None  # CSAT, CES, segments, their trends, what was left out
    follow_up: FollowUpReport | None  # the previous audit's recommendations: what became of them
    notes: ReportNotes
    history: tuple[HistoryPoint, ...]  # the audits up to and including this one, oldest first
    charts: ReportCharts
    # the reports of the audits before the latest, oldest first; empty in those reports
    earlier: tuple[OrganisationReport, ...]

    @property
    def language(self) -> str:
        return self.organisation.report_language

    @cached_property
    def executive(self) -> ExecutiveSummary:
        """What opens the PDF and the site's report: messages, index, coverage, first actions."""
        return executive_summary(self, Translator(self.organisation.report_locale))

    @property
    def previous_audit(self) -> Audit | None:
        return self.history[-2].audit if len(self.history) > 1 else None

    @property
    def nps_kpi(self) -> Kpi | None:
        """An NPS the organisation measured itself (a KPI), for an audit without a survey."""
        return next((k for k in self.kpis if k.key == "nps"), None)

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
    finals = {o.slug: (o.sector_key, final_audit(o)) for o in portfolio.organisations}
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
    audit_slug: str | None = None,
    charts: ChartMemo | None = None,
) -> OrganisationReport:
    """Assemble the report of one audit of an organisation (the latest by default) for one
    audience; the latest audit's report holds the reports of the audits before it in `earlier`.

    A client's report is built from the client's view, so every number, chart and list in it
    (and in the PDF, bundle and exports made from it) is computed without a trace of a draft;
    an earlier draft audit has no report for a client. An earlier audit's report compares with
    the audit before it, its history stops at it, and it has no sector benchmark: the peers'
    scores are those of their latest audits, not of that time. `charts` holds charts drawn
    by earlier builds.
    """
    if audience == "client":
        organisation = client_view(organisation)
    slugs = [a.slug for a in organisation.audits]
    audits = organisation.audits[: slugs.index(audit_slug) + 1 if audit_slug else None]
    latest = audits[-1] is organisation.latest_audit
    benchmark = (
        sector_benchmark(organisation.slug, organisation.sector_key, peers) if latest else None
    )
    report = _audit_report(organisation, audits, audience, portfolio, benchmark, charts)
    if not latest:
        return report
    earlier = tuple(
        build_report(organisation, portfolio, peers, audience, a.slug, charts) for a in audits[:-1]
    )
    return replace(report, earlier=earlier)


def _audit_report(
    organisation: Organisation,
    audits: tuple[Audit, ...],
    audience: Audience,
    portfolio: Portfolio,
    benchmark: Benchmark | None,
    charts: ChartMemo | None,
) -> OrganisationReport:
    """The report of the last of `audits`, compared with the one before it; without the
    reports of earlier audits."""
    model = portfolio.scoring_model
    t = Translator(organisation.report_locale)
    audit, previous = audits[-1], audits[-2] if len(audits) > 1 else None
    score = score_audit(audit, model)
    previous_score = score_audit(previous, model) if previous else None
    shown = audit.findings
    rows = _dimension_rows(model, score, previous_score, benchmark, shown)
    examined, not_examined = _scope(audit, rows)
    history = tuple(HistoryPoint(a, score_audit(a, model)) for a in audits)
    actions = tuple(action_plan(audit.findings))
    anecdotes = audit.anecdotes
    evidence = _evidence_by_type(audit)
    nps, previous_nps = _survey_nps(audit), _survey_nps(previous)
    accent = portfolio.config.accent_colour
    report_charts = build_charts(
        t, organisation, rows, score, actions, history, anecdotes, model, accent, charts
    )
    return OrganisationReport(
        organisation=organisation,
        audit=audit,
        audience=audience,
        score=score,
        previous_score=previous_score,
        change=change_since(score, previous_score),
        benchmark=benchmark,
        dimensions=rows,
        examined=examined,
        not_examined=not_examined,
        strengths=tuple(top_strengths(audit.findings)),
        improvements=tuple(top_improvements(audit.findings)),
        findings=shown,
        anecdotes=anecdotes,
        kpis=audit.kpis,
        kpi_rows=kpi_rows(audit, previous, nps, t),
        kpi_balance=kpi_balance(audit.kpis),
        nps=nps,
        actions=actions,
        quadrants=_quadrants(actions),
        evidence_by_type=tuple(sorted(evidence.items(), key=lambda kv: (-kv[1], kv[0]))),
        observation_count=sum(evidence.values()),
        finding_count=sum(r.score.finding_count for r in rows),
        index_change=shown_change(score.index, previous_score.index) if previous_score else None,
        nps_trend=nps_trend(nps, previous_nps),
        survey=survey_view(audit.survey, previous.survey if previous else None, t),
        follow_up=follow_up_report(audit, previous, model.dimensions, t),
        notes=_notes(score, previous_score, benchmark, rows, evidence, t),
        history=history,
        charts=report_charts,
        earlier=(),
    )


def _notes(
    score: AuditScore,
    previous_score: AuditScore | None,
    benchmark: Benchmark | None,
    rows: tuple[DimensionRow, ...],
    evidence: Counter[str],
    t: Translator,
) -> ReportNotes:
    """The report's notes, from its observations counted per dimension and in all."""
    observations_by_dimension = sum(r.score.evidence_count for r in rows)
    return report_notes(
        score, previous_score, benchmark, observations_by_dimension, sum(evidence.values()), t
    )


def _dimension_rows(
    model: ScoringModel,
    score: AuditScore,
    previous_score: AuditScore | None,
    benchmark: Benchmark | None,
    findings: tuple[Finding, ...],
) -> tuple[DimensionRow, ...]:
    """A row per dimension of the model: its score beside the previous audit's and the
    peers', and its findings, strengths first, then by score and title."""
    return tuple(
        DimensionRow(
            dimension=dimension,
            score=dimension_score,
            previous=previous_score.dimension(dimension.key).score if previous_score else None,
            benchmark=benchmark.dimensions.get(dimension.key) if benchmark else None,
            change=shown_change(
                dimension_score.score, previous_score.dimension(dimension.key).score
            )
            if previous_score
            else None,
            findings=tuple(
                sorted(
                    (f for f in findings if f.dimension == dimension.key),
                    key=lambda f: (f.kind != "strength", -f.score, f.title),
                )
            ),
        )
        for dimension, dimension_score in zip(model.dimensions, score.dimensions, strict=True)
    )


def _scope(
    audit: Audit, rows: tuple[DimensionRow, ...]
) -> tuple[tuple[DimensionRow, ...], tuple[Dimension, ...]]:
    """The dimensions the audit examined, as rows, and those it did not."""
    # a draft outside the scope (work in progress) keeps its block on the consultant's site
    examined = tuple(r for r in rows if audit.examines(r.dimension.key) or r.findings)
    return examined, tuple(r.dimension for r in rows if r not in examined)


def build_reports(
    organisation: Organisation,
    portfolio: Portfolio,
    peers: Mapping[str, tuple[str, AuditScore]],
    charts: ChartMemo | None = None,
) -> tuple[OrganisationReport, OrganisationReport]:
    """The consultant's and the client's report; computed once when there is nothing to hide."""
    consultant = build_report(organisation, portfolio, peers, "consultant", charts=charts)
    if client_view(organisation) is organisation:  # no draft, no internal note
        earlier = tuple(replace(r, audience="client") for r in consultant.earlier)
        return consultant, replace(consultant, audience="client", earlier=earlier)
    return consultant, build_report(organisation, portfolio, peers, "client", charts=charts)


def _survey_nps(audit: Audit | None) -> NpsResult | None:
    """The NPS of an audit's survey; None without an audit or a survey."""
    return net_promoter_score(audit.survey.scores) if audit and audit.survey else None


def _quadrants(actions: tuple[Finding, ...]) -> dict[str, str]:
    """Each recommendation with impact and effort: its place in the priority matrix."""
    return {f.slug: priority_quadrant(f.impact, f.effort) for f in actions if f.impact and f.effort}


def _evidence_by_type(audit: Audit) -> Counter[str]:
    """Observations behind the final findings in scope (those the scores rest on), by evidence
    type; linked stories count once."""
    final = [f for f in audit.findings if f.is_final and audit.examines(f.dimension)]
    counts: Counter[str] = Counter(e.type for f in final for e in f.evidence)
    stories = {slug for f in final for slug in f.anecdotes}
    if stories:
        counts["anecdote"] += len(stories)
    return counts


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
    dimension: Dimension,
    reports: Mapping[str, OrganisationReport],
    locale: str,
    charts_drawn: ChartMemo | None = None,
    accent: str = charts.ACCENT,
) -> DimensionOverview:
    """The chart is drawn in `accent` (the portfolio's, as every report's charts are); with
    `charts_drawn`, it comes from there when an earlier build drew it from the same scores
    and names."""
    t = Translator(locale)
    _ = t.gettext
    entries = tuple(
        DimensionEntry(
            report.organisation.slug,
            report.organisation.name,
            report.organisation.sector_label[locale],
            next(r for r in report.dimensions if r.dimension == dimension),
        )
        for report in reports.values()
    )
    chart_id = f"chart-dimension-{dimension.key}"
    rows = [charts.BarRow(e.name, e.row.score.score) for e in entries]
    draw = partial(
        charts.responsive,
        charts.bars,
        chart_id,
        rows=rows,
        title=_("{dimension}: score per organisation").format(dimension=dimension.label[locale]),
        description=_("Latest audit of each organisation, on a scale of 1 to 5."),
        not_assessed=_("Not assessed"),
        benchmark_label=_("Sector peers (median)"),
        value_format=t.number,
        label_heading=_("Organisation"),
        accent=accent,
    )
    if charts_drawn is None:
        return DimensionOverview(dimension, entries, draw())
    drawn_from = (chart_id, rows, locale, dimension.label[locale], accent)
    return DimensionOverview(dimension, entries, charts_drawn.chart(drawn_from, draw))
