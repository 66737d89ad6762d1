"""The executive PDF, read back from the rendered files (pypdf and poppler's command-line tools).

The PDFs are rendered once for the module from the portfolio in pdf_portfolio.py: a Dutch
organisation with everything (two audits, stories, KPIs, survey, sector peers), an English one
and one with 60 findings for the long tables.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pdf_portfolio import write_pdf_portfolio
from pypdf import PdfReader

from klantspiegel.fetch import GuardedFetcher, OutsideFetchError
from klantspiegel.i18n import Translator
from klantspiegel.load import load_portfolio
from klantspiegel.pdf import PdfInputs, contents, pdf_html, render_pdf
from klantspiegel.report import build_report, latest_scores
from klantspiegel.templating import THEME_DIR

RENDERED = ("postbedrijf", "parcelco", "gemeente")
LARGE = 15.0  # a word box at least this tall (pt) is set in a heading size (body: 9.5-10.5 pt)
MM = 72 / 25.4


@dataclass(frozen=True)
class Rendered:
    path: Path
    pages: int
    sections: tuple  # klantspiegel.pdf.Section, what the report should contain

    def text(self, page: int | None = None) -> str:
        """The text of one page (1-based) or of the whole document, in reading layout."""
        args = ["-f", str(page), "-l", str(page)] if page else []
        return poppler("pdftotext", "-layout", *args, str(self.path), "-")

    def page_texts(self) -> list[str]:
        return self.text().split("\f")[: self.pages]

    def headings(self) -> dict[int, list[str]]:
        """Lines set in heading sizes, per page (1-based), from poppler's word boxes."""
        found: dict[int, list[str]] = {}
        bbox = poppler("pdftotext", "-bbox", str(self.path), "-")
        for number, page in enumerate(bbox.split("<page ")[1:], 1):
            lines: dict[float, list[str]] = {}
            for y0, y1, word in re.findall(
                r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>',
                page,
            ):
                if float(y1) - float(y0) >= LARGE:
                    lines.setdefault(round(float(y0)), []).append(html.unescape(word))
            found[number] = [" ".join(words) for _, words in sorted(lines.items())]
        return found

    def words(self, page: int) -> list[tuple[float, float, str]]:
        """(top, bottom, word) of every word on a page, in points from the top."""
        bbox = poppler("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(self.path), "-")
        return [
            (float(y0), float(y1), html.unescape(w))
            for y0, y1, w in re.findall(
                r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>',
                bbox,
            )
        ]

    def contents_page(self) -> list[tuple[str, str, int]]:
        """(number, title, page) of every entry on the contents page (page 2)."""
        entry = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?|[A-Z])\s{2,}(.+?)\s*\.{3,}\s*(\d+)\s*$")
        entries = []
        for line in self.text(2).splitlines():
            match = entry.match(line)
            if match:
                entries.append((match[1], match[2], int(match[3])))
        return entries

    def chapter_page(self, anchor: str) -> int:
        """The page a chapter starts on, according to the contents page."""
        section = next(s for s in self.sections if s.anchor == anchor)
        return next(p for n, _, p in self.contents_page() if n == section.number)


def poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Rendered]:
    root = tmp_path_factory.mktemp("pdf")
    write_pdf_portfolio(root / "audits")
    portfolio, problems = load_portfolio(root / "audits")
    assert portfolio is not None, problems
    peers = latest_scores(portfolio)
    result = {}
    for organisation in portfolio.organisations:
        if organisation.slug not in RENDERED:
            continue
        report = build_report(organisation, portfolio, peers, audience="client")
        target = root / "pdf" / f"{organisation.slug}.pdf"
        pages = render_pdf(PdfInputs.of(report, portfolio, THEME_DIR), target)
        sections = contents(report, Translator(organisation.report_language))
        result[organisation.slug] = Rendered(target, pages, sections)
    return result


@pytest.fixture(scope="module")
def dutch(rendered) -> Rendered:
    return rendered["postbedrijf"]


