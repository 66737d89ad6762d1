"""Where a build's tasks run: pages, exports and client bundles in the pool, and the search
index beside the bundles once every page exists; then each PDF in a child forked from the
build for it, at most --jobs at once. So no pool worker waits beside the PDFs, and the search
index (Pagefind, about 220 MB) never runs beside a PDF (about 200 MB each): two PDFs side by
side are the build's memory peak."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import PortfolioWriter

import klantspiegel.render
from klantspiegel.build_options import BuildOptions
from klantspiegel.pipeline import build
from klantspiegel.templating import THEME_DIR


def logging_tasks_to(log: Path, run_task, slower: dict[str, float] | None = None):
    """run_task that appends (kind, start, end, pid, parent pid) of each task to log; a task
    of a kind in `slower` takes that many seconds more."""

    def logged(job, task):  # in forked processes: each appends whole lines to one file
        start = time.monotonic()
        try:
            time.sleep((slower or {}).get(task[0], 0.0))
            return run_task(job, task)
        finally:
            line = json.dumps([task[0], start, time.monotonic(), os.getpid(), os.getppid()])
            descriptor = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            os.write(descriptor, f"{line}\n".encode())
            os.close(descriptor)

    return logged


@pytest.fixture(scope="module")
def three_organisations_built_with_two_jobs(tmp_path_factory):
    """The output of a two-job build of three organisations with PDFs, and its tasks."""
    root = tmp_path_factory.mktemp("scheduling")
    w = PortfolioWriter(root / "audits")
    for slug in ("noord", "zuid", "oost"):
        w.organisation(slug, name=f"Bedrijf {slug.title()}")
        w.audit(slug)
        w.finding(slug, "centrale-lijn")
    log = root / "tasks.jsonl"
    with pytest.MonkeyPatch.context() as patch:
        # bundles as slow as a large organisation's, so the pool is still at work on them
        # when the last pages are done
        logged = logging_tasks_to(log, klantspiegel.render._run_task, {"bundle": 0.5})
        patch.setattr(klantspiegel.render, "_run_task", logged)
        build(w.root, root / "output", BuildOptions(pdf=True, jobs=2))
    return root / "output", [json.loads(line) for line in log.read_text().splitlines()]


def test_the_search_index_starts_when_the_last_pages_are_done_and_runs_beside_the_bundles(
    three_organisations_built_with_two_jobs,
):
    _, tasks = three_organisations_built_with_two_jobs
    ((search_start, search_end, search_pid, _),) = [t[1:] for t in tasks if t[0] == "search"]
    pages_ends = [end for kind, _, end, *_ in tasks if kind == "pages"]
    bundles = [(start, end, pid) for kind, start, end, pid, _ in tasks if kind == "bundle"]

    assert len(pages_ends) == 3 and len(bundles) == 3
    assert search_start >= max(pages_ends)
    assert search_pid == os.getpid()  # a thread of the build: no pool worker waits for it
    assert any(start < search_end and search_start < end for start, end, _ in bundles)
    assert os.getpid() not in {pid for _, _, pid in bundles}


def test_the_search_index_and_the_pdfs_never_overlap(three_organisations_built_with_two_jobs):
    output, tasks = three_organisations_built_with_two_jobs
    search = [(start, end) for kind, start, end, *_ in tasks if kind == "search"]
    pdfs = [(start, end) for kind, start, end, *_ in tasks if kind == "pdf"]

    assert len(search) == 1 and len(pdfs) == 3
    ((search_start, search_end),) = search
    assert all(end <= search_start or start >= search_end for start, end in pdfs)
    assert sorted(p.name for p in (output / "pdf").iterdir()) == [
        "noord.pdf",
        "oost.pdf",
        "zuid.pdf",
    ]


def test_each_pdf_is_rendered_in_a_child_of_the_build_of_its_own(
    three_organisations_built_with_two_jobs,
):
    _, tasks = three_organisations_built_with_two_jobs
    pdf_processes = [(pid, parent) for kind, _, _, pid, parent in tasks if kind == "pdf"]
    page_workers = {pid for kind, _, _, pid, _ in tasks if kind == "pages"}

    assert {parent for _, parent in pdf_processes} == {os.getpid()}
    assert len({pid for pid, _ in pdf_processes}) == 3
    assert not page_workers & {pid for pid, _ in pdf_processes}


def test_at_most_jobs_pdfs_are_rendered_side_by_side(three_organisations_built_with_two_jobs):
    _, tasks = three_organisations_built_with_two_jobs
    events = sorted(
        [(start, 1) for kind, start, *_ in tasks if kind == "pdf"]
        + [(end, -1) for kind, _, end, *_ in tasks if kind == "pdf"]
    )
    running = [sum(step for _, step in events[: n + 1]) for n in range(len(events))]

    assert max(running) == 2


def tasks_after_an_edit(root: Path, pdf: bool):
    """The result and the logged tasks of a two-job build after an edit inside one of two
    organisations (zuid)."""
    w = PortfolioWriter(root / "audits")
    for slug in ("noord", "zuid"):
        w.organisation(slug, name=f"Bedrijf {slug.title()}")
        w.audit(slug)
        w.finding(slug, "centrale-lijn")
    build(w.root, root / "output", BuildOptions(pdf=pdf, jobs=2))
    finding = w.root / "zuid" / "2026" / "findings" / "centrale-lijn.md"
    finding.write_text(finding.read_text(encoding="utf-8") + "\nWat de balie zei.\n")
    log = root / "tasks.jsonl"

    with pytest.MonkeyPatch.context() as patch:
        logged = logging_tasks_to(log, klantspiegel.render._run_task)
        patch.setattr(klantspiegel.render, "_run_task", logged)
        result = build(w.root, root / "output", BuildOptions(pdf=pdf, jobs=2))

    return result, [json.loads(line) for line in log.read_text().splitlines()]


def test_after_an_edit_of_one_organisation_its_pdf_renders_beside_its_pages(tmp_path):
    """No pool: the build renders the pages itself while a child renders the PDF."""
    result, logged = tasks_after_an_edit(tmp_path, pdf=True)

    tasks = {
        kind: (start, end, pid, parent)
        for kind, start, end, pid, parent in logged
        if kind in ("pages", "pdf")
    }
    pages_start, pages_end, pages_pid, _ = tasks["pages"]
    pdf_start, pdf_end, _, pdf_parent = tasks["pdf"]
    assert pages_pid == os.getpid() and pdf_parent == os.getpid()
    assert pdf_start < pages_end and pages_start < pdf_end  # side by side
    assert "pdf/zuid.pdf" in result.rendered and "pdf/noord.pdf" not in result.rendered


def test_after_an_edit_of_one_organisation_its_pages_and_bundle_render_in_the_build(tmp_path):
    """No pool for one organisation's pages and client bundle: its start would cost more."""
    result, tasks = tasks_after_an_edit(tmp_path, pdf=False)

    assert {"pages", "bundle"} <= {kind for kind, *_ in tasks}
    assert {pid for _, _, _, pid, _ in tasks} == {os.getpid()}
    assert "site/zuid/index.html" in result.rendered
    assert "clients/zuid/index.html" in result.rendered


