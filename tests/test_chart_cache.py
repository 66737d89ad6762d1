"""The charts of each report are kept between builds, keyed by what they are drawn from: an
edit draws only the charts whose numbers or labels changed, and the output is a clean build's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pdf_portfolio import write_pdf_portfolio
from test_incremental import assert_same_as_clean_build, three_organisations

import klantspiegel.charts
from klantspiegel.build_options import BuildOptions
from klantspiegel.cache import (
    CHART_CACHE,
    MARKDOWN_CACHE,
    ChartCache,
    Fingerprints,
    FolderCache,
    cache_folder,
)
from klantspiegel.load import load_portfolio
from klantspiegel.pipeline import build
from klantspiegel.report import build_reports, latest_scores
from klantspiegel.report_charts import ReportCharts


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The id of every chart drawn from here on."""
    ids: list[str] = []
    responsive = klantspiegel.charts.responsive

    def counted(draw, chart_id, /, **arguments):
        ids.append(chart_id)
        return responsive(draw, chart_id, **arguments)

    monkeypatch.setattr(klantspiegel.charts, "responsive", counted)
    return ids


def reports_charts(root: Path, charts: ChartCache | None) -> list[ReportCharts]:
    portfolio, problems = load_portfolio(root)
    assert portfolio is not None, problems
    peers = latest_scores(portfolio)
    return [
        report.charts
        for o in portfolio.organisations
        for report in build_reports(o, portfolio, peers, charts)
    ]


def test_charts_read_back_from_the_cache_file_are_the_charts_drawn(tmp_path, drawn):
    root = write_pdf_portfolio(tmp_path / "audits").root  # every kind of chart
    first = ChartCache(tmp_path / "cache", Fingerprints())
    fresh = reports_charts(root, first)
    first.save()
    drawn.clear()

    kept = reports_charts(root, ChartCache(tmp_path / "cache", Fingerprints()))

    assert drawn == []
    assert repr(kept) == repr(fresh)  # Markup stays Markup, tuples stay tuples
    assert all(any(getattr(c, kind) for c in fresh) for kind in ("radar", "matrix", "trend"))
    stored = sorted((tmp_path / "cache" / CHART_CACHE).iterdir())
    assert stored and all(json.loads(p.read_text()) for p in stored)  # a file for each


def report_charts_drawn(ids: list[str]) -> list[str]:
    """The charts of organisations' reports (not the portfolio's dimension pages)."""
    return [i for i in ids if not i.startswith("chart-dimension-")]


