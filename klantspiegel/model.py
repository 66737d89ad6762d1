"""The domain model: what a consultant writes (front matter) and what the loader makes of it.

The `*Fields` classes (schemas.py) are the exact schema of each file, built from the value
types of value_types.py; the loader validates front matter against them, so an unknown key is
an error. The domain classes here extend them with what the loader derives (slug, source file,
rendered text). All are frozen: created once, never changed.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

# The schemas and value types are named here too: the rest of the package reads the whole
# model from this one module.
from klantspiegel.schemas import (
    AnecdoteFields,
    AuditFields,
    Dimension,
    Evidence,
    FindingFields,
    FollowUp,
    FollowUpStatus,
    JourneyStep,
    KpiFields,
    KpiFile,
    Level,
    OrganisationFields,
    PortfolioConfig,
    Schema,
    ScoringModel,
    SurveyFilter,
    SurveyMapping,
)
from klantspiegel.value_types import (
    MAX_KEY_MESSAGE_LENGTH,
    MAX_KEY_MESSAGES,
    Channel,
    Emotion,
    EvidenceType,
    FindingKind,
    HexColour,
    Horizon,
    IsoDate,
    KeyMessage,
    KpiKind,
    Labels,
    Language,
    LanguageCode,
    LocaleTag,
    Number,
    OrganisationSize,
    Score,
    SectorKey,
    SectorLabels,
    Status,
    Text,
    WholeNumber,
    hex_colour,
)

__all__ = [
    "MAX_KEY_MESSAGES",
    "MAX_KEY_MESSAGE_LENGTH",
    "Anecdote",
    "AnecdoteFields",
    "Audit",
    "AuditFields",
    "Channel",
    "Dimension",
    "Emotion",
    "Evidence",
    "EvidenceType",
    "Finding",
    "FindingFields",
    "FindingKind",
    "FollowUp",
    "FollowUpStatus",
    "HexColour",
    "Horizon",
    "IsoDate",
    "JourneyStep",
    "KeyMessage",
    "Kpi",
    "KpiFields",
    "KpiFile",
    "KpiKind",
    "Labels",
    "Language",
    "LanguageCode",
    "Level",
    "LocaleTag",
    "Number",
    "Organisation",
    "OrganisationFields",
    "OrganisationSize",
    "Portfolio",
    "PortfolioConfig",
    "Schema",
    "Score",
    "ScoringModel",
    "SectorKey",
    "SectorLabels",
    "Status",
    "Survey",
    "SurveyFilter",
    "SurveyMapping",
    "Text",
    "WholeNumber",
    "hex_colour",
]


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


class Anecdote(AnecdoteFields):
    slug: str
    source: Path
    key_lines: dict[tuple[str | int, ...], int] = Field(default_factory=dict, repr=False)
    html: str
    media: tuple[tuple[str, Path], ...] = ()  # (URL in html, image file) to copy next to pages


class Kpi(KpiFields):
    label: Labels
    kind: KpiKind
    higher_is_better: bool


class Survey(BaseModel):
    """A customer survey as the audit uses it: answers only, one position per kept respondent.

    Nothing that identifies a respondent (name, e-mail, IP address, location, respondent id,
    free text) is ever read into it. Each answer tuple is empty when the survey did not ask
    the question, else as long as the survey has kept respondents; None is "not answered".
    """

    model_config = ConfigDict(frozen=True)
    source: Path
    layout: str = "plain"  # the export layout it was read as: qualtrics, surveymonkey, ...
    nps: tuple[int | None, ...] = ()  # 0-10 "how likely to recommend"
    csat: tuple[int | None, ...] = ()  # 1-5 satisfaction
    ces: tuple[int | None, ...] = ()  # 1-7 "easy to handle"
    segments: dict[str, tuple[str | None, ...]] = Field(default_factory=dict)  # label -> values
    excluded: dict[str, int] = Field(default_factory=dict)  # reason -> respondents left out
    min_segment_answers: int = 30  # a segment with fewer answers shows "too few answers"

    @property
    def scores(self) -> tuple[int, ...]:
        """The NPS answers given (0-10), in file order."""
        return tuple(a for a in self.nps if a is not None)


# --- the assembled portfolio ----------------------------------------------------------------


class Audit(AuditFields):
    slug: str
    source: Path
    key_lines: dict[tuple[str | int, ...], int] = Field(default_factory=dict, repr=False)
    findings: tuple[Finding, ...]
    anecdotes: tuple[Anecdote, ...]
    kpis: tuple[Kpi, ...]
    # What AuditFields.survey's mapping (or survey.csv) read. Pydantic lets a model redefine
    # a field; an Audit never stands in for the AuditFields of audit.yaml.
    survey: Survey | None  # type: ignore[assignment]

    def anecdote(self, slug: str) -> Anecdote | None:
        return next((a for a in self.anecdotes if a.slug == slug), None)


class Organisation(OrganisationFields):
    slug: str
    source: Path
    key_lines: dict[tuple[str | int, ...], int] = Field(default_factory=dict, repr=False)
    report_language: str  # the bare language of report_locale
    report_locale: str  # the tag its dates and numbers follow: "en-GB"
    sector_key: str  # peers share it: a key of portfolio.yaml's sectors, or the text normalised
    sector_label: Labels  # the sector's name in each report language (see `sectors`)
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
