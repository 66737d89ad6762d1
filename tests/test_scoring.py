"""Scoring rules: dimension scores, the overall index, levels, ranking, trend and benchmark."""

from __future__ import annotations

from pathlib import Path

import pytest

from klantspiegel.load import DEFAULT_SCORING_MODEL
from klantspiegel.model import Evidence, Finding, ScoringModel
from klantspiegel.scoring import (
    AuditScore,
    DimensionScore,
    action_plan,
    change_since,
    dimension_scores,
    level_for,
    overall_index,
    priority_quadrant,
    sector_benchmark,
    top_improvements,
    top_strengths,
)
from klantspiegel.source import read_yaml_file


def two_dimension_model(weight_a: float = 1.0, weight_b: float = 1.0) -> ScoringModel:
    level = lambda n, minimum: {  # noqa: E731
        "level": n,
        "minimum": minimum,
        "name": {"nl": f"N{n}", "en": f"E{n}"},
        "description": {"nl": "x", "en": "x"},
    }
    return ScoringModel.model_validate(
        {
            "name": {"nl": "Test", "en": "Test"},
            "dimensions": [
                {
                    "key": k,
                    "label": {"nl": k, "en": k},
                    "description": {"nl": k, "en": k},
                    "weight": w,
                }
                for k, w in (("a", weight_a), ("b", weight_b), ("c", 1.0))
            ],
            "levels": [level(1, 1.0), level(2, 1.8), level(3, 2.6), level(4, 3.4), level(5, 4.2)],
        }
    )


def finding(
    dimension: str = "a",
    score: int = 3,
    kind: str = "weakness",
    status: str = "final",
    title: str = "",
    impact: int | None = None,
    effort: int | None = None,
    horizon: str | None = None,
    evidence: int = 1,
    anecdotes: tuple = (),
) -> Finding:
    return Finding.model_construct(
        title=title or f"{dimension}{score}{kind}",
        dimension=dimension,
        score=score,
        kind=kind,
        status=status,
        impact=impact,
        effort=effort,
        horizon=horizon,
        recommendation="Do it." if impact else "",
        anecdotes=anecdotes,
        evidence=[Evidence(type="call", description="x")] * evidence,
        slug=title or "f",
        source=Path("f.md"),
        html="",
        owner=None,
        internal="",
    )


def test_dimension_score_is_the_mean_of_final_findings_with_evidence_count():
    model = two_dimension_model()
    scores = dimension_scores(
        [
            finding("a", 2, evidence=2),
            finding("a", 3, anecdotes=("s",)),
            finding("a", 5, status="draft"),
        ],
        model,
    )
    a = scores[0]
    assert (a.score, a.finding_count, a.evidence_count) == (2.5, 2, 4)


def test_a_dimension_without_final_findings_is_not_assessed_not_zero():
    model = two_dimension_model()
    scores = dimension_scores([finding("a", 4), finding("b", 1, status="draft")], model)
    assert [s.assessed for s in scores] == [True, False, False]
    assert scores[1].score is None and scores[1].level is None
    assert overall_index(scores, model) == 4.0  # b and c do not pull the index to zero


def test_overall_index_is_the_weighted_mean_over_assessed_dimensions():
    model = two_dimension_model(weight_a=3.0, weight_b=1.0)
    scores = dimension_scores([finding("a", 4), finding("b", 2)], model)
    assert overall_index(scores, model) == pytest.approx((4 * 3 + 2 * 1) / 4)


def test_overall_index_without_any_assessed_dimension_is_none():
    model = two_dimension_model()
    assert overall_index(dimension_scores([], model), model) is None


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (1.0, 1),
        (1.79, 1),
        (1.8, 2),
        (2.59, 2),
        (2.6, 3),
        (3.4, 4),
        (4.19, 4),
        (4.2, 5),
        (5.0, 5),
    ],
)
def test_level_applies_from_its_minimum_upwards(value, level):
    assert level_for(value, two_dimension_model()).level == level


def test_the_default_model_has_nine_dimensions_and_five_levels():
    document = read_yaml_file(DEFAULT_SCORING_MODEL, [], 1_000_000)
    model = ScoringModel.model_validate(document.data)
    assert len(model.dimensions) == 9
    assert [lv.name["nl"] for lv in model.levels] == [
        "Reactief",
        "Ontwikkelend",
        "Gedefinieerd",
        "Geïntegreerd",
        "Klantgedreven",
    ]


