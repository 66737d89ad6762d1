"""The file schemas: the exact front matter and YAML of every file a consultant writes.

The loader validates each file against its `*Fields` class (or ScoringModel, KpiFile), so an
unknown key is an error; the authoring guide and the scaffolds are generated from the same
classes, each field's description and example included.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from klantspiegel.i18n import default_locale
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
    LocaleTag,
    Number,
    OrganisationSize,
    Score,
    SectorKey,
    SectorLabels,
    Status,
    Text,
    WholeNumber,
)


class Schema(BaseModel):
    """Base for every file schema: unknown keys are errors, values never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --- portfolio.yaml -------------------------------------------------------------------------


class PortfolioConfig(Schema):
    consultancy: Text = Field(
        description="the consultancy's name, shown on every report",
        examples=["Spiegelbeeld Advies"],
    )
    language: Language = Field(
        "nl",
        description="default report language: en, or a language with a catalog (nl); "
        "the locale's language when only `locale` is given",
        examples=["nl"],
    )
    locale: LocaleTag | None = Field(
        None,
        description="how dates and numbers are written (nl-NL, nl-BE, en-GB, en-US); "
        "left out: nl-NL for nl, en-GB for en",
        examples=["nl-BE"],
    )
    scoring_model: Text = Field(
        "default",
        description="'default', or a YAML file relative to the portfolio folder",
        examples=["default", "ons-model.yaml"],
    )
    accent_colour: HexColour = Field(
        "#1d5b79", description="theme accent colour", examples=["#1d5b79"]
    )
    logo: str | None = Field(
        None, description="logo image relative to the portfolio folder", examples=["logo.png"]
    )
    max_file_bytes: WholeNumber = Field(
        1_000_000, gt=0, description="largest source file accepted", examples=[1_000_000]
    )
    sectors: dict[SectorKey, SectorLabels] = Field(
        default_factory=dict,
        description="the portfolio's sectors, each a key with its name per report language; "
        "an organisation's sector names one by key or by a name, and peers share the key",
        examples=[{"post-logistiek": {"nl": "Post & logistiek", "en": "Postal and logistics"}}],
    )

    @property
    def report_locale(self) -> str:
        """The locale of the portfolio's own pages: `locale`, else its language's default."""
        return self.locale or default_locale(self.language)


# --- the scoring model ----------------------------------------------------------------------


class Dimension(Schema):
    key: Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")] = Field(
        description="short key that findings name in their dimension field",
        examples=["bereikbaarheid"],
    )
    label: Labels = Field(
        description="the dimension's name in reports",
        examples=[{"nl": "Bereikbaarheid & kanalen", "en": "Reachability & channels"}],
    )
    description: Labels = Field(
        description="the question the dimension answers",
        examples=[{"nl": "Kan een klant iemand bereiken?", "en": "Can customers reach someone?"}],
    )
    weight: Number = Field(1.0, gt=0, description="weight in the overall index", examples=[1.0])


class Level(Schema):
    level: WholeNumber = Field(
        ge=1, description="number of the level, counting up from 1", examples=[1]
    )
    minimum: Number = Field(description="lowest index that reaches this level", examples=[1.0])
    name: Labels = Field(
        description="the level's name in reports", examples=[{"nl": "Reactief", "en": "Reactive"}]
    )
    description: Labels = Field(
        description="what an organisation at this level is like",
        examples=[{"nl": "Reageert pas als een klant klaagt.", "en": "Acts only on complaints."}],
    )


class ScoringModel(Schema):
    name: Labels = Field(
        description="the model's name in reports",
        examples=[{"nl": "Ons model", "en": "Our model"}],
    )
    version: str = Field(
        "1", description="version of the model, shown with the method", examples=["1.0"]
    )
    dimensions: list[Dimension] = Field(min_length=1, description="the dimensions, in report order")
    levels: list[Level] = Field(min_length=2, description="the maturity levels, lowest first")

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)


# --- organisation.yaml and audit.yaml -------------------------------------------------------


class OrganisationFields(Schema):
    name: Text = Field(
        description="the organisation's name as the client writes it", examples=["Vlaspost"]
    )
    sector: Text = Field(
        description="a sector of portfolio.yaml (its key or one of its names), or any text; "
        "organisations of one sector are peers in benchmarks",
        examples=["post-logistiek"],
    )
    size: OrganisationSize = Field(
        description="how large the organisation is, by its number of customers and staff",
        examples=["large"],
    )
    language: Language | None = Field(
        None,
        description="report language; the locale's language, else the portfolio's, when left out",
        examples=["nl"],
    )
    locale: LocaleTag | None = Field(
        None,
        description="how the report writes dates and numbers (nl-NL, nl-BE, en-GB, en-US); "
        "left out: the portfolio's locale if in the same language, else nl-NL for nl, en-GB for en",
        examples=["nl-BE"],
    )
    description: str = Field(
        "",
        description="one or two sentences about the organisation",
        examples=["Vlaamse postoperator met postkantoren en dagelijkse uitreiking aan huis."],
    )


