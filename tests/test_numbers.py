"""Numbers that reconcile: changes from the shown values, totals that add up or say why not,
one signed style, plurals through the catalogs, KPI decimals, target wording, sources."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from klantspiegel.catalogs import catalog_path, messages
from klantspiegel.cli import main
from klantspiegel.i18n import Translator
from klantspiegel.kpis import NpsResult
from klantspiegel.load import load_portfolio
from klantspiegel.pdf import PdfInputs, pdf_html
from klantspiegel.presentation import kpi_digits, nps_trend, report_notes, shown_change
from klantspiegel.report import build_report, latest_scores
from klantspiegel.scoring import AuditScore, Benchmark, DimensionScore
from klantspiegel.templating import THEME_DIR

EXAMPLE = Path(__file__).resolve().parent.parent / "audits"
NL, EN = Translator("nl"), Translator("en")


def client_report(writer, slug: str = "postbedrijf"):
    portfolio, problems = load_portfolio(writer.root)
    assert not [p for p in problems if p.severity == "error"], problems
    organisation = next(o for o in portfolio.organisations if o.slug == slug)
    return portfolio, build_report(organisation, portfolio, latest_scores(portfolio), "client")


def site_page(writer, tmp_path: Path, page: str = "postbedrijf/index.html") -> str:
    output = tmp_path / "output"
    assert main(["--source", str(writer.root), "--output", str(output), "--no-pdf"]) == 0
    return (output / "site" / page).read_text(encoding="utf-8")


def print_html(writer) -> str:
    portfolio, report = client_report(writer)
    return pdf_html(PdfInputs.of(report, portfolio, THEME_DIR))


def two_audits(w, before: dict[str, int], now: dict[str, int]) -> None:
    """The small portfolio's organisation with a 2025 audit and a 2026 audit, one finding per
    dimension with the given scores."""
    w.audit("postbedrijf", "2025", date="2025-10-01")
    for audit, scores in (("2025", before), ("2026", now)):
        for dimension, score in scores.items():
            w.finding(
                "postbedrijf", f"{dimension}-{audit}", audit=audit, dimension=dimension, score=score
            )


# --- changes from the shown values ----------------------------------------------------------


def test_a_change_is_the_difference_of_the_shown_values():
    change = shown_change(3.142857, 2.166667)  # shown as 3,1 and 2,2; unrounded +0,98
    assert NL.signed(change) == "+0,9"


def test_an_nps_change_is_the_difference_of_the_shown_scores():
    def nps(score: float) -> NpsResult:
        return NpsResult(100, 0, 0, 0, score, score - 10, score + 10, 5.0)

    trend = nps_trend(nps(14.0), nps(-7.5))  # shown as +14 and −8; unrounded +21,5
    assert trend is not None
    assert NL.signed(trend.change, 0) == "+22"


def test_the_index_and_dimension_changes_of_a_report_reconcile_with_their_shown_scores(
    portfolio_writer,
):
    w = portfolio_writer
    w.organisation("postbedrijf")
    w.audit("postbedrijf")
    # before: (2 + 2 + 3) / 3 = 2,33 -> 2,3; now: (3 + 3 + 4) / 3 = 3,33 -> 3,3
    two_audits(
        w,
        {"bereikbaarheid": 2, "mandaat": 2, "processen": 3},
        {"bereikbaarheid": 3, "mandaat": 3, "processen": 4},
    )
    w.finding("postbedrijf", "extra-2025", audit="2025", dimension="processen", score=2)
    _, report = client_report(w)
    shown = (NL.number(report.previous_score.index), NL.number(report.score.index))
    assert shown == ("2,2", "3,3")  # before: (2 + 2 + 2,5) / 3 = 2,17
    assert NL.signed(report.index_change) == "+1,1"  # never +1,2 from 3,33 - 2,17
    row = next(r for r in report.dimensions if r.dimension.key == "processen")
    assert NL.signed(row.change) == "+1,5"


# --- totals ---------------------------------------------------------------------------------


def test_a_story_behind_findings_in_two_dimensions_is_explained_under_the_totals(small_portfolio):
    small_portfolio.finding(
        "postbedrijf",
        "postbode-keert-terug",
        dimension="mandaat",
        score=4,
        kind="strength",
        anecdotes="gemist-pakje",
    )
    _, report = client_report(small_portfolio)
    rows = sum(r.score.evidence_count for r in report.dimensions)
    assert rows == report.observation_count + 1
    assert report.notes.observations is not None
    assert report.notes.observations in print_html(small_portfolio)


def test_totals_that_add_up_need_no_note(small_portfolio):
    _, report = client_report(small_portfolio)
    assert sum(r.score.evidence_count for r in report.dimensions) == report.observation_count
    assert report.notes.observations is None


def test_the_findings_total_counts_the_findings_the_scores_rest_on(small_portfolio):
    small_portfolio.finding("postbedrijf", "concept", status="draft")
    portfolio, _ = load_portfolio(small_portfolio.root)
    organisation = portfolio.organisations[0]
    report = build_report(organisation, portfolio, latest_scores(portfolio), "consultant")
    assert len(report.findings) == 3
    assert report.finding_count == sum(r.score.finding_count for r in report.dimensions) == 2


def test_a_trend_over_different_dimensions_says_so(portfolio_writer):
    w = portfolio_writer
    w.organisation("postbedrijf")
    w.audit("postbedrijf")
    two_audits(w, {"bereikbaarheid": 2, "mandaat": 3}, {"bereikbaarheid": 3, "processen": 4})
    _, report = client_report(w)
    assert report.notes.trend is not None
    assert "(2 toen, 2 nu, 1 in beide)" in report.notes.trend


def test_a_trend_over_the_same_dimensions_needs_no_note(portfolio_writer):
    w = portfolio_writer
    w.organisation("postbedrijf")
    w.audit("postbedrijf")
    two_audits(w, {"bereikbaarheid": 2, "mandaat": 3}, {"bereikbaarheid": 3, "mandaat": 4})
    _, report = client_report(w)
    assert report.notes.trend is None


def test_a_sector_median_over_other_dimensions_says_so():
    def score(**values: float | None) -> AuditScore:
        dims = tuple(DimensionScore(k, v, 1, 1, None) for k, v in values.items())
        return AuditScore(dims, 3.0, None)

    mine = score(a=3.0, b=2.0, c=None)
    benchmark = Benchmark(3, 3.0, {"a": 3.0, "b": None, "c": 4.0})
    notes = report_notes(mine, None, benchmark, 0, 0, EN)
    assert notes.benchmark is not None and "known for 1 of the 2 dimensions" in notes.benchmark
    same = report_notes(mine, None, Benchmark(3, 3.0, {"a": 3.0, "b": 2.5, "c": None}), 0, 0, EN)
    assert same.benchmark is None


# --- one number style -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (0.04, 1, "0,0"),
        (-0.04, 1, "0,0"),
        (-0.4, 0, "0"),
        (-0.2, 1, "−0,2"),
        (0.9, 1, "+0,9"),
        (27.2, 0, "+27"),
        (-8, 0, "−8"),
    ],
)
def test_a_signed_number_has_a_true_minus_and_no_sign_at_zero(value, digits, text):
    assert NL.signed(value, digits) == text


def test_a_negative_number_has_a_true_minus_and_zero_has_none():
    assert (NL.number(-3.14), NL.number(-0.04), EN.number(-1234.5)) == ("−3,1", "0,0", "−1,234.5")


def test_a_value_is_formatted_once_per_locale_and_written_alike_every_time(monkeypatch):
    import datetime as dt
    import decimal

    import klantspiegel.i18n

    calls = []
    for name in ("format_decimal", "format_date"):
        formats = getattr(klantspiegel.i18n, name)
        monkeypatch.setattr(
            klantspiegel.i18n,
            name,
            lambda *a, formats=formats, **k: calls.append(a[0]) or formats(*a, **k),
        )
    klantspiegel.i18n._written_number.cache_clear()
    klantspiegel.i18n._written_date.cache_clear()
    day = dt.date(2026, 11, 29)

    written = [(NL.number(2.345, 2), EN.number(2.345, 2), NL.date(day)) for _ in range(3)]

    assert written == [("2,35", "2.35", "29 november 2026")] * 3
    assert len(calls) == 3  # once for each locale and value
    assert (NL.number(1), NL.number(1.0)) == ("1,0", "1,0")
    with pytest.raises(decimal.InvalidOperation):  # True equals 1, but is not a number
        NL.number(True)


def test_emotion_is_written_with_a_true_minus_on_the_site_and_in_the_pdf(small_portfolio, tmp_path):
    page = site_page(small_portfolio, tmp_path, "postbedrijf/anecdotes/gemist-pakje.html")
    assert "Emotie: −1" in page and "Emotie: +2" in page
    assert re.search(r">\s*−1\s*<", print_html(small_portfolio))
    assert not re.search(r">\s*-1\s*<", print_html(small_portfolio))


# --- plurals --------------------------------------------------------------------------------


def test_every_plural_message_has_a_plural_entry_in_the_dutch_catalog():
    text = catalog_path("nl").read_text(encoding="utf-8")
    plural = [m for m in messages() if isinstance(m, tuple)]
    assert plural
    for singular, many in plural:
        assert f'msgid "{singular}"\nmsgid_plural "{many}"' in text, singular


@pytest.mark.parametrize(
    ("t", "one", "three"),
    [
        (NL, "1 klantverhaal", "3 klantverhalen"),
        (EN, "1 customer story", "3 customer stories"),
    ],
)
def test_a_plural_follows_the_count_in_both_languages(t, one, three):
    form = t.ngettext("%(num)d customer story", "%(num)d customer stories", 1)
    assert form % {"num": 1} == one
    assert t.ngettext("%(num)d customer story", "%(num)d customer stories", 3) % {"num": 3} == three


def test_the_pdf_method_counts_one_story_in_the_singular(small_portfolio):
    html = print_html(small_portfolio)
    assert "1 klantverhaal " in html and "1 klantverhalen" not in html
    assert "2 definitieve bevindingen" in html


def test_an_english_pdf_counts_one_story_in_the_singular(small_portfolio):
    small_portfolio.organisation("postbedrijf", name="Postbedrijf Noord", language="en")
    html = print_html(small_portfolio)
    assert "1 customer story and" in html and "1 customer stories" not in html


# --- KPIs -------------------------------------------------------------------------------------


def test_kpi_decimals_keep_distinct_values_distinct():
    digits = kpi_digits((0.62, 0.55, None))
    assert NL.number(0.62, digits) != NL.number(0.55, digits)
    assert (NL.number(0.62, digits), NL.number(0.55, digits)) == ("0,62", "0,55")


def test_kpi_decimals_are_none_for_whole_numbers_and_at_most_three():
    assert kpi_digits((412.0, 360)) == 0
    assert kpi_digits((4.5, 4)) == 1
    assert kpi_digits((0.123456,)) == 3


KPIS = """\
kpis:
  - key: aht
    value: 412
    unit: s
    period: 2026-Q1
    target: 360
    source: Telefonieplatform
  - key: fcr
    value: 44
    unit: "%"
    period: 2026-Q1
    target: 70
    source: Steekproef
  - key: contact_rate
    value: 0.62
    unit: ""
    period: 2026-Q1
    target: 0.55
    source: Chatplatform
  - key: nps
    value: 14
    unit: ""
    period: 2026-09
    target: 10
    source: Klantenbevraging (zie survey.csv)
