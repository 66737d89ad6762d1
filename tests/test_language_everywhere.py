"""Everything a client sees is in its organisation's language: pages, bundle, PDF text and
metadata, the CSV attached to the PDF, and the sector's name.

One portfolio (Dutch by default) holds a Dutch and an English organisation in one sector,
named four ways (its key, its Dutch name, its English name in capitals, its key in capitals),
with two peers, so that each has a benchmark of three. What counts as a Dutch label comes from
the Dutch catalog itself: every translation that differs from its English message id.
"""

from __future__ import annotations

import csv
import html
import io
import re
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from klantspiegel.build_options import BuildOptions
from klantspiegel.cli import main
from klantspiegel.i18n import catalog
from klantspiegel.load import load_portfolio
from klantspiegel.pipeline import build
from klantspiegel.report import build_report, latest_scores

SECTORS = """\
sectors:
  post: {nl: Post en pakketbezorging, en: Postal and parcel services}
"""
NAMES = {"nl": "Post en pakketbezorging", "en": "Postal and parcel services"}
ORGANISATIONS = {"nl": "org-nl", "en": "org-en"}
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)[ds]|%%")


def labels(language: str) -> set[str]:
    """The fixed labels of a language that the other may not show: the literal parts (two
    words or more) of every Dutch translation that differs from its English id, or those ids."""
    pairs = [(i, s) for i, s in catalog("nl").messages.items() if i != s]
    texts = [s if language == "nl" else i for i, s in pairs]
    parts = (p.strip(" .,:;()/·-") for t in texts for p in PLACEHOLDER.split(t))
    return {p for p in parts if len(p.split()) >= 2}


def write_portfolio(root: Path) -> Path:
    """The portfolio of this module in `root`/audits; returns that folder."""
    audits = root / "audits"

    def write(relative: str, text: str) -> None:
        (audits / relative).parent.mkdir(parents=True, exist_ok=True)
        (audits / relative).write_text(text, encoding="utf-8")

    write("portfolio.yaml", "consultancy: Lorem Advies\nlanguage: nl\n" + SECTORS)
    spellings = {
        "org-nl": ("Post en pakketbezorging", "nl"),
        "org-en": ("post", "en"),
        "peer-a": ("POSTAL AND PARCEL SERVICES", "nl"),
        "peer-b": ("POST", "en"),
    }
    for index, (slug, (sector, language)) in enumerate(spellings.items()):
        write(
            f"{slug}/organisation.yaml",
            f"name: Lorem {slug}\nsector: {sector}\nsize: large\nlanguage: {language}\n",
        )
        write(
            f"{slug}/2026/audit.yaml",
            "title: Lorem 2026\ndate: 2026-10-01\nauditors: [Eva]\nscope: Lorem ipsum.\n",
        )
        for number, (dimension, kind) in enumerate(
            [("bereikbaarheid", "weakness"), ("mandaat", "strength")]
        ):
            write(
                f"{slug}/2026/findings/f{number}.md",
                (
                    f"---\ntitle: Lorem ipsum {number}\ndimension: {dimension}\n"
                    f"score: {2 + index % 3 + number}\nkind: {kind}\nevidence:\n"
                    "  - type: call\n    description: Lorem ipsum.\nrecommendation: Dolor sit.\n"
                    "impact: 4\neffort: 2\nowner: Lorem\nhorizon: short\n---\nLorem ipsum.\n"
                ),
            )
    return audits


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("language")
    build(write_portfolio(root), root / "output", BuildOptions(pdf=True, jobs=2))
    return root / "output"


def plain(text: str) -> str:
    """The text a reader sees: tags dropped, and scripts and styles (code, not text; the
    single-file report carries its script inline)."""
    shown = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", shown)).split())


