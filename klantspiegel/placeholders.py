"""The placeholders `new` writes, per report language, and the check that none is left behind.

A scaffold must validate, so its placeholders are real values; the danger is that they stay
and reach a report. They are data, one file per language in klantspiegel/scaffold_texts/
(`<kind>: <field>: text`), so the scaffolds write them in the portfolio's language and `check`
recognises every one of them, whatever language it was written in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from klantspiegel.model import Portfolio
from klantspiegel.problems import Problem
from klantspiegel.source import DEFAULT_MAX_FILE_BYTES, dotted, read_text, read_yaml_file
from klantspiegel.text import render_markdown

TEXTS_DIR = Path(__file__).resolve().parent / "scaffold_texts"
SOURCE_LANGUAGE = "en"  # every language falls back to it, key by key
BODY = "text"  # the key of the Markdown under the front matter, as the loader names it
LEFT = "still the placeholder from `new`: replace it with your own"


@dataclass(frozen=True)
class Placeholders:
    """The placeholder texts of one language; those it lacks are English and `borrowed`."""

    language: str
    texts: Mapping[str, Mapping[str, Any]]  # kind -> field -> text (or list, or item fields)
    borrowed: frozenset[tuple[str, str]]  # (kind, field) written in English for want of one

    def of(self, kind: str) -> Mapping[str, Any]:
        """Field -> placeholder for one kind of file: portfolio, organisation, audit, ..."""
        return self.texts.get(kind, {})

    def marks(self, kind: str) -> dict[str, str]:
        """A note per field whose placeholder is English because the language has none."""
        note = (
            f"The placeholder is English: there is no '{self.language}' text in "
            f"klantspiegel/scaffold_texts/ yet."
        )
        return {field: note for k, field in self.borrowed if k == kind}


@cache
def _texts_file(language: str) -> Mapping[str, Mapping[str, Any]]:
    path = TEXTS_DIR / f"{language}.yaml"
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def texts_languages() -> tuple[str, ...]:
    """The languages that have placeholder texts of their own."""
    return tuple(sorted(p.stem for p in TEXTS_DIR.glob("*.yaml")))


@cache
def placeholders(language: str) -> Placeholders:
    """The placeholders for a report language, English wherever it has no text of its own."""
    source, own = _texts_file(SOURCE_LANGUAGE), _texts_file(language)
    texts: dict[str, dict[str, Any]] = {}
    borrowed = set()
    for kind, fields in source.items():
        texts[kind] = {}
        for field, text in fields.items():
            if field in own.get(kind, {}):
                texts[kind][field] = own[kind][field]
            else:
                texts[kind][field] = text
                borrowed.add((kind, field))
    return Placeholders(language, texts, frozenset(borrowed))


def placeholder_warnings(portfolio: Portfolio) -> list[Problem]:
    """A warning for every value still equal to a placeholder of `new`, in any language."""
    known = [placeholders(language) for language in texts_languages()]
    config_file = portfolio.root / "portfolio.yaml"
    document = read_yaml_file(config_file, [], DEFAULT_MAX_FILE_BYTES)
    config_lines = document.key_lines if document else {}
    problems = _left(known, "portfolio", portfolio.config, config_file, config_lines)
    for organisation in portfolio.organisations:
        problems += _left(
            known, "organisation", organisation, organisation.source, organisation.key_lines
        )
        for audit in organisation.audits:
            problems += _left(known, "audit", audit, audit.source, audit.key_lines)
            for kind, files in (("finding", audit.findings), ("anecdote", audit.anecdotes)):
                for file in files:
                    problems += _left(known, kind, file, file.source, file.key_lines)
    return problems


def _left(
    known: list[Placeholders],
    kind: str,
    item: Any,
    path: Path,
    key_lines: Mapping[tuple[str | int, ...], int],
) -> list[Problem]:
    """The placeholders of `kind` still in one file's values."""
    found = []
    for key_path in dict.fromkeys(_matches(known, kind, item)):
        line = key_lines.get(key_path) or key_lines.get(key_path[:1])
        if key_path == (BODY,):
            line = _body_line(path, known, kind)
        found.append(Problem(path, line, dotted(key_path), LEFT, "warning"))
    return found


def _matches(known: list[Placeholders], kind: str, item: Any) -> Iterator[tuple[str | int, ...]]:
    for texts in known:
        for field, text in texts.of(kind).items():
            if field == BODY:
                if _has_body(item, text):
                    yield (BODY,)
                continue
            yield from ((field, *rest) for rest in _same(getattr(item, field, None), text))


def _same(value: Any, text: Any) -> Iterator[tuple[str | int, ...]]:
    """Where `value` (a field of a loaded file) still holds the placeholder `text`."""
    if isinstance(value, str):
        if isinstance(text, str) and value == text:
            yield ()
    elif isinstance(value, dict) and isinstance(text, Mapping):  # portfolio sectors, by key
        yield from ((key,) for key in value if key in text)
    elif isinstance(value, list | tuple):
        for number, entry in enumerate(value):
            if isinstance(text, Mapping):  # the fields of a list's items
                for field, sub in text.items():
                    yield from (
                        (number, field, *rest) for rest in _same(getattr(entry, field, None), sub)
                    )
            elif isinstance(text, list) and entry in text:
                yield (number,)


def _body_line(path: Path, known: list[Placeholders], kind: str) -> int | None:
    """The line where a placeholder text under the front matter starts (by its first words)."""
    starts = {tuple(str(t.of(kind)[BODY]).split()[:6]) for t in known if BODY in t.of(kind)}
    text = read_text(path, [], DEFAULT_MAX_FILE_BYTES) or ""
    for number, line in enumerate(text.splitlines(), start=1):
        if tuple(line.split()[:6]) in starts:
            return number
    return None


def _has_body(item: Any, text: str) -> bool:
    html = getattr(item, "html", None)
    return isinstance(html, str) and str(render_markdown(text).html).strip() in html
