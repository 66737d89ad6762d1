"""Rendering a build plan into the staging folder: only what changed, organisations in parallel.

The staging folder starts as a hard-linked copy of the previous output. An artifact whose key
is unchanged keeps its files; every other one is removed and rendered again. Files are never
written in place (that would write through the link into the previous output): they are
unlinked first.

Each organisation's pages, and then each client bundle, are a task in a process pool; then
each PDF is rendered in a child forked for it. Both are forked after the plan is made, so they
share it without pickling.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache, partial
from multiprocessing import get_context
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import Any

from klantspiegel.build_options import BuildOptions
from klantspiegel.cache import files_under
from klantspiegel.exports import write_exports
from klantspiegel.forked import die_with_parent, run_each_forked, start_forked
from klantspiegel.i18n import language_of
from klantspiegel.layout import ASSETS_DIR, CLIENTS_DIR, EXPORTS_DIR, PDF_DIR, SITE_DIR
from klantspiegel.limits import time_limit
from klantspiegel.model import Portfolio
from klantspiegel.pdf import render_pdf, report_ua_stylesheet
from klantspiegel.plan import BuildPlan, OrganisationPlan, SitePlan
from klantspiegel.problems import ContentError, Problem
from klantspiegel.single_file import render_single_file
from klantspiegel.site import (
    Environments,
    Page,
    SearchEntry,
    build_search_index,
    copy_assets,
    render_page,
    search_entries,
    write_inline_search_index,
)
from klantspiegel.templating import (
    TemplateTooSlow,
    template_errors_as_problems,
    template_problem,
)
from klantspiegel.writes import link_artifact

Progress = Callable[[str, int, int], None]  # (what just finished, done, total)


class PdfTimeout(Exception):
    """A PDF took longer than the time limit to render."""


class TemplateFailed(Exception):
    """A template error, already located: what crosses from a forked child to its parent.
    `runaway`: the template ran past its time limit."""

    def __init__(self, problem: Problem, runaway: bool = False):
        super().__init__(problem)
        self.problem, self.runaway = problem, runaway


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
    unfinished: bool = False  # what `pages_first` left: the output is not yet what was planned

    def merge(self, other: RenderOutcome) -> None:
        self.artifacts.update(other.artifacts)
        self.rendered += other.rendered
        self.pdf_pages.update(other.pdf_pages)
        self.unfinished |= other.unfinished


@dataclass(frozen=True)
class RenderJob:
    plan: BuildPlan
    portfolio: Portfolio
    options: BuildOptions
    staging: Path
    previous: Mapping[str, tuple[str, list[str]]]  # the previous build's manifest
    previous_output: Path | None = None  # where that build's output is, while this one runs


_WORKER_JOB: RenderJob | None = None  # a pool worker's job, set once as the worker starts
# Set by the first runaway template, in any worker: the tasks the pool has not begun end at
# once (the pool hands a worker its next task before the build learns of the runaway).
_WORKER_STOP: EventType | None = None
# The assets folder written first in this build (by this process, or before the fork) and
# its files, by key: every other site and bundle with that key gets links to the same files.
_WRITTEN_ASSETS: dict[str, tuple[Path, list[str]]] = {}


def render_plan(job: RenderJob, jobs: int, progress: Progress | None = None) -> RenderOutcome:
    """Render everything whose key changed; raises RenderFailed after trying every organisation.

    The work is split in tasks so the pool stays busy: each organisation's pages, the
    exports, each client bundle, each PDF, and, once every site page exists, the site's
    search index, which then runs beside the bundles still rendering.
    """
    _remove_stale(job)
    _WRITTEN_ASSETS.clear()
    outcome = RenderOutcome()
    if not job.options.portfolio_deferred:
        with template_errors_as_problems():
            outcome.merge(_render_site_pages(job, job.plan.site, job.plan.site.pages))
    position = {o.slug: i for i, o in enumerate(job.portfolio.organisations)}
    todo = [o for o in job.plan.organisations if job.options.renders(o.slug, position[o.slug])]
    outcome.merge(_keep_skipped(job))
    # Every site page first: the search index starts once they exist, and runs beside the
    # client bundles.
    tasks: list[Task] = [("pages", o.slug) for o in todo]
    if not job.options.portfolio_deferred:
        tasks.append(("exports", ""))
    tasks += [("bundle", o.slug) for o in todo if not _bundle_deferred(job, o)]
    if not job.options.pages_first:
        tasks += [("pdf", o.slug) for o in todo if o.pdf]
    failures: list[str] = []
    problems: list[Problem] = []
    for result in _run_tasks(job, tasks, jobs, progress):
        if isinstance(result, str):
            failures.append(result)
        elif isinstance(result, Problem):
            problems.append(result)
        elif isinstance(result, Runaway):
            problems.append(result.problem)
        else:
            outcome.merge(result)
    if problems:
        raise ContentError(_each_place_once(problems))
    if failures:
        raise RenderFailed(failures)
    _prune_empty_folders(job.staging)
    outcome.unfinished = job.options.portfolio_deferred or any(
        outcome.artifacts.get(artifact, ("",))[0] != key for artifact, key in job.plan.keys.items()
    )
    return outcome


def _each_place_once(problems: list[Problem]) -> list[Problem]:
    """One problem for each template line: one broken template fails many pages (on the site
    and in a bundle), and the first of their problems, in order, stands for the rest. Problems
    without a line are told apart by their messages."""
    first: dict[tuple[object, ...], Problem] = {}
    for problem in sorted(problems):
        place = (problem.path, problem.line, problem.field)
        first.setdefault(place if problem.line is not None else (*place, problem.message), problem)
    return list(first.values())


@dataclass(frozen=True)
class Runaway:
    """A template that ran past its time limit (TEMPLATE_TIME_LIMIT): its problem. The build
    stops at the first: every other task whose pages use that template would wait out the
    limit too."""

    problem: Problem


Task = tuple[str, str]  # (what: pages | bundle | pdf | exports | search, organisation or "")
# a failure's message, a template error's problem, a runaway template's
Result = RenderOutcome | str | Problem | Runaway
Stage = Generator[tuple[Task, Result], None, None]  # tasks run one way, each with its result
SEARCH_TASK: Task = ("search", "")


def _run_tasks(
    job: RenderJob, tasks: list[Task], jobs: int, progress: Progress | None
) -> Iterator[Result]:
    """Run the tasks, and the site's search index after the last pages task; yield results.
    In parallel: the pages, bundles and exports in a pool, then each PDF in a child of its own.

    Tasks with nothing to render only keep files: they run here, at once. So does the rest
    when it is one organisation's: a pool would only add its start and compile the templates
    again in each worker, so its PDF renders in a child while its pages render here.

    The first template that runs past its time limit ends the run (`Runaway`): the
    tasks not begun are not run, where each would wait out the limit on the same template
    (50 organisations' pages and bundles: 100 times 30 s, over the jobs).
    """
    busy = _busy(job, tasks)
    total = len(tasks) + 1
    done = 0
    for task in tasks:
        if task not in busy:
            done += 1
            yield _run_task(job, task)
            _report(job, progress, task, done, total)
    tasks = [t for t in tasks if t in busy]
    pdfs = [t for t in tasks if t[0] == "pdf"]
    others = [t for t in tasks if t[0] != "pdf"]
    one_organisation = len({slug for _, slug in tasks} - {""}) <= 1
    if jobs <= 1 or (one_organisation and not pdfs):
        stages = [((task, _run_task(job, task)) for task in _in_order(tasks))]
        yield from _until_runaway(stages, job, progress, done, total)
        return
    one_edited = one_organisation and len(pdfs) == 1
    if pdfs and not one_edited:
        report_ua_stylesheet()  # WeasyPrint imported and this parsed once, before the forks
    # Forked processes inherit the job: nothing is pickled. What the build holds stays out of
    # the garbage collector's reach while they run, so its passes in a child do not copy the
    # pages they share with the build.
    gc.freeze()
    with _unfrozen_after():
        if one_edited:
            stages = [_beside_one_pdf(job, others, pdfs[0])]
        else:  # the PDFs' children are forked once the pool has gone
            stages = [_in_pool(job, others, jobs), _each_forked(job, pdfs, jobs)]
        yield from _until_runaway(stages, job, progress, done, total)


def _until_runaway(
    stages: Sequence[Stage],
    job: RenderJob,
    progress: Progress | None,
    done: int,
    total: int,
) -> Iterator[Result]:
    """The results of each stage in turn, up to the first runaway template: then the stage
    is closed (what it has not started is not run) and no later stage starts."""
    for stage in stages:
        for task, result in stage:
            done += 1
            yield result
            _report(job, progress, task, done, total)
            if isinstance(result, Runaway):
                stage.close()
                return


def _in_order(tasks: list[Task]) -> list[Task]:
    """The tasks as one process runs them: pages, the search index, the rest."""
    pages = [t for t in tasks if t[0] == "pages"]
    return pages + [SEARCH_TASK] + [t for t in tasks if t[0] != "pages"]


def _beside_one_pdf(job: RenderJob, tasks: list[Task], pdf: Task) -> Stage:
    """The PDF in a child forked for it at once, while the build runs the other tasks and
    the search index itself: two processes at work, as in a pool of two, with no pool to
    start, and one large process (the PDF child or Pagefind) beside the other at most."""
    with start_forked(partial(_run_task, job, pdf)) as result:
        for task in _in_order(tasks):
            yield task, _run_task(job, task)
        outcome = result()
    yield pdf, _failed(job, pdf, outcome) if isinstance(outcome, BaseException) else outcome


def _in_pool(job: RenderJob, tasks: list[Task], jobs: int) -> Stage:
    """Run the tasks in a pool of forked workers, and the search index once the last pages
    task has ended; yield each with its result as it ends.

    The search index is built by Pagefind, a process of its own that keeps one and a half
    cores busy. Started from a thread of the build, it runs beside the client bundles still
    rendering in the pool; run as the pool's last task, it ran alone, a core half idle.
    """
    pages_left = sum(1 for kind, _ in tasks if kind == "pages")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-index") as searcher:
        search = None
        if tasks:
            context = get_context("fork")
            with ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=context,
                initializer=_start_worker,
                initargs=(job, context.Event()),
            ) as pool:
                pending = {pool.submit(_run_worker_task, task): task for task in tasks}
                # The search thread starts only now, after the first submit forked every
                # worker: a fork copies no other thread, nor frees a lock one held.
                if pages_left == 0:
                    search = searcher.submit(_run_task, job, SEARCH_TASK)
                try:
                    while pending:
                        future = next(as_completed(pending))
                        task = pending.pop(future)
                        try:
                            yield task, future.result()
                        except Exception as error:  # a worker that died
                            yield task, _failed(job, task, error)
                        if task[0] == "pages":
                            pages_left -= 1
                            if pages_left == 0:
                                search = searcher.submit(_run_task, job, SEARCH_TASK)
                except GeneratorExit:  # the build stops: the tasks running end in their time
                    pool.shutdown(cancel_futures=True)
                    raise
        if search is None:
            search = searcher.submit(_run_task, job, SEARCH_TASK)
        yield SEARCH_TASK, search.result()


def _each_forked(job: RenderJob, pdfs: list[Task], jobs: int) -> Stage:
    """Run each PDF task in a child forked from the build for it, `jobs` at once, once the
    pool has gone; yield each with its result as it ends.

    The child takes all WeasyPrint allocated away when it ends. No pool worker waits beside
    the children (29 MB of its own each), and the search index (Pagefind, about 220 MB) is
    built before them: two PDF children side by side are the build's memory peak.
    """
    _release_free_memory()
    children = ((task, partial(_run_task, job, task)) for task in pdfs)
    for task, result in run_each_forked(children, at_once=jobs):
        yield task, _failed(job, task, result) if isinstance(result, BaseException) else result


def _failed(job: RenderJob, task: Task, error: BaseException) -> str:
    """The message of a task whose process died (its own errors come back as results):
    which task it ran, and how it ended."""
    return f"{_task_name(job, task)}: {type(error).__name__}: {error}"


def _busy(job: RenderJob, tasks: list[Task]) -> set[Task]:
    """The tasks that have an artifact to render: one whose key differs from the previous
    build's. Only where a task runs depends on this; whether it renders, `_artifact` decides."""
    changed = (a for a, key in job.plan.keys.items() if job.previous.get(a, ("",))[0] != key)
    return {_task_of(artifact) for artifact in changed} & set(tasks)


def _task_of(artifact: str) -> Task:
    """The task that renders an artifact, by its place in the output."""
    top, _, rest = artifact.partition("/")
    slug, _, inside = rest.partition("/")
    if top == EXPORTS_DIR:
        return ("exports", "")
    if top == PDF_DIR:
        return ("pdf", slug.removesuffix(".pdf"))
    if top == CLIENTS_DIR:
        # the bundle's copy of the PDF goes with the PDF
        return ("pdf", slug) if inside == f"{slug}.pdf" else ("bundle", slug)
    return ("pages", slug)  # an organisation's pages (other site parts: no task)


def _report(job: RenderJob, progress: Progress | None, task: Task, done: int, total: int) -> None:
    if progress:
        progress(_task_name(job, task), done, total)


def _task_name(job: RenderJob, task: Task) -> str:
    kind, slug = task
    if not slug:
        return "search index" if kind == "search" else kind
    name = next(o.name for o in job.plan.organisations if o.slug == slug)
    return {"pdf": f"{name} (PDF)", "bundle": f"{name} (client bundle)"}.get(kind, name)


def _start_worker(job: RenderJob, stop: EventType) -> None:
    """Keep the worker's job and the pool's stop; a worker whose build was killed stops too,
    instead of holding its output pipes open."""
    global _WORKER_JOB, _WORKER_STOP
    _WORKER_JOB, _WORKER_STOP = job, stop
    die_with_parent()


def _run_worker_task(task: Task) -> Result:
    """Run one task in a pool worker, with the job the worker started with, unless a runaway
    template stopped the pool (the build fails with it); then give what it freed back to
    the system, so the worker stays near its base, not its peak."""
    assert _WORKER_JOB is not None and _WORKER_STOP is not None
    if _WORKER_STOP.is_set():
        return RenderOutcome()
    try:
        result = _run_task(_WORKER_JOB, task)
        if isinstance(result, Runaway):
            _WORKER_STOP.set()
        return result
    finally:
        gc.collect()
        _release_free_memory()


def _release_free_memory() -> None:
    """glibc keeps freed memory for the process; malloc_trim hands it back (Linux only)."""
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)


