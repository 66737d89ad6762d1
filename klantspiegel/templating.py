"""The Jinja environments: one per report language, sandboxed, autoescaping, compiled once.

A portfolio may override any theme template by placing a file of the same name in its own
`templates/` folder; the theme folder is searched after it. Overrides come with the portfolio,
so they are not trusted: every template renders in Jinja's immutable sandbox (no private
attributes, no `__globals__`, no mutation of the report model), with bounds on what one
expression may allocate. A broken or refused template is a `file:line` problem, never a
traceback.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, wraps
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment, SecurityError

from klantspiegel.i18n import Translator
from klantspiegel.model import Language
from klantspiegel.problems import ContentError, Problem

THEME_DIR = Path(__file__).resolve().parent.parent / "templates"
MAX_SIZE = 1_000_000  # the longest string or sequence one expression may build
_HUGE_FORMAT = re.compile(r"\d{7}")  # a width or precision of a million or more


class TemplateTooSlow(jinja2.TemplateRuntimeError):
    """A template took longer than the page time limit (a loop that does not end)."""


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, also bounding repetition (`'x' * 10**9`), powers and formatting widths."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        _check_binop(operator, left, right)
        return _bounded(super().call_binop(context, operator, left, right))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any,
             *args: Any, **kwargs: Any) -> Any:
        if getattr(__obj, "__name__", "") in ("format", "format_map"):
            _check_format(getattr(__obj, "__self__", ""))
        if isinstance(getattr(__obj, "__self__", None), str | bytes | list | tuple | dict):
            _check_sizes(args, kwargs)  # 'x'.ljust(10**9); the report model's methods are ours
        return _bounded(super().call(__context, __obj, *args, **kwargs))


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "**" and isinstance(left, int) and isinstance(right, int) \
            and right > 0 and max(left.bit_length(), 1) * right > 4096:
        raise SecurityError(f"{left} ** {right} is too large")
    if operator == "*":
        count = right if isinstance(left, str | list | tuple) else left
        sequence = left if isinstance(left, str | list | tuple) else right
        if isinstance(sequence, str | list | tuple) and isinstance(count, int) \
                and len(sequence) * count > MAX_SIZE:
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
    if numbers.stop - numbers.start > MAX_RANGE * abs(numbers.step) \
            or numbers.start - numbers.stop > MAX_RANGE * abs(numbers.step):
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


class _OverridableLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader whose compiled templates go stale when an override appears in an
    earlier folder (Jinja only watches the file it found, so a new override went unseen)."""

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        parts = split_template_path(template)
        found = next(i for i, folder in enumerate(self.searchpath)
                     if Path(filename).is_relative_to(folder))
        earlier = [Path(folder, *parts) for folder in self.searchpath[:found]]

        def still_current() -> bool:
            return bool(uptodate()) and not any(path.exists() for path in earlier)

        return source, filename, still_current


@cache
def environment(
    theme_dir: Path, portfolio_dir: Path | None, language: Language
) -> jinja2.Environment:
    """The sandboxed, autoescaping environment; Markdown never passes through it."""
    search = [portfolio_dir / "templates"] if portfolio_dir else []
    search.append(theme_dir)
    env = _Sandbox(
        loader=_OverridableLoader([str(p) for p in search]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    t = Translator(language)
    env.install_gettext_callables(t.gettext, t.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["range"] = _range
    env.globals["t"] = t
    env.globals["lang"] = language
    env.filters["number"] = t.number
    env.filters["signed"] = t.signed
    env.filters["date"] = t.date
    env.filters = {name: _bounded_filter(f) for name, f in env.filters.items()}
    return env


def template_problem(error: BaseException) -> Problem | None:
    """A template error as a problem at the template's file and line; None for other errors."""
    if not isinstance(error, jinja2.TemplateError):
        return None
    if isinstance(error, jinja2.TemplateSyntaxError):
        path, line = error.filename or error.name or "template", error.lineno
        what = "syntax error"
    else:
        path, line = _template_frame(error)
        what = {SecurityError: "not allowed", TemplateTooSlow: "too slow",
                jinja2.TemplateNotFound: "not found"}.get(type(error), "error")
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
    except jinja2.TemplateError as error:
        problem = template_problem(error)
        assert problem is not None
        raise ContentError([problem]) from None
