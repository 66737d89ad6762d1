"""The build cache: which inputs produced each page and PDF, so a rebuild renders only what changed.

Every output artifact (a page, a PDF, a search index, the assets) gets a key: a hash of
everything that decides its bytes (the template and what it includes, the data it shows, the
settings, the code). The manifest records the key and the files of each artifact; a rebuild
renders an artifact again only when its key changed. A quick fingerprint of every input file
lets a rebuild with nothing changed stop before even loading the portfolio.

The cache lives next to the output (`.klantspiegel-cache/<output name>/`) and is only ever a
shortcut: deleting it gives a clean build with the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, fields, is_dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import jinja2.meta
from markupsafe import Markup
from pydantic import BaseModel

from klantspiegel.charts import Chart
from klantspiegel.report_charts import ReportCharts
from klantspiegel.walk import tree_digest, walk

CACHE_DIR = ".klantspiegel-cache"
MANIFEST = "manifest.json"
MARKDOWN_CACHE = "markdown.json"
CHART_CACHE = "charts"  # a folder: one JSON file for each report's charts or one chart
TEMPLATE_REFERENCES = "template-references.json"
FORMAT = 1  # bump when the manifest's meaning changes
PACKAGE_DIR = Path(__file__).parent
TOOLS = ("jinja2", "markdown", "nh3", "weasyprint", "pagefind", "babel", "pydantic")


def cache_folder(output: Path) -> Path:
    return output.resolve().parent / CACHE_DIR / output.resolve().name


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def files_under(folder: Path, skip: Iterable[str] = ()) -> list[Path]:
    """Every regular file below folder, sorted; folders named in `skip` or starting with '.'
    left out, and nothing the walker refuses (links out, FIFOs, editor files)."""
    return sorted(e.path for e in walk(folder, folder.resolve(), skip) if e.is_file)


def code_digest() -> str:
    """Klantspiegel's own code, translations and models, and the versions of the tools it runs."""
    versions = [f"{tool}=={metadata.version(tool)}" for tool in TOOLS]
    return digest(tree_digest(PACKAGE_DIR, skip=("__pycache__",)), *versions)


class Fingerprints:
    """Hashes of the values a page or PDF is rendered from.

    Data classes and models are hashed field by field, and every object once per build (by
    identity), so a finding shared by many pages and reports costs one hash. Leaves are
    hashed by `repr`, which for strings, numbers, dates and paths is their whole value.
    """

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[Any, str]] = {}
        self._fields: dict[type, tuple[str, ...] | None] = {}  # None: not a data class or model

    def of(self, value: Any) -> str:
        if value is None or isinstance(value, str | int | float | bool):
            return f"{type(value).__name__}:{value!r}"
        known = self._by_id.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        of = self.of
        kind = type(value)
        if isinstance(value, Mapping):
            parts = [f"{k!r}={of(v)}" for k, v in sorted(value.items())]
        elif isinstance(value, list | tuple):
            parts = [of(v) for v in value]
        elif isinstance(value, set | frozenset):  # no order of its own: sort the hashes
            parts = sorted(of(v) for v in value)
        else:
            names = self._fields[kind] if kind in self._fields else self._field_names(kind)
            if names is not None:
                parts = [of(getattr(value, name, None)) for name in names]
            else:
                text = repr(value)
                if " object at 0x" in text:  # a repr without the data would hide changes
                    raise TypeError(f"cannot fingerprint {kind.__qualname__}: no data in its repr")
                parts = [text]
        hashed = _hashed(kind.__qualname__, parts)
        self._by_id[id(value)] = (value, hashed)  # keeps value alive, so its id stays unique
        return hashed

    def _field_names(self, kind: type) -> tuple[str, ...] | None:
        names: tuple[str, ...] | None = None
        if is_dataclass(kind):
            names = tuple(f.name for f in fields(kind))
        elif issubclass(kind, BaseModel):
            names = tuple(kind.model_fields)
        self._fields[kind] = names
        return names


def _hashed(kind: str, parts: list[str]) -> str:
    """One hash of a value's kind and its parts' texts.

    The parts are joined by NUL, which none of them holds: each is a hash, a leaf's
    `repr` (which writes NUL as an escape) after its type's name, or a mapping key's `repr`
    with its value's hash. So two different lists of parts never join into the same text,
    and one hash over the joined text costs half of hashing each part on its own.
    """
    return hashlib.sha256("\0".join((kind, *parts)).encode()).hexdigest()


