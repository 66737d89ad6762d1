"""Property: after any sequence of edits, an incremental build and a clean build agree.

Either both write the same bytes, or both refuse with the same problems. The edits include the
ones a cache is most tempted to skip: an image swapped for a link to a file outside the
portfolio, active content added to an SVG that was clean, a finding turned into a link, an
image outside the organisation's folder changed. The incremental builds remember loaded
organisations between them, as serve does.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

from conftest import PortfolioWriter
from hostile_kit import leaks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental import snapshot

from klantspiegel.build_options import BuildOptions
from klantspiegel.pipeline import Remembered, build
from klantspiegel.problems import ContentError
from klantspiegel.render import RenderFailed

SECRET = "OUTSIDE-SECRET-7f3a"
ORGANISATIONS = ("postbedrijf", "spoorweg")
CLEAN_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
    '<rect width="4" height="4"/></svg>'
)
ACTIVE_SVG = CLEAN_SVG.replace("<rect", "<script>alert(1)</script><rect")


def png(red: int) -> bytes:
    """A valid 1x1 PNG of the given red value."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, red, 0, 0]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class Portfolio:
    """The portfolio under edit, with a file outside it that must never reach the output."""

    def __init__(self, base: Path):
        self.writer = PortfolioWriter(base / "audits")
        self.root = self.writer.root
        self.outside = base / "outside" / "secret.png"
        self.outside.parent.mkdir()
        self.outside.write_text(f"{SECRET}\n")
        for slug in ORGANISATIONS:
            self.writer.organisation(slug)
            self.writer.audit(slug)
            self.writer.anecdote(slug, "gemist-pakje")
            self.writer.finding(slug, "centrale-lijn", anecdotes="gemist-pakje")
            self.writer.finding(slug, "loket", dimension="mandaat", score=4, kind="strength")
            self.finding(slug).write_text(
                self.finding(slug).read_text() + "\n![foto](foto.png)\n![schets](schets.svg)\n"
            )
            self.image(slug, "foto.png").write_bytes(png(200))
            self.image(slug, "schets.svg").write_text(CLEAN_SVG)
        self.shared = self.root / "_gedeeld" / "logo.png"  # beside the organisations
        self.shared.parent.mkdir()
        self.shared.write_bytes(png(90))
        self.finding(ORGANISATIONS[0]).write_text(
            self.finding(ORGANISATIONS[0]).read_text() + "\n![logo](../../../_gedeeld/logo.png)\n"
        )

    def finding(self, slug: str) -> Path:
        return self.root / slug / "2026" / "findings" / "centrale-lijn.md"

    def image(self, slug: str, name: str) -> Path:
        return self.root / slug / "2026" / "findings" / name

    def replace(self, path: Path, make: Callable[[Path], None]) -> None:
        path.unlink(missing_ok=True)
        make(path)


def _edit_text(p: Portfolio, slug: str) -> None:
    path = p.finding(slug)
    path.write_text(path.read_text() + "\nEen zin erbij.\n")


def _png_bytes(p: Portfolio, slug: str) -> None:
    p.replace(p.image(slug, "foto.png"), lambda t: t.write_bytes(png(len(t.parent.name) + 17)))


def _png_to_outside_link(p: Portfolio, slug: str) -> None:
    p.replace(p.image(slug, "foto.png"), lambda t: t.symlink_to(p.outside))


def _png_to_other_organisation_link(p: Portfolio, slug: str) -> None:
    other = next(o for o in ORGANISATIONS if o != slug)
    p.replace(
        p.image(slug, "foto.png"),
        lambda t: t.symlink_to(f"../../../{other}/2026/findings/foto.png"),
    )


def _png_back(p: Portfolio, slug: str) -> None:
    p.replace(p.image(slug, "foto.png"), lambda t: t.write_bytes(png(200)))


def _shared_png_bytes(p: Portfolio, slug: str) -> None:
    p.replace(p.shared, lambda t: t.write_bytes(png(len(slug))))


def _shared_png_gone(p: Portfolio, slug: str) -> None:
    p.shared.unlink(missing_ok=True)


def _svg_active(p: Portfolio, slug: str) -> None:
    p.replace(p.image(slug, "schets.svg"), lambda t: t.write_text(ACTIVE_SVG))


def _svg_clean(p: Portfolio, slug: str) -> None:
    p.replace(p.image(slug, "schets.svg"), lambda t: t.write_text(CLEAN_SVG))


def _finding_to_outside_link(p: Portfolio, slug: str) -> None:
    text = p.finding(slug).read_text()
    copy = p.outside.parent / f"{slug}-finding.md"
    copy.write_text(text + f"\n{SECRET}\n")
    p.replace(p.finding(slug), lambda t: t.symlink_to(copy))


def _finding_back(p: Portfolio, slug: str) -> None:
    path = p.finding(slug)
    text = path.read_text().replace(f"\n{SECRET}\n", "")
    p.replace(path, lambda t: t.write_text(text))


def _finding_draft(p: Portfolio, slug: str) -> None:
    path = p.finding(slug)
    path.write_text(path.read_text().replace("status: final", "status: draft"))


def _finding_final(p: Portfolio, slug: str) -> None:
    path = p.finding(slug)
    path.write_text(path.read_text().replace("status: draft", "status: final"))


def _score_out_of_range(p: Portfolio, slug: str) -> None:
    path = p.finding(slug)
    text = path.read_text()
    path.write_text(
        text.replace("score: 2\n", "score: 9\n")
        if "score: 2\n" in text
        else text.replace("score: 9\n", "score: 2\n")
    )


EDITS = [
    _edit_text,
    _png_bytes,
    _png_to_outside_link,
    _png_to_other_organisation_link,
    _png_back,
    _shared_png_bytes,
    _shared_png_gone,
    _svg_active,
    _svg_clean,
    _finding_to_outside_link,
    _finding_back,
    _finding_draft,
    _finding_final,
    _score_out_of_range,
]


def outcome(
    source: Path, output: Path, cache: bool, remembered: Remembered | None = None
) -> tuple[str, object]:
    """('built', the output's bytes) or ('refused', the problems as lines)."""
    try:
        build(source, output, BuildOptions(pdf=False, jobs=1, cache=cache), remembered=remembered)
    except ContentError as error:
        return "refused", sorted(p.format(source) for p in error.problems if p.severity == "error")
    except RenderFailed as error:
        return "refused", sorted(error.messages)
    return "built", snapshot(output)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(EDITS), st.sampled_from(ORGANISATIONS)), min_size=1, max_size=4
    )
)
def test_incremental_and_clean_builds_agree_after_any_edits(edits):
    base = Path(tempfile.mkdtemp(prefix="klantspiegel-property-"))
    try:
        portfolio = Portfolio(base)
        output = base / "output"
        remembered = Remembered()
        assert outcome(portfolio.root, output, cache=True, remembered=remembered)[0] == "built"
        for step, (edit, slug) in enumerate(edits):
            edit(portfolio, slug)
            incremental = outcome(portfolio.root, output, cache=True, remembered=remembered)
            clean = outcome(portfolio.root, base / f"clean-{step}" / "output", cache=False)
            assert incremental == clean, f"after {[e.__name__ for e, _ in edits[: step + 1]]}"
            assert not leaks(output, SECRET)
    finally:
        shutil.rmtree(base, ignore_errors=True)
