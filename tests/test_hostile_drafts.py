"""Drafts that would leak through links: for a client a draft does not exist, nor a way to it.

Each hostile case is one organisation of a single portfolio, built once: a final finding or
story that links to, lists or sits beside a draft whose file name, title and body carry the
case's secret word. The secret must be absent from every client output (bundle pages, the
search index, the PDFs with their CSV, the exports) and present in the consultant's site.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ANECDOTE, PortfolioWriter
from hostile_kit import assert_nothing_leaked, output_texts
from PIL import Image
from pypdf import PdfReader

from klantspiegel.audience import client_audit, client_view, unlink
from klantspiegel.build_options import BuildOptions
from klantspiegel.load import load_portfolio
from klantspiegel.pipeline import build
from klantspiegel.report import build_report, build_reports, latest_scores

CLIENT_OUTPUTS = ("clients", "pdf", "exports")


def draft_finding(
    w: PortfolioWriter, org: str, secret: str, audit: str = "2026", title: str | None = None
) -> str:
    """A draft finding named, titled and written with the secret; returns its file stem."""
    slug = f"draft-{secret}"
    w.finding(org, slug, audit=audit, title=title or f"Unfinished {secret} idea", status="draft")
    path = w.root / org / audit / "findings" / f"{slug}.md"
    path.write_text(path.read_text().replace("The body of", f"Notes on {secret}: the body of"))
    return slug


def draft_story(
    w: PortfolioWriter, org: str, secret: str, audit: str = "2026", stem: str | None = None
) -> str:
    """A draft customer story named, titled and written with the secret; returns its stem."""
    stem = stem or f"story-{secret}"
    text = ANECDOTE.format(title=f"Story about {secret}").replace(
        "channel: phone\n", "channel: phone\nstatus: draft\n"
    )
    w.write(f"{org}/{audit}/anecdotes/{stem}.md", text)
    return stem


def final_finding(
    w: PortfolioWriter,
    org: str,
    body: str = "",
    audit: str = "2026",
    anecdotes: str = "",
    slug: str = "final",
) -> Path:
    """A final finding whose body ends with `body`."""
    path = w.finding(org, slug, audit=audit, anecdotes=anecdotes, title=f"Final finding {org}")
    path.write_text(path.read_text() + "\n" + body + "\n")
    return path


def final_story(w: PortfolioWriter, org: str, body: str, slug: str = "told") -> Path:
    path = w.anecdote(org, slug, title=f"Told story {org}")
    path.write_text(path.read_text() + "\n" + body + "\n")
    return path


def link_to_finding(w, org, s):
    final_finding(w, org, f"Zie [de andere kant](../findings/{draft_finding(w, org, s)}.md).")


def link_to_story(w, org, s):
    final_finding(w, org, f"Zie [het verhaal](../anecdotes/{draft_story(w, org, s)}.md).")


def link_with_fragment(w, org, s):
    final_finding(w, org, f"Zie [daar](../findings/{draft_finding(w, org, s)}.md#evidence).")


def link_in_raw_html(w, org, s):
    final_finding(w, org, f'Zie <a href="../findings/{draft_finding(w, org, s)}.md">hier</a>.')


def link_from_the_same_folder(w, org, s):
    final_finding(w, org, f"Zie [hier]({draft_finding(w, org, s)}.md).")


def link_by_reference(w, org, s):
    final_finding(w, org, f"Zie [hier][1].\n\n[1]: ../findings/{draft_finding(w, org, s)}.md")


def link_in_a_footnote(w, org, s):
    final_finding(
        w, org, f"Zie voetnoot.[^1]\n\n[^1]: Zie [hier](../findings/{draft_finding(w, org, s)}.md)."
    )


def link_with_a_title_naming_the_draft(w, org, s):
    slug = draft_finding(w, org, s)
    final_finding(w, org, f'Zie [hier](../findings/{slug}.md "Unfinished {s} idea").')


def link_percent_encoded_to_a_story_with_spaces(w, org, s):
    stem = draft_story(w, org, s, stem=f"Story {s}")
    final_finding(w, org, f"Zie [het verhaal](../anecdotes/Story%20{s}.md).")
    assert stem


def link_in_emphasis_inside_a_table(w, org, s):
    slug = draft_finding(w, org, s)
    final_finding(w, org, f"| wat | waar |\n|---|---|\n| x | [**hier**](../findings/{slug}.md) |")


def story_linking_to_a_draft_finding(w, org, s):
    final_finding(w, org)
    final_story(w, org, f"Zie [de bevinding](../findings/{draft_finding(w, org, s)}.md).")


def story_linking_to_a_draft_story(w, org, s):
    final_finding(w, org)
    final_story(w, org, f"Zie [het andere verhaal](../anecdotes/{draft_story(w, org, s)}.md).")


def draft_story_listed_by_a_final_finding(w, org, s):
    final_finding(w, org, anecdotes=draft_story(w, org, s))


def draft_finding_with_the_same_title(w, org, s):
    final_finding(w, org)
    draft_finding(w, org, s, title=f"Final finding {org}, the {s} version")


def drafts_in_an_earlier_audit(w, org, s):
    w.audit(org, "2025", date="2025-10-01")
    story = draft_story(w, org, s, audit="2025")
    final_finding(
        w,
        org,
        audit="2025",
        anecdotes=story,
        body=f"Zie [hier](../findings/{draft_finding(w, org, s, audit='2025')}.md).",
    )
    final_finding(w, org)


def a_draft_audit_before_the_latest(w, org, s):
    w.write(
        f"{org}/2025/audit.yaml",
        f"title: Audit {s}\ndate: 2025-10-01\nauditors: [Eva]\nscope: All.\nstatus: draft\n",
    )
    w.finding(org, f"old-{s}", audit="2025", title=f"Old {s} finding", score=5)
    final_finding(w, org)


def draft_story_with_its_own_image(w, org, s):
    stem = draft_story(w, org, s)
    Image.new("RGB", (4, 4), "red").save(w.root / org / "2026/anecdotes" / f"photo-{s}.png")
    path = w.root / org / "2026/anecdotes" / f"{stem}.md"
    path.write_text(path.read_text() + f"\n![{s}](photo-{s}.png)\n")
    final_finding(w, org, anecdotes=stem)


@dataclass(frozen=True)
class Case:
    name: str
    plant: Callable[[PortfolioWriter, str, str], None]
    shown: str = ""  # text of the final finding that the client still reads
    on_site: bool = True  # the consultant's site shows latest audits only

    @property
    def org(self) -> str:
        return f"org-{CASES.index(self)}"

    @property
    def secret(self) -> str:
        return f"quokka{CASES.index(self)}x"


CASES = [
    Case("Markdown link to a draft finding", link_to_finding, "de andere kant"),
    Case("Markdown link to a draft story", link_to_story, "het verhaal"),
    Case("link with a #fragment", link_with_fragment, "daar"),
    Case("raw HTML <a href>", link_in_raw_html, "hier"),
    Case("link to a draft in the same folder", link_from_the_same_folder, "hier"),
    Case("reference-style link", link_by_reference, "hier"),
    Case("link in a footnote", link_in_a_footnote, "voetnoot"),
    Case("link title naming the draft", link_with_a_title_naming_the_draft, "hier"),
    Case(
        "percent-encoded link to a story file with spaces",
        link_percent_encoded_to_a_story_with_spaces,
        "het verhaal",
    ),
    Case("bold link in a table cell", link_in_emphasis_inside_a_table, "<strong>hier</strong>"),
    Case("final story linking to a draft finding", story_linking_to_a_draft_finding),
    Case("final story linking to a draft story", story_linking_to_a_draft_story),
    Case("draft story in a final finding's anecdotes:", draft_story_listed_by_a_final_finding),
    Case("draft finding with the final one's title", draft_finding_with_the_same_title),
    Case("drafts in an earlier audit", drafts_in_an_earlier_audit, on_site=False),
    Case("draft story with its own image", draft_story_with_its_own_image),
    Case(
        "a draft audit before the latest (trend, history, exports)",
        a_draft_audit_before_the_latest,
        on_site=False,
    ),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Every case as an organisation of one portfolio, built once (one job, with PDFs)."""
    root = tmp_path_factory.mktemp("drafts")
    w = PortfolioWriter(root / "audits")
    for case in CASES:
        w.organisation(case.org, name=f"Organisation {case.org}", sector=case.org)
        w.audit(case.org)
        case.plant(w, case.org, case.secret)
    build(w.root, root / "output", BuildOptions(jobs=1))
    return root / "output"


