"""The report site: which pages exist, rendering each with its template, and the search index.

Every link is relative (`root` is the way back to the site's top from a page), so the site
works under any sub-path and opened straight from disk.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import jinja2
import pagefind_bin

from klantspiegel.archive import AUDITS_DIR, audit_folder, audit_links, previous_folder
from klantspiegel.audit_method import audit_method
from klantspiegel.descriptions import (
    anecdote_description,
    dimension_description,
    finding_description,
    forwarding_description,
    method_description,
    not_found_description,
    organisation_description,
    portfolio_description,
)
from klantspiegel.i18n import VALUE_LABELS, Translator
from klantspiegel.layout import PDF_DIR
from klantspiegel.model import Portfolio
from klantspiegel.presentation import contents, site_sections
from klantspiegel.report import OrganisationReport, dimension_overview
from klantspiegel.report_charts import ChartMemo
from klantspiegel.search_text import indexed_text
from klantspiegel.templating import environment
from klantspiegel.walk import entry, walk
from klantspiegel.writes import place_files, write_artifact

SEARCH_DIR = "pagefind"
# A client bundle is opened from disk, where Pagefind cannot fetch its index: its index is a
# script that sets this global, loaded by a <script> tag (see `write_inline_search_index`).
INLINE_SEARCH_FILE = "search/index.js"
INLINE_SEARCH_GLOBAL = "KLANTSPIEGEL_SEARCH"
# Assets no HTML page uses (patterns): WeasyPrint reads the print stylesheet from the theme
# itself, the single-file report the font subsets (web_fonts.py).
UNUSED_ASSETS = frozenset({"css/pdf.css", "fonts/*.subset.woff2"})


SHARED_MEMORY = "/dev/shm"  # a file system in memory, on Linux
SCRATCH_PREFIX = "klantspiegel-search-"  # then the building process's id


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site root, with forward slashes
    template: str
    locale: str  # the locale tag it is written in: "en-GB"
    context: Mapping[str, Any] = field(default_factory=dict)
    owner: str | None = None  # the organisation (slug) whose page it is; None: the portfolio's

    @property
    def media(self) -> tuple[tuple[str, Path], ...]:
        """Images the page's Markdown refers to, as (URL relative to the page, source file)."""
        text = self.context.get("finding") or self.context.get("anecdote")
        return text.media if text is not None else ()

    @property
    def root(self) -> str:
        """Relative way back to the site root: '' at the top, '../' one folder down."""
        return "../" * self.path.count("/")


def site_pages(
    portfolio: Portfolio,
    reports: Mapping[str, OrganisationReport],
    client: bool = False,
    *,
    pdf: bool = False,
    charts_drawn: ChartMemo | None = None,
) -> list[Page]:
    """Every page of the site. A client's site has only its own organisation's pages.

    With `pdf` the build writes each organisation's PDF, and its report page links to it.
    The dimension pages' charts come from `charts_drawn` where earlier builds drew them.
    """
    pages = []
    home_locale = portfolio.config.report_locale
    if client:  # a single organisation: its own locale, no portfolio or cross-client pages
        home_locale = next(iter(reports.values())).organisation.report_locale
    t = Translator(home_locale)
    if not client:
        # each sector once, by the key its peers share, named in the site's language
        names = {
            r.organisation.sector_key: r.organisation.sector_label[home_locale]
            for r in reports.values()
        }
        sectors = sorted(names.items(), key=lambda sector: sector[1].casefold())
        pages.append(
            Page(
                "index.html",
                "site/index.html",
                home_locale,
                {
                    "reports": list(reports.values()),
                    "sectors": sectors,
                    "description": portfolio_description(
                        portfolio.config.consultancy, len(reports), t
                    ),
                },
            )
        )
        for dimension in portfolio.scoring_model.dimensions:
            overview = dimension_overview(
                dimension, reports, home_locale, charts_drawn, portfolio.config.accent_colour
            )
            pages.append(
                Page(
                    f"dimensions/{dimension.key}.html",
                    "site/dimension.html",
                    home_locale,
                    {
                        "dimension": dimension,
                        "entries": overview.entries,
                        "chart": overview.chart,
                        "description": dimension_description(dimension, t),
                    },
                )
            )
    evidence = [t.gettext(label) for label in VALUE_LABELS["evidence"].values()]
    # In a client bundle the way home is the organisation's report, not the portfolio.
    home = {"home_label": next(iter(reports.values())).organisation.name if client else None}
    method = method_description(portfolio.config.consultancy, portfolio.scoring_model, t)
    pages.append(
        Page(
            "method.html",
            "site/method.html",
            home_locale,
            {**home, "evidence_labels": evidence, "description": method},
        )
    )
    pages.append(
        Page(
            "404.html",
            "site/404.html",
            home_locale,
            {**home, "description": not_found_description(t)},
        )
    )
    for slug, report in reports.items():
        # the PDF is written to pdf/<org>.pdf, and its copy beside the bundle's report page
        pdf_href = (f"{slug}.pdf" if client else f"../../{PDF_DIR}/{slug}.pdf") if pdf else None
        prefix = f"{slug}/" if not client else ""
        pages += _organisation_pages(prefix, report, pdf_href)
        pages += _archive_pages(prefix, report)
    return pages


