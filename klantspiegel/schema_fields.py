"""What each schema field is, in words: the one description of a field's type.

A field's type, limits and choices are read from the pydantic models in schemas.py and put in
words here, once: the authoring guide and the scaffolds show these words, validation messages
say what was expected with them, and docs/exports.md describes each column with them.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from annotated_types import Ge, Gt, Le, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from klantspiegel.i18n import available_languages, check_language, check_locale
from klantspiegel.schemas import Dimension, Evidence, FollowUp, JourneyStep, KpiFields, Level
from klantspiegel.value_types import Labels, hex_colour

DATE_WORDS = "date (YYYY-MM-DD)"

# What a list item or nested mapping is called in a sentence, and its heading in the guide.
ITEM_NAMES: dict[type[BaseModel], str] = {
    Evidence: "evidence item",
    JourneyStep: "journey step",
    FollowUp: "follow-up",
    KpiFields: "KPI",
    Dimension: "dimension",
    Level: "level",
}


_SIGNS = {"_": "underscores", "-": "hyphens"}


class UndocumentedField(Exception):
    """A schema field without a description: document it in schemas.py."""


@dataclass(frozen=True)
class FieldDoc:
    """One front-matter field as an author needs to know it."""

    name: str
    meaning: str
    kind: str  # the type in words, with the allowed values of a choice
    required: bool
    default: Any  # None when there is none
    example: Any  # None when the model gives none
    item_model: type[BaseModel] | None  # the model of a nested mapping or of list items
    choices: tuple[str, ...] = ()


def documented_fields(model: type[BaseModel]) -> list[FieldDoc]:
    """Every field of a schema in declaration order; raises UndocumentedField for a gap."""
    docs = []
    for name, field in model.model_fields.items():
        if not field.description:
            raise UndocumentedField(
                f"{model.__name__}.{name} has no description: add description= to the field "
                "in klantspiegel/schemas.py (the authoring guide and scaffolds are made from it)"
            )
        default = None if field.is_required() else field.get_default(call_default_factory=True)
        docs.append(
            FieldDoc(
                name=name,
                meaning=field.description,
                kind=type_words(field.annotation, field.metadata),
                required=field.is_required(),
                default=default,
                example=field.examples[0] if field.examples else None,
                item_model=item_model(field),
                choices=choices(field.annotation),
            )
        )
    return docs


def type_words(annotation: Any, metadata: Sequence[Any] = ()) -> str:
    """A field's type in words: 'whole number from 1 to 5', 'one of: draft, final', ..."""
    annotation, metadata = _strip(annotation, metadata)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return type_words(options[0], metadata)
    if origin is list:
        item, item_metadata = _strip(typing.get_args(annotation)[0], ())
        least = next((m.min_length for m in metadata if isinstance(m, MinLen)), 0)
        words = f"list of {_plural(item, item_metadata)}"
        return f"{words} (at least {least})" if least else words
    if origin is Literal:
        return "one of: " + ", ".join(str(c) for c in typing.get_args(annotation))
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"mapping, each {type_words(key)}, with {type_words(value)}"
    if annotation is bool:
        return "true or false"
    if annotation is dt.date:
        return DATE_WORDS
    if annotation in (int, float):
        return _number_words(annotation, metadata)
    if annotation is str:
        return _text_words(metadata)
    if annotation is Labels:
        return "text per language (see [Text per language](#text-per-language))"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ITEM_NAMES.get(annotation, annotation.__name__)
    return str(annotation)


def _strip(annotation: Any, metadata: Sequence[Any]) -> tuple[Any, list[Any]]:
    """Annotated[X, ...] -> X and its constraints, merged with those of the field."""
    found = list(metadata)
    while typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        for item in extra:
            found += item.metadata if isinstance(item, FieldInfo) else [item]
    return annotation, found


def _number_words(annotation: type, metadata: Sequence[Any]) -> str:
    noun = "whole number" if annotation is int else "number"
    low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    above = next((m.gt for m in metadata if isinstance(m, Gt)), None)
    if low is not None and high is not None:
        return f"{noun} from {low} to {high}"
    if low is not None:
        return f"{noun} from {low} up"
    if above is not None:
        return f"{noun} above {above}"
    return noun


def is_colour(metadata: Sequence[Any]) -> bool:
    """Whether a field's constraints make it a colour (#rrggbb)."""
    return any(getattr(m, "func", None) is hex_colour for m in metadata)


def _text_words(metadata: Sequence[Any]) -> str:
    if is_colour(metadata):
        return "colour as #rrggbb"
    if any(getattr(m, "func", None) is check_language for m in metadata):
        return f"report language: {', '.join(available_languages())}"
    if any(getattr(m, "func", None) is check_locale for m in metadata):
        return "locale, such as nl-NL, nl-BE, en-GB or en-US"
    pattern = next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)
    if pattern:
        match = re.fullmatch(r"\^\[a-z0-9(.*)\]\+\$", pattern)
        if not match:
            return f"text matching {pattern}"
        names = ["lowercase letters", "digits"] + [_SIGNS.get(c, c) for c in match.group(1)]
        return f"key: {', '.join(names[:-1])} and {names[-1]}"
    if any(isinstance(m, MinLen) and m.min_length > 0 for m in metadata):
        return "text"
    return "text (may be empty)"


def _plural(item: Any, metadata: Sequence[Any]) -> str:
    if isinstance(item, type) and issubclass(item, BaseModel) and item in ITEM_NAMES:
        return ITEM_NAMES[item] + "s"
    if item is str:
        return "texts"
    return type_words(item, metadata)


def item_model(field: FieldInfo) -> type[BaseModel] | None:
    """The model of a nested mapping or of list items; None for a plain value."""
    annotation, _ = _strip(field.annotation, ())
    if typing.get_origin(annotation) is list:
        annotation, _ = _strip(typing.get_args(annotation)[0], ())
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def choices(annotation: Any) -> tuple[str, ...]:
    """The allowed values of a choice (a Literal, optional or not); () for any other type."""
    annotation, _ = _strip(annotation, ())
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation, _ = _strip(typing.get_args(annotation)[0], ())
    if typing.get_origin(annotation) is Literal:
        return tuple(str(c) for c in typing.get_args(annotation))
    return ()
