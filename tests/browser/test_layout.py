"""No page type scrolls sideways on a phone or a wide screen."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# The innermost elements sticking out on the right that no scrolling container holds in.
# An absolutely positioned element escapes the containers below its containing block.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const heldIn = (el) => {
    const position = getComputedStyle(el).position;
    if (position === 'fixed') return true;
    let p = position === 'absolute' ? el.offsetParent : el.parentElement;
    for (; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = [...document.body.querySelectorAll('*')].filter(
    (el) => el.getBoundingClientRect().right > width + 0.5 && !heldIn(el));
  return out.filter((el) => !out.some((other) => other !== el && el.contains(other)))
    .slice(0, 8)
    .map((el) => {
      const r = el.getBoundingClientRect();
      const classes = el.getAttribute('class') || '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + classes.trim().split(/\\s+/).filter(Boolean).map((c) => '.' + c).join('');
      const parent = el.parentElement ? el.parentElement.tagName.toLowerCase() : '';
      return `${name} in ${parent} (right edge at ${Math.round(r.right)}px)`;
    });
}"""


@pytest.mark.parametrize("width", [375, 1440])
def test_page_does_not_scroll_horizontally(page, site_url, page_of_type, page_type, width):
    path = page_of_type(page_type)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + path)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    if scroll_width > inner_width:
        culprits = page.evaluate(OVERFLOWING) or ["(none found)"]
        pytest.fail(
            f"{path} at {width}px scrolls sideways: the page is {scroll_width}px wide; "
            "sticking out:\n  " + "\n  ".join(culprits),
            pytrace=False,
        )
