"""Hostile files: links out of the portfolio, FIFOs, devices, editor files, clashing and
overlong names. Each is a located error at `check` (and the build writes nothing), or is
skipped with a warning and the build leaks nothing from outside the portfolio."""

from __future__ import annotations

import base64
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ANECDOTE as ANECDOTE_TEXT
from conftest import FINDING as FINDING_TEXT
from conftest import PortfolioWriter
from hostile_kit import assert_nothing_leaked, output_texts

from klantspiegel.build_options import BuildOptions
from klantspiegel.load import NOT_CONTENT, SITE_FOLDERS, load_portfolio
from klantspiegel.pipeline import build
from klantspiegel.problems import ContentError

SECRET = "OUTSIDE-SECRET-c3a9"
AUDIT = "postbedrijf/2026"
FINDING = f"{AUDIT}/findings/centrale-lijn.md"
PNG = base64.b64decode(  # a 1x1 red pixel
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)

OUTSIDE_FILES = {
    "finding.md": FINDING_TEXT.format(
        title=SECRET,
        dimension="bereikbaarheid",
        score=2,
        kind="weakness",
        anecdotes="",
        status="final",
        internal="''",
    ),
    "anecdote.md": ANECDOTE_TEXT.format(title=SECRET),
    "survey.csv": f"score,comment\n9,{SECRET}\n",
    "kpis.yaml": f"kpis:\n  - key: nps\n    value: 10\n    period: 2026-Q1\n    source: {SECRET}\n",
    "audit.yaml": f"title: {SECRET}\ndate: 2026-10-01\nauditors: [Eva]\nscope: {SECRET}\n",
    "organisation.yaml": f"name: {SECRET}\nsector: Post\nsize: large\n",
    "secret.html": f"{SECRET}\n",
    "secret.yaml": f"{SECRET}: 1\n",
}


