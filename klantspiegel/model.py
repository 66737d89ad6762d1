"""The domain model: what a consultant writes (front matter) and what the loader makes of it.

The `*Fields` classes are the exact schema of each file; the loader validates front matter
against them, so an unknown key is an error. The domain classes extend them with what the
loader derives (slug, source file, rendered text). All are frozen: created once, never changed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

Language = Literal["nl", "en"]
LANGUAGES: tuple[Language, ...] = ("nl", "en")
Status = Literal["draft", "final"]
FindingKind = Literal["strength", "weakness"]
EvidenceType = Literal[
    "anecdote", "mystery_visit", "call", "interview", "observation", "document", "survey", "kpi"
]
Channel = Literal[
    "phone",
    "email",
    "chat",
    "web",
    "app",
    "social_media",
    "letter",
    "counter",
    "branch_visit",
    "at_home",
    "other",
]
Horizon = Literal["short", "medium", "long"]
KpiKind = Literal["result", "work", "between"]
OrganisationSize = Literal["small", "medium", "large"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _iso_date(value: object) -> object:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError("not a date")
    return dt.date.fromisoformat(value.strip())


def _hex_colour(value: str) -> str:
    if not _HEX_COLOUR.match(value):
        raise ValueError("not a colour")
    return value.lower()


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), Field(description="a date as YYYY-MM-DD")]
Score = Annotated[int, Field(ge=1, le=5, description="a whole number from 1 to 5")]
Emotion = Annotated[int, Field(ge=-2, le=2, description="a whole number from -2 to +2")]
Text = Annotated[str, Field(min_length=1)]
HexColour = Annotated[str, AfterValidator(_hex_colour), Field(description="a colour as #rrggbb")]


class Schema(BaseModel):
    """Base for every file schema: unknown keys are errors, values never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Bilingual(Schema):
    nl: Text
    en: Text

    def __getitem__(self, language: str) -> str:
        return self.en if language == "en" else self.nl


# --- portfolio.yaml -------------------------------------------------------------------------


class PortfolioConfig(Schema):
    consultancy: Text = Field(description="the consultancy's name, shown on every report")
    language: Language = Field("nl", description="default report language (nl or en)")
    scoring_model: Text = Field(
        "default", description="'default', or a YAML file relative to the portfolio folder"
    )
    accent_colour: HexColour = Field("#1d5b79", description="theme accent colour")
    logo: str | None = Field(None, description="logo image relative to the portfolio folder")
    max_file_bytes: int = Field(1_000_000, gt=0, description="largest source file accepted")


# --- the scoring model ----------------------------------------------------------------------


class Dimension(Schema):
    key: Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")]
    label: Bilingual
    description: Bilingual
    weight: float = Field(1.0, gt=0)


class Level(Schema):
    level: int = Field(ge=1)
    minimum: float
    name: Bilingual
    description: Bilingual


class ScoringModel(Schema):
    name: Bilingual
    version: str = "1"
    dimensions: list[Dimension] = Field(min_length=1)
    levels: list[Level] = Field(min_length=2)

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)


# --- organisation.yaml and audit.yaml -------------------------------------------------------


class OrganisationFields(Schema):
    name: Text = Field(description="the organisation's name as the client writes it")
    sector: Text = Field(description="sector, used for peer benchmarks (same spelling for peers)")
    size: OrganisationSize = Field(description="small, medium or large")
    language: Language | None = Field(None, description="report language; portfolio default")
    description: str = Field("", description="one or two sentences about the organisation")


class AuditFields(Schema):
    title: Text = Field(description="title of the audit report")
    date: IsoDate = Field(description="date of the report")
    auditors: list[Text] = Field(min_length=1, description="names of the auditors")
    scope: Text = Field(description="what was audited: units, channels, period")
    status: Status = Field("final", description="draft or final")


# --- findings ---------------------------------------------------------------------------------


class Evidence(Schema):
    type: EvidenceType = Field(description="kind of observation")
    description: Text = Field(description="what was observed, where and when")
    date: IsoDate | None = Field(None, description="when it was observed")


