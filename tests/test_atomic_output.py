"""A build that is killed half-way leaves the previous output exactly as it was."""

from __future__ import annotations

import errno
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from klantspiegel import output as output_module
from klantspiegel.build_options import BuildOptions
from klantspiegel.cli import main
from klantspiegel.output import MARKER, prepare_output
from klantspiegel.pipeline import build
from klantspiegel.templating import THEME_DIR

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
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


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
    script = CHILD.format(
        module=module, name=name, when=when, source=str(writer.root), output=str(output)
    )
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=300
    )
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


def build_into(writer, output: Path) -> int:
    return main(["--source", str(writer.root), "--output", str(output), "--no-pdf", "-q"])


def test_every_output_carries_the_marker_that_lets_the_next_build_replace_it(
    small_portfolio, tmp_path
):
    assert build_into(small_portfolio, tmp_path / "output") == 0
    assert (tmp_path / "output" / MARKER).is_file()


def test_an_empty_existing_folder_is_accepted_as_output(small_portfolio, tmp_path):
    (tmp_path / "output").mkdir()
    assert build_into(small_portfolio, tmp_path / "output") == 0
    assert (tmp_path / "output/site/index.html").is_file()


def test_a_previous_output_is_replaced_whole(small_portfolio, tmp_path):
    output = tmp_path / "output"
    assert build_into(small_portfolio, output) == 0
    (output / "site/stray.html").write_text("left by hand")
    assert (
        main(
            [
                "--source",
                str(small_portfolio.root),
                "--output",
                str(output),
                "--no-pdf",
                "--clean",
                "-q",
            ]
        )
        == 0
    )
    assert not (output / "site/stray.html").exists()


def test_an_output_of_a_build_from_before_the_marker_is_still_replaced(small_portfolio, tmp_path):
    output = tmp_path / "output"
    assert build_into(small_portfolio, output) == 0
    (output / MARKER).unlink()  # as a build older than the marker left it, cache beside it
    assert (
        main(
            [
                "--source",
                str(small_portfolio.root),
                "--output",
                str(output),
                "--no-pdf",
                "--clean",
                "-q",
            ]
        )
        == 0
    )
    assert (output / MARKER).is_file()


def test_a_foreign_folder_with_a_site_folder_but_no_build_cache_is_refused(
    small_portfolio, tmp_path
):
    output = tmp_path / "output"
    (output / "site").mkdir(parents=True)
    (output / "site" / "mine.txt").write_text("mine")
    assert build_into(small_portfolio, output) == 2
    assert (output / "site" / "mine.txt").read_text() == "mine"


def test_an_output_reached_through_a_symlink_is_built_in_its_target(small_portfolio, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "output").symlink_to(tmp_path / "elsewhere")
    assert build_into(small_portfolio, tmp_path / "output") == 0
    assert (tmp_path / "output").is_symlink()
    assert (tmp_path / "elsewhere/site/index.html").is_file()


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no cleanup."""


# The swap of an existing output: rename it aside, rename staging in, rename the old copy to
# trash, remove the trash. A kill before step n leaves the output named here.
SWAP_STEPS = {
    "before the old output is moved aside": ("rename", 1, "old"),
    "between the two renames": ("rename", 2, "old"),
    "before the old copy goes to the trash": ("rename", 3, "new"),
    "while the trash is removed": ("rmtree", 1, "new"),
}


def interrupt_swap(monkeypatch, what: str, at: int) -> None:
    """Make the swap stop at its `at`-th rename or rmtree, as a kill would."""
    real_swap, real_rename, real_rmtree = output_module._swap_in, Path.rename, shutil.rmtree
    calls = {"rename": 0, "rmtree": 0}

    def counted(kind, real):
        def call(*args, **kwargs):
            calls[kind] += 1
            if kind == what and calls[kind] == at:
                raise Killed
            return real(*args, **kwargs)

        return call

    def swap(staging: Path, output: Path, *how: bool) -> None:
        with monkeypatch.context() as during:
            during.setattr(Path, "rename", counted("rename", real_rename))
            during.setattr(output_module.shutil, "rmtree", counted("rmtree", real_rmtree))
            real_swap(staging, output, *how)

    monkeypatch.setattr(output_module, "_swap_in", swap)


@pytest.mark.parametrize("step", list(SWAP_STEPS))
def test_a_swap_stopped_at_any_step_leaves_the_old_or_the_new_output_for_the_next_start(
    step, small_portfolio, tmp_path, monkeypatch
):
    output = tmp_path / "output"
    assert build_into(small_portfolio, output) == 0
    old = snapshot(output)
    small_portfolio.finding("postbedrijf", "nieuw", title="A new finding")
    what, at, survivor = SWAP_STEPS[step]
    with monkeypatch.context() as patch:
        interrupt_swap(patch, what, at)
        with pytest.raises(Killed):
            build_into(small_portfolio, output)
    prepare_output(output, small_portfolio.root, THEME_DIR)  # what the next build starts with
    recovered = snapshot(output)
    assert build_into(small_portfolio, output) == 0
    assert recovered == {"old": old, "new": snapshot(output)}[survivor]
    assert (
        sorted(
            p.name
            for p in tmp_path.iterdir()
            if p.name.startswith(".klantspiegel-") and p.name != ".klantspiegel-cache"
        )
        == []
    )


def test_a_retired_copy_of_a_sibling_output_is_put_back_not_deleted(small_portfolio, tmp_path):
    assert build_into(small_portfolio, tmp_path / "preview") == 0
    kept = snapshot(tmp_path / "preview")
    aside = tmp_path / ".klantspiegel-retired-killed"
    aside.mkdir()
    (tmp_path / "preview").rename(aside / "preview")  # as a kill mid-swap leaves it
    assert build_into(small_portfolio, tmp_path / "output") == 0
    assert snapshot(tmp_path / "preview") == kept


SWAP_KILL = """
import os, signal, sys
from pathlib import Path
import klantspiegel.output as output
real_swap, real_rename = output._swap_in, Path.rename

