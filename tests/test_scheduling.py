"""Which of a build's tasks may run side by side in the pool: the site's search index never
beside a PDF, the two largest things a build runs (Pagefind about 220 MB, a PDF about 200 MB)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from conftest import PortfolioWriter

import klantspiegel.render
from klantspiegel.build_options import BuildOptions
from klantspiegel.pipeline import build
from klantspiegel.render import SEARCH_TASK, _next_task

PAGES_A, PDF_A, PAGES_B, PDF_B = ("pages", "a"), ("pdf", "a"), ("pages", "b"), ("pdf", "b")
EXPORTS = ("exports", "")


def test_the_first_waiting_task_starts_when_nothing_keeps_it_waiting():
    assert _next_task([PAGES_B, PDF_B], [PDF_A]) == PAGES_B
    assert _next_task([PDF_B, PAGES_B], [PAGES_A]) == PDF_B
    assert _next_task([SEARCH_TASK, PDF_B], [EXPORTS]) == SEARCH_TASK
    assert _next_task([PDF_B], []) == PDF_B


def test_the_search_index_waits_while_a_pdf_is_rendered_and_lets_other_tasks_pass():
    assert _next_task([SEARCH_TASK], [PDF_A]) is None
    assert _next_task([SEARCH_TASK, EXPORTS], [PDF_A]) == EXPORTS
    assert _next_task([SEARCH_TASK, PDF_B], [PDF_A]) == PDF_B


def test_a_pdf_waits_while_the_search_index_is_built():
    assert _next_task([PDF_B], [SEARCH_TASK]) is None
    assert _next_task([PDF_B, PAGES_B], [SEARCH_TASK]) == PAGES_B


def test_nothing_waits_when_nothing_runs():
    assert _next_task([SEARCH_TASK, PDF_B], []) == SEARCH_TASK
    assert _next_task([], []) is None


def test_in_a_build_with_two_workers_the_search_index_and_the_pdfs_never_overlap(
    tmp_path, monkeypatch
):
    w = PortfolioWriter(tmp_path / "audits")
    for slug in ("noord", "zuid", "oost"):
        w.organisation(slug, name=f"Bedrijf {slug.title()}")
        w.audit(slug)
        w.finding(slug, "centrale-lijn")
    log = tmp_path / "tasks.jsonl"
    run_task = klantspiegel.render._run_task

    def timed(job, task):  # in the forked workers: each appends whole lines to one file
        start = time.monotonic()
        try:
            return run_task(job, task)
        finally:
            line = json.dumps([task[0], start, time.monotonic()]) + "\n"
            descriptor = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            os.write(descriptor, line.encode())
            os.close(descriptor)

    monkeypatch.setattr(klantspiegel.render, "_run_task", timed)

    build(w.root, tmp_path / "output", BuildOptions(pdf=True, jobs=2))

    spans = [json.loads(line) for line in log.read_text().splitlines()]
    search = [(start, end) for kind, start, end in spans if kind == "search"]
    pdfs = [(start, end) for kind, start, end in spans if kind == "pdf"]
    assert len(search) == 1 and len(pdfs) == 3
    ((search_start, search_end),) = search
    assert all(end <= search_start or start >= search_end for start, end in pdfs)
    assert Path(tmp_path / "output/pdf/noord.pdf").is_file()
