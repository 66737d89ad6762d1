"""A page's search text is what the page shows in its indexed region, as Pagefind reads it."""

from __future__ import annotations

import pytest

from klantspiegel.search_text import indexed_text


def page(body: str, head: str = "<title>Niet geïndexeerd</title>") -> str:
    return f"<!doctype html><html><head>{head}</head><body><header>Kop</header>{body}</body></html>"


def test_only_the_marked_region_is_read() -> None:
    found = indexed_text(
        page("<p>buiten</p><main data-pagefind-body><p>binnen</p></main><p>na</p>")
    )
    assert found is not None
    assert found.text == "binnen"


def test_a_page_without_a_marked_region_is_not_indexed() -> None:
    assert indexed_text(page("<main><p>tekst</p></main>")) is None


def test_the_title_and_the_eyebrow_are_read_apart_from_the_text() -> None:
    found = indexed_text(
        page(
            "<main data-pagefind-body><p data-pagefind-meta='context'>Vlaspost · bevinding</p>"
            "<h1>Wachttijd <em>te lang</em></h1><p>De klant wacht.</p></main>"
        )
    )
    assert found is not None
    assert (found.title, found.context, found.text) == (
        "Wachttijd te lang",
        "Vlaspost · bevinding",
        "De klant wacht.",
    )


def test_ignored_parts_scripts_and_drawings_are_left_out() -> None:
    found = indexed_text(
        page(
            "<main data-pagefind-body><p>zichtbaar</p><nav data-pagefind-ignore>menu</nav>"
            "<script>var geheim = 1;</script><style>p{}</style>"
            "<svg><text>as-label</text><path d='M0 0'/></svg><p>ook</p></main>"
        )
    )
    assert found is not None
    assert found.text == "zichtbaar ook"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>een</p><p>twee</p>", "een twee"),  # blocks separate words
        ("<p>sa<em>men</em>gesteld</p>", "samengesteld"),  # inline runs on
        ("<p>regel<br>volgende</p>", "regel volgende"),
        ("<p>a &amp; b &lt;c&gt; &#233;&eacute;</p>", "a & b <c> éé"),  # references decoded
        ("<p>  veel \n\t witruimte  </p>", "veel witruimte"),
        ("<p>voor<!-- opmerking -->na</p>", "voorna"),
        ("<p>voor<?verwerking?>na</p>", "voorna"),
        ("<ul><li>een</li><li>twee</li></ul>", "een twee"),
    ],
)
def test_words_are_separated_as_the_page_shows_them(html: str, text: str) -> None:
    found = indexed_text(page(f"<main data-pagefind-body>{html}</main>"))
    assert found is not None
    assert found.text == text


def test_every_marked_region_is_read_in_page_order() -> None:
    found = indexed_text(
        page(
            "<div data-pagefind-body>eerst<section data-pagefind-body>binnen</section></div>"
            "<p>tussen</p><aside data-pagefind-body>laatst</aside>"
        )
    )
    assert found is not None
    assert found.text == "eerst binnen laatst"


def test_a_deeply_nested_page_is_read_to_the_end() -> None:
    depth = 400  # past libxml2's default limit of 256
    html = "<div>" * depth + "diep" + "</div>" * depth + "<p>einde</p>"
    found = indexed_text(page(f"<main data-pagefind-body>{html}</main>"))
    assert found is not None
    assert found.text == "diep einde"
