"""The customer survey as a report shows it: CSAT, CES, the segment breakdown, the change
since the previous audit's survey and what was left out, formatted once for site and PDF.

`survey_metrics` computes the numbers; this module decides the words and number style (the
Translator's), so templates only place ready strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from klantspiegel.i18n import N_, VALUE_LABELS, Translator
from klantspiegel.model import Survey
from klantspiegel.presentation import NPS_DIGITS, shown_change
from klantspiegel.survey_metrics import (
    MeanResult,
    SegmentRow,
    ShareResult,
    SurveyResult,
    customer_effort,
    customer_satisfaction,
    differs,
    net_promoter,
    segment_breakdown,
)

CSAT_DIGITS = 0  # 72%
CES_DIGITS = 1  # 5,3 on 1-7

MEASURE_NAMES = {
    "nps": N_("Net Promoter Score"),
    "csat": N_("Customer satisfaction (CSAT)"),
    "ces": N_("Customer effort score (CES)"),
}
SHORT_NAMES = {"nps": N_("NPS (95% interval)"), "csat": N_("CSAT"), "ces": N_("CES")}
EXCLUSIONS = {
    "blank": N_("blank"),
    "partial": N_("partial"),
    "out_of_range": N_("out of range"),
    "filtered": N_("filtered out"),
}
SEGMENT_NAMES = {
    "channel": N_("Channel"),
    "kanaal": N_("Channel"),
    "region": N_("Region"),
    "regio": N_("Region"),
}
TOO_FEW = N_("too few answers")
TREND_CAPTION = N_(
    "The customer survey against the previous audit's survey; a change is significant when it "
    "exceeds the margin of error of both surveys together (95%)."
)


@dataclass(frozen=True)
class MeasureLine:
    """One survey measure as shown: "72%", "5,3", with its interval and n."""

    key: str  # nps, csat or ces
    name: str
    value: str
    interval: str | None  # "61% to 81%"; None where there is none (a mean of one answer)
    n: int
    detail: str  # "95% interval 61% to 81%, from 110 answers."
    trend: MeasureTrend | None  # against the previous audit's survey


@dataclass(frozen=True)
class MeasureTrend:
    """A survey measure against the previous audit's survey."""

    key: str
    name: str
    previous: str
    current: str
    change: str  # from the shown values: 68% -> 72% is +4
    significant: bool | None  # None: cannot be tested (a mean of one answer)
    verdict: str  # "significant (95%)", "not significant", "cannot be tested"


@dataclass(frozen=True)
class SegmentLine:
    """A row of the breakdown. A segment with too few answers has no cells: its row shows the
    words only, and no number of it reaches this class."""

    value: str  # the segment value as shown ("Phone", "Not answered")
    cells: tuple[str, ...] | None  # n, then each asked measure; None: too few answers


@dataclass(frozen=True)
class SegmentTable:
    label: str  # "Channel", or the survey's own name of the segment
    columns: tuple[str, ...]  # headings of the cells: "n", "NPS (95% interval)", ...
    rows: tuple[SegmentLine, ...]
    caption: str
    too_few: str  # what a row without cells says: "too few answers"


@dataclass(frozen=True)
class SurveyView:
    """Everything a report shows of its survey beyond the NPS card."""

    measures: tuple[MeasureLine, ...]  # NPS, CSAT, CES: those the survey asked
    csat: ShareResult | None
    ces: MeanResult | None
    segments: tuple[SegmentTable, ...]
    trends: tuple[MeasureTrend, ...]  # each measure both surveys have
    trend_caption: str  # what the trend table shows and when a change is significant
    sample: str  # "n = 110; left out: 4 blank, 7 partial, 1 out of range"
    left_out: str | None  # "left out: 4 blank, 7 partial, 1 out of range"; None: nothing
    excluded: tuple[tuple[str, int], ...]  # (reason as shown, respondents), as counted

    @property
    def beyond_nps(self) -> tuple[MeasureLine, ...]:
        """CSAT and CES, those asked: the NPS has its own block."""
        return tuple(m for m in self.measures if m.key != "nps")


def _results(survey: Survey) -> dict[str, SurveyResult]:
    found = {
        "nps": net_promoter(survey.nps),
        "csat": customer_satisfaction(survey.csat),
        "ces": customer_effort(survey.ces),
    }
    return {key: result for key, result in found.items() if result is not None}


def _value(key: str, result: SurveyResult, t: Translator) -> str:
    if key == "nps":
        return t.signed(result.score, NPS_DIGITS)
    if key == "csat":
        return t.number(result.score, CSAT_DIGITS) + "%"
    return t.number(result.score, CES_DIGITS)


def _interval(key: str, result: SurveyResult, t: Translator) -> str | None:
    if result.low is None or result.high is None:
        return None
    shown: Callable[[float], str] = {
        "nps": lambda v: t.signed(v, NPS_DIGITS),
        "csat": lambda v: t.number(v, CSAT_DIGITS) + "%",
        "ces": lambda v: t.number(v, CES_DIGITS),
    }[key]
    return t.gettext("{low} to {high}").format(low=shown(result.low), high=shown(result.high))


