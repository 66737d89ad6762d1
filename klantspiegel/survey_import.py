"""A survey export as it comes from the tool -> a `Survey` of answers only.

`read_survey` finds the recommend question (0-10), and when present a satisfaction (1-5)
and an effort question (1-7), by their header text in Dutch or English or by the mapping in
audit.yaml; segment columns (channel, region, ...) the same way. Nothing else of a row is
ever kept: names, e-mail and IP addresses, coordinates and respondent ids stay in the file.
Respondents left out are counted by reason (blank, partial, out_of_range, filtered); an
export where nothing is left, or whose recommend column mostly holds no 0-10 answers, is
a located error. The file's shape (encoding, delimiter, header rows) is `survey_detect`'s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from klantspiegel.model import Survey, SurveyMapping
from klantspiegel.problems import Problem
from klantspiegel.source import dotted
from klantspiegel.survey_detect import (
    UNREADABLE,
    Column,
    CsvTrouble,
    Layout,
    answer,
    columns_of,
    decode,
    delimiter_of,
    layout_of,
    records,
    segment_refusal,
    squash,
)
from klantspiegel.validate import suggestion

NPS = re.compile(
    r"recomm?end|aanbeve+l|aanraa?d|aan te raden|aan te bevelen|"
    r"net promoter|(^|[^a-z])nps([^a-z]|$)|^score$"
)
CSAT = re.compile(r"satisf|tevreden|(^|[^a-z])csat([^a-z]|$)")
CES = re.compile(r"\beasy\b|\beasily\b|gemakkelijk|makkelijk|moeite|effort|(^|[^a-z])ces([^a-z]|$)")
SEGMENT = re.compile(
    r"\b(channel|kanaal|region|regio|segment|klantsegment|province|provincie|"
    r"department|afdeling|branch|filiaal|vestiging|customer type|klanttype|"
    r"type klant|country|land)\b"
)
# Columns a tool adds about the response, never an answer or a group to show.
_NOT_QUESTIONS = re.compile(
    r"nps_group|nps group|_text$|distribution ?channel|user ?language|"
    r"^status$|response type|^duration|start ?date|end ?date|"
    r"recorded ?date|submit|timestamp|tijdstempel|collector"
)
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
REASONS = ("filtered", "partial", "blank", "out_of_range")


@dataclass(frozen=True)
class MappingSource:
    """Where the mapping stands, so its errors point at audit.yaml's line."""

    path: Path
    line_of: Callable[[tuple[str | int, ...]], int]


@dataclass
class _Import:
    path: Path
    mapping: SurveyMapping
    where: MappingSource
    problems: list[Problem] = field(default_factory=list)

    def error(self, line: int | None, key: str, message: str, warning: bool = False) -> None:
        self.problems.append(
            Problem(self.path, line, key, message, "warning" if warning else "error")
        )

    def mapping_error(self, key: tuple[str | int, ...], message: str) -> None:
        self.problems.append(
            Problem(self.where.path, self.where.line_of(key), dotted(key), message)
        )


def read_survey(
    path: Path, raw: bytes, mapping: SurveyMapping | None, where: MappingSource
) -> tuple[Survey | None, list[Problem]]:
    """The survey in an export's bytes, and every problem found (located in file or mapping)."""
    job = _Import(path, mapping or SurveyMapping(), where)
    text, _ = decode(raw)
    if not text.strip():
        job.error(
            1, "", "the survey file is empty (expected a header row and one row per respondent)"
        )
        return None, job.problems
    try:
        rows = records(text, delimiter_of(text))
    except CsvTrouble as trouble:
        job.error(trouble.line, "", str(trouble))
        return None, job.problems
    layout = layout_of([row for _, row in rows[:3]])
    columns = columns_of([row for _, row in rows[: layout.header_rows]], layout)
    body = rows[layout.header_rows :]
    return _survey(job, layout, columns, body, rows), job.problems


