"""The archival PDF (`build --pdf-variant archival`): PDF/A-3a that stays PDF/UA-1, with the
findings CSV as its associated file, checked by veraPDF."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
import verapdf
from conftest import PortfolioWriter

from klantspiegel.build_options import BuildOptions
from klantspiegel.pdf import (
    PdfInputs,
    UnexpectedMetadata,
    _declare_archival,
    findings_csv,
    render_pdf,
)
from klantspiegel.pipeline import build, check
from klantspiegel.report import build_reports, latest_scores
from klantspiegel.templating import THEME_DIR


def one_organisation(root: Path) -> PortfolioWriter:
    w = PortfolioWriter(root)
    w.organisation("postbedrijf", name="Postbedrijf Noord")
    w.audit("postbedrijf")
    w.anecdote("postbedrijf", "gemist-pakje")
    w.finding("postbedrijf", "centrale-lijn", anecdotes="gemist-pakje")
    w.finding("postbedrijf", "postbode-keert-terug", dimension="mandaat", score=4, kind="strength")
    return w


@pytest.fixture(scope="module")
def archival(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An archival PDF of a small portfolio, and the findings CSV its report gives."""
    root = tmp_path_factory.mktemp("archival")
    portfolio, _ = check(one_organisation(root / "audits").root)
    organisation = portfolio.organisations[0]
    report = build_reports(organisation, portfolio, latest_scores(portfolio))[1]
    target = root / "postbedrijf.pdf"
    render_pdf(PdfInputs.of(report, portfolio, THEME_DIR, "archival"), target)
    return target, findings_csv(report)


def test_archival_pdf_passes_veraPDF_pdf_a_3a(archival: tuple[Path, str]) -> None:
    failures = verapdf.validate([archival[0]], "3a")
    assert failures == {archival[0]: {}}, verapdf.describe(failures)


def test_archival_pdf_passes_veraPDF_pdf_ua_1(archival: tuple[Path, str]) -> None:
    failures = verapdf.validate([archival[0]], "ua1")
    assert failures == {archival[0]: {}}, verapdf.describe(failures)


def test_archival_pdf_declares_pdf_a_3a_and_pdf_ua_1(archival: tuple[Path, str]) -> None:
    with pikepdf.open(archival[0]) as pdf:
        xmp = pdf.open_metadata()
        declared = (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance"), xmp.get("pdfuaid:part"))
    assert declared == ("3", "A", "1")


def test_archival_pdf_has_the_findings_csv_as_its_one_associated_data_file(
    archival: tuple[Path, str],
) -> None:
    path, csv_text = archival
    with pikepdf.open(path) as pdf:
        associated = list(pdf.Root.AF)
        assert len(associated) == 1
        spec = associated[0]
        stream = spec.EF.F
        found = (spec.AFRelationship, stream.Subtype, stream.read_bytes().decode("utf-8"))
    assert found == (pikepdf.Name.Data, pikepdf.Name("/text/csv"), csv_text)


def test_switching_the_pdf_variant_renders_the_pdf_again(tmp_path: Path) -> None:
    source = one_organisation(tmp_path / "audits").root
    output = tmp_path / "output"
    build(source, output, BuildOptions(jobs=1))
    result = build(source, output, BuildOptions(jobs=1, pdf_variant="archival"))
    with pikepdf.open(output / "pdf" / "postbedrijf.pdf") as pdf:
        part = pdf.open_metadata().get("pdfaid:part")
    assert ("pdf/postbedrijf.pdf", part) == (
        next(a for a in result.rendered if a.startswith("pdf/")),
        "3",
    )


def test_metadata_not_shaped_as_weasyprint_writes_it_is_a_named_error() -> None:
    pdf = pikepdf.new()
    pdf.Root.Metadata = pdf.make_stream(b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
    with pytest.raises(UnexpectedMetadata, match="exactly one rdf:RDF"):
        _declare_archival(pdf)
