"""Exports: the portfolio's scores as tables, written as JSON (with its schema), CSV and XLSX.

The parts, in the order the data flows:

- `rows`: the row models, the single definition of every column (and the JSON Schema);
- `tables`: `export_tables` turns the client reports into rows, the one place where the
  numbers are taken from the reports;
- `files`: `write_exports` writes those rows as files without computing anything;
- `docs`: docs/exports.md and docs/exports.schema.json, generated from the row models.
"""

from klantspiegel.exports.docs import exports_markdown, write_docs
from klantspiegel.exports.files import (
    CSV_BOM,
    FORMULA_STARTS,
    csv_cell,
    table_csv,
    table_rows,
    table_workbook,
    write_exports,
)
from klantspiegel.exports.rows import SCHEMA_VERSION, TABLES, ExportTables, Row, export_schema
from klantspiegel.exports.tables import DIGITS, export_tables

__all__ = [
    "CSV_BOM",
    "DIGITS",
    "FORMULA_STARTS",
    "SCHEMA_VERSION",
    "TABLES",
    "ExportTables",
    "Row",
    "csv_cell",
    "export_schema",
    "export_tables",
    "exports_markdown",
    "table_csv",
    "table_rows",
    "table_workbook",
    "write_docs",
    "write_exports",
]
