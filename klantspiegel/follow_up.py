"""The follow-up audit: what became of the previous audit's recommendations.

An audit after an organisation's first lists in `follow_up` one entry per recommendation of the
audit before it (the finding's file name, a status and a comment for the client). `check`
makes sure each names a finding of that audit with a recommendation, once, and warns about
recommendations left without an entry; the report shows the entries with the implementation
rate (`scoring.implementation_rate`: done / (all - dropped)).

A client only follows up what it was given: a draft finding of the previous audit (or a
previous audit that was itself a draft) has no place in the client's report, and only final
recommendations count in the rate, in every audience, so site, PDF and exports agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from klantspiegel.i18n import Translator
from klantspiegel.model import Audit, Dimension, FollowUpStatus, Organisation
from klantspiegel.problems import Problem
from klantspiegel.scoring import ImplementationRate, implementation_rate
from klantspiegel.text import slugify
from klantspiegel.validate import suggestion

STATUSES = "done, in_progress, not_started or dropped"


def follow_up_problems(organisation: Organisation) -> list[Problem]:
    """Every follow-up entry of the organisation's audits checked against the audit before."""
    problems: list[Problem] = []
    previous: Audit | None = None
    for audit in organisation.audits:  # oldest first
        problems += _audit_problems(audit, previous)
        previous = audit
    return problems


def _audit_problems(audit: Audit, previous: Audit | None) -> list[Problem]:
    if previous is None:
        if not audit.follow_up:
            return []
        return [
            Problem(
                audit.source,
                audit.key_lines.get(("follow_up",)),
                "follow_up",
                (
                    "this is the organisation's first audit (by date): it has no earlier "
                    "recommendations to follow up; remove follow_up, or check the audit dates"
                ),
            )
        ]
    recommended = [f.slug for f in previous.findings if f.recommendation]
    other = {f.slug for f in previous.findings} - set(recommended)
    problems, seen = [], dict[str, int]()
    for index, entry in enumerate(audit.follow_up):
        slug, name = slugify(entry.recommendation), entry.recommendation
        line = audit.key_lines.get(("follow_up", index, "recommendation"))
        where = f"follow_up[{index + 1}].recommendation"
        if slug in seen:
            message = (
                f"'{name}' is already followed up (follow_up[{seen[slug] + 1}]): one "
                "entry per recommendation; remove one of them"
            )
        elif slug in other:
            message = (
                f"the finding '{name}' of the previous audit ({previous.slug}) has no "
                "recommendation to follow up"
            )
        elif slug not in recommended:
            message = (
                f"no finding '{name}' with a recommendation in the previous audit "
                f"({previous.slug}){suggestion(name, recommended)}"
            )
        else:
            message = ""
        if message:
            problems.append(Problem(audit.source, line, where, message))
        seen.setdefault(slug, index)
    missing = [
        f.slug for f in previous.findings if f.recommendation and f.is_final and f.slug not in seen
    ]
    if missing:
        problems.append(
            Problem(
                audit.source,
                audit.key_lines.get(("follow_up",), audit.key_lines.get(("title",))),
                "follow_up",
                f"{len(missing)} recommendation(s) of the previous audit ({previous.slug}) not "
                f"followed up: add to follow_up, for each, '- recommendation: <name>' with a "
                f"status ({STATUSES}) and a comment: {', '.join(missing)}",
                "warning",
            )
        )
    return problems


@dataclass(frozen=True)
class FollowUpRow:
    """One recommendation of the previous audit and what became of it."""

    slug: str  # the finding's file name in the previous audit
    recommendation: str
    finding_title: str
    dimension: str  # the dimension's name in the report's language
    owner: str | None
    status: FollowUpStatus
    status_label: str
    comment: str
    draft: bool  # a draft finding: on the consultant's site only (marked), never counted


@dataclass(frozen=True)
class FollowUpReport:
    """The follow-up section of a report: each previous recommendation, then the rate."""

    previous: Audit
    rows: tuple[FollowUpRow, ...]
    rate: ImplementationRate
    rate_text: str  # "50%", or "–" when every recommendation was dropped
    summary: str  # "Implemented: 3 of 6 recommendations (50%)"
    label: str  # "Recommendations implemented", beside the rate
    note: str  # "3 of 6 · 2 in progress, 1 not started, 1 dropped", under it
    detail: str  # "2 in progress, 1 not started, 1 dropped"
    basis: str  # which audit's recommendations, and what the rate counts


def follow_up_report(
    audit: Audit, previous: Audit | None, dimensions: Sequence[Dimension], t: Translator
) -> FollowUpReport | None:
    """The follow-up of the previous audit's recommendations as this audience may see it;
    None without a previous audit or without follow-up entries."""
    if previous is None or not audit.follow_up:
        return None
    findings = {f.slug: f for f in previous.findings if f.recommendation}
    labels = {d.key: d.label[t.language] for d in dimensions}
    rows = tuple(
        FollowUpRow(
            slug=finding.slug,
            recommendation=finding.recommendation,
            finding_title=finding.title,
            dimension=labels.get(finding.dimension, ""),
            owner=finding.owner or None,
            status=entry.status,
            status_label=t.value("follow_up", entry.status),
            comment=entry.comment,
            draft=not finding.is_final,
        )
        for entry in audit.follow_up
        if (finding := findings.get(slugify(entry.recommendation))) is not None
    )
    if not rows:
        return None
    final = [row for row in rows if not row.draft]
    rate = implementation_rate(final)
    _ = t.gettext
    rate_text = f"{t.number(rate.rate, 0)}%" if rate.rate is not None else "–"
    summary = t.ngettext(
        "Implemented: %(done)d of %(num)d recommendation (%(rate)s)",
        "Implemented: %(done)d of %(num)d recommendations (%(rate)s)",
        rate.pursued,
    ) % {"done": rate.done, "num": rate.pursued, "rate": rate_text}
    parts = [
        (rate.in_progress, _("in progress")),
        (rate.not_started, _("not started")),
        (rate.dropped, _("dropped")),
    ]
    detail = ", ".join(f"{count} {words}" for count, words in parts if count)
    basis = _(
        "Recommendations of {title} ({date}). The rate is the share done of all "
        "recommendations except those dropped."
    ).format(title=previous.title, date=t.date(previous.date, "MMM yyyy"))
    note = " · ".join(
        filter(None, (_("{done} of {num}").format(done=rate.done, num=rate.pursued), detail))
    )
    return FollowUpReport(
        previous,
        rows,
        rate,
        rate_text,
        summary,
        _("Recommendations implemented"),
        note,
        detail,
        basis,
    )