def test_strengths_are_ranked_by_score_then_evidence():
    ranked = top_strengths(
        [
            finding(score=4, kind="strength", title="four"),
            finding(score=5, kind="strength", title="five"),
            finding(score=4, kind="strength", title="four-solid", evidence=3),
            finding(score=5, kind="strength", title="draft", status="draft"),
            finding(score=5, kind="weakness", title="weak"),
        ]
    )
    assert [f.title for f in ranked] == ["five", "four-solid", "four"]


def test_improvements_are_ranked_by_impact_then_lowest_score():
    ranked = top_improvements(
        [
            finding(score=2, impact=3, effort=1, title="mid"),
            finding(score=1, impact=5, effort=4, title="big-low"),
            finding(score=2, impact=5, effort=2, title="big"),
            finding(score=1, impact=2, effort=1, title="small"),
        ]
    )
    assert [f.title for f in ranked] == ["big-low", "big", "mid"]


@pytest.mark.parametrize(
    ("impact", "effort", "quadrant"),
    [
        (5, 1, "quick_win"),
        (3, 2, "quick_win"),
        (4, 4, "major_project"),
        (3, 3, "major_project"),
        (2, 1, "fill_in"),
        (1, 5, "thankless"),
    ],
)
def test_priority_quadrant(impact, effort, quadrant):
    assert priority_quadrant(impact, effort) == quadrant


def test_action_plan_orders_by_horizon_then_quick_wins_first():
    plan = action_plan(
        [
            finding(impact=4, effort=4, horizon="short", title="short-major"),
            finding(impact=4, effort=1, horizon="short", title="short-quick"),
            finding(impact=5, effort=1, horizon="long", title="long-quick"),
            finding(title="no-recommendation"),
        ]
    )
    assert [f.title for f in plan] == ["short-quick", "short-major", "long-quick"]


def audit_score(index: float | None, **dimensions: float | None) -> AuditScore:
    return AuditScore(
        tuple(DimensionScore(k, v, 1, 1, None) for k, v in dimensions.items()), index, None
    )


def test_change_against_the_previous_audit_per_dimension():
    change = change_since(audit_score(3.0, a=3.5, b=None), audit_score(2.5, a=2.0, b=3.0))
    assert change.index == pytest.approx(0.5)
    assert change.dimensions == {"a": pytest.approx(1.5), "b": None}
    assert change_since(audit_score(3.0, a=3.0), None) is None


def test_benchmark_is_the_median_of_at_least_three_other_organisations_in_the_sector():
    scores = {
        "me": ("Post", audit_score(1.0, a=1.0)),
        "p1": ("Post", audit_score(2.0, a=2.0)),
        "p2": ("post", audit_score(3.0, a=4.0)),
        "p3": ("Post", audit_score(4.0, a=5.0)),
        "bank": ("Bank", audit_score(5.0, a=5.0)),
    }
    benchmark = sector_benchmark("me", "Post", scores)
    assert benchmark.peer_count == 3
    assert benchmark.index == 3.0
    assert benchmark.dimensions == {"a": 4.0}


def test_no_benchmark_with_fewer_than_three_peers():
    scores = {
        "me": ("Post", audit_score(1.0, a=1.0)),
        "p1": ("Post", audit_score(2.0, a=2.0)),
        "p2": ("Post", audit_score(3.0, a=4.0)),
        "bank": ("Bank", audit_score(5.0, a=5.0)),
    }
    assert sector_benchmark("me", "Post", scores) is None


def test_a_benchmark_dimension_needs_three_peers_that_assessed_it():
    scores = {
        "me": ("Post", audit_score(1.0, a=1.0, b=1.0)),
        "p1": ("Post", audit_score(2.0, a=2.0, b=None)),
        "p2": ("Post", audit_score(3.0, a=4.0, b=3.0)),
        "p3": ("Post", audit_score(4.0, a=5.0, b=3.0)),
    }
    assert sector_benchmark("me", "Post", scores).dimensions == {"a": 4.0, "b": None}
