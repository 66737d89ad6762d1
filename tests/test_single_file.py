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


def test_the_single_file_is_titled_like_the_report_page(output, single_file):
    report_page = (output / "clients/postbedrijf/index.html").read_text(encoding="utf-8")
    assert "<svg" in report_page  # charts, whose own <title>s are not the page's
    titles = [
        re.search(r"<title>(.*?)</title>", page, re.DOTALL) for page in (report_page, single_file)
    ]
    assert titles[0] and titles[1] and titles[1].group(1) == titles[0].group(1)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Spoke &amp; Parcel&#39;s report</title></head>
<body><nav class="breadcrumbs"><a href="index.html">Report</a></nav>
<main id="content"><!-- a comment --><article class="finding-page" data-pagefind-body>
<h1 id="title" title="a > b">Title</h1><br/>
<svg aria-labelledby="chart-title"><title id="chart-title">Scores &amp; more</title>
<rect fill="url(#shade)" /></svg>
<a href="method.html#scores" target="_blank">method</a> <a href="report.pdf" rel="noopener">PDF</a>
<script>if (a < b) { document.write('<a href="x.html">x</a>') }</script>
</article></main></body></html>"""


def test_a_page_is_read_into_parts_with_ids_and_links_made_local():
    from klantspiegel.single_file import _page_parts, _Rewriter

    inside = {"findings/x.html": "findings.x", "findings/method.html": "findings.method"}
    parts, title = _page_parts(PAGE, _Rewriter(Path("."), "findings/x.html", inside))
    assert title == "Spoke & Parcel's report"  # entities read, the chart's title not taken
    assert parts["breadcrumbs"] == '<nav class="breadcrumbs"><a>Report</a></nav>'
    main = parts["main"]
    assert main.startswith('<!-- a comment --><article class="finding-page">')
    assert '<h1 id="findings.x.title" title="a &gt; b">' in main and "<br/>" in main
    assert '<svg aria-labelledby="findings.x.chart-title">' in main
    assert '<title id="findings.x.chart-title">Scores &amp; more</title>' in main
    assert '<rect fill="url(#findings.x.shade)" />' in main
    assert '<a href="#findings.method.scores" target="_blank">method</a>' in main
    assert "<a>PDF</a>" in main  # not inside: the text stays, the link and its rel go
    assert "document.write('<a href=\"x.html\">x</a>')" in main  # a script's text is not read
    assert main.endswith("</script>\n</article>")


def test_a_page_is_read_only_into_the_parts_wanted():
    """The report's navigation is taken from the first section's page; each page repeats it."""
    from klantspiegel.single_file import PARTS, _page_parts, _Rewriter

    page = PAGE.replace("<main", '<nav class="org-nav"><a href="x.html">X</a></nav><main', 1)
    rewriter = _Rewriter(Path("."), "findings/x.html", {"findings/x.html": "findings.x"})

    every, _ = _page_parts(page, rewriter)
    without_nav, _ = _page_parts(page, rewriter, PARTS - {"org-nav"})

    assert every["org-nav"] == '<nav class="org-nav"><a href="#findings.x">X</a></nav>'
    assert "org-nav" not in without_nav
    assert without_nav == {k: v for k, v in every.items() if k != "org-nav"}


def test_the_single_file_reads_the_report_navigation_from_one_page_only(tmp_path, monkeypatch):
    import klantspiegel.single_file as single_file_module

    wanted_per_page = []
    read_parts = single_file_module._page_parts

    def recording(page, rewriter, wanted=single_file_module.PARTS):
        wanted_per_page.append("org-nav" in wanted)
        return read_parts(page, rewriter, wanted)

    monkeypatch.setattr(single_file_module, "_page_parts", recording)
    portfolio = write_small_portfolio(PortfolioWriter(tmp_path / "audits"))
    arguments = ["build", "--source", str(portfolio.root), "--output", str(tmp_path / "out")]
    assert main([*arguments, "--no-pdf", "--quiet", "--jobs", "1"]) == 0

    clients = tmp_path / "out" / "clients"
    single_files = [clients / f.name / f"{f.name}.html" for f in clients.iterdir() if f.is_dir()]
    assert single_files and all(f.is_file() for f in single_files)
    assert len(wanted_per_page) > 3 * len(single_files)
    assert wanted_per_page.count(True) == len(single_files)  # one page each
    single = single_files[0].read_text(encoding="utf-8")
    assert '<nav class="org-nav"' in single
