"""Command line: `build` (the default), `check`, `serve` and `new`.

Exit codes: 0 built (or valid), 1 content errors in the portfolio, 2 usage errors.
Problems go to stderr as `file:line: field: message`; on a terminal the summary is a table
and a build shows a progress bar, elsewhere (CI logs, pipes) everything is plain text.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeAlias

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from klantspiegel.build_options import DEFAULT_PDF_TIME_LIMIT, BuildOptions
from klantspiegel.delivery import DeliveryFailed, PasswordError, read_passwords
from klantspiegel.exit_codes import ExitCode
from klantspiegel.i18n import available_languages, language_name
from klantspiegel.model import PortfolioConfig
from klantspiegel.output import UnsafeOutput, check_output_location
from klantspiegel.pdf import DEFAULT_PDF_VARIANT, PDF_VARIANTS
from klantspiegel.pipeline import UnknownOrganisation, build, check
from klantspiegel.placeholders import placeholder_warnings
from klantspiegel.problems import ContentError, Problem, shown
from klantspiegel.render import RenderFailed
from klantspiegel.templating import THEME_DIR
from klantspiegel.validate import coverage_warnings

COMMANDS = ("build", "check", "serve", "new")
NEW_KINDS = ("portfolio", "organisation", "audit", "finding", "anecdote")
_DEFAULT_LANGUAGE = PortfolioConfig.model_fields["language"].default


def _parser() -> argparse.ArgumentParser:
    """The command line: one sub-command parser per command, sharing the option groups."""
    common, writes, one = _option_groups()
    parser = argparse.ArgumentParser(
        prog="klantspiegel",
        description="Build customer-centricity audit reports: a site, a PDF per organisation "
        "and a confidential bundle per client. Without a command: build.",
        epilog="Run 'klantspiegel COMMAND --help' for the options of a command.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_build(commands, [common, writes, one])
    _add_check(commands, [common, one])
    _add_serve(commands, [common, writes])
    _add_new(commands, [common])
    return parser


# what add_subparsers returns: where each command adds its parser
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _option_groups() -> tuple[
    argparse.ArgumentParser, argparse.ArgumentParser, argparse.ArgumentParser
]:
    """The options several commands share: the portfolio and --quiet, --output, --only."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--source",
        type=Path,
        default=Path("audits"),
        metavar="DIR",
        help="portfolio folder to read (default: audits)",
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only problems and errors, no summary or progress",
    )
    writes = argparse.ArgumentParser(add_help=False)
    writes.add_argument(
        "--output",
        type=Path,
        default=Path("output"),
        metavar="DIR",
        help="folder to write (default: output)",
    )
    one = argparse.ArgumentParser(add_help=False)
    one.add_argument(
        "--only",
        metavar="ORG",
        help="only this organisation (its folder name): its problems when "
        "checking; its pages, PDF and bundle when building",
    )

    return common, writes, one


def _add_build(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    build_cmd = commands.add_parser(
        "build",
        parents=parents,
        help="build site, PDFs and bundles (default)",
        description="Build the portfolio into the output folder. Only what changed since the "
        "previous build is rendered again; the result is that of a clean build.",
    )
    build_cmd.add_argument("--no-pdf", action="store_true", help="build the site only")
    build_cmd.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help=f"organisations rendered in parallel (default: the number of cores, {os.cpu_count()})",
    )
    build_cmd.add_argument(
        "--pdf-time-limit",
        type=_positive_seconds,
        default=DEFAULT_PDF_TIME_LIMIT,
        metavar="SECONDS",
        help=f"stop a PDF that takes longer than this (default: {DEFAULT_PDF_TIME_LIMIT:g})",
    )
    build_cmd.add_argument(
        "--clean", action="store_true", help="ignore the build cache and render everything"
    )
    build_cmd.add_argument(
        "--shard",
        type=_shard,
        metavar="K/N",
        help="render every N-th organisation starting at the K-th (and the portfolio pages), "
        "so N jobs share a large portfolio; see the README",
    )
    build_cmd.add_argument(
        "--pdf-variant",
        choices=list(PDF_VARIANTS),
        default=DEFAULT_PDF_VARIANT,
        help="accessible: tagged PDF/UA-1 (default); archival: PDF/A-3a "
        "for long-term archives, also PDF/UA-1, the findings CSV as "
        "its associated file",
    )
    build_cmd.add_argument(
        "--passwords",
        type=Path,
        metavar="FILE",
        help="YAML file outside the portfolio and the output, readable by "
        "you only: 'organisation-folder: \"password\"' per line; each "
        "organisation with a password (also from the variable "
        "KLANTSPIEGEL_PASSWORD_<ORGANISATION>) gets an encrypted PDF "
        "and bundle zip in delivery/<organisation>/",
    )


