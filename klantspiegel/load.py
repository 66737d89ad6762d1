"""Loading: the portfolio folder -> validated, frozen domain objects (or a list of problems).

    audits/
      portfolio.yaml                 consultancy, language, scoring model
      <organisation>/organisation.yaml
      <organisation>/<audit>/audit.yaml
      <organisation>/<audit>/findings/*.md     front matter + Markdown
      <organisation>/<audit>/anecdotes/*.md    front matter (with the journey) + Markdown
      <organisation>/<audit>/kpis.yaml         optional
      <organisation>/<audit>/survey.csv        optional: a survey tool's export (survey_import)

Folders named templates/ or assets/, or starting with '.' or '_', are not organisations.
Every folder and file is listed and checked through `walk` (links out, FIFOs and the like are
errors, editor files are skipped with a warning), and every name must make a web name the
output can hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from klantspiegel.body_cache import BodyCache
from klantspiegel.follow_up import follow_up_problems
from klantspiegel.forked import with_helpers
from klantspiegel.i18n import language_of
from klantspiegel.images import IMAGE_SUFFIXES, image_problem
from klantspiegel.kpis import STANDARD_KPIS, standard_label
from klantspiegel.languages import missing_labels, report_locale, settled_config
from klantspiegel.model import (
    Anecdote,
    AnecdoteFields,
    Audit,
    AuditFields,
    Finding,
    FindingFields,
    Kpi,
    KpiFile,
    Labels,
    Organisation,
    OrganisationFields,
    Portfolio,
    PortfolioConfig,
    ScoringModel,
    Survey,
    SurveyMapping,
)
from klantspiegel.problems import Problem
from klantspiegel.references import line_of, resolve
from klantspiegel.sectors import Sectors, sector_problems
from klantspiegel.source import (
    DEFAULT_MAX_FILE_BYTES,
    Document,
    read_bytes,
    read_markdown_file,
    read_yaml_file,
)
from klantspiegel.survey_import import MappingSource, read_survey
from klantspiegel.text import TextTooComplex, render_markdown, slugify
from klantspiegel.validate import (
    check_references,
    check_scope,
    check_scoring_model,
    cross_check,
    duplicate_kpis,
    fields_of,
    suggestion,
)
from klantspiegel.walk import NOT_ORGANISATIONS, Walker, listing, tree_digest

PORTFOLIO_FILE = "portfolio.yaml"
ORGANISATION_FILE = "organisation.yaml"
AUDIT_FILE = "audit.yaml"
KPI_FILE = "kpis.yaml"
SURVEY_FILE = "survey.csv"
DEFAULT_SCORING_MODEL = Path(__file__).parent / "scoring_models" / "default.yaml"
NOT_CONTENT = NOT_ORGANISATIONS  # the walker decides what is an organisation's folder
TEMPLATES_DIR = "templates"
# The site's own top folders: an organisation of that web name would be written over them
# (tests/test_hostile_files.py checks this list against what the site writes).
SITE_FOLDERS = frozenset({"assets", "dimensions", "pagefind"})
# A client bundle's own pages: its single-file report, `<organisation>.html`, would replace one.
BUNDLE_PAGES = frozenset({"index", "method", "404"})
MAX_NAME_BYTES = 255  # the longest file name common file systems (ext4, APFS, NTFS) hold
# A helper process renders the bodies of at least this many organisations: for fewer, its
# start and the hand-over of its bodies cost about what it saves (see _Reader.organisations).
ORGANISATIONS_PER_HELPER = 4


def load_portfolio(
    root: Path,
    markdown_cache: BodyCache | None = None,
    remembered: RememberedOrganisations | None = None,
    folder_digests: Mapping[Path, str] | None = None,
    jobs: int = 1,
) -> tuple[Portfolio | None, list[Problem]]:
    """Load and validate a whole portfolio; the portfolio is None when any error was found.

    With a `markdown_cache`, bodies rendered by an earlier build are taken from it; with
    `remembered`, whole organisations loaded earlier in this process. `folder_digests` are
    the `tree_digest`s of the portfolio's folders, where the caller has just made them.
    With `jobs` above one and a cache, that many processes render the bodies side by side.
    """
    root = root.resolve()
    reader = _Reader(
        root,
        markdown_cache=markdown_cache,
        remembered=remembered,
        folder_digests=folder_digests or {},
        jobs=jobs,
    )
    portfolio = reader.portfolio()
    problems = reader.problems
    if portfolio is not None:
        problems += cross_check(portfolio)
        problems += [p for o in portfolio.organisations for p in follow_up_problems(o)]
    if portfolio is None or any(p.severity == "error" for p in problems):
        return None, problems
    return portfolio, problems


def load_settings(
    root: Path,
) -> tuple[PortfolioConfig | None, ScoringModel | None, list[Problem]]:
    """The portfolio's configuration and scoring model as a build reads them, with the problems
    found in those two files; either is None when it has an error. Reads no organisation."""
    reader = _Reader(root.resolve())
    config = reader.config()
    model = reader.scoring_model(config.scoring_model) if config else None
    return config, model, reader.problems


@dataclass(frozen=True)
class _Loaded:
    """One organisation folder as a reader loaded it, with what that load depended on."""

    key: str  # the folder's entries and bytes, and what the reader knew of the portfolio
    organisation: Organisation | None
    problems: tuple[Problem, ...]
    consulted: dict[Path, str]  # files outside the folder its texts named, with fingerprints
    bodies: tuple[tuple[str, Any, frozenset[Path]], ...]  # body cache entries it used


class RememberedOrganisations:
    """Organisations loaded earlier in this process, for a process that builds after every
    save (serve): a save changes one organisation, and the others are taken from here.

    One is taken while its folder has the same entries and bytes, the portfolio's settings
    that loading reads are the same, and every file outside the folder that its texts name
    (an image in the portfolio's assets) has the same fingerprint. Its problems are reported
    again and its Markdown bodies kept in the body cache, as a load would. Only the latest
    portfolio is kept.
    """

    def __init__(self) -> None:
        self._root: Path | None = None
        self._loaded: dict[Path, _Loaded] = {}

    def holds(self, root: Path) -> bool:
        """Whether organisations of the portfolio at `root` are kept."""
        return root == self._root and bool(self._loaded)

    def get(self, folder: Path, key: str, fingerprint: Callable[[Path], str]) -> _Loaded | None:
        loaded = self._loaded.get(folder)
        if loaded is None or loaded.key != key:
            return None
        if any(fingerprint(path) != known for path, known in loaded.consulted.items()):
            return None
        return loaded

    def keep(self, root: Path, folder: Path, loaded: _Loaded) -> None:
        if root != self._root:
            self._root, self._loaded = root, {}
        self._loaded[folder] = loaded


@dataclass
class _Reader:
    """Reads one portfolio, collecting every problem instead of stopping at the first."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    limit: int = DEFAULT_MAX_FILE_BYTES
    portfolio_locale: str = "nl-NL"  # of an organisation without language or locale
    dimension_keys: list[str] | None = None
    markdown_cache: BodyCache | None = None
    remembered: RememberedOrganisations | None = None
    folder_digests: Mapping[Path, str] = field(default_factory=dict)
    jobs: int = 1  # processes that may render Markdown bodies side by side
    sectors: Sectors = field(default_factory=lambda: Sectors({}))
    config_document: Document | None = None
    model_document: Document | None = None
    walker: Walker = field(init=False)
    # While an organisation is loaded to be remembered: what its load depended on
    consulted: dict[Path, str] | None = None
    bodies: list[tuple[str, Any, frozenset[Path]]] | None = None

    def __post_init__(self) -> None:
        self.walker = Walker(self.root, self.problems)

    def error(self, path: Path, line: int | None, key: str, message: str) -> None:
        self.problems.append(Problem(path, line, key, message))

    def portfolio(self) -> Portfolio | None:
        config = self.config()
        if config:
            self.limit, self.portfolio_locale = config.max_file_bytes, config.report_locale
            self.sectors = Sectors(config.sectors)
        model = self.scoring_model(config.scoring_model if config else "default")
        self.dimension_keys = [d.key for d in model.dimensions] if model else None
        folders = self.content_folders(self.root, "organisation")
        organisations = self.organisations(folders)
        self.templates()
        if config is None or model is None:
            return None
        if self.model_document:
            languages = {config.language, *(o.report_language for o in organisations if o)}
            self.problems += missing_labels(model, self.model_document, languages)
        if self.config_document:
            self.problems += sector_problems(
                self.sectors, self.config_document, [o for o in organisations if o], config.language
            )
        return Portfolio(
            root=self.root,
            config=config,
            scoring_model=model,
            organisations=tuple(o for o in organisations if o is not None),
        )

    def config(self) -> PortfolioConfig | None:
        path = self.root / PORTFOLIO_FILE
        if not self.present(
            path, "missing portfolio.yaml (expected at least 'consultancy: <name>')"
        ):
            return None
        document = read_yaml_file(path, self.problems, DEFAULT_MAX_FILE_BYTES, self.known_yaml)
        config = fields_of(PortfolioConfig, document, self.problems) if document else None
        self.config_document = document
        if config and document:
            config, problems = settled_config(config, document)
            self.problems += problems
        problem = self.logo_problem(config.logo) if config and config.logo else None
        if problem and config and document:
            self.error(path, document.line_of(("logo",)), "logo", f"logo '{config.logo}' {problem}")
            return None
        return config

    def logo_problem(self, logo: str) -> str | None:
        """Why the logo may not be published: it is an image like any other in the portfolio."""
        found = self.walker.judge(self.root / logo, reader=self.root / PORTFOLIO_FILE)
        if found.kind == "missing":
            return (
                "not found inside the portfolio "
                "(expected an image file path relative to the portfolio folder)"
            )
        return found.problem if not found.is_file else image_problem(found.path)

    def scoring_model(self, choice: str) -> ScoringModel | None:
        path = DEFAULT_SCORING_MODEL if choice == "default" else self.root / choice
        if choice != "default" and not self.walker.judge(path).is_file:
            self.error(
                self.root / PORTFOLIO_FILE,
                None,
                "scoring_model",
                (
                    f"scoring model '{choice}' not found inside the portfolio "
                    "(expected 'default' or a YAML file in the portfolio folder)"
                ),
            )
            return None
        document = read_yaml_file(path, self.problems, self.limit, self.known_yaml)
        model = fields_of(ScoringModel, document, self.problems) if document else None
        if model is None or document is None:
            return None
        model_problems = check_scoring_model(model, document)
        self.problems += model_problems
        self.model_document = document
        return None if model_problems else model

    def organisations(self, folders: list[Path]) -> list[Organisation | None]:
        """The organisation in each folder, in order.

        Rendering the Markdown bodies is most of a load when the cache does not hold them.
        With jobs to spare, helpers (children forked for it) each render the bodies of a later
        slice of the folders into their copy of the cache, while this process loads the first
        slice; this cache then takes what they rendered, and the rest loads as from a warm
        cache. What is loaded, problems included, is what one process loads: a helper's
        problems are dropped, and a body with a problem is never cached, so it is rendered,
        and its problem reported, here. A helper that fails only leaves its bodies to be
        rendered here.
        """
        cache = self.markdown_cache
        remembering = self.remembered is not None and self.remembered.holds(self.root)
        if cache is None or remembering:
            return [self.organisation_or_remembered(f) for f in folders]
        return with_helpers(
            folders,
            min(self.jobs, len(folders) // ORGANISATIONS_PER_HELPER),
            self.organisation_or_remembered,
            self.helped_bodies,
            cache.take,
        )

    def helped_bodies(self, folders: list[Path]) -> dict[str, Any]:
        """In a helper: the body cache's entries after loading the organisations in folders."""
        assert self.markdown_cache is not None  # organisations() starts no helper without one
        for folder in folders:
            self.organisation(folder)
        return self.markdown_cache.gathered()

    def organisation_or_remembered(self, folder: Path) -> Organisation | None:
        """The organisation in `folder`, as loaded earlier in this process where nothing it
        depends on changed (see RememberedOrganisations)."""
        if self.remembered is None:
            return self.organisation(folder)
        known = repr(
            (self.limit, self.portfolio_locale, self.sectors.declared, self.dimension_keys)
        )
        tree = self.folder_digests.get(folder) or tree_digest(folder, root=self.root)
        key = f"{known}\0{tree}"
        loaded = self.remembered.get(folder, key, self.walker.fingerprint)
        if loaded is not None:
            self.problems += loaded.problems
            for body_key, value, depends_on in loaded.bodies:
                if self.markdown_cache:
                    self.markdown_cache.put(body_key, value, depends_on, self.walker.fingerprint)
            return loaded.organisation
        before = len(self.problems)
        self.consulted, self.bodies = {}, []
        try:
            organisation = self.organisation(folder)
            outside = {p: f for p, f in self.consulted.items() if not p.is_relative_to(folder)}
            loaded = _Loaded(
                key, organisation, tuple(self.problems[before:]), outside, tuple(self.bodies)
            )
        finally:
            self.consulted = self.bodies = None
        self.remembered.keep(self.root, folder, loaded)
        return organisation

    def organisation(self, folder: Path) -> Organisation | None:
        path = folder / ORGANISATION_FILE
        if not self.present(
            path,
            "missing organisation.yaml: every folder in the portfolio "
            "is an organisation (expected name, sector, size)",
        ):
            return None
        document = read_yaml_file(path, self.problems, self.limit, self.known_yaml)
        fields = fields_of(OrganisationFields, document, self.problems) if document else None
        folders = self.content_folders(folder, "audit")
        audits = [a for a in map(self.audit, folders) if a is not None]
        if not folders:
            self.error(
                path,
                None,
                "",
                "organisation has no audits (expected a folder with audit.yaml next to this file)",
            )
        if fields is None or not audits:
            return None
        sector = self.sectors.resolve(fields.sector)
        locale, problems = report_locale(fields, self.portfolio_locale, document)
        self.problems += problems
        return Organisation.model_construct(
            **dict(fields),
            slug=self.slug(folder, folder.name, ".pdf"),
            source=path,
            report_language=fields.language or language_of(locale),
            report_locale=locale,
            sector_key=sector.key,
            sector_label=sector.label,
            audits=tuple(sorted(audits, key=lambda a: a.date)),
            key_lines=document.key_lines if document else {},
        )

    def audit(self, folder: Path) -> Audit | None:
        path = folder / AUDIT_FILE
        self.walker.listing(folder)  # reports what in the audit folder may not be read
        if not self.present(
            path,
            "missing audit.yaml: every folder in an organisation is "
            "an audit (expected title, date, auditors, scope)",
        ):
            return None
        document = read_yaml_file(path, self.problems, self.limit, self.known_yaml)
        fields = fields_of(AuditFields, document, self.problems) if document else None
        findings, finding_docs = self.texts(folder / "findings", FindingFields, Finding)
        anecdotes, anecdote_docs = self.texts(folder / "anecdotes", AnecdoteFields, Anecdote)
        story_slugs = {slugify(d.path.stem) for d in anecdote_docs}
        self.problems += check_references(finding_docs, story_slugs, self.dimension_keys)
        if document:
            self.problems += check_scope(document, finding_docs, self.dimension_keys)
        kpis = self.kpis(folder / KPI_FILE)
        survey = self.survey(folder, fields.survey if fields else None, document)
        if fields is None:
            return None
        return Audit.model_construct(
            **{**dict(fields), "survey": survey},
            slug=self.slug(folder, folder.name),
            source=path,
            findings=tuple(findings),
            anecdotes=tuple(anecdotes),
            kpis=tuple(kpis),
            key_lines=document.key_lines if document else {},
        )

    def texts(self, folder: Path, schema: type, domain: type) -> tuple[list, list[Document]]:
        """Every Markdown file in a folder as a finding or an anecdote.

        Returns the valid ones, and every file that could be parsed (for cross-checks).
        """
        if not self.walker.check(folder).is_folder:
            return [], []
        loaded: list[Any] = []
        documents: list[Document] = []
        seen: dict[str, Path] = {}
        for path in [
            e.path for e in self.walker.listing(folder) if e.is_file and e.path.suffix == ".md"
        ]:
            document = read_markdown_file(path, self.problems, self.limit, self.known_yaml)
            if document is None:
                continue
            documents.append(document)
            fields = fields_of(schema, document, self.problems)
            slug = self.slug(path, path.stem, ".html")
            if slug in seen:
                self.error(
                    path, 1, "", f"duplicate id '{slug}': {seen[slug].name} has the same web name"
                )
                continue
            seen[slug] = path
            body = self.body(document)
            if fields is None or body is None:
                continue
            html, media = body
            links = (
                {"anecdotes": tuple(map(slugify, fields.anecdotes))}
                if schema is FindingFields
                else {}
            )
            loaded.append(
                domain.model_construct(
                    **{**dict(fields), **links},
                    slug=slug,
                    source=path,
                    key_lines=document.key_lines,
                    html=html,
                    media=media,
                )
            )
        return loaded, documents

    def body(self, document: Document) -> tuple[str, tuple[tuple[str, Path], ...]] | None:
        """The Markdown body as safe HTML, with its images to copy; None on a problem."""
        path = document.path
        if not document.body.strip():
            self.error(
                path,
                document.body_line,
                "",
                (
                    "the file has front matter but no text: write the story or finding in Markdown "
                    "below the closing '---'"
                ),
            )
            return None
        cache_key = f"{self.root}\0{path}\0{document.body}"  # paths hold no NUL: unambiguous
        depended_on: set[Path] = set()

        def fingerprint(path: Path) -> str:
            depended_on.add(path)
            return self.fingerprint(path)

        cached = self.markdown_cache.get(cache_key, fingerprint) if self.markdown_cache else None
        if cached is not None:
            self.remember_body(cache_key, cached, depended_on)
            return Markup(cached[0]), tuple((url, Path(source)) for url, source in cached[1])
        media: dict[str, Path] = {}
        checked: set[Path] = set()  # every file the checks looked at: the cache depends on them
        before = len(self.problems)

        def rewrite(kind: str, url: str) -> str | None:
            resolved = resolve(kind, url, path, self.root)
            if resolved.checked:
                checked.add(resolved.checked)
                if self.consulted is not None:  # a problem, too, is remembered with its file
                    self.fingerprint(resolved.checked)
            if resolved.problem:
                line = line_of(document.body, document.body_line, url)
                self.error(path, line, "text", resolved.problem)
            if resolved.media and resolved.url:
                media[resolved.url] = resolved.media
            return resolved.url

        try:
            rendered = render_markdown(document.body, rewrite)
        except TextTooComplex as reason:
            self.error(
                path,
                document.body_line + (reason.line or 0),
                "text",
                f"{reason}; simplify the Markdown",
            )
            return None
        if len(self.problems) > before:
            return None
        value = [str(rendered.html), [[u, str(m)] for u, m in sorted(media.items())]]
        if self.markdown_cache:
            self.markdown_cache.put(cache_key, value, checked, self.walker.fingerprint)
        self.remember_body(cache_key, value, checked)
        return rendered.html, tuple(sorted(media.items()))

    def fingerprint(self, path: Path) -> str:
        """The walker's fingerprint of `path`, noted when an organisation is to be remembered."""
        found = self.walker.fingerprint(path)
        if self.consulted is not None:
            self.consulted[path] = found
        return found

    def remember_body(self, key: str, value: Any, depends_on: set[Path]) -> None:
        if self.bodies is not None:
            self.bodies.append((key, value, frozenset(depends_on)))

    @property
    def known_yaml(self) -> BodyCache | None:
        """Where YAML parsed by earlier builds is found and kept: the body cache, with each
        entry remembered with the organisation being loaded, as its bodies are."""
        return _RememberedEntries(self.markdown_cache, self) if self.markdown_cache else None

    def kpis(self, path: Path) -> list[Kpi]:
        if not self.walker.check(path).is_file:
            return []
        document = read_yaml_file(path, self.problems, self.limit, self.known_yaml)
        kpi_file = fields_of(KpiFile, document, self.problems) if document else None
        if kpi_file is None or document is None:
            return []
        self.problems += duplicate_kpis([entry.key for entry in kpi_file.kpis], document)
        kpis = []
        for index, entry in enumerate(kpi_file.kpis):
            standard = STANDARD_KPIS.get(entry.key)
            own_complete = None not in (entry.kind, entry.name, entry.higher_is_better)
            if standard is None and not own_complete:
                self.error(
                    path,
                    document.line_of(("kpis", index, "key")),
                    f"kpis[{index + 1}].key",
                    f"'{entry.key}' is not a standard KPI"
                    f"{suggestion(entry.key, list(STANDARD_KPIS))}; "
                    "a KPI of your own needs name, kind and higher_is_better",
                )
                continue
            name = entry.name
            # Without a standard, the entry's own kind and direction are complete (checked above).
            higher_is_better = entry.higher_is_better
            if higher_is_better is None and standard is not None:
                higher_is_better = standard.higher_is_better
            kpis.append(
                Kpi.model_construct(
                    **{
                        **dict(entry),
                        "label": Labels.same(name) if name else standard_label(entry.key),
                        "kind": entry.kind or (standard.kind if standard else None),
                        "higher_is_better": higher_is_better,
                    }
                )
            )
        return kpis

    def survey(
        self, folder: Path, mapping: SurveyMapping | None, document: Document | None
    ) -> Survey | None:
        """The audit's survey export (survey.csv, or the file its mapping names), if any.

        The file is judged by the walker and read within max_file_bytes; `survey_import`
        reads the export and keeps only answers and segments.
        """
        audit_file = folder / AUDIT_FILE
        where = MappingSource(audit_file, document.line_of if document else lambda _: 1)
        name = mapping.file if mapping else SURVEY_FILE
        relative = Path(name)
        if relative.is_absolute() or any(
            p in ("..", "") or p.startswith(".") for p in relative.parts
        ):
            self.error(
                audit_file,
                where.line_of(("survey", "file")),
                "survey.file",
                (
                    f"'{name}' is not a file in the audit folder (expected a file name such as "
                    "'export-oktober.csv', next to audit.yaml)"
                ),
            )
            return None
        path = folder / relative
        found = self.walker.check(path)
        if not found.is_file:
            if mapping and found.kind == "missing":
                files = [e.path.name for e in self.walker.listing(folder) if e.is_file]
                self.error(
                    audit_file,
                    where.line_of(("survey", "file")),
                    "survey.file",
                    f"no survey file '{name}' in the audit folder{suggestion(name, files)}",
                )
            return None
        text = read_bytes(path, self.problems, self.limit)
        if text is None:
            return None
        survey, problems = read_survey(path, text, mapping, where)
        self.problems += problems
        return survey

    def slug(self, path: Path, name: str, suffix: str = "") -> str:
        """The web name of `name`; an error when there is none or the output cannot hold it.

        `suffix` completes the longest file name the output makes of it (`<slug>.html`).
        """
        slug = slugify(name)
        if not slug:
            self.error(
                path,
                None,
                "",
                "the name has no letters or digits to make a web address from; rename it",
            )
        elif len((slug + suffix).encode()) > MAX_NAME_BYTES:
            self.error(
                path,
                None,
                "",
                (
                    f"the name is too long: its output file '{slug[:20]}...{suffix}' would have "
                    f"{len((slug + suffix).encode())} characters, over the {MAX_NAME_BYTES} a file "
                    f"name may have; shorten it to at most {MAX_NAME_BYTES - len(suffix)}"
                ),
            )
        return slug

    def present(self, path: Path, missing: str) -> bool:
        """Whether `path` is a file that may be read; if not, why (once) as an error."""
        found = self.walker.check(path)
        if found.kind != "refused" and not found.is_file:
            self.error(path, None, "", missing)
        return found.is_file

    def content_folders(self, folder: Path, what: str) -> list[Path]:
        """The organisation (or audit) folders in `folder`, each with a web name of its own."""
        folders = [e.path for e in self.walker.listing(folder) if _is_content(e.path, e.is_folder)]
        seen: dict[str, Path] = {}
        for path in folders:
            slug = slugify(path.name)
            if slug and slug in seen:
                self.error(
                    path,
                    None,
                    "",
                    (
                        f"{what} folder '{path.name}' has the same web name '{slug}' as "
                        f"'{seen[slug].name}': one would hide the other; rename one of them"
                    ),
                )
            seen.setdefault(slug, path)
            if what == "organisation" and slug in SITE_FOLDERS:
                self.error(
                    path,
                    None,
                    "",
                    (
                        f"organisation folder '{path.name}' has the web name '{slug}', which the "
                        "site uses for its own pages; rename the folder"
                    ),
                )
            if what == "organisation" and slug in BUNDLE_PAGES:
                self.error(
                    path,
                    None,
                    "",
                    (
                        f"organisation folder '{path.name}' has the web name '{slug}': its "
                        f"single-file report '{slug}.html' would replace the client bundle's own "
                        f"page '{slug}.html'; rename the folder"
                    ),
                )
        return folders

    def templates(self) -> None:
        """Check the portfolio's own templates and assets: readable files, safe images."""
        folder = self.root / TEMPLATES_DIR
        if not self.walker.check(folder).is_folder:
            return
        for found in self.walker.tree(folder):
            problem = (
                image_problem(found.path)
                if found.is_file and found.path.suffix.lower() in IMAGE_SUFFIXES
                else None
            )
            if problem:
                self.error(found.path, None, "", f"image {problem}")


def _is_content(path: Path, is_folder: bool) -> bool:
    return is_folder and path.name not in NOT_CONTENT and path.name[0] not in "._"


def content_folders_in(folder: Path) -> list[Path]:
    """The content folders in `folder` (for the scaffolder), without reporting problems."""
    return [e.path for e in listing(folder, folder.resolve()) if _is_content(e.path, e.is_folder)]


@dataclass
class _RememberedEntries:
    """A body cache whose every entry found or stored is also the reader's to remember: an
    organisation loaded from memory (serve) puts it back, so the saved cache still holds it."""

    cache: BodyCache
    reader: _Reader

    def get(self, key: str, fingerprint: Callable[[Path], str]) -> Any | None:
        value = self.cache.get(key, fingerprint)
        if value is not None:
            self.reader.remember_body(key, value, set())
        return value

    def put(
        self, key: str, value: Any, depends_on: Iterable[Path], fingerprint: Callable[[Path], str]
    ) -> None:
        self.cache.put(key, value, depends_on, fingerprint)
        self.reader.remember_body(key, value, set(depends_on))

    def gathered(self) -> dict[str, Any]:
        return self.cache.gathered()

    def take(self, entries: Mapping[str, Any]) -> None:
        self.cache.take(entries)