class TemplateReferences:
    """The templates each template text extends, includes or imports (None: a computed name).

    Parsing every template for its references was most of the time planning a small edit
    takes; the answer depends only on the text, so it is kept by the text's hash: once for
    every locale, every rebuild in `serve`, and (saved as JSON) every later build.
    """

    def __init__(self) -> None:
        self.known: dict[str, list[str] | None] = {}
        self.saved: dict[str, list[str] | None] = {}

    def of(
        self, env: jinja2.Environment, name: str, source: str, filename: str | None
    ) -> list[str] | None:
        key = digest(name, filename or "", source)
        if key not in self.known:
            parsed = env.parse(source, name, filename)  # errors name file and line
            found = set(jinja2.meta.find_referenced_templates(parsed))
            self.known[key] = None if None in found else sorted(n for n in found if n)
        return self.known[key]

    def load(self, folder: Path) -> None:
        try:  # JSON, not pickle: a cache file must never be able to run code
            stored = json.loads((folder / TEMPLATE_REFERENCES).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(stored, dict):
            valid = {
                k: v
                for k, v in stored.items()
                if v is None or (isinstance(v, list) and all(isinstance(n, str) for n in v))
            }
            self.saved = dict(valid)
            self.known = {**valid, **self.known}

    def save(self, folder: Path) -> None:
        if self.known == self.saved:
            return
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f"{TEMPLATE_REFERENCES}.tmp"
        temporary.write_text(json.dumps(self.known), encoding="utf-8")
        temporary.replace(folder / TEMPLATE_REFERENCES)
        self.saved = dict(self.known)


# One per process: what a template refers to does not depend on the build that asks.
TEMPLATES_REFERRED = TemplateReferences()


class TemplateDigests:
    """The hash of a template together with every template it extends, includes or imports."""

    def __init__(
        self, env: jinja2.Environment, references: TemplateReferences = TEMPLATES_REFERRED
    ):
        self.env = env
        self.references = references
        self._digests: dict[str, str] = {}

    def of(self, name: str) -> str:
        if name not in self._digests:
            self._digests[name] = digest(*(self._source(n) for n in sorted(self._closure(name))))
        return self._digests[name]

    def _closure(self, name: str) -> set[str]:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            assert self.env.loader is not None
            try:
                source, filename, _ = self.env.loader.get_source(self.env, current)
            except jinja2.TemplateNotFound:  # rendering reports it at the line that names it
                seen.discard(current)
                continue
            referenced = self.references.of(self.env, current, source, filename)
            if referenced is None:  # a computed name: depend on every template, any suffix
                return set(self.env.list_templates())
            todo += referenced
        return seen

    def _source(self, name: str) -> str:
        assert self.env.loader is not None
        try:
            source, filename, _ = self.env.loader.get_source(self.env, name)
        except jinja2.TemplateNotFound as error:  # a font among every template: never included
            return f"{name}\nrefused: {error}"
        return f"{filename}\n{source}"


T = TypeVar("T")


class ParsedFiles:
    """The build cache's JSON files as this process last read or wrote them, known by the
    file's identity (inode, size, modification time), for a process that builds after every
    save (serve): parsing the manifest and the Markdown cache again took a fifth of a build.

    What `read` gives is shared with later reads: its callers never change it.
    """

    def __init__(self) -> None:
        self._known: dict[Path, tuple[tuple[int, int, int], Any]] = {}

    def read(self, path: Path, parse: Callable[[str], T]) -> T:
        """`parse` of the file's text, or what it gave before for this same file."""
        identity = _identity(path.stat())
        known = self._known.get(path)
        if known is not None and known[0] == identity:
            return known[1]
        value = parse(path.read_text(encoding="utf-8"))  # a file replaced since: read again
        self._known[path] = (identity, value)
        return value

    def write(self, path: Path, text: str, value: Any) -> None:
        """Write `text` to path (replacing it whole), the JSON of `value`."""
        temporary = path.with_name(f"{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        # the identity is the written file's, whatever replaces it after the rename
        identity = _identity(temporary.stat())
        temporary.replace(path)
        self._known[path] = (identity, value)


def _identity(status: os.stat_result) -> tuple[int, int, int]:
    return (status.st_ino, status.st_size, status.st_mtime_ns)


@dataclass
class Manifest:
    """What the previous build wrote: per artifact its key and its files (relative paths)."""

    inputs: str = ""  # the quick fingerprint of every input file and setting
    artifacts: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)  # counts and warnings, for reporting

    @classmethod
    def load(cls, folder: Path, parsed: ParsedFiles | None = None) -> Manifest | None:
        try:
            return (parsed or ParsedFiles()).read(folder / MANIFEST, cls._parse)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    @classmethod
    def _parse(cls, text: str) -> Manifest | None:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            return None
        artifacts = {k: (v[0], list(v[1])) for k, v in data["artifacts"].items()}
        return cls(data["inputs"], artifacts, data["summary"])

    def save(self, folder: Path, parsed: ParsedFiles | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT,
            "inputs": self.inputs,
            "summary": self.summary,
            "artifacts": dict(sorted(self.artifacts.items())),
        }
        # no indent: only then does json use its C encoder (10x faster on 10,000 artifacts)
        (parsed or ParsedFiles()).write(folder / MANIFEST, json.dumps(data), self)

    def intact(self, output: Path) -> bool:
        """Whether every file the manifest lists is still in the output."""
        return all(
            (output / name).is_file() for _, names in self.artifacts.values() for name in names
        )


def forget(folder: Path) -> None:
    """Drop the manifest: the output is about to change, and a crash must not leave a claim."""
    (folder / MANIFEST).unlink(missing_ok=True)


class JsonCache:
    """Values computed by earlier builds, in a JSON file: rendered Markdown bodies (keyed by
    text and file).

    Rendering Markdown is the slowest part of loading. Each body is stored with the fingerprint
    (kind, link target, bytes) of every file its images and links resolved to, and reused only
    while each of those is unchanged: a cached body never skips a check a clean build makes.
    Keys include the code's digest: a value computed and checked by other code is not reused.
    """

    def __init__(self, folder: Path | None, parsed: ParsedFiles | None = None):
        self.path = folder / MARKDOWN_CACHE if folder else None
        self.parsed = parsed or ParsedFiles()
        self.code = code_digest() if folder else ""
        self.entries: dict[str, Any] = {}  # shared with later builds (see ParsedFiles)
        self.taken: dict[str, Any] = {}  # from another process of this build (see `take`)
        self.used: dict[str, Any] = {}
        if self.path and self.path.is_file():
            try:  # JSON, not pickle: a cache file must never be able to run code
                self.entries = self.parsed.read(self.path, _json_object)
            except (OSError, ValueError):  # a damaged cache is only a slower build
                self.entries = {}

    def get(self, key: str, fingerprint: Callable[[Path], str]) -> Any | None:
        """The value stored under key, if every file it depends on has the same fingerprint."""
        key = digest(self.code, key)
        entry = self.entries.get(key) or self.taken.get(key)
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], list)):
            return None
        value, depends_on = entry
        if any(fingerprint(Path(path)) != known for path, known in depends_on):
            return None
        self.used[key] = entry
        return value

    def put(
        self, key: str, value: Any, depends_on: Iterable[Path], fingerprint: Callable[[Path], str]
    ) -> None:
        """Store a value with the fingerprints of the files it was computed from."""
        self.used[digest(self.code, key)] = [
            value,
            [[str(p), fingerprint(p)] for p in sorted(set(depends_on))],
        ]

    def gathered(self) -> dict[str, Any]:
        """Every entry this process took or stored so far, in the form `take` accepts."""
        return dict(self.used)

    def take(self, entries: Mapping[str, Any]) -> None:
        """Entries another process of this build gathered: found by `get` from now on, each
        still only while its files have the fingerprints stored with it."""
        self.taken.update(entries)

    def save(self) -> None:
        if self.path is None or self.used.keys() == self.entries.keys():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.parsed.write(self.path, json.dumps(self.used), self.used)


