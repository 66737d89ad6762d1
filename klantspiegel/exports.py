"""Exports: the portfolio's scores as tables, written as JSON (with its schema), CSV and XLSX.

`export_tables` turns the client reports into rows, the one place where the numbers are taken
from the reports; `write_exports` writes those rows as files without computing anything. The
row classes are the single definition of every column: the JSON Schema and docs/exports.md
are generated from them, so they cannot drift from what is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from klantspiegel.model import (
    Finding,
    FindingKind,
    Horizon,
    KpiKind,
    Level,
    OrganisationSize,
    Portfolio,
)
from klantspiegel.report import KpiRow, OrganisationReport
from klantspiegel.scoring import Quadrant, change_since

SCHEMA_VERSION = "1"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
DOCS_DIR = Path(__file__).resolve().parent.parent / "docs"
DIGITS = 4  # scores are means: enough decimals to recompute, without float noise
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (and so XLSX) cannot hold; removed from every text so all formats agree.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Excel and LibreOffice read a CSV as UTF-8 only when it starts with the byte order mark; without
# it, Dutch Excel reads "Geïntegreerd" as Windows-1252 ("GeÃ¯ntegreerd").
CSV_BOM = "\ufeff"
# Zip entries get this fixed time so two exports of the same portfolio are byte-identical.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

Number = float | None
ScoreMean = Annotated[float, Field(ge=1, le=5)]
ScoreValue = Annotated[int, Field(ge=1, le=5)]
NpsValue = Annotated[float, Field(ge=-100, le=100)]
Percentage = Annotated[float, Field(ge=0, le=100)]


class Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OrganisationRow(Row):
    """One row per organisation: its latest audit."""

    organisation: str = Field(description="folder name of the organisation (its web address)")
    name: str = Field(description="name of the organisation")
    sector: str = Field(description="name of its sector, in the export's language")
    sector_key: str = Field(
        description="key of its sector (in portfolio.yaml's sectors); peers share it"
    )
    size: OrganisationSize = Field(description="small, medium or large")
    language: str = Field(description="language of its reports")
    audit: str = Field(description="folder name of the latest audit")
    audit_title: str = Field(description="title of the latest audit")
    audit_date: dt.date = Field(description="date of the latest audit")
    overall_index: ScoreMean | None = Field(
        description="weighted mean of the assessed dimensions, 1-5; empty when none was assessed"
    )
    level: int | None = Field(description="maturity level reached by the overall index")
    level_name: str | None = Field(description="name of that level")
    assessed_dimensions: int = Field(description="dimensions with at least one final finding")
    findings: int = Field(description="final findings of the latest audit")
    observations: int = Field(description="observations behind those findings")
    previous_audit_date: dt.date | None = Field(description="date of the audit before, if any")
    previous_index: ScoreMean | None = Field(description="overall index of the audit before")
    index_change: Number = Field(description="overall index minus that of the audit before")
    sector_median_index: ScoreMean | None = Field(
        description="median overall index of the sector peers; empty with fewer than three"
    )
    sector_peers: int | None = Field(description="number of sector peers behind that median")
    nps: NpsValue | None = Field(description="Net Promoter Score from the survey, -100..100")
    nps_low: NpsValue | None = Field(description="lower bound of the NPS 95% interval")
    nps_high: NpsValue | None = Field(description="upper bound of the NPS 95% interval")
    survey_answers: int | None = Field(description="answers in the survey behind the NPS")
    csat: Percentage | None = Field(description="customer satisfaction: % of answers 4-5 on 1-5")
    csat_low: Percentage | None = Field(description="lower bound of the CSAT 95% interval")
    csat_high: Percentage | None = Field(description="upper bound of the CSAT 95% interval")
    ces: Annotated[float, Field(ge=1, le=7)] | None = Field(
        description="customer effort score: mean of 1-7 answers (7 very easy)")
    ces_low: Number = Field(description="lower bound of the CES 95% interval")
    ces_high: Number = Field(description="upper bound of the CES 95% interval")
    implementation_rate: Percentage | None = Field(
        description="recommendations of the audit before that are done, in % of all those it "
        "followed up except the dropped ones; empty without a follow-up"
    )


class AuditRow(Row):
    """One row per audit, oldest first: the trend of each organisation."""

    organisation: str = Field(description="folder name of the organisation")
    audit: str = Field(description="folder name of the audit")
    audit_title: str = Field(description="title of the audit")
    audit_date: dt.date = Field(description="date of the audit")
    latest: bool = Field(description="true for the organisation's latest audit")
    overall_index: ScoreMean | None = Field(
        description="weighted mean of the assessed dimensions, 1-5"
    )
    level: int | None = Field(description="maturity level reached by the overall index")
    level_name: str | None = Field(description="name of that level")
    assessed_dimensions: int = Field(description="dimensions with at least one final finding")
    findings: int = Field(description="final findings of the audit")


class DimensionScoreRow(Row):
    """One row per audit and dimension of the scoring model, assessed or not."""

    organisation: str = Field(description="folder name of the organisation")
    audit: str = Field(description="folder name of the audit")
    audit_date: dt.date = Field(description="date of the audit")
    latest: bool = Field(description="true for the organisation's latest audit")
    dimension: str = Field(description="key of the dimension in the scoring model")
    dimension_label: str = Field(description="label of the dimension")
    weight: float = Field(description="weight of the dimension in the overall index")
    score: ScoreMean | None = Field(
        description="mean score of its final findings, 1-5; empty when not assessed, never 0"
    )
    findings: int = Field(description="final findings behind the score")
    observations: int = Field(description="observations behind those findings")
    level: int | None = Field(description="maturity level reached by the score")
    level_name: str | None = Field(description="name of that level")
    previous_score: ScoreMean | None = Field(
        description="score in the audit before, if assessed there"
    )
    change: Number = Field(description="score minus that of the audit before")
    sector_median: ScoreMean | None = Field(
        description="median score of the sector peers (latest audit only; three peers or more)"
    )


class FindingRow(Row):
    """One row per final finding of each organisation's latest audit; drafts never appear."""

    organisation: str = Field(description="folder name of the organisation")
    audit: str = Field(description="folder name of the audit")
    audit_date: dt.date = Field(description="date of the audit")
    finding: str = Field(description="file name of the finding, without .md")
    title: str = Field(description="the finding in one line")
    dimension: str = Field(description="key of its dimension")
    score: ScoreValue = Field(description="score of the finding, 1-5")
    kind: FindingKind = Field(description="strength or weakness")
    observations: int = Field(description="evidence items and customer stories behind it")
    recommendation: str | None = Field(description="what the organisation should do")
    impact: ScoreValue | None = Field(description="expected impact of the recommendation, 1-5")
    effort: ScoreValue | None = Field(description="effort the recommendation takes, 1-5")
    priority: Quadrant | None = Field(description="place in the impact/effort matrix")
    horizon: Horizon | None = Field(description="short (0-3 months), medium or long (>12)")
    owner: str | None = Field(description="who should own the action")


