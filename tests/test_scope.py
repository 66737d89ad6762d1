"""Audit scope: `dimensions` in audit.yaml says what an audit examined; the rest is one line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from klantspiegel.cli import main
from klantspiegel.i18n import Translator
from klantspiegel.load import load_portfolio
from klantspiegel.pdf import PdfInputs, contents, pdf_html
from klantspiegel.report import build_report, latest_scores
from klantspiegel.scaffold import scaffold
from klantspiegel.scoring import score_audit
from klantspiegel.templating import THEME_DIR
from klantspiegel.validate import coverage_warnings

EXAMPLE = Path(__file__).resolve().parent.parent / "audits"
AUDIT = "postbedrijf/2026/audit.yaml"


def scoped(writer, dimensions: str) -> Path:
    """The small portfolio's audit, examining only `dimensions` (a YAML list)."""
    return writer.write(
        AUDIT,
        "title: Audit 2026\ndate: 2026-10-01\nauditors: [Eva]\n"
        f"scope: Everything.\ndimensions: {dimensions}\n",
    )


def loaded(writer):
    portfolio, problems = load_portfolio(writer.root)
    return portfolio, [p for p in problems if p.severity == "error"]


def client_report(writer):
    portfolio, problems = loaded(writer)
    assert not problems, problems
    organisation = portfolio.organisations[0]
    return portfolio, build_report(organisation, portfolio, latest_scores(portfolio), "client")


# --- validation -------------------------------------------------------------------------------


def test_an_unknown_dimension_in_the_scope_is_an_error_on_its_line_with_a_suggestion(
    small_portfolio,
):
    path = scoped(small_portfolio, "[bereikbaarheid, mandat]")
    _, problems = loaded(small_portfolio)
    [problem] = [p for p in problems if p.path == path]
    assert (problem.path, problem.line, problem.field) == (path, 5, "dimensions[2]")
    assert "unknown dimension 'mandat'" in problem.message
    assert "did you mean 'mandaat'?" in problem.message


def test_a_dimension_listed_twice_in_the_scope_is_an_error(small_portfolio):
    scoped(small_portfolio, "[bereikbaarheid, mandaat, bereikbaarheid]")
    _, problems = loaded(small_portfolio)
    assert [(p.field, "already listed" in p.message) for p in problems] == [("dimensions[3]", True)]


def test_an_empty_scope_is_an_error(small_portfolio):
    scoped(small_portfolio, "[]")
    _, problems = loaded(small_portfolio)
    assert [p.field for p in problems] == ["dimensions"]


def test_a_final_finding_outside_the_scope_is_an_error_on_its_dimension_line(small_portfolio):
    scoped(small_portfolio, "[bereikbaarheid]")
    _, problems = loaded(small_portfolio)
    [problem] = problems
    assert problem.path.name == "postbode-keert-terug.md"
    assert (problem.line, problem.field) == (3, "dimension")
    assert "'mandaat' is not in the audit's scope" in problem.message


def test_a_draft_finding_outside_the_scope_is_work_in_progress_not_an_error(small_portfolio):
    scoped(small_portfolio, "[bereikbaarheid, mandaat]")
    small_portfolio.finding("postbedrijf", "concept", dimension="klachten", status="draft")
    _, problems = loaded(small_portfolio)
    assert problems == []


def test_strict_coverage_warns_only_about_dimensions_in_scope(small_portfolio):
    portfolio, _ = loaded(small_portfolio)
    assert len(coverage_warnings(portfolio)) == 1  # all dimensions: seven without a finding
    scoped(small_portfolio, "[bereikbaarheid, mandaat]")
    portfolio, _ = loaded(small_portfolio)
    assert coverage_warnings(portfolio) == []
    assert main(["check", "--strict", "--source", str(small_portfolio.root)]) == 0


def test_a_dimension_in_scope_without_a_final_finding_is_still_warned_about(small_portfolio):
    path = scoped(small_portfolio, "[bereikbaarheid, mandaat, klachten]")
    portfolio, _ = loaded(small_portfolio)
    [warning] = coverage_warnings(portfolio)
    assert (warning.path, warning.line) == (path, 5)
    assert "no final finding for klachten:" in warning.message


def test_the_example_portfolio_declares_its_scopes_and_passes_the_strict_check():
    assert main(["check", "--strict", "--quiet", "--source", str(EXAMPLE)]) == 0


# --- scoring ------------------------------------------------------------------------------------


def test_a_dimension_outside_the_scope_is_not_assessed_even_with_findings(small_portfolio):
    portfolio, _ = loaded(small_portfolio)
    audit = portfolio.organisations[0].latest_audit
    narrowed = audit.model_copy(update={"dimensions": ["bereikbaarheid"]})
    score = score_audit(narrowed, portfolio.scoring_model)
    assert score.dimension("mandaat").score is None
    assert score.index == score.dimension("bereikbaarheid").score


