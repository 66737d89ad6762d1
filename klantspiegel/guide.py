"""The authoring guide, docs/authoring.md, generated from the schemas in schemas.py.

Type, default, meaning and example of every front-matter field come from the pydantic models
the loader validates against, so the guide cannot drift from what a build accepts. A field
without a description stops the generator: a new field has to be documented to exist.
The words for each field's type come from schema_fields, shared with validation and exports.

    python -m klantspiegel.guide            rewrite docs/authoring.md
    python -m klantspiegel.guide --check    exit 1 when docs/authoring.md is out of date
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from klantspiegel.i18n import Translator, available_languages
from klantspiegel.kpis import STANDARD_KPIS
from klantspiegel.load import DEFAULT_SCORING_MODEL
from klantspiegel.model import (
    AnecdoteFields,
    AuditFields,
    Dimension,
    Evidence,
    FindingFields,
    FollowUp,
    JourneyStep,
    KpiFields,
    Level,
    OrganisationFields,
    PortfolioConfig,
    ScoringModel,
)
from klantspiegel.schema_fields import ITEM_NAMES, FieldDoc, documented_fields

GUIDE_PATH = Path(__file__).resolve().parent.parent / "docs" / "authoring.md"
GENERATOR = "python -m klantspiegel.guide"


# --- YAML as an author writes it --------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Writes dates and date-like text bare, as the loader reads them (dates stay text)."""


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}
_Dumper.add_representer(dt.date, lambda dumper, value: dumper.represent_str(value.isoformat()))


def yaml_value(value: Any) -> str:
    """A value as it would be written after `key: ` in YAML, on one line."""
    text = yaml.dump(
        value,
        Dumper=_Dumper,
        default_flow_style=True,
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
    )
    return text.removesuffix("\n").removesuffix("\n...").strip()


# --- the guide ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    """One kind of source file: its heading, where it lives, what it is, and its schema."""

    heading: str
    where: str
    about: str
    model: type[BaseModel]
    parts: tuple[type[BaseModel], ...] = ()  # nested items documented under it


FILE_KINDS: tuple[FileKind, ...] = (
    FileKind(
        "portfolio.yaml",
        "audits/portfolio.yaml",
        "One per portfolio: who the consultancy is and how its reports look.",
        PortfolioConfig,
    ),
    FileKind(
        "organisation.yaml",
        "audits/<organisation>/organisation.yaml",
        "One per organisation. The folder name is the organisation's web address; every "
        "folder next to this file is one of its audits.",
        OrganisationFields,
    ),
    FileKind(
        "audit.yaml",
        "audits/<organisation>/<audit>/audit.yaml",
        "One per audit. The latest audit (by date) is the organisation's report; earlier "
        "ones show the trend. A second or later audit follows up every recommendation of "
        "the audit before it in `follow_up` (one left out is a warning): the report shows "
        "what became of each, and the share implemented.",
        AuditFields,
        (FollowUp,),
    ),
    FileKind(
        "Finding",
        "audits/<organisation>/<audit>/findings/<name>.md",
        "One finding per file: front matter between two `---` lines, then the finding in "
        "Markdown (what we saw, why it matters). The file name is its web address. A "
        "recommendation needs impact and effort, for the priority matrix.",
        FindingFields,
        (Evidence,),
    ),
    FileKind(
        "Customer story",
        "audits/<organisation>/<audit>/anecdotes/<name>.md",
        "One customer story (anecdote) per file: front matter with the journey, then the "
        "story in Markdown. Findings link to it by its file name.",
        AnecdoteFields,
        (JourneyStep,),
    ),
    FileKind(
        "kpis.yaml",
        "audits/<organisation>/<audit>/kpis.yaml",
        "Optional: the organisation's KPIs, as a list under `kpis:`. A standard KPI (table "
        "below) only needs key, value, period and source; a KPI of your own also needs "
        "name, kind and higher_is_better.",
        KpiFields,
    ),
)

SCORING_MODEL_PARTS: tuple[type[BaseModel], ...] = (ScoringModel, Dimension, Level)
LABELS_TEXT = [
    "A name or description is a mapping from language code to text, one line per language:",
    "",
    "```yaml",
    "label:",
    "  nl: Bereikbaarheid & kanalen",
    "  en: Reachability & channels",
    "```",
    "",
    "Give the languages your reports use: the portfolio's `language` and each organisation's. "
    "`check` names every text missing in one of them (an English-only portfolio needs only "
    "`en:`). A sector without a name in a report's language shows its first name, with a "
    "warning. A report language is English or any language with a message catalog in "
    "`klantspiegel/locale/<language>/LC_MESSAGES/messages.po`: adding French is that "
    "catalog and `fr:` texts, nothing else.",
    "",
    "`locale` (portfolio.yaml, organisation.yaml) sets how dates and numbers are written: "
    "nl-NL, nl-BE, en-GB, en-US, or any locale of an available language. Left out, it is "
    "nl-NL for Dutch and en-GB for English (our clients are European), and an organisation "
    "in the portfolio's language takes the portfolio's locale.",
    "",
]


