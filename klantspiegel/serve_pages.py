"""What `serve` sends besides the built files: the live-reload script on each page (with the
notices about the PDFs in the page's language), the page listing a failed build's problems,
and the events that tell open pages about builds."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from klantspiegel.i18n import N_, SOURCE_LANGUAGE, Translator

LIVE = "/__klantspiegel/"  # the server's own files; no site page can live under this name
HTML_LANG = re.compile(rb"<html[^>]*\slang=\"([A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*)\"")
# What a page shows while the PDFs are being rendered after a change, or failed to render.
PDF_NOTICES = {
    "updating": N_("PDF is being updated…"),
    "failed": N_("The PDF could not be updated"),
}


@dataclass(frozen=True)
class Event:
    """One Server-Sent Event: `hello`, `reload` (data: the build's version) or `pdf`."""

    name: str
    data: str

    def encode(self) -> bytes:
        lines = "".join(f"data: {line}\n" for line in self.data.split("\n"))
        return f"event: {self.name}\n{lines}\n".encode()


@dataclass(frozen=True)
class PdfState:
    """Where the PDFs stand: "" (up to date), "updating", or "failed" with the problems."""

    state: str = ""
    problems: str = ""

    def event(self) -> Event:
        return Event("pdf", json.dumps({"state": self.state, "problems": self.problems}))


def file_under(root: Path, url_path: str) -> Path | None:
    """The file or folder a URL path names inside `root`, or None when it would leave it."""
    parts = [part for part in url_path.split("/") if part]
    if any(part in (".", "..") or "\\" in part or "\0" in part for part in parts):
        return None
    try:
        path = root.joinpath(*parts).resolve()
    except (OSError, ValueError):
        return None
    return path if path.is_relative_to(root.resolve()) else None


def with_live_script(page: bytes, version: str) -> bytes:
    """The page with the live-reload script before `</body>` (the file on disk is untouched),
    the notices about the PDFs in the page's language on its tag."""
    translator = Translator(page_language(page))
    notices = "".join(
        f' data-pdf-{state}="{html.escape(translator.gettext(text))}"'
        for state, text in PDF_NOTICES.items()
    )
    tag = f'<script src="{LIVE}live.js" data-version="{version}"{notices} defer></script>\n'
    end = page.rfind(b"</body>")
    return page[:end] + tag.encode() + page[end:] if end >= 0 else page + tag.encode()


def page_language(page: bytes) -> str:
    """The language in the page's `<html lang>`, English when it has none."""
    found = HTML_LANG.search(page[:2000])
    return found.group(1).decode() if found else SOURCE_LANGUAGE


def error_page(problems: list[str]) -> bytes:
    """A page listing a failed build's problems; the live script is added as it is sent."""
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; object-src 'none'">
<title>Build failed</title>
<link rel="icon" href="{LIVE}failed.svg" type="image/svg+xml">
<link rel="stylesheet" href="{LIVE}error.css">
</head>
<body>
<main>
<h1>The build failed</h1>
<p>Fix the problems below and save: this page shows the report again by itself.</p>
<ul class="problems">
{items}
</ul>
</main>
</body>
</html>
""".encode()
