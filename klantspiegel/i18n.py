"""Report languages: message catalogs (gettext .po, read with Babel) and locale formatting.

Templates write English message ids, `{{ _("Management summary") }}`; each report language
has a catalog in klantspiegel/locale/<lang>/LC_MESSAGES/messages.po. English is the source
language, so its catalog only holds entries whose English text differs from the id.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from klantspiegel.model import Language

LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def catalog(language: Language) -> dict[str, str]:
    """Message id -> translated text for a language (empty translations are left out)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        po = read_po(handle, locale=language)
    return {str(m.id): str(m.string) for m in po if m.id and m.string}


class Translator:
    """Translates message ids and formats numbers and dates for one report language."""

    def __init__(self, language: Language):
        self.language = language
        self._messages = catalog(language)

    def gettext(self, message: str) -> str:
        return self._messages.get(message, message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.gettext(singular if count == 1 else plural)

    def number(self, value: float | None, digits: int = 1) -> str:
        """A number rounded half-up and written the local way (2,5 in Dutch, 2.5 in English)."""
        if value is None:
            return "–"
        quantum = Decimal(1).scaleb(-digits)
        rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(rounded, format=pattern, locale=self.language)

    def signed(self, value: float | None, digits: int = 1) -> str:
        """A change with its sign: +0,4 or −0,2 (a true minus sign)."""
        if value is None:
            return "–"
        text = self.number(abs(value), digits)
        if text.strip("0,.") == "":
            return "±" + text
        return ("+" if value > 0 else "−") + text

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
