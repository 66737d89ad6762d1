"""Page descriptions: the one sentence per page that search engines and link previews show.

Each page of the site gets a plain-text sentence of its own, in its language, made here from
the report (templates only print it in `<meta name="description">`). Search results show about
160 characters: a page has a full sentence and shorter ones, and gets the fullest that fits
(only when none does is its free text, such as a long title, cut at a word).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from klantspiegel.i18n import Translator
from klantspiegel.model import Anecdote, Dimension, Finding, Organisation, ScoringModel

if TYPE_CHECKING:
    from klantspiegel.report import OrganisationReport

MAX_LENGTH = 160  # what a search result shows before it cuts the text off
ELLIPSIS = "…"


def portfolio_description(consultancy: str, organisations: int, t: Translator) -> str:
    """The portfolio's home page: whose audits, of how many organisations."""
    text = t.ngettext(
        "{consultancy}: the customer-centricity audit of {count} organisation, with its "
        "index, level and trend.",
        "{consultancy}: customer-centricity audits of {count} organisations, with each one's "
        "index, level and trend.",
        organisations,
    )
    return _fitted([text], "consultancy", consultancy=consultancy, count=organisations)


def dimension_description(dimension: Dimension, t: Translator) -> str:
    """A dimension's overview page: its name, its question and what the page compares."""
    texts = [
        t.gettext(
            "{dimension}: {question} How each organisation in the portfolio scores "
            "on this dimension."
        ),
        t.gettext("{dimension}: {question} The score of each organisation."),
        "{dimension}: {question}",
    ]
    return _fitted(
        texts,
        "question",
        dimension=_plain(dimension.label[t.language]),
        question=_sentence(dimension.description[t.language]),
    )


def method_description(consultancy: str, model: ScoringModel, t: Translator) -> str:
    """The method page: how the consultancy scores, with the model's size."""
    text = t.gettext(
        "How {consultancy} scores customer-centricity: {dimensions} dimensions, "
        "{levels} levels and the evidence behind every score."
    )
    return _fitted(
        [text],
        "consultancy",
        consultancy=consultancy,
        dimensions=len(model.dimensions),
        levels=len(model.levels),
    )


def not_found_description(t: Translator) -> str:
    """The 404 page."""
    return t.gettext("This page does not exist, or it moved when the report was rebuilt.")


def organisation_description(report: OrganisationReport, t: Translator) -> str:
    """An audit's report page: the organisation, the audit's date, its index and level."""
    score = report.score
    name = _plain(report.organisation.name)
    date = t.date(report.audit.date)
    if score.index is None or score.level is None:
        texts = [
            t.gettext(
                "Customer-centricity audit of {organisation} ({date}): no dimension assessed yet."
            ),
            t.gettext("Customer-centricity audit of {organisation}: no dimension assessed yet."),
        ]
        return _fitted(texts, "organisation", organisation=name, date=date)
    texts = [
        t.ngettext(
            "Customer-centricity audit of {organisation} ({date}): index {index} of 5, "
            "level {level}, from {count} finding.",
            "Customer-centricity audit of {organisation} ({date}): index {index} of 5, "
            "level {level}, from {count} findings.",
            report.finding_count,
        ),
        t.gettext(
            "Customer-centricity audit of {organisation}: index {index} of 5, level {level}."
        ),
    ]
    return _fitted(
        texts,
        "organisation",
        organisation=name,
        date=date,
        count=report.finding_count,
        index=t.number(score.index),
        level=_plain(score.level.name[t.language]),
    )


def finding_description(report: OrganisationReport, finding: Finding, t: Translator) -> str:
    """A finding's page: its title, whether it is a strength, its dimension and score."""
    if finding.kind == "strength":
        texts = [
            t.gettext("{title} A strength of {organisation} in {dimension}, scored {score} of 5."),
            t.gettext("{title} A strength in {dimension}, scored {score} of 5."),
        ]
    else:
        texts = [
            t.gettext(
                "{title} An improvement point for {organisation} in {dimension}, "
                "scored {score} of 5."
            ),
            t.gettext("{title} An improvement point in {dimension}, scored {score} of 5."),
        ]
    dimension = report.finding_dimension(finding).label[t.language]
    return _fitted(
        texts,
        "title",
        title=_sentence(finding.title),
        organisation=_plain(report.organisation.name),
        dimension=_plain(dimension),
        score=finding.score,
    )


def anecdote_description(report: OrganisationReport, anecdote: Anecdote, t: Translator) -> str:
    """A customer story's page: its title, the organisation, the date and the journey."""
    texts = [
        t.ngettext(
            "{title} A customer story with {organisation} on {date}: its journey in {count} step "
            "and how the customer felt.",
            "{title} A customer story with {organisation} on {date}: its journey in {count} steps "
            "and how the customer felt at each.",
            len(anecdote.journey),
        ),
        t.gettext("{title} A customer story with {organisation} on {date}."),
    ]
    return _fitted(
        texts,
        "title",
        organisation=_plain(report.organisation.name),
        date=t.date(anecdote.date),
        title=_sentence(anecdote.title),
        count=len(anecdote.journey),
    )


def forwarding_description(title: str, organisation: Organisation, t: Translator) -> str:
    """A page at the latest audit's stable address, which sends the reader on."""
    texts = [
        t.gettext(
            "{title} While this is the latest audit of {organisation}, its page is "
            "at the organisation's own address."
        ),
        t.gettext("{title} Now at the organisation's own address."),
    ]
    return _fitted(texts, "title", title=_sentence(title), organisation=_plain(organisation.name))


def _fitted(texts: list[str], shortened: str, **values: object) -> str:
    """The first of `texts` (fullest first) that fits in MAX_LENGTH once filled in; when none
    does, the last with the value named `shortened` cut at a word."""
    for text in texts:
        full = text.format(**values)
        if len(full) <= MAX_LENGTH:
            return full
    excess = len(full) - MAX_LENGTH
    value = str(values[shortened])
    room = max(len(value) - excess - len(ELLIPSIS), 0)
    cut = value[:room].rsplit(" ", 1)[0] if " " in value[:room] else value[:room]
    return text.format(**{**values, shortened: cut.rstrip(" ,;:-–") + ELLIPSIS})


def _plain(text: str) -> str:
    """One line of text: newlines and runs of spaces as one space."""
    return " ".join(text.split())


def _sentence(text: str) -> str:
    """A title or question as a sentence of its own: with a full stop unless it has an end."""
    text = _plain(text)
    return text if text.endswith((".", "?", "!", "…")) else text + "."
