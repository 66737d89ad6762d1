"""`serve` after a save: the pages of the edit first, everything else in the background.

A pages-first build renders the site's pages; the search index, the client bundles and the
PDFs are left as they were, and after an edit inside one organisation so are the portfolio's
pages (which show every organisation) and the exports. The next full build finishes them,
and then the output is byte for byte a clean build's.
"""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from test_incremental import assert_same_as_clean_build, snapshot, three_organisations

from klantspiegel.build_options import BuildOptions
from klantspiegel.pipeline import build
from klantspiegel.problems import Problem
from klantspiegel.serve import MAX_LISTED_PAGES, Preview, changed_pages, edited_organisation
from klantspiegel.source import parse_yaml

SITE_ONLY = BuildOptions(pdf=False, jobs=1)
EVENT_TIMEOUT = 120.0  # seconds for a build on a busy machine; a wait, never an assertion


@pytest.fixture
def built(tmp_path):
    writer = three_organisations(tmp_path / "audits")
    output = tmp_path / "output"
    build(writer.root, output, SITE_ONLY)
    return writer, output


def add_a_line(root: Path, slug: str) -> None:
    finding = root / slug / "2026/findings/loket.md"
    finding.write_text(finding.read_text() + "\nNog een zin over het loket.\n")


@pytest.mark.parametrize(
    ("changed", "organisation"),
    [
        (["postbedrijf/2026/findings/loket.md"], "postbedrijf"),
        (["postbedrijf/2026/findings/loket.md", "postbedrijf/organisation.yaml"], "postbedrijf"),
        (["postbedrijf/2026/findings/loket.md", "spoorweg/2026/findings/loket.md"], None),
        (["postbedrijf"], None),  # the folder itself: added or removed
        (["portfolio.yaml"], None),
        (["templates/site/finding.html"], None),
        (["losse-map/notitie.md"], None),  # not an organisation's folder
        (["/elders/postbedrijf/2026/findings/loket.md"], None),
    ],
)
def test_an_edit_is_inside_one_organisation_only_when_every_path_is(built, changed, organisation):
    writer, _ = built
    paths = [str(writer.root / p) if not p.startswith("/") else p for p in changed]
    assert edited_organisation(paths, writer.root) == organisation


def test_an_edit_inside_one_organisation_renders_its_pages_and_nothing_else(built, tmp_path):
    writer, output = built
    before = snapshot(output)
    writer.finding("postbedrijf", "loket", dimension="mandaat", score=2, title="Loket dicht")
    pages = build(writer.root, output, replace(SITE_ONLY, pages_first=True, only="postbedrijf"))

    assert "site/postbedrijf/findings/loket.html" in pages.rendered
    assert not [a for a in pages.rendered if a.startswith("clients/")]  # serve shows none
    assert pages.unfinished
    after = snapshot(output)
    for kept in ["site/index.html", "site/dimensions/mandaat.html", "exports/findings.csv"]:
        assert after[kept] == before[kept]  # they show every organisation: the next build's
    assert not [a for a in pages.rendered if "spoorweg" in a or "waterbedrijf" in a]
    assert "site/pagefind" not in pages.rendered

    finished = build(writer.root, output, SITE_ONLY)
    assert {
        "site/index.html",
        "site/dimensions/mandaat.html",
        "site/pagefind",
        "clients/postbedrijf/findings/loket.html",
    } <= set(finished.rendered)
    assert not any(a.startswith("site/postbedrijf/") for a in finished.rendered)
    assert not finished.unfinished
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_a_pages_first_build_says_whether_it_left_anything(built):
    writer, output = built
    assert not build(writer.root, output, replace(SITE_ONLY, pages_first=True)).unfinished
    add_a_line(writer.root, "spoorweg")
    assert build(writer.root, output, replace(SITE_ONLY, pages_first=True)).unfinished
    assert not build(writer.root, output, SITE_ONLY).unfinished


