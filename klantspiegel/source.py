"""Reading source files: text, front matter and YAML with the line of every key.

Everything here turns a bad file into a Problem naming file and line; nothing raises for
bad content. YAML is read with a safe loader (no object construction), without YAML 1.1's
surprises (dates and yes/no are kept as text and validated later; numbers are decimal, so
`0700` is not octal 448 and `4:30` not base-60 270, also when tagged `!!int`), without the
types no field holds (`!!binary`, `!!set`, `!!timestamp`, ...), without aliases or merge keys,
so an alias bomb cannot expand, and without repeated keys, which YAML would silently resolve
to the last value (a `status: final` under a `status: draft`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from klantspiegel.body_cache import BodyCache
from klantspiegel.problems import Problem
from klantspiegel.walk import NotRegular, read_regular

DEFAULT_MAX_FILE_BYTES = 1_000_000
MAX_YAML_DEPTH = 20
MAX_YAML_NODES = 20_000

KeyPath = tuple[str | int, ...]

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_STRICT = {
    "tag:yaml.org,2002:bool": re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    # Decimal only: YAML 1.1 reads 0700 as octal and 4:30 as base 60 (270).
    "tag:yaml.org,2002:int": re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"),
    "tag:yaml.org,2002:float": re.compile(
        r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
}


class _PortfolioLoader(_BaseLoader):
    """Safe loader: dates stay text, only true/false are booleans, numbers are decimal."""


def _decimal_int(loader: Any, node: yaml.ScalarNode) -> int:
    """`!!int 0700` is 700, as `0700` is: YAML 1.1 would read octal, hex or base 60."""
    text = str(loader.construct_scalar(node)).replace("_", "")
    reason = "is not a whole number written in decimal digits"
    if re.fullmatch(r"[-+]?[0-9]+", text):
        try:
            return int(text, 10)
        except ValueError:  # more digits than Python converts
            reason = "has too many digits"
    raise yaml.constructor.ConstructorError(
        None, None, f"'{node.value[:40]}' {reason}", node.start_mark
    )


def _decimal_float(loader: Any, node: yaml.ScalarNode) -> float:
    """`!!float 1:30` is refused, not base-60 90."""
    if ":" in str(node.value):
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"'{node.value[:40]}' is not a number written in decimal digits",
            node.start_mark,
        )
    return float(yaml.constructor.SafeConstructor.construct_yaml_float(loader, node))


def _no_such_type(loader: Any, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"the YAML type {node.tag.removeprefix('tag:yaml.org,2002:')!r} is not "
        "supported: write plain text, numbers, lists and fields",
        node.start_mark,
    )


_PortfolioLoader.add_constructor("tag:yaml.org,2002:int", _decimal_int)
_PortfolioLoader.add_constructor("tag:yaml.org,2002:float", _decimal_float)
for _tag in ("binary", "timestamp", "omap", "pairs", "set"):
    _PortfolioLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _no_such_type)

# Both base loaders resolve plain scalars with the table of yaml's Resolver.
_PortfolioLoader.yaml_implicit_resolvers = {
    first: [(tag, _STRICT.get(tag, regexp)) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Document:
    """A parsed source file: its YAML mapping, the line of each key, and any Markdown body."""

    path: Path
    data: dict[str, Any]
    key_lines: dict[KeyPath, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line_of(self, key_path: KeyPath) -> int:
        """The line of the deepest key on `key_path` that exists; the first line otherwise."""
        for end in range(len(key_path), 0, -1):
            line = self.key_lines.get(tuple(key_path[:end]))
            if line is not None:
                return line
        return self.key_lines.get((), 1)


class _YamlShapeError(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message


def dotted(key_path: KeyPath, context: str = "") -> str:
    """`journey[2].emotion`: list positions counted from 1, as a reader counts them."""
    text = context
    for part in key_path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def read_text(path: Path, problems: list[Problem], max_bytes: int) -> str | None:
    """Read a UTF-8 text file, or record why it cannot be read."""
    raw = read_bytes(path, problems, max_bytes)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problems.append(
            Problem(
                path,
                line,
                "",
                (
                    f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); "
                    "save the file with UTF-8 encoding"
                ),
            )
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_bytes(path: Path, problems: list[Problem], max_bytes: int) -> bytes | None:
    """The bytes of a regular file of at most `max_bytes`, or None with the reason recorded."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            problems.append(
                Problem(
                    path,
                    None,
                    "",
                    (
                        f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes "
                        "(split it, or raise max_file_bytes in portfolio.yaml)"
                    ),
                )
            )
            return None
        raw = read_regular(path, max_bytes)
        if len(raw) > max_bytes:  # it grew after the stat
            problems.append(
                Problem(path, None, "", f"file is over the limit of {max_bytes:,} bytes")
            )
            return None
    except NotRegular:
        problems.append(
            Problem(
                path, None, "", "is not a regular file (a FIFO, device or socket); it was not read"
            )
        )
        return None
    except OSError as error:
        problems.append(Problem(path, None, "", f"cannot read file: {error.strerror}"))
        return None
    return raw


