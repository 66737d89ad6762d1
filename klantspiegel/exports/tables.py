"""From client reports to export rows: the one place where the numbers are taken from reports.

Texts lose the characters XLSX cannot hold and numbers are rounded here, so that every format
written from these rows agrees.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from klantspiegel.exports.rows import (
    SCHEMA_VERSION,
    AuditRow,
    DimensionScoreRow,
    ExportTables,
    FindingRow,
    KpiValueRow,
    OrganisationRow,
)
from klantspiegel.model import Finding, Level, Portfolio
from klantspiegel.report import KpiRow, OrganisationReport
from klantspiegel.scoring import change_since

DIGITS = 4  # scores are means: enough decimals to recompute, without float noise
# Characters XML 1.0 (and so XLSX) cannot hold; removed from every text so all formats agree.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def export_tables(portfolio: Portfolio, reports: Mapping[str, OrganisationReport]) -> ExportTables:
    """Rows for every organisation from its client report, so drafts are never exported.

    `reports` maps slug -> report built with audience="client" (as the build makes them).
    Names (sectors, dimensions, levels) are in the portfolio's language, the same in every row.
    """
    if any(r.audience != "client" for r in reports.values()):
        raise ValueError("exports are made from client reports only")
    language = portfolio.config.language
    model = portfolio.scoring_model
    return ExportTables(
        schema_version=SCHEMA_VERSION,
        generated_from=_text(portfolio.config.consultancy),
        scoring_model=_text(model.name[language]),
        scoring_model_version=_text(model.version),
        language=language,
        organisations=tuple(_organisation_row(r, language) for r in reports.values()),
        audits=tuple(row for r in reports.values() for row in _audit_rows(r, language)),
        dimension_scores=tuple(
            row for r in reports.values() for row in _dimension_rows(r, language)
        ),
        findings=tuple(_finding_row(r, f) for r in reports.values() for f in r.findings),
        kpis=tuple(_kpi_row(r, k, language) for r in reports.values() for k in r.kpi_rows),
    )


def _organisation_row(report: OrganisationReport, language: str) -> OrganisationRow:
    o, audit, score = report.organisation, report.audit, report.score
    previous = report.previous_audit
    nps = report.nps
    return OrganisationRow(
        organisation=o.slug,
        name=_text(o.name),
        sector=_text(o.sector_label[language]),
        sector_key=_text(o.sector_key),
        size=o.size,
        language=o.report_language,
        audit=audit.slug,
        audit_title=_text(audit.title),
        audit_date=audit.date,
        overall_index=_number(score.index),
        level=score.level.level if score.level else None,
        level_name=_level_name(score.level, language),
        assessed_dimensions=sum(d.assessed for d in score.dimensions),
        findings=len(report.findings),
        observations=report.observation_count,
        previous_audit_date=previous.date if previous else None,
        previous_index=_number(report.previous_score.index) if report.previous_score else None,
        index_change=_number(report.change.index) if report.change else None,
        sector_median_index=_number(report.benchmark.index) if report.benchmark else None,
        sector_peers=report.benchmark.peer_count if report.benchmark else None,
        nps=_number(nps.score) if nps else None,
        nps_low=_number(nps.low) if nps else None,
        nps_high=_number(nps.high) if nps else None,
        survey_answers=nps.n if nps else None,
        **_survey_columns(report),
        implementation_rate=_number(report.follow_up.rate.rate) if report.follow_up else None,
    )


def _survey_columns(report: OrganisationReport) -> dict[str, float | None]:
    """CSAT and CES with their intervals; empty where the survey did not ask them."""
    csat, ces = (report.survey.csat, report.survey.ces) if report.survey else (None, None)
    return {
        "csat": _number(csat.score) if csat else None,
        "csat_low": _number(csat.low) if csat else None,
        "csat_high": _number(csat.high) if csat else None,
        "ces": _number(ces.score) if ces else None,
        "ces_low": _number(ces.low) if ces and ces.low is not None else None,
        "ces_high": _number(ces.high) if ces and ces.high is not None else None,
    }


def _audit_rows(report: OrganisationReport, language: str) -> list[AuditRow]:
    return [
        AuditRow(
            organisation=report.organisation.slug,
            audit=point.audit.slug,
            audit_title=_text(point.audit.title),
            audit_date=point.audit.date,
            latest=point.audit.slug == report.audit.slug,
            overall_index=_number(point.score.index),
            level=point.score.level.level if point.score.level else None,
            level_name=_level_name(point.score.level, language),
            assessed_dimensions=sum(d.assessed for d in point.score.dimensions),
            findings=sum(d.finding_count for d in point.score.dimensions),
        )
        for point in report.history
    ]


def _dimension_rows(report: OrganisationReport, language: str) -> list[DimensionScoreRow]:
    """Every dimension of every audit; the latest audit also gets the sector median."""
    rows = []
    before = None
    for point in report.history:
        latest = point.audit.slug == report.audit.slug
        change = change_since(point.score, before)
        for row, score in zip(report.dimensions, point.score.dimensions, strict=True):
            rows.append(
                DimensionScoreRow(
                    organisation=report.organisation.slug,
                    audit=point.audit.slug,
                    audit_date=point.audit.date,
                    latest=latest,
                    dimension=score.key,
                    dimension_label=_text(row.dimension.label[language]),
                    weight=row.dimension.weight,
                    score=_number(score.score),
                    findings=score.finding_count,
                    observations=score.evidence_count,
                    level=score.level.level if score.level else None,
                    level_name=_level_name(score.level, language),
                    previous_score=_number(before.dimension(score.key).score) if before else None,
                    change=_number(change.dimensions[score.key]) if change else None,
                    sector_median=_number(row.benchmark) if latest else None,
                )
            )
        before = point.score
    return rows


def _finding_row(report: OrganisationReport, finding: Finding) -> FindingRow:
    return FindingRow(
        organisation=report.organisation.slug,
        audit=report.audit.slug,
        audit_date=report.audit.date,
        finding=finding.slug,
        title=_text(finding.title),
        dimension=finding.dimension,
        score=finding.score,
        kind=finding.kind,
        observations=finding.evidence_count,
        recommendation=_optional_text(finding.recommendation),
        impact=finding.impact,
        effort=finding.effort,
        priority=report.quadrants.get(finding.slug),
        horizon=finding.horizon,
        owner=_optional_text(finding.owner),
    )


def _kpi_row(report: OrganisationReport, row: KpiRow, language: str) -> KpiValueRow:
    kpi = row.kpi
    return KpiValueRow(
        organisation=report.organisation.slug,
        audit=report.audit.slug,
        audit_date=report.audit.date,
        kpi=kpi.key,
        name=_text(kpi.label[language]),
        kind=kpi.kind,
        value=kpi.value,
        unit=_optional_text(kpi.unit),
        period=_text(kpi.period),
        target=kpi.target,
        higher_is_better=kpi.higher_is_better,
        meets_target=row.meets_target,
        source=_text(kpi.source),
    )


def _number(value: float | None) -> float | None:
    # + 0.0 turns a rounded -0.0 into 0.0
    return None if value is None else round(value, DIGITS) + 0.0


def _text(value: str) -> str:
    return _NOT_IN_XML.sub("", value)


def _optional_text(value: str | None) -> str | None:
    """Empty text is no value, the same in every format (an XLSX cell cannot hold '')."""
    return _text(value or "") or None


def _level_name(level: Level | None, language: str) -> str | None:
    return _text(level.name[language]) if level else None
