"""Personal data in a survey export never leaves the import: not one byte of any output.

A Qualtrics export with planted names, e-mail and IP addresses, coordinates, respondent ids
and phone numbers (in an open comment) is built with PDFs, client bundles and exports; every
text the output and the build cache hold is searched for each planted value.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from klantspiegel.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "surveys" / "qualtrics-numeric.csv"
PLANTED = (
    "Plantedfirst",
    "Plantedlast",
    "planted.person",
    "203.0.113.7",
    "51.05434",
    "3.71742",
    "R_Planted",
    "EXT-PLANTED",
    "+32 470",
)


def all_text(folder: Path) -> str:
    """Every text the files under `folder` hold, however stored.

    Raw bytes as UTF-8, gzip contents (the search index), zip members (XLSX, bundles), and of
    a PDF its page text (pypdf and pdftotext), and every stream decompressed (attachments,
    metadata, content), each recursively.
    """
    return "\n".join(
        text
        for path in sorted(p for p in folder.rglob("*") if p.is_file())
        for text in _texts(path.read_bytes(), path)
    )


def _texts(data: bytes, path: Path) -> list[str]:
    found = [data.decode("utf-8", "replace")]
    if data.startswith(b"\x1f\x8b"):
        found += _texts(gzip.decompress(data), path)
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                found += _texts(archive.read(member), path)
    if data.startswith(b"%PDF"):
        found += [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
        found.append(
            subprocess.run(
                ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
            ).stdout.decode("utf-8", "replace")
        )
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for thing in pdf.objects:
                if isinstance(thing, pikepdf.Stream):
                    try:
                        found += _texts(thing.read_bytes(), path)
                    except pikepdf.PdfError:  # an image filter pikepdf does not decode
                        continue
    return found


def test_all_text_finds_a_value_in_a_compressed_pdf_stream(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Hidden = pdf.make_stream(b"stream holds Plantedpdf")  # saved Flate-compressed
    pdf.save(tmp_path / "x.pdf", compress_streams=True)
    assert b"Plantedpdf" not in (tmp_path / "x.pdf").read_bytes()
    assert "Plantedpdf" in all_text(tmp_path)


def test_all_text_finds_a_value_in_a_gzip_inside_a_zip(tmp_path):
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.pf_fragment", gzip.compress(b"fragment of Plantedzip"))
    assert "Plantedzip" in all_text(tmp_path)
    assert "Plantedother" not in all_text(tmp_path)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from conftest import PortfolioWriter, write_small_portfolio

    root = tmp_path_factory.mktemp("privacy")
    w = write_small_portfolio(PortfolioWriter(root / "audits"))
    (w.root / "postbedrijf/2026/survey.csv").write_bytes(FIXTURE.read_bytes())
    assert main(["--source", str(w.root), "--output", str(root / "output"), "--quiet"]) == 0
    return root


def test_the_export_was_used_by_the_build(built):
    scores = json.loads((built / "output/exports/scores.json").read_text())
    assert '"survey_answers": 12' in json.dumps(scores)


@pytest.mark.parametrize("folder", ["output", ".klantspiegel-cache"])
def test_no_planted_personal_value_is_in_any_output_byte(built, folder):
    assert (built / "output/pdf/postbedrijf.pdf").is_file()
    assert (built / "output/clients/postbedrijf").is_dir() and (built / folder).is_dir()
    text = all_text(built / folder)
    assert [value for value in PLANTED if value in text] == []
