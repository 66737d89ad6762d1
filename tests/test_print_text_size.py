"""No printed text under 7 pt: every text span of every example PDF, charts included.

The example portfolio in `audits/` is rendered once for the module (the client's PDF of each
organisation) and read back with pdfplumber, character by character.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from klantspiegel.load import load_portfolio
from klantspiegel.pdf import PdfInputs, render_pdf
from klantspiegel.report import build_report, latest_scores
from klantspiegel.templating import THEME_DIR

REPO = Path(__file__).resolve().parent.parent
SMALLEST_PT = 7.0


def printed_size(char: dict) -> float:
    """The size of a character as printed: its height, or its width when it is turned a
    quarter (the matrix's rotated axis title), in points."""
    return char["size"] if char["upright"] else char["x1"] - char["x0"]


@pytest.fixture(scope="module")
def example_pdfs(tmp_path_factory) -> list[Path]:
    portfolio, problems = load_portfolio(REPO / "audits")
    assert portfolio is not None, problems
    peers, root = latest_scores(portfolio), tmp_path_factory.mktemp("pdf")
    targets = []
    for organisation in portfolio.organisations:
        report = build_report(organisation, portfolio, peers, audience="client")
        target = root / f"{organisation.slug}.pdf"
        render_pdf(PdfInputs.of(report, portfolio, THEME_DIR), target)
        targets.append(target)
    return targets


def small_text(pdf: Path) -> list[tuple[int, str, float]]:
    """(page, word, size) of each run of characters printed under the minimum size."""
    found: list[tuple[int, str, float]] = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            for char in page.chars:
                size = printed_size(char)
                if size < SMALLEST_PT - 0.05:  # 7 pt set in CSS reads back as 6.99..
                    if found and found[-1][0] == number and found[-1][2] == round(size, 1):
                        found[-1] = (number, found[-1][1] + char["text"], found[-1][2])
                    else:
                        found.append((number, char["text"], round(size, 1)))
    return found


def test_no_example_pdf_prints_text_under_seven_points(example_pdfs):
    assert len(example_pdfs) >= 9
    offenders = {pdf.name: small_text(pdf) for pdf in example_pdfs}
    assert not {name: found for name, found in offenders.items() if found}


def test_chart_text_is_read_as_text_at_its_printed_size(example_pdfs):
    # the check above only means something if the charts' labels are in the text layer
    with pdfplumber.open(example_pdfs[0]) as document:
        sizes = {round(printed_size(c), 1) for page in document.pages for c in page.chars}
    assert min(sizes) >= SMALLEST_PT - 0.05 and len(sizes) > 5
