"""Reading a survey export's shape: encoding, delimiter, header rows, and what a cell says.

What the tools write (from their documentation; sources in tests/fixtures/surveys/README.md):

- Qualtrics CSV: three header rows: short names (`StartDate`, `Progress`, `Finished`,
  `ResponseId`, `IPAddress`, `LocationLatitude`, `Q7`, `Q7_NPS_GROUP`), the question text,
  and an ImportId row (`{"ImportId":"QID7"}`). An NPS question adds `Qn_NPS_GROUP` (1/2/3
  or Detractor/Passive/Promoter), never the answer itself. Partial responses have
  `Finished` 0/False and `Progress` under 100. Values are numbers, or with "choice text"
  the label: `10 - Extremely likely`, `Extremely satisfied`.
- SurveyMonkey: two header rows: the question text (metadata `Respondent ID`,
  `Collector ID`, `IP Address`, `Email Address`, `First Name`...) and a sub-row with
  `Response`, `Open-Ended Response` or an option label per column.
- Google Forms: one row, `Timestamp` (`Tijdstempel` in Dutch) and the question texts, an
  `Email Address` / `E-mailadres` column when the form collects it.
- Typeform: one row, `#` (the response token), the question texts, then `Response Type`
  (completed/partial), `Start Date (UTC)`, `Submit Date (UTC)`, `Network ID`.
- Excel with Dutch settings saves "CSV (puntkomma)" in Windows-1252, "Unicode text" as
  UTF-16 with tabs; CRM exports are one header row, with or without a UTF-8 BOM.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t")
SAMPLE_RECORDS = 20  # enough rows to judge a delimiter by how evenly it splits them
MAX_SEGMENT_VALUES = 20  # more distinct values than a page can show as groups: not a segment


class CsvTrouble(Exception):
    """A record the CSV reader cannot parse; `line` is where it starts."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def decode(raw: bytes) -> tuple[str, str]:
    """The text of an export and the encoding it was read as.

    A byte order mark decides (UTF-8, UTF-16 LE/BE); else strict UTF-8; else Windows-1252,
    the encoding of Excel's CSV on Dutch Windows (bytes it leaves undefined read as Latin-1).
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            return raw[len(bom) :].decode(encoding, errors="replace"), encoding
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return "".join(
            chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
            for b in raw
        ), "windows-1252"


def records(text: str, delimiter: str, limit: int | None = None) -> list[tuple[int, list[str]]]:
    """The non-blank records with the physical line each starts on (quoted values span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        while (row := next(reader, None)) is not None:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
                if limit and len(rows) >= limit:
                    break
            start = reader.line_num + 1
    except csv.Error as error:
        reason = (
            f"a value is longer than {csv.field_size_limit():,} characters"
            if "field limit" in str(error)
            else f"not a readable CSV row ({error})"
        )
        raise CsvTrouble(reader.line_num, reason) from None
    return rows


def delimiter_of(text: str) -> str:
    """The delimiter that splits the first records into the most, evenly wide, columns."""

    def fit(delimiter: str) -> tuple[bool, float, int]:
        try:
            rows = records(text, delimiter, SAMPLE_RECORDS)
        except CsvTrouble:
            return (False, 0.0, 0)
        if not rows:
            return (False, 0.0, 0)
        width = len(rows[0][1])
        even = sum(len(row) == width for _, row in rows) / len(rows)
        return (width > 1, even, width)

    return max(DELIMITERS, key=fit)


@dataclass(frozen=True)
class Column:
    """One column of an export: its position and every name its header rows give it."""

    index: int
    names: tuple[str, ...]  # short name, question text, sub-row label, ImportId (non-empty)
    label: str  # the name a reader knows it by: the question text where there is one

    def called(self, name: str) -> bool:
        """Whether `name` is one of this column's names (case and spacing aside)."""
        wanted = squash(name)
        return any(squash(n) == wanted for n in self.names)

    def matches(self, pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(n.lower()) for n in self.names)


def squash(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Layout:
    name: str  # qualtrics, surveymonkey, google-forms, typeform, plain
    header_rows: int
    label_row: int  # which header row holds the question text


def layout_of(rows: list[list[str]]) -> Layout:
    """Which tool wrote the export, from its header rows' signature."""
    first = [squash(c) for c in rows[0]] if rows else []
    third = [c.strip() for c in rows[2]] if len(rows) > 2 else []
    if third and sum(c.startswith('{"ImportId"') for c in third) > len([c for c in third if c]) / 2:
        return Layout("qualtrics", 3, 1)
    if "respondent id" in first or "collector id" in first:
        return Layout("surveymonkey", 2, 0)
    if first and first[0] in (
        "timestamp",
        "tijdstempel",
        "horodateur",
        "zeitstempel",
        "marca temporal",
    ):
        return Layout("google-forms", 1, 0)
    if (
        first
        and first[0] == "#"
        and (
            "network id" in first
            or any(c.startswith(("submit date", "submitted at")) for c in first)
        )
    ):
        return Layout("typeform", 1, 0)
    return Layout("plain", 1, 0)


def columns_of(rows: list[list[str]], layout: Layout) -> list[Column]:
    """Every column with its names from the layout's header rows."""
    header = rows[: layout.header_rows]
    width = max((len(r) for r in header), default=0)
    columns, carried = [], ""
    for index in range(width):
        cells = [r[index].strip() if index < len(r) else "" for r in header]
        names: tuple[str, ...]
        if layout.name == "surveymonkey":
            # A multiple-answer question heads only its first column; the rest carry it on.
            carried = cells[0] or carried
            top = cells[0] or carried
            sub = cells[1] if len(cells) > 1 else ""
            names = (
                (top, f"{top} {sub}".strip())
                if sub and sub not in ("Response", "Open-Ended Response")
                else (top,)
            )
            label = names[-1]
        else:
            names = tuple(cells)
            if layout.name == "qualtrics" and len(cells) > 2:
                names = (cells[0], cells[1], _import_id(cells[2]))
            label = (
                names[layout.label_row]
                if len(names) > layout.label_row and names[layout.label_row]
                else names[0]
            )
        named = tuple(n for n in names if n)
        columns.append(
            Column(index, named or (f"column {index + 1}",), label or f"column {index + 1}")
        )
    return columns


def _import_id(cell: str) -> str:
    try:
        found = json.loads(cell)
    except ValueError:
        return ""
    return str(found.get("ImportId", "")) if isinstance(found, dict) else ""


# --- what a cell says -----------------------------------------------------------------------

# A number, optionally followed by its choice label: "10 - Extremely likely", "0 (Zeer
# onwaarschijnlijk)". ASCII digits only: '²'.isdigit() is True, and "7.0" or "3.5" are no answer.
_ANSWER = re.compile(
    r"0*([0-9]{1,2})(?:\s*[-\u2013\u2014:=.)]\s*[^\d\s].*|\s+[^\d\s].*)?", re.DOTALL
)
# Choice labels without a number, as Qualtrics' choice-text exports write them.
_LABELS = {
    (0, 10): {
        "not at all likely": 0,
        "extremely likely": 10,
        "zeer onwaarschijnlijk": 0,
        "zeer waarschijnlijk": 10,
        "helemaal niet waarschijnlijk": 0,
    },
    (1, 5): {
        "extremely dissatisfied": 1,
        "very dissatisfied": 1,
        "somewhat dissatisfied": 2,
        "dissatisfied": 2,
        "neither satisfied nor dissatisfied": 3,
        "neutral": 3,
        "somewhat satisfied": 4,
        "satisfied": 4,
        "very satisfied": 5,
        "extremely satisfied": 5,
        "zeer ontevreden": 1,
        "ontevreden": 2,
        "neutraal": 3,
        "niet tevreden, niet ontevreden": 3,
        "tevreden": 4,
        "zeer tevreden": 5,
    },
    (1, 7): {
        "strongly disagree": 1,
        "disagree": 2,
        "somewhat disagree": 3,
        "neither agree nor disagree": 4,
        "somewhat agree": 5,
        "agree": 6,
        "strongly agree": 7,
        "helemaal oneens": 1,
        "oneens": 2,
        "enigszins oneens": 3,
        "neutraal": 4,
        "niet eens, niet oneens": 4,
        "enigszins eens": 5,
        "eens": 6,
        "helemaal eens": 7,
        "very difficult": 1,
        "very easy": 7,
        "zeer moeilijk": 1,
        "zeer gemakkelijk": 7,
    },
}
BLANK = None
# What respondents and tools write for "no answer": counted as blank, not as off the scale.
NO_ANSWER = frozenset(
    {
        "n.v.t.",
        "nvt",
        "n.v.t",
        "niet van toepassing",
        "weet niet",
        "weet ik niet",
        "geen mening",
        "n/a",
        "na",
        "not applicable",
        "don't know",
        "don\u2019t know",
        "dont know",
        "do not know",
        "no opinion",
        "prefer not to say",
        "-",
        "\u2013",
        "\u2014",
        "?",
    }
)


class Unreadable:
    """A value that is no answer on the question's scale (out of range, text, a fraction)."""


UNREADABLE = Unreadable()


def answer(cell: str, low: int, high: int) -> int | Unreadable | None:
    """A cell as an answer from `low` to `high`; None when blank; UNREADABLE otherwise."""
    value = cell.strip()
    if not value or squash(value) in NO_ANSWER:
        return BLANK
    found = _ANSWER.fullmatch(value) if value.isascii() else None
    if found:
        number = int(found.group(1))
        return number if low <= number <= high else UNREADABLE
    labelled = _LABELS.get((low, high), {}).get(squash(value))
    return labelled if labelled is not None else UNREADABLE


# --- personal data --------------------------------------------------------------------------

PERSONAL_HEADER = re.compile(
    r"name|naam|e-?mail|\bip\b|ip ?address|ipaddress|ip-adres|latitude|longitude|"
    r"breedtegraad|lengtegraad|respondent ?id|response ?id|responseid|recipient|phone|"
    r"telefoon|gsm|mobiel|address|adres|postcode|zip|birth|geboorte|external ?(data)?ref|"
    r"network ?id|user ?agent|token|^#$"
)
_PERSONAL_VALUE = (
    re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"),  # e-mail address
    re.compile(r"\d{1,3}(\.\d{1,3}){3}"),  # IPv4
    re.compile(r"[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}", re.IGNORECASE),  # IPv6
    re.compile(r"[-+]?\d{1,3}\.\d{3,}(\s*[,;]\s*[-+]?\d{1,3}\.\d{3,})?"),  # coordinates
    re.compile(r"\+?[\d\s().-]{8,}"),  # phone number
)


def personal_value(value: str) -> bool:
    """Whether a cell looks like an e-mail address, IP address, coordinates or phone number."""
    text = value.strip()
    return any(p.fullmatch(text) for p in _PERSONAL_VALUE)


def segment_refusal(column: Column, values: list[str]) -> str | None:
    """Why a column may not split respondents into shown groups (never quoting a value)."""
    if column.matches(PERSONAL_HEADER):
        return "its header names personal data"
    if any(personal_value(v) for v in values if v.strip()):
        return (
            "its values look like personal data (e-mail or IP addresses, coordinates, "
            "phone numbers)"
        )
    distinct = len({v.strip() for v in values if v.strip()})
    if distinct > MAX_SEGMENT_VALUES:
        return (
            f"it has {distinct} different values, more than the {MAX_SEGMENT_VALUES} "
            "groups a segment can have"
        )
    return None
