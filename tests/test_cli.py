"""The command line of the consultant's day: check --strict and --only, new, --quiet, --help."""

from __future__ import annotations

import pytest

from klantspiegel.cli import main
from klantspiegel.pipeline import check
from klantspiegel.problems import Problem


def test_check_reports_unassessed_dimensions_as_warnings(small_portfolio, capsys):
    assert main(["check", "--source", str(small_portfolio.root)]) == 0
    err = capsys.readouterr().err
    assert "2026/audit.yaml: dimensions: warning: no final finding for eigenaarschap" in err


def test_check_strict_turns_warnings_into_errors(small_portfolio, capsys):
    small_portfolio.finding("postbedrijf", "zonder-reden", kind="weakness")
    path = small_portfolio.root / "postbedrijf/2026/findings/zonder-reden.md"
    path.write_text(
        path.read_text()
        .replace("recommendation: Give the front line a direct number.\n", "")
        .replace("impact: 4\neffort: 2\n", "")
    )
    assert main(["check", "--source", str(small_portfolio.root)]) == 0
    assert "warning: weakness without a recommendation" in capsys.readouterr().err
    assert main(["check", "--strict", "--source", str(small_portfolio.root)]) == 1
    err = capsys.readouterr().err
    assert "zonder-reden.md:5: recommendation: weakness without a recommendation" in err
    assert "treated as errors (--strict)" in err


def test_check_only_reports_the_problems_of_one_organisation(small_portfolio, capsys):
    w = small_portfolio
    w.organisation("spoorweg", name="Spoorweg Zuid")
    w.audit("spoorweg")
    w.finding("spoorweg", "loket")
    assert main(["check", "--only", "spoorweg", "--source", str(w.root)]) == 0
    captured = capsys.readouterr()
    assert "spoorweg/2026/audit.yaml" in captured.err
    assert "postbedrijf" not in captured.err
    assert "1 organisations, 1 findings" in captured.out


def test_quiet_prints_no_summary(small_portfolio, capsys):
    assert main(["check", "--quiet", "--source", str(small_portfolio.root)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "warning" not in captured.err


def test_new_finding_validates_and_refuses_to_overwrite(small_portfolio, capsys):
    args = [
        "new",
        "finding",
        "--source",
        str(small_portfolio.root),
        "--organisation",
        "postbedrijf",
        "--audit",
        "2026",
        "Lange wachtrij aan de balie",
    ]
    assert main(args) == 0
    written = small_portfolio.root / "postbedrijf/2026/findings/lange-wachtrij-aan-de-balie.md"
    assert f"wrote {written}" in capsys.readouterr().out
    portfolio, _ = check(small_portfolio.root)
    titles = [f.title for o in portfolio.organisations for a in o.audits for f in a.findings]
    assert "Lange wachtrij aan de balie" in titles
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["build", "check", "serve", "new"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "--source" in capsys.readouterr().out


def test_a_missing_dutch_translation_is_a_check_warning(small_portfolio, capsys, monkeypatch):
    import klantspiegel.catalogs

    monkeypatch.setattr(
        klantspiegel.catalogs, "message_ids", lambda: {"Overall index", "A label nobody translated"}
    )
    assert main(["check", "--source", str(small_portfolio.root)]) == 0
    err = capsys.readouterr().err
    assert "msgid: warning: no Dutch translation for 'A label nobody translated'" in err
    assert "'Overall index'" not in err


def test_new_portfolio_builds_at_once(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (
        main(["new", "portfolio", "start", "--language", "en", "--name", "Northwind Consulting"])
        == 0
    )
    assert "wrote start/portfolio.yaml" in capsys.readouterr().out
    assert main(["build", "--source", "start", "--output", "out", "--no-pdf", "--quiet"]) == 0
    home = (tmp_path / "out/site/index.html").read_text(encoding="utf-8")
    assert "Northwind Consulting" in home and 'lang="en-GB"' in home


def test_new_portfolio_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "portfolio.yaml").write_text("consultancy: Mine\n")
    assert main(["new", "portfolio", str(tmp_path)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert (tmp_path / "portfolio.yaml").read_text() == "consultancy: Mine\n"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_check_strict_refuses_placeholders_left_from_new(language, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "portfolio", "p", "--language", language]) == 0
    assert main(["check", "--source", "p"]) == 0
    assert main(["check", "--strict", "--source", "p"]) == 1
    err = capsys.readouterr().err
    organisation = next((tmp_path / "p").glob("*/organisation.yaml")).relative_to(tmp_path)
    assert f"{organisation}:4: name: still the placeholder from `new`" in err


def test_problem_paths_are_relative_to_the_current_folder(small_portfolio, capsys, monkeypatch):
    root = small_portfolio.root
    path = root / "postbedrijf/2026/findings/centrale-lijn.md"
    path.write_text(path.read_text().replace("score: 2", "score: 7"))
    monkeypatch.chdir(root.parent)
    assert main(["check", "--source", str(root)]) == 1
    assert (
        "\naudits/postbedrijf/2026/findings/centrale-lijn.md:4: score: "
        in "\n" + capsys.readouterr().err
    )
    monkeypatch.chdir(root / "postbedrijf")
    assert main(["check", "--source", str(root)]) == 1
    assert "\n2026/findings/centrale-lijn.md:4: score: " in "\n" + capsys.readouterr().err


def test_problem_paths_outside_the_current_folder_are_shown_as_given(
    small_portfolio, capsys, monkeypatch, tmp_path
):
    root = small_portfolio.root
    path = root / "postbedrijf/2026/findings/centrale-lijn.md"
    path.write_text(path.read_text().replace("score: 2", "score: 7"))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert main(["check", "--source", str(root)]) == 1
    assert f"{path.resolve()}:4: score: " in capsys.readouterr().err


def test_problems_without_a_line_sort_before_those_with_one(tmp_path):
    path = tmp_path / "x.md"
    later, first = Problem(path, 3, "score", "b"), Problem(path, None, "", "a")
    assert sorted([later, first]) == [first, later]