def swap(staging, out, *how):
    renames = []
    def rename(self, target):
        renames.append(self)
        if len(renames) == 2:  # the old output is aside, the new one not yet in
            os.kill(os.getpid(), signal.SIGKILL)
        return real_rename(self, target)
    Path.rename = rename
    real_swap(staging, out, *how)

output._swap_in = swap
from klantspiegel.cli import main
sys.exit(main(["--source", {source!r}, "--output", {output!r}, "--no-pdf"]))
"""


def test_a_build_killed_between_the_two_renames_loses_nothing(small_portfolio, tmp_path):
    output = tmp_path / "output"
    assert build_into(small_portfolio, output) == 0
    before = snapshot(output)
    small_portfolio.finding("postbedrijf", "nieuw", title="A new finding")
    script = SWAP_KILL.format(source=str(small_portfolio.root), output=str(output))
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == -9, result.stderr
    assert not output.exists()  # the instant the issue found: no output on disk
    small_portfolio.write("postbedrijf/organisation.yaml", "name: [broken\n")
    assert build_into(small_portfolio, output) == 1  # even a failing next build puts it back
    assert snapshot(output) == before


HOLD_STAGING = """
import sys
from pathlib import Path
from klantspiegel.output import staged_output
from klantspiegel.templating import THEME_DIR
with staged_output(Path({output!r}), source=Path({source!r}), theme=THEME_DIR) as staging:
    (staging / "first.txt").write_text("the first build")
    print(staging, flush=True)
    sys.stdin.readline()  # the test lets it finish
"""


def test_a_second_build_waits_for_the_first_instead_of_clearing_its_staging_folder(
    small_portfolio, tmp_path
):
    output = tmp_path / "output"
    script = HOLD_STAGING.format(output=str(output), source=str(small_portfolio.root))
    first = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    staging = Path(first.stdout.readline().strip())
    second = threading.Thread(target=prepare_output, args=(output, small_portfolio.root, THEME_DIR))
    second.start()
    second.join(timeout=1)
    assert second.is_alive() and (staging / "first.txt").is_file()  # it waits, clears nothing
    first.communicate("done\n", timeout=60)
    second.join(timeout=60)
    assert first.returncode == 0 and not second.is_alive()
    assert (output / "first.txt").read_text() == "the first build"


def test_a_swap_the_file_system_refuses_leaves_the_old_output_and_says_so(
    small_portfolio, tmp_path, monkeypatch, capsys
):
    output = tmp_path / "output"
    assert build_into(small_portfolio, output) == 0
    before = snapshot(output)
    small_portfolio.finding("postbedrijf", "nieuw", title="A new finding")
    real_rename = Path.rename

    def rename(self, target):  # as a mount point or another device would refuse it
        if self.name.startswith(output_module.STAGING_PREFIX):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    assert build_into(small_portfolio, output) == 2
    assert "could not be replaced (Invalid cross-device link)" in capsys.readouterr().err
    assert snapshot(output) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".klantspiegel-")] == [
        ".klantspiegel-cache"
    ]


def test_serve_leaves_replaced_outputs_to_the_full_build_that_follows(small_portfolio, tmp_path):
    output = tmp_path / "built" / "output"
    pages_first = BuildOptions(pdf=False, jobs=1, pages_first=True)
    finding = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    build(small_portfolio.root, output, pages_first)

    def beside() -> list[str]:  # the folders beside the output, trash without its random tail
        return sorted(re.sub(r"trash-.*", "trash", p.name) for p in output.parent.iterdir())

    for sentence in ("Nog een zin.", "En nog een."):  # saves back to back, as in serve
        finding.write_text(finding.read_text() + f"\n{sentence}\n")
        build(small_portfolio.root, output, pages_first)
        assert sentence in (output / "site/postbedrijf/findings/centrale-lijn.html").read_text()
    assert beside() == [
        ".klantspiegel-cache",
        ".klantspiegel-trash",
        ".klantspiegel-trash",
        "output",
    ]
    build(small_portfolio.root, output, BuildOptions(pdf=False, jobs=1))
    assert beside() == [".klantspiegel-cache", "output"]
