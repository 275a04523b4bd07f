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

from . import cells, daylog
from .measures import Answers, MeasureError, check_answers, default_measures
from .models import Plan, Rejection, ScheduledSession
from .models.log import ReasonCode
from .redflags import clean_text
from .validate import (_ROW_FIELDS, ANGLE_RANGE, PAIN_RANGE, Validated, _Columns, _shown,
                       parse_date, parse_done, parse_number, scheduled_slots)

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
    """Accepted session reports (as rows of the LogEntry fields), rejections, readings and counts, in file order."""

    def __init__(self, raw):
        self.raw = raw
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
        self.accepted.append((date, session, exercise_id, done, None, None, None, angle, None, None, notes,
                              scheduled, row))

    def table(self) -> dict[str, list]:
        """The accepted reports as one list per LogEntry field (_ROW_FIELDS)."""
        columns = zip(*self.accepted) if self.accepted else ([] for _ in _ROW_FIELDS)
        return dict(zip(_ROW_FIELDS, map(list, columns)))


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


class _Judged:
    """Every column of a day-by-day log judged at once (physio.cells: each distinct cell once): the dates, the
    session numbers, each exercise's ticks, the board angle, the two daily pains and the notes."""

    def __init__(self, raw, plan: Plan):
        log = _Columns(raw)
        self.n = log.n
        self.ex_ids = [pe.exercise.id for pe in plan.exercises]
        self.given_date = log.column(daylog.DATE)
        self.dates = cells.judge_column(self.given_date, parse_date)
        self.sessions = cells.judge_column(log.column(daylog.SESSION), _session) if daylog.SESSION in raw.fields \
            else [1] * self.n
        self.ticks = {x: cells.judge_column(log.column(daylog.TICK + x), parse_done) for x in self.ex_ids}
        self.given_ticks = {x: log.column(daylog.TICK + x) for x in self.ex_ids}
        self.given_angle = log.column(daylog.ANGLE)
        self.angles = cells.judge_column(self.given_angle, _angle)
        self.notes = cells.judge_column(log.column(daylog.NOTES), _note)
        measures = default_measures()
        self.given_pain = {k: log.column(k) for k in (daylog.BACK_PAIN, daylog.LEG_PAIN)}
        self.pains = {k: cells.judge_column(col, _pain_rule(measures[daylog.PAIN_MEASURES[k]]))
                      for k, col in self.given_pain.items()}
        present = [log.column(k) for k in (*daylog.ENTRY_KEYS, *(daylog.TICK + x for x in self.ex_ids))
                   if k in raw.fields]
        self.reported = cells.filled(present, self.n)


@cells.with_collector_paused
def validate_days(raw, plan: Plan, sessions: list[ScheduledSession], *, patient_id: str) -> DayLog:
    """Accept or reject every session report and every score of a day-by-day log (see the module docstring).

    Each cell rule is applied to a whole column at once (_Judged); only the spreading of a row's ticks into
    session reports goes row by row. The accepted values are the LogEntry's own bounds, so the entries are made
    from them without checking each field again (pydantic at the boundary: tests/test_golden_imports.py checks
    every entry validates), when first asked for (physio.validate.Validated)."""
    judged = _Judged(raw, plan)
    scheduled = scheduled_slots(sessions)
    board = set(daylog.board_exercises(plan))
    out = _Collector(raw)
    blank = sessions_found = 0
    first_day, last_day = plan.start, plan.end
    span = f"{first_day:%d.%m.%Y} to {last_day:%d.%m.%Y}"
    for i, (row, _) in enumerate(raw.rows):
        date, session = judged.dates[i], judged.sessions[i]
        in_plan = date is not None and first_day <= date <= last_day
        sessions_found += in_plan
        due = {x for x in judged.ex_ids if in_plan and (date, session, x) in scheduled}
        if not judged.reported[i]:
            blank += len(due)
            continue
        notes = judged.notes[i]
        if not in_plan:
            shown = judged.given_date[i]
            out.reject(row, raw.mapping.get(daylog.DATE), shown, "bad-date" if date is None else "date-outside-plan",
                       f"'{_shown(shown)}' is not a day of the plan ({span}); the ticks, pain and note of this row "
                       "were not read. Write them on the row of their day", notes)
            continue
        _reports_of_the_row(out, raw, judged, i, row, date, session, due, board, notes)
        for key in (daylog.BACK_PAIN, daylog.LEG_PAIN):
            _pain(out, judged, key, i, date, row, raw.mapping.get(key), notes)
    _psfs(out, raw, plan, default_measures().get(PSFS))
    return _day_log(out, plan, patient_id, blank, sessions_found)


