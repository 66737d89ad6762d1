"""End to end: `python build.py` on a small portfolio made in tmp_path, and its exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from klantspiegel.cli import main

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def built(small_portfolio, tmp_path) -> Path:
    output = tmp_path / "output"
    assert main(["--source", str(small_portfolio.root), "--output", str(output)]) == 0
    return output


def test_build_writes_the_portfolio_organisation_finding_and_story_pages(built):
    site = built / "site"
    assert (site / "index.html").is_file()
    assert (site / "postbedrijf/index.html").is_file()
    assert (site / "postbedrijf/findings/centrale-lijn.html").is_file()
    assert (site / "postbedrijf/findings/postbode-keert-terug.html").is_file()
    assert (site / "postbedrijf/anecdotes/gemist-pakje.html").is_file()
    assert (site / "assets/css/site.css").is_file()
    assert "Postbedrijf Noord" in (site / "index.html").read_text()


def test_build_writes_one_pdf_per_organisation(built):
    pdf = built / "pdf/postbedrijf.pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Postbedrijf Noord" in text
    assert "Finding centrale-lijn" in text


def test_the_latest_audit_is_reported_and_the_previous_one_gives_a_trend(small_portfolio, tmp_path):
    w = small_portfolio
    w.audit("postbedrijf", audit="2025", date="2025-10-01")
    w.finding("postbedrijf", "oud", audit="2025", title="Old finding", score=1)
    output = tmp_path / "output"
    assert main(["--source", str(w.root), "--output", str(output), "--no-pdf"]) == 0
    page = (output / "site/postbedrijf/index.html").read_text()
    assert "Audit 2026" in page
    assert "Old finding" not in page


def test_drafts_and_internal_notes_stay_out_of_the_pdf(small_portfolio, tmp_path):
    w = small_portfolio
    w.finding("postbedrijf", "concept", title="Secret draft finding", status="draft")
    w.finding("postbedrijf", "notitie", title="Noted finding", internal="Internal remark xyz")
    output = tmp_path / "output"
    assert main(["--source", str(w.root), "--output", str(output)]) == 0
    text = "".join(p.extract_text() for p in PdfReader(output / "pdf/postbedrijf.pdf").pages)
    assert "Noted finding" in text
    assert "Secret draft finding" not in text
    assert "Internal remark xyz" not in text
    bundle = "".join(p.read_text() for p in (output / "clients").rglob("*.html"))
    assert "Internal remark xyz" not in bundle  # the consultant's site shows it, marked


def test_markdown_text_is_never_evaluated_as_a_template(small_portfolio, tmp_path):
    w = small_portfolio
    path = w.root / "postbedrijf/2026/findings/centrale-lijn.md"
    path.write_text(path.read_text().replace("The body", "Sum {{ 7*7 }} and <script>x()</script>"))
    output = tmp_path / "output"
    assert main(["--source", str(w.root), "--output", str(output), "--no-pdf"]) == 0
    page = (output / "site/postbedrijf/findings/centrale-lijn.html").read_text()
    assert "{{ 7*7 }}" in page
    assert "<script>x()" not in page


def test_check_reports_problems_and_exits_1(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    path.write_text(path.read_text().replace("score: 2", "score: 7"))
    result = run_cli("check", "--source", str(small_portfolio.root))
    assert result.returncode == 1
    assert "centrale-lijn.md:4: score: 7 is out of range" in result.stderr


def test_check_of_a_valid_portfolio_exits_0_and_writes_nothing(small_portfolio, tmp_path):
    result = run_cli("check", "--source", str(small_portfolio.root), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 organisations" in result.stdout
    assert not (tmp_path / "output").exists()


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("--source", str(tmp_path / "missing")).returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_output_inside_the_portfolio_is_refused(small_portfolio):
    result = run_cli(
        "--source", str(small_portfolio.root), "--output", str(small_portfolio.root / "out")
    )
    assert result.returncode == 2


def test_a_failed_build_keeps_the_previous_output(small_portfolio, built):
    before = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    path.write_text(path.read_text().replace("score: 2", "score: 7"))
    assert main(["--source", str(small_portfolio.root), "--output", str(built)]) == 1
    after = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    assert after == before


def test_the_build_does_not_modify_the_sources(small_portfolio, tmp_path):
    before = {p: p.read_bytes() for p in small_portfolio.root.rglob("*") if p.is_file()}
    assert main(["--source", str(small_portfolio.root), "--output", str(tmp_path / "o")]) == 0
    after = {p: p.read_bytes() for p in small_portfolio.root.rglob("*") if p.is_file()}
    assert after == before


def test_the_example_portfolio_builds(tmp_path):
    shutil.copytree(REPO / "audits", tmp_path / "audits")
    result = run_cli("--source", str(tmp_path / "audits"), "--output", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    organisations = [p for p in (tmp_path / "audits").iterdir() if p.is_dir()]
    assert len(list((tmp_path / "out/pdf").glob("*.pdf"))) == len(organisations) >= 7


def test_a_broken_copy_of_the_example_fails_check_with_three_located_messages(tmp_path):
    shutil.copytree(REPO / "audits", tmp_path / "audits")
    finding = next(
        p
        for p in sorted((tmp_path / "audits").glob("*/*/findings/*.md"))
        if "\nowner:" in p.read_text()
    )
    # a typo in a key, a score of 7, a link to a missing anecdote
    lines = [ln for ln in finding.read_text().split("\n") if not ln.startswith("anecdotes:")]
    lines = [("ownr:" + ln[len("owner:") :]) if ln.startswith("owner:") else ln for ln in lines]
    lines = ["score: 7" if ln.startswith("score:") else ln for ln in lines]
    lines.insert(lines.index("---", 1), "anecdotes: [bestaat-niet]")
    finding.write_text("\n".join(lines))
    result = run_cli("check", "--source", "audits", cwd=tmp_path)  # paths relative to the cwd
    assert result.returncode == 1
    messages = [ln for ln in result.stderr.splitlines() if ln.startswith("audits/")]
    assert len(messages) == 3, result.stderr
    relative = finding.relative_to(tmp_path).as_posix()
    assert all(m.startswith(relative + ":") for m in messages)
    assert any(": score: 7 is out of range" in m for m in messages)
    assert any("unknown field 'ownr'" in m for m in messages)
    assert any("no anecdote 'bestaat-niet'" in m for m in messages)
