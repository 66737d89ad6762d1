"""Lighthouse scores 100 for accessibility, best practices and SEO on the pages people land on.

Lighthouse (npm, pinned in package.json) drives Debian's Chromium over the served site; one
run takes about 20 s here, so only the home, an organisation and a finding page are checked
(axe and the Nu checker cover every page type).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import NODE_MODULES

pytestmark = pytest.mark.browser

LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --no-first-run"


def lighthouse(url: str, report: Path) -> dict:
    """Lighthouse's JSON report of one page, for the three categories."""
    if not LIGHTHOUSE.is_file():
        pytest.fail(f"{LIGHTHOUSE} is missing: run `npm ci` (scripts/test.sh does)", pytrace=False)
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--chrome-path=/usr/bin/chromium",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    if result.returncode != 0 or not report.is_file():
        pytest.fail(
            f"lighthouse failed (exit {result.returncode}):\n{result.stderr}", pytrace=False
        )
    return json.loads(report.read_text(encoding="utf-8"))


def failed_audits(report: dict) -> list[str]:
    """The audits that cost points: category, id and title."""
    audits = [
        (name, report["audits"][ref["id"]])
        for name in CATEGORIES
        for ref in report["categories"][name]["auditRefs"]
        if ref["weight"]
    ]
    return [
        f"{name}: {audit['id']}: {audit['title']}"
        for name, audit in audits
        if audit["score"] is not None and audit["score"] < 1
    ]


@pytest.mark.parametrize("landing_page", ["home", "organisation", "finding"])
def test_lighthouse_scores_100_for_accessibility_best_practices_and_seo(
    site_url, page_of_type, landing_page, tmp_path
):
    report = lighthouse(site_url + page_of_type(landing_page), tmp_path / "report.json")
    scores = {name: report["categories"][name]["score"] for name in CATEGORIES}
    assert scores == dict.fromkeys(CATEGORIES, 1), failed_audits(report)
