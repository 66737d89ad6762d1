"""The export's row models: every column of every table, with its type and meaning.

These classes are the single definition of the export: the writers take their columns from
them, and the JSON Schema and docs/exports.md are generated from them, so neither can drift
from what is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from klantspiegel.model import FindingKind, Horizon, KpiKind, OrganisationSize
from klantspiegel.scoring import Quadrant

SCHEMA_VERSION = "1"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

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
        description="customer effort score: mean of 1-7 answers (7 very easy)"
    )
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


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of scores.json, generated from the row classes."""
    schema = ExportTables.model_json_schema(mode="serialization")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "Klantspiegel score export",
        **{k: v for k, v in schema.items() if k != "title"},
    }
