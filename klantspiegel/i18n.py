"""Report languages: message catalogs (gettext .po, read with Babel) and locale formatting.

Templates write English message ids, `{{ _("Management summary") }}`; each report language
has a catalog in klantspiegel/locale/<lang>/LC_MESSAGES/messages.po. English is the source
language, so its catalog only holds entries whose English text differs from the id.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from klantspiegel.model import Language

LOCALE_DIR = Path(__file__).parent / "locale"


MINUS = "\u2212"  # a true minus sign: "−0,2", never the hyphen "-0,2"


@dataclass(frozen=True)
class Catalog:
    """One language's messages: singular ids, plural entries and the language's plural rule."""

    messages: Mapping[str, str]
    plurals: Mapping[str, tuple[str, ...]]  # singular id -> one text per plural form
    plural_index: Callable[[int], int]  # the catalog's Plural-Forms rule: count -> form


@cache
def catalog(language: Language) -> Catalog:
    """The language's catalog (empty translations are left out; English ids are the source)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    po = BabelCatalog(locale=language)
    if path.is_file():
        with path.open("rb") as handle:
            po = read_po(handle, locale=language)
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for m in po:
        if isinstance(m.id, tuple | list):
            if all(m.string):
                plurals[str(m.id[0])] = tuple(str(s) for s in m.string)
        elif m.id and m.string:
            messages[str(m.id)] = str(m.string)
    return Catalog(messages, plurals, gettext.c2py(po.plural_expr))


def rounded(value: float, digits: int) -> Decimal:
    """The value as it is shown: rounded half-up (away from zero) to `digits` decimals."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


class Translator:
    """Translates message ids and formats numbers and dates for one report language.

    Numbers have one style everywhere: rounded half-up, a true minus sign, and no sign at all
    on a value that rounds to zero ("0", never "-0", "−0" or "±0").
    """

    def __init__(self, language: Language):
        self.language = language
        self._catalog = catalog(language)

    def gettext(self, message: str) -> str:
        return self._catalog.messages.get(message, message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form of a message for `count`, by the catalog's plural rule."""
        index = self._catalog.plural_index(count)
        forms = self._catalog.plurals.get(singular)
        if forms is not None:
            return forms[min(index, len(forms) - 1)]
        return self.gettext(singular if index == 0 else plural)  # an entry per form

    def number(self, value: float | None, digits: int = 1) -> str:
        """A number written the local way (2,5 in Dutch, 2.5 in English), −3 for minus three."""
        if value is None:
            return "–"
        shown = rounded(value, digits)
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        text = format_decimal(abs(shown), format=pattern, locale=self.language)
        return MINUS + text if shown < 0 else text

    def signed(self, value: float | None, digits: int = 1) -> str:
        """A change or a point on a -100..100 scale with its sign: +0,4, −0,2, and 0,0."""
        if value is None:
            return "–"
        text = self.number(value, digits)
        return "+" + text if rounded(value, digits) > 0 else text

    def date(self, value: dt.date, style: str = "long") -> str:
        return format_date(value, format=style, locale=self.language)

    def value(self, group: str, key: str | None) -> str:
        """The label of one of the format's fixed values, e.g. value("evidence", "call")."""
        return self.gettext(VALUE_LABELS[group][key]) if key else "–"


def N_(message: str) -> str:
    """Mark a message for the catalogs without translating it here."""
    return message


# English labels of the format's fixed values; the catalogs translate them like any message.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "evidence": {
        "anecdote": N_("Customer story"),
        "mystery_visit": N_("Mystery visit"),
        "call": N_("Mystery call"),
        "interview": N_("Interview"),
        "observation": N_("Observation"),
        "document": N_("Document"),
        "survey": N_("Survey"),
        "kpi": N_("KPI data"),
    },
    "channel": {
        "phone": N_("Phone"),
        "email": N_("Email"),
        "chat": N_("Chat"),
        "web": N_("Website"),
        "app": N_("App"),
        "social_media": N_("Social media"),
        "letter": N_("Letter"),
        "counter": N_("Counter"),
        "branch_visit": N_("Branch visit"),
        "at_home": N_("At home"),
        "other": N_("Other"),
    },
    "horizon": {
        "short": N_("0-3 months"),
        "medium": N_("3-12 months"),
        "long": N_("Over 12 months"),
    },
    "kind": {"strength": N_("Strength"), "weakness": N_("Improvement")},
    "size": {"small": N_("Small"), "medium": N_("Medium-sized"), "large": N_("Large")},
    "status": {"draft": N_("Draft"), "final": N_("Final")},
    "kpi_kind": {
        "result": N_("Result KPI"),
        "work": N_("Work KPI"),
        "between": N_("Between result and work"),
    },
    "quadrant": {
        "quick_win": N_("Quick wins"),
        "major_project": N_("Major projects"),
        "fill_in": N_("Fill-ins"),
        "thankless": N_("Thankless tasks"),
    },
}