def render_guide(kinds: Iterable[FileKind] = FILE_KINDS) -> str:
    """The whole guide as Markdown."""
    kinds = tuple(kinds)
    lines = [
        "# Authoring guide",
        "",
        f"<!-- Generated by `{GENERATOR}` from klantspiegel/schemas.py: do not edit by hand. -->",
        "",
        "Every file a consultant writes, and every field it may hold: its type, whether it is "
        "required (and its default when not), what it means and an example. Validation is "
        "strict: an unknown field is an error, so a typo never silently drops data.",
        "",
        "```",
        "audits/",
        "  portfolio.yaml",
        "  <organisation>/organisation.yaml",
        "  <organisation>/<audit>/audit.yaml",
        "  <organisation>/<audit>/findings/*.md      front matter + Markdown",
        "  <organisation>/<audit>/anecdotes/*.md     front matter + Markdown",
        "  <organisation>/<audit>/kpis.yaml          optional",
        "  <organisation>/<audit>/survey.csv         optional",
        "```",
        "",
        "Start a portfolio, or a new file in one, with every field filled in and explained, "
        "and placeholders in the report's language that validate; `check` lists every "
        "placeholder still left (`check --strict` refuses them):",
        "",
        "```sh",
        'python build.py new portfolio my-portfolio --language en --name "Consultancy"',
        'python build.py new organisation "Name of the organisation"',
        'python build.py new audit --organisation <organisation> "Najaar 2026"',
        'python build.py new finding --organisation <organisation> --audit <audit> "Title"',
        'python build.py new anecdote --organisation <organisation> --audit <audit> "Title"',
        "```",
        "",
        "Dates are written as YYYY-MM-DD. Quote text that starts with a character YAML "
        "reads specially (`#`, `&`, `*`, `!`, `%`, `@`, a quote, `[` or `{`), or that "
        "contains `: ` or ` #`. Folders and files become web addresses: lowercase letters, "
        "digits and hyphens work best.",
        "",
        "Contents: "
        + ", ".join(f"[{k.heading}](#{_anchor(k.heading)})" for k in kinds)
        + ", [survey.csv](#surveycsv), [Scoring model](#scoring-model).",
        "",
    ]
    for kind in kinds:
        lines += [f"## {kind.heading}", "", f"`{kind.where}`", "", kind.about, ""]
        lines += field_table(kind.model)
        for part in kind.parts:
            lines += [f"### {ITEM_NAMES[part].capitalize()}", "", *field_table(part)]
        if kind.model is KpiFields:
            lines += _standard_kpis()
    lines += _survey() + _scoring_model()
    return "\n".join(lines)


def field_table(model: type[BaseModel]) -> list[str]:
    """A Markdown table of a schema's fields, followed by an empty line."""
    rows = ["| Field | Type | Required | Meaning | Example |", "|---|---|---|---|---|"]
    for doc in documented_fields(model):
        cells = [f"`{doc.name}`", doc.kind, _required(doc), _sentence(doc.meaning), _example(doc)]
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return [*rows, ""]


def _required(doc: FieldDoc) -> str:
    if doc.required:
        return "required"
    if doc.default in (None, "", []):
        return "optional"
    return f"optional, default `{yaml_value(doc.default)}`"


def _example(doc: FieldDoc) -> str:
    if doc.example is not None:
        return f"`{yaml_value(doc.example)}`"
    if doc.item_model in ITEM_NAMES:
        name = ITEM_NAMES[doc.item_model]
        return f"see [{name}](#{_anchor(name)})"
    return ""


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def _standard_kpis() -> list[str]:
    rows = [
        "### Standard KPIs",
        "",
        "Result KPIs measure what the customer gets, work KPIs how busy the organisation is.",
        "",
        "| Key | "
        + " | ".join(f"Name ({lang})" for lang in available_languages())
        + " | Kind | Higher is better |",
        "|---|" + "---|" * len(available_languages()) + "---|---|",
    ]
    translators = [Translator(lang) for lang in available_languages()]
    for key, kpi in STANDARD_KPIS.items():
        better = "yes" if kpi.higher_is_better else "no"
        names = " | ".join(t.gettext(kpi.name) for t in translators)
        rows.append(f"| `{key}` | {names} | {kpi.kind} | {better} |")
    return [*rows, ""]