# --- the report ---------------------------------------------------------------------------------


def test_the_report_splits_the_dimensions_into_examined_and_not_examined(small_portfolio):
    scoped(small_portfolio, "[bereikbaarheid, mandaat, klachten]")
    portfolio, report = client_report(small_portfolio)
    assert [r.dimension.key for r in report.examined] == ["bereikbaarheid", "mandaat", "klachten"]
    assert len(report.not_examined) == len(portfolio.scoring_model.dimensions) - 3
    assert len(report.dimensions) == len(portfolio.scoring_model.dimensions)


def test_without_a_scope_every_dimension_is_examined(small_portfolio):
    _, report = client_report(small_portfolio)
    assert report.not_examined == ()
    assert report.examined == report.dimensions


def test_a_draft_outside_the_scope_keeps_its_block_for_the_consultant_only(small_portfolio):
    scoped(small_portfolio, "[bereikbaarheid, mandaat]")
    small_portfolio.finding("postbedrijf", "concept", dimension="klachten", status="draft")
    portfolio, client = client_report(small_portfolio)
    consultant = build_report(
        portfolio.organisations[0], portfolio, latest_scores(portfolio), "consultant"
    )
    assert "klachten" in [r.dimension.key for r in consultant.examined]
    assert "klachten" in [d.key for d in client.not_examined]


def test_the_pdf_names_unexamined_dimensions_in_one_line_without_a_section(small_portfolio):
    scoped(small_portfolio, "[bereikbaarheid, mandaat]")
    portfolio, report = client_report(small_portfolio)
    html = pdf_html(PdfInputs.of(report, portfolio, THEME_DIR))
    assert "Niet onderzocht: Eigenaarschap &amp; samenwerking, " in html
    assert 'id="dimension-eigenaarschap"' not in html
    assert 'id="dimension-mandaat"' in html
    [chapter] = [s for s in contents(report, Translator("nl")) if s.anchor == "dimensions"]
    assert [c.anchor for c in chapter.children] == ["dimension-bereikbaarheid", "dimension-mandaat"]


def test_the_pdfs_dimension_table_has_a_row_for_each_examined_dimension_only(small_portfolio):
    scoped(small_portfolio, "[bereikbaarheid, mandaat]")
    portfolio, report = client_report(small_portfolio)
    html = pdf_html(PdfInputs.of(report, portfolio, THEME_DIR))
    table = html[html.index('class="data dimension-table"') :]
    rows = table[table.index("<tbody>") : table.index("</tbody>")]
    assert rows.count("<tr>") == 2
    assert "Bereikbaarheid" in rows and "Mandaat" in rows and "Eigenaarschap" not in rows


def test_the_site_names_unexamined_dimensions_in_one_line_without_a_card(small_portfolio, tmp_path):
    scoped(small_portfolio, "[bereikbaarheid, mandaat]")
    output = tmp_path / "output"
    assert main(["--source", str(small_portfolio.root), "--output", str(output), "--no-pdf"]) == 0
    html = (output / "site/postbedrijf/index.html").read_text()
    assert "Niet onderzocht:" in html
    assert html.count('class="dimension card"') == 2
    # the dimension pages' links to #dimension-<key> still land on the line that names it
    assert '<span id="dimension-eigenaarschap">Eigenaarschap &amp; samenwerking</span>' in html


def test_the_not_examined_line_is_in_the_organisations_language(small_portfolio):
    small_portfolio.organisation("postbedrijf", language="en")
    scoped(small_portfolio, "[bereikbaarheid, mandaat]")
    portfolio, report = client_report(small_portfolio)
    html = pdf_html(PdfInputs.of(report, portfolio, THEME_DIR))
    assert "Not examined: Ownership &amp; collaboration, " in html


# --- new audits -----------------------------------------------------------------------------------


def test_a_new_audit_lists_every_dimension_of_the_model_to_narrow_down(small_portfolio):
    path = scaffold(
        "audit",
        small_portfolio.root,
        "postbedrijf",
        None,
        "Najaar 2027",
        today=dt.date(2027, 10, 1),
    )
    text = path.read_text()
    portfolio, _ = loaded(small_portfolio)
    keys = [d.key for d in portfolio.scoring_model.dimensions]
    assert yaml.safe_load(text)["dimensions"] == keys
    assert "remove the ones this audit does not examine" in " ".join(text.replace("#", "").split())


@pytest.mark.parametrize("dimensions", ["bereikbaarheid", "[bereikbaarheid, 3]"])
def test_a_scope_that_is_not_a_list_of_keys_is_an_error(small_portfolio, dimensions):
    scoped(small_portfolio, dimensions)
    _, problems = loaded(small_portfolio)
    assert problems and all(p.field.startswith("dimensions") for p in problems)
