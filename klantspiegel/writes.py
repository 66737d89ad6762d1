"""Writing an output file: the one way every artifact reaches the disk.

A rebuild's staging folder starts as hard links to the previous output's files, so writing
into an existing file would change the previous output with it. Every artifact is therefore
written to a new file in the same folder and renamed over its name (`os.replace`): the old
file, and every other name it has, keeps its bytes, and a reader never sees half a file.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TypeVar

_TEMPORARY = ".klantspiegel-writing-"  # a file being written; renamed when complete
_MODE = 0o666  # as open() creates a file: the umask decides, like any other written file
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL

T = TypeVar("T")


def _in_folder(path: Path, create: Callable[[], T]) -> T:
    """create() the file `path`, making its folders first if they are missing.

    Tried first without: a build writes most files into a folder that exists already, and
    asking for the folders before each of its 10,000 files (twice for a page) cost 0.13 s.
    """
    try:
        return create()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return create()


@contextmanager
def artifact_writer(target: Path) -> Iterator[BinaryIO]:
    """A binary file to write `target` into; it takes target's name only once complete.

    On an error the partial file goes and `target` stays as it was.
    """
    temporary = target.with_name(f"{_TEMPORARY}{secrets.token_hex(6)}-{target.name}")
    descriptor = _in_folder(temporary, lambda: os.open(temporary, _NEW_FILE, _MODE))
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_artifact(target: Path, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8) as the file `target`, never into an existing file there."""
    with artifact_writer(target) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    return target


def copy_artifact(source: Path, target: Path) -> Path:
    """Copy the file `source` to `target`, never into an existing file there."""
    with source.open("rb") as original, artifact_writer(target) as handle:
        shutil.copyfileobj(original, handle)
    return target


def link_artifact(source: Path, target: Path) -> Path:
    """Give the output file `source` the second name `target`; a copy where a link cannot be.

    For an artifact the build writes twice with the same bytes (a bundle's fonts, its PDF):
    the bytes reach the disk once. Safe because no output file is ever written into, only
    replaced: replacing one name leaves the other with its bytes.
    """
    temporary = target.with_name(f"{_TEMPORARY}{secrets.token_hex(6)}-{target.name}")
    try:
        _in_folder(temporary, lambda: os.link(source, temporary))
    except OSError:  # another file system, a link limit, a file system without links
        return copy_artifact(source, target)
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def place_files(source: Path, target: Path, reuse: Path | None = None) -> list[Path]:
    """Put every file below the folder `source` at the same place below `target`; returns the
    files placed. One that `reuse` (an earlier output of the same folder) has with the same
    bytes becomes a link to it: no new file, and no bytes written.
    """
    placed = []
    for found in sorted(source.rglob("*")):
        if not found.is_file():
            continue
        relative = found.relative_to(source)
        data = found.read_bytes()
        earlier = reuse / relative if reuse else None
        if earlier and _holds(earlier, data):
            placed.append(link_artifact(earlier, target / relative))
        else:
            placed.append(write_artifact(target / relative, data))
    return placed


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
