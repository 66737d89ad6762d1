"""The build, top to bottom: load, validate, score, plan, render what changed, write.

A rebuild with nothing changed stops after hashing the inputs. Otherwise the portfolio is
loaded (with Markdown bodies from the cache), every artifact gets a key (`plan`), and only
artifacts whose key changed are rendered (`render`) into a staging copy of the previous output
that is swapped in when everything succeeded (`output`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from klantspiegel.build_options import BuildOptions
from klantspiegel.cache import (
    CACHE_DIR,
    TEMPLATES_REFERRED,
    ChartCache,
    Fingerprints,
    JsonCache,
    Manifest,
    ParsedFiles,
    cache_folder,
    code_digest,
    digest,
    forget,
    tree_digest,
)
from klantspiegel.delivery import Delivery, Passwords, write_deliveries
from klantspiegel.forked import with_helpers
from klantspiegel.load import RememberedOrganisations, load_portfolio
from klantspiegel.model import Organisation, Portfolio
from klantspiegel.output import prepare_output, staged_output
from klantspiegel.plan import BuildPlan, plan_build
from klantspiegel.problems import ContentError, Problem
from klantspiegel.render import (
    Progress,
    RenderJob,
    RenderOutcome,
    folder_of_changes,
    render_plan,
)
from klantspiegel.report import build_reports, latest_scores
from klantspiegel.scoring import AuditScore
from klantspiegel.templating import template_errors_as_problems

# A helper process draws the charts of at least this many organisations' reports: for fewer,
# its start and the hand-over of its charts cost about what it saves (see _plan).
REPORTS_PER_HELPER = 4


class UnknownOrganisation(ValueError):
    """--only named an organisation that is not in the portfolio."""


@dataclass
class Remembered:
    """What a process that builds after every save (serve) keeps from one build to the next:
    the organisations whose files did not change, and the build cache's files as parsed."""

    organisations: RememberedOrganisations = field(default_factory=RememberedOrganisations)
    files: ParsedFiles = field(default_factory=ParsedFiles)


@dataclass(frozen=True)
class BuildResult:
    organisations: int
    findings: int
    warnings: list[Problem]
    pages: int  # HTML pages in the output (site and client bundles)
    pdfs: int
    pdf_pages: int  # pages of the PDFs rendered in this build
    rendered: list[str] = field(default_factory=list)  # artifacts rendered (not kept)
    seconds: float = 0.0
    delivered: list[str] = field(default_factory=list)  # organisations sent encrypted
    without_password: list[str] = field(default_factory=list)  # when passwords are in use
    unfinished: bool = False  # with `pages_first`: something was left for the next build
    removed: list[str] = field(default_factory=list)  # the previous build's artifacts now gone


def check(
    source: Path,
    markdown_cache: JsonCache | None = None,
    remembered: RememberedOrganisations | None = None,
    folder_digests: Mapping[Path, str] | None = None,
    jobs: int | None = None,
) -> tuple[Portfolio, list[Problem]]:
    """Load and validate; raise ContentError with every problem when there is an error.

    `jobs` processes (None: one per core) render the Markdown, into `markdown_cache` or, for
    this load alone, into one in memory.
    """
    portfolio, problems = load_portfolio(
        source,
        JsonCache(None) if markdown_cache is None else markdown_cache,
        remembered,
        folder_digests,
        jobs or os.cpu_count() or 1,
    )
    if portfolio is None:
        raise ContentError(problems)
    return portfolio, problems


