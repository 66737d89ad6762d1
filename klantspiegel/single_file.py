"""The single-file report: one organisation's client bundle as one self-contained HTML file.

A report that travels as an e-mail attachment opens with nothing beside it, so everything is
inside: the stylesheet, the fonts (WOFF2 subsets, see web_fonts.py), images as
`data:` URIs, the search index and the site's script. Its Content-Security-Policy allows no
request at all. Like Quarto's `embed-resources`, it is made from the rendered pages, so it
shows exactly what the bundle shows (sanitised and escaped as there):

- each page (the report, every finding and story, the method) becomes a section whose id is
  the page's path without `.html`, dots for slashes (`findings.x`: SVG ids must be XML names);
  the stylesheet shows the section the address points at, and the report when it points at none;
- the ids inside a section get its id as prefix (`findings.x.evidence-title`), and so does
  every reference to them (links, `aria-labelledby`, `for`, `url(#...)` in SVG);
- links between pages become links between sections; a link to a file that is not inside
  (the PDF, an earlier audit) keeps its text and loses its address.
"""

from __future__ import annotations

import base64
import hashlib
import html
import mimetypes
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from markupsafe import Markup

from klantspiegel.model import Portfolio
from klantspiegel.search_text import VOID_ELEMENTS
from klantspiegel.site import (
    Page,
    SearchEntry,
    inline_search_script,
    search_entries,
)
from klantspiegel.templating import environment
from klantspiegel.web_fonts import subset_path, web_font
from klantspiegel.writes import write_artifact

TEMPLATE = "site/single_file.html"
SCRIPT = "assets/js/site.js"
STYLESHEETS = ("assets/css/site.css", "assets/css/theme.css")
ID_LISTS = frozenset(
    {
        "aria-labelledby",
        "aria-describedby",
        "aria-controls",
        "aria-owns",
        "aria-flowto",
        "aria-details",
        "aria-activedescendant",
        "headers",
        "for",
        "list",
    }
)
_LOCAL_URL = re.compile(r"url\(\s*(['\"]?)#([^)'\"]+)\1\s*\)")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^)'\"]+)\1\s*\)(\s*format\(\s*['\"]?[\w-]+['\"]?\s*\))?")
# Attributes of <a> that HTML allows only with an href
_LINK_ONLY = frozenset({"type", "download", "hreflang", "ping", "referrerpolicy", "rel", "target"})


def single_file_pages(pages: Iterable[Page]) -> list[str]:
    """The bundle pages the single file holds: the latest report, its findings and stories,
    the method; in that order. Earlier audits stay in the bundle."""
    paths = [page.path for page in pages]
    wanted = ["index.html"]
    wanted += [p for p in paths if p.startswith(("findings/", "anecdotes/")) and p.count("/") == 1]
    wanted += ["method.html"]
    return [p for p in wanted if p in paths]


def section_id(path: str) -> str:
    """The id of a page's section: its path without `.html`, with dots for slashes."""
    return path.removesuffix(".html").replace("/", ".")


def render_single_file(
    bundle_dir: Path,
    pages: Sequence[Page],
    portfolio: Portfolio,
    theme_dir: Path,
    shared: Mapping[str, Any],
    target: Path,
    entries: Iterable[SearchEntry] | None = None,
) -> Path:
    """Write the single-file report of the client bundle rendered in bundle_dir.

    `entries` are the bundle's search entries when they were read already (for its own
    index); the single file searches those of the pages it holds.
    """
    paths = single_file_pages(pages)
    inside = {path: section_id(path) for path in paths}
    # the report's navigation is the first section's (each page repeats it)
    sections = [_section(bundle_dir, path, inside, n == 0) for n, path in enumerate(paths)]
    by_path = {
        e.url: e for e in (search_entries(bundle_dir, paths) if entries is None else entries)
    }
    index = [replace(by_path[path], url="#" + inside[path]) for path in paths if path in by_path]
    scripts = [inline_search_script(index), (bundle_dir / SCRIPT).read_text(encoding="utf-8")]
    locale = next(p.locale for p in pages if p.path == "index.html")
    env = environment(theme_dir, portfolio.root, locale)
    context = {
        **shared,
        "search": "inline",
        "root": "",
        "page_path": target.name,
        "sections": sections,
        "org_nav": Markup(sections[0].org_nav),
        "title": sections[0].title,
        "scripts": [Markup(s) for s in scripts],
        "description": next(
            p.context["description"] for p in pages if p.path == "index.html"
        ),  # the report's own
        "logo_uri": _data_uri(bundle_dir / "assets" / shared["logo"])
        if shared.get("logo")
        else None,
        "favicon_uri": _data_uri(bundle_dir / "assets" / "favicon.svg"),
    }
    draft = env.get_template(TEMPLATE).render(**context, style_uri="", csp="")
    style = _stylesheet(bundle_dir, theme_dir, html.unescape(draft))
    # a data: stylesheet rather than <style>: validators check inline CSS with an old grammar
    csp = (
        "default-src 'none'; img-src data:; font-src data:; style-src data:; "
        f"script-src {' '.join(_hash(s) for s in scripts)}; "
        "base-uri 'none'; form-action 'none'"
    )
    style_uri = "data:text/css;base64," + base64.b64encode(style.encode()).decode()
    document = env.get_template(TEMPLATE).render(**context, style_uri=style_uri, csp=csp)
    return write_artifact(target, document)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    breadcrumbs: Markup
    main: Markup
    org_nav: str = ""