class Scene:
    """The small portfolio and, beside it, an outside folder full of secrets."""

    def __init__(self, writer: PortfolioWriter):
        self.writer = writer
        self.root = writer.root
        self.outside = writer.root.parent / "outside"
        self.outside.mkdir()
        outside_writer = PortfolioWriter(self.outside / "portfolio")
        outside_writer.organisation("geheim", name=SECRET)
        outside_writer.audit("geheim")
        outside_writer.finding("geheim", "geheim", title=SECRET)
        for name, text in OUTSIDE_FILES.items():  # valid files: an unguarded build publishes them
            (self.outside / name).write_text(text)
        (self.outside / "secret.png").write_bytes(PNG + SECRET.encode())

    def link(self, relative: str, target: str | Path) -> None:
        """Replace `relative` in the portfolio by a link to `target`."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():
            for child in sorted(path.rglob("*"), reverse=True):
                child.unlink() if not child.is_dir() else child.rmdir()
            path.rmdir()
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target)

    def fifo(self, relative: str) -> None:
        path = self.root / relative
        path.unlink(missing_ok=True)
        os.mkfifo(path)

    def image(self, name: str = "photo.png") -> None:
        """Show `findings/<name>` in the finding."""
        with (self.root / FINDING).open("a") as text:
            text.write(f"\n![A photo]({name})\n")

    def logo(self, logo: str) -> None:
        self.writer.write(
            "portfolio.yaml", f"consultancy: Test Advies\nlanguage: nl\nlogo: {logo}\n"
        )


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable[[Scene], None]
    where: str  # the file the problem names, relative to the portfolio
    message: str  # part of the problem's message


def _logo_to_finding(s: Scene) -> None:
    s.logo(FINDING)


def _image_link_out(s: Scene) -> None:
    s.image()
    s.link(f"{AUDIT}/findings/photo.png", s.outside / "secret.png")


def _image_link_to_zero(s: Scene) -> None:
    s.image("zero.png")
    s.link(f"{AUDIT}/findings/zero.png", "/dev/zero")


def _logo_link_out(s: Scene) -> None:
    s.link("logo.png", s.outside / "secret.png")
    s.logo("logo.png")


def _logo_outside_by_path(s: Scene) -> None:
    s.logo("../outside/secret.png")


def _scoring_model_link_out(s: Scene) -> None:
    s.link("model.yaml", s.outside / "secret.yaml")
    s.writer.write("portfolio.yaml", "consultancy: Test Advies\nscoring_model: model.yaml\n")


def _organisation_twice(s: Scene, other: str) -> None:
    s.writer.organisation(other)
    s.writer.audit(other)
    s.writer.finding(other, "eerste")


def _overlong_finding(s: Scene) -> None:
    (s.root / f"{AUDIT}/findings/centrale-lijn.md").rename(
        s.root / f"{AUDIT}/findings/{'x' * 251}.md"
    )


def _overlong_organisation(s: Scene) -> None:
    (s.root / "postbedrijf").rename(s.root / ("p" * 253))


def _finding_link_loop(s: Scene) -> None:
    s.link(f"{AUDIT}/findings/a.md", "b.md")
    s.link(f"{AUDIT}/findings/b.md", "a.md")


def _linked_folder_inside(s: Scene) -> None:
    s.link("kopie", "postbedrijf")


def _templates_file_link(s: Scene) -> None:
    s.link("templates/site/finding.html", s.outside / "secret.html")


OTHER = "anderbedrijf/2026"  # another organisation, whose files must never reach postbedrijf


def _other_organisation(s: Scene) -> None:
    s.writer.organisation("anderbedrijf")
    s.writer.audit("anderbedrijf")
    s.writer.finding("anderbedrijf", "geheim", title=SECRET, internal=SECRET)
    (s.root / OTHER / "findings/foto.png").write_bytes(PNG + SECRET.encode())
    (s.root / OTHER / "survey.csv").write_text(f"score,comment\n9,{SECRET}\n")


def _finding_linked_to_other_organisation(s: Scene) -> None:
    _other_organisation(s)
    s.link(f"{AUDIT}/findings/kopie.md", f"../../../{OTHER}/findings/geheim.md")


def _image_of_other_organisation_by_path(s: Scene) -> None:
    _other_organisation(s)
    s.image(f"../../../{OTHER}/findings/foto.png")


def _image_linked_to_other_organisation(s: Scene) -> None:
    _other_organisation(s)
    s.image()
    s.link(f"{AUDIT}/findings/photo.png", f"../../../{OTHER}/findings/foto.png")


def _shared_file_linked_to_an_organisation(s: Scene) -> None:
    _other_organisation(s)  # a link at the root may not launder another organisation's file
    s.link("gedeeld.png", f"{OTHER}/findings/foto.png")
    s.image("../../../gedeeld.png")


def _template_linked_into_an_organisation(s: Scene) -> None:
    _other_organisation(s)
    s.link("templates/partials/geheim.html", f"../../{OTHER}/findings/geheim.md")


def _image_in_a_hidden_folder(s: Scene) -> None:
    (s.root / ".verborgen").mkdir()  # not in the build's input hash, so never read
    (s.root / ".verborgen/foto.png").write_bytes(PNG)
    s.image("../../../.verborgen/foto.png")


OUTSIDE_MESSAGE = "outside the portfolio"
REFUSED = [
    Case(
        "finding file linked out",
        lambda s: s.link(FINDING, s.outside / "finding.md"),
        FINDING,
        OUTSIDE_MESSAGE,
    ),
    Case(
        "anecdote file linked out",
        lambda s: s.link(f"{AUDIT}/anecdotes/gemist-pakje.md", s.outside / "anecdote.md"),
        f"{AUDIT}/anecdotes/gemist-pakje.md",
        OUTSIDE_MESSAGE,
    ),
    Case(
        "organisation folder linked out",
        lambda s: s.link("geheim", s.outside / "portfolio" / "geheim"),
        "geheim",
        OUTSIDE_MESSAGE,
    ),
    Case(
        "audit folder linked out",
        lambda s: s.link("postbedrijf/2025", s.outside / "portfolio" / "geheim" / "2026"),
        "postbedrijf/2025",
        OUTSIDE_MESSAGE,
    ),
    Case(
        "findings folder linked out",
        lambda s: s.link(f"{AUDIT}/findings", s.outside / "portfolio/geheim/2026/findings"),
        f"{AUDIT}/findings",
        OUTSIDE_MESSAGE,
    ),
    Case(
        "survey linked out",
        lambda s: s.link(f"{AUDIT}/survey.csv", s.outside / "survey.csv"),
        f"{AUDIT}/survey.csv",
        OUTSIDE_MESSAGE,
    ),
    Case(
        "kpis linked out",
        lambda s: s.link(f"{AUDIT}/kpis.yaml", s.outside / "kpis.yaml"),
        f"{AUDIT}/kpis.yaml",
        OUTSIDE_MESSAGE,
    ),
    Case(
        "audit.yaml linked out",
        lambda s: s.link(f"{AUDIT}/audit.yaml", s.outside / "audit.yaml"),
        f"{AUDIT}/audit.yaml",
        OUTSIDE_MESSAGE,
    ),
    Case(
        "organisation.yaml linked out",
        lambda s: s.link("postbedrijf/organisation.yaml", s.outside / "organisation.yaml"),
        "postbedrijf/organisation.yaml",
        OUTSIDE_MESSAGE,
    ),
    Case(
        "portfolio templates folder linked out",
        lambda s: s.link("templates", s.outside),
        "templates",
        OUTSIDE_MESSAGE,
    ),
    Case(
        "templates/assets file linked out (copied into every bundle)",
        lambda s: s.link("templates/assets/css/passwd.css", "/etc/passwd"),
        "templates/assets/css/passwd.css",
        OUTSIDE_MESSAGE,
    ),
    Case(
        "template file linked out",
        _templates_file_link,
        "templates/site/finding.html",
        OUTSIDE_MESSAGE,
    ),
    Case("image linked out", _image_link_out, FINDING, OUTSIDE_MESSAGE),
    Case("image linked to /dev/zero", _image_link_to_zero, FINDING, OUTSIDE_MESSAGE),
    Case(
        "finding linked to /dev/zero",
        lambda s: s.link(f"{AUDIT}/findings/zero.md", "/dev/zero"),
        f"{AUDIT}/findings/zero.md",
        OUTSIDE_MESSAGE,
    ),
    Case("logo linked out", _logo_link_out, "portfolio.yaml", OUTSIDE_MESSAGE),
    Case("logo outside by path", _logo_outside_by_path, "portfolio.yaml", OUTSIDE_MESSAGE),
    Case(
        "logo is another organisation's finding",
        _logo_to_finding,
        "portfolio.yaml",
        "belongs to the organisation folder 'postbedrijf'",
    ),
    Case(
        "scoring model linked out",
        _scoring_model_link_out,
        "portfolio.yaml",
        "not found inside the portfolio",
    ),
    Case(
        "finding linked to another organisation's finding",
        _finding_linked_to_other_organisation,
        f"{AUDIT}/findings/kopie.md",
        "belongs to the organisation folder 'anderbedrijf'",
    ),
    Case(
        "survey linked to another organisation's survey",
        lambda s: [
            _other_organisation(s),
            s.link(f"{AUDIT}/survey.csv", f"../../{OTHER}/survey.csv"),
        ],
        f"{AUDIT}/survey.csv",
        "belongs to the organisation folder 'anderbedrijf'",
    ),
    Case(
        "image of another organisation by its path",
        _image_of_other_organisation_by_path,
        FINDING,
        "belongs to the organisation folder 'anderbedrijf'",
    ),
    Case(
        "image linked to another organisation's image",
        _image_linked_to_other_organisation,
        FINDING,
        "belongs to the organisation folder 'anderbedrijf'",
    ),
    Case(
        "shared file at the root linked into an organisation",
        _shared_file_linked_to_an_organisation,
        "gedeeld.png",
        "belongs to the organisation folder 'anderbedrijf'",
    ),
    Case(
        "template linked to another organisation's finding",
        _template_linked_into_an_organisation,
        "templates/partials/geheim.html",
        "belongs to the organisation folder 'anderbedrijf'",
    ),
    Case(
        "image in a hidden folder",
        _image_in_a_hidden_folder,
        FINDING,
        "lies in the hidden folder '.verborgen'",
    ),
    Case("finding is a FIFO", lambda s: s.fifo(FINDING), FINDING, "not a regular file (a FIFO)"),
    Case(
        "survey is a FIFO",
        lambda s: s.fifo(f"{AUDIT}/survey.csv"),
        f"{AUDIT}/survey.csv",
        "not a regular file (a FIFO)",
    ),
    Case("finding link loop", _finding_link_loop, f"{AUDIT}/findings/a.md", "does not exist"),
    Case(
        "organisation folder linked inside",
        _linked_folder_inside,
        "kopie",
        "links to folders are not followed",
    ),
    Case(
        "organisations Vlaspost and vlaspost",
        lambda s: _organisation_twice(s, "Postbedrijf"),
        "postbedrijf",
        "same web name 'postbedrijf'",
    ),
    Case(
        "organisations 'vla post' and 'vla-post'",
        lambda s: [_organisation_twice(s, n) for n in ("vla post", "vla-post")],
        "vla-post",
        "same web name 'vla-post'",
    ),
    Case(
        "organisation folder 'Dimensions' (the site's own folder)",
        lambda s: _organisation_twice(s, "Dimensions"),
        "Dimensions",
        "which the site uses for its own pages",
    ),
    Case(
        "organisation folder 'pagefind' (the search index)",
        lambda s: _organisation_twice(s, "pagefind"),
        "pagefind",
        "which the site uses for its own pages",
    ),
    Case(
        "organisation folder 'Assets' (assets is not an organisation, Assets would be)",
        lambda s: _organisation_twice(s, "Assets"),
        "Assets",
        "which the site uses for its own pages",
    ),
    Case(
        "organisation folder 'Method' (the bundle's method.html, its single file's name)",
        lambda s: _organisation_twice(s, "Method"),
        "Method",
        "would replace the client bundle's own page 'method.html'",
    ),
    Case(
        "organisation folder 'index' (the bundle's report, its single file's name)",
        lambda s: _organisation_twice(s, "index"),
        "index",
        "would replace the client bundle's own page 'index.html'",
    ),
    Case(
        "findings A.md and a.md",
        lambda s: [s.writer.finding("postbedrijf", n) for n in ("A", "a")],
        f"{AUDIT}/findings/a.md",
        "duplicate id 'a'",
    ),
    Case(
        "251-character finding name",
        _overlong_finding,
        f"{AUDIT}/findings/{'x' * 251}.md",
        "the name is too long",
    ),
    Case(
        "253-character organisation name", _overlong_organisation, "p" * 253, "the name is too long"
    ),
    Case(
        "name made only of punctuation",
        lambda s: s.writer.finding("postbedrijf", "---"),
        f"{AUDIT}/findings/---.md",
        "no letters or digits",
    ),
]


@pytest.fixture
def scene(small_portfolio: PortfolioWriter) -> Scene:
    return Scene(small_portfolio)


@pytest.fixture
def deadline():
    """Fail instead of hanging: a FIFO read would block forever."""

    def expire(signum, frame):
        raise TimeoutError("the build hung (did it open a FIFO?)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_refused_at_check_with_a_located_error(scene, case, deadline):
    case.setup(scene)
    portfolio, problems = load_portfolio(scene.root)
    assert portfolio is None
    located = [
        p
        for p in problems
        if p.severity == "error" and p.path == scene.root / case.where and case.message in p.message
    ]
    assert located, "\n".join(p.format(scene.root) for p in problems)


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_refused_build_writes_nothing(scene, case, deadline, tmp_path):
    case.setup(scene)
    output = tmp_path / "output"
    with pytest.raises(ContentError):
        build(scene.root, output, BuildOptions(pdf=False))
    assert not output.exists()


@dataclass(frozen=True)
class Skipped:
    name: str
    setup: Callable[[Scene], None]
    where: str  # the file the warning names


def _lock_file(s: Scene) -> None:
    s.link(f"{AUDIT}/findings/.#centrale-lijn.md", "eva@laptop.4242:1700000000")


def _backups(s: Scene) -> None:
    text = (s.root / FINDING).read_text()
    (s.root / f"{FINDING}~").write_text(text.replace("Finding", SECRET))


def _swap_file(s: Scene) -> None:
    (s.root / f"{AUDIT}/findings/.centrale-lijn.md.swp").write_text(SECRET)


SKIPPED = [
    Skipped("dangling editor lock .#x.md", _lock_file, f"{AUDIT}/findings/.#centrale-lijn.md"),
    Skipped("editor backup x.md~", _backups, f"{FINDING}~"),
    Skipped("vim swap file .x.md.swp", _swap_file, f"{AUDIT}/findings/.centrale-lijn.md.swp"),
    Skipped("Finder's .DS_Store", lambda s: (s.root / ".DS_Store").write_text(SECRET), ".DS_Store"),
]


@pytest.mark.parametrize("case", SKIPPED, ids=lambda c: c.name)
def test_editor_files_are_skipped_with_a_warning_and_the_build_succeeds(
    scene, case, tmp_path, deadline
):
    case.setup(scene)
    output = tmp_path / "output"
    result = build(scene.root, output, BuildOptions(pdf=False))
    assert [w.path for w in result.warnings if "editor" in w.message] == [scene.root / case.where]
    assert_nothing_leaked(output, SECRET)


def test_an_image_shared_outside_the_organisation_folders_may_be_linked(scene, tmp_path):
    _other_organisation(scene)
    (scene.root / "_gedeeld").mkdir()
    (scene.root / "_gedeeld/logo.png").write_bytes(PNG)
    scene.image("../../../_gedeeld/logo.png")
    output = tmp_path / "output"
    build(scene.root, output, BuildOptions(pdf=False))
    assert [p.read_bytes() for p in (output / "clients/postbedrijf/findings/media").iterdir()] == [
        PNG
    ]
    assert not [
        name for name, text in output_texts(output / "clients/postbedrijf") if SECRET in text
    ]


def test_a_link_to_an_image_inside_the_portfolio_is_followed(scene, tmp_path):
    (scene.root / "shared.png").write_bytes(PNG)
    scene.image()
    scene.link(f"{AUDIT}/findings/photo.png", scene.root / "shared.png")
    output = tmp_path / "output"
    build(scene.root, output, BuildOptions(pdf=False))
    media = list((output / "site/postbedrijf/findings/media").iterdir())
    assert [m.read_bytes() for m in media] == [PNG]
    assert_nothing_leaked(output, SECRET)


def test_the_site_folders_organisations_may_not_take_are_the_ones_the_site_writes(scene, tmp_path):
    build(scene.root, tmp_path / "output", BuildOptions(pdf=False))
    organisations = {p.name for p in scene.root.iterdir() if p.is_dir()} - NOT_CONTENT
    written = {p.name for p in (tmp_path / "output/site").iterdir() if p.is_dir()}
    assert written - organisations == SITE_FOLDERS
