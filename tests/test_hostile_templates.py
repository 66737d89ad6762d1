"""A portfolio's template override runs in a sandbox: no code, no environment, no outside file.

Each case overrides the finding page with one hostile expression on line 3. The build must
refuse it as a problem at that file and line (or render it harmlessly), leave the previous
output as it was, and no secret of the environment or of a file outside the portfolio may
reach any output file.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_kit import assert_nothing_leaked

import klantspiegel.render as render_module
import klantspiegel.templating as templating
from klantspiegel.build_options import BuildOptions
from klantspiegel.cli import main
from klantspiegel.pipeline import build
from klantspiegel.problems import ContentError
from klantspiegel.templating import THEME_DIR

OVERRIDE = "templates/site/finding.html"
ENDLESS_LOOP = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
ENV_SECRET = "env-secret-4711"
FILE_SECRET = "file-secret-0815"
PASSWD = "root:x:0:0"

EXAMPLE = Path(__file__).resolve().parent.parent / "audits"


@dataclass(frozen=True)
class Case:
    name: str
    payload: str  # the override's line 3, inside the page's main block
    error: str  # part of the located message


CASES = [
    Case(
        "os.popen via self.__init__.__globals__",
        "{{ self.__init__.__globals__['__builtins__']['__import__']('os').popen('env').read() }}",
        "unsafe",
    ),
    Case("os via lipsum.__globals__", "{{ lipsum.__globals__['os'].environ }}", "unsafe"),
    Case("os via cycler.__init__", "{{ cycler.__init__.__globals__.os.environ }}", "unsafe"),
    Case(
        "os via joiner.__init__",
        "{{ joiner.__init__.__globals__.os.popen('env').read() }}",
        "unsafe",
    ),
    Case("namespace's globals", "{{ namespace.__init__.__globals__ }}", "unsafe"),
    Case("config.__class__ globals", "{{ config.__class__.__init__.__globals__ }}", "unsafe"),
    Case(
        "subclasses via a string's mro", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"
    ),
    Case("the template's private context", "{{ self._TemplateReference__context }}", "unsafe"),
    Case("attr filter to a dunder", "{{ (config|attr('__class__')).__name__ }}", "unsafe"),
    Case(
        "format string reaching globals",
        "{{ '{0.__class__.__init__.__globals__}'.format(config) }}",
        "unsafe",
    ),
    Case("a translator's globals", "{{ t.gettext.__globals__ }}", "unsafe"),
    Case(
        "mutating the report model",
        "{{ organisation.audits.__class__ }}{{ [].append(1) }}",
        "unsafe",
    ),
    Case("include of an absolute path", "{% include '/etc/passwd' %}", "passwd"),
    Case("include through ../", "{% include '../../outside/secret.txt' %}", "secret.txt"),
    Case("import through ../", "{% import '../../../../../../etc/passwd' as p %}", "passwd"),
    Case("range(10**9)", "{% for i in range(10**9) %}x{% endfor %}", "too large"),
    Case("a huge power", "{{ 9 ** 999999999 }}", "too large"),
    Case("a huge repetition", "{{ 'x' * 10 ** 10 }}", "too large"),
    Case("a huge padding filter", "{{ 'x'|center(10 ** 10) }}", "too large"),
    Case("a huge padding method", "{{ 'x'.ljust(10 ** 10) }}", "too large"),
    Case("a huge format width", "{{ '%2000000000s'|format(1) }}", "format width"),
    Case("a file path's read_text", "{{ finding.source.read_text() }}", "unsafe"),
    Case(
        "a file path to /etc/passwd",
        "{{ finding.source.joinpath('/etc/passwd').read_text() }}",
        "unsafe",
    ),
    Case(
        "a file path's write_text",
        "{{ finding.source.with_name('x.md').write_text('x') }}",
        "unsafe",
    ),
    Case("a file path's open", "{{ organisation.source.open().read() }}", "unsafe"),
    Case(
        "a macro that calls itself",
        "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}",
        "calls itself without end",
    ),
    Case(
        "a string doubled by ~ in a recursive macro",
        "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}"
        "{% endmacro %}{{ d('x', 40) }}",
        "MiB of memory",
    ),
    Case(
        "a list of long strings joined",
        "{{ (['x' * 1000000] * 1000000)|join|length }}",
        "MiB of memory",
    ),
    Case(
        "a string doubled by + in a namespace",
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}"
        "{% endfor %}",
        "too large",
    ),
    Case(
        "an error inside a function the template calls",
        "{{ t.number(1, 99999999) }}",
        "InvalidOperation",
    ),
    Case(
        "include from a hidden folder",
        "{% include '.verborgen/x.html' %}",
        "hidden folder '.verborgen'",
    ),
    Case("a syntax error", "{% if %}", "syntax error"),
    Case("an undefined name", "{{ no_such_thing.title }}", "'no_such_thing' is undefined"),
]


@pytest.fixture
def secrets(monkeypatch, tmp_path: Path) -> tuple[str, ...]:
    monkeypatch.setenv("KLANTSPIEGEL_TEST_SECRET", ENV_SECRET)
    monkeypatch.setattr(templating, "MEMORY_BUDGET", 256 << 20)  # fail fast, spare the machine
    outside = tmp_path / "outside" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text(FILE_SECRET)
    return ENV_SECRET, FILE_SECRET, PASSWD


def override(writer, payload: str) -> Path:
    return writer.write(
        OVERRIDE,
        f'{{% extends "site/base.html" %}}\n{{% block main %}}\n{payload}\n{{% endblock %}}\n',
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_hostile_override_is_a_located_error_and_leaks_nothing(
    case, small_portfolio, secrets, tmp_path
):
    output = tmp_path / "output"
    build(small_portfolio.root, output, BuildOptions(pdf=False))
    before = snapshot(output)
    hidden = small_portfolio.root / "templates/.verborgen/x.html"  # a folder no check looks in
    hidden.parent.mkdir(parents=True)
    hidden.symlink_to("/etc/passwd")
    sources = snapshot(small_portfolio.root)
    path = override(small_portfolio, case.payload)
    with pytest.raises(ContentError) as refused:
        build(small_portfolio.root, output, BuildOptions(pdf=False))
    [problem] = refused.value.problems
    assert (problem.path, problem.line, problem.field) == (path, 3, "template")
    assert case.error in problem.message
    assert snapshot(output) == before
    assert snapshot(small_portfolio.root).keys() == sources.keys() | {OVERRIDE}
    assert_nothing_leaked(output, *secrets)


def test_a_harmless_override_still_renders(small_portfolio, tmp_path):
    override(small_portfolio, "<p>{{ finding.title|upper }} {{ range(3)|list|length }}</p>")
    build(small_portfolio.root, tmp_path / "output", BuildOptions(pdf=False))
    page = (tmp_path / "output/site/postbedrijf/findings/centrale-lijn.html").read_text()
    assert "<p>FINDING CENTRALE-LIJN 3</p>" in page


def test_a_template_loop_that_does_not_end_is_stopped_at_its_line(
    small_portfolio, tmp_path, monkeypatch
):
    monkeypatch.setattr(templating, "TEMPLATE_TIME_LIMIT", 0.5)
    path = override(small_portfolio, ENDLESS_LOOP)
    with pytest.raises(ContentError) as refused:
        build(small_portfolio.root, tmp_path / "output", BuildOptions(pdf=False, jobs=1))
    [problem] = refused.value.problems
    assert (problem.path, problem.line) == (path, 3)
    assert "took longer than 0.5 s" in problem.message


def four_organisations_with_a_short_template_limit(writer, monkeypatch) -> None:
    for slug in ("spoorweg", "waterbedrijf", "zeehaven"):
        writer.organisation(slug)
        writer.audit(slug)
        writer.finding(slug, "balie")
    monkeypatch.setattr(templating, "TEMPLATE_TIME_LIMIT", 0.3)


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_first_template_loop_stops_the_build_instead_of_each_page_waiting_it_out(
    small_portfolio, tmp_path, monkeypatch, jobs
):
    """Every organisation's pages and bundle use the finding template: left to run, each of
    their tasks would wait out the time limit (8 times here, 100 for 50 organisations)."""
    four_organisations_with_a_short_template_limit(small_portfolio, monkeypatch)
    stopped = tmp_path / "stopped.txt"  # one line per page stopped, from any process
    render_page = render_module._render_page

    def noting_each_stop(page, *args):
        try:
            return render_page(page, *args)
        except render_module.TemplateTooSlow:
            with stopped.open("a") as log:
                log.write(f"{page.path}\n")
            raise

    monkeypatch.setattr(render_module, "_render_page", noting_each_stop)
    path = override(small_portfolio, ENDLESS_LOOP)
    with pytest.raises(ContentError) as refused:
        build(small_portfolio.root, tmp_path / "output", BuildOptions(jobs=jobs))

    [problem] = refused.value.problems
    assert (problem.path, problem.line) == (path, 3)
    # the first, and in a pool the one task already running beside it
    assert 1 <= len(stopped.read_text().splitlines()) <= jobs
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("jobs", [1, 2])  # 2: in a child forked per PDF
def test_a_loop_in_the_pdf_template_is_stopped_at_its_line_and_stops_the_other_pdfs(
    small_portfolio, tmp_path, monkeypatch, jobs
):
    """Not after the PDF time limit (300 s by default), once for each PDF in turn."""
    four_organisations_with_a_short_template_limit(small_portfolio, monkeypatch)
    started = tmp_path / "started.txt"  # one line per PDF begun, from any process
    render_pdf = render_module.render_pdf

    def noting_each_start(inputs, *args, **kwargs):
        with started.open("a") as log:
            log.write(f"{inputs.report.organisation.slug}\n")
        return render_pdf(inputs, *args, **kwargs)

    monkeypatch.setattr(render_module, "render_pdf", noting_each_start)
    path = small_portfolio.write("templates/pdf/report.html", f"<html>\n{ENDLESS_LOOP}")
    with pytest.raises(ContentError) as refused:
        build(
            small_portfolio.root,
            tmp_path / "output",
            BuildOptions(jobs=jobs, pdf_time_limit=20),
        )

    [problem] = refused.value.problems
    assert (problem.path, problem.line) == (path, 2)
    assert "took longer than 0.3 s" in problem.message
    assert 1 <= len(started.read_text().splitlines()) <= jobs


def test_a_loop_in_the_single_file_template_is_stopped_at_its_line(
    small_portfolio, tmp_path, monkeypatch
):
    four_organisations_with_a_short_template_limit(small_portfolio, monkeypatch)
    path = small_portfolio.write("templates/site/single_file.html", f"<html>\n{ENDLESS_LOOP}")
    with pytest.raises(ContentError) as refused:
        build(small_portfolio.root, tmp_path / "output", BuildOptions(pdf=False, jobs=2))

    [problem] = refused.value.problems
    assert (problem.path, problem.line) == (path, 2)
    assert "took longer than 0.3 s" in problem.message


@pytest.mark.parametrize("jobs", [1, 2])  # 2: in a pool worker, in a child forked per PDF
def test_an_override_of_the_pdf_is_sandboxed_too(small_portfolio, tmp_path, secrets, jobs):
    path = small_portfolio.write("templates/pdf/report.html", "<html>\n{{ lipsum.__globals__ }}")
    with pytest.raises(ContentError) as refused:
        build(small_portfolio.root, tmp_path / "output", BuildOptions(jobs=jobs))
    [problem] = refused.value.problems
    assert (problem.path, problem.line) == (path, 2) and "unsafe" in problem.message


def test_build_reports_a_broken_override_as_file_line_and_exits_1(
    small_portfolio, tmp_path, capsys
):
    override(small_portfolio, "{{ no_such_thing.title }}")
    code = main(
        [
            "build",
            "--no-pdf",
            "--source",
            str(small_portfolio.root),
            "--output",
            str(tmp_path / "output"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert f"audits{os.sep}{OVERRIDE}:3: template: error: 'no_such_thing' is undefined" in err
    assert "Traceback" not in err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_every_template_renders_in_the_sandbox_once_the_portfolio_overrides_one(tmp_path):
    assert not isinstance(templating.environment(THEME_DIR, tmp_path, "nl"), templating._Sandbox)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "extra.html").write_text("an override of nothing yet")

    assert isinstance(templating.environment(THEME_DIR, tmp_path, "nl"), templating._Sandbox)


def test_a_theme_other_than_the_built_in_one_renders_in_the_sandbox(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(THEME_DIR, theme)

    assert isinstance(templating.environment(theme, None, "nl"), templating._Sandbox)


@pytest.mark.parametrize("pdf", [False, True], ids=["example site", "pdf"])
def test_the_theme_renders_the_same_bytes_in_the_sandbox_and_out_of_it(
    small_portfolio, tmp_path, pdf
):
    source = tmp_path / "source"
    shutil.copytree(small_portfolio.root if pdf else EXAMPLE, source)
    build(source, tmp_path / "theme alone" / "output", BuildOptions(pdf=pdf))
    (source / "templates").mkdir(exist_ok=True)
    (source / "templates" / "extra.html").write_text("an override no page uses")

    build(source, tmp_path / "sandboxed" / "output", BuildOptions(pdf=pdf))

    assert snapshot(tmp_path / "sandboxed" / "output") == snapshot(
        tmp_path / "theme alone" / "output"
    )


def test_a_template_line_that_fails_many_pages_is_one_problem():
    from klantspiegel.problems import Problem

    line = Path("templates/site/finding.html")
    problems = [
        Problem(line, 3, "template", "too slow: site page b took longer"),
        Problem(line, 3, "template", "too slow: bundle page a took longer"),
        Problem(line, 9, "template", "error: 'x' is undefined"),
        Problem(Path("template"), None, "template", "not found: a.html"),
        Problem(Path("template"), None, "template", "not found: b.html"),
    ]

    assert render_module._each_place_once(problems * 2) == [
        Problem(Path("template"), None, "template", "not found: a.html"),
        Problem(Path("template"), None, "template", "not found: b.html"),
        Problem(line, 3, "template", "too slow: bundle page a took longer"),
        Problem(line, 9, "template", "error: 'x' is undefined"),
    ]
