"""The single-file report's fonts: WOFF2 subsets of the theme's fonts, made once.

Subsetting Inter takes about 2.5 s per font (its layout tables are large), so the theme
carries a subset of each font, `<font>.subset.woff2` beside it, made by
`scripts/make-web-fonts.py` for REPERTOIRE: Western European text and its punctuation. A build
uses it as it is, and subsets at run time only when it must: the document shows a character
outside the repertoire that the font has, or the subset is not current (made from another
font, such as a portfolio's own `fonts/Inter-Regular.otf`, or for another repertoire).

Each subset records in its WOFF2 private data what it was made from (the SHA-256 of the font
and of the recipe), which is how a build and the tests know that it is current.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.woff2 import WOFF2FlavorData

SUFFIX = ".subset.woff2"
# Inter's features the stylesheet turns on, kept with the default ones when subsetting
FEATURES = ("cv11", "ss01", "tnum")

# (first, last, what needs it); characters the font lacks are left out of its subset. Not
# here, so subset at run time when shown: combining accents (text typed decomposed, 7 KB a
# font), Greek, Cyrillic and the rest.
RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0020, 0x007E, "Basic Latin: English, digits, ASCII punctuation"),
    (0x00A0, 0x00FF, "Latin-1: NBSP, « » ° ± × ·, Dutch, German, French, Nordic letters"),
    (0x0100, 0x017F, "Latin Extended-A: ĳ, œ Œ, Ÿ, and Central European letters"),
    (0x0192, 0x0192, "ƒ (the florin), the rest of Windows-1252"),
    (0x02C6, 0x02C6, "ˆ, Windows-1252"),
    (0x02DC, 0x02DC, "˜, Windows-1252"),
    (0x2009, 0x200A, "thin and hair space"),
    (0x2010, 0x2027, "hyphens and dashes ‐ ‑ – —, quotes ‘ ’ ‚ “ ” „, † ‡ • … and the rest"),
    (0x202F, 0x202F, "narrow no-break space (French « », 10 %)"),
    (0x2030, 0x2030, "‰"),
    (0x2032, 0x2033, "′ ″"),
    (0x2039, 0x203A, "‹ ›"),
    (0x2060, 0x2060, "word joiner"),
    (0x20AC, 0x20AC, "the euro sign"),
    (0x2122, 0x2122, "™"),
    (0x2190, 0x2199, "arrows: sort order ↑ ↓ ↕, trends → ↗ ↘"),
    (0x21A9, 0x21A9, "↩, the footnote's way back"),
    (0x2212, 0x2212, "the minus sign in scores and deltas"),
    (0x2248, 0x2248, "≈"),
    (0x2260, 0x2260, "≠"),
    (0x2264, 0x2265, "≤ ≥"),
    (0x25B2, 0x25B2, "▲, a rise"),
    (0x25BC, 0x25BC, "▼, a fall"),
    (0x2605, 0x2605, "★, a moment of truth"),
)
REPERTOIRE: frozenset[str] = frozenset(
    chr(code) for first, last, _ in RANGES for code in range(first, last + 1)
)


def subset_path(font: Path) -> Path:
    """Where the theme keeps a font's committed subset: `Inter-Regular.subset.woff2`."""
    return font.with_name(font.stem + SUFFIX)


def make_subset(font: Path, characters: Iterable[str] = REPERTOIRE) -> bytes:
    """The font with only the glyphs of `characters` (and the features the stylesheet uses),
    as WOFF2 that records what it was made from; the same bytes for the same input."""
    return _subset(font.read_bytes(), "".join(sorted(set(characters))))


def web_font(font: Path, committed: Path | None, shown: Iterable[str]) -> bytes:
    """The font as WOFF2 for a document showing the characters `shown`: the committed subset
    when it is current and has every one of them the font has, else a subset made now."""
    data = font.read_bytes()
    needed = set(shown) & characters_of(data)
    if needed <= REPERTOIRE and committed is not None and committed.is_file():
        subset_data = committed.read_bytes()
        if made_from(subset_data) == marks(data, REPERTOIRE):
            return subset_data
    return _subset(data, "".join(sorted(REPERTOIRE | needed)))


def marks(font_data: bytes, characters: Iterable[str]) -> dict[str, str]:
    """What a subset of the font for these characters records: the SHA-256 of the font and
    of the recipe (the characters and the features kept)."""
    recipe = json.dumps({"characters": "".join(sorted(set(characters))), "features": FEATURES})
    return {
        "font": hashlib.sha256(font_data).hexdigest(),
        "recipe": hashlib.sha256(recipe.encode()).hexdigest(),
    }


def made_from(subset_data: bytes) -> dict[str, str]:
    """What a subset records it was made from (empty when it records nothing)."""
    font = TTFont(io.BytesIO(subset_data), lazy=True)
    private = font.flavorData.privData if isinstance(font.flavorData, WOFF2FlavorData) else None
    try:
        return dict(json.loads(private)) if private else {}
    except ValueError:
        return {}


@functools.lru_cache(maxsize=16)
def characters_of(font_data: bytes) -> frozenset[str]:
    """The characters a font (OTF, TTF, WOFF2) has a glyph for."""
    cmap = TTFont(io.BytesIO(font_data), lazy=True)["cmap"].getBestCmap()
    return frozenset(map(chr, cmap))


@functools.lru_cache(maxsize=16)
def _subset(font_data: bytes, characters: str) -> bytes:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = [*options.layout_features, *FEATURES]
    font = TTFont(io.BytesIO(font_data), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    font.flavor = "woff2"
    font.flavorData = WOFF2FlavorData()
    font.flavorData.privData = json.dumps(marks(font_data, characters), sort_keys=True).encode()
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()
