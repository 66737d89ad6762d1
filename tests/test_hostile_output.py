"""Hostile output locations: each is refused (exit 2, a message naming --output), nothing lost.

A build replaces its output folder whole, so an output that is, holds or lies in the
portfolio or the theme, the home folder, `/`, or a folder some other program filled must be
refused before anything is touched. Every case runs in a project laid out in tmp_path, with
HOME and the theme pointed into it, and checks that not a byte of it changed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import PortfolioWriter

from klantspiegel import cli
from klantspiegel.build_options import BuildOptions
from klantspiegel.output import UnsafeOutput
from klantspiegel.pipeline import build

FOREIGN = "choose another folder or empty it"  # the advice for a filled folder


@dataclass(frozen=True)
class Case:
    name: str
    output: str  # as typed, from the project folder; {home} and {tmp} are filled in
    links: dict[str, str] = field(default_factory=dict)  # symlink (in project) -> target
    says: str = "--output"  # the message names the option, and for a foreign folder this


CASES = [
    Case("the project folder, as '.'", "."),
    Case("the portfolio", "audits"),
    Case("the portfolio with a trailing slash", "audits/"),
    Case("the portfolio through '..'", "docs/../audits"),
    Case("a new folder inside the portfolio", "audits/output"),
    Case("an organisation folder", "audits/postbedrijf"),
    Case("a findings folder, deep inside", "audits/postbedrijf/2026/findings"),
    Case("the portfolio's parent through '..'", "audits/.."),
    Case("a folder holding the project", ".."),
    Case("the theme", "theme"),
    Case("a folder inside the theme", "theme/site/out"),
    Case("the home folder", "{home}"),
    Case("the folder holding the home folder", "{home}/.."),
    Case("the root folder", "/"),
    Case("a symlink to the portfolio", "mirror", links={"mirror": "audits"}),
    Case("a folder under a symlink to the portfolio", "mirror/out", links={"mirror": "audits"}),
    Case("a dangling symlink into the portfolio", "later", links={"later": "audits/not-yet"}),
    Case("a symlink to the theme", "look", links={"look": "theme"}),
    Case("a symlink to the home folder", "house", links={"house": "{home}"}),
    Case(
        "a cache folder linked into the portfolio", "out", links={".klantspiegel-cache": "audits"}
    ),
    Case("a cache folder linked into the theme", "out", links={".klantspiegel-cache": "theme"}),
    Case("a filled folder no build wrote", "docs", says=FOREIGN),
    Case("a symlink to a filled folder", "manual", links={"manual": "docs"}, says=FOREIGN),
    Case("a folder holding only a hidden file", "vendor", says=FOREIGN),
    Case("a fake marker that is a folder", "fake", says=FOREIGN),
    Case("a file", "README.md", says="not a folder"),
    Case(
        "a marker that is a link to a file",
        "kept",
        links={"kept/.klantspiegel-output": "../README.md"},
        says=FOREIGN,
    ),
    Case("an empty marker no build wrote", "mine", says=FOREIGN),
    Case(
        "a name builds use for their staging folders",
        ".klantspiegel-staging-mine",
        says="keep for themselves",
    ),
    Case("the build cache folder", ".klantspiegel-cache", says="keep for themselves"),
    Case("a folder inside the build cache", ".klantspiegel-cache/out", says="keep for themselves"),
    Case("a folder inside .git", ".git/site", says="version-control"),
    Case("a symlink loop", "loop", links={"loop": "loop"}, says="cannot be used"),
    Case("a folder below a file", "README.md/out", says="cannot be written"),
]


def tree(root: Path) -> dict[str, str]:
    """Every entry below root (links not followed): a hash, 'folder', or the link's target."""
    state = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                state[key] = "-> " + os.readlink(path)
            elif path.is_file():
                state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                state[key] = "folder"
    return state


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a portfolio, .git, docs and a theme; HOME beside it; cwd inside it."""
    root = tmp_path / "project"
    writer = PortfolioWriter(root / "audits")
    writer.organisation("postbedrijf", name="Postbedrijf Noord")
    writer.audit("postbedrijf")
    writer.finding("postbedrijf", "centrale-lijn")
    files = {
        ".git/HEAD": "ref: refs/heads/main\n",
        "README.md": "# Our project\n",
        "docs/guide.md": "# Guide\n",
        "vendor/.keep": "",
        "fake/.klantspiegel-output/x": "",
        "kept/notes.txt": "mine\n",
        "mine/notes.txt": "mine\n",
        "mine/.klantspiegel-output": "",
        "theme/site/page.html": "<p>{{ page }}</p>\n",
        "../home/me/notes.txt": "private\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    monkeypatch.setenv("HOME", str(tmp_path / "home/me"))
    monkeypatch.setattr(cli, "THEME_DIR", root / "theme")
    monkeypatch.chdir(root)
    return root


def fill(text: str, project: Path) -> str:
    return text.format(home=project.parent / "home/me")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_hostile_output_is_refused_and_nothing_is_lost(case, project, capsys):
    for link, target in case.links.items():
        (project / link).symlink_to(fill(target, project))
    before = tree(project.parent)
    assert (
        cli.main(
            ["build", "--source", "audits", "--output", fill(case.output, project), "--no-pdf"]
        )
        == 2
    )
    error = capsys.readouterr().err
    assert "--output" in error and case.says in error
    assert tree(project.parent) == before


@pytest.mark.parametrize("output", [".", "audits/site", "docs", ".git/site"])
def test_serve_refuses_a_hostile_output_before_it_builds(output, project, capsys):
    before = tree(project.parent)
    assert cli.main(["serve", "--source", "audits", "--output", output]) == 2
    assert "--output" in capsys.readouterr().err
    assert tree(project.parent) == before


@pytest.mark.parametrize("output", [".", "audits", "audits/out", "docs", "theme"])
def test_the_library_build_refuses_a_hostile_output_too(output, project):
    before = tree(project.parent)
    with pytest.raises(UnsafeOutput, match="--output"):
        build(Path("audits"), Path(output), BuildOptions(pdf=False, theme_dir=project / "theme"))
    assert tree(project.parent) == before
