"""Both report languages: an English organisation's pages and PDF hold no Dutch fixed label,
a Dutch organisation's none in English, and dates and numbers are written the local way.

The fixed labels come from the sources of truth themselves: the Dutch message catalog (the
English message id against its Dutch translation), the scoring model (dimension and level
names, the model's name) and the standard KPIs. The portfolio is built once per module,
once with Dutch as the portfolio's default language and once with English, so both ways an
organisation gets its language (its own `language:` or the portfolio default) are covered.
Everything the test writes itself (titles, bodies, names) is neutral Latin, and is removed
from the text before the labels are looked for.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from babel.dates import get_month_names
from babel.messages.pofile import read_po
from conftest import PortfolioWriter

from klantspiegel.build_options import BuildOptions
from klantspiegel.i18n import LOCALE_DIR
from klantspiegel.pipeline import build

SCORING_MODEL = Path(__file__).parent.parent / "klantspiegel/scoring_models/default.yaml"
ORGANISATIONS = {"nl": "org-nl", "en": "org-en"}
OTHER = {"en": "nl", "nl": "en"}

# Every text the portfolio below writes, so that only fixed labels are left to count.
NEUTRAL = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "Ut enim ad minim veniam.",
    "Mollit anim id est.",
    "Velit esse cillum.",
    "Cupidatat non proident",
    "Quis nostrud",
    "Sed do eiusmod tempor.",
    "Tempor Incididunt",
    "Excepteur",
    "Magna aliqua",
    "Officia deserunt",
    "Laboris nisi",
    "Aliquip commodo",
    "Nulla Pariatur",
    "Sunt Culpa",
    "Fugiat nulla.",
    "Velit esse",
    "Lorem Ipsum",
    "Alpha Lorem",
    "Beta Ipsum",
    "Lorem",
)


# --- the portfolio --------------------------------------------------------------------------


def write_finding(
    w: PortfolioWriter,
    org: str,
    slug: str,
    audit: str = "2026",
    *,
    dimension: str = "bereikbaarheid",
    score: int = 2,
    kind: str = "weakness",
    evidence: tuple[str, ...] = ("call",),
    anecdotes: str = "",
    impact: int = 4,
    effort: int = 2,
    horizon: str = "short",
    status: str = "final",
) -> None:
    lines = "\n".join(
        f"  - type: {e}\n    description: Sed do eiusmod tempor.\n    date: 2026-02-05"
        for e in evidence
    )
    w.write(
        f"{org}/{audit}/findings/{slug}.md",
        (
            f"---\ntitle: Quis nostrud {slug}\ndimension: {dimension}\nscore: {score}\n"
            f"kind: {kind}\nevidence:\n{lines}\nanecdotes: [{anecdotes}]\n"
            f"recommendation: Ut enim ad minim veniam.\nimpact: {impact}\neffort: {effort}\n"
            f"owner: Tempor Incididunt\nhorizon: {horizon}\nstatus: {status}\n"
            f"internal: Velit esse cillum.\n---\n{NEUTRAL[0]}\n"
        ),
    )


def write_story(w: PortfolioWriter, org: str, slug: str, channel: str) -> None:
    w.write(
        f"{org}/2026/anecdotes/{slug}.md",
        (
            f"---\ntitle: Excepteur {slug}\ndate: 2026-02-14\nchannel: {channel}\n"
            "customer: Cupidatat non proident\njourney:\n"
            "  - touchpoint: Magna aliqua\n    actor: Officia deserunt\n"
            "    happened: Mollit anim id est.\n    emotion: -2\n"
            "  - touchpoint: Laboris nisi\n    actor: Aliquip commodo\n"
            "    happened: Velit esse cillum.\n    emotion: 1\n    moment_of_truth: true\n"
            f"---\n{NEUTRAL[0]}\n"
        ),
    )


KPIS = """\
kpis:
  - {key: aht, value: 412.5, unit: s, period: 2026-Q1, target: 360, source: Lorem}
  - {key: retention, value: 83.5, unit: "%", period: 2026-Q1, target: 80, source: Lorem}
  - {key: fcr, value: 61, unit: "%", period: 2026-Q1, source: Lorem}
  - {key: velit, name: Velit esse, kind: work, higher_is_better: false, value: 1234.5,
     period: 2026-Q1, source: Lorem}