def _organisation_pages(
    prefix: str, report: OrganisationReport, pdf_href: str | None
) -> list[Page]:
    locale = report.organisation.report_locale
    t = Translator(locale)
    # the organisation page's sections and its navigation follow the PDF's contents
    sections = site_sections(contents(report, t))
    base = {"report": report, "organisation": report.organisation, "site_sections": sections}
    owner = report.organisation.slug
    pages = [
        Page(
            f"{prefix}index.html",
            "site/organisation.html",
            locale,
            {
                **base,
                "org_root": "",
                "pdf_href": pdf_href,
                "method": audit_method(report),
                "audit_links": audit_links(report),
                "previous_folder": previous_folder(report),
                "description": organisation_description(report, t),
            },
            owner,
        )
    ]
    for finding in report.findings:
        pages.append(
            Page(
                f"{prefix}findings/{finding.slug}.html",
                "site/finding.html",
                locale,
                {
                    **base,
                    "finding": finding,
                    "org_root": "../",
                    "description": finding_description(report, finding, t),
                },
                owner,
            )
        )
    for anecdote in report.anecdotes:
        pages.append(
            Page(
                f"{prefix}anecdotes/{anecdote.slug}.html",
                "site/anecdote.html",
                locale,
                {
                    **base,
                    "anecdote": anecdote,
                    "org_root": "../",
                    "description": anecdote_description(report, anecdote, t),
                },
                owner,
            )
        )
    return pages


def _archive_pages(prefix: str, report: OrganisationReport) -> list[Page]:
    """Every earlier audit's report at its stable address (see `archive`), each page with the
    way to the latest report, and the pages at the latest audit's stable address."""
    pages = []
    for earlier in report.earlier:
        folder = f"{prefix}{audit_folder(report.organisation, earlier.audit)}"
        for page in _organisation_pages(folder, earlier, None):  # the PDF is the latest's
            up = "../" * page.path[len(prefix) :].count("/")  # back to the organisation's folder
            pages.append(replace(page, context={**page.context, "latest_href": f"{up}index.html"}))
    return pages + _forwarding_pages(prefix, report)


def _forwarding_pages(prefix: str, report: OrganisationReport) -> list[Page]:
    """The latest audit's stable address: a page for its report and for each finding and
    story, sending the reader to where they are while the audit is the latest."""
    folder = f"{prefix}{AUDITS_DIR}/{report.audit.slug}/"
    targets = [("index.html", report.audit.title)]
    targets += [(f"findings/{f.slug}.html", f.title) for f in report.findings]
    targets += [(f"anecdotes/{a.slug}.html", a.title) for a in report.anecdotes]
    t = Translator(report.organisation.report_locale)
    return [
        Page(
            f"{folder}{path}",
            "site/forward.html",
            report.organisation.report_locale,
            {
                "organisation": report.organisation,
                "title": title,
                "target": "../" * (path.count("/") + 2) + path,
                "description": forwarding_description(title, report.organisation, t),
            },
            report.organisation.slug,
        )
        for path, title in targets
    ]


def render_site(
    pages: Iterable[Page],
    portfolio: Portfolio,
    theme_dir: Path,
    out_dir: Path,
    *,
    client: bool = False,
    search: bool = True,
) -> int:
    """Render pages into out_dir with the theme's assets and the search index.

    Returns the number of pages written.
    """
    logo = copy_assets(theme_dir, portfolio, out_dir / "assets")
    kind = ("inline" if client else "pagefind") if search else None
    shared = {
        "config": portfolio.config,
        "model": portfolio.scoring_model,
        "logo": logo,
        "client": client,
        "search": kind,
    }
    pages = list(pages)
    environments = Environments(theme_dir, portfolio.root)
    for page in pages:
        render_page(page, environments.of(page.locale), out_dir, shared)
    if kind == "inline":
        write_inline_search_index(out_dir, search_entries(out_dir, [page.path for page in pages]))
    elif kind == "pagefind":
        build_search_index(out_dir, portfolio.config.language)
    return len(pages)


