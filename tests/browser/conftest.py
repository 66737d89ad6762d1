"""The built example site, served over HTTP under a sub-path, and one Chromium to look at it.

The example portfolio in `audits/` is built once per session (`--no-pdf`) into a temporary
folder. Its pages are known at collection time, so tests are parametrized by page path and a
failure names the page. The output folder is served as it is, so the site lives under
`/site/`: a link that only works from the server's root fails here.
"""

from __future__ import annotations

import functools
import html.parser
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "audits"
NODE_MODULES = REPO / "node_modules"

# One page of each type is checked for layout, accessibility and validity; a type that the
# site does not have (yet) fails those checks rather than being skipped.
PAGE_TYPES: dict[str, str] = {
    "home": r"index\.html",
    "organisation": r"(?!dimensions/|assets/|pagefind/)[^/]+/index\.html",
    "finding": r"[^/]+/findings/[^/]+\.html",
    "anecdote": r"[^/]+/anecdotes/[^/]+\.html",
    "dimension": r"dimensions/(?!index\.html)[^/]+\.html",
    "method": r"method\.html",
    "404": r"404\.html",
}


@dataclass
class BuiltSite:
    """The result of building the example portfolio: the site folder, or why it failed."""

    output: Path
    error: str = ""
    pages: list[str] = field(default_factory=list)  # every HTML page, relative, sorted

    @property
    def site(self) -> Path:
        return self.output / "site"

    def first_of_type(self, page_type: str) -> str | None:
        pattern = re.compile(PAGE_TYPES[page_type])
        return next((p for p in self.pages if pattern.fullmatch(p)), None)


_BUILT_KEY = pytest.StashKey[BuiltSite]()
BUILD_FAILED = "(build failed)"


