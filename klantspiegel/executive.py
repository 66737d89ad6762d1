"""The executive layer: what a reader takes away in a minute, opening the PDF and the site.

`executive_summary` is a pure function of a report: the consultant's key messages (or, when the
audit has none, messages written from the scores), the index with its level, change and
coverage, the key figures beside it and the first actions of the plan. Every text is final,
translated and formatted here, so the PDF's summary page and the site's organisation page
show the same words and their templates only lay them out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.lists import format_list

from klantspiegel.i18n import Translator

if TYPE_CHECKING:
    from klantspiegel.report import OrganisationReport

TOP_ACTIONS = 3


@dataclass(frozen=True)
class KeyFigure:
    """One number beside the index: what it is, the number, and what it is measured against."""

    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class ExecutiveAction:
    """One of the first actions of the plan, with the finding it answers."""

    recommendation: str
    finding_slug: str
    finding_title: str
    owner: str | None
    horizon: str | None  # the translated horizon ("0-3 months"), None when not planned


@dataclass(frozen=True)
class Highlight:
    """A top strength or improvement: the finding's title, linking to it."""

    title: str
    finding_slug: str


@dataclass(frozen=True)
class ExecutiveSummary:
    """The executive layer of one report, every text in the report's language."""

    messages: tuple[str, ...]
    messages_written: bool  # by the consultant in audit.yaml; False: written from the scores
    index: str  # "3,1", or "–" when nothing was assessed
    level: str
    coverage: str  # "7 of 9 dimensions assessed"
    figures: tuple[KeyFigure, ...]  # change, sector median, NPS: those this report has
    actions: tuple[ExecutiveAction, ...]
    strengths: tuple[Highlight, ...]
    improvements: tuple[Highlight, ...]
    highlights_in_print: bool  # the PDF page has room for them below a short chart


def executive_summary(report: OrganisationReport, t: Translator) -> ExecutiveSummary:
    """The executive layer of a report, in the language of the translator `t`."""
    _ = t.gettext
    written = report.audit.key_messages
    assessed = [r for r in report.dimensions if r.score.assessed]
    level = report.score.level
    return ExecutiveSummary(
        messages=tuple(written) if written else derived_messages(report, t),
        messages_written=bool(written),
        index=t.number(report.score.index),
        level=level.name[t.language] if level else _("Not assessed"),
        coverage=t.ngettext(
            "%(assessed)d of %(num)d dimension assessed",
            "%(assessed)d of %(num)d dimensions assessed",
            len(report.dimensions),
        )
        % {"assessed": len(assessed), "num": len(report.dimensions)},
        figures=_key_figures(report, t),
        actions=tuple(
            ExecutiveAction(
                recommendation=f.recommendation,
                finding_slug=f.slug,
                finding_title=f.title,
                owner=f.owner or None,
                horizon=t.value("horizon", f.horizon) if f.horizon else None,
            )
            for f in report.actions[:TOP_ACTIONS]
        ),
        strengths=tuple(Highlight(f.title, f.slug) for f in report.strengths),
        improvements=tuple(Highlight(f.title, f.slug) for f in report.improvements),
        highlights_in_print=_highlights_fit(report),
    )


def derived_messages(report: OrganisationReport, t: Translator) -> tuple[str, ...]:
    """Key messages written from the scores, for an audit whose consultant wrote none: where
    the organisation stands, its strongest and weakest dimensions (all of them on a tie), and
    its most urgent improvement."""
    _ = t.gettext
    language = t.language
    messages = [_index_message(report, t)]
    scores = {
        r.dimension.label[language]: r.score.score
        for r in report.dimensions
        if r.score.score is not None
    }
    if len(set(scores.values())) > 1:  # a strongest and a weakest only when they differ
        best, worst = max(scores.values()), min(scores.values())
        messages.append(
            _("Strongest: {best} ({best_score}); weakest: {worst} ({worst_score}).").format(
                best=_names(scores, best, language),
                best_score=t.number(best),
                worst=_names(scores, worst, language),
                worst_score=t.number(worst),
            )
        )
    if report.improvements:
        urgent = _sentence(report.improvements[0].title)
        messages.append(_("Most urgent: {title}").format(title=urgent))
    return tuple(messages)


def _index_message(report: OrganisationReport, t: Translator) -> str:
    _ = t.gettext
    score = report.score
    if score.index is None or score.level is None:
        return _("No dimension could be assessed in this audit.")
    values = {
        "organisation": report.organisation.name,
        "index": t.number(score.index),
        "level": score.level.name[t.language],
    }
    change = report.index_change  # from the shown indexes
    if change is None or report.previous_audit is None:
        return _(
            "{organisation} scores {index} out of 5 on customer centricity: level {level}."
        ).format(**values)
    return _(
        "{organisation} scores {index} out of 5 on customer centricity: level {level}, "
        "{change} since {date}."
    ).format(
        **values, change=t.signed(change), date=t.date(report.previous_audit.date, "MMMM yyyy")
    )


