"""The executive layer: key messages (the consultant's or written from the scores), the index
with level, change and coverage, the first three actions; on one filled PDF page and at the
top of the site's organisation page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest
from conftest import PortfolioWriter
from page_fill import pages

from klantspiegel.cli import main
from klantspiegel.i18n import Translator
from klantspiegel.load import load_portfolio
from klantspiegel.report import OrganisationReport, build_report, latest_scores
from klantspiegel.scaffold import scaffold

EXAMPLE = Path(__file__).parent.parent / "audits"


def add_to_audit(w: PortfolioWriter, text: str, org: str = "postbedrijf") -> Path:
    path = w.root / org / "2026" / "audit.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def problems_of(w: PortfolioWriter) -> list[str]:
    portfolio, problems = load_portfolio(w.root)
    assert portfolio is None
    return [p.format(w.root) for p in problems]


def report_of(w: PortfolioWriter, org: str = "postbedrijf") -> OrganisationReport:
    portfolio, problems = load_portfolio(w.root)
    assert portfolio is not None, problems
    organisation = next(o for o in portfolio.organisations if o.slug == org)
    return build_report(organisation, portfolio, latest_scores(portfolio), "client")


# --- the audit field -------------------------------------------------------------------------


def test_key_messages_of_the_wrong_type_are_a_located_error(small_portfolio):
    add_to_audit(small_portfolio, "key_messages: Just one sentence.\n")
    assert problems_of(small_portfolio) == [
        "audits/postbedrijf/2026/audit.yaml:5: key_messages: input should be a valid list, got "
        "'Just one sentence.' (expected one to three key messages for the management summary, "
        "each at most 300 characters of plain text; written from the scores when left out)"
    ]


def test_more_than_three_key_messages_are_an_error(small_portfolio):
    add_to_audit(small_portfolio, "key_messages: [One., Two., Three., Four.]\n")
    [problem] = problems_of(small_portfolio)
    assert problem.startswith(
        "audits/postbedrijf/2026/audit.yaml:5: key_messages: 4 items, over the 3 allowed"
    )


def test_an_empty_key_message_is_an_error_at_its_line(small_portfolio):
    add_to_audit(small_portfolio, "key_messages:\n  - First.\n  - '  '\n")
    [problem] = problems_of(small_portfolio)
    assert problem.startswith(
        "audits/postbedrijf/2026/audit.yaml:7: key_messages[2]: the text is empty"
    )


def test_an_over_long_key_message_is_an_error_that_does_not_repeat_it(small_portfolio):
    add_to_audit(small_portfolio, f"key_messages:\n  - {'word ' * 61}\n")
    [problem] = problems_of(small_portfolio)
    assert "key_messages[1]: the text has 304 characters, over the 300 allowed" in problem
    assert "word word" not in problem


def test_the_consultants_key_messages_are_shown_as_written(small_portfolio):
    add_to_audit(
        small_portfolio, "key_messages: [Service recovers well., Offices stay out of reach.]\n"
    )
    executive = report_of(small_portfolio).executive
    assert executive.messages == ("Service recovers well.", "Offices stay out of reach.")
    assert executive.messages_written


def test_a_new_audit_shows_the_key_messages_field(small_portfolio):
    path = scaffold("audit", small_portfolio.root, "postbedrijf", None, "Autumn audit")
    text = path.read_text(encoding="utf-8")
    assert "\nkey_messages: [" in text
    assert "written from the scores" in text


# --- messages written from the scores --------------------------------------------------------


def test_without_key_messages_they_are_written_from_the_scores_in_dutch(small_portfolio):
    executive = report_of(small_portfolio).executive
    assert not executive.messages_written
    assert executive.messages == (
        "Postbedrijf Noord scoort 3,0 op 5 voor klantgerichtheid: niveau Gedefinieerd.",
        "Sterkst: Mandaat & vertrouwen (4,0); zwakst: Bereikbaarheid & kanalen (2,0).",
        "Eerst aanpakken: Finding centrale-lijn.",
    )


def test_without_key_messages_they_are_written_from_the_scores_in_english(portfolio_writer):
    w = portfolio_writer
    w.organisation("parcelco", name="ParcelCo", language="en")
    w.audit("parcelco")
    w.finding("parcelco", "slow", dimension="klachten", score=1)
    w.finding("parcelco", "kind", dimension="houding", score=4, kind="strength")
    w.finding("parcelco", "trusted", dimension="mandaat", score=4, kind="strength")
    executive = report_of(w, "parcelco").executive
    assert executive.messages == (
        "ParcelCo scores 3.0 out of 5 on customer centricity: level Defined.",
        "Strongest: Mandate & trust and Attention & attitude (4.0); weakest: Complaints & "
        "recovery (1.0).",
        "Most urgent: Finding slow.",
    )


def test_the_index_message_gives_the_change_since_the_previous_audit(small_portfolio):
    w = small_portfolio
    w.audit("postbedrijf", "2025", date="2025-10-01")
    w.finding("postbedrijf", "earlier", audit="2025", score=1)
    message = report_of(w).executive.messages[0]
    assert message.endswith("niveau Gedefinieerd, +2,0 sinds oktober 2025.")


# --- index, coverage, actions ----------------------------------------------------------------


def test_coverage_counts_the_assessed_dimensions_of_the_model(small_portfolio):
    executive = report_of(small_portfolio).executive
    assert (executive.index, executive.level) == ("3,0", "Gedefinieerd")
    assert executive.coverage == "2 van 9 dimensies beoordeeld"


def test_coverage_is_in_english_for_an_english_organisation(portfolio_writer):
    w = portfolio_writer
    w.organisation("parcelco", language="en")
    w.audit("parcelco")
    w.finding("parcelco", "slow")
    assert report_of(w, "parcelco").executive.coverage == "1 of 9 dimensions assessed"


def test_the_first_three_actions_come_with_owner_and_horizon(small_portfolio):
    w = small_portfolio
    for slug in ("third", "fourth"):
        w.finding("postbedrijf", slug, dimension="klachten")
    report = report_of(w)
    actions = report.executive.actions
    assert [a.finding_slug for a in actions] == [f.slug for f in report.actions[:3]]
    assert len(report.actions) == 4
    assert {(a.owner, a.horizon) for a in actions} == {("Head of service", "0-3 maanden")}


def test_strengths_and_improvements_are_printed_only_where_the_page_has_room(small_portfolio):
    w = small_portfolio
    for dimension in ("klachten", "houding", "sturing", "bereikbaarheid", "mandaat"):
        w.finding("postbedrijf", dimension, dimension=dimension)
    assert report_of(w).executive.highlights_in_print  # seven bars, short texts: room to spare
    long = "Een lange kernboodschap die de hele regel vult en nog wat verder gaat. " * 4
    add_to_audit(w, f"key_messages: [{long!r}, {long!r}, {long!r}]\n")
    executive = report_of(w).executive  # three long messages fill the page
    assert not executive.highlights_in_print
    assert executive.improvements  # the site still shows them


# --- the PDF page and the site ----------------------------------------------------------------


@pytest.fixture(scope="module")
def example_pdfs(tmp_path_factory) -> Path:
    """The example portfolio's PDFs (built once for the module: about half a minute)."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(EXAMPLE, root / "audits")
    output = root / "output"
    assert main(["--source", str(root / "audits"), "--output", str(output), "--quiet"]) == 0
    return output / "pdf"