def _measure_line(
    key: str, result: SurveyResult, trend: MeasureTrend | None, t: Translator
) -> MeasureLine:
    interval = _interval(key, result, t)
    if interval is None:
        detail = t.ngettext(
            "From {n} answer, too few for an interval.",
            "From {n} answers, too few for an interval.",
            result.n,
        )
    else:
        detail = t.ngettext(
            "95% interval {interval}, from {n} answer.",
            "95% interval {interval}, from {n} answers.",
            result.n,
        )
    return MeasureLine(
        key,
        t.gettext(MEASURE_NAMES[key]),
        _value(key, result, t),
        interval,
        result.n,
        detail.format(interval=interval, n=t.number(result.n, 0)),
        trend,
    )


def _digits(key: str) -> int:
    return {"nps": NPS_DIGITS, "csat": CSAT_DIGITS, "ces": CES_DIGITS}[key]


def measure_trends(
    now: dict[str, SurveyResult], before: dict[str, SurveyResult], t: Translator
) -> tuple[MeasureTrend, ...]:
    """Each measure of both surveys, its change (from the shown values) and significance."""
    trends = []
    for key in (k for k in MEASURE_NAMES if k in now and k in before):
        change = shown_change(now[key].score, before[key].score, _digits(key))
        significant = differs(now[key], before[key])
        verdict = (
            N_("cannot be tested")
            if significant is None
            else N_("significant (95%)")
            if significant
            else N_("not significant")
        )
        trends.append(
            MeasureTrend(
                key=key,
                name=t.gettext(MEASURE_NAMES[key]),
                previous=_value(key, before[key], t),
                current=_value(key, now[key], t),
                change=t.signed(change, _digits(key)),
                significant=significant,
                verdict=t.gettext(verdict),
            )
        )
    return tuple(trends)


def segment_value(value: str | None, t: Translator) -> str:
    """A segment value as shown: a channel key by its label, no answer as "Not answered"."""
    if value is None:
        return t.gettext("Not answered")
    return t.value("channel", value) if value in VALUE_LABELS["channel"] else value


def segment_tables(survey: Survey, t: Translator) -> tuple[SegmentTable, ...]:
    """The breakdown per segment label: a table each, too small segments as words only."""
    asked = [key for key in MEASURE_NAMES if getattr(survey, key)]
    columns = ("n", *(t.gettext(SHORT_NAMES[key]) for key in asked))
    by_label: dict[str, list[SegmentRow]] = {}
    for row in segment_breakdown(survey, survey.min_segment_answers):
        by_label.setdefault(row.label, []).append(row)
    tables = []
    for label, rows in by_label.items():
        name = (
            t.gettext(SEGMENT_NAMES[label.casefold()])
            if label.casefold() in SEGMENT_NAMES
            else label
        )
        tables.append(
            SegmentTable(
                label=name,
                columns=columns,
                rows=tuple(
                    SegmentLine(segment_value(r.value, t), _cells(r, asked, t)) for r in rows
                ),
                caption=t.gettext(
                    "Survey results by segment ({segment}); a segment with fewer than "
                    "{threshold} answers shows no number."
                ).format(segment=name, threshold=survey.min_segment_answers),
                too_few=t.gettext(TOO_FEW),
            )
        )
    return tuple(tables)


def _cells(row: SegmentRow, asked: list[str], t: Translator) -> tuple[str, ...] | None:
    if row.result is None:
        return None
    cells = [t.number(row.result.n, 0)]
    for key in asked:
        result: SurveyResult | None = getattr(row.result, key)
        if result is None:
            cells.append(t.gettext(TOO_FEW))
        elif key == "nps":
            cells.append(f"{_value(key, result, t)} ({_interval(key, result, t)})")
        else:
            cells.append(_value(key, result, t))
    return tuple(cells)


@dataclass(frozen=True)
class Sample:
    text: str  # "n = 110; left out: 4 blank, 7 partial, 1 out of range"
    left_out: str | None  # "left out: 4 blank, 7 partial, 1 out of range"
    excluded: tuple[tuple[str, int], ...]  # (reason as shown, respondents)


def sample_text(survey: Survey, t: Translator) -> Sample:
    """The respondents kept (n) and those left out, by reason with their counts."""
    n = max(len(survey.nps), len(survey.csat), len(survey.ces))
    excluded = tuple(
        (t.gettext(EXCLUSIONS.get(reason, reason)), count)
        for reason, count in survey.excluded.items()
        if count
    )
    text = t.gettext("n = {n}").format(n=t.number(n, 0))
    left_out = None
    if excluded:
        reasons = ", ".join(f"{t.number(count, 0)} {reason}" for reason, count in excluded)
        left_out = t.gettext("left out: {reasons}").format(reasons=reasons)
        text = f"{text}; {left_out}"
    return Sample(text, left_out, excluded)


def survey_view(survey: Survey | None, previous: Survey | None, t: Translator) -> SurveyView | None:
    """What a report shows of its survey; None without one."""
    if survey is None:
        return None
    now = _results(survey)
    csat, ces = now.get("csat"), now.get("ces")
    sample = sample_text(survey, t)
    trends = measure_trends(now, _results(previous), t) if previous else ()
    by_key = {trend.key: trend for trend in trends}
    return SurveyView(
        measures=tuple(
            _measure_line(key, result, by_key.get(key), t) for key, result in now.items()
        ),
        csat=csat if isinstance(csat, ShareResult) else None,
        ces=ces if isinstance(ces, MeanResult) else None,
        segments=segment_tables(survey, t),
        trends=trends,
        trend_caption=t.gettext(TREND_CAPTION),
        sample=sample.text,
        left_out=sample.left_out,
        excluded=sample.excluded,
    )
