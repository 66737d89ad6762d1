"""The values a source file holds: checked dates, scores, colours, keys and texts per language.

Every field of the file schemas (schemas.py) is one of these types, so each rule (a score is a
whole number from 1 to 5, never a yes/no) is written once. Labels is a text per language.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, RootModel
from pydantic_core import PydanticCustomError

from klantspiegel.i18n import available_languages, check_language, check_locale, language_of

# A report language: English or any language with a catalog (see i18n.available_languages).
Language = Annotated[
    str, AfterValidator(check_language), Field(description="a report language such as nl or en")
]
# A locale Babel knows in a report language, written as a tag: nl-NL, nl-BE, en-GB, en-US.
LocaleTag = Annotated[
    str,
    AfterValidator(check_locale),
    Field(description="a locale such as nl-NL, nl-BE, en-GB or en-US"),
]
# A key of a label: any language code, so a model may carry languages no report uses yet.
LanguageCode = Annotated[
    str, Field(pattern=r"^[a-z]{2,3}$", description="a language code such as nl, en or fr")
]
Status = Literal["draft", "final"]
FindingKind = Literal["strength", "weakness"]
EvidenceType = Literal[
    "anecdote", "mystery_visit", "call", "interview", "observation", "document", "survey", "kpi"
]
Channel = Literal[
    "phone",
    "email",
    "chat",
    "web",
    "app",
    "social_media",
    "letter",
    "counter",
    "branch_visit",
    "at_home",
    "other",
]
Horizon = Literal["short", "medium", "long"]
KpiKind = Literal["result", "work", "between"]
OrganisationSize = Literal["small", "medium", "large"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _iso_date(value: object) -> object:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError("not a date")
    return dt.date.fromisoformat(value.strip())


def _not_a_boolean(value: object) -> object:
    # Python counts True as 1, so pydantic would read `score: true` as a score of 1.
    if isinstance(value, bool):
        raise PydanticCustomError("boolean_number", "a yes/no value is not a number")
    return value


def hex_colour(value: str) -> str:
    """A colour as #rrggbb, in lowercase; the validator that marks a field as a colour."""
    if not _HEX_COLOUR.match(value):
        raise ValueError("not a colour")
    return value.lower()


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), Field(description="a date as YYYY-MM-DD")]
# Every number in a source file is one of these: never a boolean, never NaN or infinity
# (which scores.json cannot hold); 2.0 counts as 2, 2.5 is not a whole number.
WholeNumber = Annotated[int, BeforeValidator(_not_a_boolean)]
Number = Annotated[float, BeforeValidator(_not_a_boolean), Field(allow_inf_nan=False)]
Score = Annotated[WholeNumber, Field(ge=1, le=5, description="a whole number from 1 to 5")]
Emotion = Annotated[WholeNumber, Field(ge=-2, le=2, description="a whole number from -2 to +2")]
Text = Annotated[str, Field(min_length=1)]
HexColour = Annotated[str, AfterValidator(hex_colour), Field(description="a colour as #rrggbb")]
# The summary page holds three messages of three lines each beside its chart and actions.
MAX_KEY_MESSAGES = 3
MAX_KEY_MESSAGE_LENGTH = 300
KeyMessage = Annotated[str, Field(min_length=1, max_length=MAX_KEY_MESSAGE_LENGTH)]


class Labels(RootModel[dict[LanguageCode, Text]]):
    """A text per language, keyed by language code (`nl: ...`, `en: ...`): one at least.

    `labels["en"]` (or `labels["en-GB"]`) is the English text; where a language has none, the
    first text written stands in (validation says where that is not allowed).
    """

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)
    root: dict[LanguageCode, Text] = Field(min_length=1)

    def __getitem__(self, language: str) -> str:
        return self.root.get(language_of(language)) or next(iter(self.root.values()))

    def has(self, language: str) -> bool:
        """Whether there is a text of its own in `language` (a language or locale tag)."""
        return language_of(language) in self.root

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.root)

    @classmethod
    def same(cls, text: str) -> Labels:
        """One text in every report language: a name as the consultant wrote it."""
        return cls({language: text for language in available_languages()})


SectorKey = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")]
# A sector's name per report language: one at least; a missing one shows another, with a warning.
SectorLabels = Labels
