"""The two HTML tokenizers (the single file's, and the one reading rendered Markdown) read a
tag's attributes as runs of plain characters between quoted values: the same tokens as the
plain pattern that tries one character or one quoted value at a time, at a fraction of the
backtracking (12 % of reading a bundle's pages for the single file)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from klantspiegel import single_file, text

PLAIN_SINGLE_FILE = re.compile(
    r"<!--.*?-->"
    r"|<(?P<end>/)?(?P<tag>[a-zA-Z][^\t\n\r\f />\x00]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL,
)
PLAIN_MARKDOWN = re.compile(
    r"""
    <!--.*?(?:--!?>|\Z)
  | <[!?][^>]*>?
  | </(?![A-Za-z])[^>]*>?
  | <(/?)([A-Za-z][^\t\n\f\r />]*)((?:"[^"]*"|'[^']*'|[^>"'])*)>?
""",
    re.S | re.X,
)
# the characters that decide where a tag ends, and a few that do not
markup = st.text(alphabet="<>/\"'= a-!?\n\x00B", max_size=60)
SAMPLES = [
    "<a href=\"x.html\" title='a > b'>link</a>",
    '<p class="x>y" data-a=\'"\'>text</p><br/>',
    "<a title='unclosed>rest</a>",
    '<svg viewBox="0 0 1 1"><linearGradient id="g"></linearGradient></svg>',
    "<!-- a <b> comment --><i>",
]


def tokens(pattern: re.Pattern[str], page: str) -> list[tuple[tuple[int, int], tuple]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(page)]


@settings(max_examples=400, deadline=None)
@given(st.one_of(markup, st.sampled_from(SAMPLES)))
def test_both_tokenizers_read_the_tokens_of_the_plain_pattern(page):
    assert tokens(single_file._TOKEN, page) == tokens(PLAIN_SINGLE_FILE, page)
    assert tokens(text._TOKEN, page) == tokens(PLAIN_MARKDOWN, page)


def test_the_samples_are_read_into_tags():
    assert [m.group("tag") for m in single_file._TOKEN.finditer(SAMPLES[0])] == ["a", "a"]
    assert len(list(text._TOKEN.finditer(SAMPLES[1]))) == 3
