"""Every audit's report at a stable address: `<org>/audits/<audit>/`, with its findings and
stories beneath, linked from the trend.

The latest audit's report stays where it always was (`<org>/index.html`, `<org>/findings/...`),
so no existing link breaks; its stable address holds small pages that send the reader there.
When a newer audit arrives the report moves into its stable address, so a link to
`audits/<audit>/` never breaks and never changes its meaning. An earlier audit's pages are the
same templates rendered from that audit's report (`OrganisationReport.earlier`), with a banner
that points to the latest report; their search results are marked with the audit.
"""

from __future__ import annotations

from dataclasses import dataclass

from klantspiegel.model import Audit, Organisation
from klantspiegel.report import HistoryPoint, OrganisationReport

AUDITS_DIR = "audits"


@dataclass(frozen=True)
class AuditLink:
    """One audit in a report's list of audits: where its report is, seen from this report."""

    point: HistoryPoint
    href: str | None  # None for the report's own audit
    draft: bool


def audit_folder(organisation: Organisation, audit: Audit) -> str:
    """The folder of an audit's report inside the organisation's folder ('' for the latest)."""
    return "" if audit.slug == organisation.latest_audit.slug else f"{AUDITS_DIR}/{audit.slug}/"


def audit_links(report: OrganisationReport) -> tuple[AuditLink, ...]:
    """The audits of a report's history, newest first, each linked to its own report."""
    # an earlier audit's report is two folders below the organisation's
    back = "" if not audit_folder(report.organisation, report.audit) else "../../"
    return tuple(
        AuditLink(
            point,
            None
            if point.audit.slug == report.audit.slug
            else f"{back}{audit_folder(report.organisation, point.audit)}index.html",
            point.audit.status == "draft",
        )
        for point in reversed(report.history)
    )


def previous_folder(report: OrganisationReport) -> str:
    """The folder of the previous audit's report seen from this report ('' when none), where
    the follow-up links the findings whose recommendations it follows up."""
    previous = report.previous_audit
    if previous is None:
        return ""
    back = "" if not audit_folder(report.organisation, report.audit) else "../../"
    return f"{back}{audit_folder(report.organisation, previous)}"
