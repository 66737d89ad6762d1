"""Internal notes: shown and marked on the consultant's site; in no client output or search index.

One portfolio is built once: a Dutch organisation with a final finding and a final story, each
carrying an internal note written with markup (so escaping shows), and a finding without one.
The notes must be on the consultant's finding and story pages, in a marked box, and absent from
every client output (bundles, PDFs with their CSV, exports) and from the site's search index.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PortfolioWriter
from hostile_kit import assert_nothing_leaked, output_texts

from klantspiegel.audience import client_view
from klantspiegel.build_options import BuildOptions
from klantspiegel.load import load_portfolio
from klantspiegel.pipeline import build

FINDING_NOTE = "Alleen voor ons: <b>directeur</b> & team waren boos"
FINDING_NOTE_HTML = "Alleen voor ons: &lt;b&gt;directeur&lt;/b&gt; &amp; team waren boos"
STORY_NOTE = "Verhaal met toestemming van mevrouw Pruimelaar"
CLIENT_OUTPUTS = ("clients", "pdf", "exports")
HEADING = "Interne notitie — niet voor de klant"


def write_portfolio(w: PortfolioWriter) -> None:
    w.organisation("postbedrijf", name="Postbedrijf Noord")
    w.audit("postbedrijf")
    w.anecdote("postbedrijf", "verhaal", title="Het gemiste pakje")
    story = w.root / "postbedrijf/2026/anecdotes/verhaal.md"
    story.write_text(story.read_text().replace("\n---\n", f"\ninternal: {STORY_NOTE}\n---\n", 1))
    w.finding(
        "postbedrijf",
        "genoteerd",
        title="Balie groet niemand",
        anecdotes="verhaal",
        internal=f"'{FINDING_NOTE}'",
    )
    w.finding("postbedrijf", "zonder", title="Loket zonder notitie", dimension="mandaat")


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("internal")
    w = PortfolioWriter(root / "audits")
    write_portfolio(w)
    build(w.root, root / "output", BuildOptions(jobs=1))
    return root / "output"


def page(output: Path, relative: str) -> str:
    return (output / "site/postbedrijf" / relative).read_text(encoding="utf-8")


def test_the_consultant_finding_page_shows_the_internal_note_escaped(output):
    html = page(output, "findings/genoteerd.html")
    assert FINDING_NOTE_HTML in html
    assert "<b>directeur</b>" not in html


def test_the_internal_note_is_a_marked_box_with_a_heading(output):
    html = page(output, "findings/genoteerd.html")
    assert '<aside class="internal-note" aria-labelledby="internal-note-title"' in html
    assert f'<h2 id="internal-note-title">{HEADING}</h2>' in html


def test_the_internal_note_is_kept_out_of_the_search_index(output):
    html = page(output, "findings/genoteerd.html")
    assert 'data-pagefind-ignore="all"' in html
    index = list(output_texts(output / "site/pagefind"))
    assert any("Balie groet niemand" in text for _, text in index)  # the page itself is indexed
    assert not [name for name, text in index if "directeur" in text or "Pruimelaar" in text]


def test_the_consultant_story_page_shows_its_internal_note(output):
    html = page(output, "anecdotes/verhaal.html")
    assert STORY_NOTE in html and HEADING in html


def test_a_finding_without_an_internal_note_has_no_box(output):
    html = page(output, "findings/zonder.html")
    assert "internal-note" not in html and HEADING not in html


@pytest.mark.parametrize("folder", CLIENT_OUTPUTS)
def test_no_internal_note_reaches_a_client_output(output, folder):
    assert (output / "clients/postbedrijf/findings/genoteerd.html").is_file()  # pages are there
    assert_nothing_leaked(
        output / folder, "directeur", "Pruimelaar", HEADING, 'class="internal-note"'
    )


def test_the_client_view_holds_no_internal_note(portfolio_writer):
    write_portfolio(portfolio_writer)
    portfolio, _ = load_portfolio(portfolio_writer.root)
    view = client_view(portfolio.organisations[0])
    audit = view.latest_audit
    assert [f.internal for f in audit.findings] == ["", ""]
    assert [a.internal for a in audit.anecdotes] == [""]
