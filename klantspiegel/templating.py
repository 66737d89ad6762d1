"""The Jinja environments: one per report language, autoescaping everywhere, compiled once.

A portfolio may override any theme template by placing a file of the same name in its own
`templates/` folder; the theme folder is searched after it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from klantspiegel.i18n import Translator
from klantspiegel.model import Language

THEME_DIR = Path(__file__).resolve().parent.parent / "templates"


@cache
def environment(
    theme_dir: Path, portfolio_dir: Path | None, language: Language
) -> jinja2.Environment:
    """A sandbox-free but autoescaping environment; Markdown never passes through it."""
    search = [portfolio_dir / "templates"] if portfolio_dir else []
    search.append(theme_dir)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in search]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    t = Translator(language)
    env.install_gettext_callables(t.gettext, t.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["t"] = t
    env.globals["lang"] = language
    env.filters["number"] = t.number
    env.filters["signed"] = t.signed
    env.filters["date"] = t.date
    return env
