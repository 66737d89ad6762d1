"""The follow-up audit: a second audit records what became of each recommendation of the one
before (`follow_up` in audit.yaml), and the report shows it with the implementation rate."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import PortfolioWriter

from klantspiegel.build_options import BuildOptions
from klantspiegel.cli import main
from klantspiegel.load import load_portfolio
from klantspiegel.model import FollowUp
from klantspiegel.pdf import PdfInputs, render_pdf
from klantspiegel.pipeline import build
from klantspiegel.report import build_report, build_reports, latest_scores
from klantspiegel.scoring import implementation_rate
from klantspiegel.templating import THEME_DIR

NO_RECOMMENDATION = """\
---
title: A strength without advice
dimension: mandaat
score: 4
kind: strength
evidence:
  - type: call
    description: One call.
---
Nothing to recommend.
"""

FOLLOW_UP = """\
follow_up:
  - recommendation: centrale-lijn
    status: done
    comment: A direct number for every office since March.
  - recommendation: terugbellen
    status: in_progress
    comment: Half of the offices call back.
  - recommendation: loket
    status: not_started
  - recommendation: folder
    status: dropped
    comment: Replaced by the website.
"""


def two_audits(w: PortfolioWriter, follow_up: str = FOLLOW_UP) -> PortfolioWriter:
    """'post' with a 2025 audit of four recommendations (and a draft one) and a 2026 audit."""
    w.organisation("post", name="Post Noord")
    w.audit("post", "2025", date="2025-10-01")
    for slug in ("centrale-lijn", "terugbellen", "loket", "folder"):
        w.finding("post", slug, audit="2025", title=f"Old {slug}")
    w.finding("post", "concept", audit="2025", title="Old draft", status="draft")
    w.write("post/2025/findings/sterk.md", NO_RECOMMENDATION)
    audit = w.audit("post", "2026", date="2026-10-01")
    audit.write_text(audit.read_text(encoding="utf-8") + follow_up, encoding="utf-8")
    w.finding("post", "nieuw", title="New finding")
    return w


def problems_of(w: PortfolioWriter) -> list[str]:
    _, problems = load_portfolio(w.root)
    return [p.format(w.root) for p in problems]


def entry(slug: str, status: str = "done") -> str:
    return f"  - recommendation: {slug}\n    status: {status}\n"


def test_the_rate_is_done_of_all_recommendations_except_the_dropped_ones():
    rate = implementation_rate(
        [
            FollowUp(recommendation=str(i), status=s)
            for i, s in enumerate(
                [
                    "done",
                    "done",
                    "done",
                    "in_progress",
                    "in_progress",
                    "not_started",
                    "dropped",
                    "dropped",
                ]
            )
        ]
    )
    assert (rate.done, rate.in_progress, rate.not_started, rate.dropped) == (3, 2, 1, 2)
    assert rate.pursued == 6
    assert rate.rate == 50.0


def test_a_recommendation_in_progress_does_not_count_as_done():
    rate = implementation_rate(
        [
            FollowUp(recommendation="a", status="in_progress"),
            FollowUp(recommendation="b", status="done"),
            FollowUp(recommendation="c", status="done"),
        ]
    )
    assert rate.rate == pytest.approx(200 / 3)


def test_with_every_recommendation_dropped_there_is_no_rate():
    assert implementation_rate([FollowUp(recommendation="a", status="dropped")]).rate is None


def test_an_unknown_recommendation_is_a_located_error_with_a_suggestion(portfolio_writer):
    w = two_audits(portfolio_writer, FOLLOW_UP + entry("centrale-lyn"))
    messages = problems_of(w)
    assert any(
        "post/2026/audit.yaml:17: follow_up[5].recommendation: no finding 'centrale-lyn'" in m
        and "did you mean 'centrale-lijn'?" in m
        for m in messages
    ), messages


def test_a_finding_without_a_recommendation_cannot_be_followed_up(portfolio_writer):
    w = two_audits(portfolio_writer, FOLLOW_UP + entry("sterk"))
    assert any(
        "follow_up[5].recommendation: the finding 'sterk'" in m and "has no recommendation" in m
        for m in problems_of(w)
    )


def test_a_recommendation_followed_up_twice_is_an_error(portfolio_writer):
    w = two_audits(portfolio_writer, FOLLOW_UP + entry("loket", "done"))
    assert any(
        "follow_up[5].recommendation: 'loket' is already followed up (follow_up[3])" in m
        for m in problems_of(w)
    )


def test_a_follow_up_in_the_first_audit_is_an_error(portfolio_writer):
    w = portfolio_writer
    w.organisation("post")
    audit = w.audit("post", "2025", date="2025-10-01")
    audit.write_text(
        audit.read_text(encoding="utf-8") + "follow_up:\n" + entry("x"), encoding="utf-8"
    )
    w.finding("post", "x", audit="2025")
    portfolio, problems = load_portfolio(w.root)
    assert portfolio is None
    assert any(
        "post/2025/audit.yaml:5: follow_up: this is the organisation's first audit"
        in p.format(w.root)
        for p in problems
    )


def test_a_recommendation_not_followed_up_is_a_warning_naming_what_to_add(portfolio_writer):
    w = two_audits(portfolio_writer, "follow_up:\n" + entry("centrale-lijn"))
    portfolio, problems = load_portfolio(w.root)
    assert portfolio is not None  # a warning: `check --strict` refuses it, a build goes on
    warnings = [p for p in problems if p.severity == "warning" and p.field == "follow_up"]
    assert len(warnings) == 1
    message = warnings[0].message
    assert "recommendation: <name>" in message
    assert all(slug in message for slug in ("terugbellen", "loket", "folder"))
    assert "concept" not in message  # a draft's recommendation never reached the client


def test_check_strict_fails_on_a_recommendation_not_followed_up(portfolio_writer, capsys):
    w = two_audits(portfolio_writer, "follow_up:\n" + entry("centrale-lijn"))
    assert main(["check", "--source", str(w.root)]) == 0
    assert main(["check", "--strict", "--source", str(w.root)]) == 1
    assert "not followed up" in capsys.readouterr().err


def report_of(w: PortfolioWriter, audience: str = "client"):
    portfolio, problems = load_portfolio(w.root)
    assert portfolio is not None, problems
    return build_report(
        portfolio.organisations[0], portfolio, latest_scores(portfolio), audience=audience
    )


def test_the_report_follows_up_each_previous_recommendation_with_the_rate(portfolio_writer):
    follow = report_of(two_audits(portfolio_writer)).follow_up
    assert [(r.slug, r.status_label) for r in follow.rows] == [
        ("centrale-lijn", "Uitgevoerd"),
        ("terugbellen", "Lopend"),
        ("loket", "Niet gestart"),
        ("folder", "Geschrapt"),
    ]
    row = follow.rows[0]
    assert (row.finding_title, row.dimension, row.owner) == (
        "Old centrale-lijn",
        "Bereikbaarheid & kanalen",
        "Head of service",
    )
    assert row.comment == "A direct number for every office since March."
    assert follow.summary == "Uitgevoerd: 1 van 3 aanbevelingen (33%)"
    assert follow.note == "1 van 3 · 1 lopend, 1 niet gestart, 1 geschrapt"


def test_an_audit_without_a_previous_one_has_no_follow_up(small_portfolio):
    assert report_of(small_portfolio).follow_up is None


def test_a_draft_findings_follow_up_is_marked_for_the_consultant_and_absent_for_the_client(
    portfolio_writer,
):
    w = two_audits(portfolio_writer, FOLLOW_UP + entry("concept", "done"))
    consultant, client = build_reports(
        *(lambda p: (p.organisations[0], p, latest_scores(p)))(load_portfolio(w.root)[0])
    )
    assert [r.slug for r in consultant.follow_up.rows if r.draft] == ["concept"]
    assert "concept" not in [r.slug for r in client.follow_up.rows]
    # counted in neither: site, PDF and exports give one rate
    assert consultant.follow_up.rate == client.follow_up.rate
    assert client.follow_up.rate.done == 1


def test_the_follow_up_of_a_draft_previous_audit_is_not_in_the_clients_report(portfolio_writer):
    w = two_audits(portfolio_writer)
    path = w.root / "post/2025/audit.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "status: draft\n", encoding="utf-8")
    assert report_of(w, "consultant").follow_up is not None
    assert report_of(w, "client").follow_up is None


def test_the_executive_summary_shows_the_implementation_rate(portfolio_writer):
    figures = report_of(two_audits(portfolio_writer)).executive.figures
    assert ("Aanbevelingen uitgevoerd", "33%") in [(f.label, f.value) for f in figures]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The two audits built as a site (no PDF), once for the tests that read it."""
    folder = tmp_path_factory.mktemp("follow-up")
    w = two_audits(PortfolioWriter(folder / "audits"))
    build(w.root, folder / "output", BuildOptions(pdf=False))
    return folder / "output"


