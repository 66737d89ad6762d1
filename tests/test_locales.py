"""Any language, any locale: a report language is a catalog away, labels are given per language,
and a locale (en-GB, en-US, nl-NL, nl-BE) decides how dates and numbers are written."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from conftest import PortfolioWriter

from klantspiegel import catalogs, i18n
from klantspiegel.build_options import BuildOptions
from klantspiegel.cli import main
from klantspiegel.i18n import Translator, available_languages
from klantspiegel.kpis import standard_label
from klantspiegel.load import load_portfolio
from klantspiegel.pipeline import build

DEFAULT_MODEL = Path(__file__).parent.parent / "klantspiegel/scoring_models/default.yaml"
US_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, "
    r"\d{4}\b"
)


def model_in(languages: dict[str, str]) -> str:
    """The default scoring model with texts only in `languages`: code -> the language its
    text is copied from ("en" keeps the English text, {"fr": "en"} makes a French copy)."""
    data = yaml.safe_load(DEFAULT_MODEL.read_text(encoding="utf-8"))

    def relabel(labels: dict[str, str]) -> dict[str, str]:
        return {
            code: (labels[source] if code == source else f"[{code}] {labels[source]}")
            for code, source in languages.items()
        }

    data["name"] = relabel(data["name"])
    for part in (*data["dimensions"], *data["levels"]):
        for key in ("label", "name", "description"):
            if key in part:
                part[key] = relabel(part[key])
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def english_portfolio(w: PortfolioWriter, locale: str | None = None) -> PortfolioWriter:
    """An English portfolio with an English-only model and one organisation, `uk`."""
    w.write(
        "portfolio.yaml",
        "consultancy: Mirror Consulting\nlanguage: en\nscoring_model: model.yaml\n",
    )
    w.write("model.yaml", model_in({"en": "en"}))
    w.write(
        "uk/organisation.yaml",
        "name: Parcel Line\nsector: Post\nsize: large\n"
        + (f"locale: {locale}\n" if locale else ""),
    )
    w.audit("uk", date="2026-11-29")
    w.anecdote("uk", "missed-parcel")
    w.finding("uk", "central-line", anecdotes="missed-parcel")
    w.finding("uk", "postman-returns", dimension="mandaat", score=4, kind="strength")
    w.write(
        "uk/2026/kpis.yaml",
        "kpis:\n  - key: aht\n    value: 412.5\n    unit: s\n"
        "    period: 2026-Q3\n    source: Call platform\n",
    )
    return w


def problems_of(root: Path) -> list[str]:
    return [p.format(root) for p in load_portfolio(root)[1] if p.severity == "error"]


# --- languages are data -----------------------------------------------------------------------


@pytest.fixture
def french_catalog(tmp_path, monkeypatch) -> Path:
    """A locale folder holding a tiny French catalog (and no Dutch one)."""
    locale_dir = tmp_path / "locale"
    po = locale_dir / "fr" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Management summary"\nmsgstr "Synthèse pour la direction"\n\n'
        'msgid "Average handle time (AHT)"\nmsgstr "Durée moyenne de traitement"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale_dir)
    return locale_dir


def test_a_language_with_a_catalog_is_a_report_language(french_catalog, portfolio_writer, tmp_path):
    assert available_languages() == ("en", "fr")
    w = portfolio_writer
    w.write(
        "portfolio.yaml", "consultancy: Miroir Conseil\nlanguage: fr\nscoring_model: modele.yaml\n"
    )
    w.write("modele.yaml", model_in({"fr": "en"}))
    w.write("paris/organisation.yaml", "name: Poste Paris\nsector: Poste\nsize: large\n")
    w.audit("paris")
    w.finding("paris", "ligne-centrale")
    w.write(
        "paris/2026/kpis.yaml",
        "kpis:\n  - key: aht\n    value: 412.5\n    unit: s\n"
        "    period: 2026-Q3\n    source: Plateforme\n",
    )
    build(w.root, tmp_path / "out", BuildOptions(pdf=False, jobs=1))
    html = (tmp_path / "out/site/paris/index.html").read_text(encoding="utf-8")
    assert '<html lang="fr-FR">' in html
    assert "Synthèse pour la direction" in html and "Durée moyenne de traitement" in html
    assert "[fr] Reachability &amp; channels" in html
    assert "1 octobre 2026" in html and "412,5" in html


def test_a_language_without_a_catalog_is_an_error_that_lists_the_available_ones(portfolio_writer):
    w = portfolio_writer
    w.write("portfolio.yaml", "consultancy: Miroir Conseil\nlanguage: fr\n")
    [problem] = [p for p in problems_of(w.root) if "portfolio.yaml" in p]
    assert problem.startswith(
        "audits/portfolio.yaml:2: language: 'fr' is not a report "
        "language (available: en, nl; another needs its catalog in "
        "klantspiegel/locale/fr/LC_MESSAGES/messages.po)"
    )


# --- labels per language ----------------------------------------------------------------------


def test_an_english_only_portfolio_builds_site_and_pdf(portfolio_writer, tmp_path):
    w = english_portfolio(portfolio_writer)
    build(w.root, tmp_path / "out", BuildOptions(jobs=1))
    assert (tmp_path / "out/pdf/uk.pdf").stat().st_size > 10_000
    assert "Reachability &amp; channels" in (tmp_path / "out/site/uk/index.html").read_text()


def test_a_label_missing_in_a_language_the_reports_use_is_a_located_error(portfolio_writer):
    w = english_portfolio(portfolio_writer)
    w.organisation("dutch", language="nl")
    w.audit("dutch")
    w.finding("dutch", "een")
    problems = problems_of(w.root)
    lines = (w.root / "model.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.lstrip().startswith("label:"))
    assert (
        f"audits/model.yaml:{line}: dimensions[1].label: has no 'nl' text; this "
        "portfolio's reports use en, nl (add `nl: ...` here)"
    ) in problems
    assert not any("instance of" in p for p in problems)
    # the model's name, 9 dimensions and 5 levels, each a name and a description
    assert sum("has no 'nl' text" in p for p in problems) == 1 + 9 * 2 + 5 * 2


def test_a_label_key_must_be_a_language_code(portfolio_writer):
    w = english_portfolio(portfolio_writer)
    w.write("model.yaml", model_in({"en": "en"}).replace("name:\n  en:", "name:\n  English:", 1))
    assert any("model.yaml" in p and "name.English" in p for p in problems_of(w.root))


def test_an_english_only_portfolio_is_not_warned_about_the_dutch_catalog(
    portfolio_writer, capsys, monkeypatch
):
    monkeypatch.setattr(catalogs, "missing_translations", lambda language: [f"{language}-id"])
    w = english_portfolio(portfolio_writer)
    main(["check", "--source", str(w.root)])
    assert "nl-id" not in capsys.readouterr().err


def test_standard_kpi_names_are_translated_through_the_catalog():
    label = standard_label("aht")
    assert (label["nl"], label["en-GB"]) == (
        "Gemiddelde afhandeltijd (AHT)",
        "Average handle time (AHT)",
    )


# --- locales ----------------------------------------------------------------------------------


def test_a_translator_takes_a_language_or_a_locale():
    assert (Translator("nl").language, Translator("nl").locale) == ("nl", "nl-NL")
    assert (Translator("en").language, Translator("en").locale) == ("en", "en-GB")
    assert (Translator("en_us").language, Translator("en_us").locale) == ("en", "en-US")


def test_english_dates_are_british_by_default_and_american_for_en_us():
    day = dt.date(2026, 11, 29)
    assert Translator("en").date(day) == "29 November 2026"
    assert Translator("en-US").date(day) == "November 29, 2026"


def test_nl_be_and_nl_nl_write_short_dates_their_own_way():
    day = dt.date(2026, 3, 1)
    assert (Translator("nl-NL").date(day, "short"), Translator("nl-BE").date(day, "short")) == (
        "01-03-2026",
        "1/03/2026",
    )


def test_an_organisation_locale_sets_its_language(portfolio_writer):
    w = portfolio_writer
    w.write(
        "flanders/organisation.yaml", "name: Vlaspost\nsector: Post\nsize: large\nlocale: nl-BE\n"
    )
    w.audit("flanders")
    w.write("us/organisation.yaml", "name: US Parcel\nsector: Post\nsize: large\nlocale: en_US\n")
    w.audit("us")
    portfolio, problems = load_portfolio(w.root)
    assert portfolio is not None, problems
    found = {o.slug: (o.report_language, o.report_locale) for o in portfolio.organisations}
    assert found == {"flanders": ("nl", "nl-BE"), "us": ("en", "en-US")}


def test_an_organisation_in_the_portfolios_language_takes_the_portfolios_locale(portfolio_writer):
    w = portfolio_writer
    w.write("portfolio.yaml", "consultancy: Test Advies\nlocale: nl-BE\n")
    w.organisation("gent", language="nl")
    w.audit("gent")
    w.organisation("londen", language="en")
    w.audit("londen")
    portfolio, problems = load_portfolio(w.root)
    assert portfolio is not None, problems
    assert (portfolio.config.language, portfolio.config.report_locale) == ("nl", "nl-BE")
    assert {o.slug: o.report_locale for o in portfolio.organisations} == {
        "gent": "nl-BE",
        "londen": "en-GB",
    }


def test_a_locale_of_another_language_is_a_located_error(portfolio_writer):
    w = portfolio_writer
    w.write(
        "x/organisation.yaml", "name: X\nsector: Post\nsize: large\nlanguage: nl\nlocale: en-GB\n"
    )
    w.audit("x")
    assert (
        "audits/x/organisation.yaml:5: locale: locale 'en-GB' is not in the report "
        "language 'nl': give a locale of nl (such as nl-NL) or leave one out" in problems_of(w.root)
    )


def test_an_unknown_locale_is_a_located_error(portfolio_writer):
    w = portfolio_writer
    w.write("portfolio.yaml", "consultancy: Test Advies\nlocale: nl-XX\n")
    assert any(
        p.startswith("audits/portfolio.yaml:2: locale: 'nl-XX' is not a locale")
        for p in problems_of(w.root)
    )


# --- an en-GB report: no Dutch, no US date, anywhere ------------------------------------------


def dutch_words() -> set[str]:
    """Words of 9+ letters the Dutch catalog writes and no English message id uses."""
    path = i18n.LOCALE_DIR / "nl" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = [m for m in read_po(handle) if m.id]  # not the header

    def words(texts: object) -> set[str]:
        items = texts if isinstance(texts, tuple | list) else (texts,)
        return {w for t in items if t for w in re.findall(r"[^\W\d_]{9,}", str(t))}

    english = set().union(*(words(m.id) for m in catalog))
    return set().union(*(words(m.string) for m in catalog)) - english


@pytest.fixture(scope="module")
def british(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("british")
    w = english_portfolio(PortfolioWriter(root / "audits"), locale="en-GB")
    build(w.root, root / "out", BuildOptions(jobs=2))
    return root / "out"


def british_texts(out: Path) -> dict[str, str]:
    pages = [*(out / "site").rglob("*.html"), *(out / "clients").rglob("*.html")]
    texts = {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in pages}
    texts.update(
        {
            str(p.relative_to(out)): p.read_text(encoding="utf-8-sig")
            for p in (out / "exports").iterdir()
            if p.suffix in (".csv", ".json")
        }
    )
    texts["pdf/uk.pdf"] = subprocess.run(
        ["pdftotext", str(out / "pdf/uk.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    return texts


def test_an_en_gb_report_has_no_dutch_anywhere(british):
    dutch = dutch_words()
    assert {"Managementsamenvatting", "Aanbevelingen"} <= dutch
    found = {
        (name, w)
        for name, text in british_texts(british).items()
        for w in dutch
        if re.search(rf"\b{w}\b", text)
    }
    assert found == set()


def test_an_en_gb_report_has_no_us_date_anywhere(british):
    texts = british_texts(british)
    assert "29 November 2026" in texts["pdf/uk.pdf"]
    assert {
        name: US_DATE.findall(text) for name, text in texts.items() if US_DATE.search(text)
    } == {}


def test_an_en_gb_report_declares_its_locale_in_html_and_pdf(british):
    from pypdf import PdfReader

    assert '<html lang="en-GB">' in (british / "site/uk/index.html").read_text()
    assert PdfReader(british / "pdf/uk.pdf").trailer["/Root"]["/Lang"] == "en-GB"
    assert json.loads((british / "exports/scores.json").read_text())["language"] == "en"


def test_an_en_us_organisation_gets_us_dates(portfolio_writer, tmp_path):
    w = english_portfolio(portfolio_writer, locale="en-US")
    build(w.root, tmp_path / "out", BuildOptions(pdf=False, jobs=1))
    html = (tmp_path / "out/site/uk/index.html").read_text(encoding="utf-8")
    assert "November 29, 2026" in html and '<html lang="en-US">' in html
