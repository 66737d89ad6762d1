"""Loading: the portfolio folder -> validated, frozen domain objects (or a list of problems).

audits/
  portfolio.yaml                 consultancy, language, scoring model
  <organisation>/organisation.yaml
  <organisation>/<audit>/audit.yaml
  <organisation>/<audit>/findings/*.md     front matter + Markdown
  <organisation>/<audit>/anecdotes/*.md    front matter (with the journey) + Markdown
  <organisation>/<audit>/kpis.yaml         optional
  <organisation>/<audit>/survey.csv        optional: a `score` column of 0-10 answers
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from klantspiegel.kpis import STANDARD_KPIS
from klantspiegel.model import (
    Anecdote,
    AnecdoteFields,
    Audit,
    AuditFields,
    Bilingual,
    Finding,
    FindingFields,
    Kpi,
    KpiFile,
    Organisation,
    OrganisationFields,
    Portfolio,
    PortfolioConfig,
    ScoringModel,
    Survey,
)
from klantspiegel.problems import Problem
from klantspiegel.source import (
    DEFAULT_MAX_FILE_BYTES,
    Document,
    read_markdown_file,
    read_text,
    read_yaml_file,
)
from klantspiegel.text import render_markdown, slugify
from klantspiegel.validate import (
    check_references,
    check_scoring_model,
    cross_check,
    fields_of,
    suggestion,
)

PORTFOLIO_FILE = "portfolio.yaml"
ORGANISATION_FILE = "organisation.yaml"
AUDIT_FILE = "audit.yaml"
KPI_FILE = "kpis.yaml"
SURVEY_FILE = "survey.csv"
DEFAULT_SCORING_MODEL = Path(__file__).parent / "scoring_models" / "default.yaml"
NOT_CONTENT = {"templates", "assets", "node_modules"}


def load_portfolio(root: Path) -> tuple[Portfolio | None, list[Problem]]:
    """Load and validate a whole portfolio; the portfolio is None when any error was found."""
    root = root.resolve()
    problems: list[Problem] = []
    config = _load_config(root, problems)
    limit = config.max_file_bytes if config else DEFAULT_MAX_FILE_BYTES
    model = _load_scoring_model(root, config, problems, limit)
    default_language = config.language if config else "nl"
    dimension_keys = [d.key for d in model.dimensions] if model else None
    organisations = []
    for folder in _content_folders(root):
        organisation = _load_organisation(folder, default_language, dimension_keys, problems, limit)
        if organisation is not None:
            organisations.append(organisation)
    if config is None or model is None:
        return None, problems
    portfolio = Portfolio(
        root=root, config=config, scoring_model=model, organisations=tuple(organisations)
    )
    problems += cross_check(portfolio)
    if any(p.severity == "error" for p in problems):
        return None, problems
    return portfolio, problems


def _content_folders(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_dir() and p.name not in NOT_CONTENT and p.name[0] not in "._"
    )


def _load_config(root: Path, problems: list[Problem]) -> PortfolioConfig | None:
    path = root / PORTFOLIO_FILE
    if not path.is_file():
        problems.append(
            Problem(
                path, None, "", ("missing portfolio.yaml (expected at least 'consultancy: <name>')")
            )
        )
        return None
    document = read_yaml_file(path, problems, DEFAULT_MAX_FILE_BYTES)
    config = fields_of(PortfolioConfig, document, problems) if document else None
    if config and config.logo and document:
        logo = (root / config.logo).resolve()
        if not logo.is_relative_to(root) or not logo.is_file():
            problems.append(Problem(path, document.line_of(("logo",)), "logo", (
                f"logo '{config.logo}' not found inside the portfolio "
                "(expected an image file path relative to the portfolio folder)")))
            return None
    return config


def _load_scoring_model(
    root: Path, config: PortfolioConfig | None, problems: list[Problem], limit: int
) -> ScoringModel | None:
    choice = config.scoring_model if config else "default"
    if choice == "default":
        path = DEFAULT_SCORING_MODEL
    else:
        path = (root / choice).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            problems.append(
                Problem(
                    root / PORTFOLIO_FILE,
                    None,
                    "scoring_model",
                    (
                        f"scoring model '{choice}' not found inside the portfolio "
                        "(expected 'default' or a YAML file in the portfolio folder)"
                    ),
                )
            )
            return None
    document = read_yaml_file(path, problems, limit)
    model = fields_of(ScoringModel, document, problems) if document else None
    if model is not None and document is not None:
        model_problems = check_scoring_model(model, document)
        problems += model_problems
        return None if model_problems else model
    return None


def _load_organisation(
    folder: Path,
    default_language: str,
    dimension_keys: list[str] | None,
    problems: list[Problem],
    limit: int,
) -> Organisation | None:
    path = folder / ORGANISATION_FILE
    if not path.is_file():
        problems.append(
            Problem(
                path,
                None,
                "",
                (
                    "missing organisation.yaml: every folder in the portfolio is an organisation "
                    "(expected name, sector, size)"
                ),
            )
        )
        return None
    document = read_yaml_file(path, problems, limit)
    fields = fields_of(OrganisationFields, document, problems) if document else None
    audits = []
    for audit_folder in _content_folders(folder):
        audit = _load_audit(audit_folder, dimension_keys, problems, limit)
        if audit is not None:
            audits.append(audit)
    if not audits and not any(_content_folders(folder)):
        problems.append(
            Problem(
                path,
                None,
                "",
                (
                    "organisation has no audits "
                    "(expected a folder with audit.yaml next to this file)"
                ),
            )
        )
    if fields is None or not audits:
        return None
    return Organisation.model_construct(
        **dict(fields),
        slug=_slug(folder, problems),
        source=path,
        report_language=fields.language or default_language,
        audits=tuple(sorted(audits, key=lambda a: a.date)),
    )


def _load_audit(
    folder: Path, dimension_keys: list[str] | None, problems: list[Problem], limit: int
) -> Audit | None:
    path = folder / AUDIT_FILE
    if not path.is_file():
        problems.append(
            Problem(
                path,
                None,
                "",
                (
                    "missing audit.yaml: every folder in an organisation is an audit "
                    "(expected title, date, auditors, scope)"
                ),
            )
        )
        return None
    document = read_yaml_file(path, problems, limit)
    fields = fields_of(AuditFields, document, problems) if document else None
    findings, finding_documents = _load_texts(
        folder / "findings", FindingFields, Finding, problems, limit
    )
    anecdotes, anecdote_documents = _load_texts(
        folder / "anecdotes", AnecdoteFields, Anecdote, problems, limit
    )
    problems += check_references(
        finding_documents, {_slug(d.path, []) for d in anecdote_documents}, dimension_keys
    )
    kpis = _load_kpis(folder / KPI_FILE, problems, limit)
    survey = _load_survey(folder / SURVEY_FILE, problems, limit)
    if fields is None:
        return None
    return Audit.model_construct(
        **dict(fields),
        slug=_slug(folder, problems),
        source=path,
        findings=tuple(findings),
        anecdotes=tuple(anecdotes),
        kpis=tuple(kpis),
        survey=survey,
    )


def _load_texts(
    folder: Path, schema: type, domain: type, problems: list[Problem], limit: int
) -> tuple[list, list[Document]]:
    """Load every Markdown file in a folder as a finding or an anecdote.

    Returns the valid ones and every file that could be parsed, valid or not.
    """
    if not folder.is_dir():
        return [], []
    loaded, documents, slugs = [], [], {}
    for path in sorted(folder.glob("*.md")):
        document = read_markdown_file(path, problems, limit)
        if document is None:
            continue
        documents.append(document)
        fields = fields_of(schema, document, problems)
        if not document.body.strip():
            problems.append(
                Problem(
                    path,
                    document.body_line,
                    "",
                    (
                        "the file has front matter but no text: write the story or finding "
                        "in Markdown below the closing '---'"
                    ),
                )
            )
            continue
        slug = _slug(path, problems)
        if slug in slugs:
            problems.append(
                Problem(
                    path,
                    1,
                    "",
                    (f"duplicate id '{slug}': {slugs[slug].name} has the same web name"),
                )
            )
            continue
        slugs[slug] = path
        if fields is not None:
            extra = (
                {"anecdotes": tuple(slugify(a) for a in fields.anecdotes)}
                if schema is FindingFields
                else {}
            )
            loaded.append(
                domain.model_construct(
                    **{**dict(fields), **extra},
                    slug=slug,
                    source=path,
                    key_lines=document.key_lines,
                    html=render_markdown(document.body),
                )
            )
    return loaded, documents


def _load_kpis(path: Path, problems: list[Problem], limit: int) -> list[Kpi]:
    if not path.is_file():
        return []
    document = read_yaml_file(path, problems, limit)
    kpi_file = fields_of(KpiFile, document, problems) if document else None
    if kpi_file is None or document is None:
        return []
    kpis = []
    for index, entry in enumerate(kpi_file.kpis):
        standard = STANDARD_KPIS.get(entry.key)
        if standard is None and (
            entry.kind is None or entry.name is None or entry.higher_is_better is None
        ):
            problems.append(
                Problem(
                    path,
                    document.line_of(("kpis", index, "key")),
                    f"kpis[{index + 1}].key",
                    (
                        f"'{entry.key}' is not a standard KPI"
                        f"{suggestion(entry.key, list(STANDARD_KPIS))}; "
                        "a KPI of your own needs name, kind and higher_is_better"
                    ),
                )
            )
            continue
        label = (
            Bilingual(nl=entry.name, en=entry.name)
            if entry.name
            else Bilingual(nl=standard.nl, en=standard.en)
        )
        kpis.append(
            Kpi.model_construct(
                **{
                    **dict(entry),
                    "label": label,
                    "kind": entry.kind or standard.kind,
                    "higher_is_better": entry.higher_is_better
                    if entry.higher_is_better is not None
                    else standard.higher_is_better,
                }
            )
        )
    return kpis


def _load_survey(path: Path, problems: list[Problem], limit: int) -> Survey | None:
    """Read a survey CSV whose `score` column holds 0-10 answers, one respondent a row."""
    if not path.is_file():
        return None
    text = read_text(path, problems, limit)
    if text is None:
        return None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "score" not in reader.fieldnames:
        problems.append(
            Problem(
                path,
                1,
                "score",
                (
                    f"no 'score' column (expected a header row with 'score'; found "
                    f"{', '.join(reader.fieldnames or []) or 'nothing'})"
                ),
            )
        )
        return None
    scores, before = [], len(problems)
    for row in reader:
        line = reader.line_num
        value = (row.get("score") or "").strip()
        if not value.isdigit() or not 0 <= int(value) <= 10:
            problems.append(
                Problem(
                    path,
                    line,
                    "score",
                    (f"{value!r} is not a survey answer (expected a whole number from 0 to 10)"),
                )
            )
        else:
            scores.append(int(value))
    if not scores and len(problems) == before:
        problems.append(Problem(path, 2, "score", "survey has no answers"))
    return Survey(source=path, scores=tuple(scores)) if len(problems) == before else None


def _slug(path: Path, problems: list[Problem]) -> str:
    slug = slugify(path.stem if path.is_file() else path.name)
    if not slug:
        problems.append(
            Problem(
                path,
                None,
                "",
                ("the name has no letters or digits to make a web address from; rename it"),
            )
        )
    return slug
