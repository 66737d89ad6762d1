"""Exports: the scores as JSON (with its published schema), CSV and XLSX, holding the same rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from klantspiegel.exports import (
    TABLES,
    ExportTables,
    export_schema,
    export_tables,
    exports_markdown,
    write_exports,
)
from klantspiegel.load import load_portfolio
from klantspiegel.report import build_report, latest_scores

REPO = Path(__file__).resolve().parent.parent
DIMENSIONS = 9  # in the default scoring model


def client_tables(root: Path, audience: str = "client") -> ExportTables:
    portfolio, problems = load_portfolio(root)
    assert portfolio is not None, problems
    peers = latest_scores(portfolio)
    reports = {
        o.slug: build_report(o, portfolio, peers, audience=audience)
        for o in portfolio.organisations
    }
    return export_tables(portfolio, reports)


def exported(root: Path, target: Path) -> dict[str, Path]:
    return {p.name: p for p in write_exports(client_tables(root), target)}


def rows(tables: ExportTables, table: str, **match: Any) -> list[Any]:
    return [r for r in getattr(tables, table) if all(getattr(r, k) == v for k, v in match.items())]


@pytest.fixture
def files(small_portfolio, tmp_path) -> dict[str, Path]:
    return exported(small_portfolio.root, tmp_path / "exports")


# --- what the tables hold ------------------------------------------------------------------------


def test_each_organisation_gets_one_row_with_its_latest_audit(small_portfolio):
    [row] = client_tables(small_portfolio.root).organisations
    assert (row.organisation, row.name, row.audit, row.audit_date) == (
        "postbedrijf",
        "Postbedrijf Noord",
        "2026",
        dt.date(2026, 10, 1),
    )
    assert row.overall_index == 3.0  # mean of 2 (bereikbaarheid) and 4 (mandaat), equal weights
    assert (row.level, row.assessed_dimensions, row.findings) == (3, 2, 2)
    assert row.previous_audit_date is None and row.index_change is None


def test_every_dimension_of_the_model_gets_a_row_with_score_weight_and_observations(
    small_portfolio,
):
    tables = client_tables(small_portfolio.root)
    assert len(tables.dimension_scores) == DIMENSIONS
    [reach] = rows(tables, "dimension_scores", dimension="bereikbaarheid")
    assert (reach.score, reach.findings, reach.weight, reach.level) == (2.0, 1, 1.0, 2)
    assert reach.observations == 2  # one evidence item and one linked customer story
    assert reach.dimension_label == "Bereikbaarheid & kanalen"


def test_a_dimension_without_findings_is_empty_never_zero(small_portfolio, files):
    [row] = rows(client_tables(small_portfolio.root), "dimension_scores", dimension="sturing")
    assert (row.score, row.level, row.findings) == (None, None, 0)
    [json_row] = [r for r in json_tables(files)["dimension_scores"] if r["dimension"] == "sturing"]
    assert json_row["score"] is None
    [csv_row] = [
        r
        for r in csv.DictReader(open_csv(files, "dimension_scores"))
        if r["dimension"] == "sturing"
    ]
    assert csv_row["score"] == ""
    sheet = openpyxl.load_workbook(files["scores.xlsx"])["dimension_scores"]
    header = [c.value for c in sheet[1]]
    [xlsx_row] = [r for r in sheet.iter_rows(min_row=2, values_only=True) if "sturing" in r]
    assert xlsx_row[header.index("score")] is None


def test_draft_findings_are_neither_exported_nor_counted(small_portfolio, tmp_path):
    w = small_portfolio
    w.finding(
        "postbedrijf",
        "concept",
        title="Secret draft finding",
        dimension="sturing",
        score=5,
        status="draft",
    )
    files = exported(w.root, tmp_path / "exports")
    tables = client_tables(w.root)
    assert [f.finding for f in tables.findings] == ["centrale-lijn", "postbode-keert-terug"]
    [steering] = rows(tables, "dimension_scores", dimension="sturing")
    assert steering.score is None
    assert tables.organisations[0].findings == 2
    texts = [p.read_bytes() for p in files.values() if p.suffix != ".xlsx"]  # xlsx is zipped
    assert not any(b"Secret draft finding" in text for text in texts)
    assert not any("Secret draft finding" in str(v) for v in xlsx_values(files))


def test_internal_notes_are_never_exported(small_portfolio, tmp_path):
    small_portfolio.finding("postbedrijf", "notitie", internal="Internal remark xyz")
    files = exported(small_portfolio.root, tmp_path / "exports")
    texts = [p.read_bytes() for p in files.values() if p.suffix != ".xlsx"]
    assert not any(b"Internal remark xyz" in text for text in texts)
    assert not any("Internal remark xyz" in str(v) for v in xlsx_values(files))


def test_exports_are_refused_from_consultant_reports(small_portfolio):
    with pytest.raises(ValueError, match="client reports"):
        client_tables(small_portfolio.root, audience="consultant")


def test_a_previous_audit_gives_a_history_row_and_the_change(small_portfolio):
    w = small_portfolio
    w.audit("postbedrijf", audit="2025", date="2025-10-01")
    w.finding("postbedrijf", "oud", audit="2025", score=1)
    tables = client_tables(w.root)
    assert [(a.audit, a.latest, a.overall_index) for a in tables.audits] == [
        ("2025", False, 1.0),
        ("2026", True, 3.0),
    ]
    assert len(tables.dimension_scores) == 2 * DIMENSIONS
    [now] = rows(tables, "dimension_scores", dimension="bereikbaarheid", latest=True)
    assert (now.previous_score, now.change) == (1.0, 1.0)
    [mandate] = rows(tables, "dimension_scores", dimension="mandaat", latest=True)
    assert (mandate.previous_score, mandate.change) == (None, None)  # not assessed before
    [org] = tables.organisations
    assert (org.previous_audit_date, org.previous_index, org.index_change) == (
        dt.date(2025, 10, 1),
        1.0,
        2.0,
    )


def test_findings_carry_their_recommendation_and_priority(small_portfolio):
    [finding] = rows(client_tables(small_portfolio.root), "findings", finding="centrale-lijn")
    assert (finding.score, finding.kind, finding.impact, finding.effort) == (2, "weakness", 4, 2)
    assert (finding.priority, finding.horizon, finding.owner) == (
        "quick_win",
        "short",
        "Head of service",
    )
    assert finding.observations == 2


# --- the files agree with each other -------------------------------------------------------------


def test_the_export_writes_json_its_schema_a_csv_per_table_and_a_workbook(files):
    assert sorted(files) == sorted(
        ["scores.json", "scores.schema.json", "scores.xlsx", *(f"{t}.csv" for t in TABLES)]
    )


def test_the_workbook_matches_scores_json_cell_for_cell(files):
    assert_workbook_matches_json(files)


def test_the_workbook_has_a_sheet_per_table_with_a_bold_frozen_header(files):
    workbook = openpyxl.load_workbook(files["scores.xlsx"])
    assert workbook.sheetnames == list(TABLES)
    for sheet in workbook:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.column_dimensions["A"].width >= 8


def test_numbers_and_dates_are_typed_in_json_and_workbook(files):
    [org] = json_tables(files)["organisations"]
    assert isinstance(org["overall_index"], float) and isinstance(org["findings"], int)
    assert org["audit_date"] == "2026-10-01"
    sheet = openpyxl.load_workbook(files["scores.xlsx"])["organisations"]
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["overall_index"] == 3.0
    assert sheet.cell(2, 1 + header.index("findings")).data_type == "n"
    assert values["audit_date"] == dt.datetime(2026, 10, 1)


def test_scores_json_validates_against_the_published_schema(files):
    schema = json.loads(files["scores.schema.json"].read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert validate(json.loads(files["scores.json"].read_text()), schema, schema) == []


def test_the_schema_rejects_a_zero_score_a_text_number_and_a_missing_column(files):
    schema = export_schema()
    document = json.loads(files["scores.json"].read_text())
    document["dimension_scores"][0]["score"] = 0
    document["organisations"][0]["findings"] = "2"
    del document["findings"][0]["title"]
    errors = validate(document, schema, schema)
    assert any("dimension_scores/0/score" in e for e in errors)
    assert any("organisations/0/findings" in e for e in errors)
    assert any("findings/0: missing title" in e for e in errors)


def test_scores_json_reads_back_into_the_same_tables(small_portfolio, files):
    assert ExportTables.model_validate_json(files["scores.json"].read_bytes()) == client_tables(
        small_portfolio.root
    )


def test_every_csv_round_trips_to_the_json_values(files):
    assert_csv_matches_json(files)


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(small_portfolio, tmp_path):
    formula = '=HYPERLINK("https://example.invalid","klik")'
    small_portfolio.finding("postbedrijf", "formule", title=f"'{formula}'", score=3)
    files = exported(small_portfolio.root, tmp_path / "exports")
    [row] = [r for r in csv.DictReader(open_csv(files, "findings")) if r["finding"] == "formule"]
    assert row["title"] == "'" + formula
    workbook = openpyxl.load_workbook(files["scores.xlsx"])
    [cell] = [c for r in workbook["findings"].iter_rows() for c in r if c.value == formula]
    assert cell.data_type == "s"
    with zipfile.ZipFile(files["scores.xlsx"]) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)
    assert_csv_matches_json(files)


def test_negative_numbers_are_numbers_not_neutralised_text(small_portfolio, tmp_path):
    w = small_portfolio
    w.audit("postbedrijf", audit="2025", date="2025-10-01")
    w.finding("postbedrijf", "oud", audit="2025", score=4)
    files = exported(w.root, tmp_path / "exports")
    [row] = [
        r
        for r in csv.DictReader(open_csv(files, "dimension_scores"))
        if r["dimension"] == "bereikbaarheid" and r["latest"] == "true"
    ]
    assert row["change"] == "-2.0"


def test_two_exports_of_the_same_portfolio_are_byte_identical(small_portfolio, tmp_path):
    first = exported(small_portfolio.root, tmp_path / "first")
    second = exported(small_portfolio.root, tmp_path / "second")
    assert {n: p.read_bytes() for n, p in first.items()} == {
        n: p.read_bytes() for n, p in second.items()
    }
    # the zip entries and the document properties carry no clock time
    with zipfile.ZipFile(first["scores.xlsx"]) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    properties = openpyxl.load_workbook(first["scores.xlsx"]).properties
    assert properties.created == properties.modified == dt.datetime(2026, 10, 1)


def test_the_published_schema_and_docs_are_what_the_code_generates():
    hint = "regenerate with: python -m klantspiegel.exports"
    published = json.loads((REPO / "docs/exports.schema.json").read_text(encoding="utf-8"))
    assert published == export_schema(), hint
    assert (REPO / "docs/exports.md").read_text(encoding="utf-8") == exports_markdown(), hint


def test_the_example_portfolio_exports_all_nine_organisations(tmp_path):
    files = exported(REPO / "audits", tmp_path / "exports")
    data = json_tables(files)
    assert len(data["organisations"]) == 9
    assert len(data["dimension_scores"]) == len(data["audits"]) * DIMENSIONS
    assert len(data["findings"]) == sum(o["findings"] for o in data["organisations"])
    assert data["kpis"] and all(isinstance(k["value"], float) for k in data["kpis"])
    schema = json.loads(files["scores.schema.json"].read_text())
    assert validate(json.loads(files["scores.json"].read_text()), schema, schema) == []
    assert_workbook_matches_json(files)
    assert_csv_matches_json(files)


# --- helpers -------------------------------------------------------------------------------------


def json_tables(files: dict[str, Path]) -> dict[str, list[dict[str, Any]]]:
    document = json.loads(files["scores.json"].read_text(encoding="utf-8"))
    return {name: document[name] for name in TABLES}


def open_csv(files: dict[str, Path], table: str) -> io.StringIO:
    return io.StringIO(files[f"{table}.csv"].read_text(encoding="utf-8-sig"), newline="")


def xlsx_values(files: dict[str, Path]) -> list[Any]:
    workbook = openpyxl.load_workbook(files["scores.xlsx"])
    return [v for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row]


def assert_workbook_matches_json(files: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(files["scores.xlsx"])
    for table, json_rows in json_tables(files).items():
        sheet = list(workbook[table].iter_rows(values_only=True))
        assert list(sheet[0]) == list(TABLES[table].model_fields), table
        assert len(sheet) - 1 == len(json_rows), table
        for cells, expected in zip(sheet[1:], json_rows, strict=True):
            got = [c.date().isoformat() if isinstance(c, dt.datetime) else c for c in cells]
            assert got == list(expected.values()), table
            assert all(
                type(g) is type(e) or {type(g), type(e)} <= {int, float}
                for g, e in zip(got, expected.values(), strict=True)
                if e is not None
            )


def assert_csv_matches_json(files: dict[str, Path]) -> None:
    defs = export_schema()["$defs"]
    for table, json_rows in json_tables(files).items():
        columns = defs[TABLES[table].__name__]["properties"]
        reader = csv.reader(open_csv(files, table))
        assert next(reader) == list(columns), table
        parsed = [
            {c: csv_value(text, columns[c]) for c, text in zip(columns, line, strict=True)}
            for line in reader
        ]
        assert parsed == json_rows, table


def csv_value(text: str, schema: dict[str, Any]) -> Any:
    """Read a CSV cell back by its column's schema type (the way a BI tool would)."""
    kinds = {o.get("type") for o in schema.get("anyOf", [schema])}
    if text == "" and "null" in kinds:
        return None
    if "boolean" in kinds:
        return {"true": True, "false": False}[text]
    if "integer" in kinds:
        return int(text)
    if "number" in kinds:
        return float(text)
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return text[1:]
    return text


_TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
    "object": dict,
    "array": list,
}


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "") -> list[str]:
    """The part of JSON Schema 2020-12 that the export schema uses; returns the errors."""
    if "$ref" in schema:
        return validate(value, root["$defs"][schema["$ref"].split("/")[-1]], root, at)
    if "anyOf" in schema:
        options = [validate(value, option, root, at) for option in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{at}: no option of anyOf fits {value!r}"]
    errors = []
    kind = schema.get("type")
    if kind and (
        not isinstance(value, _TYPES[kind])
        or (isinstance(value, bool) and kind in ("integer", "number"))
    ):
        return [f"{at}: {value!r} is not {kind}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{at}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{at}: {value!r} not in {schema['enum']}")
    if schema.get("format") == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            errors.append(f"{at}: {value!r} is not a date")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{at}: {value!r} below {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{at}: {value!r} above {schema['maximum']}")
    if kind == "object":
        properties = schema.get("properties", {})
        errors += [f"{at}: missing {k}" for k in schema.get("required", []) if k not in value]
        if schema.get("additionalProperties") is False:
            errors += [f"{at}: unknown {k}" for k in value if k not in properties]
        for k, v in value.items():
            if k in properties:
                errors += validate(v, properties[k], root, f"{at}/{k}")
    if kind == "array" and "items" in schema:
        for i, item in enumerate(value):
            errors += validate(item, schema["items"], root, f"{at}/{i}")
    return errors
