"""The layers written down as import contracts in pyproject.toml hold, and would catch a break."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import klantspiegel

PROJECT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` over the contracts in folder/pyproject.toml, importing from folder."""
    environment = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_its_import_contracts() -> None:
    result = lint_imports(PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_module_has_a_layer() -> None:
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    modules = {m.name for m in pkgutil.iter_modules(klantspiegel.__path__)} - {"__main__"}
    assert sorted(modules - placed) == []


def test_a_loader_importing_the_build_cache_breaks_the_contracts(tmp_path: Path) -> None:
    shutil.copy(PROJECT / "pyproject.toml", tmp_path)
    shutil.copytree(
        PROJECT / "klantspiegel",
        tmp_path / "klantspiegel",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    with (tmp_path / "klantspiegel" / "load.py").open("a", encoding="utf-8") as load:
        load.write("\nfrom klantspiegel.cache import digest  # noqa: E402\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "klantspiegel.load -> klantspiegel.cache" in result.stdout
    assert "The loader needs no build" in result.stdout
