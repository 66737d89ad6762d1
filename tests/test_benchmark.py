"""The benchmark runs end to end at a tiny size, so it cannot rot (its figures are not judged)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from measure import PeakMemory, timed  # noqa: E402  (benchmarks/ is not a package)
from peers import convert  # noqa: E402
from synthetic import generate  # noqa: E402

FIGURES = [
    "check_s",
    "site_only_s",
    "full_build_s",
    "no_change_rebuild_s",
    "no_change_cli_s",
    "one_finding_rebuild_s",
    "pdfs_only_s",
    "pdfs_only_1_job_s",
    "bare_weasyprint_s",
    "pdf_overhead_ratio",
    "pdf_parallel_speedup",
    "pages_per_s",
    "s_per_pdf_page",
    "peak_pss_mb",
    "full_build_cpu_s",
    "cpu_s_per_organisation",
    "one_finding_site_rebuild_s",
    "one_finding_site_ratio",
    "site_only_cli_s",
    "one_finding_site_cli_s",
    "one_finding_site_cli_ratio",
    "serve_edit_pages_s",
]


def test_the_benchmark_measures_every_figure_at_a_tiny_size(tmp_path):
    results = tmp_path / "results.json"
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks/run.py"),
            "--organisations",
            "2",
            "--findings",
            "2",
            "--anecdotes",
            "1",
            "--runs",
            "1",
            "--jobs",
            "2",
            "--json",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    figures = json.loads(results.read_text())
    assert figures["organisations"] == 2 and figures["pdfs"] == 2
    assert figures["pages"] > 10 and figures["pdf_pages"] > 10
    for name in FIGURES:
        assert figures[name] > 0, name
        assert name in run.stdout  # and in the table
    assert figures["no_change_rebuild_s"] < figures["full_build_s"]


def test_the_memory_sampler_sees_a_child_that_allocates_100_mb():
    allocate = "import time; block = b'x' * (100 * 2**20); time.sleep(1)"
    child = subprocess.Popen([sys.executable, "-c", allocate])
    with PeakMemory(child.pid) as memory:
        child.wait()
    assert memory.peak >= 100 * 2**20


def test_a_timed_command_counts_the_cpu_of_the_processes_it_started():
    spin = "import time; end = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {spin!r}])"
    assert timed([sys.executable, "-c", parent]).cpu >= 0.3


def test_the_peers_get_the_same_bodies_under_only_a_title(tmp_path):
    source = generate(tmp_path / "audits", organisations=1, findings=1, anecdotes=1)
    hugo, mkdocs = convert(source, tmp_path / "peers")
    finding = Path("organisatie-000/2026-najaar/findings/bevinding-00.md")
    body = (source / finding).read_text(encoding="utf-8").split("---\n", 2)[2]
    for converted in (hugo / "content" / finding, mkdocs / "docs" / finding):
        front, kept = converted.read_text(encoding="utf-8").split("---\n", 2)[1:]
        assert front.startswith('title: "Bevinding 00 over ') and front.count("\n") == 1
        assert kept == body
