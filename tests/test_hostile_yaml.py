"""YAML that would silently drop or bend data is a located error, in every file, at any depth.

Each case writes one file into the small portfolio and expects exactly one error, at
`file:line: field:`, whose message says what is wrong (a repeated key names its first line).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_kit import assert_nothing_leaked
from pydantic import ValidationError

import klantspiegel.model as model_module
from klantspiegel.build_options import BuildOptions
from klantspiegel.load import load_portfolio
from klantspiegel.model import Schema
from klantspiegel.pipeline import build
from klantspiegel.problems import ContentError, Problem
from klantspiegel.validate import _unwrap

FINDING = "postbedrijf/2026/findings/centrale-lijn.md"
ANECDOTE = "postbedrijf/2026/anecdotes/gemist-pakje.md"
AUDIT = "postbedrijf/2026/audit.yaml"
ORGANISATION = "postbedrijf/organisation.yaml"
KPIS = "postbedrijf/2026/kpis.yaml"
MODEL = "model.yaml"


def finding(extra: str) -> str:
    """A valid finding whose front matter ends with `extra` (from line 6 on)."""
    return (
        "---\ntitle: Centrale lijn\ndimension: bereikbaarheid\nscore: 2\nkind: strength\n"
        f"{extra}---\nWhat we saw.\n"
    )


def anecdote(step: str = "", extra: str = "") -> str:
    """A valid story; `step` ends its one journey step (from line 10), `extra` its front matter."""
    return (
        "---\ntitle: Gemist pakje\ndate: 2026-05-14\nchannel: phone\njourney:\n"
        "  - touchpoint: Deur\n    actor: Postbode\n    happened: Belt en vertrekt.\n"
        f"    emotion: -1\n{step}{extra}---\nThe story.\n"
    )


def kpis(value: str = "-21", extra: str = "") -> str:
    """A kpis.yaml with one NPS entry; its value on line 3, `extra` from line 6."""
    return (
        f"kpis:\n  - key: nps\n    value: {value}\n    period: 2026-Q2\n    source: Panel\n{extra}"
    )


def model(weight: str = "1.0", extra: str = "", minimum: str = "1.0") -> str:
    """A scoring model with the two dimensions of the small portfolio.

    Lines: the first weight 6, `extra` from 7 (inside the first dimension); without `extra`
    the first level is on line 11 and its minimum on 12.
    """
    dimension = "    label: {{nl: {k}, en: {k}}}\n    description: {{nl: Vraag, en: Question}}\n"
    level = (
        "  - level: {n}\n    minimum: {m}\n    name: {{nl: N{n}, en: N{n}}}\n"
        "    description: {{nl: D, en: D}}\n"
    )
    return (
        "name: {nl: Eigen, en: Own}\ndimensions:\n"
        "  - key: bereikbaarheid\n"
        + dimension.format(k="Bereik")
        + "    weight: "
        + weight
        + "\n"
        + extra
        + "  - key: mandaat\n"
        + dimension.format(k="Mandaat")
        + "levels:\n"
        + level.format(n=1, m=minimum)
        + level.format(n=2, m="3.0")
    )


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # relative to the portfolio; written with `text`
    text: str
    line: int
    field: str
    message: str  # part of the message


def duplicate(first: int) -> str:
    return f"(first at line {first})"


DUPLICATE_KEYS = [
    Case(
        "draft then final in a finding",
        FINDING,
        finding("status: draft\nstatus: final\n"),
        7,
        "status",
        "duplicate key 'status' " + duplicate(6),
    ),
    Case(
        "a second evidence block",
        FINDING,
        finding(
            "evidence:\n  - type: call\n    description: Een\n"
            "evidence:\n  - type: survey\n    description: Twee\n"
        ),
        9,
        "evidence",
        duplicate(6),
    ),
    Case(
        "repeated key inside an evidence item",
        FINDING,
        finding("evidence:\n  - type: call\n    description: Een\n    type: survey\n"),
        9,
        "evidence[1].type",
        duplicate(7),
    ),
    Case(
        "quoted and plain spelling of one key",
        FINDING,
        finding('"score": 5\n'),
        6,
        "score",
        duplicate(4),
    ),
    Case(
        "repeated key in a flow mapping",
        FINDING,
        finding("evidence: [{type: call, description: Een, type: survey}]\n"),
        6,
        "evidence[1].type",
        duplicate(6),
    ),
    Case(
        "internal note given twice",
        FINDING,
        finding("internal: geheim\ninternal: ''\n"),
        7,
        "internal",
        duplicate(6),
    ),
    Case(
        "repeated key in a journey step",
        ANECDOTE,
        anecdote(step="    emotion: 2\n"),
        10,
        "journey[1].emotion",
        duplicate(9),
    ),
    Case(
        "draft then final in a story",
        ANECDOTE,
        anecdote(extra="status: draft\nstatus: final\n"),
        11,
        "status",
        duplicate(10),
    ),
    Case(
        "draft then final in audit.yaml",
        AUDIT,
        "title: A\ndate: 2026-10-01\nauditors: [Eva]\nscope: S\nstatus: draft\nstatus: final\n",
        6,
        "status",
        duplicate(5),
    ),
    Case(
        "organisation name twice",
        ORGANISATION,
        "name: Postbedrijf Noord\nsector: Post\nsize: large\nname: Ander\n",
        4,
        "name",
        duplicate(1),
    ),
    Case(
        "repeated value in a KPI entry",
        KPIS,
        kpis(extra="    value: 40\n"),
        6,
        "kpis[1].value",
        duplicate(3),
    ),
    Case("a second kpis list", KPIS, kpis(extra="kpis: []\n"), 6, "kpis", duplicate(1)),
    Case(
        "portfolio language twice",
        "portfolio.yaml",
        "consultancy: Test\nlanguage: nl\nlanguage: en\n",
        3,
        "language",
        duplicate(2),
    ),
    Case(
        "repeated weight in a dimension of the scoring model",
        MODEL,
        model(extra="    weight: 9.0\n"),
        7,
        "dimensions[1].weight",
        duplicate(6),
    ),
    Case(
        "repeated language in a label of the scoring model",
        MODEL,
        model().replace("{nl: Bereik, en: Bereik}", "{nl: Bereik, nl: Reach}"),
        4,
        "dimensions[1].label.nl",
        duplicate(4),
    ),
    Case(
        "a merge key that would hide a value",
        FINDING,
        finding("status: draft\n<<: {status: final}\n"),
        7,
        "<<",
        "merge keys",
    ),
]

FRONT_MATTER = "the front matter ended at line"  # fields below a '---' that closed it early
FRONT_MATTERS = [
    Case(
        "front matter closed by '...' above a field",
        FINDING,
        finding("...\nstatus: draft\n"),
        6,
        "",
        "'...' ends the YAML here",
    ),
    Case(
        "a second front matter block",
        FINDING,
        finding("").replace("---\nWhat", "---\n---\nstatus: draft\n---\nWhat"),
        8,
        "",
        FRONT_MATTER + " 6",
    ),
    Case(
        "'---' inside a block scalar closes the front matter",
        FINDING,
        finding("internal: |\n  note\n---\n  more\nstatus: draft\n"),
        10,
        "",
        FRONT_MATTER + " 8",
    ),
    Case(
        "a field right below the closing line",
        FINDING,
        finding("").replace("---\nWhat", "---\nstatus: draft\n---\nWhat"),
        7,
        "",
        FRONT_MATTER + " 6",
    ),
]

TAGS = [
    Case(
        "!!int 0x10 is not hexadecimal",
        KPIS,
        kpis("!!int 0x10"),
        3,
        "kpis[1].value",
        "'0x10' is not a whole number written in decimal digits",
    ),
    Case(
        "!!int 4:30 is not base 60",
        KPIS,
        kpis("!!int 4:30"),
        3,
        "kpis[1].value",
        "'4:30' is not a whole number written in decimal digits",
    ),
    Case(
        "!!float 4:30 is not base 60",
        KPIS,
        kpis("!!float 4:30"),
        3,
        "kpis[1].value",
        "'4:30' is not a number written in decimal digits",
    ),
    Case(
        "a number of 5,000 digits",
        KPIS,
        kpis("1" + "0" * 5000),
        3,
        "kpis[1].value",
        "has too many digits",
    ),
    Case(
        "!!binary hides a title",
        FINDING,
        finding("").replace("title: Centrale lijn", "title: !!binary Q29uY2VwdA=="),
        2,
        "title",
        "the YAML type 'binary' is not supported",
    ),
    Case(
        "!!set of story links",
        FINDING,
        finding("anecdotes: !!set {gemist-pakje}\n"),
        6,
        "anecdotes",
        "the YAML type 'set' is not supported",
    ),
    Case(
        "!!timestamp date",
        AUDIT,
        "title: A\ndate: !!timestamp 2026-10-01 23:00:00\nauditors: [Eva]\nscope: S\n",
        2,
        "date",
        "the YAML type 'timestamp' is not supported",
    ),
    Case(
        "a NUL byte in a value",
        FINDING,
        finding("owner: a\x00b\n"),
        6,
        "",
        "the character U+0000 is not allowed",
    ),
    Case(
        "!!omap evidence",
        FINDING,
        finding("evidence: !!omap [type: call]\n"),
        6,
        "evidence",
        "the YAML type 'omap' is not supported",
    ),
]

AMBIGUOUS = [
    Case(
        "one story linked twice, in two spellings",
        FINDING,
        finding("anecdotes: [gemist-pakje, Gemist Pakje]\n"),
        6,
        "anecdotes[2]",
        "'Gemist Pakje' is already linked (anecdotes[1])",
    ),
    Case(
        "one KPI listed twice",
        KPIS,
        kpis(extra="  - key: nps\n    value: 40\n    period: 2026-Q3\n    source: Panel\n"),
        6,
        "kpis[2].key",
        "KPI 'nps' is listed twice (first at line 2)",
    ),
    Case(
        "two stories with one title in case and spacing",
        "postbedrijf/2026/anecdotes/zz.md",
        anecdote().replace("Gemist pakje", "story  GEMIST-pakje"),
        2,
        "title",
        "duplicate story title (also in gemist-pakje.md)",
    ),
    Case(
        "two findings with one title, one with a no-break space",
        "postbedrijf/2026/findings/z.md",
        finding("").replace("Centrale lijn", "Finding\u00a0centrale-lijn"),
        2,
        "title",
        "duplicate finding title (also in centrale-lijn.md)",
    ),
]

BOOLEANS = [
    Case(
        "score: true",
        FINDING,
        finding("").replace("score: 2", "score: true"),
        4,
        "score",
        "true is not a number (expected a whole number from 1 to 5)",
    ),
    Case("impact: yes", FINDING, finding("impact: yes\n"), 6, "impact", "'yes' is not a number"),
    Case(
        "effort: false", FINDING, finding("effort: false\n"), 6, "effort", "false is not a number"
    ),
    Case(
        "emotion: true",
        ANECDOTE,
        anecdote().replace("emotion: -1", "emotion: true"),
        9,
        "journey[1].emotion",
        "true is not a number (expected a whole number from -2 to 2)",
    ),
    Case("KPI value: false", KPIS, kpis("false"), 3, "kpis[1].value", "false is not a number"),
    Case(
        "KPI target: true",
        KPIS,
        kpis(extra="    target: true\n"),
        6,
        "kpis[1].target",
        "true is not a number",
    ),
    Case(
        "model weight: true",
        MODEL,
        model("true"),
        6,
        "dimensions[1].weight",
        "true is not a number",
    ),
    Case(
        "model minimum: true",
        MODEL,
        model(minimum="true"),
        12,
        "levels[1].minimum",
        "true is not a number",
    ),
    Case(
        "model level: true",
        MODEL,
        model().replace("level: 1", "level: true"),
        11,
        "levels[1].level",
        "true is not a number",
    ),
    Case(
        "max_file_bytes: true",
        "portfolio.yaml",
        "consultancy: T\nmax_file_bytes: true\n",
        2,
        "max_file_bytes",
        "true is not a number",
    ),
]

NOT_FINITE = "is not a finite number"
NUMBERS = [
    Case(
        "score: 2.5",
        FINDING,
        finding("").replace("score: 2", "score: 2.5"),
        4,
        "score",
        "2.5 is not a whole number (expected a whole number from 1 to 5)",
    ),
    Case("KPI value: .nan", KPIS, kpis(".nan"), 3, "kpis[1].value", NOT_FINITE),
    Case("KPI value: .NaN", KPIS, kpis(".NaN"), 3, "kpis[1].value", NOT_FINITE),
    Case("KPI value: .inf", KPIS, kpis(".inf"), 3, "kpis[1].value", NOT_FINITE),
    Case("KPI value: -.inf", KPIS, kpis("-.inf"), 3, "kpis[1].value", NOT_FINITE),
    Case("KPI value: 'nan' in quotes", KPIS, kpis("'nan'"), 3, "kpis[1].value", NOT_FINITE),
    Case("KPI value: 1e400 overflows", KPIS, kpis("1.0e+400"), 3, "kpis[1].value", NOT_FINITE),
    Case(
        "KPI target: .inf", KPIS, kpis(extra="    target: .inf\n"), 6, "kpis[1].target", NOT_FINITE
    ),
    Case("model weight: .nan", MODEL, model(".nan"), 6, "dimensions[1].weight", NOT_FINITE),
    Case(
        "model minimum: -.inf", MODEL, model(minimum="-.inf"), 12, "levels[1].minimum", NOT_FINITE
    ),
    Case(
        "KPI value 4:30 is not base 60",
        KPIS,
        kpis("4:30"),
        3,
        "kpis[1].value",
        "'4:30' is not a number",
    ),
    Case(
        "a number where text belongs keeps no lost digits",
        MODEL,
        "version: 1.10\n" + model(),
        1,
        "version",
        "put it in quotes",
    ),
]

CASES = DUPLICATE_KEYS + FRONT_MATTERS + BOOLEANS + NUMBERS + TAGS + AMBIGUOUS


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_yaml_is_one_located_error(case, small_portfolio):
    write(small_portfolio, case.file, case.text)
    problem = only_error(small_portfolio.root, small_portfolio.root / case.file)
    assert (problem.line, problem.field) == (case.line, case.field), problem.format()
    assert case.message in problem.message, problem.format()


def test_every_repeated_key_of_a_file_is_reported_at_once(small_portfolio):
    small_portfolio.write(
        AUDIT, "title: A\ntitle: B\ndate: 2026-10-01\ndate: 2026-10-02\nauditors: [Eva]\nscope: S\n"
    )
    problems = load_portfolio(small_portfolio.root)[1]
    assert [(p.line, p.field) for p in problems if "duplicate key" in p.message] == [
        (2, "title"),
        (4, "date"),
    ]


def test_a_draft_made_final_by_a_repeated_key_is_not_built(small_portfolio, tmp_path):
    output = tmp_path / "output"
    build(small_portfolio.root, output, BuildOptions(jobs=1))
    write(
        small_portfolio,
        "postbedrijf/2026/findings/geheim.md",
        finding("status: draft\nstatus: final\n")
        .replace("Centrale lijn", "Conceptbevinding Zeta")
        .replace("What we saw.", "Q7-SECRET"),
    )
    with pytest.raises(ContentError) as refused:
        build(small_portfolio.root, output, BuildOptions(jobs=1))
    assert [p.format(small_portfolio.root) for p in refused.value.problems] == [
        "audits/postbedrijf/2026/findings/geheim.md:7: status: duplicate key 'status' "
        "(first at line 6): YAML would silently keep only the last value; remove one of them"
    ]
    assert_nothing_leaked(output, "Conceptbevinding Zeta", "Q7-SECRET", "geheim")


def test_two_audits_of_one_organisation_on_one_date_are_an_error(small_portfolio):
    small_portfolio.audit("postbedrijf", "2026-bis", date="2026-10-01")
    small_portfolio.finding("postbedrijf", "andere", audit="2026-bis")
    problem = only_error(small_portfolio.root)
    assert problem.format(small_portfolio.root) == (
        "audits/postbedrijf/2026-bis/audit.yaml:2: date: 2026-10-01 is also the date of the "
        "audit in audits/postbedrijf/2026/audit.yaml:2: give each audit of an organisation its "
        "own date, so that the latest report is not a guess"
    )


def test_audits_of_two_organisations_may_share_a_date(small_portfolio):
    small_portfolio.organisation("tweede")
    small_portfolio.audit("tweede", date="2026-10-01")
    small_portfolio.finding("tweede", "een")
    assert load_portfolio(small_portfolio.root)[0] is not None


def test_a_whole_number_written_with_a_decimal_point_is_that_number(small_portfolio):
    write(small_portfolio, FINDING, finding("").replace("score: 2", "score: 2.0"))
    assert finding_score(small_portfolio.root) == 2


def test_a_leading_zero_is_decimal_not_octal(small_portfolio):
    write(small_portfolio, KPIS, kpis("0700"))
    portfolio = load_portfolio(small_portfolio.root)[0]
    assert portfolio is not None
    assert portfolio.organisations[0].audits[0].kpis[0].value == 700


def test_a_number_tagged_int_is_decimal_too(small_portfolio):
    write(small_portfolio, KPIS, kpis("!!int 0700"))
    portfolio = load_portfolio(small_portfolio.root)[0]
    assert portfolio is not None
    assert portfolio.organisations[0].audits[0].kpis[0].value == 700


@pytest.mark.parametrize(
    "body",
    [
        "Wat we zagen.\n\n---\n\nMeer.\n",
        "Kop: titel\n---\nMeer.\n",
        "- een\n- twee\n\n---\nMeer.\n",
    ],
)
def test_a_rule_or_a_heading_below_the_front_matter_is_text(small_portfolio, body):
    write(small_portfolio, FINDING, finding("").replace("What we saw.\n", body))
    assert load_portfolio(small_portfolio.root)[0] is not None


def test_two_organisations_whose_names_differ_only_in_composition_are_an_error(small_portfolio):
    small_portfolio.write(ORGANISATION, "name: Caf\u00e9 Noord\nsector: Post\nsize: large\n")
    small_portfolio.write(
        "tweede/organisation.yaml", "name: cafe\u0301  noord\nsector: Post\nsize: large\n"
    )
    small_portfolio.audit("tweede")
    small_portfolio.finding("tweede", "een")
    problem = only_error(small_portfolio.root)
    assert problem.format(small_portfolio.root).startswith(
        "audits/tweede/organisation.yaml:1: name: duplicate organisation name 'cafe\u0301  noord' "
        "(also in audits/postbedrijf/organisation.yaml:1)"
    )


def numeric_fields() -> list[tuple[type[Schema], str, type]]:
    """Every int or float field of every file schema, present and future."""
    schemas = [
        c
        for c in vars(model_module).values()
        if isinstance(c, type) and issubclass(c, Schema) and c is not Schema
    ]
    return [
        (schema, name, _unwrap(info.annotation))
        for schema in schemas
        for name, info in schema.model_fields.items()
        if _unwrap(info.annotation) in (int, float)
    ]


@pytest.mark.parametrize(
    "schema, name, kind", numeric_fields(), ids=lambda v: getattr(v, "__name__", v)
)
def test_no_numeric_field_takes_a_boolean_nan_or_infinity(schema, name, kind):
    refused = [True, False] + ([float("nan"), float("inf"), "-inf"] if kind is float else [])
    for value in refused:
        with pytest.raises(ValidationError) as error:
            schema.model_validate({name: value})
        assert any(e["loc"] == (name,) for e in error.value.errors()), value


# --- helpers ----------------------------------------------------------------------------------


def write(writer, relative: str, text: str) -> None:
    if relative == MODEL:
        writer.write("portfolio.yaml", "consultancy: Test\nscoring_model: model.yaml\n")
    (writer.root / relative).write_text(text, encoding="utf-8")


def only_error(root: Path, path: Path | None = None) -> Problem:
    """The one error (in `path`, when given: a broken story also breaks a finding's link)."""
    portfolio, problems = load_portfolio(root)
    errors = [p for p in problems if p.severity == "error" and path in (None, p.path)]
    assert portfolio is None and len(errors) == 1, [p.format() for p in errors]
    return errors[0]


def finding_score(root: Path) -> int:
    portfolio = load_portfolio(root)[0]
    assert portfolio is not None
    audit = portfolio.organisations[0].audits[0]
    return next(f.score for f in audit.findings if f.slug == "centrale-lijn")
