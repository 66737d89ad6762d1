"""The page numbers of the PDF's cross references: written as text after layout, and exact.

Every number stands inside its link (the contents, "(p. N)", the register), so each link's
text is read back from its rectangle with poppler and compared with the page it leads to.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pdf_portfolio import write_pdf_portfolio
from pypdf import PdfReader

from klantspiegel.load import load_portfolio
from klantspiegel.pdf import PageNumbers, PdfInputs, UnresolvedPageReference, laid_out, render_pdf
from klantspiegel.report import build_report, latest_scores
from klantspiegel.templating import THEME_DIR


def inputs_of(root: Path, slug: str) -> PdfInputs:
    write_pdf_portfolio(root)
    portfolio, problems = load_portfolio(root)
    assert portfolio is not None, problems
    organisation = next(o for o in portfolio.organisations if o.slug == slug)
    report = build_report(organisation, portfolio, latest_scores(portfolio), audience="client")
    return PdfInputs.of(report, portfolio, THEME_DIR)


def linked_numbers(path: Path) -> list[tuple[int, str, int]]:
    """(page, number shown, page linked to) of every internal link that shows a page number."""
    reader = PdfReader(path)
    page_of = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, 1)}
    found = []
    for number, page in enumerate(reader.pages, 1):
        height = float(page.mediabox.height)
        links = [a.get_object() for a in page.get("/Annots") or []]
        for link in links:
            destination = link.get("/Dest") or link.get("/A", {}).get("/D")
            if destination is None or any(inside(link, other) for other in links):
                continue  # a part of a link (a box in it) shows its page with the whole
            if isinstance(destination, str):
                destination = reader.named_destinations[destination]
                target = reader.get_destination_page_number(destination) + 1
            else:
                target = page_of[destination[0].idnum]
            xs, ys = sorted(float(v) for v in link["/Rect"][::2]), link["/Rect"][1::2]
            (x0, x1), (y0, y1) = xs, sorted(float(v) for v in ys)
            text = subprocess.run(
                ["pdftotext", "-f", str(number), "-l", str(number), "-x", str(int(x0)),
                 "-y", str(int(height - y1)), "-W", str(int(x1 - x0) + 1),
                 "-H", str(int(y1 - y0) + 1), "-layout", str(path), "-"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            # the number after a leader or "p.", or alone (the register); not a title's digits
            shown = re.fullmatch(r"(?:.*(?:\.{2,}|p\.)\s*)?(\d+)\)?", " ".join(text.split()))
            if shown:
                found.append((number, shown[1], target))
    return found


def inside(link, other) -> bool:
    """Whether link's rectangle lies within other's, a different link to the same place."""
    if link is other or link.get("/Dest") != other.get("/Dest"):
        return False
    (ax0, ax1), (ay0, ay1) = (sorted(float(v) for v in link["/Rect"][i::2]) for i in (0, 1))
    (bx0, bx1), (by0, by1) = (sorted(float(v) for v in other["/Rect"][i::2]) for i in (0, 1))
    return bx0 <= ax0 and ax1 <= bx1 and by0 <= ay0 and ay1 <= by1


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("numbers")
    target = root / "gemeente.pdf"
    render_pdf(inputs_of(root / "audits", "gemeente"), target)
    return target


def test_every_linked_page_number_is_the_page_its_link_leads_to(long_pdf):
    numbers = linked_numbers(long_pdf)
    assert len(numbers) > 60, "the contents, the action plan and the register link pages"
    assert max(target for _, _, target in numbers) >= 10, "numbers should reach two digits"
    wrong = [(page, shown, target) for page, shown, target in numbers if shown != str(target)]
    assert not wrong


def test_a_reference_to_a_missing_anchor_is_an_error_naming_it():
    def html_of(numbers: PageNumbers) -> str:
        return f'<p id="here">x <span data-page-of="nowhere">{numbers.text("nowhere")}</span></p>'

    with pytest.raises(UnresolvedPageReference, match="nowhere"):
        laid_out(html_of)


def test_the_same_report_rendered_twice_gives_the_same_bytes(tmp_path):
    inputs = inputs_of(tmp_path / "audits", "parcelco")
    render_pdf(inputs, tmp_path / "first.pdf")
    render_pdf(inputs, tmp_path / "second.pdf")
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "second.pdf").read_bytes()


def test_a_long_report_with_references_near_page_ten_is_laid_out_once(tmp_path, monkeypatch):
    """Its stories cite findings on pages 9 and 10, a guess one digit off: each reference
    ends its line, padded to one width, so no guess makes the report be laid out again."""
    import sys

    import weasyprint

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from synthetic import generate

    root = generate(tmp_path / "audits", organisations=5, findings=30, anecdotes=8, seed=1)
    portfolio, problems = load_portfolio(root)
    assert portfolio is not None, problems
    organisation = next(o for o in portfolio.organisations if o.slug == "organisatie-000")
    report = build_report(organisation, portfolio, latest_scores(portfolio), audience="client")
    layouts = []
    real_render = weasyprint.HTML.render

    def counted(self, *args, **kwargs):
        layouts.append(1)
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    pages = render_pdf(PdfInputs.of(report, portfolio, THEME_DIR), tmp_path / "report.pdf")
    assert pages > 50 and len(layouts) == 1
    shown = linked_numbers(tmp_path / "report.pdf")
    wrong = [(page, number, target) for page, number, target in shown if int(number) != target]
    assert shown and wrong == []
