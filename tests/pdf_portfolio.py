"""A portfolio for the PDF tests: every section of the report, in Dutch and in English.

- `postbedrijf` (nl): two audits (trend), stories, KPIs, a survey in both, a draft finding,
  an internal note, a dimension left unassessed and three sector peers (so a benchmark);
- `parcelco` (en): the same shape in English, also with a benchmark;
- `koerier`, `bode` (nl): small peers in the same sector;
- `gemeente` (nl): alone in its sector (no benchmark) with 60 findings, for long tables.

`python tests/pdf_portfolio.py DIR` writes it into DIR to look at while designing.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path


class PortfolioWriter:
    """Writes the files of a portfolio under a root folder (like conftest's, self-contained)."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def organisation(self, slug: str, name: str, sector: str, language: str = "nl") -> Path:
        return self.write(
            f"{slug}/organisation.yaml",
            f"name: {name}\nsector: {sector}\nsize: large\nlanguage: {language}\n",
        )

    def audit(self, org: str, audit: str = "2026", date: str = "2026-10-01") -> Path:
        return self.write(
            f"{org}/{audit}/audit.yaml",
            f"title: Audit {audit}\ndate: {date}\nauditors: [Eva]\nscope: Everything.\n",
        )


LOGO = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="40" height="40">
  <circle cx="20" cy="20" r="18" fill="#7a2e5d"/><circle cx="20" cy="20" r="8" fill="#fff"/>
</svg>
"""

FINDING = """\
---
title: {title}
dimension: {dimension}
score: {score}
kind: {kind}
evidence:
{evidence}
anecdotes: [{anecdotes}]
recommendation: {recommendation}
{planning}status: {status}
internal: {internal}
---
{body}
"""

STORY = """\
---
title: {title}
date: 2026-05-14
channel: phone
customer: {customer}
journey:
{steps}
internal: Story note only for the team.
---
{body}
"""


def finding(w: PortfolioWriter, org: str, slug: str, audit: str = "2026", **fields) -> Path:
    values = {
        "title": f"Finding {slug}",
        "dimension": "bereikbaarheid",
        "score": 2,
        "kind": "weakness",
        "evidence": [("call", "Two test calls to the central number.", "2026-09-03")],
        "anecdotes": "",
        "recommendation": "Give the front line a direct number.",
        "impact": 4,
        "effort": 2,
        "owner": "Head of service",
        "horizon": "short",
        "status": "final",
        "internal": "",
        "body": f"The body of the finding {slug}.",
    }
    values.update(fields)
    planning = ("impact", "effort", "owner", "horizon")
    values["planning"] = "".join(
        f"{key}: {json.dumps(values[key])}\n" for key in planning if values[key] is not None
    )
    for key in ("title", "recommendation", "internal"):
        values[key] = json.dumps(values[key])
    values["evidence"] = "\n".join(
        f"  - type: {kind}\n    description: {text}" + (f"\n    date: {day}" if day else "")
        for kind, text, day in values["evidence"]
    )
    return w.write(f"{org}/{audit}/findings/{slug}.md", FINDING.format(**values))


def story(
    w: PortfolioWriter,
    org: str,
    slug: str,
    title: str,
    customer: str,
    steps: list[tuple[str, str, str, int, bool]],
    body: str,
    audit: str = "2026",
) -> Path:
    lines = []
    for touchpoint, actor, happened, emotion, moment in steps:
        lines.append(
            f"  - touchpoint: {touchpoint}\n    actor: {actor}\n"
            f"    happened: {happened}\n    emotion: {emotion}"
        )
        if moment:
            lines.append("    moment_of_truth: true")
    return w.write(
        f"{org}/{audit}/anecdotes/{slug}.md",
        STORY.format(title=title, customer=customer, steps="\n".join(lines), body=body),
    )


DUTCH_BODY = (
    "Het lokale kantoor nam tijdens onze testperiode geen enkele keer op. Klanten die een "
    "gemist pakje willen laten terugbrengen, komen zo altijd bij de centrale lijn uit, die "
    "het probleem wel oplost maar daarvoor een omweg nodig heeft.\n\n"
    "Dat kost de klant tijd en de organisatie geld: elk doorverwezen gesprek is een tweede "
    "contact dat niet nodig was. We zagen dit patroon in alle vier de regio's terug."
)
ENGLISH_BODY = (
    "The local depot did not answer once during our test period. Customers who want a missed "
    "parcel brought back always end up with the central line, which solves the problem but "
    "needs a detour to do so.\n\n"
    "That costs the customer time and the organisation money: every transferred call is a "
    "second contact that was not needed. We saw the same pattern in all four regions."
)


def write_dutch_organisation(w: PortfolioWriter) -> None:
    w.organisation("postbedrijf", name="Postbedrijf Noord", sector="Post")
    w.write(
        "postbedrijf/2025/audit.yaml",
        "title: Klantgerichtheidsaudit 2025\ndate: 2025-10-01\nauditors: [Eva]\n"
        "scope: Centrale klantendienst.\n",
    )
    finding(
        w,
        "postbedrijf",
        "oud-bereik",
        audit="2025",
        score=1,
        title="Vorig jaar was het kantoor onbereikbaar",
    )
    finding(
        w,
        "postbedrijf",
        "oud-mandaat",
        audit="2025",
        dimension="mandaat",
        score=3,
        kind="strength",
        title="Vorig jaar mocht de postbode al iets",
    )
    w.write("postbedrijf/2025/survey.csv", "score\n" + "\n".join(["9", "3", "7", "6"] * 10))
    w.write(
        "postbedrijf/2025/kpis.yaml",
        "kpis:\n  - key: aht\n    value: 380\n    unit: s\n    period: 2025-Q2\n"
        "    source: Telefonie\n",
    )
    w.write(
        "postbedrijf/2026/audit.yaml",
        "title: Klantgerichtheidsaudit 2026\ndate: 2026-10-01\nauditors: [Eva, Tom]\n"
        "scope: Centrale klantendienst, vier kantoren en de uitreiking aan huis.\n",
    )
    story(
        w,
        "postbedrijf",
        "gemist-pakje",
        "Het gemiste pakje",
        "Gezin dat op een pakje wacht",
        [
            ("Voordeur", "Postbode", "Belt één keer aan en vertrekt meteen.", -1, False),
            ("Lokaal kantoor", "Klant", "Belt drie keer, niemand neemt op.", -2, False),
            (
                "Centrale lijn",
                "Medewerker",
                "Laat de postbode binnen vijf minuten terugkomen.",
                2,
                True,
            ),
        ],
        "Een gezin miste een pakje terwijl het gewoon thuis was.",
    )
    story(
        w,
        "postbedrijf",
        "aangetekend",
        "De aangetekende brief om zeven uur",
        "Zelfstandige ondernemer",
        [
            ("Personeelsingang", "Loketbediende", "Geeft de brief om zeven uur af.", 2, True),
            ("Loket", "Klant", "Bedankt de bediende.", 1, False),
        ],
        "Een ondernemer kreeg zijn brief vroeg via de personeelsingang.",
    )
    finding(
        w,
        "postbedrijf",
        "centrale-lijn",
        title="Het lokale kantoor is telefonisch onbereikbaar, de centrale lijn lost het op",
        anecdotes="gemist-pakje",
        evidence=[
            ("call", "Drie testoproepen naar het kantoor, geen antwoord.", "2026-09-03"),
            ("mystery_visit", "Bezoek aan het kantoor in de binnenstad.", None),
            ("interview", "Gesprek met de teamleider klantendienst.", "2026-09-10"),
        ],
        body=DUTCH_BODY,
        owner="Hoofd klantendienst",
        recommendation="Geef elk kantoor een bereikbaar nummer met terugbelbelofte.",
    )
    finding(
        w,
        "postbedrijf",
        "postbode-keert-terug",
        dimension="mandaat",
        score=4,
        kind="strength",
        title="De postbode mag zelf een tweede aanbieding doen",
        anecdotes="gemist-pakje",
        recommendation="",
        impact=None,
        effort=None,
        owner=None,
        horizon=None,
        evidence=[("interview", "Gesprek met twee postbodes.", "2026-09-11")],
    )
    finding(
        w,
        "postbedrijf",
        "brief-om-zeven",
        dimension="houding",
        score=5,
        kind="strength",
        title="Loketmedewerkers gaan verder dan de regel",
        anecdotes="aangetekend",
        recommendation="Maak van het voorbeeld een verhaal in de teamoverleggen.",
        impact=2,
        effort=1,
        horizon="medium",
        owner="Regiomanager",
    )
    finding(
        w,
        "postbedrijf",
        "dashboard",
        dimension="sturing",
        score=2,
        title="Het dashboard telt rondes, geen klanten",
        horizon="long",
        impact=5,
        effort=4,
        owner="Directie",
        internal="Interne notitie xyz: niet voor de klant.",
        recommendation="Stuur op klantbehoud en NPS naast de rondes per dag.",
    )
    finding(
        w,
        "postbedrijf",
        "klachten-geteld",
        dimension="klachten",
        score=3,
        title="Klachten worden netjes geteld",
        impact=2,
        effort=4,
        horizon="medium",
        recommendation="Koppel elke klacht aan een oorzaak.",
    )
    finding(
        w,
        "postbedrijf",
        "concept",
        dimension="processen",
        score=1,
        title="Geheime conceptbevinding",
        status="draft",
    )
    for key in ("eigenaarschap", "processen", "leiderschap"):
        finding(
            w,
            "postbedrijf",
            f"extra-{key}",
            dimension=key,
            score=3,
            title=f"Een bevinding over {key}",
            recommendation="",
        )
    w.write("postbedrijf/2026/survey.csv", "score\n" + "\n".join(["10", "9", "8", "4"] * 12))
    w.write(
        "postbedrijf/2026/kpis.yaml",
        """\
        kpis:
          - key: aht
            value: 412
            unit: s
            period: 2026-Q2
            target: 360
            source: Telefonieplatform
          - key: service_level
            value: 81
            unit: "%"
            period: 2026-Q2
            target: 80
            source: Telefonieplatform
          - key: retention
            value: 83.5
            unit: "%"
            period: 2026-Q2
            source: Eigen berekening
        """,
    )


def write_english_organisation(w: PortfolioWriter) -> None:
    w.organisation("parcelco", name="ParcelCo Express", sector="Post", language="en")
    w.write(
        "parcelco/2025/audit.yaml",
        "title: Customer-centricity audit 2025\ndate: 2025-04-01\nauditors: [Eva]\n"
        "scope: Central customer service.\n",
    )
    finding(w, "parcelco", "old", audit="2025", score=2, title="Last year the depot was silent")
    w.write(
        "parcelco/2026/audit.yaml",
        "title: Customer-centricity audit 2026\ndate: 2026-04-01\nauditors: [Eva]\n"
        "scope: Central customer service and two depots.\n",
    )
    story(
        w,
        "parcelco",
        "exam-folder",
        "The exam folder that stayed in the depot",
        "Training firm sending exam material",
        [
            ("Order", "Sales", "Promises Saturday delivery.", 1, False),
            ("Tracking", "Customer", "Sees the folder in the depot for two days.", -2, True),
            ("Back office", "Agent", "Refunds the full amount.", 0, False),
        ],
        "A training firm sent an exam folder that did not arrive in time.",
    )
    finding(
        w,
        "parcelco",
        "no-complaint",
        dimension="klachten",
        score=1,
        title="A complaint can only be logged after delivery",
        anecdotes="exam-folder",
        body=ENGLISH_BODY,
        recommendation="Let agents open a complaint during the call.",
    )
    finding(
        w,
        "parcelco",
        "refund",
        dimension="klachten",
        score=4,
        kind="strength",
        title="The back office refunds generously",
        recommendation="",
    )
    finding(
        w,
        "parcelco",
        "no-calls",
        dimension="mandaat",
        score=2,
        title="Agents may not call a depot",
        horizon="medium",
        recommendation="Allow agents to call depots directly.",
    )
    w.write("parcelco/2026/survey.csv", "score\n" + "\n".join(["9", "8", "5"] * 20))
    w.write(
        "parcelco/2026/kpis.yaml",
        "kpis:\n  - key: fcr\n    value: 44\n    unit: '%'\n    period: 2026-Q1\n"
        "    source: Sample of 200 calls\n",
    )


def write_peer(w: PortfolioWriter, slug: str, name: str, score: int) -> None:
    w.organisation(slug, name=name, sector="Post")
    w.audit(slug)
    finding(w, slug, "een", score=score, title=f"Peer finding {slug}")
    finding(
        w,
        slug,
        "twee",
        dimension="mandaat",
        score=score,
        title=f"Peer strength {slug}",
        kind="strength",
    )


def write_long_organisation(w: PortfolioWriter, count: int = 60) -> None:
    w.organisation("gemeente", name="Gemeente Lindendaal", sector="Overheid")
    w.audit("gemeente")
    dimensions = ["bereikbaarheid", "mandaat", "processen", "houding", "klachten"]
    for i in range(1, count + 1):
        finding(
            w,
            "gemeente",
            f"bevinding-{i:02d}",
            dimension=dimensions[i % 5],
            score=1 + i % 5,
            kind="strength" if i % 5 >= 3 else "weakness",
            title=f"Bevinding nummer {i:02d} over de dienstverlening aan het loket",
            impact=1 + i % 5,
            effort=1 + (i * 3) % 5,
            horizon=("short", "medium", "long")[i % 3],
            recommendation=f"Aanbeveling {i:02d}: maak de afspraak zichtbaar voor de klant.",
        )


def write_pdf_portfolio(root: Path) -> PortfolioWriter:
    w = PortfolioWriter(root)
    w.write(
        "portfolio.yaml",
        "consultancy: Spiegel & Co Advies\nlanguage: nl\naccent_colour: '#7a2e5d'\n"
        "logo: logo.svg\n",
    )
    w.write("logo.svg", LOGO)
    write_dutch_organisation(w)
    write_english_organisation(w)
    write_peer(w, "koerier", "Koerier Zuid", 3)
    write_peer(w, "bode", "De Bode", 2)
    write_long_organisation(w)
    return w


if __name__ == "__main__":
    write_pdf_portfolio(Path(sys.argv[1]))
