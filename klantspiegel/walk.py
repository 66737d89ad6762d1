"""Walking the portfolio: the one place that decides which files and folders may be read.

Every reader lists folders and checks files through here (loading, the build cache, the
portfolio's templates and assets, images and links in Markdown, the logo). Only regular files
and folders whose real path stays inside the portfolio are read:

- a link to a regular file inside the portfolio is followed (a shared image or logo),
  unless it leads into another organisation's folder: a file of one organisation never
  reaches another's pages (the same holds for an image path written in a finding);
- nothing in a folder starting with '.' is read, not even by a path that names it: such a
  folder is neither checked nor in the build's hash of its inputs;
- a link to a folder is refused, even inside the portfolio: the tree stays a tree, so there
  are no loops and no finding reachable under two names;
- FIFOs, devices, sockets, dangling links and links out are refused by their `lstat` alone,
  before anything is opened, so a build never hangs on a FIFO or reads /dev/zero;
- editor lock and temporary files (`.#x.md`, `x.md~`, `.x.md.swp`, `#x.md#`, `.DS_Store`)
  are skipped with a warning.

A listing is one `os.scandir` pass; the file kind comes from the directory entry, so a
folder of plain files costs no extra system call per file.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from klantspiegel.problems import Problem

Kind = Literal["file", "folder", "junk", "refused", "missing"]

NOT_ORGANISATIONS = frozenset({"templates", "assets", "node_modules"})  # shared top folders

EDITOR_JUNK = re.compile(
    r"\.#.*|#.*#|.*~|.*\.sw[a-p]|.*\.tmp|.*\.bak|~\$.*|\.DS_Store|\._.*|Thumbs\.db|desktop\.ini",
    re.IGNORECASE,
)
_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass(frozen=True)
class Entry:
    """One name in a folder, judged: what it is, and why it is refused if it is."""

    path: Path
    kind: Kind
    problem: str = ""  # why it is refused (kind "refused") or skipped (kind "junk")
    target: str = ""  # a link's target as written; "" when it is not a link

    @property
    def is_file(self) -> bool:
        return self.kind == "file"

    @property
    def is_folder(self) -> bool:
        return self.kind == "folder"

    def as_problem(self) -> Problem:
        """The located problem for a refused or skipped entry."""
        severity: Literal["error", "warning"] = "warning" if self.kind == "junk" else "error"
        return Problem(self.path, None, "", self.problem, severity)


def is_junk(name: str) -> bool:
    """Whether a file name is an editor's lock, backup or temporary file."""
    return EDITOR_JUNK.fullmatch(name) is not None


def organisation_folder(path: Path, root: Path) -> str | None:
    """The organisation folder that `path` (inside `root`) lies in; None for a shared place:
    the root's own files, templates/, assets/, and folders starting with '.' or '_'."""
    if not path.is_relative_to(root):
        return None
    parts = path.relative_to(root).parts
    if len(parts) < 2 or parts[0] in NOT_ORGANISATIONS or parts[0][0] in "._":
        return None
    return parts[0]


def entry(path: Path, root: Path, reader: Path | None = None) -> Entry:
    """What `path` is, for a path anywhere (`root` is the resolved portfolio folder).

    The path is normalised without following links; it must lie inside `root` and reach its
    file through real folders, not linked ones nor hidden ones. With `reader` (the file that
    names `path`), a path into another organisation's folder is refused.
    """
    path = Path(os.path.normpath(path))
    if not path.is_relative_to(root):
        return Entry(path, "refused", "is outside the portfolio")
    hidden = next((p for p in path.relative_to(root).parts[:-1] if p.startswith(".")), None)
    if hidden:
        return Entry(
            path,
            "refused",
            f"lies in the hidden folder '{hidden}', which the build "
            "does not read (move the file out of it)",
        )
    owner = organisation_folder(path, root)
    if reader is not None and owner not in (None, organisation_folder(reader, root)):
        return Entry(path, "refused", _another_organisation(owner))
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return Entry(path, "missing", "does not exist")
    except OSError as error:
        return Entry(path, "refused", f"cannot be read ({error.strerror})")
    except ValueError:  # a NUL byte in the name
        return Entry(path, "refused", "is not a valid file name")
    if path != root and os.path.realpath(path.parent) != str(path.parent):
        return Entry(
            path,
            "refused",
            "lies in a linked folder (links to folders are not "
            "followed: move or copy the folder into the portfolio)",
        )
    return _judge(path, mode, root)


