"""Fixtures: small portfolios written into tmp_path, file by file, so each test can break one."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

FINDING = """\
---
title: {title}
dimension: {dimension}
score: {score}
kind: {kind}
evidence:
  - type: call
    description: Two test calls to the central number.
anecdotes: [{anecdotes}]
recommendation: Give the front line a direct number.
impact: 4
effort: 2
owner: Head of service
horizon: short
status: {status}
internal: {internal}
---
The body of the finding about {title}.
"""

ANECDOTE = """\
---
title: {title}
date: 2026-05-14
channel: phone
customer: Family waiting for a parcel
journey:
  - touchpoint: Front door
    actor: Postman
    happened: Rings once and leaves.
    emotion: -1
  - touchpoint: Call centre
    actor: Agent
    happened: Calls the postman back.
    emotion: 2
    moment_of_truth: true
---
The story of {title}.
"""


CHROMIUM = "/usr/bin/chromium"  # Debian's; never `playwright install`
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
]


class PortfolioWriter:
    """Writes a portfolio under a root folder; methods return the file they wrote."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.write("portfolio.yaml", "consultancy: Test Advies\nlanguage: nl\n")

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def organisation(
        self, slug: str, name: str | None = None, sector: str = "Post", language: str = "nl"
    ) -> Path:
        return self.write(
            f"{slug}/organisation.yaml",
            (
                f"name: {name or slug.title()}\nsector: {sector}\nsize: large\n"
                f"language: {language}\n"
            ),
        )

    def audit(self, org: str, audit: str = "2026", date: str = "2026-10-01") -> Path:
        return self.write(
            f"{org}/{audit}/audit.yaml",
            (f"title: Audit {audit}\ndate: {date}\nauditors: [Eva]\nscope: Everything.\n"),
        )

    def finding(
        self,
        org: str,
        slug: str,
        audit: str = "2026",
        title: str | None = None,
        dimension: str = "bereikbaarheid",
        score: int = 2,
        kind: str = "weakness",
        anecdotes: str = "",
        status: str = "final",
        internal: str = "''",
    ) -> Path:
        return self.write(
            f"{org}/{audit}/findings/{slug}.md",
            FINDING.format(
                title=title or f"Finding {slug}",
                dimension=dimension,
                score=score,
                kind=kind,
                anecdotes=anecdotes,
                status=status,
                internal=internal,
            ),
        )

    def anecdote(self, org: str, slug: str, audit: str = "2026", title: str | None = None) -> Path:
        return self.write(
            f"{org}/{audit}/anecdotes/{slug}.md", ANECDOTE.format(title=title or f"Story {slug}")
        )


@pytest.fixture
def portfolio_writer(tmp_path: Path) -> PortfolioWriter:
    return PortfolioWriter(tmp_path / "audits")


@pytest.fixture
def small_portfolio(portfolio_writer: PortfolioWriter) -> PortfolioWriter:
    """One organisation, one audit: two findings (one linked to a story) and one story."""
    return write_small_portfolio(portfolio_writer)


def write_small_portfolio(w: PortfolioWriter) -> PortfolioWriter:
    """The small portfolio written by `w` (for fixtures shared by a module's tests)."""
    w.organisation("postbedrijf", name="Postbedrijf Noord")
    w.audit("postbedrijf")
    w.anecdote("postbedrijf", "gemist-pakje")
    w.finding("postbedrijf", "centrale-lijn", anecdotes="gemist-pakje")
    w.finding("postbedrijf", "postbode-keert-terug", dimension="mandaat", score=4, kind="strength")
    return w


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, once for the session (Playwright's own browsers are not installed).

    One fixture for every test that drives a browser: Playwright's sync API allows one
    session per process.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
