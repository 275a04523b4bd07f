"""What patients send back: accepted log entries, and rejected rows kept with their reason."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ._base import Frozen

#: Columns of the "Log" sheet in the workbook we hand out, in order. The exporter writes them and the
#: importer recognises them; a patient's own spreadsheet is mapped onto the same names.
LOG_COLUMNS: tuple[str, ...] = (
    "Date",
    "Session",
    "Exercise",
    "Exercise ID",
    "Prescribed",
    "Done",
    "Sets done",
    "Reps done",
    "Minutes",
    "Angle (°)",
    "Pain before (0-10)",
    "Pain after (0-10)",
    "Notes",
)

#: Name of the hidden sheet that ties a returned workbook to its plan, and its schema version: 2 is the day-by-day
#: log (physio.daylog); 1 the old one-row-per-session-and-exercise log with LOG_COLUMNS, still read.
META_SHEET = "physio_meta"
WORKBOOK_SCHEMA_VERSION = 2
READABLE_SCHEMA_VERSIONS = (1, 2)

ReasonCode = Literal[
    "missing-date",
    "bad-date",
    "date-outside-plan",
    "unknown-exercise",
    "missing-exercise",
    "bad-number",
    "negative-count",
    "pain-out-of-range",
    "angle-out-of-range",
    "bad-done",
    "duplicate-row",
    "bad-answer",
    "exercise-mismatch",
    "ambiguous-date",
]


class LogEntry(Frozen):
    """One exercise session as the patient reported it."""

    patient_id: str
    plan_id: str
    plan_version: int
    date: dt.date
    session: int = Field(default=1, ge=1)
    exercise_id: str
    #: None when the patient left "Done" blank but filled other cells.
    done: bool | None
    sets_done: int | None = Field(default=None, ge=0)
    reps_done: int | None = Field(default=None, ge=0)
    minutes: float | None = Field(default=None, ge=0)
    angle_deg: float | None = Field(default=None, ge=0, le=90)
    pain_before: float | None = Field(default=None, ge=0, le=10)
    pain_after: float | None = Field(default=None, ge=0, le=10)
    notes: str | None = None
    #: False for a session the patient added that the schedule did not ask for.
    scheduled: bool = True
    #: Row in the file it came from (1-based, as the spreadsheet shows it).
    source_row: int | None = None


class Rejection(Frozen):
    """A row (or one cell of it) that could not be accepted, kept with what was given and why."""

    file: str
    sheet: str | None = None
    row: int
    column: str | None
    given: str | None
    reason: ReasonCode
    message: str
    #: What the patient wrote in the row's notes (cleaned), kept so the therapist sees it with the rejection.
    notes: str | None = None
