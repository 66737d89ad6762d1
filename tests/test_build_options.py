"""What a build is asked to make is declared once, in BuildOptions, and passed along whole."""

from __future__ import annotations

import inspect
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import pytest

from klantspiegel import cli, pipeline, render, serve
from klantspiegel.build_options import DEFAULT_PDF_TIME_LIMIT, BuildOptions

OPTION_NAMES = {f.name for f in fields(BuildOptions)}
# set by `serve`, not by a command-line flag: the site first, the PDFs after it
SERVE_ONLY = {"pages_first"}

# every option set away from its default by the command line
ALL_FLAGS = [
    "build",
    "--no-pdf",
    "--jobs",
    "3",
    "--only",
    "vlaspost",
    "--pdf-time-limit",
    "12.5",
    "--clean",
    "--pdf-variant",
    "archival",
    "--shard",
    "2/5",
]


@pytest.mark.parametrize(
    "entry_point", [pipeline.build, serve.run, serve.Preview.__init__, render.RenderJob]
)
def test_no_entry_point_declares_an_option_of_its_own(entry_point: object) -> None:
    parameters = set(inspect.signature(entry_point).parameters)  # type: ignore[arg-type]
    assert not parameters & OPTION_NAMES, "take a BuildOptions instead"
    assert any(
        p.annotation in (BuildOptions, "BuildOptions")
        for p in inspect.signature(entry_point).parameters.values()  # type: ignore[arg-type]
    )


def test_the_command_line_reaches_every_option_but_the_theme() -> None:
    options = cli._build_options(cli._parser().parse_args(ALL_FLAGS))
    changed = {f.name for f in fields(BuildOptions) if getattr(options, f.name) != f.default}
    assert changed == OPTION_NAMES - {"theme_dir"} - SERVE_ONLY
    assert options == BuildOptions(
        pdf=False,
        jobs=3,
        only="vlaspost",
        pdf_time_limit=12.5,
        cache=False,
        pdf_variant="archival",
        shard=(2, 5),
    )


def test_the_command_line_defaults_are_the_options_defaults() -> None:
    assert cli._build_options(cli._parser().parse_args(["build"])) == BuildOptions()
    assert BuildOptions().pdf_time_limit == DEFAULT_PDF_TIME_LIMIT


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pdf_variant", "pdf/x", "unknown PDF variant 'pdf/x' (known: accessible, archival)"),
        ("jobs", 0, "jobs must be at least 1, not 0"),
        ("pdf_time_limit", 0.0, "the PDF time limit must be above 0 s, not 0"),
        ("pdf_time_limit", float("nan"), "the PDF time limit must be above 0 s, not nan"),
        ("shard", (0, 3), "shard 0/3: not one of 1/N to N/N"),
        ("shard", (4, 3), "shard 4/3: not one of 1/N to N/N"),
    ],
)
def test_options_that_cannot_be_built_are_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        BuildOptions(**{field: value})  # type: ignore[arg-type]
    assert str(refused.value) == message


@pytest.mark.parametrize("value", ["0", "-1", "nan", "soon"])
def test_the_command_line_refuses_a_time_limit_that_is_not_above_zero(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli._parser().parse_args(["build", "--pdf-time-limit", value])
    assert stopped.value.code == 2
    assert "--pdf-time-limit" in capsys.readouterr().err


def test_options_cannot_change_on_the_way() -> None:
    options = BuildOptions()
    with pytest.raises(FrozenInstanceError):
        options.pdf = False  # type: ignore[misc]


def test_serve_builds_without_pdfs_unless_asked() -> None:
    default = inspect.signature(serve.run).parameters["options"].default
    assert default == BuildOptions(pdf=False)
    assert isinstance(default.theme_dir, Path)


@pytest.mark.parametrize("value", ["0/3", "4/3", "2", "a/b", "1/0", "-1/3"])
def test_the_command_line_refuses_a_shard_that_is_not_k_of_n(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli._parser().parse_args(["build", "--shard", value])
    assert "--shard" in capsys.readouterr().err


@pytest.mark.parametrize("shards", [1, 2, 3, 7])
def test_the_shards_render_every_organisation_once(shards: int) -> None:
    slugs = [f"organisatie-{i:03}" for i in range(20)]
    rendered_by = {
        slug: [k for k in range(1, shards + 1) if BuildOptions(shard=(k, shards)).renders(slug, i)]
        for i, slug in enumerate(slugs)
    }
    assert all(len(by) == 1 for by in rendered_by.values())
    counts = [sum(by == [k] for by in rendered_by.values()) for k in range(1, shards + 1)]
    assert max(counts) - min(counts) <= 1  # evenly spread


def test_only_and_shard_together_render_the_one_organisation_if_it_is_in_the_shard() -> None:
    options = BuildOptions(only="b", shard=(2, 2))
    assert [options.renders(slug, i) for i, slug in enumerate(["a", "b", "c"])] == [
        False,
        True,
        False,
    ]