def test_the_organisation_page_has_a_follow_up_section(built):
    page = (built / "site/post/index.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="follow-up"') :]
    section = section[: section.index("</section>")]
    assert "Opvolging van de vorige aanbevelingen" in section
    assert '<span class="follow-status follow-in_progress">Lopend</span>' in section
    assert "Half of the offices call back." in section
    assert 'href="audits/2025/findings/terugbellen.html"' in section
    assert (built / "site/post/audits/2025/findings/terugbellen.html").is_file()
    assert 'href="index.html#follow-up"' in page  # in the report's navigation


def test_the_portfolio_page_shows_the_implementation_rate_beside_the_change(built):
    page = (built / "site/index.html").read_text(encoding="utf-8")
    header = page.index("Uitgevoerd</button>")
    assert page.index("Verschil</button>") < header < page.index("Laatste audit</button>")
    assert 'data-label="Uitgevoerd" data-value="33.33' in page


def test_the_exports_carry_the_implementation_rate(built):
    scores = json.loads((built / "exports/scores.json").read_text(encoding="utf-8"))
    [row] = scores["organisations"]
    assert row["implementation_rate"] == pytest.approx(33.3333, abs=1e-3)


def test_the_pdf_has_a_follow_up_chapter_in_its_contents(portfolio_writer, tmp_path):
    w = two_audits(portfolio_writer)
    portfolio, _ = load_portfolio(w.root)
    _, client = build_reports(portfolio.organisations[0], portfolio, latest_scores(portfolio))
    pdf = tmp_path / "post.pdf"
    render_pdf(PdfInputs.of(client, portfolio, THEME_DIR), pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    contents, *pages = text.split("\f")[1:]
    assert "Opvolging van de vorige aanbevelingen" in contents
    start = next(i for i, p in enumerate(pages) if "Uitgevoerd: 1 van 3 aanbevelingen (33%)" in p)
    chapter = "".join(pages[start:])  # its table may flow on to the next page
    assert "Half of the offices call back." in chapter and "Niet gestart" in chapter
    assert "het aandeel van de aanbevelingen van de vorige audit dat uitgevoerd is" in " ".join(
        text.split()
    )
