"""Outcome-measure answers read from a file (a returned workbook's daily back and leg pain, its weekly PSFS): each
row checked and scored by the same rules as typed answers, and kept or refused with a message naming the row.

    rows = [MeasureRow(where="Log sheet, row 12, column 'Leg pain'", measure_id="nprs-leg", on=day, items={"pain": 6})]
    report = score_rows(rows, birth_year=patient.birth_year, today=today())
    report.read == len(report.accepted) + len(report.rejected)      # always: nothing silently dropped
    for a in report.accepted: ws.record_result(patient.id, a.result, a.answers, by=...)

Pure: no file and no workspace here. A row is a measure row when it holds at least one answer; a day the patient
left blank is not passed in (it is no result, and no rejection either).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

from pydantic import Field, model_validator

from ..models._base import Frozen
from .answers import check_answers
from .models import Answers, Measure, MeasureError, Result
from .series import record


class MeasureRow(Frozen):
    """One set of answers as read from a file: where it stands (file, sheet, row, column, in the therapist's
    words), the instrument, the date, and the answers as written (by item id; PSFS as (activity, score) pairs)."""

    where: str = Field(min_length=1)
    measure_id: str
    on: dt.date
    items: dict[str, Any] = {}
    activities: tuple[tuple[str, Any], ...] = ()


class AcceptedRow(Frozen):
    row: MeasureRow
    result: Result
    answers: Answers


class RejectedRow(Frozen):
    row: MeasureRow
    #: One plain sentence: where, what was wrong, what is allowed (or the instrument's rule that was not met).
    message: str


class MeasureRowsReport(Frozen):
    read: int
    accepted: list[AcceptedRow] = []
    rejected: list[RejectedRow] = []

    @model_validator(mode="after")
    def _every_row_counted(self) -> "MeasureRowsReport":
        if self.read != len(self.accepted) + len(self.rejected):
            raise ValueError(f"{self.read} rows read but {len(self.accepted)} accepted and {len(self.rejected)} "
                             "rejected: a row was lost")
        return self


def score_answers(measure: Measure, *, on: dt.date, birth_year: int, today: dt.date | None = None,
                  items: Mapping[str, Any] | None = None, activities: Sequence[tuple[str, Any]] = (),
                  where: str | None = None) -> tuple[Result, Answers]:
    """Check and score one set of answers and its date; the Result and the checked Answers, ready for
    Workspace.record_result. Refused with a MeasureError (prefixed with `where`) for an impossible answer, a date
    before birth or in the future, or too few answers for a score (naming the instrument's rule)."""
    try:
        answers = check_answers(measure, items, activities)
        result = record(measure, answers, on, birth_year=birth_year, today=today)
    except MeasureError as e:
        raise MeasureError(f"{where}: {e}" if where else str(e)) from None
    if result.score.value is None:
        text = "; ".join(result.score.missing)
        raise MeasureError(f"{where}: {text}" if where else text)
    return result, answers


def score_rows(rows: Sequence[MeasureRow], *, birth_year: int, today: dt.date | None = None,
               measures: Mapping[str, Measure] | None = None) -> MeasureRowsReport:
    """Every row accepted (scored) or rejected with its message; rows read = accepted + rejected."""
    if measures is None:
        from .loader import default_measures

        measures = default_measures()
    accepted: list[AcceptedRow] = []
    rejected: list[RejectedRow] = []
    for row in rows:
        m = measures.get(row.measure_id)
        if m is None:
            rejected.append(RejectedRow(row=row, message=f"{row.where}: there is no outcome measure "
                                                         f"'{row.measure_id}'; the measures are "
                                                         f"{', '.join(sorted(measures))}"))
            continue
        try:
            result, answers = score_answers(m, on=row.on, birth_year=birth_year, today=today, items=row.items,
                                            activities=row.activities, where=row.where)
        except MeasureError as e:
            rejected.append(RejectedRow(row=row, message=str(e)))
            continue
        accepted.append(AcceptedRow(row=row, result=result, answers=answers))
    return MeasureRowsReport(read=len(rows), accepted=accepted, rejected=rejected)
