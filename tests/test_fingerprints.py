"""A fingerprint is the same for equal values and differs for different ones, however their
parts are split; a value whose repr shows no data cannot be fingerprinted."""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from markupsafe import Markup
from pydantic import BaseModel

from klantspiegel.cache import Fingerprints


@dataclass(frozen=True)
class Pair:
    first: object
    second: object


class Model(BaseModel):
    first: object = None
    second: object = None


DIFFERENT = [
    None,
    "",
    "a",
    "a\0b",
    Markup("a"),
    1,
    "1",
    1.0,
    True,
    ["a", "b"],
    ["a\0b"],
    ["a", "b\0"],
    ("a", "b"),
    [("a", "b")],
    [],
    (),
    {"a": 1},
    {"a": "1"},
    {"a=": 1},
    frozenset({"a", "b"}),
    Pair("a", "b"),
    Pair("a\0b", ""),
    Pair(["a"], "b"),
    Model(first="a", second="b"),
    Path("a/b"),
    datetime.date(2026, 11, 30),
]


def test_different_values_have_different_fingerprints():
    fingerprints = [Fingerprints().of(value) for value in DIFFERENT]
    assert len(set(fingerprints)) == len(DIFFERENT)


def test_equal_values_have_the_same_fingerprint_in_any_build():
    first, second = Fingerprints(), Fingerprints()
    for value in DIFFERENT:
        assert first.of(value) == second.of(copy.deepcopy(value))
    assert first.of({"b", "a"}) == second.of({"a", "b"})  # a set has no order of its own


def test_a_value_whose_repr_shows_no_data_is_refused():
    class Opaque:
        pass

    with pytest.raises(TypeError, match="cannot fingerprint"):
        Fingerprints().of(Pair(Opaque(), 1))
