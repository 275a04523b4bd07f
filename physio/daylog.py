"""The day-by-day log a patient fills in: which rows and columns it has (pure; no files).

One row per day of the plan, or one per session on days with more than one session; one tick column per exercise;
back pain and leg pain once a day; a notes cell. The writer (physio.io.log_sheet) lays these out, the reader
(physio.io.logs) finds them again through the keys below (kept in the workbook's hidden sheet), and
physio.validate_days judges what the patient wrote. A key never depends on the patient's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import Plan, ScheduledSession

#: Column keys of the log (language-independent); a tick column is TICK + the exercise id.
DATE, SESSION, ANGLE, BACK_PAIN, LEG_PAIN, NOTES = "date", "session", "angle", "pain:back", "pain:leg", "notes"
TICK = "tick:"

#: The outcome measure each daily pain column is a result of (protocols/measures/nprs-*.yaml).
PAIN_MEASURES: dict[str, str] = {BACK_PAIN: "nprs-back", LEG_PAIN: "nprs-leg"}

#: The keys the patient fills in (a row with none of them filled has not been reported yet).
ENTRY_KEYS: tuple[str, ...] = (ANGLE, BACK_PAIN, LEG_PAIN, NOTES)


@dataclass(frozen=True)
class DayRow:
    """One row of the log: a day, or one session of a day with several."""

    date: dt.date
    session: int
    week: int
    #: The exercises scheduled in this session, in plan order (their tick cells are the ones to fill).
    exercises: tuple[str, ...]
    #: Pain is asked once a day, on the day's first row.
    first_of_day: bool
    #: The last row of a plan week (a thick line under it; the weekly questions are due).
    last_of_week: bool


def day_rows(plan: Plan, sessions: list[ScheduledSession]) -> list[DayRow]:
    """Every day from the plan's start to its end, split into its sessions (a day with nothing scheduled keeps
    one row, for the daily pain)."""
    by_slot: dict[tuple[dt.date, int], list[str]] = {}
    for s in sessions:
        by_slot.setdefault((s.date, s.session), []).append(s.exercise_id)
    order = {pe.exercise.id: i for i, pe in enumerate(plan.exercises)}
    rows: list[DayRow] = []
    days = (plan.end - plan.start).days + 1
    for d in range(days):
        date = plan.start + dt.timedelta(days=d)
        n = max([s for (day, s) in by_slot if day == date], default=1)
        week = d // 7 + 1
        for s in range(1, n + 1):
            ids = tuple(sorted(by_slot.get((date, s), []), key=order.__getitem__))
            rows.append(DayRow(date, s, week, ids, s == 1, s == n and (d % 7 == 6 or d == days - 1)))
    return rows


def has_sessions(rows: list[DayRow]) -> bool:
    """Whether any day has more than one session (only then is there a Session column)."""
    return any(r.session > 1 for r in rows)


def board_exercises(plan: Plan) -> tuple[str, ...]:
    """The exercises done at a board angle (only a plan with one of them gets an angle column)."""
    return tuple(pe.exercise.id for pe in plan.exercises if pe.dose.angle_deg is not None)


def column_keys(plan: Plan, rows: list[DayRow]) -> list[str]:
    """The log's columns in order: date (and session), a tick per exercise, the angle on board plans, back pain,
    leg pain, notes. Entry columns come right after the date so the log works on a phone's narrow screen."""
    keys = [DATE] + ([SESSION] if has_sessions(rows) else [])
    keys += [TICK + pe.exercise.id for pe in plan.exercises]
    if board_exercises(plan):
        keys.append(ANGLE)
    return keys + [BACK_PAIN, LEG_PAIN, NOTES]
