"""Judge every row of a returned log: accepted as a LogEntry, or kept as a Rejection with every problem it has.

How rows are counted (the numbers every import reports):
  - an *empty line* (no cell filled at all) is not a row of data and is not counted;
  - a *blank schedule row* has only what we printed (date, session, exercise, prescribed dose) and nothing the
    patient fills in (done, counts, minutes, angle, pain, notes): the session is "not reported yet". It is
    counted in `blank_rows`, neither accepted nor rejected;
  - every other row is *read*. It is either accepted (one LogEntry) or rejected. A rejected row counts once in
    `rows_rejected` however many problems it has, and each problem is listed as its own Rejection.
  So rows_read = rows_accepted + rows_rejected, always.

Sessions: a row with a session number keeps it; a row without one is the day's first, second... report of
that exercise. A row that repeats an earlier row exactly (same session number, or no session number once the
day's scheduled sessions of that exercise are filled) is a duplicate-row rejection; a different row for the same
day, session and exercise is an extra session the patient added (scheduled=False).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from .adherence import _frame
from .io.columns import FIELD_HEADER, PATIENT_FIELDS
from .io.logs import RawLog
from .models import LogEntry, Plan, Rejection, ScheduledSession
from .models.log import ReasonCode
from .redflags import clean_text

#: Words (lower case) patients write for "done" and "not done", in English and Russian, plus the usual marks.
DONE_YES: frozenset[str] = frozenset(
    {"yes", "y", "x", "✓", "✔", "☑", "v", "1", "true", "done", "ok", "+", "да", "д", "сделано", "выполнено"}
)
DONE_NO: frozenset[str] = frozenset({"no", "n", "0", "false", "not done", "-", "–", "нет", "н", "не сделано"})

#: Excel counts days from 30 Dec 1899; serial numbers in this window are dates between 1954 and 2119.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (20000, 80000)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?:\s.*)?$")
_LEADING_WORD = re.compile(r"^[^\W\d_]+\.?,?\s+")  # "Mon 07.09.2026", "пн 07.09.2026"
_PAIN_OUT_OF_TEN = re.compile(r"^(-?\d+(?:[.,]\d+)?)\s*/\s*10$")

PAIN_RANGE = (0, 10)
"""Pain is scored 0 (none) to 10 (worst imaginable): the numeric rating scale of the evidence file [O1]."""

ANGLE_RANGE = (0, 90)
"""A board angle is 0° (flat) to 90° (upright), as in the Dose model and the workbook's cell rule."""


@dataclass(frozen=True)
class Validated:
    """The outcome of judging a log's rows; see the module docstring for how rows are counted."""

    entries: list[LogEntry]
    rejections: list[Rejection]
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    blank_rows: int
    #: Accepted sessions the schedule did not ask for (the patient's own extra sessions).
    extra_sessions: int = 0
    #: Distinct rows with at least one rejection, in file order.
    rejected_rows: list[int] = field(default_factory=list)
    #: The accepted entries as a table (adherence.entries_frame's columns, same order as `entries`): summarise
    #: reads it without going through every entry object again.
    frame: pd.DataFrame | None = None


#: The LogEntry fields that differ from row to row, in the order validate() collects them for the frame.
_ROW_FIELDS = ("date", "session", "exercise_id", "done", "sets_done", "reps_done", "minutes", "angle_deg",
               "pain_before", "pain_after", "notes", "scheduled", "source_row")


