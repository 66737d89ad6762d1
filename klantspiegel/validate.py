"""Validation: front matter against the schemas, and cross-checks over the whole portfolio.

Every problem becomes a `Problem(file, line, field, message)`; nothing stops at the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import types
import typing
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any, Literal, TypeVar

from annotated_types import Ge, Le
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from klantspiegel.model import Audit, Portfolio, Schema, ScoringModel
from klantspiegel.problems import Problem
from klantspiegel.schema_fields import is_colour, type_words
from klantspiegel.source import Document, KeyPath, dotted
from klantspiegel.text import slugify

SchemaT = TypeVar("SchemaT", bound=Schema)


def fields_of(
    schema: type[SchemaT], document: Document, problems: list[Problem], context: str = ""
) -> SchemaT | None:
    """Validate a document's YAML against a schema; record each error with its line."""
    try:
        return schema.model_validate(document.data)
    except ValidationError as error:
        details = error.errors(include_url=False)
        # A typo in a required key shows once, as the unknown key with its hint.
        suggested = {
            (*d["loc"][:-1], _closest(schema, d["loc"]))
            for d in details
            if d["type"] == "extra_forbidden"
        }
        for detail in details:
            location: KeyPath = tuple(detail["loc"])
            if detail["type"] == "missing" and location in suggested:
                continue
            problems.append(
                Problem(
                    document.path,
                    document.line_of(location),
                    dotted(location, context),
                    _describe(schema, location, detail),
                )
            )
        return None


def _describe(schema: type[BaseModel], location: KeyPath, detail: Any) -> str:
    kind, value = detail["type"], detail.get("input")
    if kind == "extra_forbidden":
        parent = _model_at(schema, location[:-1])
        known = list(parent.model_fields) if parent else []
        return f"unknown field '{location[-1]}'{suggestion(str(location[-1]), known)}"
    field = _field_at(schema, location)
    expected = _expected(field) if field else ""
    hint = f" (expected {expected})" if expected else ""
    if kind == "missing":
        return f"required field is missing{hint}"
    if kind in ("report_language", "report_locale"):  # the message lists what is available
        return detail["msg"]
    if kind == "literal_error":
        choices = [str(c) for c in typing.get_args(_unwrap(field.annotation))] if field else []
        return f"'{value}' is not allowed{suggestion(str(value), choices)}{hint}"
    if number := _number_problem(kind, value, hint):
        return number
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        return f"{value!r} is out of range{hint}"
    if length := _length_problem(kind, value, detail.get("ctx", {})):
        return f"{length}{hint}"
    if kind == "value_error" and field and _unwrap(field.annotation) is dt.date:
        return f"{value!r} is not a valid date{hint}"
    if kind == "value_error" and field and is_colour(field.metadata):
        return f"{value!r} is not a valid colour{hint}"
    message = detail["msg"].removeprefix("Value error, ")
    shown = "" if isinstance(value, dict | list) else f", got {value!r}"
    return f"{message[0].lower()}{message[1:]}{shown}{hint}"


def _number_problem(kind: str, value: Any, hint: str) -> str:
    """A number that is not one, in the author's words; '' for any other error."""
    if kind == "boolean_number":
        return f"{str(value).lower()} is not a number{hint}"
    if kind == "finite_number" or (isinstance(value, float) and not math.isfinite(value)):
        return f"{value} is not a finite number (NaN and infinity cannot be scored or exported)"
    if kind == "int_from_float":
        return f"{value!r} is not a whole number{hint}"
    if kind in ("int_parsing", "int_type", "float_parsing", "float_type"):
        return f"{value!r} is not a number{hint}"
    if kind == "string_type" and isinstance(value, int | float):
        return f"{value!r} is a number, not text: put it in quotes to keep it exactly as written"
    return ""


