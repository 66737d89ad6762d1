"""The executive PDF: one per organisation, rendered by WeasyPrint from the print templates.

`presentation.contents` decides which sections the report has (the site follows it too); the
contents page, the PDF outline and the running header all follow from it. WeasyPrint only
gets files through `GuardedFetcher`: files inside the portfolio and the theme, nothing else (no
other file, no http, no data: URLs).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from klantspiegel.cache import Fingerprints, TemplateDigests, digest
from klantspiegel.exports import CSV_BOM, csv_cell
from klantspiegel.i18n import N_, Translator
from klantspiegel.model import Portfolio, PortfolioConfig, ScoringModel
from klantspiegel.presentation import contents
from klantspiegel.report import OrganisationReport
from klantspiegel.templating import environment
from klantspiegel.writes import write_artifact

if TYPE_CHECKING:
    import pikepdf
    import weasyprint
    from weasyprint.formatting_structure.boxes import TextBox

PDF_TEMPLATE = "pdf/report.html"
# What `build --pdf-variant` offers, and the WeasyPrint variant each starts from: accessible is
# tagged PDF/UA-1; archival is PDF/A-3a (tagged too) that also declares PDF/UA-1 (see
# `_archival`), with the findings CSV as its associated file.
PDF_VARIANTS = {"accessible": "pdf/ua-1", "archival": "pdf/a-3a"}
DEFAULT_PDF_VARIANT = "accessible"


# --- what a PDF is made from -------------------------------------------------------------------


@dataclass(frozen=True)
class PdfInputs:
    """Everything one PDF is made from, declared once.

    `pdf_html` and `render_pdf` render from these fields alone, and `key` hashes every one of
    them, so nothing can reach the PDF without reaching its cache key: a new input is a new
    field, keyed by being there.
    """

    report: OrganisationReport  # the client report: findings, scores, charts, language
    config: PortfolioConfig  # consultancy, accent colour, logo
    model: ScoringModel
    variant: str  # one of PDF_VARIANTS
    # Folders read from, keyed by what the PDF reads there (`FOLDERS`), not by where they are.
    theme_dir: Path
    root: Path  # the portfolio: its template overrides, assets, logo and images

    FOLDERS = ("theme_dir", "root")

    @classmethod
    def of(
        cls,
        report: OrganisationReport,
        portfolio: Portfolio,
        theme_dir: Path,
        variant: str = DEFAULT_PDF_VARIANT,
    ) -> PdfInputs:
        """The inputs of an organisation's PDF in a build of portfolio with theme_dir."""
        return cls(
            report, portfolio.config, portfolio.scoring_model, variant, theme_dir, portfolio.root
        )

    @property
    def locale(self) -> str:
        return self.report.organisation.report_locale

    @property
    def media(self) -> tuple[tuple[str, Path], ...]:
        """The images the report's Markdown shows, as (URL in the theme, source file)."""
        return (
            *(media for finding in self.report.findings for media in finding.media),
            *(media for story in self.report.anecdotes for media in story.media),
        )

    def environment(self) -> jinja2.Environment:
        return environment(self.theme_dir, self.root, self.locale)

    def key(self, code: str, values: Fingerprints, templates: TemplateDigests, assets: str) -> str:
        """The PDF's cache key: every field, the folders by what is read from them.

        `templates` is made from `environment()` (a build shares one per locale): it hashes the
        print template with all it includes, the theme's and the portfolio's; `assets` hashes
        the styles, fonts and logo; the images are hashed here by their bytes.
        """
        held = [
            values.of(getattr(self, f.name)) for f in fields(self) if f.name not in self.FOLDERS
        ]
        read = [
            templates.of(PDF_TEMPLATE),
            assets,
            *(digest(url, source.read_bytes()) for url, source in self.media),
        ]
        return digest(code, *held, *read)


# --- what the templates are given ---------------------------------------------------------------


def css_string(*parts: str) -> Markup:
    """Texts joined as one quoted CSS string, safe inside a <style> element (no quote, no `</`).

    Translated messages arrive as Markup (HTML-escaped); CSS wants the plain text back.
    """
    text = "".join(p.unescape() if isinstance(p, Markup) else p for p in parts)
    escaped = re.sub(r'[\\"<>&\n]', lambda m: f"\\{ord(m.group()):x} ", text)
    return Markup(f'"{escaped}"')


