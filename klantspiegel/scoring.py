"""Scoring: pure functions from findings and the scoring model to numbers.

A dimension's score is the mean of its final findings' scores; a dimension without final
findings is not assessed (None), never zero. The overall index is the weighted mean over the
assessed dimensions, and a level applies from its minimum upwards.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from klantspiegel.model import Audit, Finding, FollowUpStatus, Level, ScoringModel

Quadrant = Literal["quick_win", "major_project", "fill_in", "thankless"]
MIN_BENCHMARK_PEERS = 3
_HORIZON_ORDER = {"short": 0, "medium": 1, "long": 2, None: 3}
_QUADRANT_ORDER: dict[Quadrant | None, int] = {
    "quick_win": 0,
    "major_project": 1,
    "fill_in": 2,
    "thankless": 3,
}


@dataclass(frozen=True)
class DimensionScore:
    key: str
    score: float | None
    finding_count: int
    evidence_count: int
    level: Level | None

    @property
    def assessed(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class AuditScore:
    dimensions: tuple[DimensionScore, ...]
    index: float | None
    level: Level | None

    def dimension(self, key: str) -> DimensionScore:
        return next(d for d in self.dimensions if d.key == key)


@dataclass(frozen=True)
class Change:
    """Difference with the previous audit; None where either side was not assessed."""

    index: float | None
    dimensions: dict[str, float | None]


@dataclass(frozen=True)
class Benchmark:
    """Median of the sector peers' latest audits; peers are counted, never named."""

    peer_count: int
    index: float | None
    dimensions: dict[str, float | None]


def final_findings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_final]


def level_for(value: float, model: ScoringModel) -> Level:
    """The highest level whose minimum the value reaches."""
    reached = [lv for lv in model.levels if value >= lv.minimum - 1e-9]
    return max(reached, key=lambda lv: lv.minimum) if reached else model.levels[0]


def dimension_scores(
    findings: Iterable[Finding], model: ScoringModel
) -> tuple[DimensionScore, ...]:
    """Score each dimension of the model from the final findings, in the model's order."""
    final = final_findings(findings)
    scores = []
    for dimension in model.dimensions:
        mine = [f for f in final if f.dimension == dimension.key]
        mean = statistics.fmean(f.score for f in mine) if mine else None
        scores.append(
            DimensionScore(
                key=dimension.key,
                score=mean,
                finding_count=len(mine),
                evidence_count=sum(f.evidence_count for f in mine),
                level=level_for(mean, model) if mean is not None else None,
            )
        )
    return tuple(scores)


def overall_index(scores: Sequence[DimensionScore], model: ScoringModel) -> float | None:
    """Weighted mean over the assessed dimensions; None when none is assessed."""
    weights = {d.key: d.weight for d in model.dimensions}
    assessed = [(s.score, weights[s.key]) for s in scores if s.score is not None]
    if not assessed:
        return None
    return sum(score * weight for score, weight in assessed) / sum(w for _, w in assessed)


def score_audit(audit: Audit, model: ScoringModel) -> AuditScore:
    """An audit's scores; a dimension outside its scope is not assessed."""
    dimensions = dimension_scores([f for f in audit.findings if audit.examines(f.dimension)], model)
    index = overall_index(dimensions, model)
    return AuditScore(dimensions, index, level_for(index, model) if index is not None else None)


def top_strengths(findings: Iterable[Finding], count: int = 3) -> list[Finding]:
    """Final strengths, highest score first, then the best evidenced."""
    strengths = [f for f in final_findings(findings) if f.kind == "strength"]
    return sorted(strengths, key=lambda f: (-f.score, -f.evidence_count, f.title))[:count]


def top_improvements(findings: Iterable[Finding], count: int = 3) -> list[Finding]:
    """Final weaknesses, highest impact first, then the lowest score and the least effort."""
    weaknesses = [f for f in final_findings(findings) if f.kind == "weakness"]
    return sorted(
        weaknesses,
        key=lambda f: (-(f.impact or 0), f.score, f.effort or 6, -f.evidence_count, f.title),
    )[:count]


