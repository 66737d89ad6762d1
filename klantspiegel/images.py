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
# Elements drawn once every <use>, marker and url(#...) is expanded: a 1 KB SVG of nested
# <use> draws 10^9 rectangles (WeasyPrint: past the 300 s PDF limit). A dense chart: ~10^4.
MAX_SVG_DRAWN = 200_000
RASTER_FORMATS = {
    ".png": {"PNG"},
    ".jpg": {"JPEG", "MPO"},
    ".jpeg": {"JPEG", "MPO"},
    ".gif": {"GIF"},
    ".webp": {"WEBP"},
}
IMAGE_SUFFIXES = {*RASTER_FORMATS, ".svg"}

_ACTIVE_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "frame",
    "frameset",
    "embed",
    "object",
    "applet",
    "handler",
    "listener",
    "base",
    "link",
    "meta",
    "form",
}
_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}
_URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "data",
    "action",
    "formaction",
    "poster",
    "codebase",
    "background",
    "lowsrc",
    "dynsrc",
    "base",
}
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*([^)'\"]*)", re.IGNORECASE)
_CSS_ACTIVE = re.compile(
    r"@import|expression\(|(?<![\w-])(?:-webkit-)?image(?:-set)?\(|(?<![\w-])src\(",
    re.IGNORECASE,
)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_NOT_ALLOWED = (
    "(scripts, event handlers, foreign content and references outside the image are not allowed)"
)


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
    return (
        f"is too large{size}: at most {MAX_SIDE:,} pixels a side and "
        f"{MAX_PIXELS // 1_000_000} megapixels"
    )


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
    except (ValueError, LookupError) as error:  # encoding="UTF-7", "Shift_JIS", unknown ones
        return f"is in an encoding the XML parser cannot read ({error}): save it as UTF-8"
    if _local(root.tag) != "svg":
        return f"is not an SVG image (its root element is <{_local(root.tag)}>, not <svg>)"
    if collector.instructions:
        return f"contains a processing instruction <?{collector.instructions[0]}?> {_NOT_ALLOWED}"
    for element in root.iter():
        problem = _element_problem(element)
        if problem:
            return f"contains script or other active content: {problem} {_NOT_ALLOWED}"
    drawn = _drawn_elements(root)
    if drawn is None:
        return "refers to itself (a <use>, marker or url(#...) inside what it refers to)"
    if drawn > MAX_SVG_DRAWN:
        return (
            f"draws too much once its <use> and url(#...) references are expanded (over "
            f"{MAX_SVG_DRAWN:,} elements)"
        )
    return None


_LOCAL_URL = re.compile(r"url\(\s*['\"]?\s*#([^)'\"\s]+)", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _drawn_elements(root: ET.Element) -> int | None:
    """How many elements (a path: its points) drawing the SVG visits, with every reference
    expanded where it is used (a marker once per point); None when a reference cycle makes
    it endless."""
    elements = list(root.iter())
    if len(elements) > MAX_SVG_DRAWN:
        return len(elements)
    by_id: dict[str, ET.Element] = {}
    for element in elements:
        if element.get("id"):
            by_id.setdefault(element.get("id", ""), element)
    drawn: dict[int, int] = {}
    visiting: set[int] = set()
    root_visits = _visits(root, by_id)
    stack = [(root, root_visits, iter(root_visits))]
    visiting.add(id(root))
    while stack:  # depth first without recursion: an SVG may nest 100,000 deep
        element, visits, pending = stack[-1]
        for target, _ in pending:
            if id(target) in visiting:
                return None
            if id(target) not in drawn:
                visiting.add(id(target))
                target_visits = _visits(target, by_id)
                stack.append((target, target_visits, iter(target_visits)))
                break
        else:
            stack.pop()
            visiting.discard(id(element))
            total = _vertices(element) + sum(drawn[id(target)] * times for target, times in visits)
            drawn[id(element)] = min(total, MAX_SVG_DRAWN + 1)
    return drawn[id(root)]


def _vertices(element: ET.Element) -> int:
    """The points an element draws (1 for all but a path or polyline: its coordinates)."""
    return max(1, len(_NUMBER.findall(element.get("d", "") + element.get("points", ""))) // 2)


def _visits(element: ET.Element, by_id: dict[str, ET.Element]) -> list[tuple[ET.Element, int]]:
    """What drawing `element` draws: its children, and what it refers to (times how often)."""
    visits = [(child, 1) for child in element]
    vertices = _vertices(element)
    for attribute, value in element.attrib.items():
        name = _local(attribute)
        if name == "href":  # drawn by <use>, inherited by patterns; a link (<a>) is no drawing
            linked = _local(element.tag) != "a" and value.strip().startswith("#")
            targets = [value.strip()[1:]] if linked else []
        else:
            targets = _LOCAL_URL.findall(value)
        times = vertices if "marker" in name or "marker" in value else 1
        visits += [(by_id[target], times) for target in targets if target in by_id]
    return visits


def _local(name: str) -> str:
    """The local name of a `{namespace}name` tag or attribute, lower-cased."""
    return name.rsplit("}", 1)[-1].lower()


def _element_problem(element: ET.Element) -> str | None:
    name = _local(element.tag)
    if name in _ACTIVE_ELEMENTS:
        return f"a <{name}> element"
    css = _css_problem("".join(element.itertext())) if name == "style" else None
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
        target = _local(value.strip().split(":")[-1])
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
