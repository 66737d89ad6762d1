"""The benchmark runs end to end at a tiny size, so it cannot rot (its figures are not judged)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
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
    "peak_rss_mb",
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
