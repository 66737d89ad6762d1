"""The walker: only regular files and real folders inside the portfolio are ever read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from klantspiegel.cache import files_under, tree_digest
from klantspiegel.walk import Walker, entry, fingerprint, is_junk, listing, walk


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "portfolio"
    folder.mkdir()
    (tmp_path / "outside.txt").write_text("OUTSIDE")
    return folder.resolve()


def kinds(folder: Path, root: Path) -> dict[str, str]:
    return {e.path.name: e.kind for e in listing(folder, root)}


def test_regular_files_and_folders_are_readable(root):
    (root / "a.md").write_text("a")
    (root / "org").mkdir()
    assert kinds(root, root) == {"a.md": "file", "org": "folder"}


def test_a_link_to_a_regular_file_inside_is_followed(root):
    (root / "a.png").write_bytes(b"png")
    (root / "b.png").symlink_to("a.png")
    found = entry(root / "b.png", root)
    assert found.is_file and found.target == "a.png"


def test_a_link_out_of_the_portfolio_is_refused(root):
    (root / "a.md").symlink_to(root.parent / "outside.txt")
    found = entry(root / "a.md", root)
    assert found.kind == "refused" and "outside the portfolio" in found.problem


def test_a_link_to_a_folder_is_refused_even_inside(root):
    (root / "real").mkdir()
    (root / "alias").symlink_to("real")
    assert "links to folders are not followed" in entry(root / "alias", root).problem


def test_a_path_through_a_linked_folder_is_refused(root):
    (root / "real").mkdir()
    (root / "real" / "x.png").write_bytes(b"png")
    (root / "alias").symlink_to("real")
    assert "linked folder" in entry(root / "alias" / "x.png", root).problem


def test_a_fifo_is_refused_without_being_opened(root):
    os.mkfifo(root / "pipe.md")  # opening it for reading would block forever
    found = entry(root / "pipe.md", root)
    assert found.kind == "refused" and found.problem == "is not a regular file (a FIFO)"


def test_a_link_to_a_device_is_refused(root):
    (root / "zero.md").symlink_to("/dev/zero")
    assert entry(root / "zero.md", root).kind == "refused"


def test_a_dangling_link_is_refused(root):
    (root / "gone.md").symlink_to("nowhere.md")
    assert "does not exist" in entry(root / "gone.md", root).problem


def test_a_link_loop_is_refused(root):
    (root / "a.md").symlink_to("b.md")
    (root / "b.md").symlink_to("a.md")
    assert entry(root / "a.md", root).kind == "refused"


def test_a_path_that_climbs_out_is_refused(root):
    assert entry(root / ".." / "outside.txt", root).problem == "is outside the portfolio"


def test_a_missing_file_is_missing(root):
    assert entry(root / "nothing.md", root).kind == "missing"


@pytest.mark.parametrize(
    "name",
    [".#x.md", "x.md~", ".x.md.swp", "#x.md#", "x.tmp", ".DS_Store", "~$report.docx", "Thumbs.db"],
)
def test_editor_lock_and_temporary_files_are_junk(name):
    assert is_junk(name)


@pytest.mark.parametrize("name", ["x.md", "centrale-lijn.md", "survey.csv", "logo.svg"])
def test_ordinary_names_are_not_junk(name):
    assert not is_junk(name)


def test_a_dangling_editor_lock_is_junk_not_an_error(root):
    (root / ".#x.md").symlink_to("user@host.1234:1700000000")
    assert kinds(root, root) == {".#x.md": "junk"}


def test_walk_skips_hidden_and_named_folders_and_never_enters_links(root):
    for folder in ("a", ".git", "cache"):
        (root / folder).mkdir()
        (root / folder / "f.txt").write_text(folder)
    (root / "b").symlink_to("a")
    found = {e.path.relative_to(root).as_posix(): e.kind for e in walk(root, root, ("cache",))}
    assert found == {"a": "folder", "a/f.txt": "file", "b": "refused"}


def test_the_loader_walker_reports_each_problem_once_with_its_severity(root):
    os.mkfifo(root / "pipe.md")
    (root / "x.md~").write_text("backup")
    problems: list = []
    walker = Walker(root, problems)
    walker.listing(root)
    walker.check(root / "pipe.md")
    assert sorted((p.path.name, p.severity) for p in problems) == [
        ("pipe.md", "error"),
        ("x.md~", "warning"),
    ]


def test_files_under_lists_only_readable_files(root):
    (root / "a.md").write_text("a")
    (root / "out.md").symlink_to(root.parent / "outside.txt")
    os.mkfifo(root / "pipe")
    assert files_under(root) == [root / "a.md"]


def test_the_tree_digest_sees_a_file_swapped_for_a_link_with_the_same_bytes(root):
    (root / "a.md").write_text("OUTSIDE")
    before = tree_digest(root)
    (root / "a.md").unlink()
    (root / "a.md").symlink_to(root.parent / "outside.txt")
    assert tree_digest(root) != before


def test_the_tree_digest_keeps_the_digest_of_each_folder_in_it_as_that_folder_has_it(root):
    for name in ("post", "spoor", ".verborgen", "_gedeeld"):
        (root / name / "2026").mkdir(parents=True)
        (root / name / "2026" / "a.md").write_text(name)
    (root / "portfolio.yaml").write_text("consultancy: X\n")
    folders: dict[Path, str] = {}
    whole = tree_digest(root, folders=folders)
    assert whole == tree_digest(root)
    assert folders == {
        root / name: tree_digest(root / name, root=root) for name in ("_gedeeld", "post", "spoor")
    }
    (root / "spoor" / "2026" / "a.md").write_text("changed")
    assert tree_digest(root) != whole


def test_the_tree_digest_sees_a_file_moved_to_another_folder(root):
    (root / "a").mkdir()
    (root / "b").mkdir()
    (root / "a" / "x.md").write_text("x")
    before = tree_digest(root)
    (root / "a" / "x.md").rename(root / "b" / "x.md")
    assert tree_digest(root) != before


def test_the_tree_digest_never_reads_a_fifo(root):
    os.mkfifo(root / "pipe.md")
    assert tree_digest(root)  # returns: the FIFO was judged by lstat, never opened


def test_a_fingerprint_changes_with_the_bytes_and_the_kind(root):
    (root / "a.png").write_bytes(b"one")
    first = fingerprint(entry(root / "a.png", root))
    (root / "a.png").write_bytes(b"two")
    second = fingerprint(entry(root / "a.png", root))
    (root / "a.png").unlink()
    (root / "a.png").symlink_to(root.parent / "outside.txt")
    assert len({first, second, fingerprint(entry(root / "a.png", root))}) == 3


def test_a_file_swapped_for_a_fifo_after_judging_is_refused_when_read_not_waited_on(root):
    # The walker judged a.md a file; it became a FIFO before the reader opened it.
    from klantspiegel.problems import Problem
    from klantspiegel.source import read_text

    os.mkfifo(root / "a.md")
    problems: list[Problem] = []
    assert read_text(root / "a.md", problems, 1000) is None  # returns at once, no writer needed
    assert "not a regular file" in problems[0].message


def test_reading_stops_just_past_the_limit_of_a_file_that_grew(root):
    from klantspiegel.walk import read_regular

    (root / "big.md").write_bytes(b"x" * 10_000)
    assert len(read_regular(root / "big.md", 100)) == 101


def test_a_link_into_another_organisation_folder_is_refused(root):
    for organisation in ("a", "b"):
        (root / organisation).mkdir()
        (root / organisation / "x.png").write_bytes(organisation.encode())
    (root / "a" / "own.png").symlink_to("x.png")
    (root / "a" / "theirs.png").symlink_to("../b/x.png")
    (root / "shared.png").symlink_to("b/x.png")  # a link at the root launders nothing
    assert entry(root / "a" / "own.png", root).is_file
    for path in (root / "a" / "theirs.png", root / "shared.png"):
        assert "belongs to the organisation folder 'b'" in entry(path, root).problem


def test_a_path_into_another_organisation_folder_is_refused_for_its_reader(root):
    for folder in ("a", "b", "_shared", "templates"):
        (root / folder).mkdir()
        (root / folder / "x.png").write_bytes(b"png")
    reader = root / "a" / "finding.md"
    assert "organisation folder 'b'" in entry(root / "b" / "x.png", root, reader).problem
    for folder in ("a", "_shared", "templates"):
        assert entry(root / folder / "x.png", root, reader).is_file
    assert entry(root / "b" / "x.png", root).is_file  # without a reader: b's own loading


def test_a_path_through_a_hidden_folder_is_refused(root):
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.png").write_bytes(b"png")  # the input hash never sees it
    assert "hidden folder '.hidden'" in entry(root / ".hidden" / "x.png", root).problem
    (root / ".x.png").write_bytes(b"png")  # a hidden file is hashed, so it may be read
    assert entry(root / ".x.png", root).is_file


def test_a_folder_that_cannot_be_listed_is_refused_not_empty(root, monkeypatch):
    (root / "findings").mkdir()
    (root / "findings" / "a.md").write_text("a")

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", denied)  # what chmod 000 does to a non-root user
    problems: list = []
    assert Walker(root, problems).listing(root / "findings") == []
    assert [(p.path, p.message) for p in problems] == [
        (root / "findings", "cannot be listed (Permission denied)")
    ]


def test_the_tree_digest_hashes_a_followed_link_by_its_target_bytes(root):
    (root / "assets").mkdir()
    (root / "shared.css").write_text("a {}")
    (root / "assets" / "x.css").symlink_to("../shared.css")
    before = tree_digest(root / "assets", root=root)
    (root / "shared.css").write_text("b {}")  # the link is unchanged, what it copies is not
    assert tree_digest(root / "assets", root=root) != before