"""


def write_organisation(w: PortfolioWriter, slug: str, name: str, language: str | None) -> None:
    """Two audits (a trend up and down), surveys, stories, KPIs, a draft, every evidence type."""
    w.write(
        f"{slug}/organisation.yaml",
        f"name: {name}\nsector: Lorem\nsize: large\n"
        + (f"language: {language}\n" if language else ""),
    )
    for audit in ("2025", "2026"):
        w.write(
            f"{slug}/{audit}/audit.yaml",
            f"title: Lorem {audit}\ndate: {audit}-03-01\n"
            "auditors: [Nulla Pariatur, Sunt Culpa]\nscope: Fugiat nulla.\n",
        )
    write_finding(w, slug, "vetus", audit="2025")
    write_finding(
        w, slug, "vetus-mandaat", audit="2025", dimension="mandaat", score=3, kind="strength"
    )
    write_finding(w, slug, "vetus-sturing", audit="2025", dimension="sturing", score=2)
    w.write(f"{slug}/2025/survey.csv", "score\n" + "\n".join(["9", "3", "7", "6"] * 10))
    write_story(w, slug, "alpha", "phone")
    write_story(w, slug, "beta", "counter")
    write_finding(
        w,
        slug,
        "unus",
        anecdotes="alpha",
        evidence=("call", "mystery_visit", "interview", "observation"),
    )
    write_finding(
        w,
        slug,
        "duo",
        dimension="mandaat",
        score=4,
        kind="strength",
        evidence=("document", "survey"),
        anecdotes="beta",
        impact=5,
        effort=5,
        horizon="medium",
    )
    write_finding(
        w,
        slug,
        "tres",
        dimension="houding",
        score=5,
        kind="strength",
        evidence=("kpi",),
        impact=1,
        effort=1,
        horizon="long",
    )
    write_finding(w, slug, "quattuor", dimension="sturing", score=1, impact=2, effort=5)
    write_finding(w, slug, "quinque", dimension="processen", score=3, status="draft")
    w.write(f"{slug}/2026/survey.csv", "score\n" + "\n".join(["10", "9", "8", "4"] * 12))
    w.write(f"{slug}/2026/kpis.yaml", KPIS)


def write_portfolio(root: Path, default: str) -> PortfolioWriter:
    """A Dutch and an English organisation; the one in the default language does not say so."""
    w = PortfolioWriter(root)
    w.write("portfolio.yaml", f"consultancy: Lorem Ipsum\nlanguage: {default}\n")
    write_organisation(w, "org-nl", "Alpha Lorem", None if default == "nl" else "nl")
    write_organisation(w, "org-en", "Beta Ipsum", None if default == "en" else "en")
    for peer in ("peer-a", "peer-b"):  # with them, each has three sector peers: a benchmark
        w.write(f"{peer}/organisation.yaml", f"name: Lorem {peer}\nsector: Lorem\nsize: small\n")
        w.write(
            f"{peer}/2026/audit.yaml",
            "title: Lorem\ndate: 2026-03-01\nauditors: [Nulla Pariatur]\nscope: Lorem\n",
        )
        write_finding(w, peer, "unus", score=3)
    return w


@pytest.fixture(scope="module", params=["nl", "en"], ids=["default-nl", "default-en"])
def output(request, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp(f"languages-{request.param}")
    write_portfolio(root / "audits", default=request.param)
    build(root / "audits", root / "output", BuildOptions(pdf=True, jobs=2))
    return root / "output"


# --- reading the output back ------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and the attributes read out or shown."""

    SPOKEN = ("aria-label", "title", "alt", "placeholder", "data-placeholder")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.lang: str | None = None
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def read_page(path: Path) -> VisibleText:
    page = VisibleText()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def normalise(text: str) -> str:
    """Without hyphens (a PDF hyphenates table cells), the test's own text, extra spaces."""
    text = re.sub(r"[-\u00ad\u2010]\s*", "", text)
    for neutral in sorted(NEUTRAL, key=len, reverse=True):
        text = text.replace(neutral.replace("-", ""), " ")
    return " ".join(text.split())


@dataclass(frozen=True)
class Document:
    name: str  # relative to the output folder
    text: str  # normalised