@pytest.fixture(scope="module")
def client_texts(built, tmp_path_factory) -> list[tuple[str, str]]:
    """Every client output as text, read once. Reading a PDF is the slow part, so a bundle's
    copy of its PDF is read in pdf/ (the two are the same bytes, see the test below)."""
    bundles = tmp_path_factory.mktemp("bundles") / "clients"
    shutil.copytree(built / "clients", bundles, ignore=shutil.ignore_patterns("*.pdf"))
    texts = [(f"clients/{name}", text) for name, text in output_texts(bundles)]
    return texts + [
        (f"{folder}/{name}", text)
        for folder in ("pdf", "exports")
        for name, text in output_texts(built / folder)
    ]


def test_each_bundle_holds_the_same_pdf_that_was_read(built):
    for case in CASES:
        bundle_pdf = built / "clients" / case.org / f"{case.org}.pdf"
        assert bundle_pdf.read_bytes() == (built / "pdf" / f"{case.org}.pdf").read_bytes()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_draft_reaches_no_client_output(client_texts, case):
    found = [name for name, text in client_texts if case.secret in text]
    assert not found, f"{case.secret} in {found}"


def test_the_leak_check_reads_every_client_output(built, client_texts):
    assert {name.split("/")[0] for name, _ in client_texts} == set(CLIENT_OUTPUTS)
    assert_nothing_leaked(built / "exports", *(c.secret for c in CASES))