def next_event(listener: queue.SimpleQueue) -> str:
    event = listener.get(timeout=EVENT_TIMEOUT)
    assert event is not None
    return event.name


def test_serve_reloads_after_the_pages_and_again_after_the_portfolio_pages(built):
    writer, output = built
    preview = Preview(writer.root, output, SITE_ONLY)
    preview.rebuild()
    listener, _ = preview.listen()
    background = threading.Thread(target=preview.finish_in_background, daemon=True)
    background.start()
    try:
        add_a_line(writer.root, "waterbedrijf")
        preview.rebuild("loket.md", organisation="waterbedrijf")
        assert next_event(listener) == "reload"  # its own pages
        assert next_event(listener) == "reload"  # the portfolio's, from the background
        assert "Nog een zin over het loket" in (
            output / "site/waterbedrijf/findings/loket.html"
        ).read_text(encoding="utf-8")
    finally:
        preview.close()
        background.join(EVENT_TIMEOUT)
    assert not preview.problems


def test_serve_builds_everything_when_the_edited_folder_does_not_load_as_an_organisation(built):
    writer, output = built
    preview = Preview(writer.root, output, SITE_ONLY)
    add_a_line(writer.root, "spoorweg")
    preview.rebuild("loket.md", organisation="no-such-organisation")
    assert preview.problems == []
    assert "Nog een zin" in (output / "site/spoorweg/findings/loket.html").read_text()


def test_a_yaml_text_parsed_again_gives_a_fresh_copy_and_the_same_problems(tmp_path):
    path = tmp_path / "finding.md"
    first = parse_yaml("title: Loket\ntags: [a, b]\n", path, [])
    assert first is not None
    first[0]["tags"].append("changed by a caller")
    again = parse_yaml("title: Loket\ntags: [a, b]\n", path, [])
    assert again is not None and again[0] == {"title": "Loket", "tags": ["a", "b"]}
    assert again[1] == {(): 1, ("title",): 1, ("tags",): 2, ("tags", 0): 2, ("tags", 1): 2}

    for _ in range(2):
        problems: list[Problem] = []
        assert parse_yaml("title: [unclosed\n", path, problems) is None
        assert len(problems) == 1 and problems[0].path == path and problems[0].line == 2


def reload_pages(listener: queue.SimpleQueue) -> list[str] | None:
    event = listener.get(timeout=EVENT_TIMEOUT)
    assert event is not None and event.name == "reload"
    return json.loads(event.data)["pages"]


def test_every_page_reloads_after_a_failed_build_and_after_its_fix(built):
    writer, output = built
    preview = Preview(writer.root, output, SITE_ONLY)
    preview.rebuild()
    listener, _ = preview.listen()
    add_a_line(writer.root, "spoorweg")
    preview.rebuild("loket.md", organisation="spoorweg")
    pages = reload_pages(listener)
    assert pages and "/spoorweg/findings/loket.html" in pages
    assert not any(page.startswith("/postbedrijf/") for page in pages)

    finding = writer.root / "spoorweg/2026/findings/loket.md"
    working = finding.read_text()
    finding.write_text(working.replace("score: 4", "score: [4"))
    preview.rebuild("loket.md", organisation="spoorweg")
    assert preview.problems and reload_pages(listener) is None  # each page shows them
    finding.write_text(working)
    preview.rebuild("loket.md", organisation="spoorweg")
    assert not preview.problems and reload_pages(listener) is None


def test_the_changed_pages_are_the_sites_pages_unless_its_assets_changed():
    rendered = ["site/index.html", "site/pagefind", "clients/a/index.html", "site/a/x.html"]
    assert changed_pages(rendered) == ["/a/x.html", "/index.html"]
    assert changed_pages([*rendered, "site/assets"]) is None
    many = [f"site/a/{n}.html" for n in range(MAX_LISTED_PAGES + 1)]
    assert changed_pages(many) is None
