"""A client bundle and its single-file report work as a client opens them: from disk.

A bundle is unzipped and its index.html double-clicked; the single file is opened from an
e-mail attachment. Nothing can be fetched there, so search uses the inline index.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from klantspiegel.build_options import BuildOptions
from klantspiegel.pipeline import build
from tests.browser.conftest import PageProblems
from tests.conftest import PortfolioWriter, write_small_portfolio

pytestmark = pytest.mark.browser

ORGANISATION = "vlaspost"  # the example organisation with the most pages


@dataclass(frozen=True)
class Target:
    word: str
    title: str
    url: str


def rare_finding_word(bundle: Path) -> Target:
    """A long word of one finding's text that no other indexed page has."""
    script = (bundle / "search/index.js").read_text(encoding="utf-8")
    entries = json.loads(script[script.index("=") + 1 :].strip().rstrip(";"))
    words = [set(re.findall(r"[a-z]{9,}", f"{e['title']} {e['text']}".lower())) for e in entries]
    for entry, own in zip(entries, words, strict=True):
        others = set().union(*(w for w in words if w is not own))
        if entry["url"].startswith("findings/") and (own - others):
            return Target(min(own - others), entry["title"], entry["url"])
    pytest.fail(f"no finding in {bundle} has a word of its own")


@pytest.fixture(scope="module")
def bundle(built_site) -> Path:
    return built_site.output / "clients" / ORGANISATION


def search(page, word: str):
    box = page.locator("#search").get_by_role("searchbox")
    expect(box).to_be_visible()
    box.fill(word)
    return page.locator("#search")


def test_a_bundle_opened_from_disk_finds_a_finding_by_a_word_from_its_body(page, bundle):
    problems = PageProblems(page)
    target = rare_finding_word(bundle)
    page.goto((bundle / "index.html").as_uri())
    results = search(page, target.word)
    result = results.get_by_role("link", name=target.title)
    expect(result).to_be_visible()
    result.click()
    expect(page).to_have_url((bundle / target.url).as_uri())
    assert problems.messages == []


def test_the_single_file_report_finds_a_finding_and_shows_it(page, bundle):
    problems = PageProblems(page)
    target = rare_finding_word(bundle)
    page.goto((bundle / f"{ORGANISATION}.html").as_uri())
    search(page, target.word).get_by_role("link", name=target.title).click()
    expect(page.get_by_role("heading", level=1, name=target.title)).to_be_visible()
    assert problems.messages == []


def test_following_a_result_in_the_single_file_closes_the_list(page, bundle):
    target = rare_finding_word(bundle)
    page.goto((bundle / f"{ORGANISATION}.html").as_uri())
    results = search(page, target.word)
    results.get_by_role("link", name=target.title).click()
    expect(page.get_by_role("heading", level=1, name=target.title)).to_be_in_viewport()
    expect(results.get_by_role("listitem")).to_have_count(0)


def test_the_result_list_hides_on_a_click_elsewhere_and_returns_with_the_search_box(page, bundle):
    target = rare_finding_word(bundle)
    page.goto((bundle / "index.html").as_uri())
    results = search(page, target.word)
    result = results.get_by_role("link", name=target.title)
    expect(result).to_be_visible()
    page.get_by_role("heading", level=1).click()
    expect(result).to_be_hidden()
    results.get_by_role("searchbox").focus()
    expect(result).to_be_visible()


@pytest.fixture(scope="module")
def bundle_with_pdf(tmp_path_factory) -> Path:
    """A one-organisation bundle built with its PDF (the session's example site has none)."""
    root = tmp_path_factory.mktemp("bundle-with-pdf")
    portfolio = write_small_portfolio(PortfolioWriter(root / "audits"))
    build(portfolio.root, root / "output", BuildOptions(jobs=1))
    return root / "output/clients/postbedrijf"


def test_the_single_file_offers_no_pdf_it_does_not_carry_while_the_bundle_does(
    page, bundle_with_pdf
):
    page.goto((bundle_with_pdf / "index.html").as_uri())
    expect(page.locator(".pdf-link")).to_be_visible()
    page.goto((bundle_with_pdf / "postbedrijf.html").as_uri())
    expect(page.locator(".report-links")).to_be_visible()
    expect(page.locator(".pdf-link")).to_have_count(1)
    expect(page.locator(".pdf-link")).to_be_hidden()


def test_the_single_file_report_makes_no_request_but_for_itself(page, bundle):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    single = (bundle / f"{ORGANISATION}.html").as_uri()
    page.goto(single)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    search(page, rare_finding_word(bundle).word)
    page.wait_for_timeout(300)
    assert [url for url in requests if not url.startswith("data:")] == [single]


def test_search_folds_diacritics_and_matches_word_starts(page, bundle):
    page.goto((bundle / "index.html").as_uri())
    found = page.evaluate("""() => findPages(
        [{title: "Geïntegreerd klantbeeld", text: ""},
         {title: "Iets anders", text: "ongeïntegreerd"}],
        "geintegr").map((p) => p.title)""")
    assert found == ["Geïntegreerd klantbeeld"]


def test_a_bundle_without_its_search_index_says_so_in_its_language(page, bundle, tmp_path):
    copy = tmp_path / ORGANISATION
    shutil.copytree(bundle, copy)
    (copy / "search/index.js").unlink()
    page.goto((copy / "index.html").as_uri())
    status = page.locator("#search [role=status]")
    expect(status).to_have_text("Zoeken werkt hier niet: de zoekindex kon niet geladen worden.")
