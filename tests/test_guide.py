"""The authoring guide is generated from the schemas, so it documents every field there is."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from pydantic import BaseModel

from klantspiegel import model
from klantspiegel import schemas as model_schemas
from klantspiegel.guide import (
    FILE_KINDS,
    GUIDE_PATH,
    SCORING_MODEL_PARTS,
    FileKind,
    main,
    render_guide,
)
from klantspiegel.model import Schema
from klantspiegel.scaffold import placeholder
from klantspiegel.schema_fields import ITEM_NAMES, UndocumentedField, documented_fields

DOCUMENTED: list[type[BaseModel]] = [
    *(kind.model for kind in FILE_KINDS),
    *(part for kind in FILE_KINDS for part in kind.parts),
    *SCORING_MODEL_PARTS,
]


def _sections(text: str) -> dict[str, str]:
    """Guide text by heading, each section up to the next heading."""
    parts = re.split(r"^#{2,3} (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_committed_guide_is_the_generated_one():
    assert GUIDE_PATH.read_text(encoding="utf-8") == render_guide(), (
        "docs/authoring.md is out of date: run python -m klantspiegel.guide"
    )


def test_every_fields_schema_has_a_section_in_the_guide():
    schemas = {cls for name, cls in vars(model_schemas).items() if name.endswith("Fields")}
    assert schemas <= set(DOCUMENTED)


@pytest.mark.parametrize("kind", FILE_KINDS, ids=lambda kind: kind.heading)
def test_every_field_of_a_file_kind_is_a_row_of_its_section(kind):
    sections = _sections(render_guide())
    tables = [(kind.model, kind.heading)]
    tables += [(part, ITEM_NAMES[part].capitalize()) for part in kind.parts]
    for schema, heading in tables:
        for name in schema.model_fields:
            assert f"| `{name}` |" in sections[heading], f"{schema.__name__}.{name}"


def test_a_field_without_a_description_stops_the_generator():
    class Undocumented(Schema):
        colour: str = "red"

    with pytest.raises(UndocumentedField, match=r"Undocumented\.colour has no description"):
        render_guide([FileKind("x.yaml", "audits/x.yaml", "A file.", Undocumented)])


def test_a_choice_lists_its_allowed_values_and_a_score_its_range():
    rows = {doc.name: doc for doc in documented_fields(model.FindingFields)}
    assert rows["kind"].kind == "one of: strength, weakness"
    assert rows["horizon"].kind == "one of: short, medium, long"
    assert rows["score"].kind == "whole number from 1 to 5"
    assert not rows["horizon"].required and rows["score"].required


def test_a_default_is_shown_with_the_field():
    text = render_guide()
    assert "| `status` | one of: draft, final | optional, default `final` |" in text
    assert "| `accent_colour` | colour as #rrggbb | optional, default `'#1d5b79'` |" in text


@pytest.mark.parametrize("schema", DOCUMENTED, ids=lambda schema: schema.__name__)
def test_every_example_in_the_guide_is_accepted_by_the_schema(schema):
    values = {d.name: placeholder(d, dt.date(2026, 5, 1)) for d in documented_fields(schema)}
    if schema is model.ScoringModel:  # a model needs two distinct levels
        values["levels"] = [
            values["levels"][0],
            {**values["levels"][0], "level": 2, "minimum": 3.0},
        ]
    schema.model_validate(values)


def test_check_fails_on_a_stale_guide_and_passes_once_written(tmp_path, capsys):
    guide = tmp_path / "authoring.md"
    guide.write_text("# An old guide\n", encoding="utf-8")
    assert main(["--check", "--output", str(guide)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["--output", str(guide)]) == 0
    assert main(["--check", "--output", str(guide)]) == 0
