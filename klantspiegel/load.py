"""Loading: the portfolio folder -> validated, frozen domain objects (or a list of problems).

    audits/
      portfolio.yaml                 consultancy, language, scoring model
      <organisation>/organisation.yaml
      <organisation>/<audit>/audit.yaml
      <organisation>/<audit>/findings/*.md     front matter + Markdown
      <organisation>/<audit>/anecdotes/*.md    front matter (with the journey) + Markdown
      <organisation>/<audit>/kpis.yaml         optional
      <organisation>/<audit>/survey.csv        optional: a `score` column of 0-10 answers

Folders named templates/ or assets/, or starting with '.' or '_', are not organisations.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from klantspiegel.cache import MarkdownCache, digest, listing_digest
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
from klantspiegel.references import line_of, resolve
from klantspiegel.source import (
    DEFAULT_MAX_FILE_BYTES,
    Document,
    read_markdown_file,
    read_text,
    read_yaml_file,
)
from klantspiegel.text import TextTooComplex, render_markdown, slugify
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


def load_portfolio(
    root: Path, markdown_cache: MarkdownCache | None = None
) -> tuple[Portfolio | None, list[Problem]]:
    """Load and validate a whole portfolio; the portfolio is None when any error was found.

    With a `markdown_cache`, bodies rendered by an earlier build are taken from it.
    """
    root = root.resolve()
    reader = _Reader(root, markdown_cache=markdown_cache,
                     listing=listing_digest(root) if markdown_cache else "")
    portfolio = reader.portfolio()
    problems = reader.problems
    if portfolio is not None:
        problems += cross_check(portfolio)
    if portfolio is None or any(p.severity == "error" for p in problems):
        return None, problems
    return portfolio, problems


@dataclass
class _Reader:
    """Reads one portfolio, collecting every problem instead of stopping at the first."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    limit: int = DEFAULT_MAX_FILE_BYTES
    default_language: str = "nl"
    dimension_keys: list[str] | None = None
    markdown_cache: MarkdownCache | None = None
    listing: str = ""  # which files exist: links and images in Markdown resolve against them

    def error(self, path: Path, line: int | None, key: str, message: str) -> None:
        self.problems.append(Problem(path, line, key, message))

    def portfolio(self) -> Portfolio | None:
        config = self.config()
        if config:
            self.limit, self.default_language = config.max_file_bytes, config.language
        model = self.scoring_model(config.scoring_model if config else "default")
        self.dimension_keys = [d.key for d in model.dimensions] if model else None
        organisations = [self.organisation(f) for f in _content_folders(self.root)]
        if config is None or model is None:
            return None
        return Portfolio(root=self.root, config=config, scoring_model=model,
                         organisations=tuple(o for o in organisations if o is not None))

    def config(self) -> PortfolioConfig | None:
        path = self.root / PORTFOLIO_FILE
        if not path.is_file():
            self.error(path, None, "", "missing portfolio.yaml "
                                       "(expected at least 'consultancy: <name>')")
            return None
        document = read_yaml_file(path, self.problems, DEFAULT_MAX_FILE_BYTES)
        config = fields_of(PortfolioConfig, document, self.problems) if document else None
        if config and config.logo and document and not self._inside(config.logo):
            self.error(path, document.line_of(("logo",)), "logo", (
                f"logo '{config.logo}' not found inside the portfolio "
                "(expected an image file path relative to the portfolio folder)"))
            return None
        return config

    def scoring_model(self, choice: str) -> ScoringModel | None:
        path = DEFAULT_SCORING_MODEL if choice == "default" else (self.root / choice).resolve()
        if choice != "default" and not self._inside(choice):
            self.error(self.root / PORTFOLIO_FILE, None, "scoring_model", (
                f"scoring model '{choice}' not found inside the portfolio "
                "(expected 'default' or a YAML file in the portfolio folder)"))
            return None
        document = read_yaml_file(path, self.problems, self.limit)
        model = fields_of(ScoringModel, document, self.problems) if document else None
        if model is None or document is None:
            return None
        model_problems = check_scoring_model(model, document)
        self.problems += model_problems
        return None if model_problems else model

    def organisation(self, folder: Path) -> Organisation | None:
        path = folder / ORGANISATION_FILE
        if not path.is_file():
            self.error(path, None, "", "missing organisation.yaml: every folder in the portfolio "
                                       "is an organisation (expected name, sector, size)")
            return None
        document = read_yaml_file(path, self.problems, self.limit)
        fields = fields_of(OrganisationFields, document, self.problems) if document else None
        folders = _content_folders(folder)
        audits = [a for a in map(self.audit, folders) if a is not None]
        if not folders:
            self.error(path, None, "", "organisation has no audits "
                                       "(expected a folder with audit.yaml next to this file)")
        if fields is None or not audits:
            return None
        return Organisation.model_construct(
            **dict(fields), slug=self.slug(folder), source=path,
            report_language=fields.language or self.default_language,
            audits=tuple(sorted(audits, key=lambda a: a.date)),
        )

    def audit(self, folder: Path) -> Audit | None:
        path = folder / AUDIT_FILE
        if not path.is_file():
            self.error(path, None, "", "missing audit.yaml: every folder in an organisation is "
                                       "an audit (expected title, date, auditors, scope)")
            return None
        document = read_yaml_file(path, self.problems, self.limit)
        fields = fields_of(AuditFields, document, self.problems) if document else None
        findings, finding_docs = self.texts(folder / "findings", FindingFields, Finding)
        anecdotes, anecdote_docs = self.texts(folder / "anecdotes", AnecdoteFields, Anecdote)
        story_slugs = {slugify(d.path.stem) for d in anecdote_docs}
        self.problems += check_references(finding_docs, story_slugs, self.dimension_keys)
        kpis = self.kpis(folder / KPI_FILE)
        survey = self.survey(folder / SURVEY_FILE)
        if fields is None:
            return None
        return Audit.model_construct(
            **dict(fields), slug=self.slug(folder), source=path, findings=tuple(findings),
            anecdotes=tuple(anecdotes), kpis=tuple(kpis), survey=survey,
        )

    def texts(self, folder: Path, schema: type, domain: type) -> tuple[list, list[Document]]:
        """Every Markdown file in a folder as a finding or an anecdote.

        Returns the valid ones, and every file that could be parsed (for cross-checks).
        """
        if not folder.is_dir():
            return [], []
        loaded, documents, seen = [], [], {}
        for path in sorted(folder.glob("*.md")):
            document = read_markdown_file(path, self.problems, self.limit)
            if document is None:
                continue
            documents.append(document)
            fields = fields_of(schema, document, self.problems)
            slug = self.slug(path)
            if slug in seen:
                self.error(path, 1, "", f"duplicate id '{slug}': {seen[slug].name} "
                                        "has the same web name")
                continue
            seen[slug] = path
            body = self.body(document)
            if fields is None or body is None:
                continue
            html, media = body
            links = {"anecdotes": tuple(map(slugify, fields.anecdotes))} \
                if schema is FindingFields else {}
            loaded.append(domain.model_construct(
                **{**dict(fields), **links}, slug=slug, source=path,
                key_lines=document.key_lines, html=html, media=media))
        return loaded, documents

    def body(self, document: Document) -> tuple[str, tuple[tuple[str, Path], ...]] | None:
        """The Markdown body as safe HTML, with its images to copy; None on a problem."""
        path = document.path
        if not document.body.strip():
            self.error(path, document.body_line, "", (
                "the file has front matter but no text: write the story or finding in Markdown "
                "below the closing '---'"))
            return None
        cache_key = digest(str(self.root), self.listing, str(path), document.body)
        cached = self.markdown_cache.get(cache_key) if self.markdown_cache else None
        if cached is not None:
            return Markup(cached[0]), tuple((url, Path(source)) for url, source in cached[1])
        media: dict[str, Path] = {}
        before = len(self.problems)

        def rewrite(kind: str, url: str) -> str | None:
            resolved = resolve(kind, url, path, self.root)
            if resolved.problem:
                line = line_of(document.body, document.body_line, url)
                self.error(path, line, "text", resolved.problem)
            if resolved.media and resolved.url:
                media[resolved.url] = resolved.media
            return resolved.url

        try:
            rendered = render_markdown(document.body, rewrite)
        except TextTooComplex as reason:
            self.error(path, document.body_line, "text", f"{reason}; simplify the Markdown")
            return None
        if len(self.problems) > before:
            return None
        if self.markdown_cache:
            self.markdown_cache.put(cache_key, [str(rendered.html),
                                                [[u, str(m)] for u, m in sorted(media.items())]])
        return rendered.html, tuple(sorted(media.items()))

    def kpis(self, path: Path) -> list[Kpi]:
        if not path.is_file():
            return []
        document = read_yaml_file(path, self.problems, self.limit)
        kpi_file = fields_of(KpiFile, document, self.problems) if document else None
        if kpi_file is None or document is None:
            return []
        kpis = []
        for index, entry in enumerate(kpi_file.kpis):
            standard = STANDARD_KPIS.get(entry.key)
            own_complete = None not in (entry.kind, entry.name, entry.higher_is_better)
            if standard is None and not own_complete:
                self.error(path, document.line_of(("kpis", index, "key")), f"kpis[{index + 1}].key",
                           f"'{entry.key}' is not a standard KPI"
                           f"{suggestion(entry.key, list(STANDARD_KPIS))}; "
                           "a KPI of your own needs name, kind and higher_is_better")
                continue
            name = entry.name
            kpis.append(Kpi.model_construct(**{
                **dict(entry),
                "label": Bilingual(nl=name, en=name) if name else Bilingual(nl=standard.nl,
                                                                            en=standard.en),
                "kind": entry.kind or standard.kind,
                "higher_is_better": standard.higher_is_better if entry.higher_is_better is None
                else entry.higher_is_better,
            }))
        return kpis

    def survey(self, path: Path) -> Survey | None:
        """A survey CSV whose `score` column holds 0-10 answers, one respondent a row."""
        text = read_text(path, self.problems, self.limit) if path.is_file() else None
        if text is None:
            return None
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "score" not in reader.fieldnames:
            found = ", ".join(reader.fieldnames or []) or "nothing"
            self.error(path, 1, "score",
                       f"no 'score' column (expected a header row with 'score'; found {found})")
            return None
        scores, before = [], len(self.problems)
        for row in reader:
            value = (row.get("score") or "").strip()
            if value.isdigit() and 0 <= int(value) <= 10:
                scores.append(int(value))
            else:
                self.error(path, reader.line_num, "score", f"{value!r} is not a survey answer "
                                                           "(expected a whole number from 0 to 10)")
        if not scores and len(self.problems) == before:
            self.error(path, 2, "score", "survey has no answers")
        return Survey(source=path, scores=tuple(scores)) if len(self.problems) == before else None

    def slug(self, path: Path) -> str:
        slug = slugify(path.stem if path.is_file() else path.name)
        if not slug:
            self.error(path, None, "", "the name has no letters or digits to make a web address "
                                       "from; rename it")
        return slug

    def _inside(self, relative: str) -> bool:
        target = (self.root / relative).resolve()
        return target.is_relative_to(self.root) and target.is_file()


def _content_folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_dir() and p.name not in NOT_CONTENT and p.name[0] not in "._")
