"""Page flow of the PDF (issue 12, item 4), checked on every PDF of the example portfolio.

A page but the last is at least 55 % full unless what comes next could not fit: a chapter
that starts a page of its own, or a block kept whole that is taller than the space left.
What belongs together stays on one page; names and units are never hyphenated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from page_fill import CONTENT_HEIGHT, THIN, hyphenated_words, pages

from klantspiegel.fetch import GuardedFetcher
from klantspiegel.load import load_portfolio
from klantspiegel.pdf import PdfInputs, pdf_html
from klantspiegel.report import OrganisationReport, build_report, latest_scores
from klantspiegel.templating import THEME_DIR

EXAMPLE = Path(__file__).resolve().parent.parent / "audits"
PX_PER_PT = 4 / 3  # WeasyPrint lays out in CSS px
# The chapters that always start a page: the one-page summary, the chapter after it, the
# appendices (and the contents page before the summary).
STARTS_A_PAGE = (
    "contents",
    "chapter-summary",
    "chapter-method",
    "chapter-model",
    "chapter-register",
)


@dataclass
class Rendered:
    """One example report: its model, its laid-out document and the PDF written from it."""

    report: OrganisationReport
    document: object  # weasyprint.Document
    pdf: Path

    def pages_of(self, element) -> set[int]:
        """The pages (0-based) an element of the print HTML is laid out on."""
        return self._pages().get(element, set())

    def _pages(self) -> dict:
        if not hasattr(self, "_index"):
            index: dict = {}
            for number, page in enumerate(self.document.pages):
                for box in _descendants(page._page_box):
                    if box.element is not None:
                        index.setdefault(box.element, set()).add(number)
            self._index = index
        return self._index

    def height(self, element) -> float:
        """The element's laid-out height (px), summed over the pages it crosses."""
        return sum(
            max(
                (
                    box.margin_height()
                    for box in _descendants(page._page_box)
                    if box.element is element
                ),
                default=0,
            )
            for page in self.document.pages
        )

    def root(self):
        html = next(c for c in self.document.pages[0]._page_box.children if c.element_tag == "html")
        return html.element

    def elements(self, css_class: str) -> list:
        """Elements of the print HTML carrying a class, in document order."""
        return [e for e in self.root().iter() if css_class in (e.get("class") or "").split()]

    def previous(self, element):
        """The element's previous sibling (ElementTree keeps no parent links)."""
        for parent in self.root().iter():
            children = list(parent)
            if element in children:
                index = children.index(element)
                return children[index - 1] if index else None
        return None


def _descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> dict[str, Rendered]:
    """Every organisation of the example portfolio, laid out once and written as PDF."""
    import weasyprint

    portfolio, problems = load_portfolio(EXAMPLE)
    assert portfolio is not None, problems
    peers = latest_scores(portfolio)
    out = tmp_path_factory.mktemp("flow")
    result = {}
    for organisation in portfolio.organisations:
        report = build_report(organisation, portfolio, peers, audience="client")
        media = {
            THEME_DIR / url: source
            for text in (*report.findings, *report.anecdotes)
            for url, source in text.media
        }
        document = weasyprint.HTML(
            string=pdf_html(PdfInputs.of(report, portfolio, THEME_DIR)),
            base_url=THEME_DIR.resolve().as_uri() + "/",
            url_fetcher=GuardedFetcher([portfolio.root, THEME_DIR], media),
        ).render()
        target = out / f"{organisation.slug}.pdf"
        document.write_pdf(target)
        result[organisation.slug] = Rendered(report, document, target)
    return result


def _first_block(page) -> tuple[float, list]:
    """Height (px) from the top of the page's content to the end of its first block, and the
    boxes passed on the way down. A block is a box kept whole (`break-inside: avoid`) or a
    line; a heading counts with the first block after it (`break-after: avoid`)."""
    html = next(c for c in page._page_box.children if c.element_tag == "html")
    top = html.content_box_y()
    box, path = html, []
    while True:
        flow = [c for c in getattr(box, "children", ()) if c.is_in_normal_flow()]
        if not flow:
            return box.position_y + box.margin_height() - top, path
        first = flow[0]
        path.append(first)
        if first.style["break_inside"] != "avoid" and getattr(first, "children", None):
            box = first
            continue
        end = first
        if first.style["break_after"] == "avoid" and len(flow) > 1:
            end, _ = flow[1], None
            height, more = _first_block_of(end)
            return end.position_y - top + height, path + more
        return end.position_y + end.margin_height() - top, path


def _first_chain(box) -> list:
    """A box and its first in-flow child, that child's first child, and so on."""
    chain = [box]
    while flow := [c for c in getattr(chain[-1], "children", ()) if c.is_in_normal_flow()]:
        chain.append(flow[0])
    return chain


def _px(length) -> float:
    """A CSS length from WeasyPrint's computed style, in px (the units pdf.css uses)."""
    factor = {"px": 1, "pt": PX_PER_PT, "mm": 96 / 25.4}
    return length.value * factor[length.unit] if getattr(length, "unit", None) in factor else 0


def _free(page) -> float:
    """The empty height (px) under the last box of a laid-out page."""
    html = next(c for c in page._page_box.children if c.element_tag == "html")
    bottom = html.content_box_y() + html.height if html.height else 0
    body = next(c for c in html.children if c.element_tag == "body")
    # Margins included: the next block would start below the last one's bottom margin.
    last = max(
        (b.position_y + b.margin_height() for b in _descendants(body) if b.is_in_normal_flow()),
        default=html.content_box_y(),
    )
    return bottom - last


