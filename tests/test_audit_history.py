"""Every audit's report at a stable address (`<org>/audits/<audit>/`), linked from the trend:
its own findings and stories, a banner pointing to the latest report, the client's earlier
final audits in its bundle (never a draft), and incremental rebuilds that follow an edit."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import PortfolioWriter
from hostile_kit import assert_nothing_leaked, output_texts

from klantspiegel.build_options import BuildOptions
from klantspiegel.load import load_portfolio
from klantspiegel.pipeline import build
from klantspiegel.report import build_report, latest_scores

SECRET = "GEHEIM-CONCEPT-7731"


def two_audits(w: PortfolioWriter) -> PortfolioWriter:
    """Organisation 'post': a 2025 audit and a 2026 audit, each with a finding and a story."""
    w.organisation("post", name="Post Noord")
    w.audit("post", "2025", date="2025-10-01")
    w.anecdote("post", "oud-verhaal", audit="2025", title="Het oude verhaal")
    w.finding(
        "post",
        "oude-bevinding",
        audit="2025",
        title="De oude bevinding",
        anecdotes="oud-verhaal",
        score=2,
    )
    w.audit("post", "2026", date="2026-10-01")
    w.anecdote("post", "nieuw-verhaal", title="Het nieuwe verhaal")
    w.finding(
        "post", "nieuwe-bevinding", title="De nieuwe bevinding", anecdotes="nieuw-verhaal", score=4
    )
    return w


def build_two_audits(folder: Path) -> tuple[PortfolioWriter, Path]:
    w = two_audits(PortfolioWriter(folder / "audits"))
    output = folder / "output"
    build(w.root, output, BuildOptions(pdf=False))
    return w, output


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[PortfolioWriter, Path]:
    """Built once for the tests that only read it."""
    return build_two_audits(tmp_path_factory.mktemp("history"))


def page(output: Path, path: str) -> str:
    return (output / path).read_text(encoding="utf-8")


def test_every_audit_has_a_report_at_its_stable_address_with_its_own_findings_and_stories(built):
    _, output = built
    earlier = page(output, "site/post/audits/2025/index.html")
    assert "De oude bevinding" in earlier and "Het oude verhaal" in earlier
    assert "De nieuwe bevinding" not in earlier
    finding = page(output, "site/post/audits/2025/findings/oude-bevinding.html")
    assert "De oude bevinding" in finding
    assert 'href="../anecdotes/oud-verhaal.html"' in finding
    assert "Het oude verhaal" in page(output, "site/post/audits/2025/anecdotes/oud-verhaal.html")


def test_the_latest_report_keeps_its_address(built):
    _, output = built
    assert "De nieuwe bevinding" in page(output, "site/post/index.html")
    assert (output / "site/post/findings/nieuwe-bevinding.html").is_file()


def test_an_earlier_audits_report_compares_with_the_audit_before_it_and_its_history_stops_there(
    portfolio_writer,
):
    w = two_audits(portfolio_writer)
    w.audit("post", "2024", date="2024-10-01")
    w.finding("post", "oudste", audit="2024", score=1)
    portfolio, _ = load_portfolio(w.root)
    report = build_report(
        portfolio.organisations[0], portfolio, latest_scores(portfolio), audience="consultant"
    )
    middle = report.earlier[1]
    assert middle.audit.slug == "2025"
    assert [p.audit.slug for p in middle.history] == ["2024", "2025"]
    assert middle.previous_audit.slug == "2024"
    assert middle.change.index == pytest.approx(1.0)
    assert [r.audit.slug for r in report.earlier] == ["2024", "2025"]
    assert all(r.earlier == () for r in report.earlier)


def test_an_earlier_audits_report_has_no_sector_benchmark(portfolio_writer):
    w = two_audits(portfolio_writer)
    for peer in ("a", "b", "c"):
        w.organisation(peer)
        w.audit(peer)
        w.finding(peer, "f", score=3)
    portfolio, _ = load_portfolio(w.root)
    post = next(o for o in portfolio.organisations if o.slug == "post")
    report = build_report(post, portfolio, latest_scores(portfolio), audience="consultant")
    assert report.benchmark is not None  # the latest audit is compared with today's peers
    assert report.earlier[0].benchmark is None


def test_the_trend_links_each_audit_to_its_report(built):
    _, output = built
    trend = page(output, "site/post/index.html").split('id="trend"')[1].split("</section>")[0]
    assert 'href="audits/2025/index.html"' in trend
    assert "dit rapport" in trend  # the latest audit: this very page


def test_an_earlier_audits_trend_links_the_audits_before_it(portfolio_writer, tmp_path):
    w = two_audits(portfolio_writer)
    w.audit("post", "2024", date="2024-10-01")
    w.finding("post", "oudste", audit="2024", score=1)
    build(w.root, tmp_path / "output", BuildOptions(pdf=False))
    trend = page(tmp_path / "output", "site/post/audits/2025/index.html").split('id="trend"')[1]
    assert 'href="../../audits/2024/index.html"' in trend
    assert "audits/2026" not in trend  # the history stops at the audit itself


@pytest.mark.parametrize(
    ("path", "latest"),
    [
        ("audits/2025/index.html", "../../index.html"),
        ("audits/2025/findings/oude-bevinding.html", "../../../index.html"),
        ("audits/2025/anecdotes/oud-verhaal.html", "../../../index.html"),
    ],
)
def test_every_page_of_an_earlier_audit_has_a_banner_to_the_latest_report(built, path, latest):
    _, output = built
    html = page(output, f"site/post/{path}")
    banner = html.split('class="earlier-audit"')[1].split("</div>")[0]
    assert "Een eerdere audit: 1 oktober 2025." in banner
    assert f'href="{latest}"' in banner


def test_the_latest_report_has_no_banner(built):
    _, output = built
    assert "earlier-audit" not in page(output, "site/post/index.html")
    assert "earlier-audit" not in page(output, "site/post/findings/nieuwe-bevinding.html")


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("audits/2026/index.html", "../../index.html"),
        ("audits/2026/findings/nieuwe-bevinding.html", "../../../findings/nieuwe-bevinding.html"),
        ("audits/2026/anecdotes/nieuw-verhaal.html", "../../../anecdotes/nieuw-verhaal.html"),
    ],
)
def test_the_latest_audits_stable_address_leads_to_its_report(built, path, target):
    _, output = built
    html = page(output, f"site/post/{path}")
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in html
    assert f'<link rel="canonical" href="{target}">' in html
    assert "data-pagefind-body" not in html


def test_earlier_audits_are_marked_in_the_search_index(built):
    _, output = built
    index = " ".join(text for name, text in output_texts(output / "site/pagefind"))
    assert "De oude bevinding" in index
    assert "Post Noord · eerdere audit van 1 oktober 2025" in index


def test_the_client_bundle_holds_the_clients_earlier_final_audits(built):
    _, output = built
    bundle = output / "clients/post"
    assert "De oude bevinding" in page(bundle, "audits/2025/index.html")
    assert (bundle / "audits/2025/findings/oude-bevinding.html").is_file()
    assert 'href="audits/2025/index.html"' in page(bundle, "index.html")


def test_no_draft_audit_or_draft_finding_of_an_earlier_audit_reaches_a_client(
    portfolio_writer, tmp_path
):
    w = two_audits(portfolio_writer)
    w.finding("post", "concept", audit="2025", title=f"Concept {SECRET}", status="draft")
    w.write(
        "post/2024/audit.yaml",
        f"title: Oud {SECRET}\ndate: 2024-10-01\nauditors: [Eva]\nscope: All.\nstatus: draft\n",
    )
    w.finding("post", "oudste", audit="2024", title=f"Oudste {SECRET}")
    output = tmp_path / "output"
    build(w.root, output, BuildOptions(pdf=False))
    assert (output / "site/post/audits/2024/index.html").is_file()  # the consultant sees it
    assert (output / "site/post/audits/2025/findings/concept.html").is_file()
    assert not (output / "clients/post/audits/2024").exists()
    assert (output / "clients/post/audits/2025/index.html").is_file()
    assert_nothing_leaked(output / "clients", SECRET)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.urls.append(values[name])
        if tag == "meta" and values.get("http-equiv") == "refresh":
            self.urls.append(str(values["content"]).split("url=", 1)[1])


def dead_links(folder: Path) -> list[str]:
    """Every 'page -> link' in the HTML under `folder` whose target file does not exist."""
    dead = []
    for html in folder.rglob("*.html"):
        if "pagefind" in html.parts:
            continue
        parser = _Links()
        parser.feed(html.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or not parts.path:
                continue
            if not (html.parent / unquote(parts.path)).resolve().is_file():
                dead.append(f"{html.relative_to(folder)} -> {url}")
    return dead


def test_no_link_of_the_site_or_a_bundle_is_dead(built):
    _, output = built
    assert dead_links(output / "site") == []
    assert dead_links(output / "clients/post") == []


def test_editing_an_earlier_audits_finding_renders_its_page_and_the_trend_again(tmp_path):
    w, output = build_two_audits(tmp_path)
    w.finding(
        "post",
        "oude-bevinding",
        audit="2025",
        title="De herschreven bevinding",
        anecdotes="oud-verhaal",
        score=3,
    )
    result = build(w.root, output, BuildOptions(pdf=False))
    for path in (
        "site/post/audits/2025/findings/oude-bevinding.html",
        "site/post/audits/2025/index.html",
        "site/post/index.html",
        "clients/post/audits/2025/findings/oude-bevinding.html",
    ):
        assert path in result.rendered, path
    assert "De herschreven bevinding" in page(output, "site/post/audits/2025/index.html")
    trend = page(output, "site/post/index.html").split('id="trend"')[1]
    assert re.search(r"Totaalindex\s+3,0", trend)