def _survey(
    job: _Import,
    layout: Layout,
    columns: list[Column],
    body: list[tuple[int, list[str]]],
    rows: list[tuple[int, list[str]]],
) -> Survey | None:
    def cells(column: Column) -> list[str]:
        return [row[column.index] if column.index < len(row) else "" for _, row in body]

    header_line = rows[0][0]
    nps = _question(job, "nps", columns, cells, required=True, taken=())
    csat = _question(job, "csat", columns, cells, required=False, taken=(nps,))
    ces = _question(job, "ces", columns, cells, required=False, taken=(nps, csat))
    answers = tuple(c for c in (nps, csat, ces) if c)
    segments = _segments(job, columns, cells, answers, header_line)
    keep = _filter(job, columns, cells)
    if nps is None or keep is None or any(p.severity == "error" for p in job.problems):
        return None
    partial = _partial(columns, cells)
    excluded: Counter[str] = Counter()
    kept, first_bad = [], None
    for position, (line, _) in enumerate(body):
        value = answer(cells(nps)[position], *SCALES["nps"])
        reason = (
            "filtered"
            if not keep[position]
            else "partial"
            if partial[position]
            else "blank"
            if value is None
            else "out_of_range"
            if value is UNREADABLE
            else None
        )
        if reason:
            excluded[reason] += 1
            first_bad = first_bad or (line if reason == "out_of_range" else None)
        else:
            kept.append(position)
    bad = excluded["out_of_range"]
    if bad > len(kept):  # most answers unreadable: the wrong column, not odd respondents
        job.error(
            first_bad,
            "nps",
            (
                f"{bad:,} of {bad + len(kept):,} answers in column '{_short(nps.label)}' are not "
                "whole numbers from 0 to 10: if this is not the recommend question, name the "
                f'right one in audit.yaml: survey: {{nps: "<header>"}}'
            ),
        )
        return None
    if not kept:
        counted = ", ".join(f"{excluded[r]} {r.replace('_', ' ')}" for r in REASONS if excluded[r])
        job.error(
            body[0][0] if body else header_line + 1,
            "nps",
            f"survey has no answers{f' left ({counted})' if counted else ''}",
        )
        return None

    def kept_answers(column: Column | None, role: str) -> tuple[int | None, ...]:
        if column is None:
            return ()
        values = cells(column)
        found = (answer(values[p], *SCALES[role]) for p in kept)
        return tuple(v if isinstance(v, int) else None for v in found)

    return Survey(
        source=job.path,
        layout=layout.name,
        nps=kept_answers(nps, "nps"),
        csat=kept_answers(csat, "csat"),
        ces=kept_answers(ces, "ces"),
        segments={
            label: tuple(cells(column)[p].strip() or None for p in kept)
            for label, column in segments.items()
        },
        excluded={r: excluded[r] for r in REASONS if excluded[r]},
        min_segment_answers=job.mapping.min_segment_answers,
    )


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _named(
    job: _Import, key: tuple[str | int, ...], name: str, columns: list[Column]
) -> Column | None:
    """The column a mapping names, or a located error saying which names there are."""
    found = next((c for c in columns if c.called(name)), None)
    if found is None:
        names = [n for c in columns for n in c.names if not _NOT_QUESTIONS.search(n.lower())]
        job.mapping_error(
            key,
            f"no column '{_short(name)}' in {job.path.name}"
            f"{suggestion(name, names[:200]) if names else ''}",
        )
    return found