def _first_block_of(box) -> tuple[float, list]:
    """The first block inside a box, measured from the box's top; a heading kept with what
    follows it (`break-after: avoid`) counts with that next box's first block."""
    top, path = box.position_y, [box]
    while box.style["break_inside"] != "avoid":
        flow = [c for c in getattr(box, "children", ()) if c.is_in_normal_flow()]
        if not flow:
            break
        first = flow[0]
        whole = first.style["break_inside"] == "avoid" or not getattr(first, "children", None)
        if whole and first.style["break_after"] == "avoid" and len(flow) > 1:
            height, more = _first_block_of(flow[1])
            return flow[1].position_y - top + height, [*path, first, *more]
        box = first
        path.append(box)
    return box.position_y + box.margin_height() - top, path


@pytest.mark.parametrize(
    "slug",
    [
        "bibliotheek-lindendaal",
        "eethuis-de-zuiderzon",
        "golfstroom-mobiel",
        "hoeksteen-schadeadministratie",
        "kempenland-bank",
        "kluisbox",
        "spoke-and-parcel",
        "transvlug-express",
        "vlaspost",
    ],
)
def test_no_page_but_the_last_is_thin_unless_the_next_block_cannot_fit(example, slug):
    rendered = example[slug]
    found = pages(rendered.pdf)
    for page in found[1:-1]:  # the cover is a page of its own by design
        if page.fill >= THIN:
            continue
        following = rendered.document.pages[page.number]  # 0-based: the next page
        height, path = _first_block(following)
        # The margin above the block (its first boxes'), dropped at the top of a page, is
        # needed where it would have stood.
        height += max(_px(box.style["margin_top"]) for box in _first_chain(path[-1]) + path)
        classes = {c for box in path for c in (box.element.get("class") or "").split()}
        starts_page = bool(classes & set(STARTS_A_PAGE))
        free = _free(rendered.document.pages[page.number - 1])
        assert starts_page or height > free, (
            f"page {page.number} is {page.fill:.0%} full; the next page starts with a block "
            f"of {height / PX_PER_PT / CONTENT_HEIGHT:.0%} of a page ({sorted(classes)[:4]})"
        )


def test_a_storys_title_and_its_journey_table_stand_on_one_page(example):
    """Each story's title, curve and steps stand on one page, except the chapter's first story:
    it starts right under the chapter's lead (else title and lead stand alone on a page), so
    its steps may go on over the page, its title, curve and first step together."""
    checked = 0
    for rendered in example.values():
        for number, story in enumerate(rendered.elements("story")):
            title = next(e for e in story.iter() if e.tag == "h2")
            rows = [e for e in story.iter() if e.tag == "tr"]
            head = next(e for e in story if "story-head" in (e.get("class") or ""))
            # A journey taller than a page can only start under its title.
            whole = number > 0 and rendered.height(head) <= CONTENT_HEIGHT * PX_PER_PT
            last = rows[-1] if whole else rows[1]
            assert rendered.pages_of(title) == rendered.pages_of(last), title.get("id")
            checked += 1
    assert checked > 5


def test_a_recommendation_never_stands_apart_from_its_finding(example):
    checked = 0
    for rendered in example.values():
        for box in rendered.elements("recommendation"):
            before = rendered.previous(box)
            assert rendered.pages_of(box) & rendered.pages_of(before), box.findtext(".//p")
            checked += 1
    assert checked > 20


def test_an_action_plan_of_up_to_five_rows_stays_on_one_page(example):
    checked = 0
    for rendered in example.values():
        for plan in rendered.elements("action-plan"):
            rows = [e for e in plan.iter() if e.tag == "tr"]
            if len(rows) - 1 <= 5:  # the header row
                assert len(set().union(*(rendered.pages_of(r) for r in rows))) == 1
                checked += 1
    assert checked >= 3


def test_a_kpi_chapter_with_only_the_nps_shares_its_page(example):
    nps_only = [r for r in example.values() if r.report.nps and not r.report.kpis]
    assert nps_only, "the example should have an organisation with a survey and no KPIs"
    for rendered in nps_only:
        chapter = rendered.elements("chapter-kpis")[0]
        others = {
            page
            for other in rendered.elements("chapter")
            if other is not chapter
            for page in rendered.pages_of(other)
        }
        assert rendered.pages_of(chapter) & others


def test_names_units_and_dimensions_are_never_hyphenated_in_tables(example):
    checked = 0
    for rendered in example.values():
        report = rendered.report
        names = [f.owner or "" for f in report.findings]
        names += [s.touchpoint for a in report.anecdotes for s in a.journey]
        names += [s.actor for a in report.anecdotes for s in a.journey]
        names += [r.dimension.label[report.language] for r in report.dimensions]
        names += [k.unit or "" for k in report.kpis]
        # Prose may hyphenate: a word that also stands in a text is not checked.
        prose = [f.html for f in report.findings]
        prose += [f.recommendation or "" for f in report.findings]
        prose += [e.description for f in report.findings for e in f.evidence]
        prose += [s.happened for a in report.anecdotes for s in a.journey]
        prose += [a.html for a in report.anecdotes]
        in_prose = {w.lower() for text in prose for w in re.findall(r"\w+", text)}
        words = {
            w
            for name in names
            for w in re.findall(r"[\w()&'-]{6,}", name)
            if w.strip("()").lower() not in in_prose
        }
        broken = [w for w in hyphenated_words(rendered.pdf) if w.strip(".,;:") in words]
        assert not broken, broken
        checked += len(words)
    assert checked > 50