def _section(
    bundle_dir: Path, path: str, inside: Mapping[str, str], with_org_nav: bool = True
) -> Section:
    parts, title = _page_parts(
        (bundle_dir / path).read_text(encoding="utf-8"),
        _Rewriter(bundle_dir, path, inside),
        PARTS if with_org_nav else PARTS - {"org-nav"},
    )
    if "main" not in parts:
        raise ValueError(f"{path}: the page has no <main> to put in the single-file report")
    return Section(
        inside[path],
        " ".join(title.split()),
        Markup(parts.get("breadcrumbs", "")),
        Markup(parts["main"]),
        parts.get("org-nav", ""),
    )


# A rendered page is our own markup (templates, sanitised Markdown, our SVG), so a tokenizer
# finds its tags: comments, start and end tags with quoted attribute values. Python's
# html.parser read them too, at four times the cost, which was a quarter of a clean build.
_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(?P<end>/)?(?P<tag>[a-zA-Z][^\t\n\r\f />\x00]*)"
    r"(?P<attrs>[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*)>",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([^\s/>"'=][^\s/=>]*)(?:\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?""")
# Attributes whose values the single file changes; a tag without any is copied as it is.
_TO_REWRITE = re.compile(
    r"(?:^|\s)(?:(?:id|href|xlink:href|src|for|headers|list|aria-\w+)\s*=|data-pagefind)"
    r"|url\(\s*['\"]?#",
    re.IGNORECASE,
)
_RAW_TEXT = frozenset({"script", "style"})  # their text is not markup
PARTS = frozenset({"main", "breadcrumbs", "org-nav"})


def _attributes(text: str) -> list[tuple[str, str | None]]:
    """A start tag's attributes as html.parser gives them: names in lower case, values
    unquoted and unescaped, None for an attribute without a value."""
    found: list[tuple[str, str | None]] = []
    for match in _ATTRIBUTE.finditer(text):
        name, value = match.group(1).lower(), match.group(2)
        if value is not None:
            if value[:1] == value[-1:] and value[:1] in ("'", '"') and len(value) > 1:
                value = value[1:-1]
            value = html.unescape(value) if value else value
        found.append((name, value))
    return found


def _page_parts(
    page: str, rewriter: _Rewriter, wanted: frozenset[str] = PARTS
) -> tuple[dict[str, str], str]:
    """The `wanted` parts of a rendered page the single file takes (the inside of <main>, the
    breadcrumbs, the report's navigation), rewritten to work inside it; and the page title.

    Reading ends with the last part wanted: what follows (the footer) is not read."""
    parts: dict[str, str] = {}
    title = ""
    capture: _Capture | None = None
    position = 0
    while (token := _TOKEN.search(page, position)) is not None:
        if capture is not None:
            capture.out.append(page[position : token.start()])  # text, entities as written
        position = token.end()
        tag = token.group("tag")
        if tag is None:  # a comment
            if capture is not None:
                capture.out.append(token.group(0))
            continue
        tag = tag.lower()
        if token.group("end"):
            if capture is None or tag in VOID_ELEMENTS:
                continue
            capture.depth -= 1
            if capture.depth > 0 or capture.keep_tag:
                capture.out.append(f"</{tag}>")
            if capture.depth == 0:
                parts[capture.name] = "".join(capture.out)
                capture = None
                if wanted <= parts.keys():
                    break
            continue
        attributes_text = token.group("attrs")
        closed = attributes_text.rstrip().endswith("/")
        if capture is None:
            if tag == "title" and not title and not closed:  # the page's own, in its head
                end = page.find("</title", position)
                title = html.unescape(page[position:end]) if end >= 0 else ""
                continue
            capture = _starts(tag, attributes_text, parts, wanted)
            if capture is None:
                continue
            if not capture.keep_tag:
                capture.depth = 1
                continue
        if tag not in VOID_ELEMENTS and not closed:
            capture.depth += 1
        rewritten = (
            rewriter.rewrite(tag, _attributes(attributes_text))
            if _TO_REWRITE.search(attributes_text)
            else None
        )
        capture.out.append(
            token.group(0) if rewritten is None else _start_tag(tag, rewritten, closed)
        )
        if tag in _RAW_TEXT and not closed:  # copied up to its end tag, unread
            end = page.lower().find(f"</{tag}", position)
            end = len(page) if end < 0 else end
            capture.out.append(page[position:end])
            position = end
    return parts, title


def _starts(
    tag: str, attributes_text: str, parts: Mapping[str, str], wanted: frozenset[str]
) -> _Capture | None:
    """The wanted part a tag outside every part starts, if any."""
    if tag == "main" and "main" not in parts:
        return _Capture("main", keep_tag=False)
    if tag != "nav":
        return None
    classes = (dict(_attributes(attributes_text)).get("class") or "").split()
    for name in ("breadcrumbs", "org-nav"):
        if name in classes and name in wanted and name not in parts:
            return _Capture(name, keep_tag=True)
    return None


@dataclass
class _Capture:
    name: str
    keep_tag: bool  # the element itself, or only what is inside it
    depth: int = 0
    out: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Rewriter:
    """Makes a page's ids, links and images work inside the single file."""

    bundle_dir: Path
    path: str
    inside: Mapping[str, str]

    @property
    def prefix(self) -> str:
        return self.inside[self.path] + "."

    def rewrite(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> list[tuple[str, str | None]] | None:
        """The attributes made to work inside the single file, or None if they already do."""
        changed = False
        result: list[tuple[str, str | None]] = []
        for name, value in attrs:
            new: str | None = value
            if name.startswith("data-pagefind"):
                changed = True
                continue
            if value is not None:
                if name == "id":
                    new = self.prefix + value
                elif name in ID_LISTS:
                    new = " ".join(self.prefix + ref for ref in value.split())
                elif name in ("href", "xlink:href"):
                    new = self._link(value)
                    if new is None:  # a file the single file does not carry: no link
                        changed = True
                        continue
                elif name == "src" and tag == "img":
                    new = self._image(value)
                elif "url(#" in value:
                    new = _LOCAL_URL.sub(lambda m: f"url(#{self.prefix}{m.group(2)})", value)
            changed |= new != value
            result.append((name, new))
        if tag == "a" and len(result) < len(attrs) and not any(n == "href" for n, _ in result):
            # the link was dropped: what only means something on a link is invalid without it
            result = [(name, value) for name, value in result if name not in _LINK_ONLY]
        return result if changed else None

    def _link(self, href: str) -> str | None:
        """Where a link leads inside the single file; None for a file that is not inside."""
        if href.startswith("#"):
            return "#" + self.prefix + href[1:] if len(href) > 1 else href
        if re.match(r"^[a-zA-Z][\w+.-]*:|^//", href):
            return href  # another site or an e-mail address: followed only when clicked
        url, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), url))
        if target not in self.inside:
            return None
        section = self.inside[target]
        return f"#{section}.{fragment}" if fragment else f"#{section}"

    def _image(self, src: str) -> str:
        if src.startswith("data:"):
            return src
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), src))
        # the bundle holds only images that loading checked and this page shows
        return _data_uri(self.bundle_dir / target)


