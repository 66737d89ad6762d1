"""The Jinja environments: one per report locale, autoescaping, compiled once.

A portfolio may override any theme template by placing a file of the same name in its own
`templates/` folder; the theme folder is searched after it. Overrides come with the portfolio,
so they are not trusted: once a portfolio has one, every template renders in Jinja's immutable
sandbox (no private attributes, no `__globals__`, no mutation of the report model, no methods
of the file paths in the model: `finding.source.read_text()` would read any file), with bounds
on what one expression may allocate and on the memory one render may take. Templates are found
through the portfolio's walker, so an override never follows a link out of the portfolio or
into another organisation's folder, nor reads a hidden folder. A broken or refused template,
and any error raised while one renders (a macro that recurses forever), is a `file:line`
problem, never a traceback. Without an override, the built-in theme's own templates render
outside the sandbox, to the same bytes: they come with Klantspiegel, not with the portfolio.
"""

from __future__ import annotations

import io
import os
import re
import resource
import traceback
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, partial, wraps
from pathlib import Path, PurePath
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.nodes import EvalContext
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from klantspiegel.i18n import Translator
from klantspiegel.limits import time_limit
from klantspiegel.presentation import emotion
from klantspiegel.problems import ContentError, Problem
from klantspiegel.walk import entry, read_regular, walk

THEME_DIR = Path(__file__).resolve().parent.parent / "templates"
MAX_SIZE = 1_000_000  # the longest string or sequence one expression may build
_HUGE_FORMAT = re.compile(r"\d{7}")  # a width or precision of a million or more
MEMORY_BUDGET = 2 << 30  # bytes of address space one render may add; a page needs a few MB
PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix"})  # all a template may ask of a path
_OPAQUE = (PurePath, io.IOBase, types.ModuleType)  # objects that reach files or the system


class TemplateTooSlow(jinja2.TemplateRuntimeError):
    """A template took longer than TEMPLATE_TIME_LIMIT to render (a loop that does not end)."""


class TemplateRefused(jinja2.TemplateNotFound):
    """A template file the walker refuses: a link out, a hidden folder, not a regular file."""


# seconds; a page, a PDF's or the single file's HTML renders in well under one, so only a
# loop that does not end reaches it
TEMPLATE_TIME_LIMIT = 30.0


class _BoundedTemplate(jinja2.Template):
    """A template whose render runs within the memory budget (`~` and `join` cannot be
    intercepted by the sandbox, and doubling a string 30 times is a gigabyte) and the time
    limit (the sandbox bounds `range`, not loops over it nested)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        def too_slow() -> TemplateTooSlow:
            return TemplateTooSlow(
                f"{self.name} took longer than {TEMPLATE_TIME_LIMIT:g} s to render"
            )

        with memory_budget(), time_limit(TEMPLATE_TIME_LIMIT, too_slow):
            return super().render(*args, **kwargs)


_BUDGET_SET = False


@contextmanager
def memory_budget(extra: int | None = None) -> Iterator[None]:
    """Let the block grow the address space by at most `extra` bytes (default MEMORY_BUDGET);
    beyond it, an allocation raises MemoryError."""
    global _BUDGET_SET
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if _BUDGET_SET:  # a render inside a render: the outer budget holds
        yield
        return
    try:
        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc (macOS): the time limit is the only bound
        yield
        return
    limit = used + (MEMORY_BUDGET if extra is None else extra)
    if soft != resource.RLIM_INFINITY and soft <= limit:
        yield
        return
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    _BUDGET_SET = True
    try:
        yield
    finally:
        _BUDGET_SET = False
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, also bounding repetition (`'x' * 10**9`), powers and formatting widths."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    template_class = _BoundedTemplate

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe_attributes: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Every rule here and in Jinja's sandbox asks what the object is (isinstance), never
        # its value, so the answer is kept per type: a page asks it hundreds of times.
        known = (type(obj), attr)
        safe = self._safe_attributes.get(known)
        if safe is None:
            safe = self._safe_attributes[known] = self._is_safe_attribute(obj, attr, value)
        return safe

    def _is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, _OPAQUE):  # a path's read_text, write_text, unlink, open ...
            return isinstance(obj, PurePath) and attr in PATH_ATTRIBUTES
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        _check_binop(operator, left, right)
        return _bounded(super().call_binop(context, operator, left, right))

    def call(
        __self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any
    ) -> Any:
        if getattr(__obj, "__name__", "") in ("format", "format_map"):
            _check_format(getattr(__obj, "__self__", ""))
        if isinstance(getattr(__obj, "__self__", None), str | bytes | list | tuple | dict):
            _check_sizes(args, kwargs)  # 'x'.ljust(10**9); the report model's methods are ours
        return _bounded(super().call(__context, __obj, *args, **kwargs))


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if (
        operator == "**"
        and isinstance(left, int)
        and isinstance(right, int)
        and right > 0
        and max(left.bit_length(), 1) * right > 4096
    ):
        raise SecurityError(f"{left} ** {right} is too large")
    if operator == "*":
        count = right if isinstance(left, str | list | tuple) else left
        sequence = left if isinstance(left, str | list | tuple) else right
        if (
            isinstance(sequence, str | list | tuple)
            and isinstance(count, int)
            and len(sequence) * count > MAX_SIZE
        ):
            raise SecurityError(f"repeating a value {count} times is too large")
    if operator == "%" and isinstance(left, str):
        _check_format(left)


def _check_format(text: object) -> None:
    if isinstance(text, str) and _HUGE_FORMAT.search(text):
        raise SecurityError("a format width of a million or more is not allowed")


def _check_sizes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE:
            raise SecurityError(f"the argument {value} is too large")


def _bounded(result: Any) -> Any:
    if isinstance(result, str | list | tuple | bytes) and len(result) > MAX_SIZE * 10:
        raise SecurityError(f"a value of {len(result)} items is too large")
    return result


def _range(*args: int) -> range:
    """range(), refused (as a template error, not a crash) above the sandbox's MAX_RANGE."""
    numbers = range(*args)
    if numbers.stop - numbers.start > MAX_RANGE * abs(
        numbers.step
    ) or numbers.start - numbers.stop > MAX_RANGE * abs(numbers.step):
        raise SecurityError(f"{numbers} is too large (at most {MAX_RANGE} numbers)")
    return numbers


