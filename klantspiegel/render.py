"""Rendering a build plan into the staging folder: only what changed, organisations in parallel.

The staging folder starts as a hard-linked copy of the previous output. An artifact whose key
is unchanged keeps its files; every other one is removed and rendered again. Files are never
written in place (that would write through the link into the previous output): they are
unlinked first.

Each organisation (its pages, its client bundle and its PDF) is one job in a process pool.
The workers are forked after the plan is made, so they share it without pickling.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from klantspiegel.cache import files_under
from klantspiegel.model import Portfolio
from klantspiegel.pdf import render_pdf
from klantspiegel.plan import (
    ASSETS_DIR,
    PDF_DIR,
    SITE_DIR,
    BuildPlan,
    OrganisationPlan,
    SitePlan,
)
from klantspiegel.site import SEARCH_DIR, Page, build_search_index, copy_assets, render_page

DEFAULT_PDF_TIME_LIMIT = 300.0  # seconds; the largest example report renders in about 4

PR_SET_PDEATHSIG = 1  # linux/prctl.h

Progress = Callable[[str, int, int], None]  # (what just finished, done, total)


class PdfTimeout(Exception):
    """A PDF took longer than the time limit to render."""


class RenderFailed(Exception):
    """One or more organisations could not be rendered; each message names its organisation."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class RenderOutcome:
    artifacts: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # id -> key, files
    rendered: list[str] = field(default_factory=list)  # ids rendered in this build
    pdf_pages: dict[str, int] = field(default_factory=dict)

    def merge(self, other: RenderOutcome) -> None:
        self.artifacts.update(other.artifacts)
        self.rendered += other.rendered
        self.pdf_pages.update(other.pdf_pages)


@dataclass(frozen=True)
class RenderJob:
    plan: BuildPlan
    portfolio: Portfolio
    theme_dir: Path
    staging: Path
    previous: Mapping[str, tuple[str, list[str]]]  # the previous build's manifest
    only: str | None
    pdf_time_limit: float


_JOB: RenderJob | None = None  # set before the pool forks; read by the workers


def render_plan(job: RenderJob, jobs: int, progress: Progress | None = None) -> RenderOutcome:
    """Render everything whose key changed; raises RenderFailed after trying every organisation."""
    global _JOB
    _remove_stale(job)
    outcome = RenderOutcome()
    outcome.merge(_render_site_pages(job, job.plan.site, job.plan.site.pages))
    todo = [o for o in job.plan.organisations if job.only in (None, o.slug)]
    outcome.merge(_keep_skipped(job, [o for o in job.plan.organisations if o not in todo]))
    failures: list[str] = []
    _JOB = job
    try:
        results = _run_organisations(todo, jobs, progress)
        for _slug, result in results:
            if isinstance(result, str):
                failures.append(result)
            else:
                outcome.merge(result)
    finally:
        _JOB = None
    if failures:
        raise RenderFailed(failures)
    outcome.merge(_render_search(job, job.plan.site, outcome))
    _prune_empty_folders(job.staging)
    return outcome


def _run_organisations(
    todo: list[OrganisationPlan], jobs: int, progress: Progress | None
) -> Iterator[tuple[str, RenderOutcome | str]]:
    if jobs <= 1 or len(todo) <= 1:
        for done, organisation in enumerate(todo, 1):
            yield organisation.slug, _organisation_job(organisation.slug)
            if progress:
                progress(organisation.name, done, len(todo))
        return
    if any(o.pdf_key for o in todo):
        import weasyprint  # noqa: F401  (once, before the fork, not once in every worker)
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=get_context("fork"),
                             initializer=_die_with_parent) as pool:
        futures = {pool.submit(_organisation_job, o.slug): o for o in todo}
        for done, future in enumerate(as_completed(futures), 1):
            organisation = futures[future]
            try:
                yield organisation.slug, future.result()
            except Exception as error:  # a worker that died: name the organisation
                yield organisation.slug, f"{organisation.name}: {type(error).__name__}: {error}"
            if progress:
                progress(organisation.name, done, len(todo))