def _add_check(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    check_cmd = commands.add_parser(
        "check",
        parents=parents,
        help="validate only, write nothing",
        description="Validate the portfolio and report every problem at once.",
    )
    check_cmd.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings (a finding without evidence, a dimension "
        "without findings, a missing translation) as errors",
    )


def _add_serve(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    serve_cmd = commands.add_parser(
        "serve",
        parents=parents,
        help="preview in the browser, rebuilding on change",
        description="Build, serve the site on 127.0.0.1 and rebuild on every change in the "
        "portfolio or the templates; open pages reload by themselves.",
    )
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve_cmd.add_argument(
        "--pdf", action="store_true", help="also rebuild the PDFs on every change (slower)"
    )


def _add_new(commands: Commands, parents: list[argparse.ArgumentParser]) -> None:
    new_cmd = commands.add_parser(
        "new",
        parents=parents,
        help="start a new portfolio, organisation, audit, finding or story",
        description="Write a new file with every field, commented, in the right folder; "
        "'new portfolio DIR' starts a whole portfolio in a new folder.",
    )
    new_cmd.add_argument("kind", choices=NEW_KINDS)
    new_cmd.add_argument(
        "name",
        help="the name or title; its web name names the file or "
        "folder (for a portfolio: the folder to create)",
    )
    languages = available_languages()
    new_cmd.add_argument(
        "--language",
        choices=languages,
        metavar="LANG",
        help="report language of a new portfolio or organisation, and of "
        f"its placeholders ({', '.join(languages)}; default: the "
        "portfolio's)",
    )
    new_cmd.add_argument(
        "--name",
        dest="consultancy",
        metavar="CONSULTANCY",
        help="the consultancy's name, for a new portfolio",
    )
    new_cmd.add_argument(
        "--organisation",
        metavar="ORG",
        help="the organisation's folder (for an audit, finding or story)",
    )
    new_cmd.add_argument(
        "--audit", metavar="AUDIT", help="the audit's folder (for a finding or story)"
    )


def _build_options(args: argparse.Namespace) -> BuildOptions:
    """The build the command line asks for."""
    return BuildOptions(
        pdf=not args.no_pdf,
        jobs=args.jobs,
        only=args.only,
        pdf_time_limit=args.pdf_time_limit,
        cache=not args.clean,
        pdf_variant=args.pdf_variant,
        shard=args.shard,
    )


def _shard(text: str) -> tuple[int, int]:
    k, slash, n = text.partition("/")
    if not (slash and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError(f"'{text}' is not K/N with 1 <= K <= N, as 2/8")
    return int(k), int(n)


def _positive_seconds(text: str) -> float:
    value = float(text)
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    args = _parser().parse_args(argv)
    out = Output(quiet=args.quiet)
    source: Path = args.source
    if not source.is_dir() and args.command != "new":
        out.error(f"portfolio folder not found: {source}")
        return ExitCode.USAGE
    try:
        if args.command == "check":
            return _check(args, out)
        if args.command == "new":
            return _new(args, out)
        check_output_location(args.output, source, THEME_DIR)
        if args.command == "serve":
            from klantspiegel.serve import run  # only the preview needs the web server

            return run(source, args.output, BuildOptions(pdf=args.pdf), port=args.port)
        return _build(args, out)
    except ContentError as error:
        out.problems(error.problems)
        errors = sum(1 for p in error.problems if p.severity == "error")
        out.error(f"failed: {errors} error(s); nothing was written")
        return ExitCode.CONTENT
    except (UnknownOrganisation, UnsafeOutput, PasswordError) as error:
        out.error(str(error))
        return ExitCode.USAGE


def _check(args: argparse.Namespace, out: Output) -> int:
    started = time.perf_counter()
    portfolio, warnings = check(args.source)
    warnings += coverage_warnings(portfolio) + placeholder_warnings(portfolio)
    if args.only:
        if args.only not in {o.slug for o in portfolio.organisations}:
            raise UnknownOrganisation(f"no organisation '{args.only}' in the portfolio")
        folder = (args.source / args.only).resolve()
        warnings = [w for w in warnings if w.path.resolve().is_relative_to(folder)]
    from klantspiegel.catalogs import catalog_path, missing_translations  # Babel's extractor

    used = {portfolio.config.language, *(o.report_language for o in portfolio.organisations)}
    warnings += [
        Problem(
            catalog_path(language),
            None,
            "msgid",
            f"no {language_name(language)} translation for {msgid!r}",
            "warning",
        )
        for language in sorted(used)
        for msgid in missing_translations(language)
    ]
    if args.strict:
        warnings = [Problem(w.path, w.line, w.field, w.message, "error") for w in warnings]
    out.problems(warnings)
    organisations = [o for o in portfolio.organisations if args.only in (None, o.slug)]
    findings = sum(len(a.findings) for o in organisations for a in o.audits)
    out.summary(
        "checked",
        {
            "organisations": len(organisations),
            "findings": findings,
            "warnings" if not args.strict else "errors": len(warnings),
        },
        time.perf_counter() - started,
    )
    if args.strict and warnings:
        out.error(f"failed: {len(warnings)} warning(s) treated as errors (--strict)")
        return ExitCode.CONTENT
    return ExitCode.OK


def _build(args: argparse.Namespace, out: Output) -> int:
    passwords = read_passwords(args.passwords, source=args.source, output=args.output)
    with out.progress("rendering organisations") as progress:
        try:
            result = build(
                args.source,
                args.output,
                _build_options(args),
                progress=progress,
                passwords=passwords,
            )
        except DeliveryFailed as failed:
            out.error(f"{failed}; {args.output} was left as it was")
            return ExitCode.CONTENT
        except RenderFailed as failed:
            for message in failed.messages:
                out.error(message)
            out.error(
                f"failed: {len(failed.messages)} organisation(s) could not be rendered; "
                f"{args.output} was left as it was"
            )
            return ExitCode.CONTENT
    out.problems(result.warnings)
    if result.without_password:
        out.say(f"no password, so no encrypted delivery for: {', '.join(result.without_password)}")
    what = f"built into {args.output}" if result.rendered else f"{args.output} is up to date"
    delivered = {"encrypted deliveries": len(result.delivered)} if passwords else {}
    out.summary(
        what,
        {
            "organisations": result.organisations,
            "findings": result.findings,
            "warnings": len(result.warnings),
            "pages": result.pages,
            "PDFs": result.pdfs,
            "rendered": len(result.rendered),
            **delivered,
        },
        result.seconds,
    )
    return ExitCode.OK


def _new(args: argparse.Namespace, out: Output) -> int:
    from klantspiegel.scaffold import ScaffoldError, scaffold, scaffold_portfolio

    try:
        if args.kind == "portfolio":
            folder = Path(args.name)
            paths = scaffold_portfolio(folder, args.language or _DEFAULT_LANGUAGE, args.consultancy)
        else:
            if args.consultancy:
                raise ScaffoldError("--name names the consultancy of a new portfolio")
            paths = [
                scaffold(
                    args.kind,
                    args.source,
                    args.organisation,
                    args.audit,
                    args.name,
                    language=args.language,
                )
            ]
    except ScaffoldError as error:
        out.error(str(error))
        return ExitCode.USAGE
    for path in paths:
        out.say(f"wrote {shown_path(path)}")
    if args.kind == "portfolio":
        out.say(
            f"next: fill in the placeholders; 'check --source {shown_path(folder)}' "
            "lists the ones left"
        )
    return ExitCode.OK


class Output:
    """Where messages go: rich on a terminal, plain lines elsewhere; --quiet keeps errors only."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.stderr = Console(stderr=True, highlight=False)
        self.stdout = Console(highlight=False)

    def say(self, message: str) -> None:
        if not self.quiet:
            self.stdout.print(message, markup=False, soft_wrap=True)

    def error(self, message: str) -> None:
        if self.stderr.is_terminal:
            self.stderr.print(f"[bold red]error:[/] {_escape(message)}", soft_wrap=True)
        else:
            print(f"error: {message}", file=sys.stderr)

    def problems(self, problems: list[Problem]) -> None:
        for problem in sorted(problems):
            if problem.severity == "warning" and self.quiet:
                continue
            line = problem.format(relative_to=Path.cwd())
            if self.stderr.is_terminal:
                colour = "yellow" if problem.severity == "warning" else "red"
                self.stderr.print(f"[{colour}]{_escape(line)}[/]", soft_wrap=True)
            else:
                print(line, file=sys.stderr)

    def summary(self, what: str, counts: dict[str, object], seconds: float) -> None:
        if self.quiet:
            return
        if not self.stdout.is_terminal:
            figures = ", ".join(f"{value} {name}" for name, value in counts.items())
            print(f"{what}: {figures} in {seconds:.2f} s")
            return
        table = Table(title=what, show_header=False, title_justify="left")
        for name, value in [*counts.items(), ("time", f"{seconds:.2f} s")]:
            table.add_row(name, str(value))
        self.stdout.print(table)

    @contextmanager
    def progress(self, label: str) -> Iterator[Callable[[str, int, int], None] | None]:
        """A progress bar callback on a terminal; None (no bar) elsewhere or with --quiet."""
        if self.quiet or not self.stderr.is_terminal:
            yield None
            return
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=self.stderr, transient=True) as bar:
            task = bar.add_task(label, total=None)

            def advance(name: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=f"{label}: {name}")

            yield advance


def shown_path(path: Path) -> Path:
    """A path as the user reads it best: relative to the current folder when inside it."""
    return shown(path, Path.cwd())


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
