"""What the loader asks of a store of rendered Markdown bodies; `cache.JsonCache` is one.

The loader sits below the build: it states here the little it needs from a cache instead of
importing the build cache, so loading works, and is tested, without one (see the import
contracts in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol


class BodyCache(Protocol):
    """Values stored with the fingerprints of the files they were computed from."""

    def get(self, key: str, fingerprint: Callable[[Path], str]) -> Any | None:
        """The value stored under key, if every file it depends on has the same fingerprint."""
        ...

    def put(
        self, key: str, value: Any, depends_on: Iterable[Path], fingerprint: Callable[[Path], str]
    ) -> None:
        """Store a value with the fingerprints of the files it was computed from."""
        ...

    def gathered(self) -> dict[str, Any]:
        """Every entry this process took or stored so far, in the form `take` accepts."""
        ...

    def take(self, entries: Mapping[str, Any]) -> None:
        """Entries another process of this build gathered: found by `get` from now on, each
        still only while its files have the fingerprints stored with it."""
        ...