def summary_page(pdf: Path) -> int:
    """The 0-based index of the page that opens the summary chapter."""
    found = pages(pdf)
    return next(
        i
        for i, p in enumerate(found)
        if p.number > 2 and p.lines and p.lines[0].text.startswith("1")
    )


@pytest.mark.parametrize("org", sorted(p.name for p in EXAMPLE.iterdir() if p.is_dir()))
def test_the_summary_is_one_filled_page_for_every_example_organisation(example_pdfs, org):
    found = pages(example_pdfs / f"{org}.pdf")
    index = summary_page(example_pdfs / f"{org}.pdf")
    assert found[index + 1].lines[0].text.startswith("2"), "the next chapter starts the next page"
    assert found[index].fill >= 0.75


def test_no_summary_text_is_under_7_pt(example_pdfs):
    for pdf in sorted(example_pdfs.glob("*.pdf")):
        with pdfplumber.open(pdf) as document:
            page = document.pages[summary_page(pdf)]
            small = {c["text"] for c in page.chars if c["size"] < 6.95}
        assert not small, f"{pdf.name}: {small}"


def test_the_summary_page_opens_with_the_key_messages(example_pdfs):
    page = pages(example_pdfs / "spoke-and-parcel.pdf")[
        summary_page(example_pdfs / "spoke-and-parcel.pdf")
    ]
    texts = [line.text for line in page.lines if line.text not in ("1", "Management summary")]
    assert texts[0] == "KEY MESSAGES"
    assert texts[1].startswith("Riders cover for each other")


def test_the_site_organisation_page_opens_with_the_executive_layer(small_portfolio, tmp_path):
    add_to_audit(small_portfolio, "key_messages: ['Offices <b>stay</b> out of reach.']\n")
    output = tmp_path / "output"
    assert (
        main(
            ["--source", str(small_portfolio.root), "--output", str(output), "--no-pdf", "--quiet"]
        )
        == 0
    )
    page = (output / "site" / "postbedrijf" / "index.html").read_text(encoding="utf-8")
    summary = page[page.index('<section id="summary"') :]
    assert summary.index('<div class="executive">') < summary.index("<figure")
    assert "Offices &lt;b&gt;stay&lt;/b&gt; out of reach." in summary
    assert "2 van 9 dimensies beoordeeld" in summary
    assert "Eerste acties" in summary


# --- the NPS beside the index -----------------------------------------------------------------

NPS_KPI = """\
kpis:
  - key: nps
    value: -21
    unit: ""
    period: 2026-Q1
    source: Relationeel klantenpanel (n = 1.840)
"""


def test_an_nps_the_organisation_measured_is_a_key_figure_when_the_audit_has_no_survey(
    small_portfolio,
):
    small_portfolio.write("postbedrijf/2026/kpis.yaml", NPS_KPI)
    figures = {f.label: f for f in report_of(small_portfolio).executive.figures}
    nps = figures["Net Promoter Score"]
    assert nps.value == "−21" and "klantenpanel" in nps.note


def test_the_method_chapter_names_an_nps_from_the_kpis_instead_of_saying_there_is_none(
    small_portfolio,
):
    from test_numbers import print_html

    small_portfolio.write("postbedrijf/2026/kpis.yaml", NPS_KPI)
    text = print_html(small_portfolio)
    assert "geen klantenenquête, dus ook geen NPS" not in text
    assert "de NPS van −21 is een eigen meting" in text


def test_the_summary_gives_the_survey_nps_as_the_interval_the_method_chapter_gives(
    small_portfolio,
):
    small_portfolio.write("postbedrijf/2026/survey.csv", "score\n10\n9\n9\n3\n7\n10\n")
    report = report_of(small_portfolio)
    nps = next(f for f in report.executive.figures if f.label == "Net Promoter Score")
    t = Translator("nl")
    assert f"{t.signed(report.nps.low, 0)} tot {t.signed(report.nps.high, 0)}" in nps.note
    assert "±" not in nps.note
