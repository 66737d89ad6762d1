"""Keeping the message catalogs complete: extract every message id from code and templates.

`python -m klantspiegel.catalogs` adds new ids to each catalog (untranslated) and lists the
ones still missing a translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from klantspiegel.i18n import LOCALE_DIR, SOURCE_LANGUAGE, available_languages
from klantspiegel.templating import THEME_DIR

PACKAGE_DIR = Path(__file__).parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def messages() -> set[str | tuple[str, str]]:
    """Every message used by the package's code and the theme's templates: an id, or the
    (singular, plural) pair of an `ngettext` call, which the catalog holds as a plural entry."""
    found: set[str | tuple[str, str]] = set()
    sources = [(PACKAGE_DIR, [("**.py", "python")]), (THEME_DIR, [("**.html", "jinja2")])]
    for folder, method_map in sources:
        options = {"**.html": {"extensions": "jinja2.ext.i18n"}}
        for _file, _line, message, _comments, _context in extract_from_dir(
            folder, method_map, options_map=options, keywords=KEYWORDS
        ):
            if isinstance(message, tuple):
                found.add((str(message[0]), str(message[1])))
            elif message:
                found.add(message)
    return found


def message_ids() -> set[str]:
    """Every message id used by the package's code and the theme's templates."""
    return {i for m in messages() for i in (m if isinstance(m, tuple) else (m,)) if i}


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


def missing_translations(language: str) -> list[str]:
    """Message ids without a translation in the language's catalog (English needs none)."""
    if language == SOURCE_LANGUAGE:
        return []
    path = catalog_path(language)
    translated: set[str] = set()
    if path.is_file():
        with path.open("rb") as handle:
            for m in read_po(handle):
                ids = m.id if isinstance(m.id, tuple | list) else (m.id,)
                strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
                if m.id and all(strings):
                    translated.update(str(i) for i in ids)
    return sorted(message_ids() - translated)


def update_catalog(language: str) -> None:
    """Add new ids to a catalog, keep existing translations, drop ids no longer used."""
    path = catalog_path(language)
    old = Catalog(locale=language)
    if path.is_file():
        with path.open("rb") as handle:
            old = read_po(handle, locale=language)
    new = Catalog(locale=language, project="klantspiegel")
    for message in sorted(messages(), key=lambda m: m if isinstance(m, str) else m[0]):
        existing = old.get(message if isinstance(message, str) else message[0])
        empty = "" if isinstance(message, str) else ("",) * new.num_plurals
        same_kind = existing is not None and (
            isinstance(existing.id, tuple | list) == isinstance(message, tuple)
        )
        kept = existing.string if existing is not None and same_kind else None
        new.add(message, kept or empty)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, new, width=0, omit_header=True)  # one line per text: greppable


if __name__ == "__main__":
    for lang in available_languages():
        if lang != SOURCE_LANGUAGE:
            update_catalog(lang)
            for message in missing_translations(lang):
                print(f"{lang}: missing translation: {message}", file=sys.stderr)
