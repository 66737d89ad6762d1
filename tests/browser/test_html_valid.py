"""The Nu HTML checker (vnu.jar) finds no error in any page of the built site."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

VNU = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"


@pytest.fixture(scope="session")
def vnu_errors(site: Path) -> dict[str, list[str]]:
    """Page path -> the checker's errors, from one run over every page."""
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: run `npm ci` (scripts/test.sh does)", pytrace=False)
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: install default-jre-headless", pytrace=False)
    pages = sorted(site.rglob("*.html"))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON (exit {result.returncode}):\n{result.stderr}")
    errors: dict[str, list[str]] = {}
    for message in messages:
        path = Path(unquote(urlsplit(message.get("url", "")).path)).resolve()
        page = (
            path.relative_to(site.resolve()).as_posix()
            if path.is_relative_to(site.resolve())
            else "?"
        )
        where = f"{page}:{message.get('lastLine', '?')}"
        extract = f"\n    {message['extract'].strip()}" if message.get("extract") else ""
        errors.setdefault(page, []).append(f"{where}: {message.get('message')}{extract}")
    return errors


def test_page_is_valid_html(vnu_errors, page_path):
    errors = vnu_errors.get(page_path, []) + vnu_errors.get("?", [])
    if errors:
        pytest.fail("\n".join(errors), pytrace=False)
