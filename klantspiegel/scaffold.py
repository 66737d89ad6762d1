"""New source files: a portfolio, organisation, audit, finding or customer story to fill in.

Every field of the schema is written, each under a comment with its meaning and allowed
values, and with a placeholder that validates: a text in the report's language
(klantspiegel.placeholders, which `check` also uses to find the ones left), the schemas.py
example for a value that has no language (a score, a choice), today for dates, the
portfolio's first dimension, and `draft` status so that nothing reaches a client unfinished.
Comments come from the same field descriptions as docs/authoring.md (klantspiegel.guide).

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

from klantspiegel.guide import yaml_value
from klantspiegel.i18n import available_languages, default_locale, language_of
from klantspiegel.load import (
    AUDIT_FILE,
    NOT_CONTENT,
    ORGANISATION_FILE,
    PORTFOLIO_FILE,
    content_folders_in,
    load_portfolio,
    load_settings,
)
from klantspiegel.model import (
    AnecdoteFields,
    AuditFields,
    FindingFields,
    OrganisationFields,
    PortfolioConfig,
    ScoringModel,
)
from klantspiegel.placeholders import BODY, Placeholders, placeholders
from klantspiegel.schema_fields import DATE_WORDS, FieldDoc, documented_fields
from klantspiegel.source import DEFAULT_MAX_FILE_BYTES, read_yaml_file
from klantspiegel.text import slugify
from klantspiegel.validate import suggestion

Kind = Literal["organisation", "audit", "finding", "anecdote"]
KINDS: tuple[Kind, ...] = typing.get_args(Kind)
FINDINGS_DIR, ANECDOTES_DIR = "findings", "anecdotes"
COMMENT_WIDTH = 95


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
    language: str | None = None,
) -> Path:
    """Write a new organisation, audit, finding or anecdote into the portfolio.

    `name` is the human name (the title); its slug names the file or folder. An audit needs
    `organisation`; a finding or anecdote needs `organisation` and `audit` (folder names).
    Placeholders are in the report language: `language` or the portfolio's for a new
    organisation, the organisation's for the rest.
    Returns the file written; raises ScaffoldError, having written nothing, when it cannot.
    """
    if kind not in KINDS:
        raise ScaffoldError(f"cannot make a '{kind}'{suggestion(kind, list(KINDS))}")
    root = portfolio_root
    slug = slugify(name)
    if not slug:
        raise ScaffoldError(f"the name {name!r} has no letters or digits to make a file name from")
    config, model = _portfolio_settings(root)
    dates = today or dt.date.today()
    if kind == "organisation":
        return _new_organisation(root, slug, name, config, language, dates)
    if language is not None:
        raise ScaffoldError(
            f"a new {kind} is in its organisation's language; --language is "
            "for a new portfolio or organisation"
        )
    organisation_folder = _find(root, organisation, ORGANISATION_FILE, "organisation", kind)
    texts = placeholders(_organisation_language(organisation_folder, config.language))
    if kind == "audit":
        return _new_audit(root, organisation_folder, slug, name, model, dates, texts)
    audit_folder = _find(organisation_folder, audit, AUDIT_FILE, "audit", kind)
    return _new_story_or_finding(kind, audit_folder, slug, name, model, dates, texts)


def _new_organisation(
    root: Path, slug: str, name: str, config: PortfolioConfig, language: str | None, dates: dt.date
) -> Path:
    """organisation.yaml in a new folder, in `language` or the portfolio's."""
    if slug in NOT_CONTENT:
        raise ScaffoldError(f"'{slug}' is a reserved folder name; choose another name")
    texts = placeholders(_known_language(language or config.language))
    portfolio_locale = config.locale or default_locale(config.language)
    same = language_of(portfolio_locale) == texts.language
    values = {
        "name": name,
        "language": texts.language,
        "locale": portfolio_locale if same else default_locale(texts.language),
    }
    notes = {"sector": _sectors_note(root)}
    text = _file_text(OrganisationFields, "organisation", values, notes, dates, texts)
    return _create(root / slug / ORGANISATION_FILE, text)


def _new_audit(
    root: Path,
    organisation_folder: Path,
    slug: str,
    name: str,
    model: ScoringModel,
    dates: dt.date,
    texts: Placeholders,
) -> Path:
    """audit.yaml in a new folder, with its findings and anecdotes folders and a follow-up
    entry per recommendation of the audit before."""
    keys = [d.key for d in model.dimensions]
    follow_up = _follow_up(
        root, organisation_folder, dates, texts.of("audit")["follow_up"]["comment"]
    )
    values = {
        "title": name,
        "status": "draft",
        "dimensions": keys,
        "survey": None,
        "follow_up": follow_up,
    }
    notes = {
        "dimensions": "In this portfolio: " + ", ".join(keys) + "; remove the ones "
        "this audit does not examine.",
        "key_messages": "What a reader must remember, in your own words; delete the "
        "field to have them written from the scores.",
        "survey": "Leave it null for a survey.csv whose questions are found by their header text.",
        "follow_up": "One entry per recommendation of the audit before: give each "
        "its status and say what was done."
        if follow_up
        else "Empty: there are no recommendations of an earlier audit to follow up.",
    }
    text = _file_text(AuditFields, "audit", values, notes, dates, texts)
    path = _create(organisation_folder / slug / AUDIT_FILE, text)
    for folder in (FINDINGS_DIR, ANECDOTES_DIR):
        (path.parent / folder).mkdir(exist_ok=True)
    return path