@contextmanager
def _unfrozen_after() -> Iterator[None]:
    try:
        yield
    finally:
        gc.unfreeze()


def _run_task(job: RenderJob, task: Task) -> Result:
    """Run one task; a failure becomes a message naming its organisation,
    a template error a problem at the template's file and line."""
    kind, slug = task
    try:
        if kind == "search":
            return RenderOutcome() if _search_deferred(job) else _render_search(job, job.plan.site)
        if kind == "exports":
            return _render_exports(job)
        organisation = next(o for o in job.plan.organisations if o.slug == slug)
        if kind == "pdf":
            return _render_pdf(job, organisation)
        if kind == "bundle":
            return _render_bundle(job, organisation)
        return _render_site_pages(job, job.plan.site, organisation.pages)
    except PdfTimeout:
        return (
            f"{_task_name(job, task)}: took longer than {job.options.pdf_time_limit:g} s "
            "to render and was stopped"
        )
    except TemplateFailed as failed:
        return Runaway(failed.problem) if failed.runaway else failed.problem
    except TemplateTooSlow as error:
        problem = template_problem(error)
        return Runaway(problem) if problem else f"{_task_name(job, task)}: {error}"
    except Exception as error:
        return (
            template_problem(error) or f"{_task_name(job, task)}: {type(error).__name__}: {error}"
        )