def css_counter_text(message: str) -> Markup:
    """A message with {page} and {pages}, as CSS content: "page " counter(page) " of " ..."""
    parts = re.split(r"(\{page\}|\{pages\})", message)
    tokens = [
        "counter(page)" if p == "{page}" else "counter(pages)" if p == "{pages}" else css_string(p)
        for p in parts
        if p
    ]
    return Markup(" ".join(tokens))


# --- page numbers of cross references ---------------------------------------------------------

FIGURE_SPACE = "\u2007"  # as wide as a tabular digit: pads the contents' numbers to one width
# Text characters on an average page: calibrated on the example and the benchmark's reports.
CHARS_PER_PAGE = 1300
MAX_LAYOUTS = 4  # a layout changes a number's digit count rarely, twice in a row never seen


class UnresolvedPageReference(Exception):
    """A cross reference names an anchor the laid-out report does not have."""


@dataclass(frozen=True)
class PageNumbers:
    """The page number each cross reference shows, written into the HTML as text.

    WeasyPrint's `target-counter()` re-lays pages until its numbers settle (37 % of layout
    time with ~200 references). Instead the report is laid out with these numbers as text of a
    known width (tabular digits), the anchors' pages are read from the layout and written into
    the same boxes: exact as long as every number kept its width, else laid out again.
    A number alone at the edge of its line (the contents, the register, the summary) is padded
    on that edge to the digits of the last page, so that its width never needs a second layout.
    """

    pages: Mapping[str, int] = field(default_factory=dict)  # anchor -> page, as read
    digits: int = 2  # of the last page: the width of a padded number

    GUESS = "00"  # an anchor not read yet: most reports have 10-99 pages

    @classmethod
    def read(cls, document: weasyprint.Document) -> PageNumbers:
        """Where each anchor stands in a laid-out document."""
        pages: dict[str, int] = {}
        for number, page in enumerate(document.pages, 1):
            # an element split over pages has its anchor on each: it starts on the first
            for anchor in page.anchors:
                pages.setdefault(anchor, number)
        return cls(pages, len(str(len(document.pages))))

    @classmethod
    def estimate(cls, html: str) -> PageNumbers:
        """A first guess from the HTML alone: each anchor's page from the text before it.

        Only a number's digit count has to be right for one layout to suffice; a wrong guess
        costs a second layout, never a wrong number.
        """
        import lxml.html

        pages: dict[str, int] = {}
        before = 0  # characters of text so far, in document order
        for element in lxml.html.document_fromstring(html).body.iter():
            anchor = element.get("id")
            if anchor is not None:
                pages[anchor] = 1 + before // CHARS_PER_PAGE
            before += len((element.text or "").strip()) + len((element.tail or "").strip())
        return cls(pages, len(str(1 + before // CHARS_PER_PAGE)))

    def text(self, anchor: str, pad: str = "", suffix: str = "") -> str:
        """The number and suffix as text; pad "start" or "end" fills that side to one width."""
        page = self.pages.get(anchor)
        number = (self.GUESS if page is None else str(page)) + suffix
        if pad == "start":
            return number.rjust(self.digits + len(suffix), FIGURE_SPACE)
        if pad == "end":
            return number.ljust(self.digits + len(suffix), FIGURE_SPACE)
        return number

    def same_widths(self, other: PageNumbers, references: Iterable[tuple[str, ...]]) -> bool:
        """Whether each (anchor, pad, suffix) reference takes as many characters in both."""
        return all(len(self.text(*r)) == len(other.text(*r)) for r in references)


Reference = tuple[str, str, str, "TextBox"]  # anchor, pad, suffix, the box showing the number


def _references(document: weasyprint.Document) -> list[Reference]:
    """Every page number in a laid-out document (the elements with data-page-of)."""
    from weasyprint.formatting_structure.boxes import TextBox

    found = []
    for page in document.pages:
        for box in page._page_box.descendants():
            # not the leader: a ::before box has its element too
            if isinstance(box, TextBox) and box.element is not None and "::" not in box.element_tag:
                anchor = box.element.get("data-page-of")
                if anchor is not None:
                    attribute = box.element.get
                    found.append(
                        (anchor, attribute("data-pad", ""), attribute("data-suffix", ""), box)
                    )
    return found


def _write_page_numbers(references: list[Reference], numbers: PageNumbers) -> None:
    """Each number's text box set to its page, in place: same width, so nothing moves."""
    for anchor, pad, suffix, box in references:
        if anchor not in numbers.pages:
            raise UnresolvedPageReference(f"no #{anchor} in the report for its page number")
        box.text = numbers.text(anchor, pad, suffix)
        # drawing sets the (freed) Pango layout up again from this text
        box.pango_layout.text = box.text


def laid_out(html_of: Callable[[PageNumbers], str], **options: Any) -> weasyprint.Document:
    """The document laid out from html_of(numbers), its page numbers exact.

    The first guess comes from the HTML alone, so the same report gives the same bytes.
    """
    import weasyprint

    guess = PageNumbers.estimate(html_of(PageNumbers()))
    for _ in range(MAX_LAYOUTS):
        html = weasyprint.HTML(string=html_of(guess), **options)
        html._ua_stylesheets = _report_ua_stylesheets  # WeasyPrint has no option for it
        document = html.render()
        numbers = PageNumbers.read(document)
        references = _references(document)
        if numbers.same_widths(guess, (reference[:3] for reference in references)):
            _write_page_numbers(references, numbers)
            return document
        del document, references  # one layout in memory at a time
        guess = numbers
    raise UnresolvedPageReference(f"page numbers still changing width after {MAX_LAYOUTS} layouts")


def _report_ua_stylesheets(forms: bool = False) -> list[weasyprint.CSS]:
    return [report_ua_stylesheet()]


@functools.cache
def report_ua_stylesheet() -> weasyprint.CSS:
    """WeasyPrint's user-agent stylesheet as a report is laid out with (`lean_user_agent_css`)."""
    import weasyprint
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    # its counter styles are WeasyPrint's own already: parsed aside, not defined twice
    return weasyprint.CSS(string=lean_user_agent_css(UA), counter_style=CounterStyle())


def lean_user_agent_css(ua: str) -> str:
    """The user-agent CSS with its pseudo-element rules kept to the elements a report gives
    them: markers to list items, and no footnote or note calls.

    WeasyPrint gives every element that a rule matches a style of its own for the pseudo-element,
    and `::marker {…}` and the five footnote and note rules match every element: six styles for
    each of a report's 4,700 elements, never read, but 33 MB of each PDF child's peak (247 →
    214 MB RSS), and two children at once set the build's peak. A report has no other list
    items and no footnote or note floats (`test_pdf_styles` holds the theme to that), so the
    PDFs are the same bytes.
    """
    lean = re.sub(r"^::marker\b", "li::marker", ua, flags=re.MULTILINE)
    return re.sub(r"^::(?:foot)?note-[a-z-]+ \{[^}]*\}\n", "", lean, flags=re.MULTILINE)


# --- the print HTML and the PDF -------------------------------------------------------------------


def pdf_html(inputs: PdfInputs, page_numbers: PageNumbers | None = None) -> str:
    """The print HTML of a report (also what the benchmark feeds to bare WeasyPrint)."""
    report = inputs.report
    t = Translator(inputs.locale)
    logo = (inputs.root / inputs.config.logo).resolve() if inputs.config.logo else None
    sections = contents(report, t)
    matrix_numbers = {
        f.slug: i for i, f in enumerate((f for f in report.actions if f.impact and f.effort), 1)
    }
    return (
        inputs.environment()
        .get_template(PDF_TEMPLATE)
        .render(
            report=report,
            organisation=report.organisation,
            config=inputs.config,
            model=inputs.model,
            theme=inputs.theme_dir.resolve().as_uri() + "/",
            logo=logo.as_uri() if logo and logo.is_file() else None,
            sections=sections,
            section={s.anchor: s for s in sections},
            matrix_numbers=matrix_numbers,
            nps_trend=report.nps_trend,
            css_string=css_string,
            page_counter=css_counter_text(t.gettext("page {page} of {pages}")),
            draft=report.audit.status == "draft",
            page_numbers=page_numbers or PageNumbers(),
        )
    )


def render_pdf(inputs: PdfInputs, target: Path) -> int:
    """Write the organisation's PDF in its variant; returns its number of pages."""
    import weasyprint  # here, not at the top: it takes 0.4 s to import and most runs need none

    from klantspiegel.fetch import GuardedFetcher
    from klantspiegel.pdf_structure import finish

    report = inputs.report
    media = {inputs.theme_dir / url: source for url, source in inputs.media}
    fetcher = GuardedFetcher([inputs.root, inputs.theme_dir], media)
    document = laid_out(
        lambda numbers: pdf_html(inputs, numbers),
        base_url=inputs.theme_dir.resolve().as_uri() + "/",
        url_fetcher=fetcher,
    )
    # The audit's date, not the clock: the same report gives the same bytes on every build.
    audit_day = dt.datetime.combine(report.audit.date, dt.time(), tzinfo=dt.UTC)
    attachment = weasyprint.Attachment(
        created=audit_day,
        modified=audit_day,
        string=findings_csv(report),
        base_url=None,
        name=Translator(inputs.locale).gettext("findings.csv"),
        description=Translator(inputs.locale).gettext("Findings (CSV)"),
        relationship="Data",  # PDF/A-3 names the attachment's role in the document
    )
    pdf_bytes = document.write_pdf(
        pdf_variant=PDF_VARIANTS[inputs.variant], attachments=[attachment]
    )
    pages = len(document.pages)
    # the layout (its boxes refer to each other) goes before pikepdf reads the PDF back
    del document
    gc.collect()
    edits = [_declare_archival] if inputs.variant == "archival" else []
    write_artifact(target, finish(pdf_bytes, *edits))
    return pages


class UnexpectedMetadata(Exception):
    """WeasyPrint's XMP metadata is not shaped as the archival variant expects."""


def _declare_archival(pdf: pikepdf.Pdf) -> None:
    """WeasyPrint's PDF/A-3a, made to claim PDF/UA-1 too and to list its associated file once.

    WeasyPrint writes one identification schema in the XMP metadata, so pdfuaid:part is added
    beside pdfaid, with the extension schema PDF/A asks for a property outside XMP's own.
    """
    import pikepdf

    # WeasyPrint lists the attachment in /AF once from /Names and once as a file spec.
    unique = {spec.objgen: spec for spec in pdf.Root.get("/AF", [])}
    pdf.Root.AF = pikepdf.Array(unique.values())
    packet = pdf.Root.Metadata.read_bytes()
    if packet.count(b"</rdf:RDF>") != 1:
        raise UnexpectedMetadata("WeasyPrint's XMP packet should hold exactly one rdf:RDF")
    # Inserted as text: validators want the prefixes as written, which a parser would rename.
    pdf.Root.Metadata.write(packet.replace(b"</rdf:RDF>", _PDF_UA_DECLARATION + b"</rdf:RDF>"))


_PDF_UA_DECLARATION = b"""<rdf:Description rdf:about="" \
xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>The part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


def findings_csv(report: OrganisationReport) -> str:
    """The report's final findings as CSV, attached to the PDF for analysts: headed and
    filled in the report's language, with text a spreadsheet would run as a formula quoted."""
    t = Translator(report.organisation.report_locale)
    out = io.StringIO()
    out.write(CSV_BOM)  # so that Excel and LibreOffice read it as UTF-8
    writer = csv.writer(out)
    writer.writerow(
        [
            t.gettext(column)
            for column in (
                N_("Reference"),
                N_("Finding"),
                N_("Dimension"),
                N_("Score"),
                N_("Type"),
                N_("Observations"),
                N_("Recommendation"),
                N_("Impact"),
                N_("Effort"),
                N_("Owner"),
                N_("Horizon"),
            )
        ]
    )
    for finding in report.findings:
        if not finding.is_final:
            continue
        writer.writerow(
            [
                csv_cell(value)
                for value in (
                    finding.slug,
                    finding.title,
                    report.finding_dimension(finding).label[report.language],
                    finding.score,
                    t.value("kind", finding.kind),
                    finding.evidence_count,
                    finding.recommendation or None,
                    finding.impact,
                    finding.effort,
                    finding.owner,
                    t.value("horizon", finding.horizon) if finding.horizon else None,
                )
            ]
        )
    return out.getvalue()
