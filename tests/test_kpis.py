"""KPIs: NPS with its adjusted-Wald interval, significance, and the result/work balance."""

from __future__ import annotations

import pytest

from klantspiegel.kpis import (
    STANDARD_KPIS,
    kpi_balance,
    meets_target,
    net_promoter_score,
    nps_differs,
    standard_label,
)
from klantspiegel.model import Kpi


def test_nps_worked_example():
    # 20 answers: 10 promoters (9-10), 5 passives (7-8), 5 detractors (0-6): NPS = 25.
    # Adjusted Wald: n' = 23, p' = 10.75/23 = 0.46739, d' = 5.75/23 = 0.25,
    # SE = sqrt((p' + d' - (p' - d')^2) / n') = 0.170693; 95%: 100 x (0.217391 +- 1.96 SE).
    result = net_promoter_score([10] * 6 + [9] * 4 + [8] * 3 + [7] * 2 + [6, 5, 3, 0, 2])
    assert (result.n, result.promoters, result.passives, result.detractors) == (20, 10, 5, 5)
    assert result.score == 25.0
    assert result.low == pytest.approx(-11.717, abs=0.01)
    assert result.high == pytest.approx(55.196, abs=0.01)
    assert result.margin == pytest.approx(33.456, abs=0.01)


def test_nps_interval_stays_on_the_scale():
    result = net_promoter_score([10] * 5)
    assert result.score == 100.0
    assert result.high == 100.0 and result.low < 100.0


def test_nps_of_no_answers_is_none():
    assert net_promoter_score([]) is None


def test_nps_difference_is_significant_only_beyond_the_combined_error():
    small_a = net_promoter_score([10] * 6 + [0] * 4)
    small_b = net_promoter_score([10] * 5 + [0] * 5)
    big_a = net_promoter_score([10] * 600 + [0] * 400)
    big_b = net_promoter_score([10] * 400 + [0] * 600)
    assert not nps_differs(small_a, small_b)
    assert nps_differs(big_a, big_b)


def kpi(key: str) -> Kpi:
    standard = STANDARD_KPIS[key]
    return Kpi.model_construct(
        key=key,
        value=10.0,
        target=12.0,
        kind=standard.kind,
        higher_is_better=standard.higher_is_better,
        label=standard_label(key),
    )


def test_kpi_balance_counts_result_work_and_between():
    balance = kpi_balance([kpi("nps"), kpi("aht"), kpi("files_per_day"), kpi("fcr")])
    assert (balance.result, balance.work, balance.between) == (1, 2, 1)
    assert balance.result_share == 0.25
    assert not balance.only_work


def test_a_dashboard_of_only_work_kpis_is_flagged():
    assert kpi_balance([kpi("aht"), kpi("backlog")]).only_work
    assert not kpi_balance([]).only_work


def test_meeting_a_target_follows_the_kpi_direction():
    assert meets_target(kpi("nps")) is False  # 10 < 12, higher is better
    assert meets_target(kpi("aht")) is True  # 10 <= 12, lower is better
