"""The executive PDF: one per organisation, rendered by WeasyPrint from the print templates.

WeasyPrint only gets files through `GuardedFetcher`: files inside the portfolio and the theme,
nothing else (no other file, no http, no data: URLs).
"""

from __future__ import annotations

import csv
import io
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from klantspiegel.i18n import Translator
from klantspiegel.model import Portfolio
from klantspiegel.report import OrganisationReport
from klantspiegel.templating import environment

PDF_TEMPLATE = "pdf/report.html"


class OutsideFetchError(ValueError):
    """A document asked for something outside the portfolio and the theme."""


class GuardedFetcher(URLFetcher):
    """Serves `file:` URLs inside the allowed folders; refuses everything else."""

    def __init__(self, allowed: list[Path]):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.allowed = [p.resolve() for p in allowed]

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise OutsideFetchError(f"refused to fetch {url}: only portfolio and theme files")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed) or not path.is_file():
            raise OutsideFetchError(f"refused to fetch {url}: outside the portfolio and theme")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def pdf_html(report: OrganisationReport, portfolio: Portfolio, theme_dir: Path) -> str:
    """The print HTML of a report (also what the benchmark feeds to bare WeasyPrint)."""
    env = environment(theme_dir, portfolio.root, report.organisation.report_language)
    logo = (portfolio.root / portfolio.config.logo).resolve() if portfolio.config.logo else None
    return env.get_template(PDF_TEMPLATE).render(
        report=report,
        organisation=report.organisation,
        config=portfolio.config,
        model=portfolio.scoring_model,
        theme=theme_dir.resolve().as_uri() + "/",
        logo=logo.as_uri() if logo and logo.is_file() else None,
    )


def render_pdf(
    report: OrganisationReport, portfolio: Portfolio, theme_dir: Path, target: Path
) -> int:
    """Write the organisation's PDF; returns its number of pages."""
    html = pdf_html(report, portfolio, theme_dir)
    fetcher = GuardedFetcher([portfolio.root, theme_dir])
    document = weasyprint.HTML(
        string=html,
        base_url=theme_dir.resolve().as_uri() + "/",
        url_fetcher=fetcher,
    ).render()
    attachment = weasyprint.Attachment(
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
