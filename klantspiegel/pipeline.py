"""The build, top to bottom: load, validate, score, render the site and the PDFs, write."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from klantspiegel.bundles import CLIENTS_DIR, write_bundle
from klantspiegel.load import load_portfolio
from klantspiegel.model import Portfolio
from klantspiegel.output import staged_output
from klantspiegel.pdf import render_pdf
from klantspiegel.problems import ContentError, Problem
from klantspiegel.report import build_report, latest_scores
from klantspiegel.site import render_site, site_pages
from klantspiegel.templating import THEME_DIR


@dataclass(frozen=True)
class BuildResult:
    portfolio: Portfolio
    warnings: list[Problem]
    pages: int
    pdfs: int
    pdf_pages: int
    seconds: float


def check(source: Path) -> tuple[Portfolio, list[Problem]]:
    """Load and validate; raise ContentError with every problem when there is an error."""
    portfolio, problems = load_portfolio(source)
    if portfolio is None:
        raise ContentError(problems)
    return portfolio, problems


def build(
    source: Path, output: Path, *, pdf: bool = True, theme_dir: Path = THEME_DIR
) -> BuildResult:
    """Build the portfolio at `source` into `output` (site/, pdf/, clients/): all or nothing."""
    started = time.perf_counter()
    portfolio, warnings = check(source)
    peers = latest_scores(portfolio)
    consultant_reports = {
        o.slug: build_report(o, portfolio, peers, audience="consultant")
        for o in portfolio.organisations
    }
    client_reports = {
        o.slug: build_report(o, portfolio, peers, audience="client")
        for o in portfolio.organisations
    }
    with staged_output(output) as staging:
        pages = render_site(
            site_pages(portfolio, consultant_reports), portfolio, theme_dir, staging / "site"
        )
        pdf_pages = 0
        for slug, report in client_reports.items():
            pdf_path = staging / "pdf" / f"{slug}.pdf" if pdf else None
            if pdf_path:
                pdf_pages += render_pdf(report, portfolio, theme_dir, pdf_path)
            pages += write_bundle(report, portfolio, theme_dir, staging / CLIENTS_DIR / slug,
                                  pdf_path)
        pdf_count = len(client_reports) if pdf else 0
    return BuildResult(
        portfolio, warnings, pages, pdf_count, pdf_pages, time.perf_counter() - started
    )