def _question(
    job: _Import,
    role: str,
    columns: list[Column],
    cells: Callable[[Column], list[str]],
    required: bool,
    taken: tuple[Column | None, ...],
) -> Column | None:
    """The column of one question: mapped, or the one header that asks it."""
    named = getattr(job.mapping, role)
    if named:
        return _named(job, ("survey", role), named, columns)
    low, high = SCALES[role]
    pattern = {"nps": NPS, "csat": CSAT, "ces": CES}[role]
    headed = [
        c
        for c in columns
        if c not in taken
        and c.matches(pattern)
        and not any(_NOT_QUESTIONS.search(n.lower()) for n in c.names)
    ]

    def readable(column: Column) -> bool:
        values = [answer(v, low, high) for v in cells(column)]
        given = [v for v in values if v is not None]
        return bool(given) and sum(v is not UNREADABLE for v in given) > len(given) / 2

    fitting = [c for c in headed if readable(c)]
    chosen = fitting if fitting or not required else headed
    if len(chosen) == 1:
        return chosen[0]
    what = {
        "nps": "recommend question (0-10)",
        "csat": "satisfaction question (1-5)",
        "ces": "effort question (1-7)",
    }[role]
    if not chosen:
        if required:
            job.error(
                1,
                role,
                (
                    f"no {what} found by its header ('How likely are you to recommend ...', "
                    "'Hoe waarschijnlijk is het dat u ... aanbeveelt', 'NPS' or 'score'); name "
                    f'its column in audit.yaml: survey: {{nps: "<header>"}}'
                ),
            )
        return None
    listed = ", ".join(f"'{_short(c.label, 50)}'" for c in chosen[:5])
    job.error(
        1,
        role,
        (
            f"{len(chosen)} columns could be the {what}: {listed}; name one in audit.yaml: "
            f'survey: {{{role}: "{_short(chosen[0].names[0], 50)}"}}'
        ),
        warning=not required,
    )
    return None


def _segments(
    job: _Import,
    columns: list[Column],
    cells: Callable[[Column], list[str]],
    answers: tuple[Column, ...],
    header_line: int,
) -> dict[str, Column]:
    """Segment columns by name (mapped) or by header; personal ones never pass."""
    mapped = [
        *(job.mapping.segments or []),
        *([job.mapping.segment] if job.mapping.segment else []),
    ]
    found: dict[str, Column] = {}
    if mapped or job.mapping.segments is not None:
        for index, name in enumerate(mapped):
            key: tuple[str | int, ...] = (
                ("survey", "segments", index)
                if index < len(job.mapping.segments or [])
                else ("survey", "segment")
            )
            column = _named(job, key, name, columns)
            refusal = segment_refusal(column, cells(column)) if column else None
            if refusal:
                job.mapping_error(
                    key,
                    f"column '{_short(name)}' cannot be a segment: "
                    f"{refusal}; its values would show on the report pages",
                )
            elif column:
                found[column.label] = column
        return found
    for column in columns:
        if (
            column in answers
            or not column.matches(SEGMENT)
            or any(_NOT_QUESTIONS.search(n.lower()) for n in column.names)
        ):
            continue
        refusal = segment_refusal(column, cells(column))
        if refusal:
            job.error(
                header_line,
                "segments",
                (f"column '{_short(column.label)}' is not used as a segment: {refusal}"),
                warning=True,
            )
        else:
            found[column.label] = column
    return found


def _filter(
    job: _Import, columns: list[Column], cells: Callable[[Column], list[str]]
) -> list[bool] | None:
    """Per respondent whether the mapping's filter keeps them; None on a mapping error."""
    rule = job.mapping.filter
    if rule is None:
        return [True] * len(cells(columns[0])) if columns else []
    column = _named(job, ("survey", "filter", "column"), rule.column, columns)
    if column is None:
        return None
    keep = {squash(v) for v in rule.keep}
    return [squash(v) in keep for v in cells(column)]


def _partial(columns: list[Column], cells: Callable[[Column], list[str]]) -> list[bool]:
    """Per respondent whether the tool marks the response unfinished."""
    marks: list[list[bool]] = []
    for column in columns:
        values = cells(column)
        if column.called("Finished"):
            marks.append([squash(v) in ("0", "false", "no", "nee") for v in values])
        elif column.called("Progress"):
            marks.append([isinstance(p := answer(v, 0, 100), int) and p < 100 for v in values])
        elif column.called("Response Type"):
            marks.append([squash(v) == "partial" for v in values])
        elif column.called("Submit Date (UTC)") or column.called("Submitted At"):
            # Typeform: a response that was never submitted has no submit date
            marks.append([not v.strip() for v in values])
    count = len(cells(columns[0])) if columns else 0
    return [any(m[i] for m in marks) for i in range(count)]
