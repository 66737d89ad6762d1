"""With jobs to spare, loading renders the Markdown of later organisations in helper processes
while it loads the first ones itself; what it loads, problems included, is what one process
loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PortfolioWriter

from klantspiegel import load
from klantspiegel.cache import JsonCache
from klantspiegel.load import ORGANISATIONS_PER_HELPER, RememberedOrganisations, load_portfolio
from klantspiegel.walk import Walker

ORGANISATIONS = 2 * ORGANISATIONS_PER_HELPER  # two slices: this process's and one helper's
TEXTS_PER_ORGANISATION = 3  # two findings and a story


@pytest.fixture
def portfolio(portfolio_writer: PortfolioWriter) -> PortfolioWriter:
    w = portfolio_writer
    for number in range(ORGANISATIONS):
        slug = f"organisatie-{number}"
        w.organisation(slug)
        w.audit(slug)
        w.anecdote(slug, "gemist-pakje")
        w.finding(slug, "centrale-lijn", anecdotes="gemist-pakje")
        w.finding(slug, "terugbellen", dimension="mandaat", score=4, kind="strength")
    # a warning in the helper's slice
    w.write(f"organisatie-{ORGANISATIONS - 1}/2026/findings/#notitie.md#", "an autosave\n")
    return w


@pytest.fixture
def rendered_here(monkeypatch) -> list[str]:
    """The Markdown texts rendered in this process (a helper's calls stay in the helper)."""
    texts: list[str] = []
    render = load.render_markdown

    def counted(text, rewrite):
        texts.append(text)
        return render(text, rewrite)

    monkeypatch.setattr(load, "render_markdown", counted)
    return texts


def test_helpers_load_what_one_process_loads(portfolio):
    alone = load_portfolio(portfolio.root, JsonCache(None), jobs=1)
    helped = load_portfolio(portfolio.root, JsonCache(None), jobs=2)

    assert alone[0] is not None
    assert helped == alone
    assert [p.message for p in helped[1]].count(alone[1][0].message) == 1  # the autosave


def test_a_helper_renders_the_later_organisations_bodies(portfolio, rendered_here):
    portfolio_, _ = load_portfolio(portfolio.root, JsonCache(None), jobs=2)

    assert portfolio_ is not None
    assert len(portfolio_.organisations) == ORGANISATIONS
    assert len(rendered_here) == ORGANISATIONS_PER_HELPER * TEXTS_PER_ORGANISATION


def test_a_text_with_a_problem_in_a_helpers_slice_is_reported_once(portfolio, rendered_here):
    finding = portfolio.root / f"organisatie-{ORGANISATIONS - 1}/2026/findings/terugbellen.md"
    finding.write_text(finding.read_text() + "\n![kaart](ontbreekt.png)\n")

    alone = load_portfolio(portfolio.root, JsonCache(None), jobs=1)
    helped = load_portfolio(portfolio.root, JsonCache(None), jobs=2)

    assert helped == alone
    assert helped[0] is None
    assert [p.path for p in helped[1] if p.severity == "error"] == [finding]


def test_a_failing_helper_leaves_its_bodies_to_this_process(portfolio, rendered_here, monkeypatch):
    def fails(reader, folders):
        raise RuntimeError("the helper broke")

    monkeypatch.setattr(load._Reader, "helped_bodies", fails)
    alone = load_portfolio(portfolio.root, JsonCache(None), jobs=1)
    del rendered_here[:]

    assert load_portfolio(portfolio.root, JsonCache(None), jobs=2) == alone
    assert len(rendered_here) == ORGANISATIONS * TEXTS_PER_ORGANISATION


@pytest.mark.parametrize(
    "why", ["one job", "no cache", "organisations remembered", "too few organisations"]
)
def test_no_helper_where_it_has_nothing_to_gain(portfolio, monkeypatch, why):
    remembered = RememberedOrganisations()
    if why == "organisations remembered":
        load_portfolio(portfolio.root, JsonCache(None), remembered)
    if why == "too few organisations":
        for number in range(ORGANISATIONS - 1, ORGANISATIONS):  # one helper's slice too small
            shutil.rmtree(portfolio.root / f"organisatie-{number}")

    def no_fork(work):
        raise AssertionError("a helper was started")

    monkeypatch.setattr(load, "start_forked", no_fork)
    portfolio_, _ = load_portfolio(
        portfolio.root,
        None if why == "no cache" else JsonCache(None),
        remembered,
        jobs=1 if why == "one job" else 2,
    )

    assert portfolio_ is not None


def test_a_taken_body_is_used_only_while_its_files_are_unchanged(tmp_path: Path):
    image = tmp_path / "kaart.png"
    image.write_bytes(b"one")
    walker = Walker(tmp_path, [])
    helper = JsonCache(None)
    helper.put("body", ["<p>kaart</p>", []], [image], walker.fingerprint)
    cache = JsonCache(None)

    cache.take(helper.gathered())

    assert cache.get("body", Walker(tmp_path, []).fingerprint) == ["<p>kaart</p>", []]
    image.write_bytes(b"two")
    assert cache.get("body", Walker(tmp_path, []).fingerprint) is None


def test_taken_bodies_that_were_used_are_saved(tmp_path: Path):
    walker = Walker(tmp_path, [])
    earlier = JsonCache(tmp_path)
    earlier.put("read from the file", ["<p>a</p>", []], [], walker.fingerprint)
    earlier.save()
    helper = JsonCache(tmp_path)
    helper.put("rendered by a helper", ["<p>b</p>", []], [], walker.fingerprint)
    cache = JsonCache(tmp_path)

    cache.take(helper.gathered())
    for key in ("read from the file", "rendered by a helper"):
        assert cache.get(key, walker.fingerprint) is not None
    cache.save()

    reread = JsonCache(tmp_path)
    assert reread.get("rendered by a helper", walker.fingerprint) == ["<p>b</p>", []]