def _start_tag(tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> str:
    shown = "".join(
        f' {name}="{html.escape(value)}"' if value is not None else f" {name}"
        for name, value in attrs
    )
    return f"<{tag}{shown}{' /' if closed else ''}>"


def _data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _hash(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def _stylesheet(bundle_dir: Path, theme_dir: Path, shown: str) -> str:
    """The bundle's stylesheets as one, with every font and image inside: each font as the
    theme's committed subset, or subset now if the document shows what that lacks."""
    assets = bundle_dir.resolve() / "assets"
    sheets = {name: (bundle_dir / name).read_text(encoding="utf-8") for name in STYLESHEETS}
    # generated content too (`content: "→"`); as a set once, not per font
    characters = frozenset(shown + "".join(sheets.values()))
    parts = []
    for name, css in sheets.items():
        folder = (bundle_dir / name).parent

        def inline(match: re.Match[str], folder: Path = folder) -> str:
            url = match.group(2)
            if url.startswith(("data:", "#")):
                return match.group(0)
            source = (folder / url).resolve()
            if source.suffix.lower() in (".otf", ".ttf", ".woff", ".woff2"):
                committed = (
                    subset_path(theme_dir / "assets" / source.relative_to(assets))
                    if source.is_relative_to(assets)
                    else None
                )
                data = base64.b64encode(web_font(source, committed, characters)).decode()
                return f'url("data:font/woff2;base64,{data}") format("woff2")'
            return f'url("{_data_uri(source)}"){match.group(3) or ""}'

        parts.append(_CSS_URL.sub(inline, css))
    return "\n".join(parts)