@pytest.mark.parametrize("case", [c for c in CASES if c.on_site], ids=lambda c: c.name)
def test_the_consultant_site_still_shows_the_draft(built, case):
    site = "\n".join(text for _, text in output_texts(built / "site" / case.org))
    assert case.secret in site


@pytest.mark.parametrize("case", [c for c in CASES if c.shown], ids=lambda c: c.name)
def test_the_words_of_a_link_to_a_draft_stay_for_the_client(built, case):
    page = (built / "clients" / case.org / "findings/final.html").read_text()
    assert case.shown in page


# --- the client's view, without a build ---------------------------------------------------


def test_a_link_to_a_draft_keeps_its_words_and_loses_its_address():
    html = (
        '<p><a href="../findings/draft.html#x" title="T" rel="noopener noreferrer">'
        '<em>zie</em></a> en <a href="../findings/final.html">ook</a></p>'
    )
    assert unlink(html, {("findings", "draft")}) == (
        '<p><em>zie</em> en <a href="../findings/final.html">ook</a></p>'
    )


def test_a_text_without_a_link_to_a_draft_is_left_as_it_is():
    html = '<p><a href="../findings/draft-two.html">x</a></p>'
    assert unlink(html, {("findings", "draft")}) is html


def test_an_organisation_without_drafts_is_its_own_client_view(small_portfolio):
    portfolio, _ = load_portfolio(small_portfolio.root)
    organisation = portfolio.organisations[0]
    assert client_view(organisation) is organisation


def test_a_draft_story_listed_by_a_final_finding_is_no_observation_for_the_client(portfolio_writer):
    w = portfolio_writer
    w.organisation("post")
    w.audit("post")
    final_finding(w, "post", anecdotes=draft_story(w, "post", "secret"))
    portfolio, _ = load_portfolio(w.root)
    consultant, client = build_reports(
        portfolio.organisations[0], portfolio, latest_scores(portfolio)
    )
    (finding,) = client.findings
    assert finding.anecdotes == () and finding.evidence_count == 1
    assert client.observation_count == 1
    assert client.dimensions[0].score.evidence_count == 1
    assert consultant.findings[0].anecdotes == ("story-secret",)  # the consultant still sees it


def test_an_earlier_audits_drafts_are_not_in_the_clients_history(portfolio_writer):
    w = portfolio_writer
    w.organisation("post")
    w.audit("post", "2025", date="2025-10-01")
    w.audit("post")
    draft_finding(w, "post", "old", audit="2025")
    final_finding(w, "post", audit="2025", anecdotes=draft_story(w, "post", "old", audit="2025"))
    final_finding(w, "post")
    portfolio, _ = load_portfolio(w.root)
    report = build_report(
        portfolio.organisations[0], portfolio, latest_scores(portfolio), audience="client"
    )
    earlier = report.history[0]
    assert [f.slug for f in earlier.audit.findings] == ["final"]
    assert earlier.audit.anecdotes == ()
    assert earlier.score.dimensions[0].evidence_count == 1