@cache
def texts(output: Path, language: str) -> dict[str, str]:
    """Everything the organisation of a language shows, by where it is shown."""
    slug = ORGANISATIONS[language]
    pages = [
        *(output / "site" / slug).rglob("*.html"),
        *(output / "clients" / slug).rglob("*.html"),
    ]
    found = {str(p.relative_to(output)): plain(p.read_text(encoding="utf-8")) for p in pages}
    for pdf in (output / "pdf" / f"{slug}.pdf", output / "clients" / slug / f"{slug}.pdf"):
        reader = PdfReader(pdf)
        name = str(pdf.relative_to(output))
        found[name] = " ".join(
            " ".join((page.extract_text() or "").split()) for page in reader.pages
        )
        found[f"{name} metadata"] = " ".join(str(v) for v in reader.metadata.values())
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        found[f"{name} XMP"] = plain(xmp)
        for attachment, contents in reader.attachments.items():
            found[f"{name} attachment name"] = attachment
            found[f"{name} {attachment}"] = contents[0].decode("utf-8-sig")
    return found


@pytest.mark.parametrize("language", ["en", "nl"])
def test_no_label_of_the_other_language_reaches_an_organisations_outputs(output, language):
    other = {"en": "nl", "nl": "en"}[language]
    found = texts(output, language)
    assert len([name for name in found if "attachment name" in name]) == 2
    leaks = [
        (name, label) for name, text in found.items() for label in labels(other) if label in text
    ]
    assert leaks == []


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_sector_is_named_in_the_reports_language_everywhere(output, language):
    other = {"en": "nl", "nl": "en"}[language]
    found = texts(output, language)
    assert all(NAMES[other] not in text for text in found.values())
    shown = {name for name, text in found.items() if NAMES[language] in text}
    slug = ORGANISATIONS[language]
    assert {
        f"site/{slug}/index.html",
        f"clients/{slug}/index.html",
        f"pdf/{slug}.pdf metadata",
        f"pdf/{slug}.pdf XMP",
    } <= shown


def test_the_portfolio_site_and_exports_name_the_sector_in_the_portfolios_language(output):
    index = plain((output / "site" / "index.html").read_text(encoding="utf-8"))
    assert NAMES["nl"] in index and NAMES["en"] not in index
    rows = list(
        csv.DictReader(
            io.StringIO((output / "exports" / "organisations.csv").read_text(encoding="utf-8"))
        )
    )
    assert {(r["sector"], r["sector_key"]) for r in rows} == {(NAMES["nl"], "post")}


@pytest.mark.parametrize(
    ("language", "name", "header", "values"),
    [
        (
            "nl",
            "bevindingen.csv",
            ["Kenmerk", "Bevinding", "Dimensie", "Score", "Soort"],
            ("Verbeterpunt", "0-3 maanden"),
        ),
        (
            "en",
            "findings.csv",
            ["Reference", "Finding", "Dimension", "Score", "Type"],
            ("Improvement", "0-3 months"),
        ),
    ],
)
def test_the_attached_csv_is_named_headed_and_filled_in_the_reports_language(
    output, language, name, header, values
):
    slug = ORGANISATIONS[language]
    [(attachment, contents)] = PdfReader(output / "pdf" / f"{slug}.pdf").attachments.items()
    rows = list(csv.reader(io.StringIO(contents[0].decode("utf-8-sig"))))
    assert attachment == name
    assert rows[0][:5] == header
    assert set(values) <= {cell for row in rows[1:] for cell in row}


def test_peers_that_name_one_sector_differently_share_its_benchmark(tmp_path):
    portfolio, _ = load_portfolio(write_portfolio(tmp_path))
    assert {o.sector_key for o in portfolio.organisations} == {"post"}
    peers = latest_scores(portfolio)
    for organisation in portfolio.organisations:
        report = build_report(organisation, portfolio, peers, audience="client")
        assert report.benchmark is not None and report.benchmark.peer_count == 3