def _reports_of_the_row(out: _Collector, raw, judged: _Judged, i: int, row: int, date: dt.date, session: int,
                        due: set[str], board: set[str], notes: str | None) -> None:
    """The row's session reports, one per exercise due or ticked, in plan order; the row's note goes with the
    first accepted one."""
    angle, angle_problem = judged.angles[i]
    first = True
    for x in judged.ex_ids:
        done = judged.ticks[x][i]
        if done == "bad":
            given = judged.given_ticks[x][i]
            out.reject(row, raw.mapping.get(daylog.TICK + x), given, "bad-done",
                       f"'{_shown(given)}' is not a tick; pick ✓ from the list (x, yes and да are read too) if "
                       "the exercise was done, or leave the cell empty", notes)
            continue
        due_here = x in due
        if not due_here and done is not True:
            continue  # nothing scheduled, nothing ticked
        if x in board and angle_problem and done:
            out.reject(row, raw.mapping.get(daylog.ANGLE), judged.given_angle[i], angle_problem[0],
                       angle_problem[1], notes)
            continue
        out.entry(date, session, x, bool(done), angle if x in board and done else None,
                  notes if first else None, due_here, row)
        first = False


def _day_log(out: _Collector, plan: Plan, patient_id: str, blank: int, sessions_found: int) -> DayLog:
    table = out.table()
    accepted = len(table["date"])
    checked = Validated(
        rejections=out.rejections,
        rows_read=accepted + out.rejected_reports, rows_accepted=accepted, rows_rejected=out.rejected_reports,
        blank_rows=blank, extra_sessions=table["scheduled"].count(False), rejected_rows=out.rejected_rows,
        sessions_found=sessions_found, table=table, owner=(patient_id, plan.id, plan.version),
    )
    return DayLog(checked=checked, readings=out.readings, value_rejections=out.value_rejections,
                  values_read=out.values_read, values_accepted=out.values_accepted)


def _session(given: object) -> int:
    """The session a row is: its number when it is a whole number from 1, else the day's first."""
    x = parse_number(given) if given is not None else 1.0
    return int(x) if x and x.is_integer() and x >= 1 else 1


def _note(given: object) -> str | None:
    return (clean_text(_shown(given)) or None) if given is not None else None


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


def _pain_rule(measure):
    """The rule of a daily pain column: (the checked answers, None) or (None, the problem) for a written score."""
    def judge(given: object):
        if given is None:
            return None, None
        problem = score_problem(given, "no pain", "the worst pain you can imagine")
        if problem:
            return None, problem
        return check_answers(measure, {measure.items[0].id: parse_number(given)}), None
    return judge


def _pain(out: _Collector, judged: _Judged, key: str, i: int, date: dt.date, row: int, column: str | None,
          notes: str | None) -> None:
    given = judged.given_pain[key][i]
    if given is None:
        return
    out.values_read += 1
    answers, problem = judged.pains[key][i]
    if problem:
        out.reject(row, column, given, problem[0], problem[1], notes, value=True)
        return
    out.readings.append(Reading(answers.measure_id, date, answers, out.raw.sheet, row))
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