def _render_site_pages(
    job: RenderJob, site: SitePlan, pages: tuple[tuple[Page, str], ...]
) -> RenderOutcome:
    outcome = RenderOutcome()
    out_dir = job.staging / site.folder
    environments = Environments(job.options.theme_dir, job.portfolio.root)
    assets_id = f"{site.folder}/{ASSETS_DIR}"
    if site.pages is pages:  # the site's own parts go with its own pages
        outcome.merge(
            _artifact(job, assets_id, site.assets_key, lambda: _assets(job, out_dir, site))
        )
    for page, key in pages:
        outcome.merge(
            _artifact(
                job,
                f"{site.folder}/{page.path}",
                key,
                partial(_render_page, page, environments, out_dir, site.shared),
            )
        )
    return outcome


def _render_page(
    page: Page, environments: Environments, out_dir: Path, shared: Mapping[str, Any]
) -> list[Path]:
    """render_page, with its locale's environment made only for a page that is rendered."""
    return render_page(page, environments.of(page.locale), out_dir, shared)


def _render_search(
    job: RenderJob, site: SitePlan, entries: Callable[[], list[SearchEntry]] | None = None
) -> RenderOutcome:
    """The site's search index: Pagefind's, or a client bundle's inline one from `entries`
    (read from its pages when not given)."""
    out_dir = job.staging / site.folder

    def index() -> list[Path]:
        if site.client:
            paths = [page.path for page, _ in site.pages]
            found = entries() if entries else search_entries(out_dir, paths)
            return [write_inline_search_index(out_dir, found)]
        reuse = None
        if job.previous_output and _search_id(site) in job.previous:
            reuse = job.previous_output / _search_id(site)
        return build_search_index(out_dir, language_of(site.locale), reuse)

    return _artifact(job, _search_id(site), site.search_key, index)