def _json_object(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


class FolderCache:
    """Values computed by earlier builds, each in a JSON file of its own in a folder, read
    only when asked for. Charts are most of the cache's bytes (9 MB for 50 organisations):
    after an edit inside one organisation, serve reads and writes that organisation's.
    Keys include the code's digest, as in JsonCache.
    """

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.code = code_digest() if folder else ""
        self.used: set[str] = set()  # file names asked for or stored by this build
        self.new: dict[str, Any] = {}  # file name -> value, to write

    def get(self, key: str) -> Any | None:
        name = self._file_name(key)
        if name in self.new:  # stored by this build, or taken from another of its processes
            self.used.add(name)
            return self.new[name]
        if self.folder is None:
            return None
        try:  # JSON, not pickle: a cache file must never be able to run code
            value = json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing or damaged: computed again
            return None
        self.used.add(name)
        return value

    def put(self, key: str, value: Any) -> None:
        name = self._file_name(key)
        self.used.add(name)
        self.new[name] = value

    def gathered(self) -> dict[str, Any]:
        """The values this process stored, in the form `take` accepts."""
        return dict(self.new)

    def take(self, values: Mapping[str, Any]) -> None:
        """Values another process of this build stored: found by `get`, and saved, as if
        stored here."""
        self.new.update(values)

    def save(self, partial: bool = False) -> None:
        """Write the new values; remove the files this build did not use, unless `partial`
        (a build of some organisations, which used none of the others')."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, value in self.new.items():
            temporary = self.folder / f".{name}.tmp"
            temporary.write_text(json.dumps(value), encoding="utf-8")
            temporary.replace(self.folder / name)
        self.new = {}
        if not partial:
            for path in self.folder.iterdir():
                if path.name not in self.used:
                    path.unlink(missing_ok=True)

    def _file_name(self, key: str) -> str:
        return f"{digest(self.code, key)}.json"


D = TypeVar("D")  # what a cache keeps: a report's charts, or one chart


class ChartCache:
    """The charts of each report, and of each dimension page, from earlier builds, keyed by
    what they were drawn from.

    Drawing the SVG charts of every report is the largest part of planning a build, and an
    edit changes one organisation's numbers: the others' charts come from here. The key is
    the fingerprint of every input the chart is drawn from (`report_charts.build_charts`,
    `report.dimension_overview`), under the code's digest (see FolderCache, which stores them).
    """

    def __init__(self, folder: Path | None, fingerprints: Fingerprints):
        self.store = FolderCache(folder / CHART_CACHE if folder else None)
        self.fingerprints = fingerprints  # the build's: the plan's keys hash the same values

    def charts(self, inputs: tuple[Any, ...], draw: Callable[[], ReportCharts]) -> ReportCharts:
        return self._kept(inputs, draw, _charts_to_json, _charts_from_json)

    def chart(self, inputs: tuple[Any, ...], draw: Callable[[], Chart]) -> Chart:
        return self._kept(("chart", *inputs), draw, _chart_to_json, _chart_from_json)

    def _kept(
        self,
        inputs: tuple[Any, ...],
        draw: Callable[[], D],
        to_json: Callable[[D], dict[str, Any]],
        from_json: Callable[[dict[str, Any]], D],
    ) -> D:
        key = self.fingerprints.of(inputs)
        stored = self.store.get(key)
        if stored is not None:
            with suppress(KeyError, TypeError, ValueError):  # damaged: drawn again
                return from_json(stored)
        drawn = draw()
        self.store.put(key, to_json(drawn))
        return drawn

    def save(self, partial: bool = False) -> None:
        """Keep the charts this build used; a partial build (`--only`, serve's first pass)
        keeps the other organisations' too, as it drew none of theirs."""
        self.store.save(partial)


def _charts_to_json(drawn: ReportCharts) -> dict[str, Any]:
    parts = {f.name: getattr(drawn, f.name) for f in fields(drawn)}
    parts["journeys"] = {slug: _chart_to_json(c) for slug, c in drawn.journeys.items()}
    return {
        name: _chart_to_json(value) if isinstance(value, Chart) else value
        for name, value in parts.items()
    }


def _chart_to_json(chart: Chart) -> dict[str, Any]:
    return {f.name: getattr(chart, f.name) for f in fields(chart)}


def _charts_from_json(stored: dict[str, Any]) -> ReportCharts:
    def maybe(name: str) -> Chart | None:
        return None if stored[name] is None else _chart_from_json(stored[name])

    return ReportCharts(
        gauge=_chart_from_json(stored["gauge"]),
        radar=maybe("radar"),
        bars=_chart_from_json(stored["bars"]),
        matrix=maybe("matrix"),
        trend=maybe("trend"),
        journeys={slug: _chart_from_json(c) for slug, c in stored["journeys"].items()},
    )


def _chart_from_json(stored: dict[str, Any]) -> Chart:
    narrow = stored["narrow"]
    return Chart(
        svg=Markup(stored["svg"]),
        title=stored["title"],
        description=stored["description"],
        table_head=tuple(stored["table_head"]),
        table_rows=tuple(tuple(row) for row in stored["table_rows"]),
        narrow=None if narrow is None else Markup(narrow),
    )
