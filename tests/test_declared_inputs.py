"""Artifacts declare their owner and inputs where they are made: the PDF's cache key is hashed
from the same `PdfInputs` it is rendered from, and each page names its organisation."""

from __future__ import annotations

import shutil
from dataclasses import fields, replace

from conftest import PortfolioWriter

from klantspiegel.cache import Fingerprints, TemplateDigests
from klantspiegel.load import load_portfolio
from klantspiegel.model import Portfolio
from klantspiegel.pdf import PdfInputs
from klantspiegel.plan import plan_build
from klantspiegel.report import OrganisationReport, build_reports, latest_scores
from klantspiegel.site import site_pages
from klantspiegel.templating import THEME_DIR


def loaded(w: PortfolioWriter) -> Portfolio:
    portfolio, problems = load_portfolio(w.root)
    assert portfolio is not None, problems
    return portfolio


def client_report(portfolio: Portfolio, slug: str = "postbedrijf") -> OrganisationReport:
    organisation = next(o for o in portfolio.organisations if o.slug == slug)
    return build_reports(organisation, portfolio, latest_scores(portfolio))[1]


def pdf_key(inputs: PdfInputs) -> str:
    return inputs.key("code", Fingerprints(), TemplateDigests(inputs.environment()), "assets")


def test_the_pdf_key_changes_with_every_value_the_pdf_is_rendered_from(small_portfolio):
    portfolio = loaded(small_portfolio)
    inputs = PdfInputs.of(client_report(portfolio), portfolio, THEME_DIR)
    small_portfolio.organisation("postbedrijf", name="Postbedrijf Noord", language="en")
    english = client_report(loaded(small_portfolio))
    changed = {
        "report": english,  # the same findings, reported in English
        "config": portfolio.config.model_copy(update={"accent_colour": "#123456"}),
        "model": portfolio.scoring_model.model_copy(update={"version": "2"}),
        "variant": "archival",
    }
    # Every declared value, read from the declaration: a new input must be tried here too.
    assert set(changed) == {f.name for f in fields(PdfInputs)} - set(PdfInputs.FOLDERS)
    for name, value in changed.items():
        assert pdf_key(replace(inputs, **{name: value})) != pdf_key(inputs), name


def test_the_pdf_key_changes_with_a_template_of_the_theme(small_portfolio, tmp_path):
    portfolio = loaded(small_portfolio)
    theme = tmp_path / "theme"
    shutil.copytree(THEME_DIR, theme)
    inputs = PdfInputs.of(client_report(portfolio), portfolio, theme)
    before = pdf_key(inputs)
    cover = theme / "pdf" / "cover.html"
    cover.write_text(cover.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert pdf_key(inputs) != before


def test_the_pdf_key_changes_with_a_template_override_in_the_portfolio(small_portfolio):
    portfolio = loaded(small_portfolio)
    inputs = PdfInputs.of(client_report(portfolio), portfolio, THEME_DIR)
    before = pdf_key(inputs)
    small_portfolio.write("templates/pdf/cover.html", "<section>Our own cover</section>\n")
    assert pdf_key(inputs) != before


def test_every_organisation_page_is_made_with_its_owner(small_portfolio):
    portfolio = loaded(small_portfolio)
    reports = {"postbedrijf": client_report(portfolio)}
    pages = site_pages(portfolio, reports)
    owned = {p.path for p in pages if p.owner == "postbedrijf"}
    assert owned == {p.path for p in pages if "organisation" in p.context}
    assert {p.owner for p in pages} == {"postbedrijf", None}


def test_the_plan_gives_an_organisation_exactly_the_pages_it_owns(small_portfolio):
    small_portfolio.organisation("kluis", name="Kluis")
    small_portfolio.audit("kluis")
    small_portfolio.finding("kluis", "wachtrij")
    portfolio = loaded(small_portfolio)
    reports = {o.slug: client_report(portfolio, o.slug) for o in portfolio.organisations}
    plan = plan_build(portfolio, reports, reports, THEME_DIR, "code", pdf=False)
    for organisation in plan.organisations:
        assert {page.owner for page, _ in organisation.pages} == {organisation.slug}
    assert {page.owner for page, _ in plan.site.pages} == {None}