def _render_pdf(job: RenderJob, organisation: OrganisationPlan) -> RenderOutcome:
    if organisation.pdf is None:
        return RenderOutcome()
    inputs, key = organisation.pdf.inputs, organisation.pdf.key
    target = job.staging / PDF_DIR / f"{organisation.slug}.pdf"
    pages: list[int] = []

    def render_in_time() -> int:
        try:
            with time_limit(job.options.pdf_time_limit, PdfTimeout):
                return render_pdf(inputs, target)
        except PdfTimeout:
            raise
        except Exception as error:  # located here: a traceback does not leave a forked child
            problem = template_problem(error)
            if problem is None:
                raise
            raise TemplateFailed(problem, isinstance(error, TemplateTooSlow)) from None

    def render() -> list[Path]:
        pages.append(render_in_time())
        return [target]

    outcome = _artifact(job, f"{PDF_DIR}/{organisation.slug}.pdf", key, render)
    if pages:
        outcome.pdf_pages[organisation.slug] = pages[0]
    copy = job.staging / organisation.bundle.folder / target.name

    def copy_into_bundle() -> list[Path]:
        return [link_artifact(target, copy)]

    outcome.merge(
        _artifact(job, f"{organisation.bundle.folder}/{target.name}", key, copy_into_bundle)
    )
    return outcome