class KpiValueRow(Row):
    """One row per KPI of each organisation's latest audit."""

    organisation: str = Field(description="folder name of the organisation")
    audit: str = Field(description="folder name of the audit")
    audit_date: dt.date = Field(description="date of the audit")
    kpi: str = Field(description="key of the KPI (nps, csat, aht, ... or the consultant's own)")
    name: str = Field(description="name of the KPI")
    kind: KpiKind = Field(description="result, work or between")
    value: float = Field(description="measured value")
    unit: str | None = Field(description="unit of the value and the target")
    period: str = Field(description="period measured")
    target: Number = Field(description="target value, if any")
    higher_is_better: bool = Field(description="direction in which the KPI improves")
    meets_target: bool | None = Field(description="whether the value meets the target")
    source: str = Field(description="where the figure comes from")


class ExportTables(Row):
    """The whole export: scores.json holds exactly this."""

    schema_version: Literal["1"] = Field(description="version of this layout")
    generated_from: str = Field(description="the consultancy whose portfolio this is")
    scoring_model: str = Field(description="name of the scoring model")
    scoring_model_version: str = Field(description="version of the scoring model")
    language: str = Field(description="language of the names: sectors, dimensions, levels")
    organisations: tuple[OrganisationRow, ...]
    audits: tuple[AuditRow, ...]
    dimension_scores: tuple[DimensionScoreRow, ...]
    findings: tuple[FindingRow, ...]
    kpis: tuple[KpiValueRow, ...]


