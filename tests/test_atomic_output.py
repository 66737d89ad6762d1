"""A build that is killed half-way leaves the previous output exactly as it was."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from klantspiegel.cli import main

# Each point patches one stage of the pipeline, in a child process, to kill the process
# (SIGKILL: no cleanup, no finally blocks) once the stage has started its work.
KILL_POINTS = {
    "after parsing": ("klantspiegel.pipeline", "latest_scores", "before"),
    "during site rendering": ("klantspiegel.render", "render_page", "after"),
    "during pdf rendering": ("klantspiegel.render", "render_pdf", "after"),
    "while writing a client bundle": ("klantspiegel.render", "_render_bundle", "before"),
    "while writing the exports": ("klantspiegel.render", "write_exports", "after"),
}

CHILD = """
import os, signal, sys, importlib
from pathlib import Path
build_process = os.getpid()  # a worker that forks from it kills the build, then itself
module = importlib.import_module({module!r})
original = getattr(module, {name!r})

def killed(*args, **kwargs):
    if {when!r} == "after":
        original(*args, **kwargs)
    os.kill(build_process, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)

setattr(module, {name!r}, killed)
from klantspiegel.cli import main
sys.exit(main(["--source", {source!r}, "--output", {output!r}]))
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory):
    from conftest import PortfolioWriter

    root = tmp_path_factory.mktemp("atomic")
    writer = PortfolioWriter(root / "audits")
    writer.organisation("postbedrijf", name="Postbedrijf Noord")
    writer.audit("postbedrijf")
    writer.anecdote("postbedrijf", "gemist-pakje")
    writer.finding("postbedrijf", "centrale-lijn", anecdotes="gemist-pakje")
    writer.organisation("spoorbedrijf", name="Spoorbedrijf Zuid")  # two: a process pool
    writer.audit("spoorbedrijf")
    writer.finding("spoorbedrijf", "loket")
    output = root / "output"
    assert main(["--source", str(writer.root), "--output", str(output)]) == 0
    return writer, output, snapshot(output)


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_killed_build_leaves_the_previous_output_byte_for_byte(previous_build, point):
    writer, output, before = previous_build
    writer.finding("postbedrijf", "nieuw", title=f"New finding {point}")  # a change to build
    module, name, when = KILL_POINTS[point]
    script = CHILD.format(module=module, name=name, when=when, source=str(writer.root),
                          output=str(output))
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(script)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == -9, result.stderr  # it really was killed
    assert snapshot(output) == before
    (writer.root / "postbedrijf/2026/findings/nieuw.md").unlink()


def test_the_next_build_clears_what_a_killed_build_left_behind(previous_build):
    writer, output, _before = previous_build
    (output.parent / ".klantspiegel-staging-killed").mkdir(exist_ok=True)  # as a kill leaves
    assert main(["--source", str(writer.root), "--output", str(output), "--no-pdf"]) == 0
    assert list(output.parent.glob(".klantspiegel-staging-*")) == []
    assert list(output.parent.glob(".klantspiegel-retired-*")) == []


def test_the_build_writes_nothing_into_the_portfolio_or_the_theme(previous_build):
    writer, output, _before = previous_build
    theme = Path(__file__).resolve().parent.parent / "templates"
    sources_before, theme_before = snapshot(writer.root), snapshot(theme)
    assert main(["--source", str(writer.root), "--output", str(output), "--no-pdf"]) == 0
    assert snapshot(writer.root) == sources_before
    assert snapshot(theme) == theme_before