def test_a_draft_audit_before_the_latest_is_no_part_of_the_clients_trend(portfolio_writer):
    w = portfolio_writer
    w.organisation("post")
    w.write(
        "post/2025/audit.yaml",
        "title: Old\ndate: 2025-10-01\nauditors: [Eva]\nscope: All.\nstatus: draft\n",
    )
    w.finding("post", "old", audit="2025", score=5)
    w.audit("post")
    w.finding("post", "new", score=2)
    portfolio, _ = load_portfolio(w.root)
    consultant, client = build_reports(
        portfolio.organisations[0], portfolio, latest_scores(portfolio)
    )
    assert [p.audit.slug for p in consultant.history] == ["2025", "2026"]
    assert [p.audit.slug for p in client.history] == ["2026"]
    assert client.previous_score is None and client.change is None


def test_a_peers_draft_audit_never_moves_a_clients_benchmark(portfolio_writer):
    w = portfolio_writer
    for org in ("a", "b", "c", "d"):
        w.organisation(org, sector="Post")
        w.audit(org, "2025", date="2025-10-01")
        w.finding(org, "f", audit="2025", score=2)
    for org in ("b", "c"):  # a later draft audit: the peer is compared on its final one
        w.write(
            f"{org}/2026/audit.yaml",
            "title: Next\ndate: 2026-10-01\nauditors: [Eva]\nscope: All.\nstatus: draft\n",
        )
        w.finding(org, "f", score=5)
    w.write(
        "d/2025/audit.yaml",
        "title: Only\ndate: 2025-10-01\nauditors: [Eva]\nscope: All.\nstatus: draft\n",
    )  # only a draft: no peer
    portfolio, _ = load_portfolio(w.root)
    peers = latest_scores(portfolio)
    assert sorted(peers) == ["a", "b", "c"]
    assert {score.index for _, score in peers.values()} == {2}


def test_the_client_view_of_an_audit_keeps_its_final_texts_in_order(portfolio_writer):
    w = portfolio_writer
    w.organisation("post")
    w.audit("post")
    w.finding("post", "a-first")
    draft_finding(w, "post", "middle")
    w.finding("post", "z-last")
    portfolio, _ = load_portfolio(w.root)
    audit = client_audit(portfolio.organisations[0].latest_audit)
    assert [f.slug for f in audit.findings] == ["a-first", "z-last"]


def test_the_pdfs_findings_csv_counts_no_draft_story(built):
    case = next(c for c in CASES if c.plant is draft_story_listed_by_a_final_finding)
    attachments = PdfReader(built / "pdf" / f"{case.org}.pdf").attachments
    rows = list(csv.DictReader(io.StringIO(attachments["bevindingen.csv"][0].decode("utf-8-sig"))))
    assert [(r["Kenmerk"], r["Waarnemingen"]) for r in rows] == [("final", "1")]


# --- a draft audit's PDF --------------------------------------------------------------------


@pytest.mark.parametrize(("language", "mark"), [("nl", "CONCEPTRAPPORT"), ("en", "DRAFT REPORT")])
def test_a_draft_audits_pdf_is_marked_on_every_page(portfolio_writer, tmp_path, language, mark):
    w = portfolio_writer
    w.organisation("post", language=language)
    w.write(
        "post/2026/audit.yaml",
        "title: Audit 2026\ndate: 2026-10-01\nauditors: [Eva]\nscope: All.\nstatus: draft\n",
    )
    w.finding("post", "final")
    build(w.root, tmp_path / "output", BuildOptions(jobs=1))
    pages = PdfReader(tmp_path / "output/pdf/post.pdf").pages
    assert len(pages) > 3
    assert all(mark in (page.extract_text() or "").upper() for page in pages)


def test_a_final_audits_pdf_carries_no_draft_mark(small_portfolio, tmp_path):
    build(small_portfolio.root, tmp_path / "output", BuildOptions(jobs=1))
    pages = PdfReader(tmp_path / "output/pdf/postbedrijf.pdf").pages
    text = "".join(page.extract_text() for page in pages)
    assert "CONCEPTRAPPORT" not in text.upper()