def parse_yaml(
    text: str,
    path: Path,
    problems: list[Problem],
    first_line: int = 1,
    known: BodyCache | None = None,
) -> tuple[Any, dict[KeyPath, int]] | None:
    """Parse YAML safely; return the data and the line of every key, or None on a problem.

    Parsing is most of loading a portfolio whose bodies are cached, and every build loads
    every file: a text parsed before gives a copy of what it gave then, from this process
    (`serve` builds after every save) or from `known`, the cache an earlier build left.
    """
    if known is None:
        return _parsed_or_remembered(text, path, problems, first_line)
    key = f"{YAML_KEY}{first_line}\0{text}"
    stored = _parsed_from_json(known.get(key, _no_file))
    if stored is not None:
        return stored
    parsed = _parsed_or_remembered(text, path, problems, first_line)
    if parsed is not None:
        as_json = _parsed_as_json(parsed)
        if as_json is not None:
            known.put(key, as_json, (), _no_file)
    return parsed


YAML_KEY = "yaml\0"  # a Markdown body's key starts with the portfolio's absolute path


def _no_file(path: Path) -> str:
    """Parsed YAML depends on its text alone: an entry that names a file was not stored by
    parse_yaml, and no file's fingerprint is empty, so it is never taken."""
    return ""


def _parsed_or_remembered(
    text: str, path: Path, problems: list[Problem], first_line: int
) -> tuple[Any, dict[KeyPath, int]] | None:
    if len(text) > MAX_REMEMBERED_YAML:
        return _parse_yaml(text, path, problems, first_line)
    parsed, found = _remembered_yaml(text, path, first_line)
    problems += found
    if parsed is None:
        return None
    data, key_lines = parsed
    return _copied(data), dict(key_lines)  # the keys are tuples: nothing to copy inside


def _parsed_as_json(parsed: tuple[Any, dict[KeyPath, int]]) -> str | None:
    """Parsed YAML as one JSON text, or None where JSON would change it (a key that is not
    text: JSON writes the number 1 and the text "1" alike).

    One text, not JSON objects inside the cache's: a file's dozens of key lines are hundreds
    of small objects, and the cache is read, written and handed between processes whole.
    """
    data, key_lines = parsed
    if not _text_keys_only(data):
        return None
    return json.dumps([data, [[*key_path, line] for key_path, line in key_lines.items()]])


def _text_keys_only(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _text_keys_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_text_keys_only(item) for item in value)
    return True


def _parsed_from_json(stored: Any) -> tuple[Any, dict[KeyPath, int]] | None:
    """What _parsed_as_json stored, as parse_yaml returns it (new containers, as JSON reads
    them); None for anything else."""
    try:
        data, lines = json.loads(stored)
        key_lines = {tuple(entry[:-1]): entry[-1] for entry in lines}
    except (TypeError, ValueError, IndexError, KeyError):  # not what _parsed_as_json writes
        return None
    if not all(type(line) is int for line in key_lines.values()):
        return None
    return data, key_lines


