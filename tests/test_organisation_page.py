"""The organisation page, in the site and in the client's bundle, links to its PDF and says
how the audit was done: scope, fieldwork period, auditors and sources."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest

from klantspiegel.cli import main

DATED_FINDING = """\
---
title: Nobody answers the branch phone
dimension: bereikbaarheid
score: 2
kind: weakness
evidence:
  - type: call
    description: Three test calls, no answer.
    date: 2026-09-03
  - type: interview
    description: Talk with the branch manager.
    date: 2026-08-14
recommendation: Give every branch a number that answers.
impact: 4
effort: 2
owner: Head of service
horizon: short
---
Body.
"""


def write_portfolio(w) -> None:
    w.organisation("postbedrijf", name="Postbedrijf Noord", language="en")
    w.write(
        "postbedrijf/2026/audit.yaml",
        (
            "title: Audit 2026\ndate: 2026-10-01\nauditors: [Eva Janssens, Tom Peeters]\n"
            "scope: Central service desk and four branches.\n"
            "dimensions: [bereikbaarheid, mandaat]\n"
        ),
    )
    w.write("postbedrijf/2026/findings/branch-phone.md", DATED_FINDING)
    # the story's customer lived it on 14 May, months before the audit's observations
    w.anecdote("postbedrijf", "late-parcel")
    w.finding(
        "postbedrijf",
        "mandate",
        dimension="mandaat",
        score=4,
        kind="strength",
        anecdotes="late-parcel",
    )


@pytest.fixture(scope="module")
def with_pdf(tmp_path_factory) -> Path:
    from conftest import PortfolioWriter

    root = tmp_path_factory.mktemp("with-pdf")
    w = PortfolioWriter(root / "audits")
    write_portfolio(w)
    assert main(["--source", str(w.root), "--output", str(root / "output"), "--quiet"]) == 0
    return root / "output"


def pdf_links(page: Path) -> list[str]:
    return re.findall(r'href="([^"]+\.pdf)"', page.read_text(encoding="utf-8"))


def test_the_site_organisation_page_links_to_the_organisations_pdf(with_pdf):
    page = with_pdf / "site" / "postbedrijf" / "index.html"
    links = pdf_links(page)
    assert links and all(not link.startswith(("/", "file:")) for link in links)
    assert all(
        (page.parent / link).resolve() == (with_pdf / "pdf" / "postbedrijf.pdf").resolve()
        for link in links
    )
    assert (with_pdf / "pdf" / "postbedrijf.pdf").is_file()


def test_the_bundle_organisation_page_links_to_the_pdf_inside_the_bundle(with_pdf):
    bundle = with_pdf / "clients" / "postbedrijf"
    links = pdf_links(bundle / "index.html")
    assert links
    assert all((bundle / link).resolve().parent == bundle.resolve() for link in links)
    assert all((bundle / link).is_file() for link in links)


def test_without_pdfs_the_organisation_page_links_to_no_pdf(portfolio_writer, tmp_path):
    write_portfolio(portfolio_writer)
    output = tmp_path / "output"
    assert (
        main(
            ["--source", str(portfolio_writer.root), "--output", str(output), "--no-pdf", "--quiet"]
        )
        == 0
    )
    assert pdf_links(output / "site" / "postbedrijf" / "index.html") == []
    assert pdf_links(output / "clients" / "postbedrijf" / "index.html") == []


def method_text(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    section = html[html.index('<section id="method"') :]
    section = section[: section.index("</section>")]
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", section)).split())


@pytest.mark.parametrize("page", ["site/postbedrijf/index.html", "clients/postbedrijf/index.html"])
def test_the_organisation_page_shows_scope_examined_and_not_examined_dimensions(with_pdf, page):
    text = method_text(with_pdf / page)
    assert "Central service desk and four branches." in text
    assert "2 of 9 dimensions: Reachability & channels, Mandate & trust" in text
    assert "Not examined Ownership & collaboration" in text


def test_the_organisation_page_dates_the_observations_not_the_stories(with_pdf):
    text = method_text(with_pdf / "site" / "postbedrijf" / "index.html")
    assert "Observations dated 14 Aug 2026 – 3 Sept 2026" in text  # en-GB, never US dates


def test_the_organisation_page_shows_the_auditors_and_the_sources_by_type(with_pdf):
    text = method_text(with_pdf / "site" / "postbedrijf" / "index.html")
    assert "Auditors Eva Janssens, Tom Peeters" in text
    assert "Sources 4 observations: Mystery call 2 Customer story 1 Interview 1" in text