class Environments:
    """The template environment of each locale, looked up once for a run of pages: looking
    it up checks every template file for a change, which costs more than a small page."""

    def __init__(self, theme_dir: Path, portfolio_dir: Path) -> None:
        self.theme_dir, self.portfolio_dir = theme_dir, portfolio_dir
        self._by_locale: dict[str, jinja2.Environment] = {}

    def of(self, locale: str) -> jinja2.Environment:
        if locale not in self._by_locale:
            self._by_locale[locale] = environment(self.theme_dir, self.portfolio_dir, locale)
        return self._by_locale[locale]


def render_page(
    page: Page, env: jinja2.Environment, out_dir: Path, shared: Mapping[str, Any]
) -> list[Path]:
    """Write one page (with env, its locale's environment) and the images it shows; returns
    the files written."""
    html = env.get_template(page.template).render(
        **shared, **page.context, root=page.root, page_path=page.path
    )
    target = out_dir / page.path
    written = [target]
    write_artifact(target, html.encode())
    for url, source in page.media:
        copy = target.parent / url
        copy.parent.mkdir(exist_ok=True)
        write_artifact(copy, source.read_bytes())
        written.append(copy)
    return written


def copy_assets(theme_dir: Path, portfolio: Portfolio, target: Path) -> str | None:
    """Theme assets, then the portfolio's own (which win), the theme colours and the logo.

    Returns the logo's file name inside the assets folder, if there is one.
    """
    copy_tree(theme_dir / "assets", theme_dir.resolve(), target, leave_out=UNUSED_ASSETS)
    copy_tree(
        portfolio.root / "templates" / "assets", portfolio.root, target, leave_out=UNUSED_ASSETS
    )
    # The accent colour lives in a stylesheet: a strict CSP allows no inline styles.
    accent = portfolio.config.accent_colour
    (target / "css").mkdir(parents=True, exist_ok=True)
    write_artifact(target / "css" / "theme.css", f":root {{ --accent: {accent}; }}\n".encode())
    name = logo_name(portfolio)
    if name is None or portfolio.config.logo is None:
        return None
    logo = entry(portfolio.root / portfolio.config.logo, portfolio.root)
    if logo.is_file:  # anything else was refused when the portfolio was loaded
        write_artifact(target / name, logo.path.read_bytes())
    return name


def copy_tree(source: Path, root: Path, target: Path, *, leave_out: Collection[str] = ()) -> None:
    """Copy every file below `source` that the walker lets be read (inside `root`) into target,
    except those whose path below `source` (with forward slashes) matches a pattern of
    `leave_out` (`*` for any part of a name).

    Links out, FIFOs and editor files are never opened (loading has reported them).
    """
    for found in walk(source, root):
        relative = found.path.relative_to(source)
        if found.is_file and not any(fnmatchcase(relative.as_posix(), p) for p in leave_out):
            copy = target / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            write_artifact(copy, found.path.read_bytes())


def logo_name(portfolio: Portfolio) -> str | None:
    """The logo's file name in the site's assets folder (the source's suffix, lowercased)."""
    if not portfolio.config.logo:
        return None
    return f"logo{Path(portfolio.config.logo).suffix.lower()}"


def build_search_index(site_dir: Path, language: str, reuse: Path | None = None) -> list[Path]:
    """Index the finding and story pages with Pagefind, into site_dir/pagefind/; returns the
    files placed there. `reuse` is the previous build's index: its files with the same bytes
    are linked, not written (a fragment's name is its content's hash, so an edit changes few).

    One language for the whole index, so a search from any page finds every report.

    Pagefind writes into a scratch folder (in memory where there is room: `scratch_root`),
    and its files are placed from there one by one. Left to write into the site, it creates
    its 2,000 files from many threads at once, and on ext4, after the previous build's files
    were removed, that cost 1.2 to 1.9 s more wall time of 50 organisations' 2.7 to 4.9 s,
    almost all of it in the kernel.
    """
    command = [
        str(pagefind_bin.get_executable()),  # not `python -m pagefind`: its start costs more
        "--site",
        str(site_dir),
        "--force-language",
        language,
        "--silent",
    ]
    glob = indexed_pages_glob(site_dir)
    if glob:
        command += ["--glob", glob]
    in_memory = scratch_root(site_dir)
    try:
        return _index_in_scratch(command, in_memory, site_dir, reuse)
    except SearchIndexError:
        if in_memory is None:
            raise
        # the memory filled up meanwhile (other builds on the machine): once more on disk
        return _index_in_scratch(command, None, site_dir, reuse)