def test_an_edit_draws_only_the_charts_of_the_organisation_it_changed(tmp_path, drawn):
    writer = three_organisations(tmp_path / "audits")
    output = tmp_path / "output"
    build(writer.root, output, BuildOptions(pdf=False))
    per_organisation = report_charts_drawn(drawn)[: len(report_charts_drawn(drawn)) // 3]
    drawn.clear()

    writer.finding("spoorweg", "loket", dimension="mandaat", score=4, kind="strength")
    finding = writer.root / "spoorweg" / "2026" / "findings" / "loket.md"
    finding.write_text(finding.read_text(encoding="utf-8") + "\nWat de balie zei.\n")
    build(writer.root, output, BuildOptions(pdf=False))

    assert sorted(report_charts_drawn(drawn)) == sorted(per_organisation)
    assert_same_as_clean_build(writer.root, output, tmp_path)


@pytest.fixture
def built_once(tmp_path, drawn) -> tuple[Path, Path, list[str]]:
    """Three organisations built once: their source, the output and the charts it drew."""
    writer = three_organisations(tmp_path / "audits")
    output = tmp_path / "output"
    build(writer.root, output, BuildOptions(pdf=False))
    first = sorted(drawn)
    drawn.clear()
    return writer.root, output, first


def test_a_new_accent_colour_draws_every_chart_again(tmp_path, drawn, built_once):
    root, output, first = built_once
    portfolio_file = root / "portfolio.yaml"
    portfolio_file.write_text(
        portfolio_file.read_text(encoding="utf-8") + "accent_colour: '#2e5d7a'\n",
        encoding="utf-8",
    )

    build(root, output, BuildOptions(pdf=False))

    assert sorted(drawn) == first
    assert_same_as_clean_build(root, output, tmp_path)


def dimension_charts_drawn(ids: list[str]) -> list[str]:
    return sorted(i for i in ids if i.startswith("chart-dimension-"))


def test_an_edit_of_a_findings_text_draws_no_dimension_chart(tmp_path, drawn, built_once):
    root, output, _ = built_once
    finding = root / "spoorweg" / "2026" / "findings" / "loket.md"
    finding.write_text(finding.read_text(encoding="utf-8") + "\nWat de balie zei.\n")

    build(root, output, BuildOptions(pdf=False))

    assert report_charts_drawn(drawn)  # the organisation's own charts: their text changed
    assert dimension_charts_drawn(drawn) == []
    assert_same_as_clean_build(root, output, tmp_path)


def test_a_changed_score_draws_the_chart_of_its_dimension_only(tmp_path, drawn, built_once):
    root, output, _ = built_once
    finding = root / "spoorweg" / "2026" / "findings" / "loket.md"
    finding.write_text(finding.read_text(encoding="utf-8").replace("score: 4", "score: 2"))

    build(root, output, BuildOptions(pdf=False))

    assert dimension_charts_drawn(drawn) == ["chart-dimension-mandaat"]
    assert_same_as_clean_build(root, output, tmp_path)


def test_a_build_without_the_cache_draws_every_chart(drawn, built_once):
    root, output, first = built_once

    build(root, output, BuildOptions(pdf=False, cache=False))

    assert sorted(drawn) == first
    assert any((cache_folder(output) / CHART_CACHE).iterdir())


def test_charts_drawn_by_other_code_are_not_reused(tmp_path, drawn, monkeypatch):
    import klantspiegel.cache as cache_module

    writer = three_organisations(tmp_path / "audits")
    stored = ChartCache(tmp_path / "cache", Fingerprints())
    reports_charts(writer.root, stored)
    stored.save()
    drawn.clear()

    monkeypatch.setattr(cache_module, "code_digest", lambda: "a newer chart")
    reports_charts(writer.root, ChartCache(tmp_path / "cache", Fingerprints()))

    assert drawn


def test_the_chart_and_markdown_caches_are_written_before_anything_is_rendered(
    tmp_path, monkeypatch
):
    """So the build lets go of what they hold before it forks the PDFs' children."""
    import klantspiegel.pipeline

    writer = three_organisations(tmp_path / "audits")
    output = tmp_path / "output"
    render_plan = klantspiegel.pipeline.render_plan
    on_disk_at_render: list[str] = []

    def checked(job, jobs, progress=None):
        folder = cache_folder(output)
        charts = any((folder / CHART_CACHE).glob("*.json"))
        on_disk_at_render.extend([charts, (folder / MARKDOWN_CACHE).is_file()])
        return render_plan(job, jobs, progress)

    monkeypatch.setattr(klantspiegel.pipeline, "render_plan", checked)
    build(writer.root, output, BuildOptions(pdf=False))

    assert on_disk_at_render == [True, True]


def test_a_first_pass_of_one_organisation_keeps_the_others_charts_for_the_next_build(
    drawn, built_once
):
    """serve after a save: the edited organisation's pages first, then the rest."""
    root, output, _ = built_once
    finding = root / "spoorweg" / "2026" / "findings" / "loket.md"
    finding.write_text(finding.read_text(encoding="utf-8") + "\nWat de balie zei.\n")
    first_pass = BuildOptions(pdf=False, pages_first=True, only="spoorweg")

    build(root, output, first_pass)
    drawn_first = report_charts_drawn(drawn)
    drawn.clear()
    build(root, output, BuildOptions(pdf=False))

    assert drawn_first
    assert report_charts_drawn(drawn) == []


@pytest.fixture
def charts_read(monkeypatch) -> list[str]:
    """The chart cache's files read from here on."""
    names: list[str] = []
    get = FolderCache.get

    def counted(store: FolderCache, key: str):
        value = get(store, key)
        if value is not None:
            names.append(store._file_name(key))
        return value

    monkeypatch.setattr(FolderCache, "get", counted)
    return names


def test_a_first_pass_of_one_organisation_reads_only_its_own_charts(built_once, charts_read):
    root, output, _ = built_once
    build(root, output, BuildOptions(pdf=False, pages_first=True, only="postbedrijf"))
    own = len(charts_read)
    charts_read.clear()
    build(root, output, BuildOptions(pdf=False))  # the rest: every organisation's charts
    assert own > 0 and 3 * own <= len(charts_read)


def test_a_full_build_removes_the_charts_it_no_longer_uses(built_once):
    root, output, _ = built_once
    folder = cache_folder(output) / CHART_CACHE
    before = sorted(p.name for p in folder.iterdir())
    finding = root / "spoorweg" / "2026" / "findings" / "loket.md"
    finding.write_text(finding.read_text(encoding="utf-8").replace("score: 4", "score: 1"))
    build(root, output, BuildOptions(pdf=False))
    after = sorted(p.name for p in folder.iterdir())
    assert len(after) == len(before) and after != before


def test_a_damaged_chart_file_is_drawn_again(built_once, drawn):
    root, output, first = built_once
    for stored in (cache_folder(output) / CHART_CACHE).iterdir():
        stored.write_text('{"svg": ', encoding="utf-8")
    build(root, output, BuildOptions(pdf=False, pages_first=True))
    build(root, output, BuildOptions(pdf=False))
    assert drawn and set(drawn) <= set(first)
