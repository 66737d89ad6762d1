"""The executive layer: what a reader takes away in a minute, opening the PDF and the site.

`executive_summary` is a pure function of a report: the consultant's key messages (or, when the
audit has none, messages written from the scores), the index with its level, change and
coverage, the key figures beside it and the first actions of the plan. Every text is final,
translated and formatted here, so the PDF's summary page and the site's organisation page
show the same words and their templates only lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.lists import format_list

from klantspiegel.i18n import Translator

if TYPE_CHECKING:
    from klantspiegel.report import OrganisationReport

TOP_ACTIONS = 3
# With this many bars or fewer the chart leaves a quarter of the PDF page empty (measured on
# the example reports: 65-73 % filled), room for the top strengths and improvements.
SHORT_CHART = 4


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
        ) % {"assessed": len(assessed), "num": len(report.dimensions)},
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
        highlights_in_print=len(assessed) <= SHORT_CHART,
    )


def derived_messages(report: OrganisationReport, t: Translator) -> tuple[str, ...]:
    """Key messages written from the scores, for an audit whose consultant wrote none: where
    the organisation stands, its strongest and weakest dimensions (all of them on a tie), and
    its most urgent improvement."""
    _ = t.gettext
    language = t.language
    messages = [_index_message(report, t)]
    scores = {r.dimension.label[language]: r.score.score for r in report.dimensions
              if r.score.score is not None}
    if len(set(scores.values())) > 1:  # a strongest and a weakest only when they differ
        best, worst = max(scores.values()), min(scores.values())
        messages.append(
            _("Strongest: {best} ({best_score}); weakest: {worst} ({worst_score}).").format(
                best=_names(scores, best, language), best_score=t.number(best),
                worst=_names(scores, worst, language), worst_score=t.number(worst),
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
        return _("{organisation} scores {index} out of 5 on customer centricity: level "
                 "{level}.").format(**values)
    return _("{organisation} scores {index} out of 5 on customer centricity: level {level}, "
             "{change} since {date}.").format(
        **values, change=t.signed(change), date=t.date(report.previous_audit.date, "MMMM yyyy")
    )


def _names(scores: dict[str, float], value: float, language: str) -> str:
    """The dimensions with this score, as a list in the language ("A, B and C")."""
    return format_list([name for name, score in scores.items() if score == value],
                       locale=language)


def _sentence(text: str) -> str:
    """A title as the end of a sentence: with a full stop unless it already ends in one."""
    return text if text[-1:] in ".!?…" else text + "."


def _key_figures(report: OrganisationReport, t: Translator) -> tuple[KeyFigure, ...]:
    _ = t.gettext
    figures = []
    change = report.index_change  # from the shown indexes
    if change is not None and report.previous_audit and report.previous_score:
        figures.append(KeyFigure(
            _("Since the previous audit"),
            t.signed(change),
            f"{t.date(report.previous_audit.date, 'MMM yyyy')}: "
            f"{t.number(report.previous_score.index)}",
        ))
    if report.benchmark and report.benchmark.index is not None:
        figures.append(KeyFigure(
            _("Sector peers (median)"),
            t.number(report.benchmark.index),
            t.ngettext("%(num)d organisation", "%(num)d organisations",
                       report.benchmark.peer_count) % {"num": report.benchmark.peer_count},
        ))
    if report.nps:
        figures.append(KeyFigure(
            _("Net Promoter Score"),
            t.signed(report.nps.score, 0),
            f"±{t.number(report.nps.margin, 0)}, n = {report.nps.n}",
        ))
    return tuple(figures)
