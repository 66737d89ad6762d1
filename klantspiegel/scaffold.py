"""New source files: an organisation, audit, finding or customer story to fill in.

Every field of the schema is written, each under a comment with its meaning and allowed
values, and with a placeholder that validates: the example from model.py, today for dates,
the portfolio's first dimension, and `draft` status so that nothing reaches a client
unfinished. Comments and placeholders come from the same field descriptions as
docs/authoring.md (klantspiegel.guide), so the two always agree.

A scaffold only creates: it refuses to overwrite a file and never touches another one.
"""

from __future__ import annotations

import datetime as dt
import textwrap
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from klantspiegel.guide import DATE_WORDS, FieldDoc, documented_fields, yaml_value
from klantspiegel.load import (
    AUDIT_FILE,
    NOT_CONTENT,
    ORGANISATION_FILE,
    PORTFOLIO_FILE,
    _content_folders,
    _Reader,
)
from klantspiegel.model import (
    AnecdoteFields,
    AuditFields,
    FindingFields,
    OrganisationFields,
    PortfolioConfig,
    ScoringModel,
)
from klantspiegel.source import DEFAULT_MAX_FILE_BYTES, read_yaml_file
from klantspiegel.text import slugify
from klantspiegel.validate import suggestion

Kind = Literal["organisation", "audit", "finding", "anecdote"]
KINDS: tuple[Kind, ...] = typing.get_args(Kind)
FINDINGS_DIR, ANECDOTES_DIR = "findings", "anecdotes"
COMMENT_WIDTH = 95

BODIES = {
    "finding": (
        "What we saw, where and how often, and why it matters to the customer: the finding "
        "in Markdown. Replace this text; the report shows it under the title.\n"
    ),
    "anecdote": (
        "The customer's story in a few paragraphs of Markdown: what they needed, what "
        "happened at each step, and how it ended. Replace this text.\n"
    ),
}


class ScaffoldError(Exception):
    """Why the file cannot be made: a bad name, an unknown organisation or audit, a file
    that already exists, or a portfolio whose configuration cannot be read."""


def scaffold(
    kind: Kind,
    portfolio_root: Path,
    organisation: str | None,
    audit: str | None,
    name: str,
    *,
    today: dt.date | None = None,
) -> Path:
    """Write a new organisation, audit, finding or anecdote into the portfolio.

    `name` is the human name (the title); its slug names the file or folder. An audit needs
    `organisation`; a finding or anecdote needs `organisation` and `audit` (folder names).
    Returns the file written; raises ScaffoldError, having written nothing, when it cannot.
    """
    if kind not in KINDS:
        raise ScaffoldError(f"cannot make a '{kind}'{suggestion(kind, list(KINDS))}")
    root = portfolio_root
    slug = slugify(name)
    if not slug:
        raise ScaffoldError(f"the name {name!r} has no letters or digits to make a file name "
                            "from")
    config, model = _portfolio_settings(root)
    dates = today or dt.date.today()
    if kind == "organisation":
        if slug in NOT_CONTENT:
            raise ScaffoldError(f"'{slug}' is a reserved folder name; choose another name")
        values = {"name": name, "language": config.language}
        notes = {"sector": _sectors_note(root)}
        text = front_matter(OrganisationFields, values, dates, notes, "organisation")
        return _create(root / slug / ORGANISATION_FILE, text)
    organisation_folder = _find(root, organisation, ORGANISATION_FILE, "organisation", kind)
    if kind == "audit":
        keys = [d.key for d in model.dimensions]
        values = {"title": name, "status": "draft", "dimensions": keys}
        notes = {"dimensions": "In this portfolio: " + ", ".join(keys) + "; remove the ones "
                 "this audit does not examine.",
                 "key_messages": "What a reader must remember, in your own words; delete the "
                 "field to have them written from the scores."}
        text = front_matter(AuditFields, values, dates, notes, "audit")
        path = _create(organisation_folder / slug / AUDIT_FILE, text)
        for folder in (FINDINGS_DIR, ANECDOTES_DIR):
            (path.parent / folder).mkdir(exist_ok=True)
        return path
    audit_folder = _find(organisation_folder, audit, AUDIT_FILE, "audit", kind)
    stories = sorted(slugify(p.stem) for p in (audit_folder / ANECDOTES_DIR).glob("*.md"))
    if kind == "finding":
        folder = audit_folder / FINDINGS_DIR
        keys = [d.key for d in model.dimensions]
        values = {"title": name, "dimension": keys[0], "anecdotes": [], "status": "draft"}
        notes = {
            "dimension": "In this portfolio: " + ", ".join(keys) + ".",
            "anecdotes": ("Stories in this audit: " + ", ".join(stories) + ".") if stories
            else "This audit has no stories yet.",
        }
        text = front_matter(FindingFields, values, dates, notes, "finding")
    else:
        folder = audit_folder / ANECDOTES_DIR
        values = {"title": name, "status": "draft"}
        text = front_matter(AnecdoteFields, values, dates, {}, "customer story (anecdote)")
    _refuse_same_web_name(folder, slug)
    return _create(folder / f"{slug}.md", f"---\n{text}---\n{BODIES[kind]}")


