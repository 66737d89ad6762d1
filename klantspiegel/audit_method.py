"""What the site's organisation page says about how an audit was done: scope, method, sources.

The PDF has a method chapter; the site shows the same facts compactly, computed here so the
template only presents them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from klantspiegel.model import Dimension
from klantspiegel.report import OrganisationReport


@dataclass(frozen=True)
class FieldworkPeriod:
    start: dt.date
    end: dt.date

    @property
    def single_day(self) -> bool:
        return self.start == self.end


@dataclass(frozen=True)
class AuditMethod:
    """Scope, period, auditors and sources of the audit a report shows."""

    scope: str  # the consultant's own description of what was audited
    examined: tuple[Dimension, ...]
    not_examined: tuple[Dimension, ...]
    dimension_count: int  # every dimension of the scoring model
    period: FieldworkPeriod | None  # earliest to latest dated observation; None without dates
    auditors: tuple[str, ...]
    evidence_by_type: tuple[tuple[str, int], ...]  # (evidence type, observations), most first
    observation_count: int
    kpi_sources: tuple[str, ...]  # where the organisation's KPIs come from, each once
    survey_answers: int | None  # answers behind the NPS; None without a survey


def audit_method(report: OrganisationReport) -> AuditMethod:
    """The scope-and-method facts of a report, over what its audience may see."""
    return AuditMethod(
        scope=report.audit.scope,
        examined=tuple(row.dimension for row in report.examined),
        not_examined=report.not_examined,
        dimension_count=len(report.dimensions),
        period=fieldwork_period(report),
        auditors=tuple(report.audit.auditors),
        evidence_by_type=report.evidence_by_type,
        observation_count=report.observation_count,
        kpi_sources=tuple(dict.fromkeys(r.source for r in report.kpi_rows if r.source)),
        survey_answers=report.nps.n if report.nps else None,
    )


def fieldwork_period(report: OrganisationReport) -> FieldworkPeriod | None:
    """First to last date of the observations behind the final findings. A customer story's
    date is when the customer lived it, often long before the audit, so it is left out."""
    final = [f for f in report.findings if f.is_final]
    dates = [e.date for f in final for e in f.evidence if e.date is not None]
    if not dates:
        return None
    return FieldworkPeriod(min(dates), max(dates))