"""


@pytest.fixture
def with_kpis(small_portfolio):
    small_portfolio.write("postbedrijf/2026/kpis.yaml", KPIS)
    small_portfolio.write("postbedrijf/2026/survey.csv", "score\n10\n9\n9\n3\n7\n")
    return small_portfolio


def test_a_handle_time_above_its_target_reads_above_target_on_the_site_and_in_the_pdf(
    with_kpis,
    tmp_path,
):
    for html in (site_page(with_kpis, tmp_path), print_html(with_kpis)):
        aht = re.search(r"Gemiddelde afhandeltijd \(AHT\).*?</tr>", html, re.S)
        assert aht and "Boven doel" in aht.group() and "Onder doel" not in aht.group()
        fcr = re.search(r"Opgelost bij eerste contact \(FCR\).*?</tr>", html, re.S)
        assert fcr and "Onder doel" in fcr.group()


def test_the_contact_rate_and_its_target_print_distinct_on_both_media(with_kpis, tmp_path):
    for html in (site_page(with_kpis, tmp_path), print_html(with_kpis)):
        row = re.search(r"Contactratio.*?</tr>", html, re.S)
        assert row and "0,62" in row.group() and "0,55" in row.group()


def test_the_survey_is_named_as_a_source_never_its_file(with_kpis, tmp_path):
    for html in (site_page(with_kpis, tmp_path), print_html(with_kpis)):
        assert "survey.csv" not in html
        assert "Klantenenquête (n = 5)" in html


# --- the example, read as a client reads it -----------------------------------------------------

# a hyphen-minus or a sign on zero where a number is written: "-3", "−0", "±0"
BAD_NUMBER = re.compile(r"(?<![\w.,/])-\d|±0(?![\d,.]*[1-9])|[−-]0(?:[,.]0+)?(?![\d,.])")


class _Text(HTMLParser):
    """The text a reader sees: no scripts, styles or attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("example") / "output"
    assert main(["--source", str(EXAMPLE), "--output", str(output), "--quiet"]) == 0
    return output


def test_no_number_in_the_example_has_a_hyphen_minus_or_a_sign_on_zero(example):
    found = []
    for page in sorted((example / "site").rglob("*.html")):
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8"))
        text = " ".join(parser.parts)
        found += [(page.name, m.group()) for m in BAD_NUMBER.finditer(text)]
    for pdf in sorted((example / "pdf").glob("*.pdf")):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        found += [(pdf.name, m.group()) for m in BAD_NUMBER.finditer(text)]
    assert found == []


def test_no_singular_count_in_the_example_has_a_plural_noun(example):
    plural_after_one = re.compile(
        r"(?<![\d,.])1 (klantverhalen|customer stories|waarnemingen|observations|bevindingen|"
        r"findings|organisaties|organisations|KPI's|KPIs|stappen|steps)\b"
    )
    texts = [p.read_text(encoding="utf-8") for p in (example / "site").rglob("*.html")]
    texts += [
        subprocess.run(
            ["pdftotext", str(p), "-"], capture_output=True, text=True, check=True
        ).stdout
        for p in (example / "pdf").glob("*.pdf")
    ]
    assert [m.group() for t in texts for m in plural_after_one.finditer(t)] == []
