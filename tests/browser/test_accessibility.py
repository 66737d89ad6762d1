"""axe-core finds no serious or critical accessibility violation on any page type."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}


def describe(violation: dict) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    shown = ", ".join(targets[:5]) + (f" and {len(targets) - 5} more" if len(targets) > 5 else "")
    return f"{violation['id']} ({violation['impact']}): {violation['help']}: {shown}"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(
    injecting_page, site_url, page_of_type, page_type, axe_script, color_scheme
):
    page = injecting_page
    path = page_of_type(page_type)
    page.emulate_media(color_scheme=color_scheme)
    page.goto(site_url + path)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.add_script_tag(path=axe_script)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    if blocking:
        pytest.fail(
            f"{path} ({color_scheme}):\n" + "\n".join(map(describe, blocking)), pytrace=False
        )
