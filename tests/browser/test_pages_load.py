"""Every page of the example site loads in Chromium without errors or failed requests."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_page_loads_without_console_errors_or_failed_requests(
    reused_tab, site_url, page_path, built_site
):
    page, problems = reused_tab
    response = page.goto(site_url + page_path, wait_until="load")
    assert response is not None, f"{page_path}: no response"
    assert response.ok, f"{page_path}: HTTP {response.status}"
    source = (built_site.site / page_path).read_text(encoding="utf-8")
    if 'http-equiv="refresh"' in source:  # a forwarding page: its target must load too
        page.wait_for_url(lambda url: not url.endswith(page_path), timeout=10_000)
        page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    if problems.messages:
        pytest.fail(f"{page_path}:\n" + "\n".join(problems.messages), pytrace=False)
