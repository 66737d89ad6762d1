"""The executive PDF: one per organisation, rendered by WeasyPrint from the print templates.

`contents` decides which sections the report has; the contents page, the PDF outline and the
running header all follow from it. WeasyPrint only gets files through `GuardedFetcher`: files
inside the portfolio and the theme, nothing else (no other file, no http, no data: URLs).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from klantspiegel.i18n import N_, Translator
from klantspiegel.kpis import NpsResult, net_promoter_score, nps_differs
from klantspiegel.model import Kpi, Portfolio
from klantspiegel.report import OrganisationReport
from klantspiegel.templating import environment

PDF_TEMPLATE = "pdf/report.html"


# --- which sections the report has ------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A heading of the PDF: one entry in the contents, the outline and the running header."""

    anchor: str
    number: str
    title: str
    template: str = ""  # the chapter's partial; sub-sections are written by their chapter
    children: tuple[Section, ...] = ()


def contents(report: OrganisationReport, t: Translator) -> tuple[Section, ...]:
    """The report's chapters and sub-sections in order, numbered; empty chapters are left out."""
    _ = t.gettext
    chapters: list[tuple[str, str, tuple[tuple[str, str], ...]]] = [
        ("summary", N_("Management summary"), ()),
        ("method", N_("Scope and method"), ()),
        (
            "dimensions",
            N_("Results per dimension"),
            tuple((f"dimension-{r.dimension.key}", r.dimension.label[report.language])
                  for r in report.examined),
        ),
    ]
    if report.anecdotes:
        stories = tuple((f"story-{a.slug}", a.title) for a in report.anecdotes)
        chapters.append(("journeys", N_("Customer journeys"), stories))
    if report.kpis or report.nps:
        chapters.append(("kpis", N_("KPI scorecard"), ()))
    if report.actions:
        parts = (("matrix", _("Priority matrix")),) if report.charts.matrix else ()
        chapters.append(("priorities", N_("Priorities and action plan"),
                         (*parts, ("action-plan", _("Action plan")))))
    if report.previous_score is not None:
        chapters.append(("trend", N_("Trend since the previous audit"), ()))
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
        )
        for number, (key, title, subs) in numbered
    )


# --- what the templates are given ---------------------------------------------------------------


@dataclass(frozen=True)
class NpsTrend:
    previous: NpsResult
    change: float
    significant: bool


def nps_trend(report: OrganisationReport) -> NpsTrend | None:
    """NPS against the previous audit's survey, and whether the gap is significant (95%)."""
    before_audit = report.organisation.previous_audit
    if report.nps is None or before_audit is None or before_audit.survey is None:
        return None
    before = net_promoter_score(before_audit.survey.scores)
    if before is None:
        return None
    return NpsTrend(before, report.nps.score - before.score, nps_differs(report.nps, before))


def previous_kpis(report: OrganisationReport) -> dict[str, Kpi]:
    """The previous audit's KPIs by key, for the scorecard's trend column."""
    before = report.organisation.previous_audit
    return {k.key: k for k in before.kpis} if before else {}


def css_string(*parts: str) -> Markup:
    """Texts joined as one quoted CSS string, safe inside a <style> element (no quote, no `</`).

    Translated messages arrive as Markup (HTML-escaped); CSS wants the plain text back.
    """
    text = "".join(p.unescape() if isinstance(p, Markup) else p for p in parts)
    escaped = re.sub(r'[\\"<>&\n]', lambda m: f"\\{ord(m.group()):x} ", text)
    return Markup(f'"{escaped}"')


def css_counter_text(message: str) -> Markup:
    """A message with {page} and {pages}, as CSS content: "page " counter(page) " of " ..."""
    parts = re.split(r"(\{page\}|\{pages\})", message)
    tokens = [
        "counter(page)" if p == "{page}" else "counter(pages)" if p == "{pages}" else css_string(p)
        for p in parts
        if p
    ]
    return Markup(" ".join(tokens))


def pdf_html(report: OrganisationReport, portfolio: Portfolio, theme_dir: Path) -> str:
    """The print HTML of a report (also what the benchmark feeds to bare WeasyPrint)."""
    language = report.organisation.report_language
    env = environment(theme_dir, portfolio.root, language)
    t = Translator(language)
    logo = (portfolio.root / portfolio.config.logo).resolve() if portfolio.config.logo else None
    sections = contents(report, t)
    matrix_numbers = {
        f.slug: i for i, f in enumerate((f for f in report.actions if f.impact and f.effort), 1)
    }
    return env.get_template(PDF_TEMPLATE).render(
        report=report,
        organisation=report.organisation,
        config=portfolio.config,
        model=portfolio.scoring_model,
        theme=theme_dir.resolve().as_uri() + "/",
        logo=logo.as_uri() if logo and logo.is_file() else None,
        sections=sections,
        section={s.anchor: s for s in sections},
        matrix_numbers=matrix_numbers,
        previous_kpis=previous_kpis(report),
        nps_trend=nps_trend(report),
        css_string=css_string,
        page_counter=css_counter_text(t.gettext("page {page} of {pages}")),
        draft=report.audit.status == "draft",
    )


def render_pdf(
    report: OrganisationReport, portfolio: Portfolio, theme_dir: Path, target: Path
) -> int:
    """Write the organisation's PDF; returns its number of pages."""
    import weasyprint  # here, not at the top: it takes 0.4 s to import and most runs need none

    from klantspiegel.fetch import GuardedFetcher

    html = pdf_html(report, portfolio, theme_dir)
    media = {theme_dir / url: source for text in (*report.findings, *report.anecdotes)
             for url, source in text.media}
    fetcher = GuardedFetcher([portfolio.root, theme_dir], media)
    document = weasyprint.HTML(
        string=html,
        base_url=theme_dir.resolve().as_uri() + "/",
        url_fetcher=fetcher,
    ).render()
    # The audit's date, not the clock: the same report gives the same bytes on every build.
    audit_day = dt.datetime.combine(report.audit.date, dt.time(), tzinfo=dt.UTC)
    attachment = weasyprint.Attachment(
        created=audit_day,
        modified=audit_day,
        string=findings_csv(report),
        base_url=None,
        name="findings.csv",
        description=Translator(report.organisation.report_language).gettext("Findings (CSV)"),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(target, pdf_variant="pdf/ua-1", attachments=[attachment])
    return len(document.pages)


def findings_csv(report: OrganisationReport) -> str:
    """The report's final findings as CSV, attached to the PDF for analysts."""
    t = Translator(report.organisation.report_language)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "title",
            "dimension",
            "score",
            "kind",
            "evidence",
            "recommendation",
            "impact",
            "effort",
            "owner",
            "horizon",
        ]
    )
    for finding in report.findings:
        if not finding.is_final:
            continue
        writer.writerow(
            [
                finding.slug,
                finding.title,
                report.finding_dimension(finding).label[report.language],
                finding.score,
                t.value("kind", finding.kind),
                finding.evidence_count,
                finding.recommendation,
                finding.impact or "",
                finding.effort or "",
                finding.owner or "",
                t.value("horizon", finding.horizon) if finding.horizon else "",
            ]
        )
    return out.getvalue()
