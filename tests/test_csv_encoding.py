"""CSV files open in Excel and LibreOffice, with Dutch settings too, without mangled letters:
UTF-8 with a byte order mark, then an RFC 4180 header row (see docs/exports.md)."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from klantspiegel.exports import TABLES, export_tables, write_exports
from klantspiegel.load import load_portfolio
from klantspiegel.pdf import PdfInputs, render_pdf
from klantspiegel.report import build_report, latest_scores
from klantspiegel.templating import THEME_DIR

BOM = b"\xef\xbb\xbf"
TITLE = "Geïntegreerd loket voor élke klant"


@pytest.fixture
def portfolio(small_portfolio):
    small_portfolio.finding("postbedrijf", "loket", title=TITLE, dimension="processen")
    portfolio, problems = load_portfolio(small_portfolio.root)
    assert portfolio is not None, problems
    return portfolio


def client_reports(portfolio):
    peers = latest_scores(portfolio)
    return {
        o.slug: build_report(o, portfolio, peers, audience="client")
        for o in portfolio.organisations
    }


@pytest.fixture
def exported_csvs(portfolio, tmp_path) -> dict[str, bytes]:
    written = write_exports(export_tables(portfolio, client_reports(portfolio)), tmp_path)
    return {p.name: p.read_bytes() for p in written if p.suffix == ".csv"}


def test_every_exported_csv_starts_with_a_utf8_byte_order_mark(exported_csvs):
    assert sorted(exported_csvs) == sorted(f"{name}.csv" for name in TABLES)
    assert {name: data[:3] for name, data in exported_csvs.items()} == {
        name: BOM for name in exported_csvs
    }


def test_exported_text_is_utf8_after_the_mark(exported_csvs):
    data = exported_csvs["findings.csv"]
    assert TITLE.encode("utf-8") in data
    assert data.count(BOM) == 1


def test_the_header_row_follows_the_mark_comma_separated_without_a_sep_line(exported_csvs):
    first_line = exported_csvs["organisations.csv"][3:].split(b"\r\n")[0]
    assert first_line.startswith(b"organisation,name,sector,")


def test_the_csv_attached_to_the_pdf_starts_with_a_utf8_byte_order_mark(portfolio, tmp_path):
    report = client_reports(portfolio)["postbedrijf"]
    render_pdf(PdfInputs.of(report, portfolio, THEME_DIR), tmp_path / "report.pdf")
    [(name, [data])] = PdfReader(tmp_path / "report.pdf").attachments.items()
    assert name == "bevindingen.csv"
    assert data.startswith(BOM + b"Kenmerk,")
    assert TITLE.encode("utf-8") in data
