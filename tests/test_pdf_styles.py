"""The user-agent stylesheet a report is laid out with: WeasyPrint's, with its pseudo-element
rules kept to the elements a report gives them, so a layout holds no style nothing reads."""

from __future__ import annotations

import re

from pdf_portfolio import finding, write_pdf_portfolio

import klantspiegel.pdf
from klantspiegel.load import load_portfolio
from klantspiegel.pdf import PageNumbers, PdfInputs, laid_out, lean_user_agent_css, render_pdf
from klantspiegel.report import build_report, latest_scores
from klantspiegel.templating import THEME_DIR

PDF_CSS = THEME_DIR / "assets" / "css" / "pdf.css"
LIST_AND_FOOTNOTE = (
    "Wat de klant hoorde:\n\n"
    "- dat het kantoor niet opneemt[^1];\n"
    "- dat de centrale lijn het oplost.\n\n"
    "1. Eerst bellen.\n"
    "2. Dan mailen.\n\n"
    "[^1]: Vier keer geprobeerd, in twee weken.\n"
)


def universal_pseudo_element_rules(css: str) -> list[str]:
    """The pseudo-elements of rules whose selector is the pseudo-element alone."""
    return re.findall(r"^(::[a-z-]+) \{", css, flags=re.MULTILINE)


def weasyprints_ua() -> str:
    from weasyprint.html import UA

    return UA


def test_weasyprints_own_stylesheet_gives_every_element_six_pseudo_element_styles():
    assert universal_pseudo_element_rules(weasyprints_ua()) == [
        "::marker",
        "::footnote-call",
        "::footnote-marker",
        "::note-call",
        "::note-marker",
        "::note-callback",
    ]


def test_a_reports_stylesheet_gives_markers_to_list_items_and_drops_footnote_and_note_calls():
    ua = weasyprints_ua()
    lean = lean_user_agent_css(ua)

    assert universal_pseudo_element_rules(lean) == []
    assert re.findall(r"^\S*::marker \{", lean, flags=re.MULTILINE) == ["li::marker {"]
    assert not re.search(r"::(?:foot)?note-", lean)
    assert len(lean.splitlines()) == len(ua.splitlines()) - 5  # nothing else goes


def test_the_theme_makes_no_other_list_items_and_floats_nothing_into_footnotes_or_notes():
    css = PDF_CSS.read_text(encoding="utf-8")

    assert not re.search(r"display\s*:[^;}]*list-item", css)
    assert not re.search(r"float\s*:\s*(?:footnote|note)\b", css)


def test_a_layout_styles_the_markers_of_list_items_and_no_other_pseudo_element(monkeypatch):
    import weasyprint.css

    styled: list[tuple[str, str | None]] = []
    set_computed_styles = weasyprint.css.StyleFor.set_computed_styles

    def recorded(self, element, parent, root=None, pseudo_type=None, **options):
        if hasattr(element, "tag"):  # an element, not a page or its margin boxes
            styled.append((element.tag, pseudo_type))
        return set_computed_styles(self, element, parent, root, pseudo_type, **options)

    monkeypatch.setattr(weasyprint.css.StyleFor, "set_computed_styles", recorded)
    html = "<html><body><p>Een lijst:</p><ol><li>een</li><li>twee</li></ol><p>Klaar.</p>"

    laid_out(lambda numbers: html)

    assert sorted(p for _, p in styled if p) == ["marker", "marker"]
    assert {tag for tag, p in styled if p == "marker"} == {"li"}


def test_a_report_with_lists_and_footnotes_is_the_same_pdf_with_weasyprints_stylesheet(
    tmp_path, monkeypatch
):
    from weasyprint.html import UA_STYLESHEET

    root = tmp_path / "audits"
    w = write_pdf_portfolio(root)
    finding(w, "postbedrijf", "lijsten", title="Wat klanten horen", body=LIST_AND_FOOTNOTE)
    portfolio, problems = load_portfolio(root)
    assert portfolio is not None, problems
    organisation = next(o for o in portfolio.organisations if o.slug == "postbedrijf")
    report = build_report(organisation, portfolio, latest_scores(portfolio), audience="client")
    inputs = PdfInputs.of(report, portfolio, THEME_DIR)

    lean_pages = render_pdf(inputs, tmp_path / "lean.pdf")
    monkeypatch.setattr(klantspiegel.pdf, "report_ua_stylesheet", lambda: UA_STYLESHEET)
    own_pages = render_pdf(inputs, tmp_path / "own.pdf")

    assert lean_pages == own_pages
    assert (tmp_path / "lean.pdf").read_bytes() == (tmp_path / "own.pdf").read_bytes()
    assert "Vier keer geprobeerd" in klantspiegel.pdf.pdf_html(inputs, PageNumbers())
