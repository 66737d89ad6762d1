"""Search finds a finding by a word from its body, and its result leads to the finding."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WORD = re.compile(r"\b[a-z]{7,}\b")  # plain ASCII words: no doubt about accent folding


@dataclass(frozen=True)
class RareWord:
    word: str
    finding: str  # page path
    title: str
    pages: int  # pages of the site whose text has a word starting with it


def rarest_finding_word(built_site, page_text) -> RareWord:
    """The longest word of a finding's text (not its title) found on the fewest pages.

    Pagefind matches the last word typed as a prefix, so a page counts if any of its words
    starts with the candidate.
    """
    words_of = {path: set(WORD.findall(page_text(path).main.lower())) for path in built_site.pages}
    vocabulary = sorted(set().union(*words_of.values()))
    pages_with_prefix: dict[str, int] = {}

    def page_count(word: str) -> int:
        if word not in pages_with_prefix:
            start = bisect.bisect_left(vocabulary, word)
            end = bisect.bisect_left(vocabulary, word + "\uffff")
            matches = set(vocabulary[start:end])
            pages_with_prefix[word] = sum(1 for words in words_of.values() if words & matches)
        return pages_with_prefix[word]

    candidates = []
    findings = [p for p in built_site.pages if re.fullmatch(r"[^/]+/findings/[^/]+\.html", p)]
    for path in findings:
        title = page_text(path).h1
        for word in words_of[path] - set(WORD.findall(title.lower())):
            candidates.append(RareWord(word, path, title, page_count(word)))
    assert candidates, "no finding page with words to search for"
    return min(candidates, key=lambda c: (c.pages, -len(c.word), c.word, c.finding))


def test_search_finds_a_finding_by_a_word_from_its_body(
    page, page_problems, site_url, built_site, page_text
):
    rare = rarest_finding_word(built_site, page_text)
    page.goto(site_url + "index.html")
    search = page.locator("#search")
    expect(search, "the home page has no element with id 'search'").to_have_count(1)
    box = search.get_by_role("searchbox").or_(search.get_by_role("textbox")).first
    expect(box, "no search box in #search").to_be_visible()

    box.fill(rare.word)
    result = search.get_by_role("link", name=rare.title).first
    try:
        expect(result).to_be_visible(timeout=15_000)
        listed = True
    except AssertionError:
        listed = False
    if not listed:
        shown = " ".join(search.inner_text().split())
        pytest.fail(
            f"searching {rare.word!r} (a word on {rare.pages} page(s)) does not list "
            f"{rare.title!r} ({rare.finding}); the search box shows {shown!r}\n"
            + "\n".join(page_problems.messages),
            pytrace=False,
        )
    result.click()
    expect(page).to_have_url(re.compile(re.escape(site_url + rare.finding) + r"([?#].*)?$"))
    if page_problems.messages:
        pytest.fail("while searching:\n" + "\n".join(page_problems.messages), pytrace=False)


def test_search_results_label_the_organisation_in_the_pages_language(
    page, page_problems, site_url, built_site, page_text
):
    rare = rarest_finding_word(built_site, page_text)
    page.goto(site_url + "index.html")  # the example's home page is Dutch
    search = page.locator("#search")
    search.get_by_role("searchbox").or_(search.get_by_role("textbox")).first.fill(rare.word)
    expect(search.get_by_role("link", name=rare.title).first).to_be_visible(timeout=15_000)
    expect(search).to_contain_text("Organisatie: ")
    expect(search).not_to_contain_text(re.compile("organisation:", re.IGNORECASE))
    assert page_problems.messages == []
