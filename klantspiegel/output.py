"""Writing output atomically: build into a staging folder next to the output, then swap.

A build that fails or is killed leaves the previous output as it was; at worst a stale
staging folder remains, which the next build removes.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGING_PREFIX = ".klantspiegel-staging-"
RETIRED_PREFIX = ".klantspiegel-retired-"


@contextmanager
def staged_output(output: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces `output`, on failure it goes."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output.parent)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, output)


def _swap_in(staging: Path, output: Path) -> None:
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=RETIRED_PREFIX, dir=output.parent))
        output.rename(retired / output.name)
        staging.rename(output)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staging.rename(output)


def _remove_leftovers(folder: Path) -> None:
    for leftover in folder.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in folder.glob(RETIRED_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
