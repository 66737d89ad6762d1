"""Presentation: what the pages show, decided once for the site and the PDF.

Scoring computes numbers; this layer decides how a report shows them: changes computed from
the values as shown (2,2 -> 3,1 is +0,9, whatever the unrounded scores), the decimals of a
KPI, the wording of a KPI against its target, the notes that explain a total or a comparison
that does not add up, and which sections a report has. `report` stores the results in the
report, so every template, site and PDF, reads the same text; `Translator.number` and
`Translator.signed` (klantspiegel/i18n.py) are the one number style.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from klantspiegel.i18n import N_, Translator, rounded
from klantspiegel.kpis import NpsResult, meets_target, nps_differs, target_wording
from klantspiegel.model import Audit, Kpi
from klantspiegel.scoring import AuditScore, Benchmark

if TYPE_CHECKING:
    from klantspiegel.report import OrganisationReport

SCORE_DIGITS = 1  # dimension scores and the index: 3,1
NPS_DIGITS = 0  # NPS and its interval: +14
MAX_KPI_DIGITS = 3


# --- numbers --------------------------------------------------------------------------------


def shown_change(
    now: float | None, before: float | None, digits: int = SCORE_DIGITS
) -> float | None:
    """The change between two values as a reader sees them: the difference of the rounded
    values, so that "2,2 -> 3,1" reads +0,9 and never +1,0. None when either is missing."""
    if now is None or before is None:
        return None
    return float(rounded(now, digits) - rounded(before, digits))


def emotion(t: Translator, value: int) -> str:
    """A journey step's emotion, -2..+2: "+2", "−1" (a true minus) and "0"."""
    return t.signed(value, 0)


def kpi_digits(values: Iterable[float | None]) -> int:
    """Decimals for every value of one KPI (value, target, previous value): as many as the most
    precise of them carries, at most three, so 0,62 and 0,55 never both read 0,6."""

    def decimals(value: float) -> int:
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0

    return min(MAX_KPI_DIGITS, max((decimals(v) for v in values if v is not None), default=0))


# --- KPIs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiRow:
    """A KPI as the scorecard shows it, the same on the site and in the PDF."""

    kpi: Kpi
    meets_target: bool | None
    digits: int  # decimals of the value, the target and the previous value alike
    previous: Kpi | None  # the same KPI in the previous audit
    value: str  # the numbers as shown, without the unit (the page sets the unit)
    target: str | None
    previous_value: str | None
    target_label: str  # "On target", "Below target" (higher is better), "Above target", ...
    source: str


def kpi_rows(
    audit: Audit, previous: Audit | None, nps: NpsResult | None, t: Translator
) -> tuple[KpiRow, ...]:
    """The audit's KPIs with their display decisions."""
    before = {k.key: k for k in previous.kpis} if previous else {}
    rows = []
    for kpi in audit.kpis:
        earlier = before.get(kpi.key)
        digits = kpi_digits((kpi.value, kpi.target, earlier.value if earlier else None))
        # an NPS is a point on -100..+100: signed, like the NPS everywhere else
        shown = t.signed if kpi.key == "nps" else t.number
        rows.append(
            KpiRow(
                kpi=kpi,
                meets_target=meets_target(kpi),
                digits=digits,
                previous=earlier,
                value=shown(kpi.value, digits),
                target=shown(kpi.target, digits) if kpi.target is not None else None,
                previous_value=shown(earlier.value, digits) if earlier else None,
                target_label=t.gettext(target_wording(kpi)),
                # the survey's own NPS is sourced by the survey, not by a file name
                source=survey_label(nps, t) if kpi.key == "nps" and nps else kpi.source,
            )
        )
    return tuple(rows)


def survey_label(nps: NpsResult, t: Translator) -> str:
    """The customer survey as a source: "Klantenenquête (n = 110)"."""
    return t.gettext("Customer survey (n = {n})").format(n=t.number(nps.n, 0))


@dataclass(frozen=True)
class NpsTrend:
    previous: NpsResult
    change: float  # from the shown scores: -8 -> +14 is +22
    significant: bool


def nps_trend(nps: NpsResult | None, before: NpsResult | None) -> NpsTrend | None:
    """NPS against the previous audit's survey, and whether the gap is significant (95%)."""
    if nps is None or before is None:
        return None
    change = shown_change(nps.score, before.score, NPS_DIGITS)
    assert change is not None
    return NpsTrend(before, change, nps_differs(nps, before))


# --- notes: totals and comparisons that do not simply add up ----------------------------------


@dataclass(frozen=True)
class ReportNotes:
    """One sentence each where a reader would otherwise find numbers that do not reconcile."""

    observations: str | None  # the dimension rows add up to more than the total
    trend: str | None  # the previous audit assessed other dimensions
    benchmark: str | None  # the sector median covers other dimensions than this audit


