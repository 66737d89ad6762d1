"""Is an image safe to publish? One check for every image the build copies from the portfolio.

SVG is read with a real XML parser (no DOCTYPE, no entities) and refused when it carries
anything active: scripts, event handlers, foreign content, or a reference outside the file
itself, in any namespace and any encoding. Raster images are identified by Pillow from their
header only (no pixels decoded) and refused when unreadable, of another format than their
suffix says, or too large to render.
"""

from __future__ import annotations

import re
import stat
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from PIL import Image, UnidentifiedImageError

from klantspiegel.walk import read_regular

MAX_PIXELS = 40_000_000  # 40 megapixels: far above any report figure, far below a bomb
MAX_SIDE = 20_000
MAX_SVG_BYTES = 10 * 1024 * 1024
RASTER_FORMATS = {
    ".png": {"PNG"},
    ".jpg": {"JPEG", "MPO"},
    ".jpeg": {"JPEG", "MPO"},
    ".gif": {"GIF"},
    ".webp": {"WEBP"},
}
IMAGE_SUFFIXES = {*RASTER_FORMATS, ".svg"}

_ACTIVE_ELEMENTS = {
    "script", "foreignobject", "iframe", "frame", "frameset", "embed", "object", "applet",
    "handler", "listener", "base", "link", "meta", "form",
}
_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}
_URL_ATTRIBUTES = {
    "href", "src", "srcset", "data", "action", "formaction", "poster", "codebase",
    "background", "lowsrc", "dynsrc",
}
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*([^)'\"]*)", re.IGNORECASE)
_CSS_ACTIVE = re.compile(
    r"@import|expression\(|(?<![\w-])(?:-webkit-)?image(?:-set)?\(|(?<![\w-])src\(",
    re.IGNORECASE,
)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_NOT_ALLOWED = "(scripts, event handlers, foreign content and references outside the image " \
    "are not allowed)"


def image_problem(path: Path) -> str | None:
    """Why the image file at `path` may not be published, or None when it is safe.

    The message is a phrase to follow the image's name, e.g. "image 'x.svg': {message}".
    """
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        return f"is not an image (expected one of {', '.join(sorted(IMAGE_SUFFIXES))})"
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if not stat.S_ISREG(mode):
        return "is not a regular file"
    try:
        if suffix == ".svg":
            return _svg_problem(path)
        return _raster_problem(path, RASTER_FORMATS[suffix])
    except OSError as error:  # swapped or removed since it was judged
        return f"cannot be read ({error.strerror or error})"


def _raster_problem(path: Path, formats: set[str]) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                kind, (width, height) = image.format, image.size
                image.verify()  # checks chunk structure and checksums; decodes no pixels
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return _too_large()
        except UnidentifiedImageError:
            return "is not an image Pillow can read (corrupt, or not the format its name says)"
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            return f"is damaged or truncated ({error})"
    if kind not in formats:
        expected = "/".join(sorted(formats))
        return f"is a {kind} image but its name says {expected} (rename it to match)"
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        return _too_large(width, height)
    return None


def _too_large(width: int | None = None, height: int | None = None) -> str:
    size = f" ({width} x {height} pixels)" if width is not None else ""
    return (f"is too large{size}: at most {MAX_SIDE:,} pixels a side and "
            f"{MAX_PIXELS // 1_000_000} megapixels")


class _Collector:
    """A parser target that builds the tree and keeps processing instructions, which
    ElementTree would otherwise drop silently (`<?xml-stylesheet href=...?>` loads a file)."""

    def __init__(self) -> None:
        self.tree = ET.TreeBuilder()
        self.instructions: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        return self.tree.start(tag, attrs)

    def end(self, tag: str) -> ET.Element:
        return self.tree.end(tag)

    def data(self, text: str) -> None:
        self.tree.data(text)

    def pi(self, target: str, text: str) -> None:
        self.instructions.append(target)

    def close(self) -> ET.Element:
        return self.tree.close()


def _svg_problem(path: Path) -> str | None:
    if path.stat().st_size > MAX_SVG_BYTES:
        return f"is too large for an SVG image (over {MAX_SVG_BYTES // 1024 // 1024} MiB)"
    collector = _Collector()
    parser = DefusedXMLParser(target=collector, forbid_dtd=True)
    try:
        parser.feed(read_regular(path, MAX_SVG_BYTES))
        root = parser.close()
    except DefusedXmlException:
        return "is refused: an SVG may not declare a DOCTYPE or entities"
    except ET.ParseError as error:
        return f"is not a well-formed SVG file ({error})"
    if _local(root.tag) != "svg":
        return f"is not an SVG image (its root element is <{_local(root.tag)}>, not <svg>)"
    if collector.instructions:
        return f"contains a processing instruction <?{collector.instructions[0]}?> {_NOT_ALLOWED}"
    for element in root.iter():
        problem = _element_problem(element)
        if problem:
            return f"contains script or other active content: {problem} {_NOT_ALLOWED}"
    return None


def _local(name: str) -> str:
    """The local name of a `{namespace}name` tag or attribute, lower-cased."""
    return name.rsplit("}", 1)[-1].lower()


def _element_problem(element: ET.Element) -> str | None:
    name = _local(element.tag)
    if name in _ACTIVE_ELEMENTS:
        return f"a <{name}> element"
    css = _css_problem(element.text or "") if name == "style" else None
    if css:
        return f"a <style> element with {css}"
    for attribute, value in element.attrib.items():
        problem = _attribute_problem(name, _local(attribute), value)
        if problem:
            return f"{problem} on <{name}>"
    return None


def _attribute_problem(element: str, attribute: str, value: str) -> str | None:
    squashed = "".join(c for c in value if c > " ").lower()
    if attribute.startswith("on"):
        return f"an event handler '{attribute}'"
    if any(scheme in squashed for scheme in _SCRIPT_SCHEMES):
        return f"a script address in '{attribute}'"
    if attribute in _URL_ATTRIBUTES and not value.strip().startswith("#"):
        return f"a reference '{value.strip()[:80]}' in '{attribute}' (only #fragments are allowed)"
    if element in _ANIMATIONS and attribute == "attributename":
        target = _local(value.split(":")[-1])
        if target in _URL_ATTRIBUTES or target.startswith("on"):
            return f"an animation of '{value}'"
    css = _css_problem(value) if attribute == "style" or "url(" in squashed else None
    return f"{css} in '{attribute}'" if css else None


def _css_problem(css: str) -> str | None:
    """What in a style sheet or style attribute could load or run something."""
    css = _CSS_COMMENT.sub("", css)
    if "\\" in css:
        return "a CSS escape"
    active = _CSS_ACTIVE.search(css)
    if active:
        return f"'{active.group(0)}'"
    for match in _CSS_URL.finditer(css):
        if not match.group(2).strip().startswith("#"):
            return f"'url({match.group(2).strip()[:80]})'"
    return None