def _copied(value: Any) -> Any:
    """A copy of parsed YAML: new containers all the way down, the same immutable leaves
    (strings, numbers, dates). deepcopy does the same at three times the cost."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, set | tuple):
        return type(value)(_copied(item) for item in value)
    return value


MAX_REMEMBERED_YAML = 64 * 1024  # characters; front matter is a few hundred


@functools.lru_cache(maxsize=4096)
def _remembered_yaml(
    text: str, path: Path, first_line: int
) -> tuple[tuple[Any, dict[KeyPath, int]] | None, tuple[Problem, ...]]:
    problems: list[Problem] = []
    return _parse_yaml(text, path, problems, first_line), tuple(problems)


def _parse_yaml(
    text: str, path: Path, problems: list[Problem], first_line: int
) -> tuple[Any, dict[KeyPath, int]] | None:
    loader = _PortfolioLoader(text)
    key_lines: dict[KeyPath, int] = {}
    walk = _Walk(loader, first_line)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        key_lines[()] = node.start_mark.line + first_line
        walk.collect(node, (), key_lines, depth=0)
        if walk.hidden:
            problems.extend(
                Problem(path, line, field, message) for line, field, message in walk.hidden
            )
            return None
        return loader.construct_document(node), key_lines
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else first_line
        reason = error.problem or error.context or "cannot be parsed"
        at = walk.values.get((mark.line, mark.column)) if mark else None
        field = dotted(at) if at else ""  # the field whose value the loader refused
        problems.append(Problem(path, line, field, f"invalid YAML: {reason}"))
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, by position
        line = text.count("\n", 0, error.position) + first_line
        code = error.character if isinstance(error.character, int) else 0xFFFD
        problems.append(
            Problem(
                path,
                line,
                "",
                (
                    f"invalid YAML: the character U+{code:04X} is not allowed "
                    "(a control character); remove it"
                ),
            )
        )
    except yaml.YAMLError as error:
        problems.append(Problem(path, first_line, "", f"invalid YAML: {error}"))
    except _YamlShapeError as error:
        problems.append(Problem(path, error.line, "", error.message))
    except (ValueError, TypeError) as error:  # a constructor rejecting a value
        problems.append(Problem(path, first_line, "", f"invalid YAML value: {error}"))
    finally:
        loader.dispose()
    return None


@dataclass
class _Walk:
    """One pass over the YAML nodes: the line of every key, and what YAML would hide."""

    loader: Any
    first_line: int
    seen: set[int] = field(default_factory=set)
    hidden: list[tuple[int, str, str]] = field(default_factory=list)  # line, field, message
    values: dict[tuple[int, int], KeyPath] = field(default_factory=dict)  # where each value is

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.first_line

    def collect(
        self, node: yaml.Node, key_path: KeyPath, key_lines: dict[KeyPath, int], depth: int
    ) -> None:
        """Record the line of every key below `node`; raise on a shape YAML cannot hold."""
        line = self.line(node)
        if depth > MAX_YAML_DEPTH:
            raise _YamlShapeError(line, f"YAML nested deeper than {MAX_YAML_DEPTH} levels")
        if id(node) in self.seen:
            raise _YamlShapeError(
                line, "YAML aliases (*name) are not supported: write the value out in full"
            )
        self.seen.add(id(node))
        self.values.setdefault((node.start_mark.line, node.start_mark.column), key_path)
        if len(self.seen) > MAX_YAML_NODES:
            raise _YamlShapeError(line, f"YAML has more than {MAX_YAML_NODES:,} values")
        if isinstance(node, yaml.MappingNode):
            self.collect_mapping(node, key_path, key_lines, depth)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*key_path, index)
                key_lines[child] = self.line(item)
                self.collect(item, child, key_lines, depth + 1)

    def collect_mapping(
        self, node: yaml.MappingNode, key_path: KeyPath, key_lines: dict[KeyPath, int], depth: int
    ) -> None:
        first_lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child, line = (*key_path, key), self.line(key_node)
            if key_node.tag == _MERGE:
                self.collect(value_node, child, {}, depth + 1)  # an alias is refused as such
                self.hidden.append(
                    (
                        line,
                        dotted(child),
                        ("YAML merge keys (<<) are not supported: write the fields out in full"),
                    )
                )
                continue
            identity = self.identity(key_node)
            if identity in first_lines:
                self.hidden.append(
                    (
                        line,
                        dotted(child),
                        (
                            f"duplicate key '{key}' (first at line {first_lines[identity]}): "
                            "YAML would silently keep only the last value; remove one of them"
                        ),
                    )
                )
                self.collect(value_node, child, {}, depth + 1)  # report what lies below too
                continue
            first_lines[identity] = line
            key_lines[child] = line
            self.collect(value_node, child, key_lines, depth + 1)

    def identity(self, key_node: yaml.Node) -> Any:
        """The key as the dict will hold it, so `1`, `+1` and `true` collide as they would."""
        if not isinstance(key_node, yaml.ScalarNode):
            return id(key_node)
        key = self.loader.construct_object(key_node)
        return key if isinstance(key, Hashable) else id(key_node)


def read_yaml_file(
    path: Path, problems: list[Problem], max_bytes: int, known: BodyCache | None = None
) -> Document | None:
    """Read a YAML file whose top level is a mapping (`known`: see parse_yaml)."""
    text = read_text(path, problems, max_bytes)
    if text is None:
        return None
    if not text.strip():
        problems.append(Problem(path, None, "", "file is empty (expected YAML fields)"))
        return None
    parsed = parse_yaml(text, path, problems, known=known)
    if parsed is None:
        return None
    data, key_lines = parsed
    if not isinstance(data, dict):
        problems.append(
            Problem(path, 1, "", f"expected YAML fields (key: value), not a {_yaml_kind(data)}")
        )
        return None
    return Document(path, data, key_lines)


def read_markdown_file(
    path: Path, problems: list[Problem], max_bytes: int, known: BodyCache | None = None
) -> Document | None:
    """Read a Markdown file that starts with YAML front matter between `---` lines
    (`known`: see parse_yaml)."""
    text = read_text(path, problems, max_bytes)
    if text is None:
        return None
    if not text.strip():
        problems.append(
            Problem(
                path,
                None,
                "",
                ("file is empty (expected front matter between '---' lines, then Markdown text)"),
            )
        )
        return None
    lines = text.split("\n")
    closing = _front_matter_end(path, lines, problems)
    if closing is None:
        return None
    parsed = parse_yaml("\n".join(lines[1:closing]), path, problems, 2, known)
    if parsed is None:
        return None
    data, key_lines = parsed
    if data is None:
        data, key_lines = {}, {(): 1}
    if not isinstance(data, dict):
        problems.append(
            Problem(
                path,
                2,
                "",
                (f"front matter must be YAML fields (key: value), not a {_yaml_kind(data)}"),
            )
        )
        return None
    body = "\n".join(lines[closing + 1 :])
    return Document(path, data, key_lines, body=body, body_line=closing + 2)


def _front_matter_end(path: Path, lines: list[str], problems: list[Problem]) -> int | None:
    """The index of the line that closes the front matter; None, with the problem recorded,
    when the front matter is missing, unclosed, or would leave fields out."""
    if lines[0].strip() != "---":
        problems.append(
            Problem(
                path,
                1,
                "",
                (
                    "no front matter: the file must start with a line '---', then YAML fields, "
                    "then another '---'"
                ),
            )
        )
        return None
    # Only '---' closes: YAML's '...' (end of document) would leave the fields below it out.
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if closing is None:
        problems.append(
            Problem(
                path, 1, "", ("front matter is not closed: add a line '---' after the YAML fields")
            )
        )
        return None
    ended = next((i for i in range(1, closing) if lines[i].rstrip() == "..."), None)
    if ended is not None and any(line.strip() for line in lines[ended + 1 : closing]):
        problems.append(
            Problem(
                path,
                ended + 1,
                "",
                (
                    "'...' ends the YAML here, so the fields below it would be left out: "
                    "remove this line (the front matter ends at a '---' line)"
                ),
            )
        )
        return None
    stray = _fields_after(lines, closing + 1)
    if stray is not None:
        problems.append(
            Problem(
                path,
                stray + 1,
                "",
                (
                    "these lines look like fields, but the front matter ended at line "
                    f"{closing + 1} ('---'; a '---' inside a value or a second block ends it "
                    "too), so they would be left out of it: move them above that line"
                ),
            )
        )
        return None
    return closing


_FIELD = re.compile(r"^[a-z_]+[ \t]*:(?:[ \t]|$)")  # `status: draft`, at the start of a line


def _fields_after(lines: list[str], start: int) -> int | None:
    """The first of the lines after the front matter that are more fields, up to a '---'.

    `status: draft` below a '---' that closed the front matter too early (one inside a block
    scalar, or a second block) would otherwise be Markdown text, and the finding final.
    """
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index < len(lines) and lines[index].rstrip() in ("---", "..."):
        index += 1  # a second block right below the first
    first = index
    while index < len(lines) and lines[index].rstrip() not in ("---", "..."):
        line = lines[index]
        if line.strip() and not (_FIELD.match(line) or line[0] in " \t-#"):
            return None
        index += 1
    fields = [i for i in range(first, index) if _FIELD.match(lines[i])]
    return fields[0] if fields and index < len(lines) else None


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if value is None:
        return "empty value"
    return f"single value ({type(value).__name__})"