def build(
    source: Path,
    output: Path,
    options: BuildOptions = BuildOptions(),
    *,
    progress: Progress | None = None,
    passwords: Passwords | None = None,
    remembered: Remembered | None = None,
) -> BuildResult:
    """Build the portfolio at `source` into `output` (site/, pdf/, clients/, exports/).

    All or nothing: a failed build leaves the previous output as it was. With `options.cache`,
    only what changed since the previous build is rendered; the bytes are those of a clean
    build. With `passwords`, each organisation that has one also gets an encrypted delivery.
    A process that builds again after each save (serve) gives the same `remembered` to each
    build: organisations whose files did not change are not loaded again, nor the cache's
    files it wrote parsed again.
    """
    started = time.perf_counter()
    theme_dir, cache = options.theme_dir, options.cache
    # refuses a bad output before touching it
    prepare_output(output, source, theme_dir, keep_trash=options.pages_first)
    cache_dir = cache_folder(output)
    code = code_digest()
    passwords = passwords or Passwords()
    folders: dict[Path, str] = {}  # the digest of each folder in the portfolio
    inputs = _inputs_digest(source, code, options, passwords, folders)
    parsed = remembered.files if remembered else None
    manifest = Manifest.load(cache_dir, parsed) if cache and output.is_dir() else None
    # With passwords, never "up to date": the delivery is encrypted anew, as nothing records
    # which password made it.
    if manifest and not passwords and manifest.inputs == inputs and manifest.intact(output):
        return _unchanged(manifest, time.perf_counter() - started)

    if cache:
        TEMPLATES_REFERRED.load(cache_dir)
    portfolio, warnings = _load(
        source, cache_dir if cache else None, options, passwords, remembered, folders
    )
    with template_errors_as_problems():  # a broken template override is a file:line problem
        plan = _plan(portfolio, code, options, cache_dir if cache else None)
    previous = manifest.artifacts if manifest else {}
    planned = RenderJob(plan, portfolio, options, output, previous, output if previous else None)
    # deliveries are written beside the bundles, outside any organisation's site folder
    inside = folder_of_changes(planned) if previous and not passwords else None
    with staged_output(
        output,
        source=source,
        theme=theme_dir,
        keep_previous=bool(previous),
        remove_previous_later=options.pages_first,  # serve: the build that follows removes it
        inside=inside,
    ) as staging:
        job = replace(planned, staging=staging)
        outcome = render_plan(job, options.jobs or os.cpu_count() or 1, progress)
        if inside:
            _check_inside(outcome, inside)
        delivery = write_deliveries(
            staging, [(o.slug, o.name, o.bundle.folder) for o in plan.organisations], passwords
        )
        outcome.artifacts.update(delivery.artifacts)
        forget(cache_dir)  # from here until the new manifest, the output is not what it claims
    result = replace(
        _result(portfolio, warnings, outcome, delivery, passwords),
        removed=sorted(set(previous) - set(outcome.artifacts)),
    )
    if cache:
        Manifest(inputs, outcome.artifacts, _summary(result)).save(cache_dir, parsed)
        TEMPLATES_REFERRED.save(cache_dir)
    return replace(result, seconds=time.perf_counter() - started)


def _check_inside(outcome: RenderOutcome, folder: str) -> None:
    """Fail the build (its output stays as it was) if it wrote outside the one folder staged."""
    outside = [
        name
        for artifact in outcome.rendered
        for name in outcome.artifacts.get(artifact, ("", []))[1]
        if not name.startswith(f"{folder}/")
    ]
    if outside:
        raise RuntimeError(f"the build wrote {outside[0]}, outside {folder}, the folder it staged")


def _inputs_digest(
    source: Path, code: str, options: BuildOptions, passwords: Passwords, folders: dict[Path, str]
) -> str:
    """The hash of everything a build reads: equal to the previous build's, nothing changed.

    Of the options, the ones that change what is made; jobs, the time limit and the cache
    change only how. The digest of each folder in the portfolio is kept in `folders`.
    """
    return digest(
        code,
        str(options.pdf),
        str(options.pages_first),
        str(options.only),
        str(options.shard),
        str(source.resolve()),
        str(options.theme_dir.resolve()),
        tree_digest(source.resolve(), skip=(CACHE_DIR,), folders=folders),
        tree_digest(options.theme_dir),
        options.pdf_variant,
        str(bool(passwords)),
    )


def _load(
    source: Path,
    cache_dir: Path | None,
    options: BuildOptions,
    passwords: Passwords,
    remembered: Remembered | None,
    folder_digests: Mapping[Path, str],
) -> tuple[Portfolio, list[Problem]]:
    """The validated portfolio and its warnings, once --only and the passwords name only
    organisations it has.

    Bodies come from the Markdown cache in `cache_dir` where earlier builds rendered them. It
    is saved here, so what it holds is let go before the PDFs' children are forked.
    """
    markdown = JsonCache(cache_dir, remembered.files if remembered else None)
    organisations = remembered.organisations if remembered and cache_dir else None
    portfolio, warnings = check(source, markdown, organisations, folder_digests, options.jobs)
    markdown.save()
    only = options.only
    if only is not None and only not in {o.slug for o in portfolio.organisations}:
        known = ", ".join(o.slug for o in portfolio.organisations)
        raise UnknownOrganisation(f"no organisation '{only}' in the portfolio (known: {known})")
    passwords.check_organisations({o.slug for o in portfolio.organisations})
    return portfolio, warnings