TABLES: dict[str, type[Row]] = {
    "organisations": OrganisationRow,
    "audits": AuditRow,
    "dimension_scores": DimensionScoreRow,
    "findings": FindingRow,
    "kpis": KpiValueRow,
}


# --- the tables ------------------------------------------------------------------------------


def export_tables(
    portfolio: Portfolio, reports: Mapping[str, OrganisationReport]
) -> ExportTables:
    """Rows for every organisation from its client report, so drafts are never exported.

    `reports` maps slug -> report built with audience="client" (as the build makes them).
    Names (sectors, dimensions, levels) are in the portfolio's language, the same in every row.
    """
    if any(r.audience != "client" for r in reports.values()):
        raise ValueError("exports are made from client reports only")
    language = portfolio.config.language
    model = portfolio.scoring_model
    return ExportTables(
        schema_version=SCHEMA_VERSION,
        generated_from=_text(portfolio.config.consultancy),
        scoring_model=_text(model.name[language]),
        scoring_model_version=_text(model.version),
        language=language,
        organisations=tuple(_organisation_row(r, language) for r in reports.values()),
        audits=tuple(row for r in reports.values() for row in _audit_rows(r, language)),
        dimension_scores=tuple(
            row for r in reports.values() for row in _dimension_rows(r, language)
        ),
        findings=tuple(_finding_row(r, f) for r in reports.values() for f in r.findings),
        kpis=tuple(_kpi_row(r, k, language) for r in reports.values() for k in r.kpi_rows),
    )


def _organisation_row(report: OrganisationReport, language: str) -> OrganisationRow:
    o, audit, score = report.organisation, report.audit, report.score
    previous = report.previous_audit
    nps = report.nps
    return OrganisationRow(
        organisation=o.slug,
        name=_text(o.name),
        sector=_text(o.sector_label[language]),
        sector_key=_text(o.sector_key),
        size=o.size,
        language=o.report_language,
        audit=audit.slug,
        audit_title=_text(audit.title),
        audit_date=audit.date,
        overall_index=_number(score.index),
        level=score.level.level if score.level else None,
        level_name=_level_name(score.level, language),
        assessed_dimensions=sum(d.assessed for d in score.dimensions),
        findings=len(report.findings),
        observations=report.observation_count,
        previous_audit_date=previous.date if previous else None,
        previous_index=_number(report.previous_score.index) if report.previous_score else None,
        index_change=_number(report.change.index) if report.change else None,
        sector_median_index=_number(report.benchmark.index) if report.benchmark else None,
        sector_peers=report.benchmark.peer_count if report.benchmark else None,
        nps=_number(nps.score) if nps else None,
        nps_low=_number(nps.low) if nps else None,
        nps_high=_number(nps.high) if nps else None,
        survey_answers=nps.n if nps else None,
        **_survey_columns(report),
        implementation_rate=_number(report.follow_up.rate.rate) if report.follow_up else None,
    )


def _survey_columns(report: OrganisationReport) -> dict[str, float | None]:
    """CSAT and CES with their intervals; empty where the survey did not ask them."""
    csat, ces = (report.survey.csat, report.survey.ces) if report.survey else (None, None)
    return {
        "csat": _number(csat.score) if csat else None,
        "csat_low": _number(csat.low) if csat else None,
        "csat_high": _number(csat.high) if csat else None,
        "ces": _number(ces.score) if ces else None,
        "ces_low": _number(ces.low) if ces and ces.low is not None else None,
        "ces_high": _number(ces.high) if ces and ces.high is not None else None,
    }


def _audit_rows(report: OrganisationReport, language: str) -> list[AuditRow]:
    return [
        AuditRow(
            organisation=report.organisation.slug,
            audit=point.audit.slug,
            audit_title=_text(point.audit.title),
            audit_date=point.audit.date,
            latest=point.audit.slug == report.audit.slug,
            overall_index=_number(point.score.index),
            level=point.score.level.level if point.score.level else None,
            level_name=_level_name(point.score.level, language),
            assessed_dimensions=sum(d.assessed for d in point.score.dimensions),
            findings=sum(d.finding_count for d in point.score.dimensions),
        )
        for point in report.history
    ]


