"""Client bundles hold one client's data and nothing else: no other client, no drafts, no notes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from klantspiegel.cli import main

ORGANISATIONS = {  # slug: (name, a finding title)
    "zebrapost": ("Zebrapost Holding", "Zebra counters greet nobody"),
    "okapi-koeriers": ("Okapi Koeriers", "Okapi agents may not call out"),
    "quagga-logistiek": ("Quagga Logistiek", "Quagga depot hides parcels"),
    "narwal-pakket": ("Narwal Pakket", "Narwal lockers work at night"),
}
DRAFT_TEXT = "Unfinished draft about xylophone tariffs"
INTERNAL_TEXT = "Internal remark: the manager was wearing yellow socks"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from conftest import PortfolioWriter

    root = tmp_path_factory.mktemp("bundles")
    w = PortfolioWriter(root / "audits")
    for slug, (name, title) in ORGANISATIONS.items():
        w.organisation(slug, name=name, sector="Logistiek")
        w.audit(slug)
        w.anecdote(slug, "verhaal", title=f"Story of {name}")
        w.finding(
            slug,
            "hoofdbevinding",
            title=title,
            anecdotes="verhaal",
            internal=f"'{INTERNAL_TEXT} at {name}'",
        )
        w.finding(
            slug, "concept", title=f"{DRAFT_TEXT} at {name}", status="draft", dimension="mandaat"
        )
    output = root / "output"
    assert main(["--source", str(w.root), "--output", str(output)]) == 0
    return output


def bundle_text(bundle: Path) -> str:
    """Every byte of a bundle as text: HTML, CSS, JSON, search index files, the PDF's text."""
    parts = []
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            parts.append("\n".join(page.extract_text() for page in PdfReader(path).pages))
            parts.append(
                subprocess.run(
                    ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
                ).stdout
            )
        elif path.suffix in (".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"):
            import gzip

            parts.append(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        else:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("slug", list(ORGANISATIONS))
def test_a_bundle_holds_no_trace_of_any_other_organisation(built, slug):
    text = bundle_text(built / "clients" / slug)
    name, title = ORGANISATIONS[slug]
    assert name in text and title in text  # its own report is there (the check can fail)
    for other, (other_name, other_title) in ORGANISATIONS.items():
        if other == slug:
            continue
        assert other not in text
        assert other_name not in text
        assert other_title not in text
        assert f"Story of {other_name}" not in text


@pytest.mark.parametrize("slug", list(ORGANISATIONS))
def test_a_bundle_holds_no_draft_and_no_internal_note(built, slug):
    text = bundle_text(built / "clients" / slug)
    assert "xylophone" not in text
    assert "yellow socks" not in text


def test_the_pdfs_hold_no_draft_and_no_internal_note(built):
    for pdf in (built / "pdf").glob("*.pdf"):
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
        assert "xylophone" not in text and "yellow socks" not in text


def test_a_bundle_is_a_standalone_site_with_its_pdf_and_own_search(built):
    bundle = built / "clients" / "zebrapost"
    assert (bundle / "index.html").is_file()
    assert (bundle / "findings/hoofdbevinding.html").is_file()
    assert (bundle / "anecdotes/verhaal.html").is_file()
    assert (bundle / "zebrapost.pdf").read_bytes() == (built / "pdf/zebrapost.pdf").read_bytes()
    assert not (bundle / "dimensions").exists()
    index = (bundle / "search/index.js").read_text()
    assert index.count('"url":') == 2  # its one final finding and its one story


def test_the_benchmark_reaches_a_client_only_as_an_unnamed_median(built):
    html = (built / "clients/zebrapost/index.html").read_text()
    assert "Sectorgenoten (mediaan)" in html and "3 organisaties" in html


def test_the_consultant_site_shows_drafts_marked(built):
    html = (built / "site/zebrapost/index.html").read_text()
    assert f"{DRAFT_TEXT} at Zebrapost Holding" in html
    assert "tag-draft" in html


def test_the_footer_says_who_may_read_the_pages(built):
    internal = "Intern: het portfolio van het adviesbureau"
    confidential = "Vertrouwelijk: alleen voor de geauditeerde organisatie"
    for page in ("site/index.html", "site/zebrapost/index.html"):
        html = (built / page).read_text()
        assert internal in html and confidential not in html
    bundle = (built / "clients/zebrapost/index.html").read_text()
    assert confidential in bundle and internal not in bundle