@pytest.fixture(scope="module")
def english(rendered) -> Rendered:
    return rendered["parcelco"]


@pytest.fixture(scope="module")
def long(rendered) -> Rendered:
    return rendered["gemeente"]


def all_entries(sections) -> list[tuple[str, str]]:
    entries = []
    for s in sections:
        entries.append((s.number, s.title))
        entries += [(c.number, c.title) for c in s.children]
    return entries


# --- contents, outline, running header and footer -----------------------------------------------


@pytest.mark.parametrize("slug", RENDERED)
def test_the_contents_page_lists_every_section(rendered, slug):
    pdf = rendered[slug]
    listed = [(number, title) for number, title, _ in pdf.contents_page()]
    assert listed == all_entries(pdf.sections)


@pytest.mark.parametrize("slug", RENDERED)
def test_each_contents_page_number_is_the_page_the_heading_stands_on(rendered, slug):
    pdf = rendered[slug]
    headings = pdf.headings()
    for number, title, page in pdf.contents_page():
        assert f"{number} {title}" in headings[page], (number, title, page, headings[page])


def test_the_dutch_report_has_every_section_of_a_full_audit(dutch):
    titles = [title for _, title in all_entries(dutch.sections)]
    for expected in (
        "Managementsamenvatting",
        "Reikwijdte en methode",
        "Resultaten per dimensie",
        "Bereikbaarheid & kanalen",
        "Klantreizen",
        "Het gemiste pakje",
        "KPI-scorekaart",
        "Prioriteitenmatrix",
        "Actieplan",
        "Trend sinds de vorige audit",
        "Scoringsmodel",
        "Register van bevindingen",
    ):
        assert expected in titles


def test_a_first_audit_has_no_trend_section(long):
    assert "trend" not in [s.anchor for s in long.sections]


@pytest.mark.parametrize("slug", RENDERED)
def test_the_outline_mirrors_the_contents(rendered, slug):
    pdf = rendered[slug]
    reader = PdfReader(pdf.path)

    def flatten(items) -> list[tuple[str, int]]:
        out = []
        for item in items:
            if isinstance(item, list):
                out += flatten(item)
            else:
                out.append((item.title, reader.get_destination_page_number(item) + 1))
        return out

    expected = [(f"{number} {title}", page) for number, title, page in pdf.contents_page()]
    assert flatten(reader.outline) == expected


@pytest.mark.parametrize("slug", RENDERED)
def test_the_footer_of_every_page_but_the_cover_reads_its_number_and_the_total(rendered, slug):
    pdf = rendered[slug]
    label = "page {} of {}" if slug == "parcelco" else "pagina {} van {}"
    texts = pdf.page_texts()
    assert len(texts) == pdf.pages
    for number, text in enumerate(texts[1:], 2):
        assert label.format(number, pdf.pages) in text, number


def test_the_cover_has_no_header_or_footer(dutch):
    cover = dutch.text(1)
    assert "pagina" not in cover
    assert "Managementsamenvatting" not in cover
    assert "Spiegel & Co Advies · Vertrouwelijk" not in cover


def test_the_cover_names_organisation_audit_date_consultancy_and_confidentiality(dutch):
    cover = dutch.text(1)
    for text in (
        "Postbedrijf Noord",
        "Klantgerichtheidsaudit 2026",
        "1 oktober 2026",
        "Spiegel & Co Advies",
        "VERTROUWELIJK",
    ):
        assert text in cover


def test_the_running_header_shows_the_organisation_and_the_current_chapter(dutch):
    page = dutch.chapter_page("kpis")
    first_line = next(line for line in dutch.text(page).splitlines() if line.strip())
    assert "Postbedrijf Noord" in first_line
    assert "KPI-scorekaart" in first_line


# --- pagination ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", RENDERED)
def test_the_management_summary_fits_on_one_page(rendered, slug):
    pdf = rendered[slug]
    page = pdf.chapter_page("summary")
    assert pdf.chapter_page("method") == page + 1
    text = pdf.text(page)
    top = (
        ("Key messages", "First actions")
        if slug == "parcelco"
        else ("KERNBOODSCHAPPEN", "EERSTE ACTIES")
    )
    assert all(label.upper() in text.upper() for label in top)