def _dimension_rows(report: OrganisationReport, language: str) -> list[DimensionScoreRow]:
    """Every dimension of every audit; the latest audit also gets the sector median."""
    rows = []
    before = None
    for point in report.history:
        latest = point.audit.slug == report.audit.slug
        change = change_since(point.score, before)
        for row, score in zip(report.dimensions, point.score.dimensions, strict=True):
            rows.append(
                DimensionScoreRow(
                    organisation=report.organisation.slug,
                    audit=point.audit.slug,
                    audit_date=point.audit.date,
                    latest=latest,
                    dimension=score.key,
                    dimension_label=_text(row.dimension.label[language]),
                    weight=row.dimension.weight,
                    score=_number(score.score),
                    findings=score.finding_count,
                    observations=score.evidence_count,
                    level=score.level.level if score.level else None,
                    level_name=_level_name(score.level, language),
                    previous_score=_number(before.dimension(score.key).score) if before else None,
                    change=_number(change.dimensions[score.key]) if change else None,
                    sector_median=_number(row.benchmark) if latest else None,
                )
            )
        before = point.score
    return rows


def _finding_row(report: OrganisationReport, finding: Finding) -> FindingRow:
    return FindingRow(
        organisation=report.organisation.slug,
        audit=report.audit.slug,
        audit_date=report.audit.date,
        finding=finding.slug,
        title=_text(finding.title),
        dimension=finding.dimension,
        score=finding.score,
        kind=finding.kind,
        observations=finding.evidence_count,
        recommendation=_optional_text(finding.recommendation),
        impact=finding.impact,
        effort=finding.effort,
        priority=report.quadrants.get(finding.slug),
        horizon=finding.horizon,
        owner=_optional_text(finding.owner),
    )


def _kpi_row(report: OrganisationReport, row: KpiRow, language: str) -> KpiValueRow:
    kpi = row.kpi
    return KpiValueRow(
        organisation=report.organisation.slug,
        audit=report.audit.slug,
        audit_date=report.audit.date,
        kpi=kpi.key,
        name=_text(kpi.label[language]),
        kind=kpi.kind,
        value=kpi.value,
        unit=_optional_text(kpi.unit),
        period=_text(kpi.period),
        target=kpi.target,
        higher_is_better=kpi.higher_is_better,
        meets_target=row.meets_target,
        source=_text(kpi.source),
    )


def _number(value: float | None) -> float | None:
    # + 0.0 turns a rounded -0.0 into 0.0
    return None if value is None else round(value, DIGITS) + 0.0


def _text(value: str) -> str:
    return _NOT_IN_XML.sub("", value)


def _optional_text(value: str | None) -> str | None:
    """Empty text is no value, the same in every format (an XLSX cell cannot hold '')."""
    return _text(value or "") or None


def _level_name(level: Level | None, language: str) -> str | None:
    return _text(level.name[language]) if level else None


# --- the files -------------------------------------------------------------------------------


