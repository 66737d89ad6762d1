"""Writing the export rows as files: scores.json (with its schema), CSV and XLSX.

Nothing is computed here: each writer takes the columns and values of the row models as they
are, so every format holds the same rows, byte-identical for the same tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from klantspiegel.exports.rows import TABLES, ExportTables, Row, export_schema
from klantspiegel.writes import write_artifact

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel and LibreOffice read a CSV as UTF-8 only when it starts with the byte order mark; without
# it, Dutch Excel reads "Geïntegreerd" as Windows-1252 ("GeÃ¯ntegreerd").
CSV_BOM = "\ufeff"
# Zip entries get this fixed time so two exports of the same portfolio are byte-identical.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def write_exports(tables: ExportTables, target_dir: Path) -> list[Path]:
    """Write scores.json, scores.schema.json, one CSV per table and scores.xlsx; same bytes
    for the same tables. Returns the files written."""
    target_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "scores.json": json_bytes(tables.model_dump(mode="json")),
        "scores.schema.json": json_bytes(export_schema()),
        **{f"{name}.csv": table_csv(tables, name).encode("utf-8") for name in TABLES},
        "scores.xlsx": table_workbook(tables),
    }
    written = []
    for name, data in files.items():
        written.append(write_artifact(target_dir / name, data))
    return written


def table_rows(tables: ExportTables, name: str) -> list[list[Any]]:
    """A table as a header row then value rows (Python values: dates, None for empty)."""
    columns = list(TABLES[name].model_fields)
    rows: Sequence[Row] = getattr(tables, name)
    return [columns, *([getattr(row, c) for c in columns] for row in rows)]


def table_csv(tables: ExportTables, name: str) -> str:
    """A table as CSV (RFC 4180, after a byte order mark): empty for no value, true/false, ISO
    dates, and a leading apostrophe on text a spreadsheet would run as a formula."""
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table_rows(tables, name):
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: empty for None, true/false, ISO dates, formulas quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return repr(value)


def table_workbook(tables: ExportTables) -> bytes:
    """scores.xlsx: one sheet per table, bold frozen header with filters, typed cells.

    Every text is a text cell, so nothing is ever run as a formula. Workbook times and zip
    entry times are fixed, so the same tables give the same bytes.
    """
    from openpyxl import Workbook  # imported when used: a rebuild with no change needs none
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    for name in TABLES:
        _write_sheet(workbook.create_sheet(name), table_rows(tables, name))
    stamp = max((o.audit_date for o in tables.organisations), default=dt.date(2000, 1, 1))
    moment = dt.datetime.combine(stamp, dt.time())
    workbook.properties.creator = tables.generated_from
    workbook.properties.lastModifiedBy = tables.generated_from
    workbook.properties.title = "Klantspiegel scores"
    workbook.properties.created = workbook.properties.modified = moment
    raw = io.BytesIO()
    # ExcelWriter, not Workbook.save: save stamps the current time into docProps/core.xml
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return _fixed_zip_times(raw.getvalue())


def _write_sheet(sheet: Any, rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    widths = [len(str(c)) for c in rows[0]]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would make "=..." a formula
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, float):
                cell.number_format = "0.00"
            if r == 1:
                cell.font = bold
            widths[c - 1] = max(widths[c - 1], len(csv_cell(value)))
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _fixed_zip_times(data: bytes) -> bytes:
    """The same zip with every entry's time fixed (zipfile stamps the current time)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def json_bytes(value: Any) -> bytes:
    """A value as indented UTF-8 JSON with a final newline, as every JSON file is written."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