def _length_problem(kind: str, value: Any, limits: dict[str, Any]) -> str:
    """Text or a list of the wrong length, without echoing a long text back; '' otherwise."""
    if kind == "string_too_short" and not str(value).strip():
        return "the text is empty"
    if kind == "string_too_long":
        return f"the text has {len(value)} characters, over the {limits.get('max_length')} allowed"
    if kind == "too_long":
        return f"{len(value)} items, over the {limits.get('max_length')} allowed"
    if kind == "too_short":
        return f"{len(value)} items, under the {limits.get('min_length')} needed"
    return ""


def _closest(schema: type[BaseModel], location: Any) -> str | None:
    parent = _model_at(schema, tuple(location[:-1]))
    close = difflib.get_close_matches(
        str(location[-1]), list(parent.model_fields) if parent else [], n=1, cutoff=0.6
    )
    return close[0] if close else None


def suggestion(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f"; known: {', '.join(choices)}" if choices else ""


def _unwrap(annotation: Any) -> Any:
    """Strip Optional, list[] and Annotated down to the type inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated or origin in (list, tuple):
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation


def _field_at(schema: type[BaseModel], location: KeyPath) -> FieldInfo | None:
    model: type[BaseModel] | None = schema
    field = None
    for part in location:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        field = model.model_fields[part]
        inner = _unwrap(field.annotation)
        model = inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
    return field


def _model_at(schema: type[BaseModel], location: KeyPath) -> type[BaseModel] | None:
    if not location:
        return schema
    field = _field_at(schema, location)
    inner = _unwrap(field.annotation) if field else None
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _inner_metadata(annotation: Any) -> list[Any]:
    """The limits inside an optional type (`Score | None`), which pydantic leaves there."""
    found: list[Any] = []
    for option in typing.get_args(annotation):
        if typing.get_origin(option) is typing.Annotated:
            for extra in typing.get_args(option)[1:]:
                found += getattr(extra, "metadata", [])
    return found


def _expected(field: FieldInfo) -> str:
    """What a field takes: its type in words where the type says it best (a date, a colour, a
    choice, a whole number between limits), its meaning otherwise."""
    inner = _unwrap(field.annotation)
    metadata = [*field.metadata, *_inner_metadata(field.annotation)]
    bounded = {Ge, Le} <= {type(m) for m in metadata}
    if (
        inner is dt.date
        or is_colour(field.metadata)
        or typing.get_origin(inner) is Literal
        or (inner is int and bounded)
    ):
        words = type_words(inner, metadata)
        return words if words.startswith("one of") else f"a {words}"
    return field.description or ""


# --- cross-checks over the assembled portfolio ------------------------------------------------


def cross_check(portfolio: Portfolio) -> list[Problem]:
    """Checks that need more than one file: dimensions, links, duplicates, completeness."""
    problems: list[Problem] = []
    problems += _duplicate_organisation_names(portfolio, portfolio.root.parent)
    for organisation in portfolio.organisations:
        problems += _same_date_audits(organisation.audits, portfolio.root.parent)
        for audit in organisation.audits:
            problems += _check_audit(audit)
    return problems


def _same_date_audits(audits: tuple[Audit, ...], shown_from: Path) -> list[Problem]:
    """Two audits on one date: which is the latest report would depend on folder order."""
    first: dict[dt.date, Audit] = {}
    problems = []
    for audit in audits:
        other = first.setdefault(audit.date, audit)
        if other is not audit:
            where = f"{other.source.relative_to(shown_from)}:{other.key_lines.get(('date',))}"
            problems.append(
                Problem(
                    audit.source,
                    audit.key_lines.get(("date",)),
                    "date",
                    f"{audit.date} is also the date of the audit in {where}: give each audit of an "
                    "organisation its own date, so that the latest report is not a guess",
                )
            )
    return problems


def check_scoring_model(model: ScoringModel, document: Document) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for index, dimension in enumerate(model.dimensions):
        line = document.line_of(("dimensions", index, "key"))
        if dimension.key in seen:
            problems.append(
                Problem(
                    document.path,
                    line,
                    f"dimensions[{index + 1}].key",
                    (
                        f"duplicate dimension key '{dimension.key}' "
                        f"(first at line {seen[dimension.key]})"
                    ),
                )
            )
        seen.setdefault(dimension.key, line)
    minimums = [lv.minimum for lv in model.levels]
    numbers = [lv.level for lv in model.levels]
    if numbers != sorted(set(numbers)) or minimums != sorted(set(minimums)):
        problems.append(
            Problem(
                document.path,
                document.line_of(("levels",)),
                "levels",
                (
                    "levels must be listed in ascending order, "
                    "with rising minimums and no duplicates"
                ),
            )
        )
    return problems


def same_text(text: str) -> str:
    """What a reader sees: `Café` composed or not, `Noord` after one space or two, any case."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _duplicate_organisation_names(portfolio: Portfolio, shown_from: Path) -> list[Problem]:
    by_name = defaultdict(list)
    for organisation in portfolio.organisations:
        by_name[same_text(organisation.name)].append(organisation)
    problems = []
    for same in by_name.values():
        first = same[0]
        where = f"{first.source.relative_to(shown_from)}:{first.key_lines.get(('name',), 1)}"
        for organisation in same[1:]:
            problems.append(
                Problem(
                    organisation.source,
                    organisation.key_lines.get(("name",)),
                    "name",
                    f"duplicate organisation name '{organisation.name}' (also in {where}): "
                    "two reports for one client; give each organisation its own name",
                )
            )
    return problems


def check_references(
    findings: list[Document], anecdote_slugs: set[str], dimension_keys: list[str] | None
) -> list[Problem]:
    """Dimensions and story links of findings, read from the raw front matter so that they
    are checked even when another field of the same finding is wrong."""
    problems = []
    for document in findings:
        dimension = document.data.get("dimension")
        if (
            dimension_keys is not None
            and isinstance(dimension, str)
            and dimension.strip() not in dimension_keys
        ):
            problems.append(
                Problem(
                    document.path,
                    document.line_of(("dimension",)),
                    "dimension",
                    f"unknown dimension '{dimension}'{suggestion(dimension, dimension_keys)}",
                )
            )
        links = document.data.get("anecdotes")
        linked: dict[str, int] = {}
        for index, link in enumerate(links if isinstance(links, list) else []):
            line = document.line_of(("anecdotes", index))
            if isinstance(link, str) and slugify(link) in linked:  # one story, counted twice
                problems.append(
                    Problem(
                        document.path,
                        line,
                        f"anecdotes[{index + 1}]",
                        (
                            f"'{link}' is already linked (anecdotes[{linked[slugify(link)] + 1}]): "
                            "a story counts once as evidence; remove one of them"
                        ),
                    )
                )
            elif isinstance(link, str):
                linked[slugify(link)] = index
            if isinstance(link, str) and slugify(link) not in anecdote_slugs:
                problems.append(
                    Problem(
                        document.path,
                        document.line_of(("anecdotes", index)),
                        f"anecdotes[{index + 1}]",
                        f"no anecdote '{link}' in this audit"
                        f"{suggestion(link, sorted(anecdote_slugs))}",
                    )
                )
    return problems


def check_scope(
    audit: Document, findings: list[Document], dimension_keys: list[str] | None
) -> list[Problem]:
    """The audit's `dimensions`: each a dimension of the scoring model, listed once, and no
    final finding in a dimension the audit says it did not examine (a contradiction)."""
    listed = audit.data.get("dimensions") if isinstance(audit.data, dict) else None
    if dimension_keys is None or not isinstance(listed, list):
        return []
    problems = []
    scope: dict[str, int] = {}
    for index, key in enumerate(listed):
        if not isinstance(key, str):
            continue  # the schema reports it
        line = audit.line_of(("dimensions", index))
        if key.strip() not in dimension_keys:
            problems.append(
                Problem(
                    audit.path,
                    line,
                    f"dimensions[{index + 1}]",
                    (f"unknown dimension '{key}'{suggestion(key, dimension_keys)}"),
                )
            )
        elif key.strip() in scope:
            problems.append(
                Problem(
                    audit.path,
                    line,
                    f"dimensions[{index + 1}]",
                    (
                        f"'{key}' is already listed (dimensions[{scope[key.strip()] + 1}]); "
                        "list each dimension once"
                    ),
                )
            )
        scope.setdefault(key.strip(), index)
    if not listed or not all(isinstance(key, str) for key in listed):
        return problems  # the schema reports a list that is empty or holds a non-key
    for document in findings:
        # a draft may be work towards a wider scope; it is checked when it becomes final
        dimension, status = document.data.get("dimension"), document.data.get("status", "final")
        if (
            isinstance(dimension, str)
            and dimension.strip() in dimension_keys
            and dimension.strip() not in scope
            and status != "draft"
        ):
            problems.append(
                Problem(
                    document.path,
                    document.line_of(("dimension",)),
                    "dimension",
                    (
                        f"dimension '{dimension}' is not in the audit's scope "
                        f"({audit.path.name} lists {', '.join(scope)}): add it to the "
                        "audit's dimensions, or move the finding"
                    ),
                )
            )
    return problems


def duplicate_kpis(keys: list[str], document: Document) -> list[Problem]:
    """One figure per KPI in an audit: the trend and the exports know a KPI by its key."""
    first: dict[str, int] = {}
    problems = []
    for index, key in enumerate(keys):
        line = document.line_of(("kpis", index, "key"))
        if key in first:
            problems.append(
                Problem(
                    document.path,
                    line,
                    f"kpis[{index + 1}].key",
                    (
                        f"KPI '{key}' is listed twice (first at line {first[key]}): which is the "
                        "audit's figure? keep one entry per KPI"
                    ),
                )
            )
        first.setdefault(key, line)
    return problems


def _check_audit(audit: Audit) -> list[Problem]:
    problems = []
    for what, texts in (("finding", audit.findings), ("story", audit.anecdotes)):
        titles: dict[str, str] = {}
        for text in texts:
            first = titles.setdefault(same_text(text.title), text.source.name)
            if first != text.source.name:
                problems.append(
                    Problem(
                        text.source,
                        text.key_lines.get(("title",)),
                        "title",
                        f"duplicate {what} title (also in {first})",
                    )
                )
    for finding in audit.findings:
        if finding.recommendation:
            for name in ("impact", "effort"):
                if getattr(finding, name) is None:
                    problems.append(
                        Problem(
                            finding.source,
                            finding.key_lines.get(("recommendation",)),
                            name,
                            "a recommendation needs impact and effort for the priority matrix "
                            "(expected a whole number from 1 to 5)",
                        )
                    )
        problems += _completeness_warnings(finding)
    return problems


def _completeness_warnings(finding: Any) -> list[Problem]:
    warnings = []
    if not finding.evidence and not finding.anecdotes:
        warnings.append(
            Problem(
                finding.source,
                finding.key_lines.get(("title",)),
                "evidence",
                "finding has no evidence or anecdotes",
                "warning",
            )
        )
    if finding.kind == "weakness" and not finding.recommendation:
        warnings.append(
            Problem(
                finding.source,
                finding.key_lines.get(("kind",)),
                "recommendation",
                "weakness without a recommendation",
                "warning",
            )
        )
    return warnings


def coverage_warnings(portfolio: Portfolio) -> list[Problem]:
    """An audit's dimensions in scope without a final finding: shown as not assessed.

    Often a deliberate scope, so only `check` reports it (and `check --strict` refuses it).
    """
    problems = []
    keys = [d.key for d in portfolio.scoring_model.dimensions]
    for organisation in portfolio.organisations:
        for audit in organisation.audits:
            assessed = {f.dimension for f in audit.findings if f.status == "final"}
            if missing := [k for k in keys if audit.examines(k) and k not in assessed]:
                problems.append(
                    Problem(
                        audit.source,
                        audit.key_lines.get(("dimensions",)),
                        "dimensions",
                        f"no final finding for {', '.join(missing)}: the report shows these as "
                        "not assessed (leave them out of the audit's dimensions if this audit "
                        "did not examine them)",
                        "warning",
                    )
                )
    return problems