def test_a_long_table_repeats_its_header_on_every_page_it_crosses(long):
    start, texts = long.chapter_page("register"), long.page_texts()
    register = texts[start - 1 :]
    assert len(register) > 1, "the fixture's register should cross a page"
    for text in register:
        assert re.search(r"#\s+BEVINDING\s+DIMENSIE\s+SOORT\s+SCORE", text)
    assert "Bevinding nummer 60" in "".join(register)


def test_the_action_plan_repeats_its_header_on_every_page_it_crosses(long):
    start, end = long.chapter_page("priorities"), long.chapter_page("model")
    texts = long.page_texts()[start - 1 : end - 1]
    plan = [t for t in texts if "Aanbeveling" in t]
    assert len(plan) > 1
    for text in plan:
        assert re.search(r"#\s+ACTIE\s+EIGENAAR\s+TERMIJN\s+PRIORITEIT", text)


@pytest.mark.parametrize("slug", RENDERED)
def test_no_heading_is_stranded_at_the_bottom_of_a_page(rendered, slug):
    pdf = rendered[slug]
    for page, lines in pdf.headings().items():
        if page == 1 or not lines:
            continue
        words = pdf.words(page)
        footer = 841.89 - 24 * MM
        for line in lines:
            first = line.split()[0]
            top = max(y0 for y0, y1, w in words if w == first and y1 - y0 >= LARGE)
            below = [w for y0, _, w in words if top + LARGE < y0 < footer]
            assert len(below) >= 5, (page, line)


def test_a_journey_map_starts_with_its_curve_and_first_step_on_one_page(dutch):
    # the chapter's first story: its later steps may go on over the page (tests/test_page_flow)
    pages = [t for t in dutch.page_texts() if "KLANTREIS: HET GEMISTE PAKJE" in t]
    assert len(pages) == 1
    assert "Belt één keer aan en vertrekt meteen." in pages[0]  # the first step


# --- document properties ------------------------------------------------------------------------


def test_the_metadata_comes_from_the_html(dutch):
    info = PdfReader(dutch.path).metadata
    assert info.title == "Postbedrijf Noord · Klantgerichtheidsaudit 2026"
    assert info.author == "Spiegel & Co Advies"
    assert "Postbedrijf Noord" in info.subject
    assert "klantgerichtheid" in info["/Keywords"]


@pytest.mark.parametrize(("slug", "tag"), [("postbedrijf", "nl-NL"), ("parcelco", "en-GB")])
def test_the_document_language_follows_the_organisation(rendered, slug, tag):
    reader = PdfReader(rendered[slug].path)
    assert reader.trailer["/Root"]["/Lang"] == tag


def test_the_pdf_is_tagged_and_declares_pdf_ua_1(dutch):
    assert re.search(r"^Tagged:\s+yes$", poppler("pdfinfo", str(dutch.path)), re.M)
    xmp = PdfReader(dutch.path).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp and b"1" in xmp


def test_every_font_is_embedded_and_subset(dutch):
    rows = poppler("pdffonts", str(dutch.path)).splitlines()[2:]
    assert rows
    for row in rows:
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row
    assert any("Inter" in row for row in rows)


def test_the_findings_are_attached_as_csv(dutch):
    attachments = PdfReader(dutch.path).attachments
    assert list(attachments) == ["bevindingen.csv"]  # named in the report's language
    data = attachments["bevindingen.csv"][0].decode()
    assert "Het dashboard telt rondes, geen klanten" in data
    assert "Geheime conceptbevinding" not in data


# --- language -----------------------------------------------------------------------------------


DUTCH_LABELS = (
    "Managementsamenvatting",
    "pagina",
    "Inhoud",
    "Vertrouwelijk",
    "Aanbeveling",
    "Niet beoordeeld",
    "Klantreizen",
    "Bijlage",
)
ENGLISH_LABELS = (
    "Management summary",
    "page 3 of",
    "Contents",
    "Confidential",
    "Recommendation",
    "Not assessed",
    "Customer journeys",
)


