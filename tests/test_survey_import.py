"""Survey exports read as the tools write them: layouts, encodings, mapping, exclusions, errors.

The fixture exports in tests/fixtures/surveys/ follow each tool's documented layout (sources in
its README); every expected number below is worked out by hand from the file.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from klantspiegel.kpis import net_promoter_score
from klantspiegel.load import load_portfolio

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
AUDIT = "postbedrijf/2026"
EXAMPLE = Path(__file__).parent.parent / "audits"


@dataclass(frozen=True)
class Export:
    file: str
    layout: str
    n: int
    promoters: int
    detractors: int
    nps: float
    excluded: dict[str, int]


EXPORTS = [
    # 10,10,9,9,9,8,7,6,5,3,10,0 kept: promoters 10,10,9,9,9,10 = 6, detractors 6,5,3,0 = 4;
    # NPS = 100 x (6 - 4) / 12 = 16.67; two unfinished (Finished 0), one finished without NPS.
    Export(
        "qualtrics-numeric.csv", "qualtrics", 12, 6, 4, 100 * 2 / 12, {"partial": 2, "blank": 1}
    ),
    # "10 - Extremely likely",9,8,8,7,6,"0 - Not at all likely",10: promoters 3, detractors 2;
    # NPS = 100 x 1 / 8 = 12.5; one Finished False.
    Export("qualtrics-choice-text.csv", "qualtrics", 8, 3, 2, 12.5, {"partial": 1}),
    # 9,10,7,6,2,8,10,4,9,5: promoters 9,10,10,9 = 4, detractors 6,2,4,5 = 4; NPS 0.
    Export("surveymonkey.csv", "surveymonkey", 10, 4, 4, 0.0, {}),
    # 10,9,9,8,7,7,6,3,10,9,9: promoters 6, detractors 6,3 = 2; NPS = 100 x 4 / 11 = 36.36.
    Export("google-forms-nl.csv", "google-forms", 11, 6, 2, 100 * 4 / 11, {}),
    # 0,1,2,10,10 and one blank: promoters 2, detractors 3; NPS = 100 x -1 / 5 = -20.
    Export("google-forms-en.csv", "google-forms", 5, 2, 3, -20.0, {"blank": 1}),
    # 10,8,9,6,7,10,4 completed, one partial: promoters 3, detractors 2; NPS = 100/7 = 14.29.
    Export("typeform.csv", "typeform", 7, 3, 2, 100 / 7, {"partial": 1}),
    # 9,9,9,6,7,8 and an 11: promoters 3, detractors 1; NPS = 100 x 2 / 6 = 33.33.
    Export("excel-nl.csv", "plain", 6, 3, 1, 100 * 2 / 6, {"out_of_range": 1}),
    # 10,10,10,0: promoters 3, detractors 1; NPS = 100 x 2 / 4 = 50.
    Export("crm-bom.csv", "plain", 4, 3, 1, 50.0, {}),
    # 9,8,7,6,10: promoters 2, detractors 1; NPS = 100 x 1 / 5 = 20.
    Export("crm-plain.csv", "plain", 5, 2, 1, 20.0, {}),
]


def survey_of(w, data: bytes, audit_yaml: str = "", name: str = "survey.csv"):
    """Load the small portfolio with `data` as its survey; (survey or None, problems)."""
    (w.root / AUDIT / name).write_bytes(data)
    if audit_yaml:
        path = w.root / AUDIT / "audit.yaml"
        path.write_text(path.read_text() + audit_yaml)
    portfolio, problems = load_portfolio(w.root)
    survey = portfolio.organisations[0].audits[0].survey if portfolio else None
    return survey, problems


def errors(problems) -> list[str]:
    return [p.format() for p in problems if p.severity == "error"]


@pytest.mark.parametrize("case", EXPORTS, ids=lambda c: c.file)
def test_an_untouched_export_gives_the_hand_computed_nps(case, small_portfolio):
    survey, problems = survey_of(small_portfolio, (FIXTURES / case.file).read_bytes())
    assert errors(problems) == []
    nps = net_promoter_score(survey.scores)
    assert (survey.layout, nps.n, nps.promoters, nps.detractors) == (
        case.layout,
        case.n,
        case.promoters,
        case.detractors,
    )
    assert nps.score == pytest.approx(case.nps)
    assert survey.excluded == case.excluded


def test_the_interval_of_an_export_is_the_adjusted_wald_interval(small_portfolio):
    survey, _ = survey_of(small_portfolio, (FIXTURES / "qualtrics-numeric.csv").read_bytes())
    # n = 12, 6 promoters, 4 detractors; adjusted: n' = 15, p = 6.75/15 = 0.45,
    # d = 4.75/15 = 0.31667, centre = 0.13333, SE = sqrt((0.76667 - 0.01778) / 15) = 0.22344,
    # so 100 x (0.13333 -/+ 1.96 x 0.22344) = -30.46 .. 57.13.
    centre, se = 2 / 15, math.sqrt((11.5 / 15 - (2 / 15) ** 2) / 15)
    nps = net_promoter_score(survey.scores)
    assert (nps.low, nps.high) == pytest.approx(
        (100 * (centre - 1.96 * se), 100 * (centre + 1.96 * se))
    )
    assert (round(nps.low, 2), round(nps.high, 2)) == (-30.46, 57.13)


def test_satisfaction_and_effort_are_read_beside_the_nps(small_portfolio):
    survey, _ = survey_of(small_portfolio, (FIXTURES / "qualtrics-numeric.csv").read_bytes())
    assert survey.csat == (5, 4, 4, 3, 5, 2, 4, 1, 5, 3, 4, 2)
    assert survey.ces == (7, 6, 5, 7, 3, 6, 4, 2, 7, 5, 6, 1)


def test_choice_text_labels_are_read_as_their_scale_points(small_portfolio):
    survey, _ = survey_of(small_portfolio, (FIXTURES / "qualtrics-choice-text.csv").read_bytes())
    assert survey.nps[0] == 10 and survey.nps[6] == 0  # "10 - Extremely likely", "0 - Not ..."
    assert survey.csat == (5, 4, 4, 3, 3, 2, 1, 5)  # "Extremely satisfied" .. "Extremely dis..."


def test_a_channel_column_becomes_a_segment(small_portfolio):
    survey, _ = survey_of(small_portfolio, (FIXTURES / "crm-plain.csv").read_bytes())
    assert survey.segments == {"channel": ("counter", "counter", "web", "web", "counter")}


def test_nothing_but_answers_and_segments_is_kept(small_portfolio):
    survey, _ = survey_of(small_portfolio, (FIXTURES / "qualtrics-numeric.csv").read_bytes())
    kept = survey.model_dump_json().lower()
    for planted in ("planted", "203.0.113", "51.054", "r_", "example.com", "+32"):
        assert planted not in kept


def test_an_excel_unicode_text_export_is_read(small_portfolio):
    text = (
        "Klant\tHoe waarschijnlijk is het dat u ons aanraadt?\tKanaal\r\nA\t9\tBalie\r\n"
        "B\t3\tWeb\r\n"
    )
    survey, problems = survey_of(small_portfolio, b"\xff\xfe" + text.encode("utf-16-le"))
    assert errors(problems) == [] and survey.scores == (9, 3)
    assert survey.segments == {"Kanaal": ("Balie", "Web")}


def test_a_mapped_short_name_picks_the_column(small_portfolio):
    data = b"Q1,Q2\n9,3\n10,4\n"
    survey, problems = survey_of(small_portfolio, data, "survey:\n  nps: Q2\n")
    assert errors(problems) == [] and survey.scores == (3, 4)


def test_a_mapped_file_name_is_read(small_portfolio):
    survey, problems = survey_of(
        small_portfolio, b"score\n9\n", "survey:\n  file: export.csv\n", name="export.csv"
    )
    assert errors(problems) == [] and survey.scores == (9,)


def test_a_mapped_file_outside_the_audit_folder_is_refused(small_portfolio):
    _, problems = survey_of(small_portfolio, b"score\n9\n", "survey:\n  file: ../export.csv\n")
    assert any(
        "audit.yaml:6: survey.file:" in e and "not a file in the audit folder" in e
        for e in errors(problems)
    )


def test_a_mapped_header_not_found_is_a_located_error_with_a_suggestion(small_portfolio):
    _, problems = survey_of(small_portfolio, b"Q1,Q2\n9,3\n", "survey:\n  nps: Q11\n")
    assert any(
        "audit.yaml:6: survey.nps: no column 'Q11'" in e and "did you mean" in e
        for e in errors(problems)
    ), errors(problems)


def test_two_recommend_columns_ask_for_a_mapping(small_portfolio):
    data = b"NPS,Would you recommend us to a colleague?\n9,8\n"
    _, problems = survey_of(small_portfolio, data)
    found = errors(problems)
    assert any(
        "2 columns could be the recommend question" in e and 'survey: {nps: "' in e for e in found
    ), found


def test_no_recommend_column_asks_for_a_mapping(small_portfolio):
    _, problems = survey_of(small_portfolio, b"Q1,Q2\n9,3\n")
    assert any(
        "survey.csv:1: nps: no recommend question" in e and 'survey: {nps: "' in e
        for e in errors(problems)
    )


def test_a_column_of_mostly_unreadable_answers_is_a_located_error(small_portfolio):
    _, problems = survey_of(small_portfolio, b"score\nyes\n7\nno\nmaybe\n")
    assert any("survey.csv:2: nps: 3 of 4 answers" in e for e in errors(problems))


def test_a_filter_in_the_mapping_keeps_only_matching_respondents(small_portfolio):
    data = b"score,Finished2\n9,yes\n3,no\n10,yes\n"
    audit = "survey:\n  filter: {column: Finished2, keep: ['yes']}\n"
    survey, problems = survey_of(small_portfolio, data, audit)
    assert errors(problems) == [] and survey.scores == (9, 10)
    assert survey.excluded == {"filtered": 1}


@pytest.mark.parametrize(
    "column, values",
    [
        ("IPAddress", ["192.0.2.1", "192.0.2.2"]),
        ("Kanaal", ["jan@example.com", "piet@example.com"]),
        ("Kanaal", [f"winkel {i}" for i in range(25)]),  # more distinct values than groups
    ],
    ids=["personal header", "personal values", "too many values"],
)
def test_a_personal_segment_column_is_refused(small_portfolio, column, values):
    rows = "\n".join(f"9,{v}" for v in values)
    _, problems = survey_of(
        small_portfolio, f"score,{column}\n{rows}\n".encode(), f"survey:\n  segments: [{column}]\n"
    )
    found = errors(problems)
    assert any("survey.segments[1]:" in e and "cannot be a segment" in e for e in found), found
    assert not any("@example.com" in e or "192.0.2" in e for e in found)


def test_a_detected_segment_of_personal_values_is_dropped_with_a_warning(small_portfolio):
    survey, problems = survey_of(small_portfolio, b"score,channel\n9,a@example.com\n")
    assert survey.segments == {}
    assert any(p.severity == "warning" and "not used as a segment" in p.message for p in problems)


def test_the_min_segment_answers_comes_from_the_mapping(small_portfolio):
    survey, _ = survey_of(small_portfolio, b"score\n9\n", "survey:\n  min_segment_answers: 12\n")
    assert survey.min_segment_answers == 12


def test_the_example_export_keeps_the_same_answers_and_has_segments():
    portfolio, problems = load_portfolio(EXAMPLE)
    assert errors(problems) == []
    vlaspost = next(o for o in portfolio.organisations if o.slug == "vlaspost")
    survey = vlaspost.audits[-1].survey
    assert survey.layout == "qualtrics" and len(survey.scores) == 110
    assert survey.excluded == {"partial": 4, "blank": 3}
    sizes = sorted(Counter(next(iter(survey.segments.values()))).values())
    assert sizes == [7, 17, 33, 53]  # two segments of at least 30 answers, two below
    assert len(survey.csat) == len(survey.ces) == 110


# Exports made independently of this code from each tool's documented layout, with planted
# personal data; n, NPS and the adjusted-Wald interval worked out by hand (the README there).
INDEPENDENT = FIXTURES / "independent"
INDEPENDENT_EXPORTS = [
    # (file, audit.yaml mapping, n, NPS, interval low, high) -- all rounded half-up
    ("qualtrics-numeric-en.csv", "", 64, 23, 2, 42),  # P32 D17; 3 unfinished, 2 blank
    ("qualtrics-choicetext-nl.csv", "", 20, 10, -27, 44),
    ("surveymonkey-en.csv", "", 40, 10, -15, 34),
    ("googleforms-nl.csv", "", 30, 30, 1, 54),
    ("googleforms-en.csv", "", 12, 17, -30, 57),
    # P14 D5 of 25; two responses never submitted (no Submit Date, no Response Type column)
    ("typeform-nl.csv", "", 25, 36, 3, 62),
    ("excel-puntkomma-nl.csv", "", 35, 23, -5, 47),
    ("crm-bom.csv", "", 45, 22, -2, 44),  # P21 D11; an 11 and an "n.v.t." left out
    ("enquete-unicode.txt", "survey: {file: enquete-unicode.txt}\n", 16, 13, -27, 48),
    ("qualtrics-mapping-nl.csv", "survey: {nps: Q7, segments: [Q12]}\n", 30, 10, -19, 37),
]


@pytest.mark.parametrize(
    ("file", "mapping", "n", "nps", "low", "high"),
    INDEPENDENT_EXPORTS,
    ids=[case[0] for case in INDEPENDENT_EXPORTS],
)
def test_an_independently_made_export_gives_the_hand_computed_nps_and_interval(
    small_portfolio, file, mapping, n, nps, low, high
):
    name = file if mapping.startswith("survey: {file") else "survey.csv"
    survey, problems = survey_of(small_portfolio, (INDEPENDENT / file).read_bytes(), mapping, name)
    assert survey is not None, [p.message for p in problems]
    result = net_promoter_score(survey.scores)
    shown = [
        round(Decimal(str(v)).quantize(Decimal(1), ROUND_HALF_UP))
        for v in (result.score, result.low, result.high)
    ]
    assert (result.n, *shown) == (n, nps, low, high)


def test_a_typeform_response_never_submitted_is_partial(small_portfolio):
    data = (
        b"#,How likely are you to recommend us to a friend?,Start Date (UTC),"
        b"Submit Date (UTC),Network ID\n"
        b"a1,10,2026-10-01 10:00:00,2026-10-01 10:02:00,n1\n"
        b"a2,0,2026-10-01 11:00:00,,n2\n"
    )
    survey, _ = survey_of(small_portfolio, data)
    assert survey.scores == (10,) and survey.excluded == {"partial": 1}


@pytest.mark.parametrize("no_answer", ["n.v.t.", "N/A", "weet niet", "Don’t know", "-"])
def test_a_written_no_answer_counts_as_blank_not_off_the_scale(small_portfolio, no_answer):
    survey, _ = survey_of(small_portfolio, f"score\n9\n{no_answer}\n".encode())
    assert survey.scores == (9,) and survey.excluded == {"blank": 1}
