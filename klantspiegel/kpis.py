"""KPIs: the standard KPI catalogue, NPS with its interval, and the result/work balance."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from klantspiegel.i18n import N_, Translator, available_languages
from klantspiegel.model import Kpi, KpiKind, Labels

Z_95 = 1.96


@dataclass(frozen=True)
class KpiDefinition:
    """A standard KPI: its English name (a message id the catalogs translate) and nature."""

    name: str
    kind: KpiKind
    higher_is_better: bool


# Result KPIs measure what the customer gets; work KPIs measure how busy the organisation is
# (DOMAIN.md, story 004). First contact resolution sits between the two.
STANDARD_KPIS: dict[str, KpiDefinition] = {
    "nps": KpiDefinition(N_("Net Promoter Score"), "result", True),
    "csat": KpiDefinition(N_("Customer satisfaction (CSAT)"), "result", True),
    "ces": KpiDefinition(N_("Customer effort score (CES)"), "result", True),
    "retention": KpiDefinition(N_("Retention"), "result", True),
    "churn": KpiDefinition(N_("Churn"), "result", False),
    "complaint_volume": KpiDefinition(N_("Complaint volume"), "result", False),
    "cost_to_serve": KpiDefinition(N_("Cost to serve"), "result", False),
    "upsell_value": KpiDefinition(N_("Upsell value"), "result", True),
    "fcr": KpiDefinition(N_("First contact resolution (FCR)"), "between", True),
    "aht": KpiDefinition(N_("Average handle time (AHT)"), "work", False),
    "contact_rate": KpiDefinition(N_("Contact rate"), "work", False),
    "speed_of_answer": KpiDefinition(N_("Speed of answer"), "work", False),
    "service_level": KpiDefinition(N_("Service level"), "work", True),
    "files_per_day": KpiDefinition(N_("Files per day"), "work", True),
    "backlog": KpiDefinition(N_("Backlog"), "work", False),
    "first_time_right": KpiDefinition(N_("First time right"), "work", True),
    "lead_time": KpiDefinition(N_("Lead time"), "work", False),
}


def standard_label(key: str) -> Labels:
    """A standard KPI's name in every report language, from the message catalogs."""
    name = STANDARD_KPIS[key].name
    return Labels(
        {language: Translator(language).gettext(name) for language in available_languages()}
    )


@dataclass(frozen=True)
class NpsResult:
    """NPS from raw 0-10 answers, with the adjusted-Wald 95% interval (both on -100..100)."""

    n: int
    promoters: int
    passives: int
    detractors: int
    score: float
    low: float
    high: float
    standard_error: float

    @property
    def margin(self) -> float:
        """Half the width of the 95% interval, in NPS points."""
        return (self.high - self.low) / 2


def net_promoter_score(answers: Sequence[int]) -> NpsResult | None:
    """NPS = 100 x (promoters - detractors) / n; None without answers.

    The interval uses the adjusted-Wald form (add 3 to n and 0.75 to both counts), the most
    accurate for small samples; it is clipped to the scale.
    """
    n = len(answers)
    if n == 0:
        return None
    promoters = sum(1 for a in answers if a >= 9)
    detractors = sum(1 for a in answers if a <= 6)
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = p - d
    standard_error = math.sqrt((p + d - centre**2) / n_adj)
    return NpsResult(
        n=n,
        promoters=promoters,
        passives=n - promoters - detractors,
        detractors=detractors,
        score=100 * (promoters - detractors) / n,
        low=max(-100.0, 100 * (centre - Z_95 * standard_error)),
        high=min(100.0, 100 * (centre + Z_95 * standard_error)),
        standard_error=100 * standard_error,
    )


def nps_differs(first: NpsResult, second: NpsResult) -> bool:
    """Whether two surveys differ significantly (95%): gap > 1.96 x sqrt(SE1^2 + SE2^2)."""
    gap = abs(first.score - second.score)
    return gap > Z_95 * math.hypot(first.standard_error, second.standard_error)


@dataclass(frozen=True)
class KpiBalance:
    result: int
    work: int
    between: int

    @property
    def total(self) -> int:
        return self.result + self.work + self.between

    @property
    def result_share(self) -> float | None:
        """Share of result KPIs among all KPIs (0..1); None when there are no KPIs."""
        return self.result / self.total if self.total else None

    @property
    def only_work(self) -> bool:
        """A dashboard without a single result KPI: a finding in itself (story 004)."""
        return self.total > 0 and self.result == 0


def kpi_balance(kpis: Iterable[Kpi]) -> KpiBalance:
    kinds = [k.kind for k in kpis]
    return KpiBalance(kinds.count("result"), kinds.count("work"), kinds.count("between"))


def meets_target(kpi: Kpi) -> bool | None:
    """Whether the KPI meets its target in the right direction; None without a target."""
    if kpi.target is None:
        return None
    return kpi.value >= kpi.target if kpi.higher_is_better else kpi.value <= kpi.target


def target_wording(kpi: Kpi) -> str:
    """How the KPI stands against its target, in the direction of `higher_is_better` (the one
    rule for site and PDF): "On target", "Below target" when higher is better, "Above target"
    when lower is better, "No target". An English message id, for the catalogs."""
    met = meets_target(kpi)
    if met is None:
        return N_("No target")
    if met:
        return N_("On target")
    return N_("Below target") if kpi.higher_is_better else N_("Above target")
