"""Problems found in a portfolio: values collected in a list, reported together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, pointing at the line where it stands."""

    path: Path
    line: int | None
    field: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def format(self, root: Path | None = None) -> str:
        """Render as `path:line: field: message`, with the path relative to `root`'s parent."""
        shown = self.path
        if root is not None:
            try:
                shown = self.path.relative_to(root.parent)
            except ValueError:
                shown = self.path
        where = f"{shown}:{self.line}" if self.line else f"{shown}"
        field = f" {self.field}:" if self.field else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}:{field} {prefix}{self.message}"


class ContentError(Exception):
    """Raised when a portfolio has problems; carries them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the portfolio")
