"""The weekly red-flag check: questions (protocols/weekly-check/red-flags.yaml), the rows the workbook prints, and
the answers read back. Pure apart from reading the question file once.

The check is self-contained: its own sheet, found again through the workbook's hidden plan sheet (key
`check_sheet`), with a language-independent "Question ID" column; a new layout of the log leaves it as it is.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from .errors import ProtocolError
from .models import CheckAnswer, Plan, Rejection
from .models._base import Frozen

Language = Literal["en", "ru"]

#: The header of the column that names each question, the same in every language (the importer looks for it).
QUESTION_ID_HEADER = "Question ID"


class CheckQuestion(Frozen):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    flags: list[str] = Field(min_length=1)
    text: dict[Language, str]
    source: str = Field(min_length=1)


class WeeklyCheck(Frozen):
    sheet: dict[Language, str]
    intro: dict[Language, str]
    columns: dict[Language, list[str]]
    questions: list[CheckQuestion] = Field(min_length=1)

    def question(self, qid: str) -> CheckQuestion | None:
        return next((q for q in self.questions if q.id == qid), None)


def load_weekly_check(path: Path, vocabulary, sources: dict[str, str]) -> WeeklyCheck:
    """Read and check the questions: every red flag in the vocabulary, every source key known, both languages."""
    from .protocol_files import TEAM_DEFAULT, _read, source_keys

    doc = _read(path)
    problems: list[str] = []
    try:
        check = WeeklyCheck.model_validate(doc.data)
    except ValidationError as e:
        raise ProtocolError([f"{doc.where(tuple(err['loc']))}: {err['msg']}" for err in e.errors()]) from None
    known = {f.id for f in vocabulary.red_flags}
    for lang in ("en", "ru"):
        for what in ("sheet", "intro", "columns"):
            if lang not in getattr(check, what):
                problems.append(f"{doc.where((what,))}: no '{lang}' text")
        if len(check.columns.get(lang, [])) != 6 or check.columns.get(lang, [""] * 5)[4] != QUESTION_ID_HEADER:
            problems.append(f"{doc.where(('columns', lang))}: six column headers, the fifth '{QUESTION_ID_HEADER}'")
    for i, q in enumerate(check.questions):
        for j, fid in enumerate(q.flags):
            if fid not in known:
                problems.append(f"{doc.where(('questions', i, 'flags', j))}: unknown red flag '{fid}'")
        for lang in ("en", "ru"):
            if lang not in q.text:
                problems.append(f"{doc.where(('questions', i, 'text'))}: no '{lang}' text")
        keys = source_keys(q.source)
        if not keys or any(k != TEAM_DEFAULT and k not in sources for k in keys):
            problems.append(f"{doc.where(('questions', i, 'source'))}: '{q.source}' must start with known source keys")
    if problems:
        raise ProtocolError(problems)
    return check


@functools.lru_cache(maxsize=1)
def default_weekly_check() -> WeeklyCheck:
    from .protocol_files import DEFAULT_PROTOCOLS_DIR, default_sources
    from .vocabulary import default_vocabulary

    return load_weekly_check(DEFAULT_PROTOCOLS_DIR / "weekly-check" / "red-flags.yaml", default_vocabulary(),
                             default_sources())


def week_dates(plan: Plan, week: int) -> tuple[dt.date, dt.date]:
    first = plan.start + dt.timedelta(days=7 * (week - 1))
    return first, min(first + dt.timedelta(days=6), plan.end)


def sheet_rows(plan: Plan, check: WeeklyCheck | None = None) -> list[tuple[int, str, str, str, str]]:
    """(week, dates, question, question id, source) for every week of the plan, in the plan's language."""
    check = check or default_weekly_check()
    lang = plan.language if plan.language in check.sheet else "en"
    rows = []
    for week in range(1, plan.weeks + 1):
        a, b = week_dates(plan, week)
        for q in check.questions:
            rows.append((week, f"{a:%d.%m.%Y} – {b:%d.%m.%Y}", q.text[lang], q.id, q.source))
    return rows


def _answer(value: object) -> bool | None | str:
    from .validate import parse_done

    return parse_done(value)


def read_answers(rows: tuple[tuple[int, tuple], ...], plan: Plan, *, patient_id: str, file: str, sheet: str | None,
                 check: WeeklyCheck | None = None) -> tuple[list[CheckAnswer], list[Rejection], int]:
    """The answered questions of the check sheet; a row that cannot be read is a Rejection saying why.

    Returns (answers, rejections, rows left blank). A blank answer is not an answer (not reported yet)."""
    check = check or default_weekly_check()
    header = next((i for i, (_, values) in enumerate(rows) if QUESTION_ID_HEADER in values), None)
    if header is None:
        return [], [], 0
    cols = rows[header][1]
    c_week, c_answer, c_id = 0, 3, cols.index(QUESTION_ID_HEADER)
    answers: list[CheckAnswer] = []
    rejections: list[Rejection] = []
    seen: dict[tuple[int, str], int] = {}
    blank = 0
    for row, values in rows[header + 1:]:
        get = lambda i: values[i] if i < len(values) else None  # noqa: E731
        qid, given, week_raw = get(c_id), get(c_answer), get(c_week)
        question = check.question(str(qid).strip()) if qid is not None else None
        if given is None:
            blank += 1
            continue

        def reject(what: str, reason: str = "bad-answer") -> None:
            rejections.append(Rejection(file=file, sheet=sheet, row=row, column=check.columns["en"][3],
                                        given=str(given), reason=reason, message=f"{file} sheet '{sheet}' row {row}: {what}"))

        answer = _answer(given)
        try:
            week = int(float(week_raw))
        except (TypeError, ValueError):
            week = 0
        if question is None:
            reject(f"'{qid}' is not a question of the weekly red-flag check; the answer '{given}' is kept here")
        elif not 1 <= week <= plan.weeks:
            reject(f"week '{week_raw}' is not a week of the plan (1 to {plan.weeks})")
        elif answer == "bad" or answer is None:
            reject(f"'{given}' is not a yes or a no; write yes, y, x, 1, да or no, n, 0, нет")
        elif (week, question.id) in seen:
            reject(f"question '{question.id}' of week {week} is answered again (first on row {seen[(week, question.id)]})",
                   "duplicate-row")
        else:
            seen[(week, question.id)] = row
            answers.append(CheckAnswer(patient_id=patient_id, plan_id=plan.id, plan_version=plan.version, week=week,
                                       question=question.id, flags=question.flags, answer=bool(answer),
                                       source_row=row))
    return answers, rejections, blank