def listing(folder: Path, root: Path) -> list[Entry]:
    """Every name in `folder` (a folder already judged by this module), judged, sorted by name."""
    try:
        with os.scandir(folder) as names:
            found = [_judge_dir_entry(e, root) for e in names]
    except OSError as error:  # never an empty folder in silence: the folder itself is refused
        return [Entry(folder, "refused", f"cannot be listed ({error.strerror})")]
    return sorted(found, key=lambda e: e.path.name)


def walk(folder: Path, root: Path, skip: Iterable[str] = ()) -> Iterator[Entry]:
    """Every entry below `folder`, depth first in name order; folders are yielded, then entered.

    Folders named in `skip` or starting with '.' are neither yielded nor entered.
    """
    skipped = set(skip)
    for found in listing(folder, root):
        name = found.path.name
        if found.is_folder and (name in skipped or name.startswith(".")):
            continue
        yield found
        if found.is_folder:
            yield from walk(found.path, root, skipped)


class NotRegular(OSError):
    """A path that was a regular file when judged is something else when opened."""


def read_regular(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, opened so that nothing else is ever read.

    The walker judges by `lstat`, but a file can be swapped between the judging and the
    reading; opening without blocking and checking the open file closes that gap, so a FIFO
    never hangs a build and a device is never read. At most `max_bytes` + 1 bytes are read:
    enough for the caller to see that a file is over its limit.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotRegular(f"{path} is not a regular file")
        return file.read() if max_bytes is None else file.read(max_bytes + 1)


def fingerprint(found: Entry) -> str:
    """What an entry is, for a cache key: kind, link target, problem, and a file's bytes."""
    head = f"{found.kind}\0{found.target}\0{found.problem}"
    if not found.is_file:
        return head
    try:
        data = read_regular(found.path)
    except OSError as error:
        return f"{head}\0unreadable {error.errno}"
    return f"{head}\0{hashlib.sha256(data).hexdigest()}"


def _judge_dir_entry(item: os.DirEntry, root: Path) -> Entry:
    path = Path(item.path)
    if item.is_file(follow_symlinks=False) and not is_junk(item.name):
        return Entry(path, "file")
    if item.is_dir(follow_symlinks=False):
        return Entry(path, "folder")
    try:
        mode = item.stat(follow_symlinks=False).st_mode
    except OSError as error:
        return Entry(path, "refused", f"cannot be read ({error.strerror})")
    return _judge(path, mode, root)


def _judge(path: Path, mode: int, root: Path) -> Entry:
    if stat.S_ISDIR(mode):
        return Entry(path, "folder")
    if is_junk(path.name):
        return Entry(path, "junk", "skipped: an editor's lock, backup or temporary file")
    if stat.S_ISLNK(mode):
        return _judge_link(path, root)
    if stat.S_ISREG(mode):
        return Entry(path, "file")
    return Entry(path, "refused", f"is not a regular file ({_kind_name(mode)})")


def _judge_link(path: Path, root: Path) -> Entry:
    target = os.readlink(path)
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(root):
        return Entry(
            path,
            "refused",
            f"is a link to '{target}', outside the portfolio "
            "(copy the file into the portfolio instead)",
            target,
        )
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return Entry(path, "refused", f"is a link to '{target}', which does not exist", target)
    if stat.S_ISDIR(mode):
        return Entry(
            path,
            "refused",
            f"is a link to the folder '{target}' (links to folders are "
            "not followed: move or copy the folder)",
            target,
        )
    owner = organisation_folder(real, root)
    here = Path(os.path.realpath(path.parent), path.name)  # the link itself, folders resolved
    if owner not in (None, organisation_folder(here, root)):
        return Entry(
            path, "refused", f"is a link to '{target}': it {_another_organisation(owner)}", target
        )
    if not stat.S_ISREG(mode):
        return Entry(
            path,
            "refused",
            f"is a link to '{target}', which is not a regular file ({_kind_name(mode)})",
            target,
        )
    return Entry(path, "file", target=target)


def _another_organisation(owner: str | None) -> str:
    return (
        f"belongs to the organisation folder '{owner}', and a file of one organisation "
        "never reaches another's pages (copy it, or keep shared files outside the "
        "organisation folders)"
    )


def _kind_name(mode: int) -> str:
    return next((name for test, name in _NOT_REGULAR if test(mode)), "not a file or folder")


class Walker:
    """The walker of one portfolio for the loader: every refused or skipped entry it meets
    becomes a Problem (an error, or a warning for editor files), each reported once."""

    def __init__(self, root: Path, problems: list[Problem]):
        self.root = root.resolve()
        self.problems = problems
        self._reported: set[Path] = set()
        self._fingerprints: dict[Path, str] = {}
        self._listed: dict[Path, dict[str, Entry]] = {}  # a check in a listed folder is free

    def listing(self, folder: Path) -> list[Entry]:
        """The folder's entries that may be read; the others are reported."""
        found = listing(folder, self.root)
        self._listed[folder] = {e.path.name: e for e in found if e.path != folder}
        for item in found:
            self._report(item)
        return [e for e in found if e.is_file or e.is_folder]

    def tree(self, folder: Path) -> list[Entry]:
        """Every file and folder below `folder` that may be read; the others are reported."""
        found = list(walk(folder, self.root))
        for item in found:
            self._report(item)
        return [e for e in found if e.is_file or e.is_folder]

    def judge(self, path: Path, reader: Path | None = None) -> Entry:
        """What `path` is, reporting nothing (for a caller that words its own problem);
        `reader` is the file that names it (see `entry`)."""
        return entry(path, self.root, reader)

    def check(self, path: Path) -> Entry:
        """What `path` is; a refused path is reported (a missing one is left to the caller)."""
        known = self._listed.get(path.parent)
        if known is None:
            found = entry(path, self.root)
        else:
            found = known.get(path.name) or Entry(path, "missing", "does not exist")
        self._report(found)
        return found

    def fingerprint(self, path: Path) -> str:
        """The fingerprint of `path` (see `fingerprint`), computed once per walker."""
        if path not in self._fingerprints:
            self._fingerprints[path] = fingerprint(entry(path, self.root))
        return self._fingerprints[path]

    def _report(self, found: Entry) -> None:
        if found.kind in ("refused", "junk") and found.path not in self._reported:
            self._reported.add(found.path)
            self.problems.append(found.as_problem())


def tree_digest(
    folder: Path,
    skip: Iterable[str] = (),
    root: Path | None = None,
    folders: dict[Path, str] | None = None,
) -> str:
    """A hash of what every entry below folder is: its path, kind, link target and bytes.

    Refused entries (a link out, a FIFO) are hashed by what they are, never read, so swapping
    a file for a link changes the hash and the build looks again. `root` (default: `folder`)
    is where links may lead: give the one its reader uses, so a link that is followed has
    its target's bytes hashed, not only its name. A folder is hashed by its own digest, so
    with `folders` the digest of each folder directly in `folder` (as this function gives it
    for that folder and root) is kept there too: one walk for both.
    """
    root = (root or folder).resolve()
    skipped = set(skip)
    hasher = hashlib.sha256()

    def add(data: str | bytes) -> None:
        data = data.encode() if isinstance(data, str) else data
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)

    for found in listing(folder, root):
        name = found.path.name
        if found.is_folder:
            if name in skipped or name.startswith("."):
                continue
            inner = tree_digest(found.path, skipped, root)
            if folders is not None:
                folders[found.path] = inner
            add(f"{name}/")
            add(inner)
            continue
        add(name)
        add(f"{found.kind}\0{found.target}\0{found.problem}")
        if found.is_file:
            add(_read(found.path))
    return hasher.hexdigest()


def _read(path: Path) -> bytes:
    try:
        return read_regular(path)
    except OSError as error:  # vanished or unreadable: loading will say so, with the file
        return f"unreadable {error.errno}".encode()