def _render_bundle(job: RenderJob, organisation: OrganisationPlan) -> RenderOutcome:
    bundle = organisation.bundle
    outcome = _render_site_pages(job, bundle, bundle.pages)
    bundle_dir = job.staging / bundle.folder

    @cache  # read once for the index and the single file, only if either is rendered
    def entries() -> list[SearchEntry]:
        return search_entries(bundle_dir, [page.path for page, _ in bundle.pages])

    outcome.merge(_render_search(job, bundle, entries))
    target = job.staging / organisation.single_file

    def single_file() -> list[Path]:  # from the bundle's pages, rendered above
        pages = [page for page, _ in bundle.pages]
        return [
            render_single_file(
                bundle_dir,
                pages,
                job.portfolio,
                job.options.theme_dir,
                bundle.shared,
                target,
                entries(),
            )
        ]

    outcome.merge(
        _artifact(job, organisation.single_file, organisation.single_file_key, single_file)
    )
    return outcome


def _artifact(
    job: RenderJob, artifact: str, key: str, render: Callable[[], list[Path]]
) -> RenderOutcome:
    """Keep the artifact if its key is unchanged, else render it (its old files are gone)."""
    previous = job.previous.get(artifact)
    if (
        previous is not None
        and previous[0] == key
        and all((job.staging / name).is_file() for name in previous[1])
    ):
        return RenderOutcome({artifact: previous})
    files = render()
    names = sorted({f.relative_to(job.staging).as_posix() for f in files})
    return RenderOutcome({artifact: (key, names)}, [artifact])


def _render_exports(job: RenderJob) -> RenderOutcome:
    target = job.staging / EXPORTS_DIR

    def write() -> list[Path]:
        return write_exports(job.plan.exports, target)

    return _artifact(job, EXPORTS_DIR, job.plan.exports_key, write)