def test_a_sector_without_a_name_in_a_report_language_is_a_located_warning(tmp_path, capsys):
    audits = write_portfolio(tmp_path)
    (audits / "portfolio.yaml").write_text(
        "consultancy: Lorem Advies\nlanguage: nl\n"
        "sectors:\n  post: {nl: Post en pakketbezorging}\n",
        encoding="utf-8",
    )
    portfolio, problems = load_portfolio(audits)
    [warning] = [p for p in problems if p.field.startswith("sectors")]
    assert (warning.path.name, warning.line, warning.field, warning.severity) == (
        "portfolio.yaml",
        4,
        "sectors.post.en",
        "warning",
    )
    assert "org-en" in warning.message and "peer-b" in warning.message
    english = next(o for o in portfolio.organisations if o.slug == "org-en")
    assert english.sector_label["en"] == "Post en pakketbezorging"  # the name it has
    assert main(["check", "--strict", "--quiet", "--source", str(audits)]) == 1
    assert "portfolio.yaml:4: sectors.post.en:" in capsys.readouterr().err


def test_an_undeclared_sector_is_its_own_name_and_needs_no_declaration(portfolio_writer):
    w = portfolio_writer
    for slug, sector in (("noord", "Post"), ("zuid", " post ")):
        w.organisation(slug, sector=sector)
        w.audit(slug)
        w.finding(slug, "f")
    portfolio, problems = load_portfolio(w.root)
    assert [p for p in problems if p.field == "sector"] == []
    assert {o.sector_key for o in portfolio.organisations} == {"post"}
    noord = next(o for o in portfolio.organisations if o.slug == "noord")
    assert (noord.sector_label["nl"], noord.sector_label["en"]) == ("Post", "Post")


def test_an_undeclared_sector_shown_in_two_languages_is_a_located_warning(portfolio_writer):
    w = portfolio_writer
    path = w.organisation("noord", sector="Post", language="en")
    w.audit("noord")
    w.finding("noord", "f")
    _, problems = load_portfolio(w.root)
    [warning] = [p for p in problems if p.field == "sector"]
    assert (warning.path, warning.line, warning.severity) == (path, 2, "warning")
    assert "sectors:" in warning.message


def test_a_sector_that_is_not_declared_is_a_warning_with_a_suggestion(tmp_path):
    audits = write_portfolio(tmp_path)
    (audits / "org-nl" / "organisation.yaml").write_text(
        "name: Lorem\nsector: psot\nsize: large\n", encoding="utf-8"
    )
    _, problems = load_portfolio(audits)
    [warning] = [p for p in problems if p.field == "sector"]
    assert (warning.path.parent.name, warning.line, warning.severity) == ("org-nl", 2, "warning")
    assert "did you mean 'post'?" in warning.message


def test_two_sectors_that_share_a_name_are_an_error(tmp_path):
    audits = write_portfolio(tmp_path)
    (audits / "portfolio.yaml").write_text(
        "consultancy: Lorem\nsectors:\n  post: {nl: Post}\n  pakket: {nl: post}\n", encoding="utf-8"
    )
    portfolio, problems = load_portfolio(audits)
    assert portfolio is None
    [error] = [p for p in problems if p.severity == "error"]
    assert (error.line, error.field, error.severity) == (4, "sectors.pakket", "error")


def test_text_a_spreadsheet_would_run_is_quoted_in_the_attached_csv(tmp_path):
    from klantspiegel.pdf import findings_csv

    audits = write_portfolio(tmp_path)
    finding = audits / "org-en" / "2026" / "findings" / "f0.md"
    finding.write_text(finding.read_text().replace("title: Lorem ipsum 0", "title: '=1+2'"))
    portfolio, _ = load_portfolio(audits)
    english = next(o for o in portfolio.organisations if o.slug == "org-en")
    report = build_report(english, portfolio, latest_scores(portfolio), audience="client")
    rows = list(csv.reader(io.StringIO(findings_csv(report))))
    assert "'=1+2" in [row[1] for row in rows]