@cache
def documents(output: Path, slug: str, medium: str) -> list[Document]:
    """Every HTML page of an organisation (site and client bundle), or each of its PDFs."""
    if medium == "pdf":
        paths = [output / "pdf" / f"{slug}.pdf", output / "clients" / slug / f"{slug}.pdf"]
        texts = [pdf_text(p) for p in paths]
    else:
        paths = sorted(
            [
                *(output / "site" / slug).rglob("*.html"),
                *(output / "clients" / slug).rglob("*.html"),
            ]
        )
        texts = [" ".join(read_page(p).parts) for p in paths]
    assert paths and all(p.is_file() for p in paths)
    return [
        Document(str(p.relative_to(output)), normalise(text))
        for p, text in zip(paths, texts, strict=True)
    ]


# --- the fixed labels -------------------------------------------------------------------------


PLACEHOLDER = re.compile(r"%\(\w+\)[ds]|\{\w+\}|%%")
EDGES = " .,:;()/–·-"


def catalog_pairs() -> Iterator[tuple[str, str]]:
    """(English, Dutch) of every message in the Dutch catalog."""
    with (LOCALE_DIR / "nl/LC_MESSAGES/messages.po").open("rb") as handle:
        for message in read_po(handle, locale="nl"):
            ids, strings = message.id, message.string
            if isinstance(ids, str):
                ids, strings = (ids,), (strings,)
            yield from ((str(i), str(s)) for i, s in zip(ids, strings, strict=True) if i and s)


def model_pairs() -> Iterator[tuple[str, str]]:
    """(English, Dutch) of the scoring model's name, dimensions and levels (the standard KPIs'
    names are catalog messages)."""
    model = yaml.safe_load(SCORING_MODEL.read_text(encoding="utf-8"))
    yield model["name"]["en"], model["name"]["nl"]
    yield from ((d["label"]["en"], d["label"]["nl"]) for d in model["dimensions"])
    yield from ((v["name"]["en"], v["name"]["nl"]) for v in model["levels"])


def fragments(message: str) -> Iterator[str]:
    """The literal parts of a message, between its placeholders."""
    for part in PLACEHOLDER.split(message):
        part = part.strip(EDGES)
        if part:
            yield part


def distinctive(fragment: str) -> bool:
    """Long enough not to turn up by chance: a word of 8+ letters, or words with 8+ letters."""
    words = re.findall(r"[^\W\d_]+", fragment)
    return sum(len(w) for w in words) >= 8 and (len(words) >= 2 or len(words[0]) >= 8)


def pattern(label: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(normalise(label)) + r"(?!\w)", re.IGNORECASE)


def occurs(label: str, text: str) -> bool:
    return pattern(label).search(text) is not None


def fixed_labels() -> dict[str, list[str]]:
    """Per language, the labels that belong to it only (never written in the other language)."""
    catalog = [(en, nl) for en, nl in catalog_pairs() if en != nl]
    model = [(en, nl) for en, nl in model_pairs() if en != nl]
    every = {
        "en": " | ".join(en for en, _ in [*catalog_pairs(), *model_pairs()]),
        "nl": " | ".join(nl for _, nl in [*catalog_pairs(), *model_pairs()]),
    }
    candidates: dict[str, set[str]] = {"en": set(), "nl": set()}
    for en, nl in catalog:
        candidates["en"].update(f for f in fragments(en) if distinctive(f))
        candidates["nl"].update(f for f in fragments(nl) if distinctive(f))
    for en, nl in model:  # the model's names count however short they are
        candidates["en"].add(en)
        candidates["nl"].add(nl)
    return {
        language: sorted(
            label for label in labels if not occurs(label, normalise(every[OTHER[language]]))
        )
        for language, labels in candidates.items()
    }


LABELS = fixed_labels()
CASES = [(language, medium) for language in ("nl", "en") for medium in ("pages", "pdf")]


def test_the_fixed_labels_come_from_the_catalog_and_the_scoring_model():
    for language, names in (
        (
            "en",
            (
                "Management summary",
                "Reachability & channels",
                "Customer-driven",
                "Complaint volume",
            ),
        ),
        (
            "nl",
            (
                "Managementsamenvatting",
                "Bereikbaarheid & kanalen",
                "Klantgedreven",
                "Aantal klachten",
            ),
        ),
    ):
        assert set(names) <= set(LABELS[language])
        assert len(LABELS[language]) > 150
    # words both languages use are no evidence of either: they are left out
    for shared in ("Net Promoter Score", "Mystery call", "Portfolio", "Audit", "Sector"):
        assert shared not in LABELS["en"] + LABELS["nl"]


