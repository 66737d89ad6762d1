"""Client bundles: one standalone site per organisation, holding its own data and nothing else.

A bundle is built from the client report (no drafts, no internal notes) with only that
organisation's pages, the method page, its own search index and its PDF. Peer benchmarks
reach it only as medians of at least three organisations, never by name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from klantspiegel.model import Portfolio
from klantspiegel.report import OrganisationReport
from klantspiegel.site import render_site, site_pages

CLIENTS_DIR = "clients"


def write_bundle(
    report: OrganisationReport, portfolio: Portfolio, theme_dir: Path, target: Path,
    pdf: Path | None,
) -> int:
    """Write one client's bundle into target; returns its number of pages."""
    slug = report.organisation.slug
    pages = site_pages(portfolio, {slug: report}, client=True)
    count = render_site(pages, portfolio, theme_dir, target, client=True)
    if pdf is not None:
        shutil.copy2(pdf, target / pdf.name)
    return count