def test_an_english_report_has_no_dutch_fixed_labels(english):
    text = english.text()
    for label in ENGLISH_LABELS:
        assert label.lower() in text.lower(), label
    for label in DUTCH_LABELS:
        assert label.lower() not in text.lower(), label


def test_a_dutch_report_has_no_english_fixed_labels(dutch):
    text = dutch.text()
    for label in ENGLISH_LABELS:
        assert label.lower() not in text.lower(), label


def test_dates_and_numbers_follow_the_report_language(dutch, english):
    assert "1 oktober 2026" in dutch.text(1)
    assert "1 April 2026" in english.text(1)  # en-GB, the default locale of English
    assert re.search(r"\b\d,\d\b", dutch.text(dutch.chapter_page("summary")))
    assert re.search(r"\b\d\.\d\b", english.text(english.chapter_page("summary")))


# --- content ------------------------------------------------------------------------------------


def test_a_dimension_without_findings_says_not_assessed_never_zero(dutch):
    page = next(p for n, t, p in dutch.contents_page() if t == "Klantinzicht & leren")
    text = dutch.text(page) + dutch.text(page + 1)
    section = text[text.index("Klantinzicht & leren") :]
    assert "Niet beoordeeld" in section
    overview = dutch.text(dutch.chapter_page("dimensions"))
    row = next(line for line in overview.splitlines() if "Klantinzicht & leren" in line)
    assert "0,0" not in row and "Niet beoordeeld" in row


def test_each_dimension_shows_its_evidence_count(dutch):
    page = next(p for n, t, p in dutch.contents_page() if t == "Bereikbaarheid & kanalen")
    # centrale-lijn: three pieces of evidence and one customer story
    assert "1 bevinding · 4 waarnemingen" in dutch.text(page)


def test_the_sector_benchmark_is_shown_without_naming_peers(dutch):
    text = dutch.text()
    assert "Sectorgenoten (mediaan)" in text or "SECTORGENOTEN (MEDIAAN)" in text
    for peer in ("Koerier Zuid", "De Bode", "ParcelCo"):
        assert peer not in text


def test_there_is_no_benchmark_without_enough_peers(long):
    text = long.text().lower()
    assert "sectorgenoten" not in text and "sectormediaan" not in text


def test_drafts_and_internal_notes_never_reach_the_pdf(dutch):
    text = dutch.text()
    assert "Geheime conceptbevinding" not in text
    assert "Interne notitie xyz" not in text
    assert "Story note only for the team" not in text


def test_the_kpi_scorecard_shows_value_target_and_previous_value(dutch):
    text = dutch.text(dutch.chapter_page("kpis"))
    row = next(line for line in text.splitlines() if "afhandeltijd" in line.lower())
    # a handle time above its target: lower is better, so "above target", never "below"
    assert re.search(r"412\s*s\s+360\s*s\s+.*Boven\s+doel\s+380\s*s", row)


def test_the_print_html_carries_the_portfolio_accent_colour(tmp_path):
    write_pdf_portfolio(tmp_path / "audits")
    portfolio, _ = load_portfolio(tmp_path / "audits")
    organisation = portfolio.organisations[0]
    report = build_report(organisation, portfolio, latest_scores(portfolio), audience="client")
    assert "#7a2e5d" in pdf_html(PdfInputs.of(report, portfolio, THEME_DIR))


def test_the_fetcher_serves_theme_files_and_refuses_everything_else(tmp_path):
    fetcher = GuardedFetcher([THEME_DIR])
    css = (THEME_DIR / "assets/css/pdf.css").resolve()
    assert b"@font-face" in fetcher.fetch(css.as_uri()).read()
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for url in (outside.as_uri(), "http://example.com/x.css", THEME_DIR.as_uri() + "/../x"):
        with pytest.raises(OutsideFetchError):
            fetcher.fetch(url)
