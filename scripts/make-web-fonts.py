"""Make the single-file report's fonts: `templates/assets/fonts/<font>.subset.woff2`.

Each of the theme's fonts subset to the repertoire in klantspiegel/web_fonts.py (Western
European text and punctuation), as WOFF2. Run it after changing a font or the repertoire
(tests/test_web_fonts.py fails until then), and commit what it writes:

    .venv/bin/python scripts/make-web-fonts.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FONTS = REPO / "templates" / "assets" / "fonts"
FONT_SUFFIXES = (".otf", ".ttf")


def main() -> int:
    """Write a subset beside every font of the theme; say what was written."""
    sys.path.insert(0, str(REPO))
    from klantspiegel.web_fonts import make_subset, subset_path

    for font in sorted(p for p in FONTS.iterdir() if p.suffix.lower() in FONT_SUFFIXES):
        target = subset_path(font)
        data = make_subset(font)
        target.write_bytes(data)
        print(f"{target.relative_to(REPO)}: {len(data) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
