"""Every build reads every file, and parsing the YAML was most of loading a portfolio whose
Markdown was cached: a YAML text parsed by an earlier build is taken from the build cache, and
gives what parsing it gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental import assert_same_as_clean_build, three_organisations

from klantspiegel import source
from klantspiegel.build_options import BuildOptions
from klantspiegel.cache import JsonCache
from klantspiegel.pipeline import Remembered, build
from klantspiegel.source import parse_yaml


@pytest.fixture
def parsed_texts(monkeypatch) -> list[str]:
    """The YAML texts parsed from now on, as in a process of its own (the CLI's): nothing
    remembered from an earlier build in this one."""
    texts: list[str] = []
    parse = source._parse_yaml

    def counted(text, *args):
        texts.append(text)
        return parse(text, *args)

    source._remembered_yaml.cache_clear()
    monkeypatch.setattr(source, "_parse_yaml", counted)
    yield texts
    source._remembered_yaml.cache_clear()


def edit_title(path: Path, title: str) -> None:
    path.write_text(path.read_text().replace("title:", f"title: {title} #", 1))


def test_a_build_after_an_edit_parses_only_the_yaml_that_changed(tmp_path, parsed_texts):
    writer = three_organisations(tmp_path / "audits")
    output = tmp_path / "output"
    build(writer.root, output, BuildOptions(pdf=False))
    assert len(parsed_texts) > 10  # the portfolio, organisations, audits, findings, stories
    finding = writer.root / "spoorweg/2026/findings/loket.md"
    edit_title(finding, "Loket met wachtrij")
    parsed_texts.clear()
    source._remembered_yaml.cache_clear()

    build(writer.root, output, BuildOptions(pdf=False))

    assert len(parsed_texts) == 1 and "Loket met wachtrij" in parsed_texts[0]
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_yaml_parsed_under_serve_stays_in_the_cache_for_the_next_command(tmp_path, parsed_texts):
    """serve takes unchanged organisations from memory, without reading their files: their
    parsed YAML is still saved, so a build from the command line after it parses no more."""
    writer = three_organisations(tmp_path / "audits")
    output, remembered = tmp_path / "output", Remembered()
    build(writer.root, output, BuildOptions(pdf=False), remembered=remembered)
    edit_title(writer.root / "postbedrijf/2026/findings/loket.md", "Eerste")
    build(writer.root, output, BuildOptions(pdf=False), remembered=remembered)
    edit_title(writer.root / "spoorweg/2026/findings/loket.md", "Tweede")
    parsed_texts.clear()
    source._remembered_yaml.cache_clear()

    build(writer.root, output, BuildOptions(pdf=False))

    assert len(parsed_texts) == 1 and "Tweede" in parsed_texts[0]


# --- what the cache holds is what a parse gives -------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    TEXT,
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


def typed(value: Any) -> Any:
    """The value with every leaf's type beside it: True is not 1, nor 1.0 the whole number 1."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def parsed_twice(text: str, folder: Path) -> tuple[Any, Any]:
    """Parsed by a build that found nothing, then by the next, from the cache it saved."""
    first = JsonCache(folder)
    fresh = parse_yaml(text, Path("bevinding.md"), [], 2, first)
    first.save()
    source._remembered_yaml.cache_clear()
    return fresh, parse_yaml(text, Path("bevinding.md"), [], 2, JsonCache(folder))


# parsed_texts is cleared for each example
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.dictionaries(TEXT, DATA, min_size=1, max_size=6))
def test_a_parse_taken_from_the_cache_equals_the_parse(data, tmp_path_factory, parsed_texts):
    text = yaml.safe_dump(data, allow_unicode=True)
    folder = tmp_path_factory.mktemp("cache")
    parsed_texts.clear()

    fresh, cached = parsed_twice(text, folder)

    assert len(parsed_texts) == 1  # the second came from the cache
    assert fresh is not None and cached is not None
    assert typed(cached[0]) == typed(fresh[0])
    assert cached[1] == fresh[1]  # the line of every key


def test_a_parse_from_the_cache_is_a_copy_each_time(tmp_path):
    text = "title: Loket\ntags: [a, b]\n"
    folder = tmp_path / "cache"
    parsed_twice(text, folder)
    cache = JsonCache(folder)
    first = parse_yaml(text, Path("f.md"), [], 2, cache)
    assert first is not None
    first[0]["tags"].append("changed by a caller")
    again = parse_yaml(text, Path("f.md"), [], 2, cache)
    assert again is not None and again[0]["tags"] == ["a", "b"]


@pytest.mark.parametrize(
    "text", ["1: een\n2: twee\n", "true: ja\n", "null: niets\n", "lijst:\n  - 3.5: x\n"]
)
def test_keys_json_would_turn_into_text_are_parsed_each_time(text, tmp_path, parsed_texts):
    fresh, cached = parsed_twice(text, tmp_path / "cache")
    assert len(parsed_texts) == 2
    assert fresh is not None and cached is not None
    assert typed(cached[0]) == typed(fresh[0])


DAMAGED = {
    "not a text": [{"title": "x"}, [["title", 2]]],
    "not JSON": '[{"title": ',
    "one part": json.dumps([{"title": "x"}]),
    "lines not a list": json.dumps([{"title": "x"}, 2]),
    "an empty line entry": json.dumps([{"title": "x"}, [[]]]),
    "a line that is text": json.dumps([{"title": "x"}, [["title", "2"]]]),
    "a key path holding a list": json.dumps([{"title": "x"}, [[["title"], 2]]]),
    "a mapping for the pair": json.dumps({"data": 1, "lines": 2}),
}


@pytest.mark.parametrize("stored", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_entry_is_parsed_again(stored, tmp_path, parsed_texts):
    text = "title: Loket\n"
    folder = tmp_path / "cache"
    parsed_twice(text, folder)
    cache_file = next(folder.iterdir())
    entries = json.loads(cache_file.read_text())
    entries = {key: [stored, []] for key in entries}
    cache_file.write_text(json.dumps(entries))
    parsed_texts.clear()

    parsed = parse_yaml(text, Path("f.md"), [], 2, JsonCache(folder))

    assert parsed == ({"title": "Loket"}, {(): 2, ("title",): 2})
    assert len(parsed_texts) == 1


def test_an_entry_that_names_a_file_is_not_taken_and_not_an_error(tmp_path, parsed_texts):
    text = "title: Loket\n"
    folder = tmp_path / "cache"
    parsed_twice(text, folder)
    cache_file = next(folder.iterdir())
    entries = json.loads(cache_file.read_text())
    stored = '[{"title": "Balie"}, [[1], ["title", 1]]]'
    cache_file.write_text(json.dumps({key: [stored, [["/etc/hosts", "ab12"]]] for key in entries}))
    parsed_texts.clear()

    parsed = parse_yaml(text, Path("f.md"), [], 2, JsonCache(folder))

    assert parsed == ({"title": "Loket"}, {(): 2, ("title",): 2})
    assert len(parsed_texts) == 1


def test_yaml_with_a_problem_is_not_kept_and_its_problem_is_given_each_time(tmp_path):
    text = "title: Loket\ntitle: Balie\n"
    folder = tmp_path / "cache"
    for _ in range(2):
        cache, problems = JsonCache(folder), []
        assert parse_yaml(text, Path("f.md"), problems, 2, cache) is None
        assert [p.line for p in problems] == [3]
        cache.save()
        assert not cache.gathered()
