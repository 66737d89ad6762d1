"""The build benchmark: a synthetic portfolio, timed the way a consultant uses the tool.

    python benchmarks/run.py                       # 50 organisations x 30 findings x 8 stories
    python benchmarks/run.py --organisations 5 --runs 1 --json results.json

Every figure is the median of --runs runs, measured in this process through the same
functions `python build.py` calls (the command line adds about a second of Python imports,
reported separately). Bare WeasyPrint renders the very same print HTML, so the PDF overhead
is a ratio measured in the same run on the same machine. Peak memory is sampled over the whole
process tree (the build and its pool workers and Pagefind).
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
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # synthetic.py, next to this file
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # klantspiegel, uninstalled

import weasyprint
from synthetic import generate

from klantspiegel.build_options import BuildOptions
from klantspiegel.pdf import PdfInputs, pdf_html, render_pdf
from klantspiegel.pipeline import build, check
from klantspiegel.report import build_report, latest_scores
from klantspiegel.templating import THEME_DIR

REPO = Path(__file__).resolve().parent.parent


def median_seconds(runs: int, prepare: Callable[[], None], measure: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        prepare()
        started = time.perf_counter()
        measure()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class PeakMemory:
    """Samples the resident memory of this process and all its descendants, every 20 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, tree_rss(os.getpid()))


def tree_rss(root: int) -> int:
    """Bytes resident in `root` and every process below it (from /proc)."""
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


def run(
    organisations: int, findings: int, anecdotes: int, runs: int, jobs: int, pdf_sample: int
) -> dict:
    work = Path(tempfile.mkdtemp(prefix="klantspiegel-bench-"))
    try:
        return _measure(work, organisations, findings, anecdotes, runs, jobs, pdf_sample)
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

    full = {}
    with PeakMemory() as memory:
        figures["full_build_s"] = median_seconds(
            runs, clean, lambda: full.update(r=build(source, output, BuildOptions(jobs=jobs)))
        )
    figures["peak_rss_mb"] = memory.peak / 2**20
    figures["pdfs"] = full["r"].pdfs
    figures["pdf_pages"] = full["r"].pdf_pages
    figures["no_change_rebuild_s"] = median_seconds(
        runs, lambda: None, lambda: build(source, output, BuildOptions(jobs=jobs))
    )
    figures["no_change_cli_s"] = median_seconds(
        runs,
        lambda: None,
        lambda: subprocess.run(
            [
                sys.executable,
                str(REPO / "build.py"),
                "build",
                "--quiet",
                "--source",
                str(source),
                "--output",
                str(output),
            ],
            check=True,
        ),
    )
    finding = next((source / "organisatie-000" / "2026-najaar" / "findings").glob("*.md"))
    original = finding.read_text(encoding="utf-8")
    edits = iter(range(10**6))
    figures["one_finding_rebuild_s"] = median_seconds(
        runs,
        lambda: finding.write_text(f"{original}\nEdit number {next(edits)}.\n"),
        lambda: build(source, output, BuildOptions(jobs=jobs)),
    )
    finding.write_text(original, encoding="utf-8")

    figures.update(_pdfs(source, runs, jobs, pdf_sample))
    return figures


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


TARGETS = {  # (figure, target, lower is better)
    "site_only_s": (3.0, True),
    "no_change_rebuild_s": (0.5, True),
    "one_finding_rebuild_s": (3.0, True),
    "pdf_overhead_ratio": (1.1, True),
    "pdf_parallel_speedup": (1.7, False),
    "peak_rss_mb": (600.0, True),
}


def table(figures: dict) -> str:
    lines = [f"{'figure':<28} {'value':>10}  target", f"{'-' * 28} {'-' * 10}  {'-' * 12}"]
    for name, value in figures.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        target = ""
        if name in TARGETS:
            limit, lower = TARGETS[name]
            met = value <= limit if lower else value >= limit
            target = f"{'<=' if lower else '>='} {limit:g} {'met' if met else 'MISSED'}"
        lines.append(f"{name:<28} {shown:>10}  {target}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisations", type=int, default=50)
    parser.add_argument("--findings", type=int, default=30)
    parser.add_argument("--anecdotes", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="median of this many runs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--pdf-sample",
        type=int,
        default=6,
        help="organisations in the PDF comparison with bare WeasyPrint",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    figures = run(
        args.organisations, args.findings, args.anecdotes, args.runs, args.jobs, args.pdf_sample
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
