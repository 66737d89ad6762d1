"""Images and links in Markdown: what may be referenced, and where it goes in the output.

Images must be files inside the portfolio (the report works offline and the build reads
nothing outside the portfolio and theme); they are copied next to the page as `media/...`.
Links may go to the web, to an e-mail address, or to a finding or story of the same audit.
Anything else is a validation error naming file and line, never a silent drop.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

from klantspiegel.images import IMAGE_SUFFIXES, image_problem
from klantspiegel.text import slugify
from klantspiegel.walk import entry

MEDIA_DIR = "media"
MAX_MEDIA_STEM = 100  # characters of the image's own name kept in its output name
WEB_SCHEMES = {"http", "https", "mailto"}
UNSAFE_SCHEMES = {"javascript", "vbscript", "data"}  # removed by the sanitiser, not an error


@dataclass(frozen=True)
class Resolved:
    url: str | None  # the URL to write into the page; None drops it
    problem: str | None = None
    media: Path | None = None  # a file to copy next to the page
    checked: Path | None = None  # the file whose kind and bytes decided this (for the cache)


def resolve(kind: str, url: str, source: Path, root: Path) -> Resolved:
    """Decide what becomes of an image or link written in the Markdown file `source`."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if kind == "link":
        return _resolve_link(url, parts, scheme, source, root)
    if scheme or parts.netloc:
        return Resolved(
            None,
            (
                f"image '{url}' is not a file in the portfolio (remote, file: and data: images are "
                "not allowed: the report must work offline and read nothing outside the portfolio)"
            ),
        )
    found = entry(source.parent / unquote(parts.path), root, reader=source)
    target = found.path
    if found.kind == "missing":
        return Resolved(
            None, f"image '{url}' not found (expected a path relative to this file)", checked=target
        )
    if not found.is_file:
        return Resolved(None, f"image '{url}' {found.problem}", checked=target)
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        return Resolved(
            None,
            (f"'{url}' is not an image (expected one of {', '.join(sorted(IMAGE_SUFFIXES))})"),
            checked=target,
        )
    problem = image_problem(target)
    if problem:
        return Resolved(None, f"image '{url}' {problem}", checked=target)
    return Resolved(f"{MEDIA_DIR}/{media_name(target, root)}", media=target, checked=target)


def _resolve_link(url: str, parts: SplitResult, scheme: str, source: Path, root: Path) -> Resolved:
    if scheme in WEB_SCHEMES:
        return Resolved(url)
    if scheme in UNSAFE_SCHEMES:
        return Resolved(None)
    if scheme or parts.netloc:
        return Resolved(
            None, f"link '{url}' points outside the portfolio ({scheme}: links are not allowed)"
        )
    if not parts.path:
        return Resolved(url)  # a #fragment on the same page
    found = entry(source.parent / unquote(parts.path), root, reader=source)
    target = found.path
    if not target.is_relative_to(root):
        return Resolved(None, f"link '{url}' points outside the portfolio")
    if found.kind == "refused":
        return Resolved(None, f"link '{url}' {found.problem}", checked=target)
    audit = source.parent.parent
    if (
        target.suffix == ".md"
        and found.is_file
        and target.parent.parent == audit
        and target.parent.name in ("findings", "anecdotes")
    ):
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return Resolved(
            f"../{target.parent.name}/{slugify(target.stem)}.html{fragment}", checked=target
        )
    return Resolved(
        None,
        (
            f"link '{url}' must point to a web address or to a finding or story of this audit "
            "(for example ../anecdotes/story.md)"
        ),
        checked=target,
    )


def media_name(path: Path, root: Path) -> str:
    """A stable, collision-free file name for a copied image, short enough for any disk.

    The hash of the path keeps names apart, so the readable part may be cut to fit.
    """
    digest = hashlib.sha1(path.relative_to(root).as_posix().encode()).hexdigest()[:8]
    readable = slugify(path.stem)[:MAX_MEDIA_STEM].strip("-") or "image"
    return f"{readable}-{digest}{path.suffix.lower()}"


def line_of(body: str, first_line: int, url: str) -> int:
    """The line of the body where a URL is written (the body's first line if not found)."""
    for offset, line in enumerate(body.split("\n")):
        if url in line:
            return first_line + offset
    return first_line
