"""Validation: every problem is reported at once, as file:line: field: what is wrong."""

from __future__ import annotations

from pathlib import Path

from klantspiegel.load import load_portfolio
from klantspiegel.problems import Problem


def errors(root: Path) -> list[Problem]:
    portfolio, problems = load_portfolio(root)
    found = [p for p in problems if p.severity == "error"]
    assert (portfolio is None) == bool(found)
    return found


def only_error(root: Path) -> Problem:
    found = errors(root)
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_valid_portfolio_has_no_errors(small_portfolio):
    portfolio, problems = load_portfolio(small_portfolio.root)
    assert portfolio is not None
    assert [p for p in problems if p.severity == "error"] == []
    assert [o.slug for o in portfolio.organisations] == ["postbedrijf"]


def test_unknown_key_is_an_error_with_a_did_you_mean_hint(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "score: 2", "scroe: 2")
    problem = only_error(small_portfolio.root)  # not also "score is missing": one typo, one line
    assert (problem.line, problem.field) == (4, "scroe")
    assert problem.message == "unknown field 'scroe' (did you mean 'score'?)"


def test_unknown_key_without_a_close_match_lists_the_known_fields(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/audit.yaml"
    replace(path, "scope:", "colour: red\nscope:")
    problem = only_error(small_portfolio.root)
    assert problem.message.startswith("unknown field 'colour'; known: title, date, auditors")


def test_a_required_field_that_is_missing_is_an_error(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/audit.yaml"
    replace(path, "scope: Everything.\n", "")
    problem = only_error(small_portfolio.root)
    assert problem.field == "scope"
    assert problem.message.startswith("required field is missing")


def test_score_out_of_range_names_the_line_and_the_range(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "score: 2", "score: 7")
    problem = only_error(small_portfolio.root)
    assert (problem.path, problem.line, problem.field) == (path.resolve(), 4, "score")
    assert problem.message == "7 is out of range (expected a whole number from 1 to 5)"


def test_emotion_out_of_range_points_into_the_journey(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/anecdotes/gemist-pakje.md"
    replace(path, "emotion: 2", "emotion: 3")
    problem = only_error(small_portfolio.root)
    assert problem.field == "journey[2].emotion"
    assert problem.line == 14
    assert "from -2 to 2" in problem.message


def test_link_to_a_missing_anecdote_is_an_error_with_a_hint(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "anecdotes: [gemist-pakje]", "anecdotes: [gemist-pakjes]")
    problem = only_error(small_portfolio.root)
    assert (problem.line, problem.field) == (9, "anecdotes[1]")
    assert "no anecdote 'gemist-pakjes'" in problem.message
    assert "did you mean 'gemist-pakje'?" in problem.message


def test_unknown_dimension_is_an_error_with_a_hint(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "dimension: bereikbaarheid", "dimension: bereikbaarheit")
    problem = only_error(small_portfolio.root)
    assert (problem.line, problem.field) == (3, "dimension")
    assert "did you mean 'bereikbaarheid'?" in problem.message


def test_a_date_that_does_not_exist_is_an_error(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/audit.yaml"
    replace(path, "date: 2026-10-01", "date: 2026-13-45")
    problem = only_error(small_portfolio.root)
    assert (problem.line, problem.field) == (2, "date")
    assert problem.message == "'2026-13-45' is not a valid date (expected a date (YYYY-MM-DD))"


def test_a_date_in_another_format_is_an_error(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/anecdotes/gemist-pakje.md"
    replace(path, "date: 2026-05-14", "date: 14/05/2026")
    assert only_error(small_portfolio.root).field == "date"


def test_a_value_outside_a_fixed_list_names_the_choices(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "kind: weakness", "kind: weaknes")
    problem = only_error(small_portfolio.root)
    assert "did you mean 'weakness'?" in problem.message
    assert "one of: strength, weakness" in problem.message


def test_duplicate_ids_from_file_names_are_an_error(small_portfolio):
    w = small_portfolio
    w.finding("postbedrijf", "Centrale Lijn", title="Another title")
    problem = only_error(w.root)
    assert "duplicate id 'centrale-lijn'" in problem.message


def test_duplicate_finding_titles_are_an_error(small_portfolio):
    w = small_portfolio
    w.finding("postbedrijf", "tweede", title="Finding centrale-lijn")
    problem = only_error(w.root)
    assert problem.field == "title" and "duplicate finding title" in problem.message


def test_every_problem_is_reported_at_once(small_portfolio):
    w = small_portfolio
    finding = w.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(finding, "score: 2", "score: 9")
    replace(finding, "effort: 2", "efort: 2")
    replace(w.root / "postbedrijf/2026/audit.yaml", "date: 2026-10-01", "date: someday")
    fields = {p.field for p in errors(w.root)}
    assert {"score", "efort", "date"} <= fields


def test_invalid_utf8_is_reported_with_its_line(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    path.write_bytes(path.read_bytes().replace(b"The body", b"The b\xe9dy"))
    problem = only_error(small_portfolio.root)
    assert problem.line == 18
    assert "not valid UTF-8" in problem.message


def test_an_empty_file_is_reported(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    path.write_text("")
    assert "file is empty" in only_error(small_portfolio.root).message


def test_a_file_with_only_front_matter_is_reported(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    path.write_text(path.read_text().split("The body")[0])
    problem = only_error(small_portfolio.root)
    assert "front matter but no text" in problem.message
    assert problem.line == 18


def test_missing_front_matter_is_reported(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    path.write_text("Just text, no front matter.\n")
    assert "no front matter" in only_error(small_portfolio.root).message


def test_unclosed_front_matter_is_reported(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    path.write_text("---\ntitle: x\n")
    assert "not closed" in only_error(small_portfolio.root).message


def test_yaml_syntax_errors_name_the_line(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "score: 2", "score: [2")
    problem = errors(small_portfolio.root)[0]
    assert problem.message.startswith("invalid YAML")
    assert problem.line is not None and problem.line >= 4


def test_yaml_never_constructs_python_objects(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "owner: Head of service", "owner: !!python/object/apply:os.system [echo hi]")
    problem = only_error(small_portfolio.root)
    assert "invalid YAML" in problem.message


def test_yaml_aliases_are_refused(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/audit.yaml"
    path.write_text("title: &t A\ndate: 2026-10-01\nauditors: [*t]\nscope: x\n")
    assert "aliases" in only_error(small_portfolio.root).message


def test_a_recommendation_needs_impact_and_effort(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "impact: 4\n", "")
    problem = only_error(small_portfolio.root)
    assert problem.field == "impact"


def test_unknown_kpi_key_gets_a_hint(small_portfolio):
    small_portfolio.write(
        "postbedrijf/2026/kpis.yaml",
        """\
        kpis:
          - key: nsp
            value: 12
            period: 2026-Q2
            source: Panel
        """,
    )
    problem = only_error(small_portfolio.root)
    assert (problem.line, problem.field) == (2, "kpis[1].key")
    assert "did you mean 'nps'?" in problem.message


def test_a_survey_of_mostly_answers_outside_0_to_10_names_the_first_row(small_portfolio):
    # One such answer beside readable ones is a respondent left out (tests/test_hostile_limits)
    small_portfolio.write("postbedrijf/2026/survey.csv", "score\n9\n11\n12\n")
    problem = only_error(small_portfolio.root)
    assert (problem.line, problem.field) == (3, "nps")


def test_a_missing_portfolio_config_is_reported(tmp_path):
    (tmp_path / "empty").mkdir()
    assert "missing portfolio.yaml" in only_error(tmp_path / "empty").message


def test_warnings_do_not_stop_the_build(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "recommendation: Give the front line a direct number.\n", "")
    portfolio, problems = load_portfolio(small_portfolio.root)
    assert portfolio is not None
    assert [p.field for p in problems if p.severity == "warning"] == ["recommendation"]


def test_problems_format_as_path_line_field_message(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "score: 2", "score: 7")
    text = only_error(small_portfolio.root).format(small_portfolio.root.resolve())
    assert text == (
        "audits/postbedrijf/2026/findings/centrale-lijn.md:4: score: "
        "7 is out of range (expected a whole number from 1 to 5)"
    )


def test_a_broken_finding_reports_typo_range_and_link_together(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    replace(path, "owner:", "ownr:")
    replace(path, "score: 2", "score: 7")
    replace(path, "anecdotes: [gemist-pakje]", "anecdotes: [bestaat-niet]")
    found = errors(small_portfolio.root)
    assert [(p.line, p.field) for p in sorted(found)] == [
        (4, "score"),
        (9, "anecdotes[1]"),
        (13, "ownr"),
    ]
