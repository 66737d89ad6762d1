"""Writing output atomically: build into a staging folder next to the output, then swap.

A build that fails or is killed leaves the previous output as it was; at worst a stale
staging folder remains, which the next build removes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGING_PREFIX = ".klantspiegel-staging-"
RETIRED_PREFIX = ".klantspiegel-retired-"


@contextmanager
def staged_output(output: Path, *, keep_previous: bool = False) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces `output`, on failure it goes.

    With `keep_previous` the staging folder starts as a copy of the current output made of
    hard links (fast, no extra space): whoever writes into it must replace files, never
    write into them, or the previous output would change with them.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output.parent)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output.parent))
    try:
        if keep_previous and output.is_dir():
            shutil.copytree(output, staging, copy_function=os.link, dirs_exist_ok=True)
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