def _index_in_scratch(
    command: list[str], root: str | None, site_dir: Path, reuse: Path | None
) -> list[Path]:
    if root is not None:
        _remove_abandoned_scratch(Path(root))
    prefix = f"{SCRATCH_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=root) as scratch:
        result = subprocess.run(
            [*command, "--output-path", scratch], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SearchIndexError(
                f"pagefind failed on {site_dir}: {result.stderr.strip() or result.stdout}"
            )
        return place_files(Path(scratch), site_dir / SEARCH_DIR, reuse)


def _remove_abandoned_scratch(root: Path) -> None:
    """Remove the scratch folders of builds that were killed (their process is gone): in
    memory, they would hold it until the machine restarts."""
    for folder in root.glob(SCRATCH_PREFIX + "*"):
        pid = folder.name.removeprefix(SCRATCH_PREFIX).partition("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def indexed_pages_glob(site_dir: Path) -> str | None:
    """A glob for Pagefind that matches every page holding `data-pagefind-body`, and few
    pages besides: the folder of each such page, its first part (the organisation) made a
    wildcard. None when no page holds it (Pagefind then indexes every page), or when such a
    folder's name holds a character a glob reads as a pattern (a theme's own folder).

    Pagefind reads every page its glob matches, and half the site's pages (organisation,
    dimension and forwarding pages) hold nothing it indexes: left out, a 50-organisation
    index takes 1.9 to 2.1 s instead of 2.3 to 2.5. A page it matches without the marker
    is read and left out, as before, so a wider glob costs time, never results.
    """
    patterns = set()
    for folder, subfolders, files in os.walk(site_dir):
        parts = Path(folder).relative_to(site_dir).parts
        if not parts and SEARCH_DIR in subfolders:
            subfolders.remove(SEARCH_DIR)
        for name in sorted(files):
            if name.endswith(".html") and _holds_marker(Path(folder, name)):
                if not all(_PLAIN_NAME.fullmatch(part) for part in parts):
                    return None  # a name a glob would read as a pattern: read every page
                patterns.add("/".join(("*", *parts[1:], "*.html")) if parts else "*.html")
                break  # one marked page is enough for its folder
    return "{" + ",".join(sorted(patterns)) + "}" if patterns else None


# A folder name that means itself in a glob (the site's own folders, and every slug).
_PLAIN_NAME = re.compile(r"[A-Za-z0-9._-]+")
# The attribute in a tag (quoted values may hold `>`), in any case, as Pagefind reads it;
# text that only mentions it is escaped (no `<` of its own), so it does not count.
_MARKER = re.compile(
    rb"""<[a-z](?:[^<>"']|"[^"]*"|'[^']*')*?\sdata-pagefind-body[\s=/>]""", re.IGNORECASE
)


def _holds_marker(page: Path) -> bool:
    html = page.read_bytes()
    return b"data-pagefind-body" in html.lower() and _MARKER.search(html) is not None


def scratch_root(site_dir: Path) -> str | None:
    """Where the search index is first written: in memory (Linux's /dev/shm) when that has
    room for more than the site's pages (the index is a fraction of them), else the system's
    default temporary folder. A container's /dev/shm may hold only 64 MB."""
    if not (os.path.isdir(SHARED_MEMORY) and os.access(SHARED_MEMORY, os.W_OK | os.X_OK)):
        return None
    pages = sum(page.stat().st_size for page in site_dir.rglob("*.html"))
    return SHARED_MEMORY if shutil.disk_usage(SHARED_MEMORY).free > pages else None


@dataclass(frozen=True)
class SearchEntry:
    """One page in the inline search index: what a result shows and what it matches."""

    url: str  # relative to the site's root
    title: str
    context: str  # the page's eyebrow: organisation, kind, earlier audit
    text: str


def search_entries(site_dir: Path, page_paths: Iterable[str]) -> list[SearchEntry]:
    """The indexable pages among page_paths, read from the rendered files in site_dir.

    The same pages and regions as Pagefind indexes (`data-pagefind-body`, without
    `data-pagefind-ignore`), so both searches find what the pages show, as they show it.
    """
    entries = []
    for path in page_paths:
        found = indexed_text((site_dir / path).read_text(encoding="utf-8"))
        if found:
            entries.append(SearchEntry(path, found.title, found.context, found.text))
    return entries


def inline_search_script(entries: Iterable[SearchEntry]) -> str:
    """The index as a script setting `INLINE_SEARCH_GLOBAL`; safe inside an inline <script>."""
    data = [{"url": e.url, "title": e.title, "context": e.context, "text": e.text} for e in entries]
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"window.{INLINE_SEARCH_GLOBAL} = {payload.replace('<', chr(92) + 'u003c')};\n"


def write_inline_search_index(site_dir: Path, entries: Iterable[SearchEntry]) -> Path:
    """Write the site's inline search index (a client bundle's); returns the file."""
    target = site_dir / INLINE_SEARCH_FILE
    write_artifact(target, inline_search_script(entries).encode())
    return target
