"""The report site: which pages exist, and rendering each with its template.

Every link is relative (`root` is the way back to the site's top from a page), so the site
works under any sub-path and opened straight from disk.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from klantspiegel.model import Language, Portfolio
from klantspiegel.report import OrganisationReport
from klantspiegel.templating import environment


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site root, with forward slashes
    template: str
    language: Language
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> str:
        """Relative way back to the site root: '' at the top, '../' one folder down."""
        return "../" * self.path.count("/")


def site_pages(portfolio: Portfolio, reports: Mapping[str, OrganisationReport]) -> list[Page]:
    """Every page of the portfolio site, with what its template needs."""
    home_language = portfolio.config.language
    pages = [
        Page("index.html", "site/index.html", home_language, {"reports": list(reports.values())})
    ]
    for slug, report in reports.items():
        language = report.organisation.report_language
        base = {"report": report, "organisation": report.organisation}
        pages.append(Page(f"{slug}/index.html", "site/organisation.html", language, base))
        for finding in report.findings:
            pages.append(
                Page(
                    f"{slug}/findings/{finding.slug}.html",
                    "site/finding.html",
                    language,
                    {**base, "finding": finding},
                )
            )
        for anecdote in report.anecdotes:
            pages.append(
                Page(
                    f"{slug}/anecdotes/{anecdote.slug}.html",
                    "site/anecdote.html",
                    language,
                    {**base, "anecdote": anecdote},
                )
            )
    return pages


def render_site(pages: Iterable[Page], portfolio: Portfolio, theme_dir: Path, out_dir: Path) -> int:
    """Render pages into out_dir and copy the theme's assets; returns the number of pages."""
    count = 0
    shared = {"config": portfolio.config, "model": portfolio.scoring_model}
    for page in pages:
        env = environment(theme_dir, portfolio.root, page.language)
        html = env.get_template(page.template).render(
            **shared, **page.context, root=page.root, page_path=page.path
        )
        target = out_dir / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        count += 1
    copy_assets(theme_dir, portfolio, out_dir / "assets")
    return count


def copy_assets(theme_dir: Path, portfolio: Portfolio, target: Path) -> None:
    """Theme assets, then the portfolio's own (which win), then the configured logo."""
    shutil.copytree(theme_dir / "assets", target, dirs_exist_ok=True)
    own = portfolio.root / "templates" / "assets"
    if own.is_dir():
        shutil.copytree(own, target, dirs_exist_ok=True)
    if portfolio.config.logo:
        logo = (portfolio.root / portfolio.config.logo).resolve()
        if logo.is_relative_to(portfolio.root) and logo.is_file():
            shutil.copy2(logo, target / f"logo{logo.suffix.lower()}")