def _bounded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose parameters (not its input value) are refused when absurdly large."""

    @wraps(function)  # keeps jinja's pass_context/pass_eval_context marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        skip = 2 if hasattr(function, "jinja_pass_arg") else 1
        _check_sizes(args[skip:], kwargs)
        if function is jinja2.filters.do_format:
            _check_format(args[0])
        return _bounded(function(*args, **kwargs))

    return bounded


class _WalkedLoader(jinja2.BaseLoader):
    """Templates from folders searched in order, each file judged by the walker within its
    root (the portfolio for overrides, the theme for the theme); a refused file is an error,
    never read. Compiled templates go stale when their file changes or an override appears
    in an earlier folder."""

    def __init__(self, folders: list[tuple[Path, Path]]):
        self.folders = folders  # (templates folder, the root its files must stay inside)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        parts = split_template_path(template)  # refuses '..'
        for index, (folder, root) in enumerate(self.folders):
            found = entry(folder.joinpath(*parts), root)
            if found.kind == "missing":
                continue
            if not found.is_file:
                raise TemplateRefused(template, f"template '{template}' {found.problem}")
            try:
                source = read_regular(found.path).decode("utf-8")
                changed = os.stat(found.path).st_mtime_ns
            except (OSError, UnicodeDecodeError) as error:
                raise TemplateRefused(
                    template, f"template '{template}' cannot be read ({error})"
                ) from None
            earlier = [f.joinpath(*parts) for f, _ in self.folders[:index]]

            def still_current(
                path: Path = found.path, changed: int = changed, earlier: list[Path] = earlier
            ) -> bool:
                try:
                    same = os.stat(path).st_mtime_ns == changed
                except OSError:
                    return False
                return same and not any(os.path.lexists(p) for p in earlier)

            return source, str(found.path), still_current
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        names: set[str] = set()
        for folder, root in self.folders:
            if entry(folder, root).is_folder:
                names.update(
                    e.path.relative_to(folder).as_posix() for e in walk(folder, root) if e.is_file
                )
        return sorted(names)


def environment(theme_dir: Path, portfolio_dir: Path | None, locale: str) -> jinja2.Environment:
    """The sandboxed, autoescaping environment for one locale ("en-GB", or a bare language
    for its default locale); Markdown never passes through it.

    Compiled once per state of the template files: a template added, removed or edited (as
    while `serve` runs) gives a new environment, so no one has to clear a cache.
    """
    stamp = _template_files(theme_dir, portfolio_dir)
    return _environment(theme_dir, portfolio_dir, locale, stamp)


def _template_files(
    theme_dir: Path, portfolio_dir: Path | None
) -> tuple[tuple[str, int, int], ...]:
    """Each file under the theme and the portfolio's templates folder, with its change time
    and size: what tells one state of the templates from another."""
    folders = [theme_dir] + ([portfolio_dir / "templates"] if portfolio_dir else [])
    files = []
    for folder in folders:
        for parent, _, names in os.walk(folder):
            for name in names:
                path = os.path.join(parent, name)
                try:
                    status = os.lstat(path)
                except OSError:  # gone while listed
                    continue
                files.append((path, status.st_mtime_ns, status.st_size))
    return tuple(sorted(files))


@lru_cache(maxsize=16)  # a few locales; serve's edits leave older states behind
def _environment(
    theme_dir: Path,
    portfolio_dir: Path | None,
    locale: str,
    stamp: tuple[tuple[str, int, int], ...],
) -> jinja2.Environment:
    theme = theme_dir.resolve()
    search = [(portfolio_dir / "templates", portfolio_dir)] if portfolio_dir else []
    search.append((theme, theme))
    overrides = str(portfolio_dir / "templates") + os.sep if portfolio_dir else None
    trusted = theme == THEME_DIR and not (
        overrides and any(path.startswith(overrides) for path, _, _ in stamp)
    )
    # The sandbox guards against a portfolio's templates; asking it about every attribute
    # and call, and its memory budget, were a fifth to a third of the time the theme's own
    # pages take to render, which need no guard.
    env = (jinja2.Environment if trusted else _Sandbox)(
        loader=_WalkedLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    t = Translator(locale)
    # installed for `{% trans %}` (newstyle), then the callables replaced by quicker ones
    env.install_gettext_callables(t.gettext, t.ngettext, newstyle=True)  # type: ignore[attr-defined]
    gettext, ngettext = _translations(t)
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
    env.globals["range"] = _range
    env.globals["t"] = t
    env.globals["lang"] = t.locale  # the tag for lang attributes; labels take it too
    env.filters["number"] = t.number
    env.filters["signed"] = t.signed
    env.filters["date"] = t.date
    env.filters["emotion"] = partial(emotion, t)
    env.filters = {name: _bounded_filter(f) for name, f in env.filters.items()}
    return env


def _translations(t: Translator) -> tuple[Callable[..., str], Callable[..., str]]:
    """`gettext` and `ngettext` as Jinja's i18n extension gives them (newstyle: the message
    escaped as markup, then formatted with its variables escaped), in one call instead of
    three: `_` took 8 us a message, on 115,000 messages a clean build. A message without
    variables is translated and escaped once."""
    remembered: dict[str, Markup] = {}

    @jinja2.pass_eval_context
    def gettext(eval_context: EvalContext, message: str, /, **variables: Any) -> str:
        if not eval_context.autoescape:
            return t.gettext(message) % variables
        if variables:
            return Markup(t.gettext(message)) % variables
        found = remembered.get(message)
        if found is None:
            found = remembered[message] = Markup(t.gettext(message)) % {}
        return found

    @jinja2.pass_eval_context
    def ngettext(
        eval_context: EvalContext, singular: str, plural: str, count: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", count)
        form = t.ngettext(singular, plural, count)
        return (Markup(form) if eval_context.autoescape else form) % variables

    return gettext, ngettext


def template_problem(error: BaseException) -> Problem | None:
    """A template error, or any error raised while a template renders (a macro recursing
    forever, a render over its memory budget), as a problem at the template's file and line;
    None for an error raised outside every template."""
    line: int | None
    if isinstance(error, jinja2.TemplateSyntaxError):
        path, line = error.filename or error.name or "template", error.lineno
        what = "syntax error"
    elif isinstance(error, jinja2.TemplateError):
        path, line = _template_frame(error)
        what = {
            SecurityError: "not allowed",
            TemplateTooSlow: "too slow",
            TemplateRefused: "not allowed",
            jinja2.TemplateNotFound: "not found",
        }.get(type(error), "error")
    else:
        path, line = _template_frame(error)
        if line is None:
            return None
        runtime: dict[type[BaseException], str] = {
            RecursionError: "not allowed: it calls itself without end",
            MemoryError: f"too large: it needs over {MEMORY_BUDGET >> 20:,} MiB of memory",
        }
        what = runtime.get(type(error), f"error: {type(error).__name__}")
        return Problem(
            Path(path),
            line,
            "template",
            f"{what} ({str(error)[:200]})"
            if str(error) and type(error) is not MemoryError
            else what,
        )
    message = getattr(error, "message", None) or str(error)
    return Problem(Path(path), line, "template", f"{what}: {message}")


def _template_frame(error: BaseException) -> tuple[str, int | None]:
    """The innermost template file and line in the traceback (Jinja rewrites its frames)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if not frame.filename.endswith(".py") and Path(frame.filename).is_file():
            return frame.filename, frame.lineno
    return "template", None


@contextmanager
def template_errors_as_problems() -> Iterator[None]:
    """Turn a template error raised in the block into a ContentError at its file and line."""
    try:
        yield
    except Exception as error:
        problem = template_problem(error)
        if problem is None:
            raise
        raise ContentError([problem]) from None
