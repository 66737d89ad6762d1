"""Survey measures beyond NPS: CSAT, CES, a breakdown by segment, and one significance test.

Pure numbers from a `Survey`'s raw answers (DOMAIN.md, KPIs). Every result carries `n`,
`score`, a 95% interval and the `standard_error` behind it, so `differs` tests any two results
of one measure alike. None, never 0, where there are no answers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from klantspiegel.kpis import Z_95, NpsResult, net_promoter_score
from klantspiegel.model import Survey

CSAT_SATISFIED = (4, 5)  # on 1-5: "satisfied" and "very satisfied"
CES_SCALE = (1, 7)  # 1 very hard .. 7 very easy to handle


@dataclass(frozen=True)
class ShareResult:
    """A share of answers, in % (0..100), with its 95% interval (CSAT: the share of 4-5)."""

    n: int
    hits: int  # answers counted in the share
    score: float
    low: float
    high: float
    standard_error: float  # in percentage points


@dataclass(frozen=True)
class MeanResult:
    """A mean of answers with its 95% interval; no interval (None) from fewer than 2 answers."""

    n: int
    score: float
    low: float | None
    high: float | None
    standard_error: float | None


SurveyResult = NpsResult | ShareResult | MeanResult
R = TypeVar("R", NpsResult, ShareResult, MeanResult)


def _given(answers: Sequence[int | None]) -> list[int]:
    return [a for a in answers if a is not None]


def customer_satisfaction(answers: Sequence[int | None]) -> ShareResult | None:
    """CSAT = 100 x (answers of 4 or 5) / n on a 1-5 scale; None without answers.

    The interval is Agresti-Coull (the adjusted Wald: add z²/2 to the hits and z² to n), the
    same family as the NPS interval: it stays honest for small n and for shares near 0% or
    100%, where the plain Wald interval shrinks to nothing, and unlike Wilson it has one
    standard error that also serves `differs`. The interval is clipped to 0..100.
    """
    given = _given(answers)
    n = len(given)
    if n == 0:
        return None
    hits = sum(1 for a in given if a in CSAT_SATISFIED)
    n_adj = n + Z_95**2
    p_adj = (hits + Z_95**2 / 2) / n_adj
    standard_error = math.sqrt(p_adj * (1 - p_adj) / n_adj)
    return ShareResult(
        n=n,
        hits=hits,
        score=100 * hits / n,
        low=max(0.0, 100 * (p_adj - Z_95 * standard_error)),
        high=min(100.0, 100 * (p_adj + Z_95 * standard_error)),
        standard_error=100 * standard_error,
    )


def customer_effort(answers: Sequence[int | None]) -> MeanResult | None:
    """CES = the mean of 1-7 answers, interval mean ± 1.96·s/√n (s the sample standard
    deviation), clipped to the scale; None without answers, no interval from one answer."""
    given = _given(answers)
    n = len(given)
    if n == 0:
        return None
    mean = sum(given) / n
    if n < 2:
        return MeanResult(n, mean, None, None, None)
    s = math.sqrt(sum((a - mean) ** 2 for a in given) / (n - 1))
    standard_error = s / math.sqrt(n)
    low, high = CES_SCALE
    return MeanResult(
        n=n,
        score=mean,
        low=max(float(low), mean - Z_95 * standard_error),
        high=min(float(high), mean + Z_95 * standard_error),
        standard_error=standard_error,
    )


def differs(first: SurveyResult, second: SurveyResult) -> bool | None:
    """Whether two results of one measure differ significantly (95%): the gap exceeds
    1.96 x sqrt(SE1² + SE2²). None when either has no standard error (a mean of one answer)."""
    if first.standard_error is None or second.standard_error is None:
        return None
    gap = abs(first.score - second.score)
    return gap > Z_95 * math.hypot(first.standard_error, second.standard_error)


def net_promoter(answers: Sequence[int | None]) -> NpsResult | None:
    """NPS of the answers given (None = not answered is left out)."""
    return net_promoter_score(_given(answers))


@dataclass(frozen=True)
class SegmentResult:
    """The numbers of a segment large enough to show. A measure is None where the survey did
    not ask it or where its answers in this segment are fewer than the threshold."""

    n: int  # respondents in the segment
    nps: NpsResult | None
    csat: ShareResult | None
    ces: MeanResult | None


@dataclass(frozen=True)
class SegmentRow:
    """One value of one segment (a channel, a region). A segment with fewer respondents than
    the threshold has no `result`: no number of it exists to be shown."""

    label: str  # the segment, as the survey names it: "channel", "regio"
    value: str | None  # None: the respondents who did not answer the segment question
    result: SegmentResult | None

    @property
    def too_few(self) -> bool:
        return self.result is None


def segment_breakdown(survey: Survey, threshold: int) -> tuple[SegmentRow, ...]:
    """Per segment label and value, in order of first appearance ("not answered" last): n and
    each asked measure, or nothing at all where the segment has fewer than `threshold`
    respondents; a measure with fewer than `threshold` answers in a shown segment is None."""
    rows: list[SegmentRow] = []
    for label, values in survey.segments.items():
        order: list[str | None] = list(dict.fromkeys(v for v in values if v is not None))
        if None in values:
            order.append(None)
        for value in order:
            members = [i for i, v in enumerate(values) if v == value]
            result = None
            if len(members) >= threshold:
                result = SegmentResult(
                    n=len(members),
                    nps=_measure(net_promoter, survey.nps, members, threshold),
                    csat=_measure(customer_satisfaction, survey.csat, members, threshold),
                    ces=_measure(customer_effort, survey.ces, members, threshold),
                )
            rows.append(SegmentRow(label, value, result))
    return tuple(rows)


def _measure(
    compute: Callable[[Sequence[int | None]], R | None],
    answers: tuple[int | None, ...],
    members: list[int],
    threshold: int,
) -> R | None:
    """A measure over the segment's members; None when not asked or under the threshold."""
    if not answers:
        return None
    given = [answers[i] for i in members if answers[i] is not None]
    return compute(given) if len(given) >= threshold else None
