"""The single-file report's fonts: subsets committed to the theme, made at build time only
when a document shows a character outside their repertoire."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from klantspiegel.web_fonts import (
    FEATURES,
    REPERTOIRE,
    characters_of,
    made_from,
    marks,
    subset_path,
    web_font,
)

FONTS = Path(__file__).resolve().parents[1] / "templates" / "assets" / "fonts"
THEME_FONTS = sorted(FONTS.glob("*.otf"))
REGULAR = FONTS / "Inter-Regular.otf"
REGENERATE = "run `.venv/bin/python scripts/make-web-fonts.py` and commit what it writes"


def test_the_theme_has_fonts():
    assert [p.name for p in THEME_FONTS] == [
        "Inter-Bold.otf",
        "Inter-Italic.otf",
        "Inter-Regular.otf",
        "Inter-SemiBold.otf",
    ]


@pytest.mark.parametrize("font", THEME_FONTS, ids=lambda p: p.name)
def test_each_committed_subset_was_made_from_its_font_and_the_current_repertoire(font):
    committed = subset_path(font)
    assert committed.is_file(), f"{committed.name} is missing: {REGENERATE}"
    recorded = made_from(committed.read_bytes())
    assert recorded == marks(font.read_bytes(), REPERTOIRE), (
        f"{committed.name} is out of date: {REGENERATE}"
    )


@pytest.mark.parametrize("font", THEME_FONTS, ids=lambda p: p.name)
def test_each_committed_subset_has_every_repertoire_character_its_font_has(font):
    wanted = REPERTOIRE & characters_of(font.read_bytes())
    assert characters_of(subset_path(font).read_bytes()) == wanted


@pytest.mark.parametrize("font", THEME_FONTS, ids=lambda p: p.name)
def test_each_committed_subset_keeps_the_features_the_stylesheet_turns_on(font):
    gsub = TTFont(io.BytesIO(subset_path(font).read_bytes()))["GSUB"].table
    kept = {record.FeatureTag for record in gsub.FeatureList.FeatureRecord}
    assert set(FEATURES) <= kept


def test_the_repertoire_holds_western_european_text_and_its_punctuation():
    dutch_english_german_french_nordic = "ĳĲëïéèêàçœŒŸÿæøåÆØÅßäöüÄÖÜñ"
    punctuation = "‘’‚“”„«»‹›–—‑…•·−€£°±×\u00a0\u202f\u2009"
    arrows_and_marks = "↑↓↕→↩▲▼★"
    assert set(dutch_english_german_french_nordic + punctuation + arrows_and_marks) <= (
        REPERTOIRE & characters_of(REGULAR.read_bytes())
    )


def test_a_document_within_the_repertoire_gets_the_committed_subset():
    committed = subset_path(REGULAR)
    assert web_font(REGULAR, committed, "Geïntegreerd klantbeeld – € 5 … „ja”") == (
        committed.read_bytes()
    )


def test_a_character_no_font_has_keeps_the_committed_subset():
    committed = subset_path(REGULAR)
    assert "✔" not in characters_of(REGULAR.read_bytes())
    assert web_font(REGULAR, committed, "Klaar ✔") == committed.read_bytes()


def test_a_character_outside_the_repertoire_is_subset_at_build_time():
    font = web_font(REGULAR, subset_path(REGULAR), "Ωmega")
    assert {"Ω", "é", "€"} <= characters_of(font)


def test_a_font_other_than_the_one_subset_is_subset_at_build_time(tmp_path):
    own = tmp_path / "Inter-Regular.otf"  # a portfolio's own font under the theme's name
    shutil.copyfile(FONTS / "Inter-Bold.otf", own)
    font = web_font(own, subset_path(REGULAR), "Geïntegreerd")
    assert made_from(font)["font"] == hashlib.sha256(own.read_bytes()).hexdigest()
