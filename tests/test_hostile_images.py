"""Active or oversized images never reach an output: each is a located error, the output stays.

Each case puts one image file next to a finding and shows it with `![x](name)`; the build must
refuse it at the finding's file and the line of the image, leave the previous output as it
was, and publish nothing of the file (its marker text) anywhere.
"""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_kit import assert_nothing_leaked

from klantspiegel.build_options import BuildOptions
from klantspiegel.pipeline import build
from klantspiegel.problems import ContentError

FINDING = "postbedrijf/2026/findings/centrale-lijn.md"
MARKER = "hostile-image-marker-5150"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////"
    "////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQAB"
    "PxA="
)


def png_header(width: int, height: int) -> bytes:
    """A well-formed PNG claiming `width` x `height` pixels, with a tiny IDAT: no pixels exist."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4))
        + chunk(b"IEND", b"")
    )


def svg(body: str) -> str:
    return f"{SVG}<!-- {MARKER} -->{body}</svg>"


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # the image's name next to the finding
    content: bytes | str
    error: str  # part of the located message


CASES = [
    Case("plain script", "a.svg", svg("<script>alert(1)</script>"), "<script>"),
    Case(
        "namespaced script",
        "a.svg",
        svg('<s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script>'),
        "<script>",
    ),
    Case(
        "script in uppercase, XHTML namespace",
        "a.svg",
        svg('<h:SCRIPT xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:SCRIPT>'),
        "<script>",
    ),
    Case("onload", "a.svg", svg('<rect onload="alert(1)"/>'), "event handler 'onload'"),
    Case(
        "onclick in another namespace",
        "a.svg",
        svg('<rect xmlns:e="urn:x" e:ONCLICK="alert(1)"/>'),
        "event handler 'onclick'",
    ),
    Case(
        "foreignObject",
        "a.svg",
        svg('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'),
        "<foreignobject>",
    ),
    Case(
        "javascript: via an entity",
        "a.svg",
        svg('<a xlink:href="j&#97;vascript:alert(1)"><text>x</text></a>'),
        "script address",
    ),
    Case(
        "javascript: split by a tab entity",
        "a.svg",
        svg('<a href="java&#x09;script:alert(1)"><text>x</text></a>'),
        "script address",
    ),
    Case(
        "xlink:href to the web",
        "a.svg",
        svg('<a xlink:href="https://evil.example/"><text>x</text></a>'),
        "only #fragments",
    ),
    Case(
        "use of an outside file",
        "a.svg",
        svg('<use href="http://evil.example/x.svg#a"/>'),
        "only #fragments",
    ),
    Case(
        "image of /etc/passwd",
        "a.svg",
        svg('<image href="file:///etc/passwd"/>'),
        "only #fragments",
    ),
    Case(
        "data: image inside the SVG",
        "a.svg",
        svg('<image href="data:image/svg+xml;base64,PHN2Zy8+"/>'),
        "only #fragments",
    ),
    Case(
        "style url() to the web",
        "a.svg",
        svg("<rect style=\"fill: URL( 'http://evil.example/x' )\"/>"),
        "url(http",
    ),
    Case(
        "presentation attribute url()",
        "a.svg",
        svg('<rect fill="url(http://evil.example/)"/>'),
        "url(http",
    ),
    Case(
        "@import in <style>",
        "a.svg",
        svg('<style><![CDATA[@im/**/port "http://evil.example/x.css";]]></style>'),
        "@import",
    ),
    Case(
        "CSS escape in <style>",
        "a.svg",
        svg(r"<style>rect { fill: \75 rl(http://evil.example/) }</style>"),
        "CSS escape",
    ),
    Case(
        "animation that sets href",
        "a.svg",
        svg('<a><set attributeName="xlink:href" to="https://evil.example/"/></a>'),
        "animation",
    ),
    Case(
        "stylesheet processing instruction",
        "a.svg",
        f'<?xml-stylesheet href="http://evil.example/x.css"?>{svg("")}',
        "xml-stylesheet",
    ),
    Case(
        "DOCTYPE with an entity",
        "a.svg",
        f'<!DOCTYPE svg [<!ENTITY x "{MARKER}">]>{SVG}<text>&x;</text></svg>',
        "DOCTYPE",
    ),
    Case(
        "billion laughs",
        "a.svg",
        '<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>' + svg("<text>&c;</text>"),
        "DOCTYPE",
    ),
    Case(
        "external entity",
        "a.svg",
        f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>{SVG}<text>&x;</text></svg>',
        "DOCTYPE",
    ),
    Case(
        "UTF-16 encoded script",
        "a.svg",
        ('<?xml version="1.0" encoding="UTF-16"?>' + svg("<script>alert(1)</script>")).encode(
            "utf-16"
        ),
        "<script>",
    ),
    Case(
        "UTF-7 encoded script",
        "a.svg",
        '<?xml version="1.0" encoding="UTF-7"?>' + svg("+ADw-script+AD4-alert(1)+ADw-/script+AD4-"),
        "encoding the XML parser cannot read",
    ),
    Case(
        "an encoding nobody knows",
        "a.svg",
        '<?xml version="1.0" encoding="x-evil"?>' + svg(""),
        "encoding the XML parser",
    ),
    Case(
        "@import after an element inside <style>",
        "a.svg",
        svg('<style>rect {}<x:b xmlns:x="urn:x"/>@import "http://evil.example/x.css";</style>'),
        "@import",
    ),
    Case(
        "animated attribute name with a space",
        "a.svg",
        svg('<a><set attributeName=" href" to="https://evil.example/"/></a>'),
        "animation",
    ),
    Case(
        "xml:base to the web",
        "a.svg",
        svg('<g xml:base="https://evil.example/"><use href="#a"/></g>'),
        "only #fragments",
    ),
    Case(
        "<use> bomb: 10^9 rectangles from 1 KB",
        "a.svg",
        svg(
            '<defs><rect id="u0" width="1" height="1"/>'
            + "".join(
                f'<g id="u{i + 1}">' + f'<use xlink:href="#u{i}"/>' * 10 + "</g>" for i in range(9)
            )
            + '</defs><use href="#u9"/>'
        ),
        "draws too much",
    ),
    Case(
        "pattern bomb through fill=url(#...)",
        "a.svg",
        svg(
            '<defs><pattern id="p0" width="1" height="1"><rect width="1" height="1"/></pattern>'
            + "".join(
                f'<pattern id="p{i + 1}" width="9" height="9">'
                + f'<rect width="1" height="1" fill="url(#p{i})"/>' * 10
                + "</pattern>"
                for i in range(9)
            )
            + '</defs><rect width="9" height="9" fill="url(#p9)"/>'
        ),
        "draws too much",
    ),
    Case(
        "a 1,000-point marker on each of 1,000 points",
        "a.svg",
        svg(
            '<defs><marker id="m"><path d="M0 0' + " L1 1" * 1000 + '"/></marker></defs>'
            '<path marker-mid="url(#m)" d="M0 0' + " L1 1" * 1000 + '"/>'
        ),
        "draws too much",
    ),
    Case(
        "a <use> inside what it uses",
        "a.svg",
        svg('<g id="a"><use href="#a"/></g>'),
        "refers to itself",
    ),
    Case("not XML", "a.svg", f"<svg>{MARKER} <script>", "not a well-formed SVG"),
    Case(
        "root is not svg",
        "a.svg",
        f'<html xmlns="http://www.w3.org/1999/xhtml"><p>{MARKER}</p></html>',
        "root element",
    ),
    Case("50000 x 50000 PNG", "a.png", png_header(50_000, 50_000), "too large"),
    Case("a side over 20000 pixels", "a.png", png_header(30_000, 10), "too large"),
    Case("49 megapixels", "a.png", png_header(7_000, 7_000), "too large"),
    Case("a JPEG named .png", "a.png", TINY_JPEG, "is a JPEG image but its name says PNG"),
    Case("truncated PNG", "a.png", TINY_PNG[:30], "Pillow can read"),
    Case("PNG with a broken checksum", "a.png", TINY_PNG[:-5] + b"XXXXX", "damaged"),
    Case("a text file named .png", "a.png", f"{MARKER}\n", "Pillow can read"),
    Case("an empty .gif", "a.gif", b"", "Pillow can read"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_hostile_image_is_a_located_error_and_publishes_nothing(case, small_portfolio, tmp_path):
    output = tmp_path / "output"
    build(small_portfolio.root, output, BuildOptions(pdf=False))
    before = snapshot(output)
    image = small_portfolio.root / FINDING
    content = case.content.encode() if isinstance(case.content, str) else case.content
    (image.parent / case.file).write_bytes(content)
    image.write_text(image.read_text() + f"\n![schets]({case.file})\n")
    with pytest.raises(ContentError) as refused:
        build(small_portfolio.root, output, BuildOptions(pdf=False))
    [problem] = [p for p in refused.value.problems if p.severity == "error"]
    assert case.error in problem.message
    assert problem.path.name == "centrale-lijn.md" and problem.line == len(
        image.read_text().splitlines()
    )
    assert snapshot(output) == before
    assert_nothing_leaked(output, MARKER, "evil.example", "alert(1)")


def test_an_svg_logo_with_a_script_is_an_error_at_the_logo_line(small_portfolio):
    small_portfolio.write("portfolio.yaml", "consultancy: Test\nlogo: logo.svg\n")
    small_portfolio.write("logo.svg", svg("<script>alert(1)</script>"))
    with pytest.raises(ContentError) as refused:
        build(small_portfolio.root, small_portfolio.root.parent / "output", BuildOptions(pdf=False))
    [problem] = refused.value.problems
    assert (problem.path.name, problem.line, problem.field) == ("portfolio.yaml", 2, "logo")
    assert "<script>" in problem.message


def test_a_raster_logo_that_is_not_an_image_is_an_error(small_portfolio):
    small_portfolio.write("portfolio.yaml", "consultancy: Test\nlogo: logo.png\n")
    small_portfolio.write("logo.png", "not a picture")
    with pytest.raises(ContentError) as refused:
        build(small_portfolio.root, small_portfolio.root.parent / "output", BuildOptions(pdf=False))
    assert "Pillow can read" in refused.value.problems[0].message


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
