"""serve loads the portfolio after every save; organisations whose files did not change are
taken from the previous load, and the result is what a load from scratch gives. The build
cache's files it wrote are not parsed again, unless another process replaced them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import PortfolioWriter
from test_incremental import assert_same_as_clean_build
from test_incremental_properties import png

from klantspiegel import load
from klantspiegel.build_options import BuildOptions
from klantspiegel.cache import JsonCache, ParsedFiles
from klantspiegel.load import RememberedOrganisations, load_portfolio
from klantspiegel.pipeline import Remembered, build

LOGO = "_gedeeld/logo.png"  # beside the organisations, named by a finding of postbedrijf


@pytest.fixture
def portfolio(portfolio_writer: PortfolioWriter) -> PortfolioWriter:
    w = portfolio_writer
    for slug in ("postbedrijf", "spoorweg"):
        w.organisation(slug)
        w.audit(slug)
        w.anecdote(slug, "gemist-pakje")
        w.finding(slug, "centrale-lijn", anecdotes="gemist-pakje")
    finding = w.root / "postbedrijf/2026/findings/centrale-lijn.md"
    finding.write_text(finding.read_text() + f"\n![logo](../../../{LOGO})\n")
    (w.root / LOGO).parent.mkdir()
    (w.root / LOGO).write_bytes(png(90))
    w.write("spoorweg/2026/findings/#notitie.md#", "an editor's autosave: a warning\n")
    return w


@pytest.fixture
def loaded_folders(monkeypatch) -> list[str]:
    """The organisation folders read from disk, in order."""
    names: list[str] = []
    read = load._Reader.organisation

    def organisation(reader, folder: Path):
        names.append(folder.name)
        return read(reader, folder)

    monkeypatch.setattr(load._Reader, "organisation", organisation)
    return names


def test_a_second_load_reads_only_the_organisation_that_changed(portfolio, loaded_folders):
    remembered = RememberedOrganisations()
    load_portfolio(portfolio.root, remembered=remembered)
    portfolio.finding("spoorweg", "loket", title="A new finding")
    loaded_folders.clear()
    load_portfolio(portfolio.root, remembered=remembered)
    assert loaded_folders == ["spoorweg"]


EDITS = {
    "a finding's text": lambda w: w.finding("postbedrijf", "centrale-lijn", title="Changed"),
    "a new file": lambda w: w.finding("postbedrijf", "loket", title="New"),
    "a removed file": lambda w: (w.root / "postbedrijf/2026/anecdotes/gemist-pakje.md").unlink(),
    "an image outside the folder, now no image": lambda w: (w.root / LOGO).write_text("<html>"),
    "an image outside the folder gone": lambda w: (w.root / LOGO).unlink(),
    "the portfolio's locale": lambda w: w.write(
        "portfolio.yaml", "consultancy: Test Advies\nlanguage: nl\nlocale: nl-BE\n"
    ),
    "the portfolio's sectors": lambda w: w.write(
        "portfolio.yaml",
        "consultancy: Test Advies\nlanguage: nl\nsectors:\n  post:\n    nl: Post\n    en: Mail\n",
    ),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_after_any_edit_a_load_gives_what_a_load_from_scratch_gives(portfolio, edit):
    remembered = RememberedOrganisations()
    load_portfolio(portfolio.root, remembered=remembered)
    edit(portfolio)
    assert load_portfolio(portfolio.root, remembered=remembered) == load_portfolio(portfolio.root)


def test_a_remembered_organisation_reports_its_warnings_again(portfolio, loaded_folders):
    remembered = RememberedOrganisations()
    _, first = load_portfolio(portfolio.root, remembered=remembered)
    loaded_folders.clear()
    _, again = load_portfolio(portfolio.root, remembered=remembered)
    assert loaded_folders == [] and again == first
    assert [p.path.name for p in again if p.severity == "warning"] == ["#notitie.md#"]


def test_the_cache_keeps_the_bodies_and_yaml_of_remembered_organisations(portfolio, tmp_path):
    remembered = RememberedOrganisations()
    first = JsonCache(tmp_path / "first")
    load_portfolio(portfolio.root, first, remembered)
    first.save()
    markdown = JsonCache(tmp_path / "cache")
    load_portfolio(portfolio.root, markdown, remembered)
    markdown.save()
    kept = JsonCache(tmp_path / "cache").entries
    # two findings' and two stories' bodies, and the YAML of the files read
    assert len(kept) > 4
    assert kept == JsonCache(tmp_path / "first").entries


def test_only_the_latest_portfolio_is_remembered(portfolio, tmp_path, loaded_folders):
    remembered = RememberedOrganisations()
    other = PortfolioWriter(tmp_path / "other")
    other.organisation("bank")
    other.audit("bank")
    other.finding("bank", "wachttijd")
    load_portfolio(portfolio.root, remembered=remembered)
    load_portfolio(other.root, remembered=remembered)
    loaded_folders.clear()
    load_portfolio(portfolio.root, remembered=remembered)
    assert loaded_folders == ["postbedrijf", "spoorweg"]


def test_a_build_hashes_each_organisations_folder_once(portfolio, tmp_path, monkeypatch):
    def hashed_again(*args, **kwargs):
        raise AssertionError("the loader hashed a folder the build had hashed")

    monkeypatch.setattr(load, "tree_digest", hashed_again)
    options = BuildOptions(pdf=False, jobs=1)
    build(portfolio.root, tmp_path / "output", options, remembered=Remembered())


def test_a_cache_file_this_process_wrote_is_not_parsed_again(tmp_path):
    parsed, files = [], ParsedFiles()

    def parse(text: str) -> str:
        parsed.append(text)
        return text.upper()

    files.write(tmp_path / "manifest.json", "ours", "OURS")
    assert files.read(tmp_path / "manifest.json", parse) == "OURS"
    assert parsed == []


def test_a_cache_file_replaced_by_another_process_is_parsed_again(tmp_path):
    files = ParsedFiles()
    files.write(tmp_path / "manifest.json", "ours", "OURS")
    other = tmp_path / "other.tmp"
    other.write_text("them")  # the same size; renamed in as another build writes it
    os.utime(other, ns=((tmp_path / "manifest.json").stat().st_mtime_ns,) * 2)
    other.replace(tmp_path / "manifest.json")
    assert files.read(tmp_path / "manifest.json", str.upper) == "THEM"


def test_serve_sees_what_a_build_in_another_process_wrote_between_its_builds(portfolio, tmp_path):
    output, remembered = tmp_path / "output", Remembered()
    options = BuildOptions(pdf=False, jobs=1)
    build(portfolio.root, output, options, remembered=remembered)
    portfolio.finding("spoorweg", "loket", title="Built by the command line")
    build(portfolio.root, output, options)  # another process: nothing remembered
    portfolio.finding("spoorweg", "loket", title="Built by serve")
    build(portfolio.root, output, options, remembered=remembered)
    assert_same_as_clean_build(portfolio.root, output, tmp_path)
