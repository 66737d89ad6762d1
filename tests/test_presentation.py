"""One presentation layer: the site and the PDF read the same section list and formatting."""

from __future__ import annotations

import re
from pathlib import Path

from klantspiegel.cli import main
from klantspiegel.i18n import Translator
from klantspiegel.load import load_portfolio
from klantspiegel.presentation import SITE_SECTIONS, contents, site_sections
from klantspiegel.report import build_report, latest_scores


def report_of(writer):
    portfolio, _ = load_portfolio(writer.root)
    organisation = portfolio.organisations[0]
    return build_report(organisation, portfolio, latest_scores(portfolio), "consultant")


def organisation_page(writer, tmp_path: Path) -> str:
    output = tmp_path / "output"
    assert main(["--source", str(writer.root), "--output", str(output), "--no-pdf"]) == 0
    return (output / "site" / "postbedrijf" / "index.html").read_text(encoding="utf-8")


def page_sections(html: str) -> list[str]:
    """The ids of the organisation page's sections, in order."""
    main_part = html[html.index("<main") :]
    return re.findall(r'<section id="([\w-]+)" class="section"', main_part)


def nav_sections(html: str) -> list[str]:
    nav = re.search(r'<nav class="org-nav".*?</nav>', html, re.S)
    assert nav
    return re.findall(r'index\.html#([\w-]+)"', nav.group())


def expected(writer) -> list[str]:
    return list(site_sections(contents(report_of(writer), Translator("nl"))))


def test_the_site_organisation_page_has_the_pdf_chapters_that_exist_on_the_site(
    small_portfolio,
    tmp_path,
):
    html = organisation_page(small_portfolio, tmp_path)
    assert page_sections(html) == expected(small_portfolio)
    assert "stories" in page_sections(html)


def test_the_report_navigation_lists_the_same_sections_as_the_page(small_portfolio, tmp_path):
    html = organisation_page(small_portfolio, tmp_path)
    assert nav_sections(html) == page_sections(html)


def test_a_chapter_the_pdf_leaves_out_is_left_out_of_the_site_too(small_portfolio, tmp_path):
    (small_portfolio.root / "postbedrijf/2026/anecdotes/gemist-pakje.md").unlink()
    small_portfolio.finding("postbedrijf", "centrale-lijn")  # no longer citing the story
    chapters = [s.anchor for s in contents(report_of(small_portfolio), Translator("nl"))]
    html = organisation_page(small_portfolio, tmp_path)
    assert "journeys" not in chapters
    assert "stories" not in page_sections(html) and "stories" not in nav_sections(html)


def test_the_site_sections_come_in_the_site_order_with_the_method_last(small_portfolio):
    sections = list(site_sections(contents(report_of(small_portfolio), Translator("en"))))
    order = [SITE_SECTIONS[key][0] for key in SITE_SECTIONS]
    assert sections == [s for s in order if s in sections]
    assert sections[-1] == "method"


def test_the_pdf_numbers_its_chapters_then_its_appendices(small_portfolio):
    numbers = [s.number for s in contents(report_of(small_portfolio), Translator("en"))]
    assert numbers[:3] == ["1", "2", "3"] and numbers[-2:] == ["A", "B"]