def _die_with_parent() -> None:
    """A worker whose build was killed stops too, instead of holding its output pipes open."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _organisation_job(slug: str) -> RenderOutcome | str:
    """Render one organisation: its pages, its PDF and its client bundle (in a worker)."""
    assert _JOB is not None
    job = _JOB
    organisation = next(o for o in job.plan.organisations if o.slug == slug)
    try:
        outcome = _render_site_pages(job, job.plan.site, organisation.pages)
        outcome.merge(_render_pdf(job, organisation))
        outcome.merge(_render_bundle(job, organisation))
        return outcome
    except PdfTimeout:
        return (f"{organisation.name}: the PDF took longer than {job.pdf_time_limit:g} s "
                "to render and was stopped")
    except Exception as error:
        return f"{organisation.name}: {type(error).__name__}: {error}"


def _render_site_pages(
    job: RenderJob, site: SitePlan, pages: tuple[tuple[Page, str], ...]
) -> RenderOutcome:
    outcome = RenderOutcome()
    out_dir = job.staging / site.folder
    assets_id = f"{site.folder}/{ASSETS_DIR}"
    if site.pages is pages:  # the site's own parts go with its own pages
        outcome.merge(_artifact(job, assets_id, site.assets_key, lambda: _assets(job, out_dir)))
    for page, key in pages:
        outcome.merge(_artifact(job, f"{site.folder}/{page.path}", key,
                                lambda page=page: render_page(page, job.portfolio, job.theme_dir,
                                                              out_dir, site.shared)))
    return outcome


def _render_search(job: RenderJob, site: SitePlan, rendered: RenderOutcome) -> RenderOutcome:
    out_dir = job.staging / site.folder

    def index() -> list[Path]:
        build_search_index(out_dir, site.language)
        return files_under(out_dir / SEARCH_DIR)

    return _artifact(job, f"{site.folder}/{SEARCH_DIR}", site.search_key, index)


def _render_pdf(job: RenderJob, organisation: OrganisationPlan) -> RenderOutcome:
    if organisation.pdf_key is None:
        return RenderOutcome()
    target = job.staging / PDF_DIR / f"{organisation.slug}.pdf"
    pages: list[int] = []

    def render() -> list[Path]:
        with _time_limit(job.pdf_time_limit):
            pages.append(render_pdf(organisation.report, job.portfolio, job.theme_dir, target))
        return [target]

    outcome = _artifact(job, f"{PDF_DIR}/{organisation.slug}.pdf", organisation.pdf_key, render)
    if pages:
        outcome.pdf_pages[organisation.slug] = pages[0]
    return outcome


def _render_bundle(job: RenderJob, organisation: OrganisationPlan) -> RenderOutcome:
    bundle = organisation.bundle
    outcome = _render_site_pages(job, bundle, bundle.pages)
    outcome.merge(_render_search(job, bundle, outcome))
    if organisation.pdf_key is not None:
        source = job.staging / PDF_DIR / f"{organisation.slug}.pdf"
        target = job.staging / bundle.folder / source.name

        def copy() -> list[Path]:
            shutil.copyfile(source, target)
            return [target]

        outcome.merge(_artifact(job, f"{bundle.folder}/{source.name}", organisation.pdf_key,
                                copy))
    return outcome


def _artifact(job: RenderJob, artifact: str, key: str,
              render: Callable[[], list[Path]]) -> RenderOutcome:
    """Keep the artifact if its key is unchanged, else render it (its old files are gone)."""
    previous = job.previous.get(artifact)
    if previous is not None and previous[0] == key \
            and all((job.staging / name).is_file() for name in previous[1]):
        return RenderOutcome({artifact: previous})
    files = render()
    names = sorted({f.relative_to(job.staging).as_posix() for f in files})
    return RenderOutcome({artifact: (key, names)}, [artifact])


def _assets(job: RenderJob, out_dir: Path) -> list[Path]:
    copy_assets(job.theme_dir, job.portfolio, out_dir / ASSETS_DIR)
    return files_under(out_dir / ASSETS_DIR)


def _keep_skipped(job: RenderJob, skipped: list[OrganisationPlan]) -> RenderOutcome:
    """With --only, other organisations keep what the previous build wrote for them."""
    outcome = RenderOutcome()
    prefixes = tuple(f"{SITE_DIR}/{o.slug}/" for o in skipped) + tuple(
        f"{o.bundle.folder}/" for o in skipped) + tuple(
        f"{PDF_DIR}/{o.slug}.pdf" for o in skipped)
    for artifact, entry in job.previous.items():
        if artifact.startswith(prefixes):
            outcome.artifacts[artifact] = entry
    return outcome


def _remove_stale(job: RenderJob) -> None:
    """Remove the files of every previous artifact that is gone or will be rendered again."""
    skipped = () if job.only is None else tuple(
        prefix for o in job.plan.organisations if o.slug != job.only
        for prefix in (f"{SITE_DIR}/{o.slug}/", f"{o.bundle.folder}/", f"{PDF_DIR}/{o.slug}.pdf"))
    kept, stale = set(), set()
    for artifact, (key, names) in job.previous.items():
        if job.plan.keys.get(artifact) == key or (skipped and artifact.startswith(skipped)):
            kept.update(names)
        else:
            stale.update(names)
    for name in stale - kept:  # two pages may share an image: it stays while one keeps it
        (job.staging / name).unlink(missing_ok=True)


def _prune_empty_folders(root: Path) -> None:
    """Folders emptied by removed artifacts go, so the tree matches a clean build."""
    for folder, _dirs, _files in os.walk(root, topdown=False):
        if Path(folder) != root and not os.listdir(folder):
            os.rmdir(folder)


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise PdfTimeout after `seconds` (in the main thread of a process; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise PdfTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