def _names(scores: dict[str, float], value: float, language: str) -> str:
    """The dimensions with this score, as a list in the language ("A, B and C")."""
    return format_list([name for name, score in scores.items() if score == value], locale=language)


def _sentence(text: str) -> str:
    """A title as the end of a sentence: with a full stop unless it already ends in one."""
    return text if text[-1:] in ".!?…" else text + "."


def _key_figures(report: OrganisationReport, t: Translator) -> tuple[KeyFigure, ...]:
    _ = t.gettext
    figures = []
    change = report.index_change  # from the shown indexes
    if change is not None and report.previous_audit and report.previous_score:
        other_dimensions = _("over other dimensions")  # outside the f-string: extracted
        figures.append(
            KeyFigure(
                _("Since the previous audit"),
                t.signed(change),
                f"{t.date(report.previous_audit.date, 'MMM yyyy')}: "
                f"{t.number(report.previous_score.index)}"
                + (f" · {other_dimensions}" if report.notes.trend else ""),
            )
        )
    if report.benchmark and report.benchmark.index is not None:
        figures.append(
            KeyFigure(
                _("Sector peers (median)"),
                t.number(report.benchmark.index),
                t.ngettext(
                    "%(num)d organisation", "%(num)d organisations", report.benchmark.peer_count
                )
                % {"num": report.benchmark.peer_count}
                + (f" · {_benchmark_coverage(report, t)}" if report.notes.benchmark else ""),
            )
        )
    if report.nps:  # the interval as the method chapter gives it: adjusted Wald, not ± a margin
        nps = report.nps
        figures.append(
            KeyFigure(
                _("Net Promoter Score"),
                t.signed(nps.score, 0),
                " ".join((t.signed(nps.low, 0), _("to"), t.signed(nps.high, 0))) + f", n = {nps.n}",
            )
        )
    elif report.nps_kpi:
        figures.append(
            KeyFigure(
                _("Net Promoter Score"),
                t.signed(report.nps_kpi.value, 0),
                report.nps_kpi.source,
            )
        )
    follow = report.follow_up
    if follow and follow.rate.rate is not None:
        figures.append(KeyFigure(follow.label, follow.rate_text, follow.note))
    return tuple(figures)


# The summary page's content box and its blocks as pdf.css sets them, in mm: enough to judge
# whether the top strengths and improvements still fit under the messages, chart and actions.
PAGE_HEIGHT, SAFETY = 247.0, 12.0
CHART_WIDTH, CHART_MAX_HEIGHT = 108.0, 90.0  # the chart's column beside the key figures
FIXED = 16 + 6 + 3 + 4 + 6 + 3 + 6  # chapter title, subheads and the gaps between blocks
MESSAGE_LINE, MESSAGE_CHARS = 5.2, 76  # 10.5 pt semibold over the full width
ACTION_LINE, ACTION_CHARS, ACTION_META = 5.0, 84, 6.0  # 9.5 pt semibold, then its meta line
HIGHLIGHT_LINE, HIGHLIGHT_CHARS, HIGHLIGHT_GAP = 5.0, 40, 1.5  # half the width each


def _lines(text: str, per_line: int) -> int:
    return max(1, math.ceil(len(text) / per_line))


def _highlights_fit(report: OrganisationReport) -> bool:
    """Whether the page has room for the top strengths and improvements: an estimate of the
    printed height of every block, with a safety margin (tests/test_executive.py checks that
    every example summary stays on one page)."""
    written = report.audit.key_messages or ()
    messages = sum(_lines(m, MESSAGE_CHARS) * MESSAGE_LINE + 2.5 for m in written) or 30
    box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', str(report.charts.bars.svg))
    chart = (
        min(CHART_MAX_HEIGHT, float(box[2]) * CHART_WIDTH / float(box[1]))
        if box
        else CHART_MAX_HEIGHT
    )
    actions = sum(
        _lines(f.recommendation, ACTION_CHARS) * ACTION_LINE + ACTION_META
        for f in report.actions[:TOP_ACTIONS]
    )
    highlights = 9 + max(
        (
            sum(_lines(f.title, HIGHLIGHT_CHARS) * HIGHLIGHT_LINE + HIGHLIGHT_GAP for f in found)
            for found in (report.strengths, report.improvements)
        ),
        default=0,
    )
    return FIXED + messages + max(chart, 45) + actions + highlights <= PAGE_HEIGHT - SAFETY


def _benchmark_coverage(report: OrganisationReport, t: Translator) -> str:
    """ "median known for 1 of 7 dimensions": the sector median rests on other dimensions."""
    assert report.benchmark is not None
    assessed = {r.dimension.key for r in report.dimensions if r.score.assessed}
    known = {k for k, v in report.benchmark.dimensions.items() if v is not None} & assessed
    return t.ngettext(
        "median known for %(known)d of %(num)d dimension",
        "median known for %(known)d of %(num)d dimensions",
        len(assessed),
    ) % {"known": len(known), "num": len(assessed)}
