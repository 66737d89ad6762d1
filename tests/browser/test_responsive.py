"""Every width from a small phone to a wide screen: nothing scrolls sideways, overlaps or is cut.

The pages checked are the portfolio, every organisation report and, per organisation, its
longest finding and story page (long names and titles are what break a layout), the longest
dimension page and the method page. Each is opened once and resized through the widths, with
every <details> opened so the chart data tables are laid out too. Text inside the charts' SVG is
the charts' own geometry and is checked there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import build_example_site

pytestmark = pytest.mark.browser

WIDTHS = (320, 375, 600, 768, 1024, 1440, 1920)


def _largest(site: Path, pattern: str) -> list[str]:
    """Per folder, the largest page matching pattern: the one with the most text to lay out."""
    best: dict[str, Path] = {}
    for path in site.glob(pattern):
        folder = path.relative_to(site).parts[0]
        if folder not in best or path.stat().st_size > best[folder].stat().st_size:
            best[folder] = path
    return sorted(p.relative_to(site).as_posix() for p in best.values())


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "responsive_page" not in metafunc.fixturenames:
        return
    built = build_example_site(metafunc.config)
    pages = ["(build failed)"]
    if not built.error:
        site = built.site
        organisations = sorted(
            p.parent.relative_to(site).as_posix() + "/index.html" for p in site.glob("*/findings")
        )
        pages = [
            "index.html",
            "method.html",
            *organisations,
            *_largest(site, "*/findings/*.html"),
            *_largest(site, "*/anecdotes/*.html"),
            *_largest(site, "dimensions/*.html"),
            # earlier audits' reports (not the forwarding pages of the latest audit)
            *sorted(
                p.relative_to(site).as_posix()
                for p in site.glob("*/audits/*/index.html")
                if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")
            ),
        ]
    metafunc.parametrize("responsive_page", pages, ids=pages)


# Returns a list of problems of the page as it is laid out now.
LAYOUT_PROBLEMS = r"""() => {
  const problems = [];
  const width = window.innerWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  const where = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
      parts.unshift(name(e));
    }
    return parts.join(' > ');
  };
  // (a) the page itself never scrolls sideways
  const scrollWidth = document.scrollingElement.scrollWidth;
  if (scrollWidth > width) problems.push(`the page is ${scrollWidth}px wide at ${width}px`);
  // (a) a table wider than its box is only allowed in a scroll box that keeps its key column
  for (const table of document.querySelectorAll('main table')) {
    const box = table.parentElement;
    const r = table.getBoundingClientRect();
    if (!r.width || r.width <= box.clientWidth + 1) continue;
    const keys = table.querySelectorAll('tbody tr > :first-child');
    const sticky = [...keys].every((cell) => getComputedStyle(cell).position === 'sticky');
    const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
    if (!(scrolls && sticky)) {
      problems.push(`table ${where(table)} is ${Math.round(r.width)}px wide`
                    + ` in a ${box.clientWidth}px box`);
    }
  }
  // (b) no two pieces of text overlap within one row, card, list item or paragraph
  const hidden = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.clip !== 'auto' || style.clipPath !== 'none') return true;
    }
    return !el.checkVisibility({visibilityProperty: true, opacityProperty: true});
  };
  const groups = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || el.closest('svg, script, style, option') || hidden(el)) continue;
    const group = el.closest('tr, li, dl, .card, p, h1, h2, h3, figcaption, .finding-summary,'
                             + ' header, nav, footer') || document.body;
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0.5 && r.height > 0.5);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(...rects.map((r) => ({r, text: node.data.trim().slice(0, 40)})));
  }
  for (const [group, boxes] of groups) {
    const n = Math.min(boxes.length, 300);  // bounds the pairwise check on a long list
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (dx > 1.5 && dy > 1.5) {
        problems.push(`"${boxes[i].text}" overlaps "${boxes[j].text}" in ${where(group)}`);
        i = n;  // one report per group is enough
        break;
      }
    }
  }
  // (c) no text cut off: by a hidden overflow or an ellipsis, or a placeholder wider than its field
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg') || el.clientWidth <= 1 || hidden(el)) continue;
    const style = getComputedStyle(el);
    const clips = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 1 && el.textContent.trim()) {
      problems.push(`text is cut off in ${where(el)} (${el.scrollWidth}px in ${el.clientWidth}px)`);
    }
  }
  const canvas = document.createElement('canvas').getContext('2d');
  for (const input of document.querySelectorAll('input[placeholder]')) {
    if (input.value || hidden(input) || !input.clientWidth) continue;
    const style = getComputedStyle(input);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const needed = canvas.measureText(input.placeholder).width;
    if (needed > room + 1) {
      problems.push(`the placeholder "${input.placeholder}" is cut off`
                    + ` (${Math.round(needed)}px in ${Math.round(room)}px)`);
    }
  }
  return problems;
}"""


def test_page_reads_at_every_width_without_overflow_overlap_or_clipping(
    reused_tab, site_url, responsive_page
):
    page, _ = reused_tab
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(site_url + responsive_page)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found += [f"at {width}px: {problem}" for problem in page.evaluate(LAYOUT_PROBLEMS)]
    assert not found, f"{responsive_page}:\n  " + "\n  ".join(found[:25])
