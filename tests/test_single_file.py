"""The single-file report: one client bundle in one HTML file that needs nothing beside it."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from klantspiegel.cli import main
from klantspiegel.load import BUNDLE_PAGES
from klantspiegel.web_fonts import subset_path
from tests.conftest import PortfolioWriter, write_small_portfolio

THEME_FONTS = Path(__file__).resolve().parents[1] / "templates" / "assets" / "fonts"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small portfolio built once (without PDFs) for every test of this module."""
    root = tmp_path_factory.mktemp("single-file")
    portfolio = write_small_portfolio(PortfolioWriter(root / "audits"))
    assert (
        main(
            [
                "build",
                "--source",
                str(portfolio.root),
                "--output",
                str(root / "output"),
                "--no-pdf",
                "--quiet",
            ]
        )
        == 0
    )
    return root / "output"


@pytest.fixture(scope="module")
def single_file(output: Path) -> str:
    return (output / "clients/postbedrijf/postbedrijf.html").read_text(encoding="utf-8")


def test_the_single_file_refers_to_nothing_outside_itself(single_file):
    references = re.findall(r'\b(?:src|href)="([^"]*)"', single_file)
    outside = [r for r in references if not r.startswith(("#", "data:", "http://", "https://"))]
    assert outside == []


def test_every_id_in_the_single_file_is_unique(single_file):
    ids = re.findall(r'\sid="([^"]+)"', single_file)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_every_link_inside_the_single_file_leads_to_an_element_of_it(single_file):
    ids = set(re.findall(r'\sid="([^"]+)"', single_file))
    targets = {href[1:] for href in re.findall(r'href="(#[^"]+)"', single_file)}
    assert targets and targets <= ids


def test_the_single_file_holds_the_report_its_findings_and_stories(single_file):
    for section in (
        "index",
        "findings.centrale-lijn",
        "findings.postbode-keert-terug",
        "anecdotes.gemist-pakje",
        "method",
    ):
        assert f'class="single-page" id="{section}"' in single_file


def test_the_single_file_embeds_the_themes_committed_font_subsets(single_file):
    stylesheet = re.search(r'href="data:text/css;base64,([^"]+)"', single_file)
    assert stylesheet
    css = base64.b64decode(stylesheet.group(1)).decode()
    fonts = re.findall(r"data:font/woff2;base64,([^\"']+)", css)
    embedded = [base64.b64decode(data) for data in fonts]
    committed = [
        subset_path(THEME_FONTS / f"Inter-{style}.otf").read_bytes()
        for style in ("Regular", "Italic", "SemiBold", "Bold")
    ]
    assert embedded == committed


def test_the_font_subsets_are_in_neither_the_site_nor_a_bundle(output):
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*.woff2")) == []


def test_the_names_organisations_may_not_take_are_the_bundles_own_pages(output):
    bundle = output / "clients/postbedrijf"
    assert {p.stem for p in bundle.glob("*.html")} - {"postbedrijf"} == BUNDLE_PAGES
