"""Sectors: what an organisation's `sector` names, its peers, and its name in each language.

portfolio.yaml may declare the portfolio's sectors, each a key with a name per report language:

    sectors:
      post-logistiek: {nl: "Post & logistiek", en: "Postal and logistics"}

An organisation names its sector by that key or by one of its names, written as a reader sees
it (case, spacing and Unicode form do not matter). Peers in a benchmark share the key, and every
page, PDF and export shows the sector's name in its own language (any language code: `fr:`
for a French report). A sector that is not declared
is its own key and its own name in every language, as in portfolios written before sectors
could be declared; `check` warns when that name reaches a report in another language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from klantspiegel.i18n import language_name
from klantspiegel.model import Labels, Organisation
from klantspiegel.problems import Problem
from klantspiegel.source import Document
from klantspiegel.validate import same_text, suggestion


@dataclass(frozen=True)
class Sector:
    """An organisation's sector: the key its peers share and its name per report language."""

    key: str
    label: Labels  # a declared sector's own names; a missing language shows the first name
    declared: bool


class Sectors:
    """The portfolio's declared sectors, found by key or by any of their names."""

    def __init__(self, declared: Mapping[str, Labels]):
        self.declared = declared
        self._keys: dict[str, str] = {}
        for key, labels in declared.items():
            for name in (key, *labels.root.values()):
                self._keys.setdefault(same_text(name), key)

    def resolve(self, text: str) -> Sector:
        """The sector `text` names; an undeclared one is its own name in every language."""
        key = self._keys.get(same_text(text))
        if key is None:
            return Sector(same_text(text), Labels.same(text), declared=False)
        return Sector(key, self.declared[key], declared=True)


def sector_problems(
    sectors: Sectors,
    portfolio_file: Document,
    organisations: Iterable[Organisation],
    portfolio_language: str,
) -> list[Problem]:
    """Sector names two declared sectors share (an error: which is meant?), and every place
    where a sector's name would reach a report in a language it has no name in (a warning,
    located at the declaration to complete or at the organisation's `sector` line)."""
    problems = []
    owner: dict[str, str] = {}
    for key, labels in sectors.declared.items():
        for name in dict.fromkeys(same_text(n) for n in (key, *labels.root.values())):
            first = owner.setdefault(name, key)
            if first != key:
                problems.append(
                    Problem(
                        portfolio_file.path,
                        portfolio_file.line_of(("sectors", key)),
                        f"sectors.{key}",
                        f"the name '{name}' is also a name of sector '{first}': "
                        "an organisation naming it would be in either; give each sector its own",
                    )
                )
    needed: dict[tuple[str, str], list[str]] = defaultdict(list)
    for organisation in organisations:
        sector = sectors.resolve(organisation.sector)
        languages = dict.fromkeys((organisation.report_language, portfolio_language))
        if sector.declared:
            labels = sectors.declared[sector.key]
            for language in languages:
                if not labels.has(language):
                    needed[(sector.key, language)].append(
                        f"the report of {organisation.slug}"
                        if language == organisation.report_language
                        else "the portfolio site"
                    )
        elif sectors.declared or len(languages) > 1:
            problems.append(_undeclared(organisation, sectors, portfolio_language))
    for (key, language), readers in needed.items():
        shown = sectors.resolve(key).label[language]
        problems.append(
            Problem(
                portfolio_file.path,
                portfolio_file.line_of(("sectors", key)),
                f"sectors.{key}.{language}",
                f"sector '{key}' has no {language_name(language)} name ('{language}:') for "
                f"{_listed(sorted(set(readers)))}; '{shown}' is shown instead",
                "warning",
            )
        )
    return problems


def _undeclared(organisation: Organisation, sectors: Sectors, portfolio_language: str) -> Problem:
    names = sorted(sectors.declared)
    if names:
        reason = (
            f"sector '{organisation.sector}' is not one of portfolio.yaml's sectors"
            f"{suggestion(organisation.sector, names)}"
        )
    else:
        reason = (
            f"sector '{organisation.sector}' has one name for the "
            f"{language_name(organisation.report_language)} report and the "
            f"{language_name(portfolio_language)} portfolio site"
        )
    return Problem(
        organisation.source,
        organisation.key_lines.get(("sector",)),
        "sector",
        f"{reason}; it is shown as written in every language, and only organisations that "
        "write it the same are peers; declare it in portfolio.yaml under `sectors:` with its "
        "name per report language (such as nl: and en:) and name it here by its key",
        "warning",
    )


def _listed(items: list[str]) -> str:
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else items[0]