def build_example_site(config: pytest.Config) -> BuiltSite:
    """Build `audits/` once per session (at collection time: the pages parametrize tests)."""
    built = config.stash.get(_BUILT_KEY, None)
    if built is not None:
        return built
    output = Path(tempfile.mkdtemp(prefix="klantspiegel-site-")) / "output"
    config.add_cleanup(lambda: shutil.rmtree(output.parent, ignore_errors=True))
    result = subprocess.run(
        [sys.executable, "build.py", "--source", str(SOURCE), "--output", str(output), "--no-pdf"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    built = BuiltSite(output)
    if result.returncode != 0:
        built.error = (
            f"building the example portfolio failed (exit {result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )
    elif not built.site.is_dir():
        built.error = f"the build wrote no site folder into {output}"
    else:
        built.pages = sorted(
            p.relative_to(built.site).as_posix() for p in built.site.rglob("*.html")
        )
    config.stash[_BUILT_KEY] = built
    return built


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A failed build still yields one test per parametrized function, failing with the
    # build's message: an empty parameter set would be skipped silently.
    if "page_path" in metafunc.fixturenames:
        pages = build_example_site(metafunc.config).pages or [BUILD_FAILED]
        metafunc.parametrize("page_path", pages, ids=pages)
    if "page_type" in metafunc.fixturenames:
        metafunc.parametrize("page_type", list(PAGE_TYPES))


@pytest.fixture(scope="session")
def built_site(request: pytest.FixtureRequest) -> BuiltSite:
    built = build_example_site(request.config)
    if built.error:
        pytest.fail(built.error, pytrace=False)
    return built


@pytest.fixture(scope="session")
def site(built_site: BuiltSite) -> Path:
    """The folder of the built site (output/site)."""
    return built_site.site


@pytest.fixture(scope="session")
def page_of_type(built_site: BuiltSite):
    """page_of_type(name) -> the first page of that type; the test fails when there is none."""

    def first(page_type: str) -> str:
        path = built_site.first_of_type(page_type)
        if path is None:
            pytest.fail(
                f"the built site has no {page_type} page (a path matching "
                f"{PAGE_TYPES[page_type]!r})",
                pytrace=False,
            )
        return path

    return first


# --- Reading built pages -------------------------------------------------------------------


class _TextAndHeadings(html.parser.HTMLParser):
    """Visible text of <main> (or the whole body without one) and the first <h1>."""

    SKIPPED = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.main_text: list[str] = []
        self.body_text: list[str] = []
        self.h1: list[str] = []
        self.h1_done = False
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack.pop() != tag:
                pass
        if tag == "h1" and self.h1:
            self.h1_done = True

    def handle_data(self, data: str) -> None:
        if self.SKIPPED.intersection(self._stack):
            return
        self.body_text.append(data)
        if "main" in self._stack:
            self.main_text.append(data)
        if "h1" in self._stack and not self.h1_done:
            self.h1.append(data)


@dataclass(frozen=True)
class PageText:
    main: str  # visible text of <main>, or of the whole page when it has none
    h1: str


def read_page_text(path: Path) -> PageText:
    parser = _TextAndHeadings()
    parser.feed(path.read_text(encoding="utf-8"))
    main = " ".join(parser.main_text or parser.body_text)
    return PageText(main=" ".join(main.split()), h1=" ".join("".join(parser.h1).split()))


@pytest.fixture(scope="session")
def page_text(site: Path):
    """page_text(relative_path) -> PageText of a built page."""
    return functools.cache(lambda relative: read_page_text(site / relative))


@pytest.fixture(scope="session")
def organisation_names() -> dict[str, str]:
    """Folder -> name of each organisation, as its organisation.yaml in `audits/` gives it."""
    names = {}
    for path in sorted(SOURCE.glob("*/organisation.yaml")):
        names[path.parent.name] = str(yaml.safe_load(path.read_text(encoding="utf-8"))["name"])
    return names


# --- Serving ---------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    """Base URL of the site, served from a sub-path: http://127.0.0.1:PORT/site/."""
    handler = functools.partial(_QuietHandler, directory=str(built_site.output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/site/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- The browser -----------------------------------------------------------------------------


# `browser` (Debian's Chromium, once for the session) is in tests/conftest.py: test_serve.py
# drives it too, and Playwright allows one sync session per process.


def _context(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(scope="session")
def browser_context(browser):
    """The context every check shares, with the site's Content-Security-Policy in force."""
    context = _context(browser)
    yield context
    context.close()


@pytest.fixture(scope="session")
def injecting_context(browser):
    """A context that lets a test inject a script (axe-core) despite the site's CSP."""
    context = _context(browser, bypass_csp=True)
    yield context
    context.close()


class PageProblems:
    """What went wrong while a page was open: console errors, script errors, failed requests."""

    def __init__(self, page) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", self._page_error)
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.messages.append(
                f"console error: {message.text}" + (f" ({where})" if where else "")
            )

    def _page_error(self, error) -> None:
        self.messages.append(f"uncaught error: {error}")

    def _request_failed(self, request) -> None:
        # Aborted means cancelled by the browser (e.g. the favicon when the tab moves on);
        # a missing file is an HTTP 404, caught by _response.
        if request.failure == "net::ERR_ABORTED":
            return
        self.messages.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.messages.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def page(browser_context):
    """A fresh tab in the session's browser."""
    tab = browser_context.new_page()
    yield tab
    tab.close()


@pytest.fixture
def injecting_page(injecting_context):
    """A fresh tab in which the site's CSP does not stop injected scripts."""
    tab = injecting_context.new_page()
    yield tab
    tab.close()


@pytest.fixture
def page_problems(page) -> PageProblems:
    """Collects console errors, uncaught errors and failed requests of `page` from the start."""
    return PageProblems(page)


@pytest.fixture(scope="module")
def _module_tab(browser_context):
    tab = browser_context.new_page()
    yield tab, PageProblems(tab)
    tab.close()


@pytest.fixture
def reused_tab(_module_tab):
    """(page, problems) of one tab shared by a module's tests; problems start empty each test."""
    tab, problems = _module_tab
    problems.messages.clear()
    return tab, problems


@pytest.fixture(scope="session")
def axe_script() -> Path:
    path = NODE_MODULES / "axe-core" / "axe.min.js"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `npm ci` (scripts/test.sh does)", pytrace=False)
    return path


EXTERNAL_LINKS_KEY = pytest.StashKey[dict[str, set[str]]]()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """List the external links the link check found (allowed, but worth a look)."""
    external = config.stash.get(EXTERNAL_LINKS_KEY, None)
    if external:
        terminalreporter.section("external links in the built site")
        for url, pages in sorted(external.items()):
            terminalreporter.write_line(f"{url}  (on {len(pages)} page(s), e.g. {min(pages)})")


@pytest.fixture(scope="session")
def external_links(request: pytest.FixtureRequest) -> dict[str, set[str]]:
    """URL -> pages linking to it; printed at the end of the run."""
    return request.config.stash.setdefault(EXTERNAL_LINKS_KEY, {})