FollowUpStatus = Literal["done", "in_progress", "not_started", "dropped"]


class FollowUp(Schema):
    """What became of one recommendation of the previous audit, as the next audit found it."""

    recommendation: Text = Field(
        description="file name (without .md) of a finding of the previous audit that has a "
        "recommendation",
        examples=["lokale-kantoren-onbereikbaar"],
    )
    status: FollowUpStatus = Field(
        description="what became of it; dropped: the organisation chose not to carry it out "
        "(it then does not count in the implementation rate)",
        examples=["in_progress"],
    )
    comment: str = Field(
        "",
        description="what was done or why not, shown to the client",
        examples=["Een interne lijn werkt in twaalf van de dertig kantoren."],
    )


class SurveyFilter(Schema):
    """Which respondents count: those whose `column` holds one of the `keep` values."""

    column: Text = Field(description="a header of the export", examples=["Finished"])
    keep: list[str] = Field(
        min_length=1, description="the values of respondents to keep", examples=[["1", "True"]]
    )


class SurveyMapping(Schema):
    """Where an export holds its answers, when the header text does not say it plainly."""

    file: Text = Field(
        "survey.csv",
        description="the export's file name, in the audit folder",
        examples=["export-oktober.csv"],
    )
    nps: Text | None = Field(
        None,
        description="header of the 0-10 recommend question (question text or short name)",
        examples=["Q7"],
    )
    csat: Text | None = Field(
        None, description="header of the 1-5 satisfaction question", examples=["Q8"]
    )
    ces: Text | None = Field(
        None, description="header of the 1-7 'easy to handle' question", examples=["Q9"]
    )
    segments: list[Text] | None = Field(
        None,
        description="headers of columns that split respondents into groups (channel, region)",
        examples=[["Q12"]],
    )
    segment: Text | None = Field(
        None,
        description="one segment column (the same as segments with one header)",
        examples=["Kanaal"],
    )
    filter: SurveyFilter | None = Field(
        None,
        description="keep only respondents with one of these values in a column",
        examples=[{"column": "Finished", "keep": ["1", "True"]}],
    )
    min_segment_answers: WholeNumber = Field(
        30,
        ge=1,
        description="a segment with fewer answers shows 'too few answers'",
        examples=[30],
    )


class AuditFields(Schema):
    title: Text = Field(
        description="title of the audit report", examples=["Klantgerichtheidsaudit 2026"]
    )
    date: IsoDate = Field(description="date of the report", examples=["2026-10-15"])
    auditors: list[Text] = Field(
        min_length=1,
        description="names of the auditors",
        examples=[["Eva Janssens", "Tom Peeters"]],
    )
    scope: Text = Field(
        description="what was audited: units, channels, period",
        examples=["Centrale klantendienst en vier postkantoren; veldwerk in september 2026."],
    )
    dimensions: list[Text] | None = Field(
        None,
        min_length=1,
        description="keys of the dimensions this audit examined; all of them when left out",
        examples=[["bereikbaarheid", "klachten"]],
    )
    key_messages: list[KeyMessage] | None = Field(
        None,
        min_length=1,
        max_length=MAX_KEY_MESSAGES,
        description="one to three key messages for the management summary, each at most "
        f"{MAX_KEY_MESSAGE_LENGTH} characters of plain text; written from the scores when left out",
        examples=[
            [
                "Wie een probleem meldt, wordt snel en goed geholpen: het herstel werkt.",
                "Het lokale kantoor is onbereikbaar; de centrale lijn vangt alles op.",
            ]
        ],
    )
    survey: SurveyMapping | None = Field(
        None,
        description="where the survey export is and which columns hold what; only needed "
        "when the file is not survey.csv or its columns are not found by their header text",
        examples=[{"file": "export-oktober.csv", "nps": "Q7", "segments": ["Q12"]}],
    )
    status: Status = Field(
        "final", description="a draft audit is marked as a draft on the site", examples=["final"]
    )
    follow_up: list[FollowUp] = Field(
        default_factory=list,
        description="in a second or later audit: what became of each recommendation of the "
        "audit before, one entry per recommendation",
    )

    def examines(self, dimension_key: str) -> bool:
        """Whether the dimension is in the audit's scope (every dimension when none is listed)."""
        return self.dimensions is None or dimension_key in self.dimensions


