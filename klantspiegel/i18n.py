"""Report languages: message catalogs (gettext .po, read with Babel) and locale formatting.

Templates write English message ids, `{{ _("Management summary") }}`; each report language
has a catalog in klantspiegel/locale/<lang>/LC_MESSAGES/messages.po. English is the source
language, so its catalog only holds entries whose English text differs from the id.

Languages are data: a report language is English or any language with a catalog, and adding
one is adding its catalog. A report's locale ("en-GB", "nl-BE") sets how its dates and numbers
are written; it defaults from the language (nl-NL for nl, en-GB for en: our clients are
European; any other language gets Babel's most likely region, fr-FR for fr).
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path

from babel.core import Locale, UnknownLocaleError, get_global
from babel.dates import format_date
from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from pydantic_core import PydanticCustomError

LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"  # the language of the message ids: it needs no catalog
# Where Babel's most likely region is not the one our (European) clients use.
DEFAULT_REGIONS = {"en": "GB"}


MINUS = "\u2212"  # a true minus sign: "−0,2", never the hyphen "-0,2"


@dataclass(frozen=True)
class Catalog:
    """One language's messages: singular ids, plural entries and the language's plural rule."""

    messages: Mapping[str, str]
    plurals: Mapping[str, tuple[str, ...]]  # singular id -> one text per plural form
    plural_index: Callable[[int], int]  # the catalog's Plural-Forms rule: count -> form


def available_languages() -> tuple[str, ...]:
    """Every report language: English, and each language with a catalog in LOCALE_DIR."""
    found = {SOURCE_LANGUAGE}
    if LOCALE_DIR.is_dir():
        found.update(
            d.name for d in LOCALE_DIR.iterdir() if (d / "LC_MESSAGES" / "messages.po").is_file()
        )
    return tuple(sorted(found))


def language_of(tag: str) -> str:
    """The bare language of a language or locale tag: "en" for "en-GB", "nl" for "nl"."""
    return tag.replace("_", "-").split("-", 1)[0].lower()


def check_language(code: str) -> str:
    """A report language code, or a validation error that lists the available ones."""
    if code not in available_languages():
        raise PydanticCustomError(
            "report_language",
            "'{code}' is not a report language (available: {available}; "
            "another needs its catalog in klantspiegel/locale/{code}/LC_MESSAGES/messages.po)",
            {"code": code, "available": ", ".join(available_languages())},
        )
    return code


def check_locale(tag: str) -> str:
    """A locale Babel knows in an available language, written as a tag ("en-GB"); else a
    validation error that says why."""
    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise PydanticCustomError(
            "report_locale",
            "'{tag}' is not a locale (expected a tag such as nl-NL, nl-BE, en-GB or en-US)",
            {"tag": tag},
        ) from None
    check_language(locale.language)
    return "-".join(p for p in (locale.language, locale.script, locale.territory) if p)


def language_name(code: str) -> str:
    """The language's name in English, for messages to the consultant: "Dutch" for nl."""
    try:
        return Locale.parse(code).get_language_name("en") or code
    except (ValueError, UnknownLocaleError):
        return code


def default_locale(language: str) -> str:
    """The locale a report in `language` has when none is set: nl-NL, en-GB, fr-FR."""
    region = DEFAULT_REGIONS.get(language)
    if region is None:
        likely = get_global("likely_subtags").get(language, language)
        region = Locale.parse(likely).territory
    return f"{language}-{region}" if region else language


def locale_tag(language_or_locale: str) -> str:
    """The locale tag of a language ("en" -> "en-GB") or of a locale ("en_gb" -> "en-GB")."""
    if "-" in language_or_locale or "_" in language_or_locale:
        return check_locale(language_or_locale)
    return default_locale(language_or_locale)


@cache
def catalog(language: str, locale_dir: Path | None = None) -> Catalog:
    """The language's catalog (empty translations are left out; English ids are the source)."""
    path = (locale_dir or LOCALE_DIR) / language / "LC_MESSAGES" / "messages.po"
    po = BabelCatalog(locale=language)
    if path.is_file():
        with path.open("rb") as handle:
            po = read_po(handle, locale=language)
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for m in po:
        if isinstance(m.id, tuple | list):
            if isinstance(m.string, tuple | list) and all(m.string):
                plurals[str(m.id[0])] = tuple(str(s) for s in m.string)
        elif m.id and m.string:
            messages[str(m.id)] = str(m.string)
    return Catalog(messages, plurals, gettext.c2py(po.plural_expr))


def rounded(value: float, digits: int) -> Decimal:
    """The value as it is shown: rounded half-up (away from zero) to `digits` decimals."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


class Translator:
    """Translates message ids and formats numbers and dates for one report locale.

    It takes a language ("nl": its default locale) or a locale ("en-GB"); `language` is the
    bare language, `locale` the tag. Numbers have one style everywhere: rounded half-up, a true
    minus sign, and no sign at all on a value that rounds to zero ("0", never "-0" or "±0").
    """

    def __init__(self, language_or_locale: str):
        self.locale = locale_tag(language_or_locale)
        self.language = language_of(self.locale)
        self._babel_locale = self.locale.replace("-", "_")
        self._catalog = catalog(self.language, LOCALE_DIR)

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
        return _written_number(value, digits, self._babel_locale)

    def signed(self, value: float | None, digits: int = 1) -> str:
        """A change or a point on a -100..100 scale with its sign: +0,4, −0,2, and 0,0."""
        if value is None:
            return "–"
        text = self.number(value, digits)
        return "+" + text if rounded(value, digits) > 0 else text

    def date(self, value: dt.date, style: str = "long") -> str:
        """A date written the locale's way: "29 November 2026" in en-GB."""
        return _written_date(value, style, self._babel_locale)

    def value(self, group: str, key: str | None) -> str:
        """The label of one of the format's fixed values, e.g. value("evidence", "call")."""
        return self.gettext(VALUE_LABELS[group][key]) if key else "–"


# A build writes the same scores and dates on many pages; Babel takes 20 to 30 µs for each.
# Typed: 1 and True are equal keys, but True is not a number to write.
@lru_cache(maxsize=8192, typed=True)
def _written_number(value: float, digits: int, babel_locale: str) -> str:
    shown = rounded(value, digits)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    text = format_decimal(abs(shown), format=pattern, locale=babel_locale)
    return MINUS + text if shown < 0 else text


@lru_cache(maxsize=4096, typed=True)
def _written_date(value: dt.date, style: str, babel_locale: str) -> str:
    return format_date(value, format=style, locale=babel_locale)


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
    "follow_up": {
        "done": N_("Done"),
        "in_progress": N_("In progress"),
        "not_started": N_("Not started"),
        "dropped": N_("Dropped"),
    },
}
