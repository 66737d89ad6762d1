"""The single-file report passes the checks every site page passes: the Nu HTML checker and
axe, on the report and on a finding shown inside it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from klantspiegel.build_options import BuildOptions
from klantspiegel.pipeline import build
from tests.browser.test_accessibility import BLOCKING, describe
from tests.browser.test_html_valid import VNU
from tests.conftest import PortfolioWriter, write_small_portfolio

pytestmark = pytest.mark.browser

ORGANISATION = "vlaspost"


@pytest.fixture(scope="module")
def single_file(built_site) -> Path:
    return built_site.output / "clients" / ORGANISATION / f"{ORGANISATION}.html"


@pytest.fixture(scope="module")
def single_file_beside_a_pdf(tmp_path_factory) -> Path:
    """Built with its PDF (the session's example site has none), so the report's links to the
    PDF exist in the bundle and must become valid non-links in the single file."""
    root = tmp_path_factory.mktemp("single-file-with-pdf")
    portfolio = write_small_portfolio(PortfolioWriter(root / "audits"))
    build(portfolio.root, root / "output", BuildOptions(jobs=1))
    return root / "output/clients/postbedrijf/postbedrijf.html"


@pytest.mark.parametrize("which", ["example", "beside a PDF"])
def test_the_single_file_report_is_valid_html(request, which):
    single_file = request.getfixturevalue(
        "single_file" if which == "example" else "single_file_beside_a_pdf"
    )
    java = shutil.which("java")
    assert java and VNU.is_file(), "the Nu checker needs java and `npm ci` (scripts/test.sh)"
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", str(single_file)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [
        f"{m.get('lastLine', '?')}: {m.get('message')}"
        for m in json.loads(result.stdout)["messages"]
    ]
    assert errors == []


def first_finding_section(single_file: Path) -> str:
    text = single_file.read_text(encoding="utf-8")
    start = text.index('id="findings.') + len('id="')
    return text[start : text.index('"', start)]


@pytest.mark.parametrize("shown", ["report", "finding"])
def test_axe_finds_no_serious_violation_in_the_single_file(
    injecting_page, single_file, axe_script, shown
):
    page = injecting_page
    fragment = "" if shown == "report" else "#" + first_finding_section(single_file)
    page.goto(single_file.as_uri() + fragment)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.add_script_tag(path=axe_script)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(map(describe, blocking))
