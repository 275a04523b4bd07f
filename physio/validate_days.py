"""Judge a returned day-by-day log (physio.daylog): ticks become log entries, daily pain and weekly activity
scores become outcome-measure answers (NPRS back, NPRS leg, PSFS). Pure: no files, no workspace.

How it is counted (the numbers every import reports):
  - a *row* with nothing filled in (no tick, pain, angle or note) has not been reported yet: each session of an
    exercise scheduled on it counts in `blank_rows`, as an unfilled row of the old log did;
  - in a row that is filled in, every exercise scheduled on it is *read*: a tick (✓, x, yes, да...) is done,
    an empty cell is not done; a word that is no tick (or a bad board angle) rejects that one session report and
    keeps the others. A tick where nothing is scheduled is an extra session the patient added.
    So sessions read = accepted + rejected, as in physio.validate;
  - every pain or activity score written is a *value read*: accepted (0 to 10, a whole number) or rejected with
    the file, sheet, row, column and what is allowed. So values read = accepted + rejected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import daylog
from .measures import Answers, MeasureError, check_answers, default_measures
from .models import LogEntry, Plan, Rejection, ScheduledSession
from .models.log import ReasonCode
from .redflags import clean_text
from .validate import ANGLE_RANGE, PAIN_RANGE, Validated, _accepted_frame, _shown, parse_date, parse_done, parse_number

PSFS = "psfs"


@dataclass(frozen=True)
class Reading:
    """One accepted outcome-measure answer sheet read from the log: a day's back or leg pain, a week's activities."""

    measure_id: str
    on: dt.date
    answers: Answers
    sheet: str | None
    row: int


@dataclass(frozen=True)
class DayLog:
    """What a day-by-day log holds: the log entries (as from physio.validate) and the measure answers."""

    checked: Validated
    readings: list[Reading] = field(default_factory=list)
    #: The rejected pain and activity scores (the rejected session reports are in checked.rejections).
    value_rejections: list[Rejection] = field(default_factory=list)
    values_read: int = 0
    values_accepted: int = 0

    @property
    def values_rejected(self) -> int:
        return len(self.value_rejections)


class _Collector:
    """Entries, rejections and counts, gathered row by row."""

    def __init__(self, raw, plan: Plan, patient_id: str):
        self.raw, self.plan, self.patient_id = raw, plan, patient_id
        self.entries: list[LogEntry] = []
        self.accepted: list[tuple] = []
        self.rejections: list[Rejection] = []
        self.rejected_rows: list[int] = []
        self.rejected_reports = 0
        self.value_rejections: list[Rejection] = []
        self.readings: list[Reading] = []
        self.values_read = 0
        self.values_accepted = 0

    def where(self, sheet: str | None, row: int, column: str | None) -> str:
        return f"{self.raw.file} sheet '{sheet}' row {row}" + (f", column '{column}'" if column else "")

    def reject(self, row: int, column: str | None, given: object, reason: ReasonCode, what: str, notes: str | None,
               *, value: bool = False, sheet: str | None = None) -> None:
        sheet = sheet if sheet is not None else self.raw.sheet
        r = Rejection(file=self.raw.file, sheet=sheet, row=row, column=column,
                      given=None if given is None else _shown(given), reason=reason,
                      message=f"{self.where(sheet, row, column)}: {what}", notes=notes)
        if sheet == self.raw.sheet and row not in self.rejected_rows:
            self.rejected_rows.append(row)  # rows with any rejection, as physio.validate lists them
        if value:
            self.value_rejections.append(r)
            return
        self.rejections.append(r)
        self.rejected_reports += 1

    def entry(self, date: dt.date, session: int, exercise_id: str, done: bool, angle: float | None,
              notes: str | None, scheduled: bool, row: int) -> None:
        self.entries.append(LogEntry(patient_id=self.patient_id, plan_id=self.plan.id, plan_version=self.plan.version,
                                     date=date, session=session, exercise_id=exercise_id, done=done, angle_deg=angle,
                                     notes=notes, scheduled=scheduled, source_row=row))
        self.accepted.append((date, session, exercise_id, done, None, None, None, angle, None, None, notes,
                              scheduled, row))


_SCORE_ALLOWED = "a whole number from 0 ({low}) to 10 ({high})"


def score_problem(given: object, low: str, high: str) -> tuple[ReasonCode, str] | None:
    """Why a 0–10 score cannot be taken as written (None when it can)."""
    allowed = _SCORE_ALLOWED.format(low=low, high=high)
    x = parse_number(given)
    if x is None:
        return "bad-number", f"'{_shown(given)}' is not a number; write {allowed}"
    if not PAIN_RANGE[0] <= x <= PAIN_RANGE[1]:
        return "pain-out-of-range", f"{_shown(given)} is outside 0–10; write {allowed}"
    if not x.is_integer():
        return "bad-number", f"{_shown(given)} is not a whole number; write {allowed}"
    return None


def validate_days(raw, plan: Plan, sessions: list[ScheduledSession], *, patient_id: str) -> DayLog:
    """Accept or reject every session report and every score of a day-by-day log (see the module docstring)."""
    pos = {k: i for i, k in enumerate(raw.fields)}
    scheduled = {(s.date, s.session, s.exercise_id) for s in sessions}
    board = set(daylog.board_exercises(plan))
    ex_ids = [pe.exercise.id for pe in plan.exercises]
    measures = default_measures()
    out = _Collector(raw, plan, patient_id)
    blank = sessions_found = 0
    span = f"{plan.start:%d.%m.%Y} to {plan.end:%d.%m.%Y}"

    def get(values: tuple, key: str) -> object:
        i = pos.get(key)
        return None if i is None else values[i]

    for row, values in raw.rows:
        date = parse_date(get(values, daylog.DATE))
        session_raw = parse_number(get(values, daylog.SESSION)) if daylog.SESSION in pos else 1.0
        session = int(session_raw) if session_raw and session_raw.is_integer() and session_raw >= 1 else 1
        in_plan = date is not None and plan.start <= date <= plan.end
        sessions_found += in_plan
        ticks = {x: get(values, daylog.TICK + x) for x in ex_ids}
        due = [x for x in ex_ids if in_plan and (date, session, x) in scheduled]
        if all(get(values, k) is None for k in daylog.ENTRY_KEYS) and all(v is None for v in ticks.values()):
            blank += len(due)
            continue
        note_given = get(values, daylog.NOTES)
        notes = (clean_text(_shown(note_given)) or None) if note_given is not None else None
        if not in_plan:
            shown = get(values, daylog.DATE)
            out.reject(row, raw.mapping.get(daylog.DATE), shown, "bad-date" if date is None else "date-outside-plan",
                       f"'{_shown(shown)}' is not a day of the plan ({span}); the ticks, pain and note of this row "
                       "were not read. Write them on the row of their day", notes)
            continue
        angle, angle_problem = _angle(get(values, daylog.ANGLE))
        first = True
        for x in ex_ids:
            given, due_here = ticks[x], x in due
            done = parse_done(given)
            column = raw.mapping.get(daylog.TICK + x)
            if done == "bad":
                out.reject(row, column, given, "bad-done",
                           f"'{_shown(given)}' is not a tick; pick ✓ from the list (x, yes and да are read too) if "
                           "the exercise was done, or leave the cell empty", notes)
                continue
            if not due_here and done is not True:
                continue  # nothing scheduled, nothing ticked
            if x in board and angle_problem and done:
                out.reject(row, raw.mapping.get(daylog.ANGLE), get(values, daylog.ANGLE), angle_problem[0],
                           angle_problem[1], notes)
                continue
            out.entry(date, session, x, bool(done), angle if x in board and done else None,
                      notes if first else None, due_here, row)
            first = False
        for key in (daylog.BACK_PAIN, daylog.LEG_PAIN):
            _pain(out, measures[daylog.PAIN_MEASURES[key]], get(values, key), date, row,
                  raw.mapping.get(key), notes)
    _psfs(out, raw, plan, measures.get(PSFS))
    entries = out.entries
    checked = Validated(
        entries=entries, rejections=out.rejections, rows_read=len(entries) + out.rejected_reports,
        rows_accepted=len(entries), rows_rejected=out.rejected_reports, blank_rows=blank,
        extra_sessions=sum(not e.scheduled for e in entries), rejected_rows=out.rejected_rows,
        frame=_accepted_frame(out.accepted, plan, patient_id), sessions_found=sessions_found,
    )
    return DayLog(checked=checked, readings=out.readings, value_rejections=out.value_rejections,
                  values_read=out.values_read, values_accepted=out.values_accepted)


def _angle(given: object) -> tuple[float | None, tuple[ReasonCode, str] | None]:
    if given is None:
        return None, None
    x = parse_number(given)
    lo, hi = ANGLE_RANGE
    if x is None:
        return None, ("bad-number", f"'{_shown(given)}' is not a number; the board angle is a whole number of "
                                    f"degrees from {lo} (flat) to {hi} (upright)")
    if not lo <= x <= hi:
        return None, ("angle-out-of-range", f"{_shown(given)} is outside {lo}–{hi}; the board angle is from {lo}° "
                                            f"(flat) to {hi}° (upright)")
    return x, None


def _pain(out: _Collector, measure, given: object, date: dt.date, row: int, column: str | None,
          notes: str | None) -> None:
    if given is None:
        return
    out.values_read += 1
    problem = score_problem(given, "no pain", "the worst pain you can imagine")
    if problem:
        out.reject(row, column, given, problem[0], problem[1], notes, value=True)
        return
    answers = check_answers(measure, {measure.items[0].id: parse_number(given)})
    out.readings.append(Reading(measure.id, date, answers, out.raw.sheet, row))
    out.values_accepted += 1


def _psfs(out: _Collector, raw, plan: Plan, measure) -> None:
    """One PSFS answer sheet per week with at least one activity scored, dated the week's last day."""
    if not raw.psfs_rows or measure is None:
        return
    head = int((raw.meta or {}).get("psfs_header_row", 0))
    for row, values in raw.psfs_rows:
        week = row - head
        if not 1 <= week <= plan.weeks:
            continue  # below the table: read for red flags only
        scored: list[tuple[str, float]] = []
        for i, activity in enumerate(raw.psfs_activities):
            given = values[2 + i] if 2 + i < len(values) else None
            if given is None:
                continue
            out.values_read += 1
            problem = score_problem(given, "unable to do it", "as well as before the problem")
            if problem:
                out.reject(row, activity, given, problem[0], problem[1], None, value=True, sheet=raw.psfs_sheet)
                continue
            scored.append((activity, parse_number(given)))
        if not scored:
            continue
        try:
            answers = check_answers(measure, activities=scored)
        except MeasureError as e:  # e.g. more activities than the instrument allows: kept as rejections, said why
            for activity, value in scored:
                out.reject(row, activity, value, "bad-number", str(e), None, value=True, sheet=raw.psfs_sheet)
            continue
        last = min(plan.start + dt.timedelta(days=7 * week - 1), plan.end)
        out.readings.append(Reading(measure.id, last, answers, raw.psfs_sheet, row))
        out.values_accepted += len(scored)
