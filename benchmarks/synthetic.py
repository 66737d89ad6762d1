"""A synthetic portfolio of any size: Dutch-like text, tables, journeys, KPIs and surveys.

Deterministic for a given seed, so two runs measure the same input.
"""

from __future__ import annotations

import random
from pathlib import Path

DIMENSIONS = [
    "bereikbaarheid",
    "mandaat",
    "eigenaarschap",
    "processen",
    "houding",
    "klachten",
    "sturing",
    "leiderschap",
    "klantinzicht",
]
SECTORS = [
    "Post & logistiek",
    "Financiële dienstverlening",
    "Telecom",
    "Horeca",
    "Publieke dienstverlening",
]
WORDS = [
    "klant",
    "medewerker",
    "balie",
    "telefoon",
    "wachttijd",
    "afspraak",
    "dossier",
    "procedure",
    "klacht",
    "terugbellen",
    "leidinggevende",
    "coach",
    "vertrouwen",
    "mandaat",
    "regel",
    "uitzondering",
    "postbode",
    "pakket",
    "levering",
    "depot",
    "kantoor",
    "loket",
    "bibliotheek",
    "bank",
    "rekening",
    "spaarrente",
    "enquête",
    "tevredenheid",
    "mystery",
    "bezoek",
    "gesprek",
    "aandacht",
    "begroeting",
    "collega",
    "samenwerking",
    "verantwoordelijkheid",
    "resultaat",
    "werkvoorraad",
    "doorlooptijd",
    "afhandeling",
    "oplossing",
    "zaterdag",
    "middag",
    "ochtend",
    "snel",
    "traag",
    "vriendelijk",
    "onduidelijk",
    "duidelijk",
    "opgelost",
    "verwezen",
    "gewacht",
    "gemist",
    "geholpen",
    "beloofd",
    "nagekomen",
]
EVIDENCE = [
    "anecdote",
    "mystery_visit",
    "call",
    "interview",
    "observation",
    "document",
    "survey",
    "kpi",
]
CHANNELS = ["phone", "email", "chat", "web", "counter", "branch_visit", "at_home"]
KPI_KEYS = ["nps", "csat", "aht", "fcr", "contact_rate", "files_per_day", "backlog", "lead_time"]


def generate(
    root: Path, organisations: int = 50, findings: int = 30, anecdotes: int = 8, seed: int = 1
) -> Path:
    """Write a portfolio into root (which must not exist yet) and return root."""
    rng = random.Random(seed)
    root.mkdir(parents=True)
    (root / "portfolio.yaml").write_text("consultancy: Benchmark Advies\nlanguage: nl\n")
    for number in range(organisations):
        org = root / f"organisatie-{number:03d}"
        org.mkdir()
        (org / "organisation.yaml").write_text(
            f"name: Organisatie {number:03d} {_words(rng, 2).title()}\n"
            f"sector: {SECTORS[number % len(SECTORS)]}\nsize: medium\n"
            f"description: {_sentence(rng)}\n"
        )
        audit = org / "2026-najaar"
        (audit / "findings").mkdir(parents=True)
        (audit / "anecdotes").mkdir()
        (audit / "audit.yaml").write_text(
            "title: Audit klantgerichtheid 2026\ndate: 2026-10-01\n"
            "auditors: [Eva Janssens, Tom Peeters]\nscope: Alle kanalen, september 2026.\n"
        )
        stories = [f"verhaal-{i:02d}" for i in range(anecdotes)]
        for slug in stories:
            (audit / "anecdotes" / f"{slug}.md").write_text(_anecdote(rng))
        for i in range(findings):
            (audit / "findings" / f"bevinding-{i:02d}.md").write_text(
                _finding(rng, i, rng.sample(stories, k=min(2, len(stories))))
            )
        _kpis(rng, audit)
        answers = "\n".join(str(rng.choice(range(11))) for _ in range(80))
        (audit / "survey.csv").write_text("score\n" + answers + "\n")
    return root


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _sentence(rng: random.Random) -> str:
    return _words(rng, rng.randint(8, 18)).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def _finding(rng: random.Random, index: int, stories: list[str]) -> str:
    kind = rng.choice(["strength", "weakness"])
    table = "\n".join(
        [
            "| Kanaal | Pogingen | Geholpen |",
            "|---|---:|---:|",
            *(
                f"| {rng.choice(CHANNELS)} | {rng.randint(3, 20)} | {rng.randint(0, 3)} |"
                for _ in range(4)
            ),
        ]
    )
    evidence = "\n".join(
        f"  - type: {rng.choice(EVIDENCE)}\n    description: {_sentence(rng)}"
        for _ in range(rng.randint(1, 3))
    )
    return (
        f"---\ntitle: Bevinding {index:02d} over {_words(rng, 5)}\n"
        f"dimension: {DIMENSIONS[index % len(DIMENSIONS)]}\nscore: {rng.randint(1, 5)}\n"
        f"kind: {kind}\nevidence:\n{evidence}\nanecdotes: [{', '.join(stories)}]\n"
        f"recommendation: {_sentence(rng)}\nimpact: {rng.randint(1, 5)}\n"
        f"effort: {rng.randint(1, 5)}\nowner: Teamleider\n"
        f"horizon: {rng.choice(['short', 'medium', 'long'])}\n---\n"
        f"{_paragraph(rng)}\n\n{table}\n\n{_paragraph(rng)}\n\n"
        f"- {_sentence(rng)}\n- {_sentence(rng)}\n"
    )


def _anecdote(rng: random.Random) -> str:
    steps = "\n".join(
        f"  - touchpoint: {_words(rng, 2).capitalize()}\n"
        f"    actor: {rng.choice(WORDS).capitalize()}\n"
        f"    happened: {_sentence(rng)}\n    emotion: {rng.randint(-2, 2)}\n"
        f"    moment_of_truth: {'true' if i == 2 else 'false'}"
        for i in range(rng.randint(4, 7))
    )
    return (
        f"---\ntitle: Verhaal over {_words(rng, 4)}\ndate: 2026-09-{rng.randint(1, 28):02d}\n"
        f"channel: {rng.choice(CHANNELS)}\njourney:\n{steps}\n---\n"
        f"{_paragraph(rng)}\n\n{_paragraph(rng)}\n"
    )


def _kpis(rng: random.Random, audit: Path) -> None:
    entries = "\n".join(
        f"  - key: {key}\n    value: {rng.randint(5, 95)}\n    period: 2026-Q3\n"
        f"    target: {rng.randint(5, 95)}\n    source: Dashboard"
        for key in rng.sample(KPI_KEYS, k=5)
    )
    (audit / "kpis.yaml").write_text(f"kpis:\n{entries}\n")
