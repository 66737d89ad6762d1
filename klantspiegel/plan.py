"""What a build writes: every artifact (page, PDF, assets, search index) with the key of its inputs.

A client bundle (`clients/<org>/`) is a site of its own, planned from the client report (no
drafts, no internal notes) with only that organisation's pages, the method page, its own search
index and its PDF; peer benchmarks reach it only as medians of at least three organisations.

An artifact's id is its place in the output (`site/<org>/index.html`, `pdf/<org>.pdf`,
`clients/<org>/pagefind`). Its key hashes everything that decides its bytes, so an artifact
whose key is unchanged since the previous build is kept as it is (see `cache`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from klantspiegel.cache import Fingerprints, TemplateDigests, digest, tree_digest
from klantspiegel.exports import ExportTables, export_tables
from klantspiegel.layout import ASSETS_DIR, CLIENTS_DIR, EXPORTS_DIR, PDF_DIR, SITE_DIR
from klantspiegel.model import Portfolio
from klantspiegel.pdf import DEFAULT_PDF_VARIANT, PdfInputs
from klantspiegel.report import OrganisationReport
from klantspiegel.report_charts import ChartMemo
from klantspiegel.single_file import TEMPLATE as SINGLE_FILE_TEMPLATE
from klantspiegel.site import (
    INLINE_SEARCH_FILE,
    SEARCH_DIR,
    Page,
    logo_name,
    site_pages,
)
from klantspiegel.templating import environment


@dataclass(frozen=True)
class SitePlan:
    """One site (the consultant's portfolio or a client bundle) and the keys of its parts."""

    folder: str  # relative to the output: "site" or "clients/<org>"
    pages: tuple[tuple[Page, str], ...]  # each page with its key
    shared: Mapping[str, Any]  # what every page of this site is rendered with
    assets_key: str
    search_key: str
    locale: str  # the tag of its pages' language and formats: "en-GB"
    client: bool

    @property
    def search_index(self) -> str:
        """The search index's place in the site: Pagefind's folder, or a bundle's inline index
        (a bundle is opened from disk, where Pagefind cannot load)."""
        return INLINE_SEARCH_FILE if self.client else SEARCH_DIR


@dataclass(frozen=True)
class PlannedPdf:
    """An organisation's PDF: what it is made from, and the key hashed from exactly that."""

    inputs: PdfInputs
    key: str


@dataclass(frozen=True)
class OrganisationPlan:
    slug: str
    name: str
    report: OrganisationReport  # the client report: what the PDF and the bundle show
    pages: tuple[tuple[Page, str], ...]  # its pages in the consultant's site
    bundle: SitePlan
    pdf: PlannedPdf | None  # None when the build makes no PDFs
    single_file_key: str = ""  # clients/<org>/<org>.html, made from the bundle

    @property
    def single_file(self) -> str:
        """The single-file report's place in the output, beside the bundle's PDF."""
        return f"{self.bundle.folder}/{self.slug}.html"


@dataclass(frozen=True)
class BuildPlan:
    site: SitePlan  # with only the portfolio pages; organisation pages are in `organisations`
    organisations: tuple[OrganisationPlan, ...]
    exports: ExportTables  # what the exports hold; their key is these rows' hash
    exports_key: str
    keys: dict[str, str] = field(default_factory=dict)  # every artifact id -> key
    pdf_variant: str = DEFAULT_PDF_VARIANT  # one of pdf.PDF_VARIANTS


def plan_build(
    portfolio: Portfolio,
    consultant_reports: Mapping[str, OrganisationReport],
    client_reports: Mapping[str, OrganisationReport],
    theme_dir: Path,
    code: str,
    *,
    pdf: bool,
    pdf_variant: str = DEFAULT_PDF_VARIANT,
    values: Fingerprints | None = None,
    charts_drawn: ChartMemo | None = None,
) -> BuildPlan:
    """Every artifact of the build with its key; computing keys renders nothing. `values`
    holds fingerprints this build computed before (of the values the reports share);
    `charts_drawn`, the charts earlier builds drew."""
    keyer = _Keyer(portfolio, theme_dir, code, values or Fingerprints())
    all_pages = site_pages(portfolio, consultant_reports, pdf=pdf, charts_drawn=charts_drawn)
    by_organisation: dict[str, list[tuple[Page, str]]] = {slug: [] for slug in client_reports}
    portfolio_pages = []
    site_shared = keyer.shared(client=False)
    for page in all_pages:
        keyed = (page, keyer.page(page, site_shared))
        if page.owner in by_organisation:
            by_organisation[page.owner].append(keyed)
        else:
            portfolio_pages.append(keyed)
    site = keyer.site(
        SITE_DIR,
        tuple(portfolio_pages),
        site_shared,
        portfolio.config.report_locale,
        client=False,
        every_page=[k for _, k in portfolio_pages]
        + [k for pages in by_organisation.values() for _, k in pages],
    )
    organisations = []
    for slug, report in client_reports.items():
        client_shared = keyer.shared(client=True)
        bundle_pages = tuple(
            (p, keyer.page(p, client_shared))
            for p in site_pages(portfolio, {slug: report}, client=True, pdf=pdf)
        )
        bundle = keyer.site(
            f"{CLIENTS_DIR}/{slug}",
            bundle_pages,
            client_shared,
            report.organisation.report_locale,
            client=True,
            every_page=[k for _, k in bundle_pages],
        )
        organisations.append(
            OrganisationPlan(
                slug,
                report.organisation.name,
                report,
                tuple(by_organisation[slug]),
                bundle,
                keyer.pdf(PdfInputs.of(report, portfolio, theme_dir, pdf_variant)) if pdf else None,
                keyer.single_file(bundle),
            )
        )
    # Keyed by the rows, not the reports they come from: an edit that changes no exported
    # cell (a finding's text, a story) leaves the spreadsheet as it is.
    exports = export_tables(portfolio, client_reports)
    exports_key = digest(code, keyer.values.of(exports))
    plan = BuildPlan(site, tuple(organisations), exports, exports_key, pdf_variant=pdf_variant)
    plan.keys.update(_artifact_keys(plan))
    return plan


def _artifact_keys(plan: BuildPlan) -> dict[str, str]:
    keys: dict[str, str] = {EXPORTS_DIR: plan.exports_key}
    for site in [plan.site] + [o.bundle for o in plan.organisations]:
        keys.update({f"{site.folder}/{page.path}": key for page, key in site.pages})
        keys[f"{site.folder}/{ASSETS_DIR}"] = site.assets_key
        keys[f"{site.folder}/{site.search_index}"] = site.search_key
    for organisation in plan.organisations:
        keys.update({f"{SITE_DIR}/{page.path}": key for page, key in organisation.pages})
        keys[organisation.single_file] = organisation.single_file_key
        if organisation.pdf:
            keys[f"{PDF_DIR}/{organisation.slug}.pdf"] = organisation.pdf.key
            keys[f"{organisation.bundle.folder}/{organisation.slug}.pdf"] = organisation.pdf.key
    return keys


class _Keyer:
    """Computes keys; the fingerprints of shared values are computed once per build."""

    def __init__(self, portfolio: Portfolio, theme_dir: Path, code: str, values: Fingerprints):
        self.portfolio = portfolio
        self.theme_dir = theme_dir
        self.code = code
        self.values = values
        locales = {
            portfolio.config.report_locale,
            *(o.report_locale for o in portfolio.organisations),
        }
        self.templates = {
            locale: TemplateDigests(environment(theme_dir, portfolio.root, locale))
            for locale in sorted(locales)
        }
        own_assets = portfolio.root / "templates" / ASSETS_DIR
        logo = portfolio.root / portfolio.config.logo if portfolio.config.logo else None
        self.assets = digest(
            tree_digest(theme_dir / ASSETS_DIR, root=theme_dir),  # the roots copy_assets uses
            tree_digest(own_assets, root=portfolio.root) if own_assets.is_dir() else "",
            portfolio.config.accent_colour,
            logo.read_bytes() if logo else b"",
            str(portfolio.config.logo),
        )

    def shared(self, *, client: bool) -> dict[str, Any]:
        return {
            "config": self.portfolio.config,
            "model": self.portfolio.scoring_model,
            "logo": logo_name(self.portfolio),
            "client": client,
            "search": "inline" if client else "pagefind",
        }

    def page(self, page: Page, shared: Mapping[str, Any]) -> str:
        media = [digest(url, source.read_bytes()) for url, source in page.media]
        return digest(
            self.code,
            page.path,
            page.template,
            page.locale,
            self.templates[page.locale].of(page.template),
            self.values.of(shared),
            self.values.of(page.context),
            *media,
        )

    def site(
        self,
        folder: str,
        pages: tuple[tuple[Page, str], ...],
        shared: Mapping[str, Any],
        locale: str,
        *,
        client: bool,
        every_page: list[str],
    ) -> SitePlan:
        search = digest(self.code, locale, *sorted(every_page))
        return SitePlan(folder, pages, shared, self.assets, search, locale, client)

    def single_file(self, bundle: SitePlan) -> str:
        """The single-file report is made from the bundle's pages, assets and search index."""
        return digest(
            self.code,
            bundle.search_key,
            bundle.assets_key,
            self.templates[bundle.locale].of(SINGLE_FILE_TEMPLATE),
        )

    def pdf(self, inputs: PdfInputs) -> PlannedPdf:
        key = inputs.key(self.code, self.values, self.templates[inputs.locale], self.assets)
        return PlannedPdf(inputs, key)
