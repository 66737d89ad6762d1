"""Every page says in one sentence of its own what it is: `<meta name="description">`."""

from __future__ import annotations

import html.parser
from pathlib import Path

import pytest

from klantspiegel.cli import main
from klantspiegel.descriptions import MAX_LENGTH

LONG_TITLE = (
    "Een bevinding met een titel die veel langer is dan wat een zoekmachine toont, "
    "omdat de auteur er alles in wilde zeggen over de klantendienst en het kantoor"
)
MARKUP_TITLE = 'Klant zegt "nee" & <b>belt</b> terug'


class _Descriptions(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag == "meta" and values.get("name") == "description":
            self.found.append(values.get("content") or "")


def descriptions(page: Path) -> tuple[str, list[str]]:
    """The page's language and the content of each of its description tags."""
    parser = _Descriptions()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.lang, parser.found


def description(page: Path) -> str:
    [text] = descriptions(page)[1]
    return text


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    """A Dutch organisation with an earlier audit, an English one, every kind of page."""
    from conftest import PortfolioWriter

    root = tmp_path_factory.mktemp("metadata")
    w = PortfolioWriter(root / "audits")
    w.organisation("postbedrijf", name="Postbedrijf Noord")
    w.audit("postbedrijf", "2025", date="2025-10-01")
    w.finding("postbedrijf", "eerder", audit="2025", title="Niemand neemt op")
    w.audit("postbedrijf")
    w.anecdote("postbedrijf", "gemist-pakje", title="Het gemiste pakje")
    w.finding(
        "postbedrijf",
        "centrale-lijn",
        title="De centrale lijn helpt",
        anecdotes="gemist-pakje",
        score=4,
        kind="strength",
    )
    w.finding("postbedrijf", "lang", title=LONG_TITLE, dimension="mandaat")
    w.finding("postbedrijf", "opmaak", title=f"'{MARKUP_TITLE}'", dimension="processen")
    w.organisation("parcelco", name="ParcelCo", language="en")
    w.audit("parcelco")
    w.finding("parcelco", "slow-line", title="The line is slow")
    target = root / "output"
    assert main(["--source", str(w.root), "--output", str(target), "--no-pdf", "--quiet"]) == 0
    return target


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def test_every_page_of_site_and_bundles_has_exactly_one_non_empty_description(output):
    pages = html_pages(output)
    assert len(pages) > 20
    wrong = {
        p.relative_to(output).as_posix(): found
        for p in pages
        if len(found := descriptions(p)[1]) != 1 or not found[0].strip()
    }
    assert wrong == {}


def test_the_descriptions_of_a_site_differ_from_page_to_page(output):
    pages = html_pages(output / "site")
    texts = [description(p) for p in pages]
    assert len(set(texts)) == len(texts), sorted(texts)


def test_every_description_is_a_sentence_of_search_result_length(output):
    lengths = {p.relative_to(output).as_posix(): len(description(p)) for p in html_pages(output)}
    assert {page: n for page, n in lengths.items() if not 50 <= n <= MAX_LENGTH} == {}


def test_a_description_is_in_the_language_of_its_page(output):
    dutch = description(output / "site/postbedrijf/findings/centrale-lijn.html")
    english = description(output / "site/parcelco/findings/slow-line.html")
    assert "Een sterk punt van Postbedrijf Noord" in dutch
    assert "An improvement point for ParcelCo" in english


def test_an_organisation_page_describes_its_index_and_level(output):
    text = description(output / "site/postbedrijf/index.html")
    assert text.startswith("Klantgerichtheidsaudit van Postbedrijf Noord (1 oktober 2026)")
    assert "index " in text and "niveau " in text and "op basis van 3 bevindingen" in text


def test_a_finding_page_describes_its_title_dimension_and_score(output):
    text = description(output / "site/postbedrijf/findings/centrale-lijn.html")
    assert text == (
        "De centrale lijn helpt. Een sterk punt van Postbedrijf Noord in "
        "Bereikbaarheid & kanalen, score 4 van 5."
    )


def test_an_earlier_audits_page_describes_that_audit(output):
    text = description(output / "site/postbedrijf/audits/2025/index.html")
    assert "(1 oktober 2025)" in text


def test_a_title_too_long_for_a_search_result_is_cut_at_a_word(output):
    text = description(output / "site/postbedrijf/findings/lang.html")
    assert len(text) <= MAX_LENGTH
    shown = text.split("…")[0]
    assert LONG_TITLE.startswith(shown) and LONG_TITLE[len(shown)] == " "
    assert text.endswith("Een verbeterpunt in Mandaat & vertrouwen, score 2 van 5.")


def test_markup_in_a_title_is_described_as_plain_escaped_text(output):
    page = output / "site/postbedrijf/findings/opmaak.html"
    assert description(page).startswith(MARKUP_TITLE + ".")
    assert "<b>" not in page.read_text(encoding="utf-8").split("</head>")[0]