def report_notes(
    score: AuditScore,
    previous: AuditScore | None,
    benchmark: Benchmark | None,
    observations_by_dimension: int,
    observations: int,
    t: Translator,
) -> ReportNotes:
    """The notes a report needs, in its language; None where the numbers reconcile."""
    assessed = {d.key for d in score.dimensions if d.assessed}
    trend = benchmark_note = None
    if previous is not None:
        before = {d.key for d in previous.dimensions if d.assessed}
        if before != assessed:
            trend = t.gettext(
                "The two audits assessed different dimensions ({before} then, {now} now, "
                "{common} in both): the change in the overall index compares different sets."
            ).format(before=len(before), now=len(assessed), common=len(before & assessed))
    if benchmark is not None:
        known = {key for key, value in benchmark.dimensions.items() if value is not None}
        if known != assessed:
            benchmark_note = t.gettext(
                "The sector median is known for {known} of the {assessed} dimensions assessed "
                "here (a median needs three peers that assessed the dimension); each peer's "
                "overall index rests on the dimensions assessed there."
            ).format(known=len(known & assessed), assessed=len(assessed))
    observation_note = None
    if observations_by_dimension != observations:
        observation_note = t.gettext(
            "A customer story behind several findings counts with each of them in the rows, "
            "and once in the total."
        )
    return ReportNotes(observation_note, trend, benchmark_note)


# --- which sections a report has ---------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A section of a report: one entry in the PDF's contents, outline and running header,
    and (where `site_anchor` is set) a section of the site's organisation page and its nav."""

    anchor: str
    number: str
    title: str
    template: str = ""  # the PDF chapter's partial; sub-sections are written by their chapter
    children: tuple[Section, ...] = ()
    site_anchor: str | None = None  # its id on the organisation page; None: in the PDF only
    nav_label: str = ""  # its short name in the site's report navigation


# PDF chapter -> (id on the site's organisation page, label in its navigation), in the order
# of that page: on the web the method comes last, after the results it explains
SITE_SECTIONS: dict[str, tuple[str, str]] = {
    "summary": ("summary", N_("Summary")),
    "dimensions": ("dimensions", N_("Dimensions")),
    "journeys": ("stories", N_("Customer stories")),
    "kpis": ("kpis", N_("KPIs")),
    "priorities": ("actions", N_("Action plan")),
    "trend": ("trend", N_("Trend")),
    "follow_up": ("follow-up", N_("Follow-up")),
    "method": ("method", N_("Method")),
}


def contents(report: OrganisationReport, t: Translator) -> tuple[Section, ...]:
    """The report's chapters and sub-sections in order, numbered; empty chapters are left out.
    The PDF has them all; the site's organisation page has those with a `site_anchor`."""
    _ = t.gettext
    chapters: list[tuple[str, str, tuple[tuple[str, str], ...]]] = [
        ("summary", N_("Management summary"), ()),
        ("method", N_("Scope and method"), ()),
        (
            "dimensions",
            N_("Results per dimension"),
            tuple(
                (f"dimension-{r.dimension.key}", r.dimension.label[report.language])
                for r in report.examined
            ),
        ),
    ]
    if report.anecdotes:
        stories = tuple((f"story-{a.slug}", a.title) for a in report.anecdotes)
        chapters.append(("journeys", N_("Customer journeys"), stories))
    if report.kpis or report.nps or report.survey:
        chapters.append(("kpis", N_("KPI scorecard"), ()))
    if report.actions:
        parts = (("matrix", _("Priority matrix")),) if report.charts.matrix else ()
        chapters.append(
            (
                "priorities",
                N_("Priorities and action plan"),
                (*parts, ("action-plan", _("Action plan"))),
            )
        )
    if report.previous_score is not None:
        chapters.append(("trend", N_("Trend since the previous audit"), ()))
    if report.follow_up is not None:
        chapters.append(("follow_up", N_("Follow-up of the previous recommendations"), ()))
    appendices = [("model", N_("Scoring model"), ())]
    if report.findings:
        appendices.append(("register", N_("Register of findings"), ()))
    numbered = [(str(i), c) for i, c in enumerate(chapters, 1)]
    numbered += [(chr(ord("A") + i), c) for i, c in enumerate(appendices)]
    return tuple(
        Section(
            anchor=key,
            number=number,
            title=_(title),
            template=f"pdf/sections/{key}.html",
            children=tuple(
                Section(anchor, f"{number}.{i}", text) for i, (anchor, text) in enumerate(subs, 1)
            ),
            site_anchor=SITE_SECTIONS[key][0] if key in SITE_SECTIONS else None,
            nav_label=_(SITE_SECTIONS[key][1]) if key in SITE_SECTIONS else "",
        )
        for number, (key, title, subs) in numbered
    )


def site_sections(sections: Sequence[Section]) -> Mapping[str, Section]:
    """The sections of the site's organisation page, in its order, by their id on that page."""
    order = list(SITE_SECTIONS)
    shown = sorted((s for s in sections if s.site_anchor), key=lambda s: order.index(s.anchor))
    return {s.site_anchor: s for s in shown if s.site_anchor}