def _new_story_or_finding(
    kind: Kind,
    audit_folder: Path,
    slug: str,
    name: str,
    model: ScoringModel,
    dates: dt.date,
    texts: Placeholders,
) -> Path:
    """A finding or anecdote file: front matter, then a placeholder body."""
    stories = sorted(slugify(p.stem) for p in (audit_folder / ANECDOTES_DIR).glob("*.md"))
    if kind == "finding":
        folder = audit_folder / FINDINGS_DIR
        keys = [d.key for d in model.dimensions]
        values = {"title": name, "dimension": keys[0], "anecdotes": [], "status": "draft"}
        notes = {
            "dimension": "In this portfolio: " + ", ".join(keys) + ".",
            "anecdotes": ("Stories in this audit: " + ", ".join(stories) + ".")
            if stories
            else "This audit has no stories yet.",
        }
        text = _file_text(FindingFields, kind, values, notes, dates, texts)
    else:
        folder = audit_folder / ANECDOTES_DIR
        values = {"title": name, "status": "draft"}
        text = _file_text(AnecdoteFields, kind, values, {}, dates, texts)
    _refuse_same_web_name(folder, slug)
    body = str(texts.of(kind)[BODY]).strip()
    return _create(folder / f"{slug}.md", f"---\n{text}---\n{body}\n")


def scaffold_portfolio(
    folder: Path,
    language: str,
    consultancy: str | None = None,
    *,
    today: dt.date | None = None,
) -> list[Path]:
    """Start a portfolio in `folder`, which must be new or empty: portfolio.yaml and one
    organisation with one audit, one finding and one customer story, with every
    placeholder in `language`. It builds at once; `check` lists what is left to fill in.

    Returns the files written; raises ScaffoldError, having written nothing, when it cannot.
    """
    texts = placeholders(_known_language(language))
    if folder.is_symlink() or (folder.exists() and (not folder.is_dir() or any(folder.iterdir()))):
        raise ScaffoldError(
            f"{folder} already exists and is not an empty folder; a new "
            "portfolio needs a new or empty one (nothing was written)"
        )
    dates = today or dt.date.today()
    values = {"language": language, "locale": default_locale(language), "logo": None}
    if consultancy:
        values["consultancy"] = consultancy
    notes = {
        "sectors": "Organisations name their sector by its key; add the sectors of your clients."
    }
    written = [
        _create(
            folder / PORTFOLIO_FILE,
            _file_text(PortfolioConfig, "portfolio", values, notes, dates, texts),
        )
    ]
    organisation = scaffold(
        "organisation",
        folder,
        None,
        None,
        texts.of("organisation")["name"],
        today=dates,
        language=language,
    )
    audit = scaffold(
        "audit", folder, organisation.parent.name, None, texts.of("audit")["title"], today=dates
    )
    where = (organisation.parent.name, audit.parent.name)
    written += [organisation, audit]
    for kind in ("anecdote", "finding"):  # the story first, so the finding's note names it
        written.append(scaffold(kind, folder, *where, texts.of(kind)["title"], today=dates))
    return written


def _file_text(
    schema: type[BaseModel],
    kind: str,
    values: Mapping[str, Any],
    notes: Mapping[str, str],
    today: dt.date,
    texts: Placeholders,
) -> str:
    """The front matter of one kind of file, its English placeholders marked as such."""
    marks = texts.marks(kind)
    joined = {
        field: " ".join(n for n in (notes.get(field), marks.get(field)) if n)
        for field in {*notes, *marks}
    }
    what = {"anecdote": "customer story (anecdote)"}.get(kind, kind)
    return front_matter(schema, values, today, joined, what, texts.of(kind))


def front_matter(
    model: type[BaseModel],
    values: Mapping[str, Any],
    today: dt.date,
    notes: Mapping[str, str],
    what: str,
    texts: Mapping[str, Any] | None = None,
) -> str:
    """YAML with every field of `model`, each under a comment; `values` win over `texts`
    (the placeholders in the report's language), and those over the model's examples."""
    intro = (
        f"A new {what}: replace the example values. Each field is explained in docs/authoring.md."
    )
    lines = [*textwrap.wrap(intro, COMMENT_WIDTH, initial_indent="# ", subsequent_indent="# "), ""]
    for doc in documented_fields(model):
        lines += _comment(doc, notes.get(doc.name, ""), "")
        value = values[doc.name] if doc.name in values else placeholder(doc, today, texts)
        lines += _field_lines(doc, value, "")
    return "\n".join(lines) + "\n"


