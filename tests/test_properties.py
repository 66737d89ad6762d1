"""Property-based: whatever a consultant writes, the result is a page or a located error."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klantspiegel.load import load_portfolio
from klantspiegel.model import FindingFields
from klantspiegel.report import build_report, latest_scores
from klantspiegel.site import render_site, site_pages
from klantspiegel.templating import THEME_DIR

FIELDS = list(FindingFields.model_fields)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "bereikbaarheid",
            "strength",
            "weakness",
            "final",
            "draft",
            "short",
            "2026-13-45",
            "2026-02-28",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
front_matter = st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=12), values, max_size=len(FIELDS) + 2
)
markdown_pieces = st.sampled_from(
    [
        *list("ab *_`#>-[]()!<>/&;:\n\t|=\"'{}%0123456789é€"),
        "<script>",
        "](",
        "![",
        "javascript:",
        "{{",
        "}}",
        "<img src=",
        "\n\n",
        "    ",
        "|---|",
        "file:///etc/passwd",
        "../",
        "http://x.example/a.png",
        "<iframe>",
        "onerror=",
    ]
)
markdown_text = st.lists(markdown_pieces, max_size=80).map("".join)
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def outcome(fixture_root: Path, finding_text: str | bytes) -> str:
    """Load a copy of the fixture with one finding replaced; render it if it is valid."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "audits"
        shutil.copytree(fixture_root, root)
        path = root / "postbedrijf/2026/findings/centrale-lijn.md"
        if isinstance(finding_text, bytes):
            path.write_bytes(finding_text)
        else:
            path.write_text(finding_text, encoding="utf-8")
        portfolio, problems = load_portfolio(root)
        if portfolio is None:
            errors = [p for p in problems if p.severity == "error"]
            assert errors and all(
                p.path.is_relative_to(root) or p.path.is_absolute() for p in errors
            )
            assert all(p.message for p in errors)
            return "error"
        peers = latest_scores(portfolio)
        reports = {
            o.slug: build_report(o, portfolio, peers, "consultant") for o in portfolio.organisations
        }
        render_site(
            site_pages(portfolio, reports),
            portfolio,
            THEME_DIR,
            Path(scratch) / "site",
            search=False,
        )
        return "page"


@EXAMPLES
@given(fields=front_matter, body=markdown_text)
def test_any_front_matter_and_markdown_gives_a_page_or_an_error(small_portfolio, fields, body):
    text = "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + body
    assert outcome(small_portfolio.root, text) in ("page", "error")


@EXAMPLES
@given(body=markdown_text)
def test_any_markdown_under_valid_front_matter_gives_a_page_or_an_error(small_portfolio, body):
    valid = (small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md").read_text()
    front = valid[: valid.index("---", 4) + 4]
    assert outcome(small_portfolio.root, front + body) in ("page", "error")


@EXAMPLES
@given(raw=st.binary(max_size=400))
def test_any_bytes_give_a_page_or_an_error(small_portfolio, raw):
    assert outcome(small_portfolio.root, raw) in ("page", "error")
