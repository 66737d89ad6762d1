"""A field's type is put in words in one place: the guide, validation and the export docs agree."""

from __future__ import annotations

from klantspiegel.exports.docs import column_type
from klantspiegel.exports.rows import FindingRow
from klantspiegel.load import load_portfolio, load_settings
from klantspiegel.model import AuditFields, FindingFields
from klantspiegel.schema_fields import documented_fields


def guide_words(schema: type, name: str) -> str:
    return next(doc.kind for doc in documented_fields(schema) if doc.name == name)


def test_a_validation_hint_names_the_type_in_the_guides_words(small_portfolio):
    path = small_portfolio.root / "postbedrijf/2026/audit.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("date: 2026-10-01", "date: 2026-13-45"), encoding="utf-8")
    _, problems = load_portfolio(small_portfolio.root)
    [problem] = [p for p in problems if p.severity == "error"]
    assert problem.message.endswith(f"(expected a {guide_words(AuditFields, 'date')})")


def test_an_export_column_type_is_in_the_guides_words():
    assert column_type(FindingRow.model_fields["score"]) == guide_words(FindingFields, "score")


def test_an_optional_export_column_adds_that_it_may_be_empty():
    words = guide_words(FindingFields, "impact")
    assert column_type(FindingRow.model_fields["impact"]) == f"{words}, may be empty"


def test_load_settings_reads_the_configuration_without_the_organisations(small_portfolio):
    (small_portfolio.root / "postbedrijf/organisation.yaml").write_text("name: [", encoding="utf-8")
    config, model, problems = load_settings(small_portfolio.root)
    assert (config is not None, model is not None, problems) == (True, True, [])
