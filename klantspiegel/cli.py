"""Command line: `build` (the default) and `check`.

Exit codes: 0 built (or valid), 1 content errors in the portfolio, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from klantspiegel.pipeline import build, check
from klantspiegel.problems import ContentError, Problem

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--source",
        type=Path,
        default=Path("audits"),
        metavar="DIR",
        help="portfolio folder to read (default: audits)",
    )
    parser = argparse.ArgumentParser(
        prog="klantspiegel",
        parents=[common],
        description="Build customer-centricity audit reports: a site and a PDF per organisation.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_cmd = commands.add_parser(
        "build",
        parents=[common],
        help="build site and PDFs (default)",
        description="Build the portfolio into the output folder.",
    )
    check_cmd = commands.add_parser(
        "check",
        parents=[common],
        help="validate only, write nothing",
        description="Validate the portfolio and report every problem.",
    )
    for command in (parser, build_cmd):
        command.add_argument(
            "--output",
            type=Path,
            default=Path("output"),
            metavar="DIR",
            help="folder to write (default: output)",
        )
        command.add_argument("--no-pdf", action="store_true", help="build the site only")
    check_cmd.set_defaults(command="check")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    source: Path = args.source
    if not source.is_dir():
        print(f"error: portfolio folder not found: {source}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "check":
            portfolio, warnings = check(source)
            _report(warnings, source)
            findings = sum(len(a.findings) for o in portfolio.organisations for a in o.audits)
            print(
                f"ok: {len(portfolio.organisations)} organisations, {findings} findings, "
                f"{len(warnings)} warnings"
            )
            return EXIT_OK
        output: Path = args.output
        if output.resolve().is_relative_to(source.resolve()):
            print("error: --output must not be inside the portfolio folder", file=sys.stderr)
            return EXIT_USAGE
        result = build(source, output, pdf=not args.no_pdf)
    except ContentError as error:
        _report(error.problems, source)
        errors = sum(1 for p in error.problems if p.severity == "error")
        print(f"failed: {errors} error(s); nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    _report(result.warnings, source)
    print(
        f"built {result.pages} pages and {result.pdfs} PDFs ({result.pdf_pages} PDF pages) "
        f"into {output} in {result.seconds:.1f} s"
    )
    return EXIT_OK


def _report(problems: list[Problem], source: Path) -> None:
    root = source.resolve()
    for problem in sorted(problems):
        print(problem.format(root), file=sys.stderr)