# --- no label of the other language -----------------------------------------------------------


@pytest.mark.parametrize(("language", "medium"), CASES)
def test_no_fixed_label_of_the_other_language(output, language, medium):
    found = [
        (doc.name, label)
        for doc in documents(output, ORGANISATIONS[language], medium)
        for label in LABELS[OTHER[language]]
        if occurs(label, doc.text)
    ]
    assert found == []


@pytest.mark.parametrize(("language", "medium"), CASES)
def test_many_fixed_labels_of_its_own_language(output, language, medium):
    text = " | ".join(doc.text for doc in documents(output, ORGANISATIONS[language], medium))
    shown = [label for label in LABELS[language] if occurs(label, text)]
    assert len(shown) >= 80, shown


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_page_declares_the_organisations_language(output, language):
    slug = ORGANISATIONS[language]
    pages = [
        *(output / "site" / slug).rglob("*.html"),
        *(output / "clients" / slug).rglob("*.html"),
    ]
    assert len(pages) > 10
    assert {str(p.relative_to(output)): read_page(p).lang for p in pages} == {
        str(p.relative_to(output)): TAGS[language] for p in pages
    }


# --- dates and numbers ------------------------------------------------------------------------


# How the test's dates and numbers read in each language's default locale, nl-NL and en-GB
# (the audit of 2026-03-01, a story of 2026-02-14, evidence of 2026-02-05 on the site, KPI
# values 412.5, 83.5 and 1234.5, the trend +0.67).
TAGS = {"nl": "nl-NL", "en": "en-GB"}
LOCAL = {
    "nl": {
        "pages": (
            "1 maart 2026",
            "14 feb 2026",
            "5 feb 2026",
            "mrt 2025",
            "412,5",
            "83,5",
            "1.234,5",
            "+0,7",
        ),
        "pdf": ("1 maart 2026", "14 februari 2026", "mrt 2025", "412,5", "83,5", "1.234,5", "+0,7"),
    },
    "en": {
        "pages": (
            "1 March 2026",
            "14 Feb 2026",
            "5 Feb 2026",
            "Mar 2025",
            "412.5",
            "83.5",
            "1,234.5",
            "+0.7",
        ),
        "pdf": ("1 March 2026", "14 February 2026", "Mar 2025", "412.5", "83.5", "1,234.5", "+0.7"),
    },
}


def month_names(language: str) -> set[str]:
    """Month names and abbreviations only this language writes."""

    def names(locale: str) -> set[str]:
        return {
            str(name).strip(".").lower()
            for width in ("wide", "abbreviated")
            for name in get_month_names(width, locale=locale).values()
        }

    return names(language) - names(OTHER[language])


@pytest.mark.parametrize(("language", "medium"), CASES)
def test_dates_and_numbers_are_written_the_local_way(output, language, medium):
    docs = documents(output, ORGANISATIONS[language], medium)
    text = " | ".join(doc.text for doc in docs)
    assert [local for local in LOCAL[language][medium] if local not in text] == []
    foreign = (*LOCAL[OTHER[language]]["pages"], *LOCAL[OTHER[language]]["pdf"])
    assert [
        f for f in foreign if re.search(r"(?<![\d.,])" + re.escape(f) + r"(?![\d.,])", text)
    ] == []


@pytest.mark.parametrize(("language", "medium"), CASES)
def test_no_month_name_of_the_other_language(output, language, medium):
    found = [
        (doc.name, month)
        for doc in documents(output, ORGANISATIONS[language], medium)
        for month in month_names(OTHER[language])
        if re.search(rf"(?<!\w){re.escape(month)}(?!\w)", doc.text, re.IGNORECASE)
    ]
    assert {"maart", "mrt", "march", "mar"} & month_names(OTHER[language])
    assert found == []


def test_an_english_pdf_writes_evidence_dates_in_the_british_order(output):
    text = " | ".join(doc.text for doc in documents(output, ORGANISATIONS["en"], "pdf"))
    assert "5 Feb 2026" in text and "Feb 5, 2026" not in text


def test_a_dutch_pdf_writes_evidence_dates_in_the_dutch_order(output):
    text = " | ".join(doc.text for doc in documents(output, ORGANISATIONS["nl"], "pdf"))
    assert "5 feb 2026" in text
