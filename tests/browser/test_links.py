"""Every link and asset reference of the built site resolves inside it, relatively.

No browser: the built files are parsed. Internal targets must exist (a #fragment must name
an id in the target page), links must be relative so the site works under any sub-path and
from disk, and assets (stylesheets, scripts, images, fonts) are never fetched from elsewhere.
Links to other sites in the text are allowed; they are listed at the end of the run.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

URL_ATTRIBUTES = {"href", "src", "srcset", "poster", "xlink:href"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""")


class References(html.parser.HTMLParser):
    """The URL references of a page (with their line) and the ids it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[int, str, str]] = []  # line, tag, url
        self.ids: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in URL_ATTRIBUTES:
                urls = (
                    [c.split()[0] for c in value.split(",") if c.strip()]
                    if name == "srcset"
                    else [value]
                )
                self.references += [(line, tag, url.strip()) for url in urls]
            elif name == "style":
                self.references += [(line, "style", url) for url in css_urls(value)]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.references += [(self.getpos()[0], "style", url) for url in css_urls(data)]


def css_urls(css: str) -> list[str]:
    return [m.group(2) if m.group(2) is not None else m.group(4) for m in CSS_URL.finditer(css)]


def parse(path: Path) -> References:
    parser = References()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def check_reference(
    url: str, tag: str, source: Path, site: Path, ids_of, external: set[str]
) -> str | None:
    """Why this reference is broken, or None. External page links go into `external`."""
    parts = urlsplit(url)
    if parts.scheme in {"mailto", "tel", "data"}:
        return None
    if url.startswith("#") and tag in {"style", "css"}:  # url(#id): an SVG paint server
        return None
    if parts.scheme in {"http", "https"} or url.startswith("//"):
        if tag in {"a", "area"}:
            external.add(url)
            return None
        return f"asset {url!r} is fetched from another site: bundle it"
    if parts.scheme:
        return f"unexpected {parts.scheme}: reference {url!r}"
    if parts.path.startswith("/"):
        return f"{url!r} is absolute: make it relative so the site works under any sub-path"
    target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
    if not target.is_relative_to(site.resolve()):
        return f"{url!r} points outside the site"
    if target.is_dir():
        return f"{url!r} is a folder: link its index.html so the site works from disk"
    if not target.is_file():
        return f"{url!r} does not exist"
    if (
        parts.fragment
        and target.suffix == ".html"
        and unquote(parts.fragment) not in ids_of(target)
    ):
        return f"{url!r}: no element with id {unquote(parts.fragment)!r} in {target.name}"
    return None


@pytest.fixture(scope="session")
def ids_of():
    cache: dict[Path, set[str]] = {}

    def ids(path: Path) -> set[str]:
        if path not in cache:
            cache[path] = parse(path).ids
        return cache[path]

    return ids


def test_every_reference_of_the_page_resolves_inside_the_site(
    site, page_path, ids_of, external_links
):
    source = site / page_path
    problems, external = [], set()
    for line, tag, url in parse(source).references:
        problem = check_reference(url, tag, source, site, ids_of, external)
        if problem:
            problems.append(f"{page_path}:{line}: <{tag}> {problem}")
    for url in external:
        external_links.setdefault(url, set()).add(page_path)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_every_url_in_the_stylesheets_resolves_inside_the_site(site, ids_of):
    stylesheets = sorted(site.rglob("*.css"))
    assert stylesheets, "the built site has no stylesheet"
    problems = []
    for css in stylesheets:
        for url in css_urls(css.read_text(encoding="utf-8")):
            problem = check_reference(url, "css", css, site, ids_of, set())
            if problem:
                problems.append(f"{css.relative_to(site)}: {problem}")
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