# --- findings ---------------------------------------------------------------------------------


class Evidence(Schema):
    type: EvidenceType = Field(description="kind of observation", examples=["call"])
    description: Text = Field(
        description="what was observed, where and when",
        examples=["Drie testoproepen naar het kantoor, geen antwoord."],
    )
    date: IsoDate | None = Field(None, description="when it was observed", examples=["2026-09-03"])


class FindingFields(Schema):
    title: Text = Field(
        description="one-line statement of the finding",
        examples=["De centrale klantendienst lost op wat het lokale kantoor laat liggen"],
    )
    dimension: Text = Field(
        description="key of a dimension in the scoring model", examples=["bereikbaarheid"]
    )
    score: Score = Field(description="1 (reactive) to 5 (customer-driven)", examples=[2])
    kind: FindingKind = Field(
        description="strength (what works) or weakness (what to improve)", examples=["weakness"]
    )
    evidence: list[Evidence] = Field(default_factory=list, description="observations behind it")
    anecdotes: list[Text] = Field(
        default_factory=list,
        description="file names (without .md) of the customer stories",
        examples=[["gemist-pakje"]],
    )
    recommendation: str = Field(
        "",
        description="what the organisation should do",
        examples=["Geef elk kantoor een bereikbaar nummer met terugbelbelofte."],
    )
    impact: Score | None = Field(
        None, description="expected impact of the recommendation, 1-5", examples=[4]
    )
    effort: Score | None = Field(
        None, description="effort the recommendation takes, 1-5", examples=[2]
    )
    owner: str | None = Field(
        None, description="who should own the action", examples=["Hoofd klantendienst"]
    )
    horizon: Horizon | None = Field(
        None, description="short (0-3 months), medium, long (>12)", examples=["short"]
    )
    status: Status = Field(
        "final", description="draft findings never reach a client", examples=["final"]
    )
    internal: str = Field(
        "",
        description="internal notes; never shown to a client",
        examples=["Alleen voor ons team."],
    )


# --- anecdotes --------------------------------------------------------------------------------


class JourneyStep(Schema):
    touchpoint: Text = Field(
        description="where the customer met the organisation",
        examples=["Centrale klantendienst (telefoon)"],
    )
    actor: Text = Field(
        description="who acted: customer, agent, postman, ...",
        examples=["Medewerker klantendienst"],
    )
    happened: Text = Field(
        description="what happened, in one or two sentences",
        examples=["Belt de postbode op en vraagt hem terug te keren met het pakje."],
    )
    emotion: Emotion = Field(
        description="how the customer felt: -2 (angry) to +2 (delighted)", examples=[1]
    )
    moment_of_truth: bool = Field(
        False, description="true for a step that made or broke it", examples=[True]
    )


class AnecdoteFields(Schema):
    title: Text = Field(
        description="short title of the customer story", examples=["Het gemiste pakje"]
    )
    date: IsoDate = Field(description="when it happened", examples=["2026-09-17"])
    channel: Channel = Field(description="main channel of the contact", examples=["phone"])
    customer: str = Field(
        "",
        description="who the customer is, without identifying them",
        examples=["Gezin dat een pakje verwacht"],
    )
    journey: list[JourneyStep] = Field(min_length=1, description="the steps, in order")
    status: Status = Field(
        "final", description="draft stories never reach a client", examples=["final"]
    )
    internal: str = Field(
        "",
        description="internal notes; never shown to a client",
        examples=["Verhaal van de klant zelf, met toestemming."],
    )


# --- KPIs and survey ----------------------------------------------------------------------------


class KpiFields(Schema):
    key: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")] = Field(
        description="a standard KPI key (nps, csat, aht, ...) or a key of your own",
        examples=["nps"],
    )
    name: str | None = Field(
        None,
        description="display name; standard KPIs have one",
        examples=["Doorverbindingen per gesprek"],
    )
    value: Number = Field(description="measured value", examples=[-21])
    unit: str = Field("", description="unit: %, s, min, EUR, files/day, ...", examples=["%"])
    period: Text = Field(description="period measured, e.g. 2026-Q2", examples=["2026-Q2"])
    target: Number | None = Field(None, description="target value, if any", examples=[0])
    source: Text = Field(
        description="where the figure comes from", examples=["Klantenpanel Q2 (n = 1.840)"]
    )
    kind: KpiKind | None = Field(
        None, description="result, work or between; standard KPIs know", examples=["work"]
    )
    higher_is_better: bool | None = Field(
        None, description="direction; standard KPIs know", examples=[False]
    )


class KpiFile(Schema):
    kpis: list[KpiFields] = Field(min_length=1, description="the KPIs, one entry each")
