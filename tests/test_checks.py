"""The test command checks format, types and layers before it runs the tests, so CI fails on any."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api as mypy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for this module's runs: the standard library is analysed once (~5 s)."""
    return tmp_path_factory.mktemp("mypy-cache")


def _mypy(module: Path, cache: Path) -> tuple[str, int]:
    """mypy's report and exit status on one module, with the project's configuration."""
    out, _, status = mypy.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache), str(module)]
    )
    return out, status


def test_the_test_command_checks_format_types_and_layers_before_the_tests() -> None:
    script = (ROOT / "scripts" / "test.sh").read_text()
    checks = ["ruff check", "ruff format --check", "-m mypy\n", "lint-imports", "-m pytest"]
    positions = [script.find(check) for check in checks]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert "set -euo pipefail" in script


def test_mypy_refuses_an_untyped_definition(tmp_path: Path, mypy_cache: Path) -> None:
    module = tmp_path / "untyped.py"
    module.write_text("def double(x):\n    return x * 2\n")
    out, status = _mypy(module, mypy_cache)
    assert status == 1
    assert "[no-untyped-def]" in out


def test_mypy_checks_the_bodies_of_untyped_functions(tmp_path: Path, mypy_cache: Path) -> None:
    module = tmp_path / "body.py"
    module.write_text("def main():  # type: ignore[no-untyped-def]\n    return 1 + ''\n")
    out, status = _mypy(module, mypy_cache)
    assert status == 1
    assert "[operator]" in out
