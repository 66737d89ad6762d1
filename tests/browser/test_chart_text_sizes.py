"""Chart text stays 11-16 px on screen at every width from a small phone to a wide screen.

Measured as the browser lays it out: each `<text>` of each visible chart, its font size times
the scale its SVG is drawn at (the gauge's headline number is a headline, not chart text).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SIZES = """() => [...document.querySelectorAll('.chart-svg svg text')]
  .filter((t) => t.getBoundingClientRect().height > 0 && !t.classList.contains('headline'))
  .map((t) => {
    const m = t.getScreenCTM();
    return [parseFloat(t.getAttribute('font-size')) * Math.hypot(m.c, m.d), t.textContent];
  })"""


@pytest.mark.parametrize("width", [320, 375, 768, 1440, 1920])
@pytest.mark.parametrize("charted", ["organisation", "anecdote", "dimension"])
def test_chart_text_stays_between_11_and_16_px(page, site_url, page_of_type, charted, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + page_of_type(charted))
    sizes = page.evaluate(SIZES)
    assert sizes, "no chart text shown"
    wrong = [(round(size, 2), text) for size, text in sizes if not 11 <= size <= 16.01]
    assert not wrong, wrong[:5]
