"""With jobs to spare, helper processes do the work of later organisations while the build
does the first ones': loading renders their Markdown, planning draws their charts. What is
loaded, problems included, and what is built are what one process loads and builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PortfolioWriter
from test_incremental import snapshot

from klantspiegel import forked, load, pipeline, report_charts
from klantspiegel.build_options import BuildOptions
from klantspiegel.cache import JsonCache
from klantspiegel.load import ORGANISATIONS_PER_HELPER, RememberedOrganisations, load_portfolio
from klantspiegel.pipeline import REPORTS_PER_HELPER, build
from klantspiegel.walk import Walker

ORGANISATIONS = 2 * ORGANISATIONS_PER_HELPER  # two slices: this process's and one helper's
assert REPORTS_PER_HELPER == ORGANISATIONS_PER_HELPER  # the portfolio serves both
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

    monkeypatch.setattr(forked, "start_forked", no_fork)
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


@pytest.fixture
def drawn_here(monkeypatch) -> list[str]:
    """The organisation of every report whose charts were drawn in this process (a helper's
    stay in the helper)."""
    slugs: list[str] = []
    build_charts = report_charts.build_charts

    def counted(t, organisation, *arguments, memo=None, **more):
        if memo is None:  # drawing, not asking the cache
            slugs.append(organisation.slug)
        return build_charts(t, organisation, *arguments, memo=memo, **more)

    monkeypatch.setattr(report_charts, "build_charts", counted)
    return slugs


FIRST_SLICE = {f"organisatie-{n}" for n in range(ORGANISATIONS // 2)}
EVERY_ONE = {f"organisatie-{n}" for n in range(ORGANISATIONS)}


def test_a_helper_draws_the_later_organisations_charts(portfolio, tmp_path, drawn_here):
    build(portfolio.root, tmp_path / "alone" / "output", BuildOptions(pdf=False, jobs=1))
    assert set(drawn_here) == EVERY_ONE
    del drawn_here[:]

    build(portfolio.root, tmp_path / "helped" / "output", BuildOptions(pdf=False, jobs=2))

    assert set(drawn_here) == FIRST_SLICE
    assert snapshot(tmp_path / "helped" / "output") == snapshot(tmp_path / "alone" / "output")


def test_the_charts_a_helper_drew_are_kept_for_the_next_build(portfolio, tmp_path, drawn_here):
    output = tmp_path / "output"
    build(portfolio.root, output, BuildOptions(pdf=False, jobs=2))
    finding = portfolio.root / "organisatie-0/2026/findings/centrale-lijn.md"
    finding.write_text(finding.read_text() + "\nMeer.\n")  # the charts stay the same
    del drawn_here[:]

    build(portfolio.root, output, BuildOptions(pdf=False, jobs=1))

    assert set(drawn_here) == {"organisatie-0"}  # none of the helper's organisations


def test_a_failing_chart_helper_leaves_its_charts_to_this_process(
    portfolio, tmp_path, drawn_here, monkeypatch
):
    build(portfolio.root, tmp_path / "alone" / "output", BuildOptions(pdf=False, jobs=1))
    del drawn_here[:]

    def fails(*arguments):
        raise RuntimeError("the helper broke")

    monkeypatch.setattr(pipeline, "_drawn_charts", fails)
    build(portfolio.root, tmp_path / "helped" / "output", BuildOptions(pdf=False, jobs=2))

    assert set(drawn_here) == EVERY_ONE
    assert snapshot(tmp_path / "helped" / "output") == snapshot(tmp_path / "alone" / "output")