def test_the_search_thread_starts_only_after_the_pool_has_forked_its_workers(tmp_path, monkeypatch):
    """A fork copies no other thread, nor frees a lock one held: a worker forked while the
    search thread ran could wait forever on a lock that thread held. The case where the
    search could start first: no site page changed, so it needs no pages task to end."""
    import threading
    from concurrent.futures import process

    w = PortfolioWriter(tmp_path / "audits")
    for slug in ("noord", "zuid", "oost"):
        w.organisation(slug, name=f"Bedrijf {slug.title()}")
        w.audit(slug)
        w.finding(slug, "centrale-lijn")
    build(w.root, tmp_path / "output", BuildOptions(pdf=False, jobs=2))
    single_file = (THEME_DIR / "site" / "single_file.html").read_text(encoding="utf-8")
    w.write("templates/site/single_file.html", single_file + "\n")  # every bundle, no page
    threads_at_forks: list[list[str]] = []
    spawn = process.ProcessPoolExecutor._spawn_process

    def recorded(executor):
        threads_at_forks.append([t.name for t in threading.enumerate()])
        spawn(executor)

    monkeypatch.setattr(process.ProcessPoolExecutor, "_spawn_process", recorded)
    result = build(w.root, tmp_path / "output", BuildOptions(pdf=False, jobs=2))

    assert "clients/zuid/zuid.html" in result.rendered
    assert not any(name.startswith("site/") for name in result.rendered)
    assert len(threads_at_forks) == 2
    assert not any(n.startswith("search-index") for names in threads_at_forks for n in names)
