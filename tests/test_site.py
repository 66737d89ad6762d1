"""The report site as files: page types, relative links, theme, overrides, search, labels."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest

from klantspiegel.catalogs import message_ids, missing_translations
from klantspiegel.cli import main

TEXT = {"capture_output": True, "text": True, "check": True}


def build_site(root: Path, tmp_path: Path) -> Path:
    output = tmp_path / "output"
    assert main(["--source", str(root), "--output", str(output), "--no-pdf"]) == 0
    return output / "site"


@pytest.fixture
def site(small_portfolio, tmp_path) -> Path:
    small_portfolio.finding("postbedrijf", "concept", title="Draft finding", status="draft")
    return build_site(small_portfolio.root, tmp_path)


def test_every_page_type_is_written(site):
    for page in (
        "index.html",
        "method.html",
        "404.html",
        "dimensions/bereikbaarheid.html",
        "postbedrijf/index.html",
        "postbedrijf/findings/centrale-lijn.html",
        "postbedrijf/anecdotes/gemist-pakje.html",
    ):
        assert (site / page).is_file(), page


def test_there_is_a_dimension_page_for_every_dimension_of_the_model(site):
    assert len(list((site / "dimensions").glob("*.html"))) == 9


def test_links_are_relative(site):
    for page in site.rglob("*.html"):
        html = page.read_text().replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert not re.search(r'(?:href|src)="/', html), page
        assert "http://" not in html and "https://" not in html, page


def test_a_finding_page_shows_score_evidence_story_and_recommendation(site):
    html = (site / "postbedrijf/findings/centrale-lijn.html").read_text()
    assert "Finding centrale-lijn" in html
    assert "Two test calls to the central number." in html
    assert 'href="../anecdotes/gemist-pakje.html"' in html
    assert "Give the front line a direct number." in html
    assert 'aria-current="page"' in html


def test_an_anecdote_page_shows_the_journey_with_its_moment_of_truth(site):
    html = (site / "postbedrijf/anecdotes/gemist-pakje.html").read_text()
    assert "Front door" in html and "Call centre" in html
    assert html.count("is-moment") == 1
    assert "<svg" in html and 'role="img"' in html
    assert 'href="../findings/centrale-lijn.html"' in html  # the finding that cites it


def test_the_portfolio_site_marks_draft_findings(site):
    html = (site / "postbedrijf/index.html").read_text()
    assert "Draft finding" in html
    assert "tag-draft" in html


def test_a_dimension_without_findings_says_not_assessed(site):
    html = (site / "postbedrijf/index.html").read_text()
    assert "Niet beoordeeld" in html


def test_every_chart_has_a_title_a_description_and_a_data_table(site):
    html = (site / "postbedrijf/index.html").read_text()
    charts = html.count('<figure class="chart-figure')
    assert charts >= 2  # the gauge and the bars; no radar with 2 of 9 dimensions assessed
    assert html.count("<figcaption>") == charts
    assert html.count('<details class="chart-data">') == charts


def test_the_method_page_explains_the_model_from_its_yaml(site):
    html = (site / "method.html").read_text()
    for name in ("Reactief", "Ontwikkelend", "Gedefinieerd", "Geïntegreerd", "Klantgedreven"):
        assert name in html
    assert "Bereikbaarheid &amp; kanalen" in html


def test_the_accent_colour_comes_from_the_portfolio_config(small_portfolio, tmp_path):
    small_portfolio.write("portfolio.yaml", "consultancy: Test\naccent_colour: '#AA3300'\n")
    site = build_site(small_portfolio.root, tmp_path)
    assert "--accent: #aa3300;" in (site / "assets/css/theme.css").read_text()


def test_the_logo_is_copied_and_shown(small_portfolio, tmp_path):
    small_portfolio.write("portfolio.yaml", "consultancy: Test\nlogo: assets/logo.svg\n")
    small_portfolio.write("assets/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    site = build_site(small_portfolio.root, tmp_path)
    assert (site / "assets/logo.svg").is_file()
    assert 'src="../assets/logo.svg"' in (site / "postbedrijf/index.html").read_text()


def test_a_logo_outside_the_portfolio_is_an_error(small_portfolio, tmp_path):
    small_portfolio.write("portfolio.yaml", "consultancy: Test\nlogo: ../../etc/hostname\n")
    assert main(["check", "--source", str(small_portfolio.root)]) == 1


def test_a_portfolio_template_overrides_the_theme(small_portfolio, tmp_path):
    small_portfolio.write("templates/site/404.html", "<!DOCTYPE html><title>Own 404</title>")
    site = build_site(small_portfolio.root, tmp_path)
    assert "Own 404" in (site / "404.html").read_text()


def test_the_search_index_covers_findings_and_stories(site):
    assert (site / "pagefind/pagefind-ui.js").is_file()
    fragments = list((site / "pagefind/fragment").glob("*.pf_fragment"))
    # one fragment per finding and story page (3 findings incl. the draft, 1 story)
    assert len(fragments) == 4


def whole_site_index(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """The index Pagefind makes when it reads every page of the site (the bytes of each file)."""
    import subprocess

    import pagefind_bin

    index = tmp_path / "whole-site-index"
    language = ["--force-language", "nl", "--silent"]
    command = [pagefind_bin.get_executable(), "--site", site, "--output-path", index, *language]
    subprocess.run(command, check=True)
    return files_in(index)


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_search_index_is_the_one_pagefind_makes_reading_every_page(site, tmp_path):
    assert files_in(site / "pagefind") == whole_site_index(site, tmp_path)


def test_a_page_a_portfolio_template_marks_for_search_is_indexed_too(small_portfolio, tmp_path):
    small_portfolio.write(
        "templates/site/404.html",
        "<!DOCTYPE html><html lang='nl'><title>Weg</title>"
        "<main data-pagefind-body><h1>Pagina weg</h1><p>Deze pagina bestaat niet meer.</p></main>",
    )
    site = build_site(small_portfolio.root, tmp_path)

    assert len(list((site / "pagefind/fragment").glob("*.pf_fragment"))) == 3 + 1  # + the 404
    assert files_in(site / "pagefind") == whole_site_index(site, tmp_path)


def write_pages(root: Path, pages: dict[str, str]) -> Path:
    for path, html in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(html)
    return root


GLOB_CASES = {
    "any organisation's folders": (
        {
            "index.html": "<main>portfolio</main>",
            "pagefind/fragment.html": "<main data-pagefind-body>its own output</main>",
            "noord/index.html": "<main>organisation</main>",
            "noord/findings/a.html": "<main data-pagefind-body>finding</main>",
            "zuid/findings/b.html": "<main data-pagefind-body>finding</main>",
            "zuid/audits/2025/findings/c.html": "<main data-pagefind-body>earlier</main>",
            "zuid/audits/2025/findings/d.html": "<p>forwarded</p>",
        },
        "{*/audits/2025/findings/*.html,*/findings/*.html}",
    ),
    "a marker in capitals or after a quoted >": (
        {
            "noord/findings/a.html": "<MAIN DATA-PAGEFIND-BODY>finding</MAIN>",
            "noord/stories/b.html": "<main title='a > b' data-pagefind-body>story</main>",
            "noord/index.html": "<main>organisation</main>",
        },
        "{*/findings/*.html,*/stories/*.html}",
    ),
    # Pagefind then indexes every page, so no glob may narrow what it reads
    "a page that only mentions the marker": (
        {
            "noord/findings/a.html": "<p>Zet data-pagefind-body op het artikel.</p>",
            "noord/index.html": "<main>organisation</main>",
        },
        None,
    ),
    "no marked page": ({"index.html": "<main>no marker</main>"}, None),
}


@pytest.mark.parametrize(("pages", "glob"), GLOB_CASES.values(), ids=GLOB_CASES.keys())
def test_pagefind_reads_the_folders_of_marked_pages(tmp_path, pages, glob):
    from klantspiegel.site import indexed_pages_glob

    assert indexed_pages_glob(write_pages(tmp_path, pages)) == glob


@pytest.mark.parametrize("folder", ["a,b", "c[1]", "d{e}", "f(g)", "h*", "ij?"])
def test_a_marked_page_in_a_folder_a_glob_would_misread_makes_pagefind_read_everything(
    tmp_path, folder
):
    from klantspiegel.site import indexed_pages_glob

    site = write_pages(
        tmp_path,
        {
            "noord/findings/a.html": "<main data-pagefind-body>finding</main>",
            f"assets/{folder}/page.html": "<main data-pagefind-body>a theme's page</main>",
        },
    )

    assert indexed_pages_glob(site) is None


@pytest.mark.parametrize(
    ("free_bytes", "where"), [(10_000, "in memory"), (500, "the default temporary folder")]
)
def test_the_search_index_is_written_in_memory_first_only_where_it_has_room(
    tmp_path, monkeypatch, free_bytes, where
):
    import shutil
    from collections import namedtuple

    import klantspiegel.site as site_module

    memory, site = tmp_path / "shm", tmp_path / "site"
    memory.mkdir()
    (site / "findings").mkdir(parents=True)
    (site / "findings" / "a.html").write_bytes(b"x" * 1_000)  # the pages: 1,000 bytes
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(site_module, "SHARED_MEMORY", str(memory))
    monkeypatch.setattr(shutil, "disk_usage", lambda _: usage(free_bytes, 0, free_bytes))

    root = site_module.scratch_root(site)

    assert root == (str(memory) if where == "in memory" else None)


def test_without_a_folder_in_memory_the_search_index_is_written_to_the_default_one(
    tmp_path, monkeypatch
):
    import klantspiegel.site as site_module

    monkeypatch.setattr(site_module, "SHARED_MEMORY", str(tmp_path / "no such folder"))

    assert site_module.scratch_root(tmp_path) is None


@pytest.fixture
def marked_site(tmp_path) -> Path:
    return write_pages(
        tmp_path / "site",
        {"noord/findings/a.html": "<html lang='nl'><main data-pagefind-body>Balie</main></html>"},
    )


def test_the_scratch_of_a_killed_build_is_removed_by_the_next_and_a_living_ones_kept(
    tmp_path, monkeypatch, marked_site
):
    import subprocess
    import sys

    import klantspiegel.site as site_module

    memory = tmp_path / "shm"
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], **TEXT)
    killed = memory / f"{site_module.SCRATCH_PREFIX}{ended.stdout.strip()}-x1"
    living = memory / f"{site_module.SCRATCH_PREFIX}{os.getppid()}-x2"
    for folder in (killed, living):
        (folder / "fragment").mkdir(parents=True)
    monkeypatch.setattr(site_module, "SHARED_MEMORY", str(memory))

    site_module.build_search_index(marked_site, "nl")

    assert (marked_site / "pagefind/pagefind.js").is_file()
    assert sorted(p.name for p in memory.iterdir()) == [living.name]


def test_an_index_that_fails_in_memory_is_made_again_on_disk(tmp_path, monkeypatch, marked_site):
    import subprocess

    import klantspiegel.site as site_module

    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(site_module, "SHARED_MEMORY", str(memory))
    real_run = subprocess.run
    output_paths: list[str] = []

    def full_memory(command, **kwargs):
        output_paths.append(command[command.index("--output-path") + 1])
        if output_paths[-1].startswith(str(memory)):
            return subprocess.CompletedProcess(command, 1, "", "No space left on device")
        return real_run(command, **kwargs)

    monkeypatch.setattr(site_module.subprocess, "run", full_memory)

    site_module.build_search_index(marked_site, "nl")

    assert len(output_paths) == 2 and not output_paths[1].startswith(str(memory))
    assert (marked_site / "pagefind/pagefind.js").is_file()
    assert list(memory.iterdir()) == []


def test_pages_are_in_the_language_of_their_organisation(portfolio_writer, tmp_path):
    w = portfolio_writer
    w.organisation("english", name="English Ltd", language="en")
    w.audit("english")
    w.finding("english", "one")
    site = build_site(w.root, tmp_path)
    html = (site / "english/index.html").read_text()
    assert '<html lang="en-GB">' in html
    assert "Management summary" in html and "Managementsamenvatting" not in html
    assert '<html lang="nl-NL">' in (site / "index.html").read_text()


def test_every_fixed_label_has_a_dutch_translation():
    assert len(message_ids()) > 50
    assert missing_translations("nl") == []


def test_no_message_is_hidden_in_an_f_string_where_the_catalog_tool_cannot_see_it():
    # `f"{_('x')}"` translates at run time, but Babel's extractor skips f-string parts, so the
    # catalog tool would drop its translation and the page would show English.
    package = Path(__file__).parent.parent / "klantspiegel"
    hidden = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                hidden += [
                    f"{path.name}:{call.lineno}"
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id in {"_", "gettext", "ngettext", "N_"}
                ]
    assert hidden == []