def _survey() -> list[str]:
    return [
        "## survey.csv",
        "",
        "`audits/<organisation>/<audit>/survey.csv` (or the file `survey: {file: ...}` in "
        "audit.yaml names)",
        "",
        "Optional: the customer survey, saved as it comes from the survey tool. The report "
        "computes the NPS from the 0-10 recommend question, and when the survey asks them, "
        "CSAT from a 1-5 satisfaction question and CES from a 1-7 effort question, each with "
        "its 95% interval, and a breakdown per segment.",
        "",
        "Read as they are: Qualtrics CSV (numeric or choice text, three header rows; the "
        "`_NPS_GROUP` column is ignored), SurveyMonkey (two header rows), Google Forms (Dutch "
        "or English), Typeform, Excel with Dutch settings (semicolons, Windows-1252, or "
        '"Unicode text": UTF-16 with tabs) and plain CRM exports with one header row, with '
        "or without a byte order mark. The recommend question is found by its header "
        '("How likely are you to recommend ...", "Hoe waarschijnlijk is het dat u ... '
        'aanbeveelt", `NPS`, `score`), satisfaction by "satisfied"/"tevreden", effort '
        'by "easy"/"gemakkelijk"; answers may be numbers or choice text '
        '("10 - Extremely likely"). Columns named channel, kanaal, region, regio, segment '
        "and the like become segments.",
        "",
        "Left out and counted, not errors: blank recommend answers, unfinished responses "
        "(Qualtrics `Finished` 0 or `Progress` under 100, Typeform partials), answers off the "
        "scale, and respondents the mapping's filter drops. A survey with nothing left, or "
        "whose recommend column mostly holds no 0-10 answers, is an error.",
        "",
        "Personal data never leaves the file: only the answer and segment columns are read. "
        "Names, e-mail and IP addresses, coordinates, respondent ids and open answers are "
        "dropped, and a segment column whose header or values are personal, or that has "
        "more than 20 different values, is refused.",
        "",
        "When a header does not say what it holds, or two columns could be the same "
        "question, name the columns in audit.yaml (any header row's text or the short name):",
        "",
        "```yaml",
        "survey:",
        "  file: export-oktober.csv",
        "  nps: Q7",
        "  csat: Q8",
        "  ces: Q9",
        "  segments: [Q12]",
        "  filter: {column: Finished, keep: ['1', 'True']}",
        "  min_segment_answers: 30",
        "```",
        "",
        "The simplest file is one column:",
        "",
        "```csv",
        "score",
        "9",
        "6",
        "10",
        "```",
        "",
    ]


def _scoring_model() -> list[str]:
    model = _default_scoring_model()
    languages = model.name.languages
    lines = [
        "## Scoring model",
        "",
        "A finding's `dimension` is a key of the scoring model. The default model's dimensions:",
        "",
        "| Key | " + "".join(f"Label ({lang}) | " for lang in languages) + "Weight |",
        "|---|" + "---|" * len(languages) + "---|",
    ]
    lines += [
        f"| `{d.key}` | "
        + "".join(f"{_cell(d.label[lang])} | " for lang in languages)
        + f"{d.weight:g} |"
        for d in model.dimensions
    ]
    lines += [
        "",
        "and its levels, reached from an overall index of at least the minimum:",
        "",
        "| Level | Minimum | " + " | ".join(f"Name ({lang})" for lang in languages) + " |",
        "|---|---|" + "---|" * len(languages),
    ]
    lines += [
        f"| {lv.level} | {lv.minimum:g} | "
        + " | ".join(_cell(lv.name[lang]) for lang in languages)
        + " |"
        for lv in model.levels
    ]
    lines += [
        "",
        "A portfolio can use a model of its own: `scoring_model: my-model.yaml` in "
        "portfolio.yaml, a file shaped like `klantspiegel/scoring_models/default.yaml`:",
        "",
    ]
    for part in SCORING_MODEL_PARTS:
        heading = "The model file" if part is ScoringModel else ITEM_NAMES[part].capitalize()
        lines += [f"### {heading}", "", *field_table(part)]
    return [*lines, "### Text per language", "", *LABELS_TEXT]


def _default_scoring_model() -> ScoringModel:
    data = yaml.safe_load(DEFAULT_SCORING_MODEL.read_text(encoding="utf-8"))
    return ScoringModel.model_validate(data)


def main(argv: list[str] | None = None) -> int:
    """Write the guide, or with --check tell whether the written one is up to date."""
    parser = argparse.ArgumentParser(
        prog="python -m klantspiegel.guide",
        description="Generate the authoring guide from the models.",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the guide is out of date; write nothing"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=GUIDE_PATH,
        metavar="FILE",
        help=f"file to write (default: {GUIDE_PATH})",
    )
    args = parser.parse_args(argv)
    text = render_guide()
    target: Path = args.output
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current != text:
            print(f"{target} is out of date: run {GENERATOR}", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
