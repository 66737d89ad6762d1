"""Work that escapes the limits: every text is rendered in bounded time or refused, located.

Each case is a finding body or a survey file that once took seconds to minutes, gigabytes or a
traceback. Now it renders within a generous wall-clock bound, or is a `file:line: field:` error.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from hostile_kit import assert_nothing_leaked

from klantspiegel import text as text_module
from klantspiegel.build_options import BuildOptions
from klantspiegel.load import load_portfolio
from klantspiegel.pipeline import build
from klantspiegel.text import TextTooComplex, render_markdown

FINDING = "postbedrijf/2026/findings/centrale-lijn.md"
SURVEY = "postbedrijf/2026/survey.csv"
BODY_LINE = 20  # the fixture finding's body is one line from 18; a case's text starts at 20
BOUND = 30  # seconds; each case takes under 3 s, a quadratic one took minutes
DEEP = "nested more than 100 elements deep"
SLOW = "takes more than 2 s to render"


@dataclass(frozen=True)
class TextCase:
    name: str
    body: str
    error: str = ""  # the message, or "" when the text must render
    line: int | None = None  # the error's line, counted from the case's first line


def nested(unit: str, end: str = "", times: int = 60_000) -> str:
    return unit * times + "x" + end * times


REFUSED = [
    TextCase("60,000 nested divs", nested("<div>", "</div>"), DEEP, 0),
    TextCase("60,000 unclosed divs", "<div>" * 60_000, DEEP, 0),
    TextCase("nested divs one per line", "\n".join(["<div>"] * 20_000), DEEP, 100),
    TextCase("divs between stray end tags", "<div></x>" * 20_000, DEEP, 0),
    TextCase("end tags hidden in comments", "<div><!--</div>-->" * 20_000, DEEP, 0),
    TextCase("end tags hidden in attributes", '<div title="</div>">' * 20_000, DEEP, 0),
    TextCase("end tags hidden in a textarea", "<div><textarea></div></textarea>" * 20_000, DEEP, 0),
    TextCase("end tags in other case", "<DIV><Div></dIV>" * 20_000, DEEP, 0),
    TextCase("nested tables", "<table><tr><td>" * 5_000, DEEP, 0),
    TextCase("nested list items", "<ul><li>" * 20_000, DEEP, 0),
    TextCase("unclosed emphasis", "<em>" * 20_000, DEEP, 0),
    TextCase("emphasis reopened by every block", '<div><em id="e"></div>x' * 20_000, DEEP, 0),
    TextCase("blockquote markers x 10,000", ">" * 10_000 + " x", DEEP, 0),
    TextCase("spaced blockquote markers x 200", "> " * 200 + "x", DEEP, 0),
    # refused at its 101st line, before Python-Markdown spends seconds nesting the quotes
    TextCase(
        "deepening blockquotes over 1,400 lines",
        "\n".join(">" * i + " x" for i in range(1, 1_400)),
        DEEP,
        100,
    ),
    TextCase("one footnote cited 50,000 times", "x[^1] " * 50_000 + "\n\n[^1]: note", SLOW),
    TextCase("50,000 flat divs", "<div>x</div>\n" * 50_000, SLOW),
]

RENDERED = [
    TextCase("a 900 kB single line", "word " * 180_000),
    TextCase("50,000 open reference definitions", "[a]: <\n" * 50_000),
    TextCase("30,000 emphasis markers", "*a " * 30_000),
    TextCase(
        "500 footnotes",
        "".join(f"x[^{i}] " for i in range(500))
        + "\n\n"
        + "\n".join(f"[^{i}]: note {i}" for i in range(500)),
    ),
    TextCase("300 tables", "\n\n".join("|a|b|\n|-|-|\n|1|2|" for _ in range(300))),
    TextCase("100,000 open comments", "<!--" * 100_000),
    TextCase("40 levels of nested lists", "\n".join("  " * i + "- x" for i in range(40))),
    TextCase("a quote 30 levels deep", "> " * 30 + "x"),
]


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_text_that_runs_away_is_refused_in_time_and_located(case, small_portfolio):
    append(small_portfolio, FINDING, case.body)
    with deadline(BOUND):
        problems = errors(small_portfolio)
    assert len(problems) == 1, [p.format() for p in problems]
    problem = problems[0]
    assert case.error in problem.message
    assert problem.path.name == "centrale-lijn.md" and problem.field == "text"
    if case.line is not None:
        assert problem.line == BODY_LINE + case.line
    else:
        assert problem.line is not None and problem.line >= BODY_LINE - 2


@pytest.mark.parametrize("case", RENDERED, ids=lambda c: c.name)
def test_large_but_shallow_text_renders_in_time(case, small_portfolio):
    append(small_portfolio, FINDING, case.body)
    with deadline(BOUND):
        assert [p.format() for p in errors(small_portfolio)] == []


# --- numbers that size the layout ---------------------------------------------------------

ATTRIBUTES = {
    "colspan": ('<table><tr><td colspan="400000000">x</td></tr></table>', 'colspan="100"'),
    "rowspan": ('<table><tr><td rowspan="400000000">x</td></tr></table>', 'rowspan="100"'),
    "colspan of 5,000 digits": (
        '<table><tr><th colspan="' + "9" * 5_000 + '">x</th></tr></table>',
        'colspan="100"',
    ),
    "negative colspan": ('<table><tr><td colspan="-5">x</td></tr></table>', 'colspan="1"'),
    "image width": ('<img src="photo.png" alt="p" width="99999999">', 'width="2000"'),
    "image height in percent": ('<img src="photo.png" alt="p" height="5000%">', 'height="100%"'),
    "list start": ('<ol start="' + "9" * 40 + '"><li>a</li></ol>', 'start="1000000"'),
}


@pytest.mark.parametrize("name", ATTRIBUTES)
def test_layout_numbers_are_clamped_in_the_page(name, small_portfolio, tmp_path):
    html, clamped = ATTRIBUTES[name]
    (small_portfolio.root / "postbedrijf/2026/findings/photo.png").write_bytes(PNG)
    append(small_portfolio, FINDING, html)
    build(small_portfolio.root, tmp_path / "output", BuildOptions(pdf=False))
    assert clamped in finding_page(tmp_path)


def test_a_layout_number_that_is_not_a_number_is_dropped(small_portfolio, tmp_path):
    append(small_portfolio, FINDING, '<table><tr><td colspan="x1" rowspan="">x</td></tr></table>')
    build(small_portfolio.root, tmp_path / "output", BuildOptions(pdf=False))
    assert "<td>x</td>" in finding_page(tmp_path)


def test_a_table_spanning_400_million_columns_builds_a_pdf(small_portfolio, tmp_path):
    append(
        small_portfolio,
        FINDING,
        '<table><tr><td colspan="400000000" rowspan="400000000">span</td></tr></table>',
    )
    with deadline(120):
        build(small_portfolio.root, tmp_path / "output", BuildOptions(pdf=True, jobs=1))
    assert '<td colspan="100" rowspan="100">span</td>' in finding_page(tmp_path)
    assert (tmp_path / "output/pdf/postbedrijf.pdf").stat().st_size > 0
    assert_nothing_leaked(tmp_path / "output", "400000000")


# --- survey files -------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyCase:
    name: str
    text: str
    error: str = ""  # the message, or "" when the answers are read as `scores`
    line: int = 0
    scores: tuple[int, ...] = ()
    excluded: dict[str, int] = field(default_factory=dict)


# An answer that is no whole number from 0 to 10 beside readable ones is a respondent left
# out (counted); a column of mostly such answers is the wrong column: an error at the first.
NOT_AN_ANSWER = "answers in column 'score' are not whole numbers from 0 to 10"
OUT = {"out_of_range": 1}
SURVEYS = [
    SurveyCase(
        "a value over the CSV field limit",
        "score,comment\n5," + "x" * 200_000 + "\n",
        "longer than 131,072 characters",
        2,
    ),
    SurveyCase("a NUL byte", "score\n5\n7\x00\n", scores=(5,), excluded=OUT),
    SurveyCase("a superscript digit", "score\n5\n\u00b2\n", scores=(5,), excluded=OUT),
    SurveyCase("an Arabic-Indic digit", "score\n\u0663\n", NOT_AN_ANSWER, 2),
    SurveyCase("a fullwidth digit", "score\n\uff15\n", NOT_AN_ANSWER, 2),
    SurveyCase("a plus sign", "score\n+5\n", NOT_AN_ANSWER, 2),
    SurveyCase("a decimal point", "score\n7.0\n", NOT_AN_ANSWER, 2),
    SurveyCase("an exponent", "score\n1e1\n", NOT_AN_ANSWER, 2),
    SurveyCase("5,000 digits", "score\n" + "9" * 5_000 + "\n", NOT_AN_ANSWER, 2),
    SurveyCase("out of range", "score\r\n5\r\n11\r\n", scores=(5,), excluded=OUT),
    SurveyCase(
        "a row whose quoted value spans three lines",
        'comment,score\n"a\nb\nc",x\n',
        NOT_AN_ANSWER,
        2,
    ),
    SurveyCase("old Mac line ends", "score\r5\rx\ry\r", "2 of 3 " + NOT_AN_ANSWER, 3),
    SurveyCase("only a header", "score\n", "survey has no answers", 2),
    SurveyCase(
        "only blank answers",
        "score,channel\n,web\n,web\n",
        "survey has no answers left (2 blank)",
        2,
    ),
    SurveyCase("an empty file", "", "the survey file is empty", 1),
    SurveyCase(
        "two score columns", "score,score\n1,2\n", "2 columns could be the recommend question", 1
    ),
    SurveyCase(
        "a thousand wrong answers", "score\n" + "x\n" * 1_000, "1,000 of 1,000 " + NOT_AN_ANSWER, 2
    ),
    SurveyCase("spaces around an answer", "score\n 7 \n", scores=(7,)),
    SurveyCase("a byte order mark", "\ufeffscore\n5\n", scores=(5,)),
    SurveyCase("Windows line ends and blank lines", "score\r\n5\r\n\r\n0010\r\n", scores=(5, 10)),
]


@pytest.mark.parametrize("case", SURVEYS, ids=lambda c: c.name)
def test_a_hostile_survey_is_read_or_a_located_error(case, small_portfolio):
    (small_portfolio.root / SURVEY).write_bytes(case.text.encode())
    portfolio, problems = load_portfolio(small_portfolio.root)
    if not case.error:
        assert [p.format() for p in problems if p.severity == "error"] == []
        survey = portfolio.organisations[0].audits[0].survey
        assert (survey.scores, survey.excluded) == (case.scores, case.excluded)
        return
    located = [p for p in problems if case.error in p.message]
    assert portfolio is None and located, [p.format() for p in problems]
    assert located[0].path.name == "survey.csv" and located[0].line == case.line


# --- helpers ------------------------------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
    b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


class Overrun(Exception):
    pass


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail the test (instead of hanging the suite) when the block runs over `seconds`."""

    def expire(_signum: int, _frame: object) -> None:
        raise Overrun(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def append(writer, relative: str, text: str) -> None:
    path = writer.root / relative
    path.write_text(path.read_text() + "\n" + text + "\n")


def errors(writer) -> list:
    return [p for p in load_portfolio(writer.root)[1] if p.severity == "error"]


def finding_page(tmp_path) -> str:
    page = (tmp_path / "output/site/postbedrijf/findings/centrale-lijn.html").read_text()
    return re.sub(r"\s+", " ", page[page.index("<main") : page.index("</main>")])


# --- checks of what a text references ------------------------------------------------------


def test_a_failing_reference_check_is_raised_never_skipped():
    # nh3 prints an exception raised in its callback and keeps the attribute as written
    def rewrite(kind: str, url: str) -> str | None:
        raise ValueError(f"cannot check {url}")

    with pytest.raises(ValueError, match=r"cannot check a\.svg"):
        render_markdown("![x](a.svg) [y](b.md)", rewrite)


def test_checking_a_referenced_file_is_not_counted_as_the_texts_time():
    def slow_rewrite(kind: str, url: str) -> str | None:
        time.sleep(0.3)  # an image check of a large SVG takes seconds
        return f"media/{url}"

    rendered = render_markdown("![x](a.svg) ![y](b.svg)", slow_rewrite, time_limit=0.5)
    assert 'src="media/a.svg"' in rendered.html and 'src="media/b.svg"' in rendered.html


@pytest.mark.parametrize(
    "stop",
    [TextTooComplex("the text takes more than 2 s to render"), RecursionError()],
    ids=["time limit", "nesting"],
)
def test_a_text_stopped_inside_a_list_leaves_the_next_texts_rendered_in_full(monkeypatch, stop):
    """The converter is shared: one left inside a list made every later text bare text."""

    def stopped_inside_a_list(source: str) -> str:
        text_module._converter.parser.state.set("list")
        raise stop

    monkeypatch.setattr(text_module._converter, "convert", stopped_inside_a_list)
    with pytest.raises(TextTooComplex):
        render_markdown("- een\n- twee\n")
    rendered = render_markdown("![x](a.svg) en tekst", lambda kind, url: f"media/{url}")
    assert rendered.html == '<p><img alt="x" src="media/a.svg"> en tekst</p>'
