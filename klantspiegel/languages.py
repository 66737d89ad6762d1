"""The languages and locales a portfolio's reports use, and the labels each of them needs.

A portfolio has a language and a locale (portfolio.yaml), an organisation may set its own
(organisation.yaml). Either field may be left out: a locale implies its language, a language
its default locale (i18n.default_locale). Every language a report uses needs a text of its own
in every name and description of the scoring model: a report never shows another language.
"""

from __future__ import annotations

from collections.abc import Iterable

from klantspiegel.i18n import default_locale, language_of
from klantspiegel.model import Labels, OrganisationFields, PortfolioConfig, ScoringModel
from klantspiegel.problems import Problem
from klantspiegel.source import Document, KeyPath, dotted


def settled_config(
    config: PortfolioConfig, document: Document
) -> tuple[PortfolioConfig, list[Problem]]:
    """The portfolio's settings with the language its `locale` implies when `language` is
    left out, and a problem when both are given and disagree."""
    if config.locale is None:
        return config, []
    implied = language_of(config.locale)
    if "language" not in config.model_fields_set:
        return config.model_copy(update={"language": implied}), []
    return config, _disagreement(document, config.language, config.locale)


def report_locale(
    fields: OrganisationFields, portfolio_locale: str, document: Document | None
) -> tuple[str, list[Problem]]:
    """The locale of an organisation's reports, and a problem when its `language` and
    `locale` disagree. Without a locale of its own it takes the portfolio's when that is in
    its language, else its language's default locale."""
    if fields.locale is not None:
        return fields.locale, _disagreement(document, fields.language, fields.locale)
    language = fields.language or language_of(portfolio_locale)
    if language_of(portfolio_locale) == language:
        return portfolio_locale, []
    return default_locale(language), []


def _disagreement(document: Document | None, language: str | None, locale: str) -> list[Problem]:
    if document is None or language is None or language_of(locale) == language:
        return []
    return [
        Problem(
            document.path,
            document.line_of(("locale",)),
            "locale",
            f"locale '{locale}' is not in the report language '{language}': give a "
            f"locale of {language} (such as {default_locale(language)}) or leave one out",
        )
    ]


def missing_labels(
    model: ScoringModel, document: Document, languages: Iterable[str]
) -> list[Problem]:
    """Every name and description of the scoring model without a text in a language that one
    of the portfolio's reports uses, located at its field."""
    used = sorted(set(languages))
    labelled: list[tuple[KeyPath, Labels]] = [(("name",), model.name)]
    for index, dimension in enumerate(model.dimensions):
        labelled += [
            (("dimensions", index, "label"), dimension.label),
            (("dimensions", index, "description"), dimension.description),
        ]
    for index, level in enumerate(model.levels):
        labelled += [
            (("levels", index, "name"), level.name),
            (("levels", index, "description"), level.description),
        ]
    problems = []
    for path, labels in labelled:
        for language in used:
            if not labels.has(language):
                problems.append(
                    Problem(
                        document.path,
                        document.line_of(path),
                        dotted(path),
                        f"has no '{language}' text; this portfolio's reports use "
                        f"{', '.join(used)} (add `{language}: ...` here)",
                    )
                )
    return problems
