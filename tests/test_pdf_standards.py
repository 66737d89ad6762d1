"""The PDFs meet PDF/UA-1 as the reference validator and other checkers read it.

veraPDF (tests/verapdf.py) validates every example PDF and the PDFs of the English and hostile
fixtures: 0 failed rules. A structure check walks the same PDFs' tag trees for what other
checkers (PAC, axesCheck) flag and veraPDF does not. Each repair in pdf_structure is tested on
a small document WeasyPrint gets wrong, so a test fails when the repair goes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf
import pytest
import verapdf
from conftest import PortfolioWriter
from pdf_portfolio import write_pdf_portfolio
from PIL import Image

from klantspiegel.load import load_portfolio
from klantspiegel.pdf import PdfInputs, render_pdf
from klantspiegel.pdf_structure import finish, structure_elements
from klantspiegel.report import build_report, latest_scores
from klantspiegel.templating import THEME_DIR

EXAMPLE = Path(__file__).resolve().parents[1] / "audits"

HOSTILE_BODY = """\
A word longer than any column: {long_word}, and a URL with no break:
https://example.org/{long_word}.

A [link with **bold** and *emphasis* inside it, long enough to wrap over two lines of the
findings page](https://example.org/report) and an <abbr title="Net Promoter Score">NPS</abbr>.

![A bar chart of waiting times](chart.png)

| Channel | Calls | Answered |
|---------|------:|---------:|
| Phone   | 1,204 | 88%      |
| Chat    | 310   | 97%      |

<table><tr><th scope="row">Row head</th><td>cell</td></tr></table>

- one
    - nested one
        - nested deeper with `code`
- two

1. first
2. second

<dl><div><dt>Term</dt><dd>Its description</dd></div></dl>

> A quote from a customer, with a footnote.[^1]

[^1]: The footnote.
"""


def render_portfolio(root: Path, target: Path, only: tuple[str, ...] = ()) -> list[Path]:
    """Render the client PDF of every organisation in a portfolio (or only those named)."""
    portfolio, problems = load_portfolio(root)
    assert portfolio is not None, [p.format() for p in problems]
    peers = latest_scores(portfolio)
    paths = []
    for organisation in portfolio.organisations:
        if only and organisation.slug not in only:
            continue
        report = build_report(organisation, portfolio, peers, audience="client")
        path = target / f"{organisation.slug}.pdf"
        render_pdf(PdfInputs.of(report, portfolio, THEME_DIR), path)
        paths.append(path)
    return paths


def write_hostile_portfolio(root: Path) -> PortfolioWriter:
    """One English organisation whose 12 findings carry every odd thing Markdown allows."""
    w = PortfolioWriter(root)
    w.organisation("hostile", name="Hostile Test Organisation", language="en")
    w.audit("hostile")
    w.anecdote("hostile", "lost-parcel")
    findings = root / "hostile/2026/findings"
    for number in range(12):
        path = w.finding(
            "hostile",
            f"finding-{number:02d}",
            anecdotes="lost-parcel",
            score=1 + number % 5,
            kind=("weakness", "strength")[number % 2],
        )
        path.write_text(
            path.read_text(encoding="utf-8")
            + "\n"
            + HOSTILE_BODY.format(
                long_word="Klantgerichtheidsverbeteringstrajectbegeleidingsdocumentatie" * 3
            ),
            encoding="utf-8",
        )
    Image.new("RGB", (320, 160), "#1d5b79").save(findings / "chart.png")
    return w


@pytest.fixture(scope="module")
def example_pdfs(tmp_path_factory) -> list[Path]:
    """Every organisation of the example portfolio, rendered once for the module."""
    return render_portfolio(EXAMPLE, tmp_path_factory.mktemp("example-pdf"))


@pytest.fixture(scope="module")
def fixture_pdfs(tmp_path_factory) -> dict[str, list[Path]]:
    """The English fixture's PDF, the 60-finding one, and the hostile portfolio's."""
    root = tmp_path_factory.mktemp("fixture-pdf")
    write_pdf_portfolio(root / "pdf-audits")
    write_hostile_portfolio(root / "hostile-audits")
    return {
        "english": render_portfolio(root / "pdf-audits", root / "pdf", ("parcelco",)),
        "hostile": [
            *render_portfolio(root / "pdf-audits", root / "pdf", ("gemeente",)),
            *render_portfolio(root / "hostile-audits", root / "pdf"),
        ],
    }


@pytest.fixture(scope="module")
def ua1(example_pdfs, fixture_pdfs) -> dict[Path, dict[str, int]]:
    """veraPDF's PDF/UA-1 failures of every PDF, in one run."""
    return verapdf.validate(
        [*example_pdfs, *(p for ps in fixture_pdfs.values() for p in ps)], "ua1"
    )


def failing(results: dict[Path, dict[str, int]], paths: list[Path]) -> dict[Path, dict[str, int]]:
    return {path: results[path] for path in paths if results[path]}


# --- veraPDF ----------------------------------------------------------------------------------


def test_every_example_pdf_passes_pdf_ua_1(ua1, example_pdfs):
    assert len(example_pdfs) == len(list(EXAMPLE.glob("*/organisation.yaml")))
    failed = failing(ua1, example_pdfs)
    assert not failed, verapdf.describe(failed)


def test_the_english_fixture_pdf_passes_pdf_ua_1(ua1, fixture_pdfs):
    failed = failing(ua1, fixture_pdfs["english"])
    assert not failed, verapdf.describe(failed)


def test_the_hostile_fixture_pdfs_pass_pdf_ua_1(ua1, fixture_pdfs):
    failed = failing(ua1, fixture_pdfs["hostile"])
    assert not failed, verapdf.describe(failed)


def test_verapdf_without_java_is_a_failure_naming_java(monkeypatch, example_pdfs):
    monkeypatch.setattr(verapdf.shutil, "which", lambda name: None)
    with pytest.raises(verapdf.VeraPdfUnavailable, match="java"):
        verapdf.validate(example_pdfs[:1], "ua1")


# --- the structure tree, as other checkers read it -------------------------------------------


def kids(element: pikepdf.Dictionary) -> list:
    value = element.get("/K")
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def is_element(kid: object) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/OBJR", "/MCR")


def annotations(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    return [
        kid.Obj
        for kid in kids(element)
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"
    ]


def has_text(element: pikepdf.Dictionary) -> bool:
    """Whether marked content (page text) lies in the element or below it."""
    return any(
        isinstance(kid, int)
        or (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR")
        or (is_element(kid) and has_text(kid))
        for kid in kids(element)
    )


def list_holds_other_than_items(element) -> str | None:
    if element.get("/S") == "/L":
        other = [
            str(k.S) if is_element(k) else "content"
            for k in kids(element)
            if not (is_element(k) and k.get("/S") in ("/LI", "/Caption", "/L"))
        ]
        return f"L holds {', '.join(other)}" if other else None
    return None


def list_item_holds_other_than_label_or_body(element) -> str | None:
    if element.get("/S") == "/LI":
        other = [
            str(k.S) if is_element(k) else "content"
            for k in kids(element)
            if not (is_element(k) and k.get("/S") in ("/Lbl", "/LBody"))
        ]
        return f"LI holds {', '.join(other)}" if other else None
    return None


def header_cell_without_scope(element) -> str | None:
    attributes = element.get("/A")
    if element.get("/S") == "/TH" and not (
        isinstance(attributes, pikepdf.Dictionary) and "/Scope" in attributes
    ):
        return "TH without /Scope"
    return None


def link_without_text(element) -> str | None:
    if (
        element.get("/S") == "/Link"
        and not has_text(element)
        and not all("/Contents" in annotation for annotation in annotations(element))
    ):
        return "Link without text or annotation /Contents"
    return None


def annotation_outside_a_link(element) -> str | None:
    if annotations(element) and element.get("/S") != "/Link":
        return f"link annotation in {element.get('/S')}"
    return None


def figure_without_alt(element) -> str | None:
    if element.get("/S") == "/Figure" and "/Alt" not in element:
        return "Figure without /Alt"
    return None


STRUCTURE_CHECKS: dict[str, Callable[[pikepdf.Dictionary], str | None]] = {
    "lists hold list items": list_holds_other_than_items,
    "list items hold a label or body": list_item_holds_other_than_label_or_body,
    "header cells have a scope": header_cell_without_scope,
    "links have text": link_without_text,
    "link annotations are in a Link": annotation_outside_a_link,
    "figures have alternative text": figure_without_alt,
}


def structure_problems(path: Path, check: Callable) -> Iterator[str]:
    with pikepdf.open(path) as pdf:
        for element in structure_elements(pdf):
            problem = check(element)
            if problem:
                yield f"{path.name}: {problem}"


@pytest.mark.parametrize("check", STRUCTURE_CHECKS, ids=list(STRUCTURE_CHECKS))
def test_every_pdf_has_a_sound_structure_tree(check, example_pdfs, fixture_pdfs):
    paths = [*example_pdfs, *(p for ps in fixture_pdfs.values() for p in ps)]
    problems = [p for path in paths for p in structure_problems(path, STRUCTURE_CHECKS[check])]
    assert not problems, f"{len(problems)} problems, first: " + "; ".join(problems[:10])


# --- each repair, on a document WeasyPrint gets wrong -----------------------------------------


def weasyprint_pdf(body: str) -> bytes:
    """Tagged PDF/UA-1 of a small HTML body, straight from WeasyPrint (not finished)."""
    import weasyprint

    html = f'<html lang="en"><head><title>t</title></head><body>{body}</body></html>'
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def opened(pdf_bytes: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf_bytes))


def elements(pdf: pikepdf.Pdf, tag: str) -> list[pikepdf.Dictionary]:
    return [element for element in structure_elements(pdf) if element.get("/S") == tag]


def test_header_cells_get_a_column_or_row_scope():
    raw = weasyprint_pdf(
        "<table><thead><tr><th>Head</th><th>Other</th></tr></thead>"
        "<tbody><tr><th>Row</th><td>cell</td></tr></tbody></table>"
    )
    before, after = opened(raw), opened(finish(raw))
    assert not any("/Scope" in th.A for th in elements(before, "/TH"))
    scopes = [str(th.A.get("/Scope")) for th in elements(after, "/TH")]
    assert scopes == ["/Column", "/Column", "/Row"]


def test_a_group_in_a_definition_list_is_dissolved_into_the_list():
    raw = weasyprint_pdf(
        "<dl><div><dt>Term</dt><dd>Description</dd></div>"
        "<div><dt>Other</dt><dd>Its description</dd></div></dl>"
    )
    before, pdf = opened(raw), opened(finish(raw))
    assert any(list_holds_other_than_items(element) for element in elements(before, "/L"))
    finished = elements(pdf, "/L")
    assert [str(kid.S) for kid in kids(finished[0])] == ["/LI"] * 4
    assert all(kid.P.objgen == finished[0].objgen for kid in kids(finished[0]))


LINK_WITH_PARTS = (
    '<p style="width: 40mm"><a href="#end"><span style="display: inline-block; width: 10mm">'
    "1</span>A link with <em>emphasis</em> that wraps over several lines</a></p>"
    '<style>a::after { content: " (p. " target-counter(attr(href url), page) ")" }</style>'
    '<h1 id="end">End</h1>'
)


def test_every_part_of_a_link_is_filed_under_the_link_with_its_text():
    raw = weasyprint_pdf(LINK_WITH_PARTS)
    raw_pdf = opened(raw)
    assert any(annotation_outside_a_link(e) for e in structure_elements(raw_pdf))
    pdf = opened(finish(raw))
    holder = {
        annotation.objgen: element
        for element in structure_elements(pdf)
        for annotation in annotations(element)
    }
    page_annotations = [
        a for page in pdf.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"
    ]
    assert page_annotations and all(a.objgen in holder for a in page_annotations)
    links = {element.objgen: element for element in holder.values()}.values()
    assert all(link.S == "/Link" and has_text(link) for link in links)
    assert not [e for link in links for e in structure_elements_below(link) if e.S == "/Link"]
    parent_tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    assert all(
        parent_tree[int(a.StructParent)].objgen == holder[a.objgen].objgen for a in page_annotations
    )


def structure_elements_below(element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    for kid in kids(element):
        if is_element(kid):
            yield kid
            yield from structure_elements_below(kid)


def test_finishing_gives_the_same_bytes_every_time():
    raw = weasyprint_pdf(LINK_WITH_PARTS + "<dl><div><dt>a</dt><dd>b</dd></div></dl>")
    assert finish(raw) == finish(raw)


def test_the_blocks_of_a_list_item_are_put_in_its_body():
    raw = weasyprint_pdf("<ol><li><p>A footnote's paragraph.</p><p>Another.</p></li></ol>")
    before, pdf = opened(raw), opened(finish(raw))
    assert any(list_item_holds_other_than_label_or_body(e) for e in elements(before, "/LI"))
    items = elements(pdf, "/LI")
    assert [[str(kid.S) for kid in kids(item)] for item in items] == [["/Lbl", "/LBody"]]
    body = kids(items[0])[1]
    assert [str(kid.S) for kid in kids(body)] == ["/P", "/P"]
    assert all(kid.P.objgen == body.objgen for kid in kids(body))
