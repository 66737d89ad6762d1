"""Survey measures: CSAT and CES with their intervals, segments, significance, and their views."""

from __future__ import annotations

from pathlib import Path

import pytest

from klantspiegel.i18n import Translator
from klantspiegel.kpis import net_promoter_score
from klantspiegel.model import Survey
from klantspiegel.survey_metrics import (
    MeanResult,
    ShareResult,
    customer_effort,
    customer_satisfaction,
    differs,
    segment_breakdown,
)
from klantspiegel.survey_view import measure_trends, sample_text, segment_tables


def survey(**fields: object) -> Survey:
    return Survey(source=Path("survey.csv"), **fields)


def test_csat_is_the_share_of_four_and_five_with_an_agresti_coull_interval():
    # 10 answers given (None left out), 6 of them 4 or 5: CSAT = 60%.
    # Agresti-Coull: n' = 10 + 1.96² = 13.8416, p' = (6 + 1.9208) / 13.8416 = 0.572246,
    # SE = sqrt(p' (1 - p') / n') = 0.132983; 95%: 100 x (0.572246 ± 1.96 x 0.132983)
    # = 31.160 .. 83.289.
    result = customer_satisfaction([5, 4, 3, 2, 5, 4, 1, 5, 4, 3, None])
    assert result is not None
    assert (result.n, result.hits, result.score) == (10, 6, 60.0)
    assert result.low == pytest.approx(31.160, abs=0.001)
    assert result.high == pytest.approx(83.289, abs=0.001)
    assert result.standard_error == pytest.approx(13.2983, abs=0.0001)


def test_csat_interval_stays_on_the_scale_when_everyone_is_satisfied():
    result = customer_satisfaction([5, 5, 4])
    assert result is not None and result.score == 100.0
    assert result.high == 100.0 and result.low < 100.0


def test_ces_is_the_mean_with_an_interval_from_the_sample_standard_deviation():
    # mean (5 + 7 + 6 + 4 + 3) / 5 = 5; squared deviations 0 + 4 + 1 + 1 + 4 = 10,
    # s = sqrt(10 / 4) = 1.581139, SE = s / sqrt(5) = 0.707107; 5 ± 1.96 x 0.707107
    # = 3.614071 .. 6.385929.
    result = customer_effort([5, 7, None, 6, 4, 3])
    assert result is not None and (result.n, result.score) == (5, 5.0)
    assert result.low == pytest.approx(3.614071, abs=1e-6)
    assert result.high == pytest.approx(6.385929, abs=1e-6)


def test_ces_of_one_answer_has_no_interval():
    assert customer_effort([6]) == MeanResult(1, 6.0, None, None, None)


def test_measures_without_answers_are_none_not_zero():
    assert customer_satisfaction([None, None]) is None
    assert customer_effort([]) is None


def test_differs_when_the_gap_exceeds_the_combined_error():
    # threshold 1.96 x sqrt(0.2² + 0.2²) = 0.5544: a gap of 0.6 is significant
    first = MeanResult(50, 5.0, 4.6, 5.4, 0.2)
    assert differs(first, MeanResult(50, 5.6, 5.2, 6.0, 0.2)) is True


def test_does_not_differ_within_the_combined_error():
    # the same threshold of 0.5544: a gap of 0.5 is not significant
    first = ShareResult(100, 60, 60.0, 50.0, 70.0, 0.2)
    assert differs(first, ShareResult(100, 60, 60.5, 50.0, 70.0, 0.2)) is False


def test_differs_generalises_the_nps_test():
    big_a = net_promoter_score([10] * 600 + [0] * 400)
    big_b = net_promoter_score([10] * 400 + [0] * 600)
    assert big_a is not None and big_b is not None and differs(big_a, big_b) is True


def test_differs_cannot_test_a_mean_of_one_answer():
    assert differs(MeanResult(1, 6.0, None, None, None), MeanResult(40, 5.0, 4.8, 5.2, 0.1)) is None


def test_segment_one_below_the_threshold_has_no_number_and_at_the_threshold_has_them():
    answers = survey(nps=(10, 9, 0, 10, 8), segments={"channel": ("phone",) * 3 + ("web",) * 2})
    phone, web = segment_breakdown(answers, threshold=3)
    assert phone.value == "phone" and phone.result is not None and phone.result.n == 3
    assert phone.result.nps is not None and phone.result.nps.score == pytest.approx(100 / 3)
    assert web.value == "web" and web.too_few and web.result is None


def test_segment_value_not_answered_is_its_own_row_last():
    answers = survey(nps=(10, 9, 0), segments={"channel": (None, "phone", "phone")})
    phone, unanswered = segment_breakdown(answers, threshold=1)
    assert phone.value == "phone" and unanswered.value is None
    assert unanswered.result is not None and unanswered.result.n == 1


def test_segment_measure_with_too_few_answers_is_none_in_a_shown_segment():
    answers = survey(nps=(10, 9, 8), csat=(5, None, None), segments={"region": ("N",) * 3})
    (north,) = segment_breakdown(answers, threshold=2)
    assert north.result is not None and north.result.nps is not None
    assert north.result.csat is None and north.result.ces is None


def test_segment_table_shows_words_for_a_small_segment_and_channel_labels_translated():
    answers = survey(
        nps=(10, 9, 0, 10, 8),
        min_segment_answers=3,
        segments={"channel": ("phone",) * 3 + ("counter",) * 2},
    )
    (table,) = segment_tables(answers, Translator("nl"))
    assert table.label == "Kanaal"
    assert [r.value for r in table.rows] == ["Telefoon", "Balie"]
    # phone: 10, 9, 0 -> NPS 100 x (2 - 1) / 3 = +33; adjusted Wald n' = 6, p' = 2.75/6,
    # d' = 1.75/6, SE = sqrt((0.75 - (1/6)²) / 6) = 0.346944; 100 x (1/6 ± 1.96 SE) = −51 .. +85
    assert table.rows[0].cells == ("3", "+33 (−51 tot +85)")
    assert table.rows[1].cells is None


def test_sample_text_names_n_and_what_was_left_out_with_counts():
    answers = survey(nps=(10,) * 110, excluded={"blank": 4, "partial": 7, "out_of_range": 1})
    assert sample_text(answers, Translator("en")).text == (
        "n = 110; left out: 4 blank, 7 partial, 1 out of range"
    )


def test_trend_marks_a_significant_change_per_measure():
    now = {"csat": ShareResult(400, 320, 80.0, 76.0, 84.0, 2.0)}
    before = {"csat": ShareResult(400, 240, 60.0, 55.0, 65.0, 2.4)}
    (trend,) = measure_trends(now, before, Translator("en"))
    assert (trend.previous, trend.current, trend.change) == ("60%", "80%", "+20")
    assert trend.significant is True and trend.verdict == "significant (95%)"


def test_trend_says_not_significant_within_the_margin():
    now = {"ces": MeanResult(40, 5.2, 4.8, 5.6, 0.2)}
    before = {"ces": MeanResult(40, 5.0, 4.6, 5.4, 0.2)}
    (trend,) = measure_trends(now, before, Translator("en"))
    assert trend.significant is False and trend.verdict == "not significant"