def placeholder(doc: FieldDoc, today: dt.date, texts: Mapping[str, Any] | None = None) -> Any:
    """A value that validates: today for a date, one item for a list of mappings, else the
    text in `texts` (a language's placeholders), else the model's example, else the default."""
    texts = texts or {}
    if doc.kind == DATE_WORDS:
        return today
    if doc.item_model is not None and doc.kind.startswith("list"):
        own = texts.get(doc.name)
        own = own if isinstance(own, Mapping) else {}
        return [{d.name: placeholder(d, today, own) for d in documented_fields(doc.item_model)}]
    if doc.name in texts:
        return texts[doc.name]
    return doc.example if doc.example is not None else doc.default


def _known_language(language: str) -> str:
    if language not in available_languages():
        raise ScaffoldError(
            f"no report language '{language}'{suggestion(language, list(available_languages()))}"
        )
    return language


def _organisation_language(folder: Path, default: str) -> str:
    """The organisation's report language as its file says, else the portfolio's."""
    document = read_yaml_file(folder / ORGANISATION_FILE, [], DEFAULT_MAX_FILE_BYTES)
    language = document.data.get("language") if document else None
    return language if isinstance(language, str) and language in available_languages() else default


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
    return textwrap.wrap(
        text,
        COMMENT_WIDTH - len(indent),
        initial_indent=f"{indent}# ",
        subsequent_indent=f"{indent}# ",
        break_on_hyphens=False,
    )


def _portfolio_settings(root: Path) -> tuple[PortfolioConfig, ScoringModel]:
    """The portfolio's configuration and scoring model, as the build reads them."""
    if not (root / PORTFOLIO_FILE).is_file():
        raise ScaffoldError(f"no {PORTFOLIO_FILE} in {root}: is this the portfolio folder?")
    config, model, problems = load_settings(root)
    if config is None or model is None:
        found = "\n".join(p.format(relative_to=Path.cwd()) for p in problems)
        raise ScaffoldError(f"the portfolio's configuration has problems; fix them first:\n{found}")
    return config, model


def _find(parent: Path, wanted: str | None, marker: str, what: str, kind: str) -> Path:
    """The folder of an existing organisation or audit, by folder name (or its slug)."""
    known = [f.name for f in content_folders_in(parent) if (f / marker).is_file()]
    listing = f"; {what}s: {', '.join(known)}" if known else f"; there is no {what} yet"
    if not wanted:
        raise ScaffoldError(f"a new {kind} needs the {what} it belongs to{listing}")
    for candidate in (wanted, slugify(wanted)):
        if candidate in known:
            return parent / candidate
    hint = suggestion(slugify(wanted) or wanted, known) if known else listing
    raise ScaffoldError(f"no {what} '{wanted}' in {parent}{hint}")


def _follow_up(
    root: Path, organisation_folder: Path, today: dt.date, comment: str
) -> list[dict[str, str]]:
    """An entry per final recommendation of the organisation's latest audit before `today`
    (the follow-up check wants one each), with the placeholder comment; none when the
    portfolio does not load."""
    portfolio, _ = load_portfolio(root)
    folder = organisation_folder.resolve()
    organisation = (
        next((o for o in portfolio.organisations if o.source.parent == folder), None)
        if portfolio
        else None
    )
    earlier = [a for a in organisation.audits if a.date <= today] if organisation else []
    if not earlier:
        return []
    return [
        {"recommendation": f.slug, "status": "not_started", "comment": comment}
        for f in earlier[-1].findings
        if f.recommendation and f.is_final
    ]


def _sectors_note(root: Path) -> str:
    """Sectors already used, since peers are compared by the same spelling."""
    sectors = set()
    for folder in content_folders_in(root):
        document = (
            read_yaml_file(folder / ORGANISATION_FILE, [], DEFAULT_MAX_FILE_BYTES)
            if (folder / ORGANISATION_FILE).is_file()
            else None
        )
        sector = document.data.get("sector") if document else None
        if isinstance(sector, str) and sector.strip():
            sectors.add(sector.strip())
    if not sectors:
        return ""
    return "Sectors in this portfolio: " + ", ".join(sorted(sectors, key=str.casefold)) + "."


def _refuse_same_web_name(folder: Path, slug: str) -> None:
    same = sorted(p.name for p in folder.glob("*.md") if slugify(p.stem) == slug)
    if same:
        raise ScaffoldError(
            f"{folder / same[0]} already exists with the web name '{slug}'; "
            "choose another name (nothing was written)"
        )


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
