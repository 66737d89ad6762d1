"""From the portfolio to an organisation and one of its findings, and back by the breadcrumb."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

BREADCRUMB_NAME = re.compile(r"breadcrumb|kruimel", re.IGNORECASE)  # in English or Dutch


def breadcrumb(page: Page) -> Locator:
    """The breadcrumb: a labelled navigation landmark that marks the current page."""
    labelled = page.locator("nav[aria-label], nav[aria-labelledby]")
    navigations = labelled.filter(has=page.locator('[aria-current="page"]'))
    if navigations.count() > 1:  # another navigation marks its current entry too
        navigations = page.get_by_role("navigation", name=BREADCRUMB_NAME).filter(
            has=page.locator('[aria-current="page"]')
        )
    expect(
        navigations, "one navigation with an aria-label and an aria-current=page item"
    ).to_have_count(1)
    return navigations


def url_of(site_url: str, path: str) -> re.Pattern[str]:
    """The page's URL, allowing a folder's index.html to be shown as the folder."""
    pattern = re.escape(site_url + path)
    if path.endswith("index.html"):
        pattern = re.escape(site_url + path.removesuffix("index.html")) + r"(index\.html)?"
    return re.compile(pattern + r"(#.*)?$")


def test_portfolio_to_organisation_to_finding_and_back_by_the_breadcrumb(
    page, page_problems, site_url, built_site, page_text, organisation_names
):
    finding = built_site.first_of_type("finding")
    assert finding, "the built site has no finding page"
    organisation = finding.split("/")[0]
    name = organisation_names[organisation]
    title = page_text(finding).h1
    assert title, f"{finding} has no <h1> to name it"

    page.goto(site_url + "index.html")
    page.get_by_role("link", name=name).filter(visible=True).first.click()
    expect(page).to_have_url(url_of(site_url, f"{organisation}/index.html"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)

    page.get_by_role("link", name=title).filter(visible=True).first.click()
    expect(page).to_have_url(url_of(site_url, finding))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    breadcrumb(page).get_by_role("link", name=name).click()
    expect(page).to_have_url(url_of(site_url, f"{organisation}/index.html"))

    breadcrumb(page).get_by_role("link").first.click()
    expect(page).to_have_url(url_of(site_url, "index.html"))
    if page_problems.messages:
        pytest.fail("\n".join(page_problems.messages), pytrace=False)