def parse_date(value: object) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or text: ISO (2026-11-25) or day first (25.11.2026)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if math.isfinite(value) and _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    text = _LEADING_WORD.sub("", str(value).strip())
    if re.fullmatch(r"\d{5}(?:[.,]0+)?", text):
        return parse_date(float(text.replace(",", ".")))
    try:
        m = _ISO.match(text)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _DAY_FIRST.match(text)
        if m:
            year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
            return dt.date(year, int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def parse_done(value: object) -> bool | None | str:
    """True / False, None for blank, or the string "bad" for a word we do not know."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return True if value == 1 else False if value == 0 else "bad"
    word = " ".join(str(value).strip().lower().split())
    if word in DONE_YES:
        return True
    if word in DONE_NO:
        return False
    return "bad"


def parse_number(value: object) -> float | None:
    """A number from a number cell or text ("7,5" with a decimal comma; "3/10" for pain). None if not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    m = _PAIN_OUT_OF_TEN.match(text)
    if m:
        text = m[1]
    try:
        x = float(text.replace(",", "."))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _key(text: object) -> str:
    return " ".join(str(text).casefold().replace("-", " ").replace("_", " ").split())


class _ExerciseIndex:
    """Finds a plan exercise by id or by name, ignoring case, spaces and hyphens."""

    def __init__(self, plan: Plan):
        self.by_key: dict[str, str] = {}
        for pe in plan.exercises:
            self.by_key.setdefault(_key(pe.exercise.id), pe.exercise.id)
            self.by_key.setdefault(_key(pe.exercise.name), pe.exercise.id)
        self.names = ", ".join(f"{pe.exercise.name} ({pe.exercise.id})" for pe in plan.exercises)

    def find(self, value: object) -> str | None:
        return self.by_key.get(_key(value))


def validate(raw: RawLog, plan: Plan, sessions: list[ScheduledSession], *, patient_id: str) -> Validated:
    """Accept or reject every row of `raw` against `plan` and its schedule `sessions`, collecting every problem."""
    fields = raw.fields
    pos = {f: i for i, f in enumerate(fields)}
    patient_pos = [pos[f] for f in PATIENT_FIELDS if f in pos]
    headers = {f: raw.mapping.get(f, FIELD_HEADER[f]) for f in fields}
    exercises = _ExerciseIndex(plan)
    scheduled = {(s.date, s.session, s.exercise_id) for s in sessions}
    first, last = plan.start, plan.end
    span = f"{first:%d.%m.%Y} to {last:%d.%m.%Y}"

    entries: list[LogEntry] = []
    accepted: list[tuple] = []  # each entry's _ROW_FIELDS, for the frame
    rejections: list[Rejection] = []
    rejected_rows: list[int] = []
    blank = extra = 0
    taken: dict[tuple, tuple[tuple, int]] = {}  # (date, session, exercise) → (values, row) of the row that took it
    next_free: dict[tuple, int] = {}
    # (date, exercise) → {values: first row} of the rows without a session number, and the sessions scheduled
    unnumbered: dict[tuple, dict[tuple, int]] = {}
    per_day: dict[tuple, int] = {}
    for d, _, x in scheduled:
        per_day[(d, x)] = per_day.get((d, x), 0) + 1

    def get(values: tuple, f: str) -> object:
        i = pos.get(f)
        return None if i is None else values[i]

    for row, values in raw.rows:
        if not any(values[i] is not None for i in patient_pos):
            blank += 1
            continue
        problems: list[tuple[str | None, object, ReasonCode, str]] = []

        def problem(f: str | None, given: object, reason: ReasonCode, what: str) -> None:
            col = headers.get(f) if f else None
            where = f"row {row}" + (f", column '{col}'" if col else "")
            problems.append((col, given, reason, f"{raw.file} {where}: {what}"))

        # date
        raw_date = get(values, "date")
        date = None
        if raw_date is None:
            problem("date", None, "missing-date", f"the date is blank; write the day of the session ({span})")
        else:
            date = parse_date(raw_date)
            if date is None:
                problem("date", raw_date, "bad-date",
                        f"'{_shown(raw_date)}' is not a date we can read; write it as 25.11.2026 or 2026-11-25")
            elif not first <= date <= last:
                problem("date", raw_date, "date-outside-plan",
                        f"{date:%d.%m.%Y} is outside the plan, which runs from {span}")

        # exercise: the id column first, then the name
        ex_id = None
        given_id, given_name = get(values, "exercise_id"), get(values, "exercise")
        for f, given in (("exercise_id", given_id), ("exercise", given_name)):
            if given is not None:
                ex_id = exercises.find(given)
                if ex_id is not None:
                    break
        if ex_id is None:
            if given_id is None and given_name is None:
                problem("exercise", None, "missing-exercise",
                        f"the exercise is blank; write one of the plan's exercises: {exercises.names}")
            else:
                f, given = ("exercise", given_name) if given_name is not None else ("exercise_id", given_id)
                problem(f, given, "unknown-exercise",
                        f"'{_shown(given)}' is not an exercise of plan {plan.label}; its exercises are: {exercises.names}")

        # session number
        session = None
        raw_session = get(values, "session")
        if raw_session is not None:
            x = parse_number(raw_session)
            if x is None or x < 1 or not x.is_integer():
                problem("session", raw_session, "bad-number",
                        f"'{_shown(raw_session)}' is not a session number; use a whole number from 1")
            else:
                session = int(x)

        # done
        raw_done = get(values, "done")
        done = parse_done(raw_done)
        if done == "bad":
            problem("done", raw_done, "bad-done",
                    f"'{_shown(raw_done)}' is not a yes or a no; write yes, y, x, ✓, 1, да (done) or no, n, 0, нет (not done)")
            done = None

        counts: dict[str, object] = {}
        for f, whole, lo, hi, code in (
            ("sets_done", True, 0, None, "negative-count"),
            ("reps_done", True, 0, None, "negative-count"),
            ("minutes", False, 0, None, "negative-count"),
            ("angle_deg", False, *ANGLE_RANGE, "angle-out-of-range"),
            ("pain_before", False, *PAIN_RANGE, "pain-out-of-range"),
            ("pain_after", False, *PAIN_RANGE, "pain-out-of-range"),
        ):
            given = get(values, f)
            if given is None:
                counts[f] = None
                continue
            x = parse_number(given)
            label = FIELD_HEADER[f]
            if x is None:
                problem(f, given, "bad-number", f"'{_shown(given)}' is not a number; {label} must be a number")
            elif hi is None and x < lo:
                problem(f, given, code, f"{_shown(given)} is below zero; {label} is a count of 0 or more")
            elif hi is not None and not lo <= x <= hi:
                what = "pain is scored from 0 (none) to 10 (worst imaginable)" if f.startswith("pain") else \
                    "the board angle is from 0° (flat) to 90° (upright)"
                problem(f, given, code, f"{_shown(given)} is outside {lo}-{hi}; {what}")
            elif whole and not x.is_integer():
                problem(f, given, "bad-number", f"{_shown(given)} is not a whole number; {label} counts whole times")
            else:
                counts[f] = int(x) if whole else x

        notes_raw = get(values, "notes")
        notes = None
        if notes_raw is not None:
            notes = clean_text(_shown(notes_raw)) or None

        if not problems and date is not None and ex_id is not None:
            day = (date, ex_id)
            is_extra = False
            if session is not None and (date, session, ex_id) in taken:
                earlier_values, earlier_row = taken[(date, session, ex_id)]
                if earlier_values == values:
                    problem(None, None, "duplicate-row",
                            f"this row repeats row {earlier_row} exactly (same date, session and exercise); "
                            "it is counted once")
                else:
                    session, is_extra = None, True  # a second report for the same slot: the patient's extra session
            elif session is None:
                # Without session numbers, identical lines fill the day's scheduled sessions of the exercise (twice
                # a day is written as two equal lines); one more identical line is a copy, not another session.
                same = unnumbered.setdefault(day, {})
                if values in same and next_free.get(day, 1) > per_day.get(day, 0):
                    problem(None, None, "duplicate-row",
                            f"this row repeats row {same[values]} exactly, and the plan has only "
                            f"{per_day.get(day, 0)} session(s) of this exercise on {date:%d.%m.%Y}; it is counted "
                            "once. If the patient really did it again, write a session number or a note on the row")
                same.setdefault(values, row)
            if not problems:
                if session is None:
                    n = next_free.get(day, 1)
                    while (date, n, ex_id) in taken:
                        n += 1
                    session = n
                    next_free[day] = n + 1
                taken[(date, session, ex_id)] = (values, row)
                on_schedule = (date, session, ex_id) in scheduled and not is_extra
                if not on_schedule:
                    extra += 1
                entries.append(
                    LogEntry(
                        patient_id=patient_id,
                        plan_id=plan.id,
                        plan_version=plan.version,
                        date=date,
                        session=session,
                        exercise_id=ex_id,
                        done=done,
                        notes=notes,
                        scheduled=on_schedule,
                        source_row=row,
                        **counts,
                    )
                )
                accepted.append((date, session, ex_id, done, counts["sets_done"], counts["reps_done"],
                                 counts["minutes"], counts["angle_deg"], counts["pain_before"], counts["pain_after"],
                                 notes, on_schedule, row))
                continue
        rejected_rows.append(row)
        for col, given, reason, message in problems:
            rejections.append(
                Rejection(
                    file=raw.file,
                    sheet=raw.sheet,
                    row=row,
                    column=col,
                    given=None if given is None else _shown(given),
                    reason=reason,
                    message=message,
                    notes=notes,
                )
            )

    return Validated(
        entries=entries,
        rejections=rejections,
        rows_read=len(entries) + len(rejected_rows),
        rows_accepted=len(entries),
        rows_rejected=len(rejected_rows),
        blank_rows=blank,
        extra_sessions=extra,
        rejected_rows=rejected_rows,
        frame=_accepted_frame(accepted, plan, patient_id),
    )


def _accepted_frame(accepted: list[tuple], plan: Plan, patient_id: str) -> pd.DataFrame:
    columns = zip(*accepted) if accepted else ([] for _ in _ROW_FIELDS)
    cols = dict(zip(_ROW_FIELDS, map(list, columns)))
    n = len(accepted)
    cols.update(patient_id=[patient_id] * n, plan_id=[plan.id] * n, plan_version=[plan.version] * n)
    return _frame(cols)
