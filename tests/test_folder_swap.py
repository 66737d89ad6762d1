"""serve after a save inside one organisation: only that organisation's site folder is staged
and put in place; the rest of the output stays where it is, and a kill at any step of the
swap still leaves the old folder or the new one."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from test_atomic_output import Killed, interrupt_swap, snapshot
from test_incremental import assert_same_as_clean_build, three_organisations

from klantspiegel import pipeline
from klantspiegel.build_options import BuildOptions
from klantspiegel.cache import CACHE_DIR
from klantspiegel.output import prepare_output
from klantspiegel.pipeline import build
from klantspiegel.templating import THEME_DIR

SITE_ONLY = BuildOptions(pdf=False, jobs=1)
AFTER_A_SAVE = replace(SITE_ONLY, pages_first=True, only="postbedrijf")


@pytest.fixture
def served(tmp_path):
    writer = three_organisations(tmp_path / "audits")
    output = tmp_path / "served" / "output"
    build(writer.root, output, SITE_ONLY)
    return writer, output


def add_a_line(root: Path) -> None:
    finding = root / "postbedrijf/2026/findings/loket.md"
    finding.write_text(finding.read_text() + "\nNog een zin over het loket.\n")


def folders(output: Path) -> dict[str, int]:
    """The identity (inode) of the output's folders that a swap could replace."""
    names = [".", "site", "site/spoorweg", "site/postbedrijf", "clients/postbedrijf"]
    return {name: (output / name).stat().st_ino for name in names}


def test_after_a_save_only_the_organisations_site_folder_is_put_in_place(served, tmp_path):
    writer, output = served
    before = folders(output)
    add_a_line(writer.root)
    build(writer.root, output, AFTER_A_SAVE)
    after = folders(output)
    assert [name for name in before if before[name] != after[name]] == ["site/postbedrijf"]
    assert "Nog een zin" in (output / "site/postbedrijf/findings/loket.html").read_text()
    build(writer.root, output, SITE_ONLY)
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_a_new_organisations_first_build_stages_the_whole_output(served):
    writer, output = served
    writer.organisation("haven", name="Haven West")
    writer.audit("haven")
    writer.finding("haven", "kade")
    before = folders(output)
    build(writer.root, output, replace(AFTER_A_SAVE, only="haven"))
    assert folders(output)["."] != before["."]  # its client bundle is new: outside its folder
    assert (output / "clients/haven").is_dir() and (output / "site/haven").is_dir()


def finished_copy(output: Path, tmp_path: Path, writer) -> dict[str, bytes]:
    """What the build after a save makes when nothing stops it, built on a copy."""
    copy = tmp_path / "copy" / output.name
    shutil.copytree(output, copy)
    shutil.copytree(output.parent / CACHE_DIR, copy.parent / CACHE_DIR)
    build(writer.root, copy, AFTER_A_SAVE)
    return snapshot(copy)


# The swap of one folder: rename it aside, rename the staged one in, rename the old one to
# trash, remove what led to the staged one. A kill before step n leaves the folder named here.
FOLDER_SWAP_STEPS = {
    "before the folder is moved aside": ("rename", 1, "old"),
    "between the two renames": ("rename", 2, "old"),
    "before the old folder goes to the trash": ("rename", 3, "new"),
    "while the staging folder is removed": ("rmtree", 1, "new"),
}


@pytest.mark.parametrize("step", list(FOLDER_SWAP_STEPS))
def test_a_folder_swap_stopped_at_any_step_leaves_the_old_or_the_new_folder(
    step, served, tmp_path, monkeypatch
):
    writer, output = served
    old = snapshot(output)
    add_a_line(writer.root)
    new = finished_copy(output, tmp_path, writer)
    what, at, survivor = FOLDER_SWAP_STEPS[step]
    with monkeypatch.context() as patch:
        interrupt_swap(patch, what, at)
        with pytest.raises(Killed):
            build(writer.root, output, AFTER_A_SAVE)
    prepare_output(output, writer.root, THEME_DIR)  # what the next build starts with
    assert snapshot(output) == {"old": old, "new": new}[survivor]
    build(writer.root, output, SITE_ONLY)
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_a_build_that_writes_outside_the_staged_folder_fails_and_changes_nothing(
    served, monkeypatch
):
    writer, output = served
    before = snapshot(output)
    add_a_line(writer.root)
    monkeypatch.setattr(pipeline, "folder_of_changes", lambda job: "site/spoorweg")
    with pytest.raises(RuntimeError, match="outside site/spoorweg, the folder it staged"):
        build(writer.root, output, AFTER_A_SAVE)
    assert snapshot(output) == before
