"""The survey on the organisation page and in the PDF: CSAT, CES, the segment breakdown with
small segments as words only, what was left out, and the change against the previous survey."""

from __future__ import annotations

import html as html_lib
import json
import re
import subprocess
from pathlib import Path

import pytest

from klantspiegel.cli import main

# 2026: 40 phone answers (NPS 10, CSAT 5, CES 6), 29 web answers (one under the threshold of
# 30: NPS 3, CSAT 1, CES 2), and a respondent who left the recommend question blank (left out)
SURVEY_2026 = (
    "score,satisfaction csat,effort ces,channel\n"
    + "10,5,6,phone\n" * 40
    + "3,1,2,web\n" * 29
    + ",4,5,phone\n"
)
# 2025: the same 40 phone answers and 29 web ones but all passives, satisfied (4), CES 6
SURVEY_2025 = "score,satisfaction csat,effort ces,channel\n" + "8,4,6,phone\n" * 69


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    from conftest import PortfolioWriter

    root = tmp_path_factory.mktemp("survey-pages")
    w = PortfolioWriter(root / "audits")
    w.organisation("postbedrijf", name="Postbedrijf Noord", language="en")
    for audit, date, survey in (
        ("2025", "2025-10-01", SURVEY_2025),
        ("2026", "2026-10-01", SURVEY_2026),
    ):
        w.audit("postbedrijf", audit, date)
        w.finding("postbedrijf", "central-line", audit=audit)
        w.write(f"postbedrijf/{audit}/survey.csv", survey)
    assert main(["--source", str(w.root), "--output", str(root / "output"), "--quiet"]) == 0
    return root / "output"


def page_text(output: Path) -> str:
    page = (output / "site" / "postbedrijf" / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", page)))


def pdf_text(output: Path) -> str:
    """The PDF's text a line per table row (pdftotext -layout), spaces collapsed."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(output / "pdf" / "postbedrijf.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "\n".join(re.sub(r"\s+", " ", line).strip() for line in text.splitlines())


def test_site_shows_csat_and_ces_with_their_intervals(output):
    text = page_text(output)
    # CSAT: 40 of 69 answers 4-5 = 58%; Agresti-Coull n' = 72.8416, p' = 41.9208 / n' = 0.575511,
    # SE = sqrt(p' (1 - p') / n') = 0.057912, p' ± 1.96 SE = 46% .. 69%.
    # CES (40 x 6 + 29 x 2) / 69 = 4.3
    assert "58% Customer satisfaction (CSAT) 95% interval 46% to 69%, from 69 answers." in text
    assert "4.3 Customer effort score (CES)" in text


def test_site_breakdown_shows_a_large_segment_with_numbers(output):
    # 40 promoters: n' = 43, p' = 40.75 / 43, d' = 0.75 / 43, p' - d' = 0.930233,
    # SE = sqrt((p' + d' - 0.930233²) / 43) = 0.048172; 100 x (0.930233 - 1.96 SE) = +84
    assert "Phone 40 +100 (+84 to +100) 100% 6.0" in page_text(output)


def test_site_small_segment_shows_the_words_and_no_number(output):
    page = (output / "site" / "postbedrijf" / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<th scope="row">Website</th>(.*?)</tr>', page)
    assert row is not None
    cells = re.sub(r"<[^>]+>", "", row.group(1))
    assert cells == "too few answers"


def test_pdf_small_segment_shows_the_words_and_no_number(output):
    (row,) = [line for line in pdf_text(output).splitlines() if line.startswith("Website")]
    assert row == "Website too few answers"


def test_pdf_method_says_n_and_what_was_left_out(output):
    assert "n = 69; left out: 1 blank." in pdf_text(output)


def test_trend_says_which_change_is_significant_and_which_not(output):
    text = pdf_text(output)
    # NPS 0 -> 100 x (40 - 29) / 69 = +16: the gap is within both surveys' error
    assert "Net Promoter Score 0 +16 +16 not significant" in text
    # CSAT 100% -> 58%: far beyond the combined error
    assert "Customer satisfaction (CSAT) 100% 58% −42 significant (95%)" in text.splitlines()
    assert "Customer satisfaction (CSAT) 100% 58% −42 significant (95%)" in page_text(output)


def test_exports_carry_csat_and_ces_with_their_intervals(output):
    (row,) = json.loads((output / "exports" / "scores.json").read_text())["organisations"]
    # CSAT 40 / 69 = 57.97%, interval 100 x (0.575511 ± 1.96 x 0.057912); CES 298 / 69 = 4.32
    assert row["csat"] == pytest.approx(57.97, abs=0.01)
    assert (row["csat_low"], row["csat_high"]) == pytest.approx((46.20, 68.90), abs=0.01)
    assert row["ces"] == pytest.approx(4.32, abs=0.01)


def test_site_method_says_what_was_left_out(output):
    assert "Customer survey 69 answers; left out: 1 blank" in page_text(output)