def _plan(
    portfolio: Portfolio, code: str, options: BuildOptions, cache_dir: Path | None
) -> BuildPlan:
    """Every organisation's reports (the consultant's and the client's), and the plan of
    every artifact made from them, with its key.

    The charts come from the chart cache in `cache_dir` where earlier builds drew them from
    the same numbers; the charts it lacks are drawn by helpers too, with jobs to spare (see
    _drawn_charts). It is saved here, so the charts it drew (9 MB of SVG when all are) are
    let go before the PDFs' children are forked.
    """
    charts = ChartCache(cache_dir, Fingerprints())
    peers = latest_scores(portfolio)
    reported = [
        o
        for position, o in enumerate(portfolio.organisations)
        if not options.portfolio_deferred or options.renders(o.slug, position)
    ]
    reports = dict(
        zip(
            (o.slug for o in reported),
            with_helpers(
                reported,
                min(options.jobs or os.cpu_count() or 1, len(reported) // REPORTS_PER_HELPER),
                partial(build_reports, portfolio=portfolio, peers=peers, charts=charts),
                partial(_drawn_charts, portfolio, peers, charts),
                charts.store.take,
            ),
            strict=True,
        )
    )
    plan = plan_build(
        portfolio,
        {slug: pair[0] for slug, pair in reports.items()},
        {slug: pair[1] for slug, pair in reports.items()},
        options.theme_dir,
        code,
        pdf=options.pdf,
        pdf_variant=options.pdf_variant,
        values=charts.fingerprints,
        charts_drawn=charts,
    )
    charts.save(partial=options.portfolio_deferred)
    return plan


def _drawn_charts(
    portfolio: Portfolio,
    peers: Mapping[str, tuple[str, AuditScore]],
    charts: ChartCache,
    organisations: list[Organisation],
) -> dict[str, Any]:
    """In a helper of `_plan`: the charts it drew for these organisations' reports.

    Drawing the charts is most of building the reports when the chart cache does not hold
    them (0.7 of 1.15 s for 50 organisations); the build takes these, and builds the same
    reports from them as from a warm cache.
    """
    for organisation in organisations:
        build_reports(organisation, portfolio, peers, charts)
    return charts.store.gathered()


def _result(
    portfolio: Portfolio,
    warnings: list[Problem],
    outcome: RenderOutcome,
    delivery: Delivery,
    passwords: Passwords,
) -> BuildResult:
    """What the build made, counted (its time is added once the manifest is saved)."""
    return BuildResult(
        len(portfolio.organisations),
        sum(len(a.findings) for o in portfolio.organisations for a in o.audits),
        warnings,
        _count(outcome, ".html"),
        sum(1 for a in outcome.artifacts if a.startswith("pdf/")),
        sum(outcome.pdf_pages.values()),
        sorted(outcome.rendered),
        0.0,
        delivery.delivered,
        delivery.without_password if passwords else [],
        unfinished=outcome.unfinished,
    )


def _summary(result: BuildResult) -> dict:
    """What the manifest keeps for the next build to report when nothing changed."""
    return {
        "organisations": result.organisations,
        "findings": result.findings,
        "warnings": [_problem_data(p) for p in result.warnings],
        "pages": result.pages,
        "pdfs": result.pdfs,
    }


def _count(outcome: RenderOutcome, suffix: str) -> int:
    return sum(1 for _, names in outcome.artifacts.values() for n in names if n.endswith(suffix))


def _problem_data(problem: Problem) -> dict:
    return {
        "path": str(problem.path),
        "line": problem.line,
        "field": problem.field,
        "message": problem.message,
        "severity": problem.severity,
    }


def _unchanged(manifest: Manifest, seconds: float) -> BuildResult:
    summary = manifest.summary
    warnings = [Problem(**{**w, "path": Path(w["path"])}) for w in summary["warnings"]]
    return BuildResult(
        summary["organisations"],
        summary["findings"],
        warnings,
        summary["pages"],
        summary["pdfs"],
        0,
        [],
        seconds,
    )
