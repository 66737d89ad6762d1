"""Every artifact is written as a new file, never into the old one.

A rebuild's staging folder starts as hard links to the previous output, so a writer that
opened an existing file for writing would change the previous output too. Here the rebuild
re-renders every artifact (a new code digest and accent colour change every key) with the
removal of stale files switched off, so each writer meets its own previous file,
hard-linked, at its name.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import PortfolioWriter, write_small_portfolio

import klantspiegel.pipeline as pipeline
import klantspiegel.render as render
from klantspiegel.build_options import BuildOptions
from klantspiegel.delivery import Passwords
from klantspiegel.output import MARKER
from klantspiegel.pipeline import build

ORG = "postbedrijf"
PASSWORDS = Passwords(from_file={ORG: "correct horse battery staple"})

# One file of each writer kind: path in the output.
WRITTEN = {
    "page": "site/index.html",
    "asset": "site/assets/css/theme.css",
    "copied asset": "site/assets/css/site.css",
    "bundle asset linked to the site's": f"clients/{ORG}/assets/css/site.css",
    "export": "exports/scores.json",
    "PDF": f"pdf/{ORG}.pdf",
    "PDF copied into the bundle": f"clients/{ORG}/{ORG}.pdf",
    "single-file report": f"clients/{ORG}/{ORG}.html",
    "inline search index": f"clients/{ORG}/search/index.js",
    "encrypted PDF": f"delivery/{ORG}/{ORG}.pdf",
    "encrypted zip": f"delivery/{ORG}/{ORG}.zip",
    "output marker": MARKER,
}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes]]:
    """(output, previous output kept by hard links, the previous bytes) after the rebuild."""
    root = tmp_path_factory.mktemp("writes")
    source, output, kept = root / "audits", root / "output", root / "kept"
    writer = write_small_portfolio(PortfolioWriter(source))
    build(source, output, BuildOptions(jobs=1), passwords=PASSWORDS)
    shutil.copytree(output, kept, copy_function=os.link)  # more names for the same files
    before = {name: (kept / name).read_bytes() for name in WRITTEN.values()}
    writer.write(
        "portfolio.yaml", "consultancy: Test Advies\nlanguage: nl\naccent_colour: '#7a1d5b'\n"
    )  # the assets' key
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "code_digest", lambda: "another version of the code")
        patch.setattr(render, "_remove_stale", lambda job: None)
        build(source, output, BuildOptions(jobs=1), passwords=PASSWORDS)
    return output, kept, before


@pytest.mark.parametrize("name", WRITTEN.values(), ids=WRITTEN.keys())
def test_rendering_an_artifact_again_leaves_the_previous_outputs_file_alone(rebuilt, name):
    output, kept, before = rebuilt
    assert (kept / name).read_bytes() == before[name]
    assert not os.path.samefile(output / name, kept / name)  # a new file took the name


def test_an_interrupted_write_leaves_the_old_file_and_no_partial_one(tmp_path):
    from klantspiegel.writes import artifact_writer

    target = tmp_path / "page.html"
    target.write_text("old")
    with pytest.raises(RuntimeError), artifact_writer(target) as handle:
        handle.write(b"half a ")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


@pytest.mark.parametrize(
    ("bundle_file", "site_file"),
    [
        (f"clients/{ORG}/assets/css/site.css", "site/assets/css/site.css"),
        (f"clients/{ORG}/assets/fonts/Inter-Regular.otf", "site/assets/fonts/Inter-Regular.otf"),
        (f"clients/{ORG}/assets/css/theme.css", "site/assets/css/theme.css"),
        (f"clients/{ORG}/{ORG}.pdf", f"pdf/{ORG}.pdf"),
    ],
)
def test_what_a_bundle_shares_with_the_site_is_written_once_and_linked(
    rebuilt, bundle_file, site_file
):
    output, _, _ = rebuilt
    assert os.path.samefile(output / bundle_file, output / site_file)


def test_where_no_link_can_be_made_the_file_is_copied(tmp_path, monkeypatch):
    from klantspiegel.writes import link_artifact

    source, target = tmp_path / "site.css", tmp_path / "bundle" / "site.css"
    source.write_bytes(b"body {}")

    def no_links(*_args, **_kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    link_artifact(source, target)
    assert target.read_bytes() == b"body {}"
    assert not os.path.samefile(source, target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["site.css"]


def test_placed_files_are_links_where_an_earlier_folder_has_the_same_bytes(tmp_path):
    from klantspiegel.writes import place_files

    new, earlier, target = tmp_path / "new", tmp_path / "earlier", tmp_path / "target"
    for folder, files in (
        (new, {"same.txt": b"kept", "changed.txt": b"new", "sub/added.txt": b"added"}),
        (earlier, {"same.txt": b"kept", "changed.txt": b"old", "gone.txt": b"gone"}),
    ):
        for name, data in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)

    placed = place_files(new, target, earlier)

    assert [p.relative_to(target).as_posix() for p in placed] == [
        "changed.txt",
        "same.txt",
        "sub/added.txt",
    ]
    assert os.path.samefile(target / "same.txt", earlier / "same.txt")
    assert not os.path.samefile(target / "changed.txt", earlier / "changed.txt")
    assert (target / "changed.txt").read_bytes() == b"new"
    assert (earlier / "changed.txt").read_bytes() == b"old"  # the earlier file is left alone
    assert (target / "sub" / "added.txt").read_bytes() == b"added"
    assert not (target / "gone.txt").exists()


def test_placed_files_without_an_earlier_folder_are_written(tmp_path):
    from klantspiegel.writes import place_files

    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "a.txt").write_bytes(b"a")

    place_files(tmp_path / "new", tmp_path / "target")

    assert (tmp_path / "target" / "a.txt").read_bytes() == b"a"
    assert (tmp_path / "new" / "a.txt").stat().st_nlink == 1  # a copy, not a link to scratch