def write_exports(tables: ExportTables, target_dir: Path) -> list[Path]:
    """Write scores.json, scores.schema.json, one CSV per table and scores.xlsx; same bytes
    for the same tables. Returns the files written."""
    target_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "scores.json": _json_bytes(tables.model_dump(mode="json")),
        "scores.schema.json": _json_bytes(export_schema()),
        **{f"{name}.csv": table_csv(tables, name).encode("utf-8") for name in TABLES},
        "scores.xlsx": table_workbook(tables),
    }
    written = []
    for name, data in files.items():
        path = target_dir / name
        path.write_bytes(data)
        written.append(path)
    return written


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of scores.json, generated from the row classes."""
    schema = ExportTables.model_json_schema(mode="serialization")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "Klantspiegel score export",
        **{k: v for k, v in schema.items() if k != "title"},
    }


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
    workbook.remove(workbook.active)
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


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- the published schema and its description --------------------------------------------------


def exports_markdown() -> str:
    """docs/exports.md: every table and column, from the same row classes as the schema."""
    lines = [
        "# Exports",
        "",
        "<!-- Generated by `python -m klantspiegel.exports`; edit klantspiegel/exports.py. -->",
        "",
        "A build writes the scores of every organisation to `output/exports/`: `scores.json`",
        "(checked by `scores.schema.json`, also in this folder as `exports.schema.json`), one",
        "CSV per table and `scores.xlsx` with one sheet per table. All hold the same rows.",
        "Only final findings of client reports are exported; internal notes never are.",
        "",
        "Conventions: an empty cell is no value (a dimension without findings is *not",
        f"assessed*, never 0); scores are rounded to {DIGITS} decimals; dates are ISO",
        "(`YYYY-MM-DD`; real dates in the XLSX); CSV is UTF-8 with a header row, `true`/",
        "`false` for yes/no, and text starting with `= + - @` gets a leading `'` so that a",
        "spreadsheet never runs it as a formula (the XLSX stores such text as text).",
        "Names (sectors, dimensions, levels, KPIs) are in the portfolio's language; fixed",
        "values (`kind`, `horizon`, `priority`, ...) are codes, the same in every language.",
        "",
        "**For Excel, hand over `scores.xlsx`.** Its cells are typed (numbers, dates, text), so",
        "it opens the same with Dutch, Belgian or English settings. The CSV files are for",
        "programs (pandas, R, Power BI, a database) and follow RFC 4180 whatever the locale:",
        "`,` between fields, `.` in numbers, lines ending in CRLF. Each starts with a UTF-8",
        "byte order mark, so that Excel and LibreOffice read `Geïntegreerd` as written (without",
        "it, Excel takes the file for Windows-1252); pandas and readr skip the mark, Python's",
        "`csv` module does with `encoding=\"utf-8-sig\"`. The same holds for the findings CSV",
        "attached to each PDF. Why not `;`, the list separator of Dutch Excel: Excel would then",
        "split the columns, but also read the numbers by its locale, where `.` groups",
        "thousands, so a score of `3.125` would silently become 3125; a file that opens wrongly",
        "in plain sight is safer than one that opens with wrong numbers. Why not a `sep=,`",
        "first line: Excel is known not to honour it together with the byte order mark (the",
        "text is mangled again), and every other program reads it as a row of data. To open a",
        "CSV in Excel anyway, use *Data > From Text/CSV* with delimiter *Comma* and locale",
        "*English*; LibreOffice asks in its import dialog (character set *Unicode (UTF-8)*,",
        "separator *Comma*).",
        "",
        "`scores.json` is one object: "
        + ", ".join(
            f"`{k}` ({f.description})" for k, f in ExportTables.model_fields.items()
            if k not in TABLES
        )
        + ", and one list of rows per table below.",
    ]
    properties = export_schema()["$defs"]
    for name, row in TABLES.items():
        lines += ["", f"## {name}", "", row.__doc__ or "", "", "| column | type | meaning |",
                  "|---|---|---|"]
        for column, field in row.model_fields.items():
            kind = _type_name(properties[row.__name__]["properties"][column])
            lines.append(f"| `{column}` | {kind} | {field.description} |")
    return "\n".join(lines) + "\n"


def _type_name(schema: dict[str, Any]) -> str:
    options = schema.get("anyOf", [schema])
    names = []
    for option in options:
        if "enum" in option:
            names.append(" / ".join(f"`{v}`" for v in option["enum"]))
        elif option.get("format") == "date":
            names.append("date")
        elif option.get("type") != "null":
            bounds = f" {option['minimum']}..{option['maximum']}" if "minimum" in option else ""
            names.append(option.get("type", "?") + bounds)
    return " or ".join(names) + (", may be empty" if {"type": "null"} in options else "")


def write_docs(docs_dir: Path = DOCS_DIR) -> list[Path]:
    """Write docs/exports.schema.json and docs/exports.md from the code."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    schema, markdown = docs_dir / "exports.schema.json", docs_dir / "exports.md"
    schema.write_bytes(_json_bytes(export_schema()))
    markdown.write_text(exports_markdown(), encoding="utf-8")
    return [schema, markdown]


if __name__ == "__main__":
    for path in write_docs():
        print(path)