def priority_quadrant(impact: int, effort: int) -> Quadrant:
    """Place a recommendation in the impact/effort matrix (3 counts as high on both axes)."""
    high_impact, high_effort = impact >= 3, effort >= 3
    if high_impact:
        return "major_project" if high_effort else "quick_win"
    return "thankless" if high_effort else "fill_in"


def action_plan(findings: Iterable[Finding]) -> list[Finding]:
    """Final findings with a recommendation: soonest horizon first, quick wins before the rest."""
    actions = [f for f in final_findings(findings) if f.recommendation]

    def order(f: Finding) -> tuple:
        quadrant = priority_quadrant(f.impact, f.effort) if f.impact and f.effort else None
        return (
            _HORIZON_ORDER[f.horizon],
            _QUADRANT_ORDER.get(quadrant, 4),
            -(f.impact or 0),
            f.title,
        )

    return sorted(actions, key=order)


@dataclass(frozen=True)
class ImplementationRate:
    """How far the previous audit's recommendations were carried out, by follow-up status."""

    done: int
    in_progress: int
    not_started: int
    dropped: int

    @property
    def pursued(self) -> int:
        """The recommendations the organisation still meant to carry out: all but dropped."""
        return self.done + self.in_progress + self.not_started

    @property
    def rate(self) -> float | None:
        """Done as a percentage of the pursued recommendations; None when none is pursued."""
        return 100 * self.done / self.pursued if self.pursued else None


class FollowedUp(Protocol):
    """What became of a recommendation: a FollowUp of the model, or a report's row of one."""

    @property
    def status(self) -> FollowUpStatus: ...


def implementation_rate(follow_ups: Iterable[FollowedUp]) -> ImplementationRate:
    """The implementation rate of followed-up recommendations: done / (all - dropped), in %.

    A dropped recommendation is a decision, not a failure to act, so it leaves the base; one in
    progress counts as not (yet) implemented and is reported beside the rate, never half.
    """
    statuses = Counter(f.status for f in follow_ups)
    return ImplementationRate(
        statuses["done"], statuses["in_progress"], statuses["not_started"], statuses["dropped"]
    )


def change_since(current: AuditScore, previous: AuditScore | None) -> Change | None:
    """Per-dimension and overall change against the previous audit."""
    if previous is None:
        return None
    before = {d.key: d.score for d in previous.dimensions}
    return Change(
        index=_difference(current.index, previous.index),
        dimensions={d.key: _difference(d.score, before.get(d.key)) for d in current.dimensions},
    )


def sector_benchmark(
    organisation_slug: str,
    sector: str,
    latest_scores: Mapping[str, tuple[str, AuditScore]],
    minimum_peers: int = MIN_BENCHMARK_PEERS,
) -> Benchmark | None:
    """Median of the other organisations in the sector, or None with fewer than the minimum.

    `latest_scores` maps each organisation's slug to its sector key (`sectors`: declared
    sectors match by any of their names) and latest audit score. Each
    dimension needs the minimum number of peers that assessed it, or it has no benchmark.
    """
    peers = [
        score
        for slug, (peer_sector, score) in latest_scores.items()
        if slug != organisation_slug
        and peer_sector.casefold() == sector.casefold()
        and score.index is not None
    ]
    if len(peers) < minimum_peers:
        return None
    dimensions: dict[str, float | None] = {}
    for dimension in peers[0].dimensions:
        values = [p.dimension(dimension.key).score for p in peers]
        known = [v for v in values if v is not None]
        dimensions[dimension.key] = (
            statistics.median(known) if len(known) >= minimum_peers else None
        )
    return Benchmark(
        peer_count=len(peers),
        index=statistics.median(p.index for p in peers if p.index is not None),
        dimensions=dimensions,
    )


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before