def _assets(job: RenderJob, out_dir: Path, site: SitePlan) -> list[Path]:
    """The theme's and portfolio's assets: copied once per build, linked everywhere else
    (51 copies of the fonts were 55 of the 176 MB a clean site build wrote)."""
    target = out_dir / ASSETS_DIR
    written = _WRITTEN_ASSETS.get(site.assets_key)
    if written is not None:
        source, names = written
        with suppress(OSError):  # the first copy is gone: copy again
            return [link_artifact(source / name, target / name) for name in names]
    copy_assets(job.options.theme_dir, job.portfolio, target)
    files = files_under(target)
    _WRITTEN_ASSETS[site.assets_key] = (target, [f.relative_to(target).as_posix() for f in files])
    return files


def _skipped(job: RenderJob) -> tuple[str, ...]:
    """The artifact id prefixes this build leaves as the previous build wrote them: with
    --only or --shard, every other organisation's; with `pages_first`, each PDF, client
    bundle and the site's search index, and with both, the portfolio's pages and exports."""
    prefixes: list[str] = []
    # from the portfolio: a plan made for some organisations holds only theirs
    for position, o in enumerate(job.portfolio.organisations):
        bundle = f"{CLIENTS_DIR}/{o.slug}"
        if not job.options.renders(o.slug, position):
            prefixes += [f"{SITE_DIR}/{o.slug}/", f"{bundle}/", f"{PDF_DIR}/{o.slug}.pdf"]
        elif job.options.pages_first and job.options.pdf:
            prefixes += [f"{PDF_DIR}/{o.slug}.pdf", f"{bundle}/{o.slug}.pdf"]
    prefixes += [f"{o.bundle.folder}/" for o in job.plan.organisations if _bundle_deferred(job, o)]
    if _search_deferred(job):
        prefixes.append(_search_id(job.plan.site))
    if job.options.portfolio_deferred:
        site = job.plan.site
        prefixes += [f"{site.folder}/{page.path}" for page, _ in site.pages]
        prefixes += [f"{site.folder}/{ASSETS_DIR}", EXPORTS_DIR]
    return tuple(prefixes)


def _search_deferred(job: RenderJob) -> bool:
    """Whether the site's search index is left for a later build: with `pages_first`, when
    the previous build made one (a first build makes it, so search works from the start)."""
    return job.options.pages_first and _search_id(job.plan.site) in job.previous


def folder_of_changes(job: RenderJob) -> str | None:
    """The organisation's site folder that holds every change this build makes, if one does:
    after a save inside one organisation, a pages-first build (serve) renders its pages and
    keeps the rest. Only that folder then needs staging (`output.staged_output`).

    `job.staging` is not read: the job may be planned before its staging folder exists.
    """
    if not (job.options.pages_first and job.options.only):
        return None
    folder = f"{SITE_DIR}/{job.options.only}"
    skipped = (*_skipped(job), f"{folder}/")
    changing = {a for a, key in job.plan.keys.items() if job.previous.get(a, ("",))[0] != key}
    gone = set(job.previous) - set(job.plan.keys)
    return None if any(not a.startswith(skipped) for a in changing | gone) else folder


def _bundle_deferred(job: RenderJob, organisation: OrganisationPlan) -> bool:
    """Whether a client bundle is left for a later build: with `pages_first`, when the
    previous build made it (serve shows the site, never a bundle)."""
    return job.options.pages_first and organisation.single_file in job.previous


def _search_id(site: SitePlan) -> str:
    return f"{site.folder}/{site.search_index}"


def _keep_skipped(job: RenderJob) -> RenderOutcome:
    """Artifacts left as they were (other organisations with --only, what `pages_first`
    defers) keep what the previous build wrote for them."""
    skipped = _skipped(job)
    return RenderOutcome(
        {
            artifact: entry
            for artifact, entry in job.previous.items()
            if skipped and artifact.startswith(skipped)
        }
    )


def _remove_stale(job: RenderJob) -> None:
    """Remove the files of every previous artifact that is gone or will be rendered again."""
    skipped = _skipped(job)
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
