"""Problems found in a portfolio: values collected in a list, reported together."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, pointing at the line where it stands."""

    path: Path
    line: int | None
    field: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __lt__(self, other: Problem) -> bool:
        # By file, then line, a file-wide problem (no line) first: None and 1 cannot be compared.
        return self._order() < other._order()

    def _order(self) -> tuple[Path, int, str, str, str]:
        return (self.path, self.line or 0, self.field, self.message, self.severity)

    def format(self, root: Path | None = None, *, relative_to: Path | None = None) -> str:
        """Render as `path:line: field: message`, with the path relative to `relative_to`
        (the command line gives the current folder) or else to `root`'s parent, when inside."""
        base = relative_to or (root.parent if root is not None else None)
        path = shown(self.path, base) if base is not None else self.path
        where = f"{path}:{self.line}" if self.line else f"{path}"
        field = f" {self.field}:" if self.field else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}:{field} {prefix}{self.message}"


def shown(path: Path, base: Path) -> Path:
    """`path` relative to the folder `base` when it lies inside it, else `path` as given.

    The path is made absolute without following links (a problem may be about a link that
    leads out), the base both as written and resolved (the loader resolves the portfolio).
    """
    absolute = Path(os.path.abspath(path))
    for folder in dict.fromkeys((Path(os.path.abspath(base)), base.resolve())):
        if absolute.is_relative_to(folder):
            return absolute.relative_to(folder)
    return path


class ContentError(Exception):
    """Raised when a portfolio has problems; carries them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the portfolio")
