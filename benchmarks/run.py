"""The build benchmark: a synthetic portfolio, timed the way a consultant uses the tool.

    python benchmarks/run.py                       # 50 organisations x 30 findings x 8 stories
    python benchmarks/run.py --organisations 5 --runs 1 --json results.json
    python benchmarks/run.py --peers               # and the race against Hugo and MkDocs

Every figure is the median of --runs runs, measured in this process through the same
functions `python build.py` calls (the command line adds about a second of Python imports,
reported separately), except the full build: that one is the command line itself, so its
peak memory (summed PSS, see measure.py) and CPU time are the whole process tree's, the
build, its pool workers and Pagefind, and nothing of this process. Bare WeasyPrint renders
the very same print HTML, so the PDF overhead is a ratio measured in the same run on the
same machine. With --peers, the race of peers.py runs on the same portfolio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # synthetic.py, next to this file
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # klantspiegel, uninstalled

import pikepdf
import weasyprint
from measure import timed
from peers import install_peers, race
from synthetic import generate

from klantspiegel.build_options import BuildOptions
from klantspiegel.pdf import PdfInputs, pdf_html, render_pdf
from klantspiegel.pipeline import Remembered, build, check
from klantspiegel.report import build_report, latest_scores
from klantspiegel.templating import THEME_DIR

REPO = Path(__file__).resolve().parent.parent


SERVE_EDITS = 5  # at least, for the median of serve's pages after an edit


def median_seconds(runs: int, prepare: Callable[[], None], measure: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        prepare()
        started = time.perf_counter()
        measure()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(
    organisations: int,
    findings: int,
    anecdotes: int,
    runs: int,
    jobs: int,
    pdf_sample: int,
    peers: bool = False,
) -> dict:
    """Every figure on a fresh synthetic portfolio (and the peer race when `peers`)."""
    installed = install_peers() if peers else None  # first: pip's own CPU is not in any figure
    work = Path(tempfile.mkdtemp(prefix="klantspiegel-bench-"))
    try:
        figures = _measure(work, organisations, findings, anecdotes, runs, jobs, pdf_sample)
        if installed:
            figures.update(race(work / "audits", work / "race", runs, jobs, installed))
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _measure(
    work: Path,
    organisations: int,
    findings: int,
    anecdotes: int,
    runs: int,
    jobs: int,
    pdf_sample: int,
) -> dict:
    source = generate(work / "audits", organisations, findings, anecdotes, seed=1)
    output = work / "out" / "output"

    def clean() -> None:
        shutil.rmtree(work / "out", ignore_errors=True)

    figures: dict = {
        "organisations": organisations,
        "findings_per_organisation": findings,
        "anecdotes_per_organisation": anecdotes,
        "runs": runs,
        "jobs": jobs,
        "cores": os.cpu_count(),
    }
    figures["check_s"] = median_seconds(runs, lambda: None, lambda: check(source))
    site = {}
    figures["site_only_s"] = median_seconds(
        runs,
        clean,
        lambda: site.update(r=build(source, output, BuildOptions(pdf=False, jobs=jobs))),
    )
    figures["pages"] = site["r"].pages
    figures["pages_per_s"] = site["r"].pages / figures["site_only_s"]

    full = []
    for _ in range(runs):
        clean()
        full.append(timed(_cli(source, output, "--jobs", str(jobs)), memory=True))
    figures["full_build_s"] = statistics.median(t.wall for t in full)
    figures["full_build_cpu_s"] = statistics.median(t.cpu for t in full)
    figures["peak_pss_mb"] = max(t.peak_pss for t in full) / 2**20
    pdfs = sorted((output / "pdf").glob("*.pdf"))
    figures["pdfs"] = len(pdfs)
    figures["pdf_pages"] = sum(_page_count(pdf) for pdf in pdfs)
    # what one more report costs, site and PDF, for a portfolio of any size
    figures["cpu_s_per_organisation"] = figures["full_build_cpu_s"] / organisations
    figures["wall_s_per_organisation"] = figures["full_build_s"] / organisations
    figures["no_change_rebuild_s"] = median_seconds(
        runs, lambda: None, lambda: build(source, output, BuildOptions(jobs=jobs))
    )
    figures["no_change_cli_s"] = median_seconds(
        runs,
        lambda: None,
        lambda: subprocess.run(_cli(source, output), check=True),
    )
    finding = next((source / "organisatie-000" / "2026-najaar" / "findings").glob("*.md"))
    original = finding.read_text(encoding="utf-8")
    edits = iter(range(10**6))

    def edit() -> None:
        finding.write_text(f"{original}\nEdit number {next(edits)}.\n", encoding="utf-8")

    figures["one_finding_rebuild_s"] = median_seconds(
        runs, edit, lambda: build(source, output, BuildOptions(jobs=jobs))
    )
    site_only = BuildOptions(pdf=False, jobs=jobs)
    build(source, output, site_only)  # the edits below start from a site-only output
    figures["one_finding_site_rebuild_s"] = median_seconds(
        runs, edit, lambda: build(source, output, site_only)
    )
    figures["one_finding_site_ratio"] = (
        figures["one_finding_site_rebuild_s"] / figures["site_only_s"]
    )
    # The same from the command line, as a consultant runs it: a process of its own, which
    # imports, reads every file and compiles its templates again (the figures above come
    # from a process that built before, with its YAML texts and templates in memory).
    site_cli = _cli(source, output, "--no-pdf", "--jobs", str(jobs))
    figures["site_only_cli_s"] = median_seconds(
        runs, clean, lambda: subprocess.run(site_cli, check=True)
    )
    figures["one_finding_site_cli_s"] = median_seconds(
        runs, edit, lambda: subprocess.run(site_cli, check=True)
    )
    figures["one_finding_site_cli_ratio"] = (
        figures["one_finding_site_cli_s"] / figures["site_only_cli_s"]
    )
    # what serve does after a save inside one organisation: its pages first, in a process
    # that has built before (templates compiled; YAML texts, organisations and the cache's
    # files remembered);
    # the rest follows
    pages_first = replace(site_only, pages_first=True, only=finding.parents[2].name)
    remembered = Remembered()
    build(source, output, pages_first, remembered=remembered)
    figures["serve_edit_pages_s"] = median_seconds(  # under a second: one sample is noise
        max(runs, SERVE_EDITS),
        edit,
        lambda: build(source, output, pages_first, remembered=remembered),
    )
    finding.write_text(original, encoding="utf-8")
    build(source, output, site_only)

    figures.update(_pdfs(source, runs, jobs, pdf_sample))
    return figures


def _cli(source: Path, output: Path, *options: str) -> list[str]:
    """`python build.py build --quiet` on source into output, with options."""
    command = [sys.executable, str(REPO / "build.py"), "build", "--quiet", *options]
    return [*command, "--source", str(source), "--output", str(output)]


def _page_count(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def _pdfs(source: Path, runs: int, jobs: int, sample: int) -> dict:
    """Our PDFs (1 job and `jobs` jobs) against bare WeasyPrint on the same print HTML.

    On the first `sample` organisations: a ratio needs the same work on both sides, not all
    of it (the full build above renders every PDF).
    """
    portfolio, _ = check(source)
    peers = latest_scores(portfolio)
    reports = [
        build_report(o, portfolio, peers, audience="client")
        for o in portfolio.organisations[:sample]
    ]
    htmls = [pdf_html(PdfInputs.of(r, portfolio, THEME_DIR)) for r in reports]
    target = Path(tempfile.mkdtemp(prefix="klantspiegel-pdf-"))
    base = THEME_DIR.resolve().as_uri() + "/"

    def bare(**options: str) -> None:
        for number, html in enumerate(htmls):
            weasyprint.HTML(string=html, base_url=base).write_pdf(
                target / f"bare-{number}.pdf", **options
            )

    def ours() -> int:
        return sum(
            render_pdf(PdfInputs.of(r, portfolio, THEME_DIR), target / f"{r.organisation.slug}.pdf")
            for r in reports
        )

    pages = ours()
    figures: dict = {
        "pdf_sample_organisations": len(reports),
        "bare_weasyprint_s": median_seconds(runs, lambda: None, bare),
        # the same job as ours (a tagged PDF/UA-1): what remains is our own overhead
        "bare_weasyprint_pdfua_s": median_seconds(
            runs, lambda: None, lambda: bare(pdf_variant="pdf/ua-1")
        ),
        "pdfs_only_1_job_s": median_seconds(runs, lambda: None, ours),
    }
    figures["pdfs_only_s"] = median_seconds(
        runs, lambda: None, lambda: _parallel(reports, portfolio, target, jobs)
    )
    figures["pdf_overhead_ratio"] = (
        figures["pdfs_only_1_job_s"] / figures["bare_weasyprint_pdfua_s"]
    )
    figures["pdf_ratio_to_untagged"] = figures["pdfs_only_1_job_s"] / figures["bare_weasyprint_s"]
    figures["pdf_parallel_speedup"] = figures["pdfs_only_1_job_s"] / figures["pdfs_only_s"]
    figures["s_per_pdf_page"] = figures["pdfs_only_1_job_s"] / pages
    shutil.rmtree(target, ignore_errors=True)
    return figures


def _parallel(reports: list, portfolio, target: Path, jobs: int) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
        list(
            pool.map(
                render_pdf,
                [PdfInputs.of(r, portfolio, THEME_DIR) for r in reports],
                [target / f"p-{r.organisation.slug}.pdf" for r in reports],
            )
        )


TARGETS = {  # figure: (target, lower is better)
    "site_only_s": (3.0, True),
    "no_change_rebuild_s": (0.5, True),
    "one_finding_rebuild_s": (3.0, True),
    "one_finding_site_cli_ratio": (0.1, True),
    "serve_edit_pages_s": (0.6, True),
    "pdf_overhead_ratio": (1.1, True),
    "pdf_parallel_speedup": (1.7, False),
    "s_per_pdf_page": (0.09, True),
    "peak_pss_mb": (500.0, True),
    # the peer race (issue 16): side by side, on the same Markdown, in one run
    "ours_to_hugo_pagefind_wall": (2.0, True),
    "ours_to_hugo_pagefind_cpu": (2.0, True),
    "mkdocs_to_ours_wall": (2.0, False),
    "mkdocs_to_ours_cpu": (2.0, False),
}


def table(figures: dict) -> str:
    """The figures, one a line, each target beside its figure with whether it was met."""
    lines = [f"{'figure':<32} {'value':>10}  target", f"{'-' * 32} {'-' * 10}  {'-' * 12}"]
    for name, value in figures.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        target = ""
        if name in TARGETS:
            limit, lower = TARGETS[name]
            met = value <= limit if lower else value >= limit
            target = f"{'<=' if lower else '>='} {limit:g} {'met' if met else 'MISSED'}"
        lines.append(f"{name:<32} {shown:>10}  {target}")
    return "\n".join(lines)


def portfolio_arguments(description: str) -> argparse.ArgumentParser:
    """A parser with what every benchmark asks: the synthetic portfolio's size, the runs,
    the jobs and where to write the figures."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--organisations", type=int, default=50)
    parser.add_argument("--findings", type=int, default=30)
    parser.add_argument("--anecdotes", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="median of this many runs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = portfolio_arguments(__doc__.split("\n")[0])
    parser.add_argument(
        "--pdf-sample",
        type=int,
        default=6,
        help="organisations in the PDF comparison with bare WeasyPrint",
    )
    parser.add_argument(
        "--peers",
        action="store_true",
        help="also race Hugo + Pagefind and MkDocs (installed into benchmarks/.peers/)",
    )
    args = parser.parse_args(argv)
    figures = run(
        args.organisations,
        args.findings,
        args.anecdotes,
        args.runs,
        args.jobs,
        args.pdf_sample,
        args.peers,
    )
    report(figures, args.json)
    return 0


def report(figures: dict, json_path: Path | None) -> None:
    """Print the figures as a table, and write them as JSON when asked."""
    if json_path:
        json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(table(figures))


if __name__ == "__main__":
    sys.exit(main())