def front_matter(
    model: type[BaseModel],
    values: Mapping[str, Any],
    today: dt.date,
    notes: Mapping[str, str],
    what: str,
) -> str:
    """YAML with every field of `model`, each under a comment; `values` win over examples."""
    intro = f"A new {what}: replace the example values. Each field is explained in " \
            "docs/authoring.md."
    lines = [*textwrap.wrap(intro, COMMENT_WIDTH, initial_indent="# ", subsequent_indent="# "),
             ""]
    for doc in documented_fields(model):
        lines += _comment(doc, notes.get(doc.name, ""), "")
        value = values[doc.name] if doc.name in values else placeholder(doc, today)
        lines += _field_lines(doc, value, "")
    return "\n".join(lines) + "\n"


def placeholder(doc: FieldDoc, today: dt.date) -> Any:
    """A value that validates: today for a date, one example item for a list of mappings,
    else the model's example, else the default."""
    if doc.kind == DATE_WORDS:
        return today
    if doc.item_model is not None and doc.kind.startswith("list"):
        return [{d.name: placeholder(d, today) for d in documented_fields(doc.item_model)}]
    return doc.example if doc.example is not None else doc.default


def _field_lines(doc: FieldDoc, value: Any, indent: str) -> list[str]:
    if doc.item_model is None or not isinstance(value, list) or not value:
        return [f"{indent}{doc.name}: {yaml_value(value)}"]
    lines = [f"{indent}{doc.name}:"]
    item_indent = indent + "    "
    for item in value:
        for number, sub in enumerate(documented_fields(doc.item_model)):
            comment = _comment(sub, "", item_indent)
            if number == 0:  # "  - # comment": the item starts on the comment's line
                comment[0] = f"{indent}  - {comment[0].lstrip()}"
            lines += comment
            lines += _field_lines(sub, item.get(sub.name), item_indent)
    return lines


def _comment(doc: FieldDoc, note: str, indent: str) -> list[str]:
    required = "required" if doc.required else "optional"
    if not doc.required and doc.default not in (None, "", []):
        required += f" (default: {yaml_value(doc.default)})"
    meaning = f"{doc.meaning[0].upper()}{doc.meaning[1:]}".rstrip(".")
    text = f"{meaning}. {doc.kind[0].upper()}{doc.kind[1:]}; {required}. {note}".rstrip()
    return textwrap.wrap(text, COMMENT_WIDTH - len(indent), initial_indent=f"{indent}# ",
                         subsequent_indent=f"{indent}# ", break_on_hyphens=False)


def _portfolio_settings(root: Path) -> tuple[PortfolioConfig, ScoringModel]:
    """The portfolio's configuration and scoring model, as the build reads them."""
    if not (root / PORTFOLIO_FILE).is_file():
        raise ScaffoldError(f"no {PORTFOLIO_FILE} in {root}: is this the portfolio folder?")
    reader = _Reader(root.resolve())
    config = reader.config()
    model = reader.scoring_model(config.scoring_model) if config else None
    if config is None or model is None:
        found = "\n".join(p.format(root.resolve()) for p in reader.problems)
        raise ScaffoldError(f"the portfolio's configuration has problems; fix them first:\n"
                            f"{found}")
    return config, model


def _find(parent: Path, wanted: str | None, marker: str, what: str, kind: str) -> Path:
    """The folder of an existing organisation or audit, by folder name (or its slug)."""
    known = [f.name for f in _content_folders(parent) if (f / marker).is_file()]
    listing = f"; {what}s: {', '.join(known)}" if known else f"; there is no {what} yet"
    if not wanted:
        raise ScaffoldError(f"a new {kind} needs the {what} it belongs to{listing}")
    for candidate in (wanted, slugify(wanted)):
        if candidate in known:
            return parent / candidate
    hint = suggestion(slugify(wanted) or wanted, known) if known else listing
    raise ScaffoldError(f"no {what} '{wanted}' in {parent}{hint}")


def _sectors_note(root: Path) -> str:
    """Sectors already used, since peers are compared by the same spelling."""
    sectors = set()
    for folder in _content_folders(root):
        document = read_yaml_file(folder / ORGANISATION_FILE, [], DEFAULT_MAX_FILE_BYTES) \
            if (folder / ORGANISATION_FILE).is_file() else None
        sector = document.data.get("sector") if document else None
        if isinstance(sector, str) and sector.strip():
            sectors.add(sector.strip())
    if not sectors:
        return ""
    return "Sectors in this portfolio: " + ", ".join(sorted(sectors, key=str.casefold)) + "."


def _refuse_same_web_name(folder: Path, slug: str) -> None:
    same = sorted(p.name for p in folder.glob("*.md") if slugify(p.stem) == slug)
    if same:
        raise ScaffoldError(f"{folder / same[0]} already exists with the web name '{slug}'; "
                            "choose another name (nothing was written)")


def _create(path: Path, text: str) -> Path:
    """Write a new file; never replace one."""
    if path.exists():
        raise ScaffoldError(f"{path} already exists; choose another name (nothing was written)")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError as error:
        raise ScaffoldError(f"{path} already exists; choose another name") from error
    return path