class FindingFields(Schema):
    title: Text = Field(description="one-line statement of the finding")
    dimension: Text = Field(description="key of a dimension in the scoring model")
    score: Score = Field(description="1 (reactive) to 5 (customer-driven)")
    kind: FindingKind = Field(description="strength or weakness")
    evidence: list[Evidence] = Field(default_factory=list, description="observations behind it")
    anecdotes: list[Text] = Field(
        default_factory=list, description="file names (without .md) of the customer stories"
    )
    recommendation: str = Field("", description="what the organisation should do")
    impact: Score | None = Field(None, description="expected impact of the recommendation, 1-5")
    effort: Score | None = Field(None, description="effort the recommendation takes, 1-5")
    owner: str | None = Field(None, description="who should own the action")
    horizon: Horizon | None = Field(None, description="short (0-3 months), medium, long (>12)")
    status: Status = Field("final", description="draft findings never reach a client")
    internal: str = Field("", description="internal notes; never shown to a client")


class Finding(FindingFields):
    slug: str
    source: Path
    key_lines: dict[tuple[str | int, ...], int] = Field(default_factory=dict, repr=False)
    html: str
    media: tuple[tuple[str, Path], ...] = ()  # (URL in html, image file) to copy next to pages

    @property
    def evidence_count(self) -> int:
        """Observations behind the finding: listed evidence plus linked customer stories."""
        return len(self.evidence) + len(self.anecdotes)

    @property
    def is_final(self) -> bool:
        return self.status == "final"


# --- anecdotes --------------------------------------------------------------------------------


class JourneyStep(Schema):
    touchpoint: Text = Field(description="where the customer met the organisation")
    actor: Text = Field(description="who acted: customer, agent, postman, ...")
    happened: Text = Field(description="what happened, in one or two sentences")
    emotion: Emotion = Field(description="how the customer felt: -2 (angry) to +2 (delighted)")
    moment_of_truth: bool = Field(False, description="true for a step that made or broke it")


class AnecdoteFields(Schema):
    title: Text = Field(description="short title of the customer story")
    date: IsoDate = Field(description="when it happened")
    channel: Channel = Field(description="main channel of the contact")
    customer: str = Field("", description="who the customer is, without identifying them")
    journey: list[JourneyStep] = Field(min_length=1, description="the steps, in order")
    status: Status = Field("final", description="draft stories never reach a client")
    internal: str = Field("", description="internal notes; never shown to a client")


class Anecdote(AnecdoteFields):
    slug: str
    source: Path
    key_lines: dict[tuple[str | int, ...], int] = Field(default_factory=dict, repr=False)
    html: str
    media: tuple[tuple[str, Path], ...] = ()  # (URL in html, image file) to copy next to pages


# --- KPIs and survey ----------------------------------------------------------------------------


class KpiFields(Schema):
    key: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")] = Field(
        description="a standard KPI key (nps, csat, aht, ...) or a key of your own"
    )
    name: str | None = Field(None, description="display name; standard KPIs have one")
    value: float = Field(description="measured value")
    unit: str = Field("", description="unit: %, s, min, EUR, files/day, ...")
    period: Text = Field(description="period measured, e.g. 2026-Q2")
    target: float | None = Field(None, description="target value, if any")
    source: Text = Field(description="where the figure comes from")
    kind: KpiKind | None = Field(None, description="result, work or between; standard KPIs know")
    higher_is_better: bool | None = Field(None, description="direction; standard KPIs know")


class KpiFile(Schema):
    kpis: list[KpiFields] = Field(min_length=1)


class Kpi(KpiFields):
    label: Bilingual
    kind: KpiKind
    higher_is_better: bool


class Survey(BaseModel):
    model_config = ConfigDict(frozen=True)
    source: Path
    scores: tuple[int, ...]


# --- the assembled portfolio ----------------------------------------------------------------


class Audit(AuditFields):
    slug: str
    source: Path
    findings: tuple[Finding, ...]
    anecdotes: tuple[Anecdote, ...]
    kpis: tuple[Kpi, ...]
    survey: Survey | None

    def anecdote(self, slug: str) -> Anecdote | None:
        return next((a for a in self.anecdotes if a.slug == slug), None)


class Organisation(OrganisationFields):
    slug: str
    source: Path
    report_language: Language
    audits: tuple[Audit, ...]  # oldest first

    @property
    def latest_audit(self) -> Audit:
        return self.audits[-1]

    @property
    def previous_audit(self) -> Audit | None:
        return self.audits[-2] if len(self.audits) > 1 else None


class Portfolio(BaseModel):
    model_config = ConfigDict(frozen=True)
    root: Path
    config: PortfolioConfig
    scoring_model: ScoringModel
    organisations: tuple[Organisation, ...]
