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
import functools
import math
import operator
import re
from collections import Counter
from itertools import compress
from dataclasses import dataclass, field, replace

import pandas as pd

from . import cells
from .adherence import _frame
from .io.columns import FIELD_HEADER, PATIENT_FIELDS
from .errors import LogImportError
from .io.logs import _MAPPING_HINT, RawLog
from .models import LogEntry, Plan, Rejection, ScheduledSession
from .models._base import built_without_checks, fields_set_of
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
    """The outcome of judging a log's rows; see the module docstring for how rows are counted.

    The accepted rows are kept as a table (one list per LogEntry field); the entry objects and the frame are made
    from it when first asked for (storing, the review, summarise): judging a file makes no object per row."""

    rejections: list[Rejection]
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    blank_rows: int
    #: Accepted sessions the schedule did not ask for (the patient's own extra sessions).
    extra_sessions: int = 0
    #: Distinct rows with at least one rejection, in file order.
    rejected_rows: list[int] = field(default_factory=list)
    #: Rows (blank schedule rows included) whose date lies in the plan and whose exercise is one of the plan's:
    #: rows that are sessions of this plan at all. None of them means the file is not a log of this plan.
    sessions_found: int = 0
    #: The accepted rows as one list per LogEntry field that changes from row to row (_ROW_FIELDS), in file order.
    table: dict[str, list] | None = None
    #: Whose rows they are: (patient id, plan id, plan version), what every entry carries besides its row.
    owner: tuple[str, str, int] | None = None

    @functools.cached_property
    def entries(self) -> list[LogEntry]:
        """The accepted rows as LogEntry objects, in file order."""
        if not self.table or self.owner is None:
            return []
        with cells.collector_paused():  # thousands of small objects, none in a cycle (see collector_paused)
            return _trusted_entries(self.table, *self.owner)

    @functools.cached_property
    def frame(self) -> pd.DataFrame:
        """The accepted rows as adherence.entries_frame's table (same order as `entries`): summarise reads it
        without going through every entry object."""
        table = self.table or {f: [] for f in _ROW_FIELDS}
        return _accepted_frame_of_columns(table, *(self.owner or ("", "", 0)))

    def __getstate__(self) -> dict:
        """Pickled (sent to another process) without the entry objects or frame already made: pickling thousands
        of entries costs more than making them again from the table where they are needed."""
        return {k: v for k, v in vars(self).items() if k not in ("entries", "frame")}


#: The LogEntry fields that differ from row to row, in the order validate() collects them for the frame.
_ROW_FIELDS = ("date", "session", "exercise_id", "done", "sets_done", "reps_done", "minutes", "angle_deg",
               "pain_before", "pain_after", "notes", "scheduled", "source_row")


def date_readings(value: object) -> tuple[dt.date, ...]:
    """Every date a cell can mean: one for a date cell, an Excel serial number, ISO text (2026-11-25) or text
    with dots (25.11.2026: day first, as wherever dots are written); with slashes or dashes (07/09/2026) both the
    day-first and the month-first reading when both are real dates. Empty when it is no date at all."""
    if isinstance(value, dt.datetime):
        return (value.date(),)
    if isinstance(value, dt.date):
        return (value,)
    if isinstance(value, bool):
        return ()
    if isinstance(value, (int, float)):
        if math.isfinite(value) and _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return (_EXCEL_EPOCH + dt.timedelta(days=int(value)),)
        return ()
    text = _LEADING_WORD.sub("", str(value).strip())
    if re.fullmatch(r"\d{5}(?:[.,]0+)?", text):
        return date_readings(float(text.replace(",", ".")))
    m = _ISO.match(text)
    if m:
        return tuple(_dates((int(m[1]), int(m[2]), int(m[3]))))
    m = _DAY_FIRST.match(text)
    if not m:
        return ()
    year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
    first, second = int(m[1]), int(m[2])
    if "." in text[: m.end(2)]:
        return tuple(_dates((year, second, first)))
    return tuple(dict.fromkeys(_dates((year, second, first), (year, first, second))))


def _dates(*ymds: tuple[int, int, int]):
    for y, mo, d in ymds:
        try:
            yield dt.date(y, mo, d)
        except ValueError:
            pass


def parse_date(value: object) -> dt.date | None:
    """The date a cell means when it can mean only one (see date_readings); None for no date or two."""
    readings = date_readings(value)
    return readings[0] if len(readings) == 1 else None


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


def _words(text: object) -> list[str]:
    return [w for w in re.split(r"[\W_]+", str(text).casefold()) if len(w) >= 3]


class _ExerciseIndex:
    """Finds a plan exercise by id or by name, ignoring case, spaces and hyphens."""

    def __init__(self, plan: Plan):
        self.by_key: dict[str, str] = {}
        self.words: dict[str, set[str]] = {
            pe.exercise.id: set(_words(pe.exercise.name)) | set(_words(pe.exercise.id)) for pe in plan.exercises
        }
        for pe in plan.exercises:
            self.by_key.setdefault(_key(pe.exercise.id), pe.exercise.id)
            self.by_key.setdefault(_key(pe.exercise.name), pe.exercise.id)
        self.names = ", ".join(f"{pe.exercise.name} ({pe.exercise.id})" for pe in plan.exercises)

    def find(self, value: object) -> str | None:
        return self.by_key.get(_key(value))

    def shares_word(self, text: object, exercise_id: str) -> bool:
        """Whether `text` has a word (3 letters or more) of the exercise's name or id."""
        if exercise_id not in self.words:
            return False
        return bool(set(_words(text)) & self.words[exercise_id])


@cells.with_collector_paused
def validate(raw: RawLog, plan: Plan, sessions: list[ScheduledSession], *, patient_id: str) -> Validated:
    """Accept or reject every row of `raw` against `plan` and its schedule `sessions`, collecting every problem.

    Each rule is applied to a whole column (physio.cells); only the sessions of a day are worked out row by row,
    as they depend on the rows above. The accepted rows are kept as a table (Validated.entries makes the objects)."""
    rules = _Rules(plan, sessions)
    log = _Columns(raw)
    dates = cells.judge_column(log.column("date"), rules.judge_date)
    exercises = cells.judge_pairs(log.column("exercise_id"), log.column("exercise"), rules.judge_exercise)
    sessions_found = sum(1 for (d, dp), (x, _) in zip(dates, exercises) if d is not None and dp is None and x is not None)
    reported = cells.filled([log.column(f) for f in PATIENT_FIELDS if f in log.fields], log.n)
    values = {f: cells.judge_column(log.column(f), judge) for f, judge in _FIELD_RULES.items() if f in log.fields}
    problems = _row_problems(reported, dates, exercises, values)
    day = _SessionsOfTheDay(rules, raw.rows)
    candidates = [i for i in cells.where(reported) if i not in problems]
    accepted = day.place_all(candidates, dates, values.get("session"), exercises, problems)
    notes = cells.judge_column(log.column("notes"), _note) if "notes" in log.fields else None
    rejections, rejected_rows = _rejections(raw, log, problems, notes)
    table = _accepted_table(accepted, raw.rows, dates, exercises, values, notes, day.slots)
    n = len(table["date"])
    return Validated(
        rejections=rejections,
        rows_read=n + len(rejected_rows),
        rows_accepted=n,
        rows_rejected=len(rejected_rows),
        blank_rows=len(reported) - sum(reported),
        extra_sessions=table["scheduled"].count(False),
        rejected_rows=rejected_rows,
        sessions_found=sessions_found,
        table=table,
        owner=(patient_id, plan.id, plan.version),
    )


_SLOT = operator.attrgetter("date", "session", "exercise_id")


def scheduled_slots(sessions: list[ScheduledSession]) -> set[tuple[dt.date, int, str]]:
    """(date, session, exercise) of every scheduled session."""
    return set(map(_SLOT, sessions))


class _Rules:
    """What every row is judged against: the plan's dates and exercises, and its schedule."""

    def __init__(self, plan: Plan, sessions: list[ScheduledSession]):
        self.plan = plan
        self.exercises = _ExerciseIndex(plan)
        self.scheduled = scheduled_slots(sessions)
        self.first, self.last = plan.start, plan.end
        self.span = f"{self.first:%d.%m.%Y} to {self.last:%d.%m.%Y}"
        self._per_day: dict[tuple, int] | None = None

    @property
    def per_day(self) -> dict[tuple, int]:
        """(date, exercise) → how many sessions of it the schedule has that day (worked out when first asked)."""
        if self._per_day is None:
            self._per_day = Counter((d, x) for d, _, x in self.scheduled)
        return self._per_day

    def judge_date(self, given: object) -> tuple[dt.date | None, _Problem | None]:
        return _judge_date(given, self.first, self.last, self.span)

    def judge_exercise(self, given_id: object, given_name: object) -> tuple[str | None, _Problem | None]:
        return _judge_exercise(given_id, given_name, self.exercises, self.plan)


class _Columns:
    """The rows of a log as one list per field (blank cells None)."""

    def __init__(self, raw: RawLog):
        self.fields = raw.fields
        self.headers = {f: raw.mapping[f] if f in raw.mapping else FIELD_HEADER.get(f, f) for f in raw.fields}
        self.n = len(raw.rows)
        values = [v for _, v in raw.rows]
        self._columns = dict(zip(raw.fields, map(list, zip(*values)))) if values else {f: [] for f in raw.fields}

    def column(self, f: str) -> list:
        """The field's cells, or all None when the file has no such column."""
        return self._columns[f] if f in self._columns else [None] * self.n


# ---------------------------------------------------------------- the rule of each column the patient fills in


def _judge_session(given: object) -> tuple[int | None, _Problem | None]:
    if given is None:
        return None, None
    x = parse_number(given)
    if x is None or x < 1 or not x.is_integer():
        return None, ("session", given, "bad-number", f"'{_shown(given)}' is not a session number; use a whole number from 1")
    return int(x), None


def _judge_done(given: object) -> tuple[bool | None, _Problem | None]:
    done = parse_done(given)
    if done == "bad":
        return None, ("done", given, "bad-done", f"'{_shown(given)}' is not a yes or a no; write yes, y, x, ✓, 1, да "
                                                 "(done) or no, n, 0, нет (not done)")
    return done, None


def _count_rule(f: str, whole: bool, lo: float, hi: float | None, code: ReasonCode):
    """The rule of a count, minutes, angle or pain column: a number within its range (a whole one for counts)."""
    label = FIELD_HEADER[f]

    def judge(given: object) -> tuple[object, _Problem | None]:
        if given is None:
            return None, None
        x = parse_number(given)
        if x is None:
            return None, (f, given, "bad-number", f"'{_shown(given)}' is not a number; {label} must be a number")
        if hi is None and x < lo:
            return None, (f, given, code, f"{_shown(given)} is below zero; {label} is a count of 0 or more")
        if hi is not None and not lo <= x <= hi:
            what = "pain is scored from 0 (none) to 10 (worst imaginable)" if f.startswith("pain") else \
                "the board angle is from 0° (flat) to 90° (upright)"
            return None, (f, given, code, f"{_shown(given)} is outside {lo}-{hi}; {what}")
        if whole and not x.is_integer():
            return None, (f, given, "bad-number", f"{_shown(given)} is not a whole number; {label} counts whole times")
        return (int(x) if whole else x), None

    return judge


#: The rule of every column the patient fills in (but notes), in the order their problems are listed.
_FIELD_RULES = {
    "session": _judge_session,
    "done": _judge_done,
    "sets_done": _count_rule("sets_done", True, 0, None, "negative-count"),
    "reps_done": _count_rule("reps_done", True, 0, None, "negative-count"),
    "minutes": _count_rule("minutes", False, 0, None, "negative-count"),
    "angle_deg": _count_rule("angle_deg", False, *ANGLE_RANGE, "angle-out-of-range"),
    "pain_before": _count_rule("pain_before", False, *PAIN_RANGE, "pain-out-of-range"),
    "pain_after": _count_rule("pain_after", False, *PAIN_RANGE, "pain-out-of-range"),
}


def _note(given: object) -> str | None:
    return None if given is None else (clean_text(_shown(given)) or None)


def _row_problems(reported: list[bool], dates: list, exercises: list, values: dict[str, list]) -> dict[int, list]:
    """Row index → every problem of a reported row, in the order of the columns (date, exercise, session, done,
    counts, minutes, angle, pain)."""
    problems: dict[int, list] = {}
    for judged in (dates, exercises, *values.values()):
        for i in compress(range(len(judged)), map(_PROBLEM, judged)):
            if reported[i]:
                problems.setdefault(i, []).append(judged[i][1])
    return problems


class _SessionsOfTheDay:
    """Which session of its day each accepted row is, and which rows only repeat an earlier one.

    A row with a session number keeps it; a second, different row for the same slot is an extra session; the
    same row again is a duplicate. Rows without a number fill the day's scheduled sessions of the exercise in
    turn (twice a day is two equal lines); one more identical line is a copy."""

    def __init__(self, rules: _Rules, rows: list[tuple[int, tuple]]):
        self.rules, self.rows = rules, rows
        self.taken: dict[tuple, tuple[tuple, int]] = {}  # (date, session, exercise) → (values, row) that took it
        self.next_free: dict[tuple, int] = {}
        self.unnumbered: dict[tuple, dict[tuple, int]] = {}  # (date, exercise) → {values: first row}
        #: row index → (session, on the schedule) of every accepted row
        self.slots: dict[int, tuple[int, bool]] = {}

    def place_all(self, rows: list[int], dates: list, sessions: list | None, exercises: list,
                  problems: dict[int, list]) -> list[int]:
        """Place every row (in file order); a duplicate row gets its problem in `problems`. Returns the rows
        accepted. When every row has its own session number there is nothing to work out row by row."""
        numbered = _picked(sessions, rows) if sessions is not None else [None] * len(rows)
        keys = list(zip(_picked(dates, rows), numbered, _picked(exercises, rows)))
        if None not in numbered and len(set(keys)) == len(keys):
            self.slots = dict(zip(rows, zip(numbered, map(self.rules.scheduled.__contains__, keys))))
            return rows
        accepted = []
        for i, (date, session, ex_id) in zip(rows, keys):
            duplicate = self.place(i, date, session, ex_id)
            if duplicate:
                problems[i] = [duplicate]
            else:
                accepted.append(i)
        return accepted

    def place(self, i: int, date: dt.date, session: int | None, ex_id: str) -> _Problem | None:
        """Give the row its (session, on the schedule) in `slots`; or the duplicate-row problem when it repeats
        an earlier row."""
        row, values = self.rows[i]
        day, is_extra = (date, ex_id), False
        if session is not None and (date, session, ex_id) in self.taken:
            earlier_values, earlier_row = self.taken[(date, session, ex_id)]
            if earlier_values == values:
                return (None, None, "duplicate-row", f"this row repeats row {earlier_row} exactly (same date, session "
                                                     "and exercise); it is counted once")
            session, is_extra = None, True  # a second report for the same slot: the patient's extra session
        elif session is None:
            same = self.unnumbered.setdefault(day, {})
            scheduled = self.rules.per_day.get(day, 0)
            if values in same and self.next_free.get(day, 1) > scheduled:
                return (None, None, "duplicate-row",
                        f"this row repeats row {same[values]} exactly, and the plan has only {scheduled} session(s) of "
                        f"this exercise on {date:%d.%m.%Y}; it is counted once. If the patient really did it again, "
                        "write a session number or a note on the row")
            same.setdefault(values, row)
        if session is None:
            n = self.next_free.get(day, 1)
            while (date, n, ex_id) in self.taken:
                n += 1
            session = n
            self.next_free[day] = n + 1
        self.taken[(date, session, ex_id)] = (values, row)
        self.slots[i] = (session, (date, session, ex_id) in self.rules.scheduled and not is_extra)
        return None


def _rejections(raw: RawLog, log: _Columns, problems: dict[int, list], notes: list | None
                ) -> tuple[list[Rejection], list[int]]:
    """One Rejection per problem, rows in file order; and the rows rejected."""
    out: list[Rejection] = []
    for i in sorted(problems):
        row, found = raw.rows[i][0], problems[i]
        note = notes[i] if notes is not None else None
        for f, given, reason, what in found:
            col = log.headers.get(f) if f else None
            where = f"row {row}" + (f", column '{col}'" if col else "")
            out.append(Rejection(
                file=raw.file, sheet=raw.sheet, row=row, column=col, given=None if given is None else _shown(given),
                reason=reason, message=f"{raw.file} {where}: {what}", notes=note))
    return out, [raw.rows[i][0] for i in sorted(problems)]


def _picked(judged: list[tuple], rows: list[int]) -> list:
    """The judged values (without their problems) of a column's rows `rows`, in that order."""
    return list(map(_VALUE, map(judged.__getitem__, rows)))


#: A judged cell is (value, problem or None).
_VALUE, _PROBLEM = operator.itemgetter(0), operator.itemgetter(1)


def _accepted_table(accepted: list[int], rows: list, dates: list, exercises: list, values: dict[str, list],
                    notes: list | None, slots: dict[int, tuple[int, bool]]) -> dict[str, list]:
    """The accepted rows as one list per LogEntry field (_ROW_FIELDS)."""
    def pick(judged: list | None) -> list:
        return _picked(judged, accepted) if judged is not None else [None] * len(accepted)

    return {
        "date": pick(dates),
        "session": [slots[i][0] for i in accepted],
        "exercise_id": pick(exercises),
        "done": pick(values.get("done")),
        **{f: pick(values.get(f)) for f in ("sets_done", "reps_done", "minutes", "angle_deg", "pain_before",
                                             "pain_after")},
        "notes": [notes[i] for i in accepted] if notes is not None else [None] * len(accepted),
        "scheduled": [slots[i][1] for i in accepted],
        "source_row": [rows[i][0] for i in accepted],
    }


def _trusted_entries(table: dict[str, list], patient_id: str, plan_id: str, plan_version: int) -> list[LogEntry]:
    """The accepted rows as LogEntry objects. Every value has passed the rules above, which are the model's own
    bounds (a date, a session from 1, counts and minutes from 0, angle 0-90, pain 0-10), so the models are filled
    without checking each field a second time; tests/test_golden_imports.py checks every one validates."""
    fixed = {"patient_id": patient_id, "plan_id": plan_id, "plan_version": plan_version}
    names = tuple(fixed) + _ROW_FIELDS
    n = len(table["date"])
    rows = zip(*([v] * n for v in fixed.values()), *(table[f] for f in _ROW_FIELDS))
    return [_entry_without_checks(dict(zip(names, r))) for r in rows]


_ALL_SET = fields_set_of(LogEntry)


def _entry_without_checks(values: dict) -> LogEntry:
    """A LogEntry holding `values` (every field, already judged against the model's own bounds)."""
    return built_without_checks(LogEntry, values, _ALL_SET)


_Problem = tuple[str | None, object, ReasonCode, str]


def _judge_date(raw_date: object, first: dt.date, last: dt.date, span: str) -> tuple[dt.date | None, _Problem | None]:
    """The row's date, or the problem with it. A text that reads as two dates (07/09/2026: 7 September or
    9 July) is taken only when the plan's dates rule one reading out."""
    if raw_date is None:
        return None, ("date", None, "missing-date", f"the date is blank; write the day of the session ({span})")
    readings = date_readings(raw_date)
    if not readings:
        return None, ("date", raw_date, "bad-date",
                      f"'{_shown(raw_date)}' is not a date we can read; write it as 25.11.2026 or 2026-11-25")
    inside = [d for d in readings if first <= d <= last]
    if len(inside) == 1:
        return inside[0], None
    if not inside:
        shown = " or ".join(f"{d:%d.%m.%Y}" for d in readings)
        return readings[0], ("date", raw_date, "date-outside-plan",
                             f"{shown} is outside the plan, which runs from {span}")
    a, b = inside
    return None, ("date", raw_date, "ambiguous-date",
                  f"'{_shown(raw_date)}' can be read day first ({a:%d %B %Y}) or month first ({b:%d %B %Y}), and "
                  f"both days are in the plan ({span}); write it year first: {a:%Y-%m-%d} for {a:%d %B} or "
                  f"{b:%Y-%m-%d} for {b:%d %B}")


def _judge_exercise(given_id: object, given_name: object, exercises: "_ExerciseIndex",
                    plan: Plan) -> tuple[str | None, _Problem | None]:
    """The row's exercise id, or the problem with it. When the row gives both a name and an id, they must name
    the same exercise of the plan: a row named "Moonwalk" with another exercise's id is not that exercise."""
    by_id = exercises.find(given_id) if given_id is not None else None
    by_name = exercises.find(given_name) if given_name is not None else None
    if by_id and given_name is not None and by_name is None and exercises.shares_word(given_name, by_id):
        by_name = by_id  # the patient edited the name a little ("my bridge!"): it still says which exercise
    if given_id is not None and given_name is not None and (by_id or by_name) and by_id != by_name:
        return None, ("exercise", given_name, "exercise-mismatch",
                      f"the exercise '{_shown(given_name)}' and the exercise id '{_shown(given_id)}' do not name the "
                      f"same exercise of plan {plan.label}; correct one of them (its exercises are: {exercises.names})")
    if by_id or by_name:
        return by_id or by_name, None
    if given_id is None and given_name is None:
        return None, ("exercise", None, "missing-exercise",
                      f"the exercise is blank; write one of the plan's exercises: {exercises.names}")
    f, given = ("exercise", given_name) if given_name is not None else ("exercise_id", given_id)
    return None, (f, given, "unknown-exercise",
                  f"'{_shown(given)}' is not an exercise of plan {plan.label}; its exercises are: {exercises.names}")


def _accepted_frame_of_columns(table: dict[str, list], patient_id: str, plan_id: str, plan_version: int
                               ) -> pd.DataFrame:
    n = len(table["date"])
    return _frame({**table, "patient_id": [patient_id] * n, "plan_id": [plan_id] * n, "plan_version": [plan_version] * n})


# ---------------------------------------------------------------- does the file hold sessions of this plan at all?

#: What a column's values must show before a header word alone may name it (a table of people has "Id" and
#: "Name" columns too).
_EVIDENCE = {"date": "a date in the plan", "exercise": "an exercise of the plan", "exercise_id": "an exercise of the plan"}
_WORD = {"date": "date", "exercise": "exercise", "exercise_id": "exercise id"}


def _samples(values: list[object], n: int = 3) -> str:
    shown = list(dict.fromkeys(_shown(v)[:40] for v in values))[:n]
    return ", ".join(f"'{x}'" for x in shown) if shown else "nothing"


def confirm_columns(raw: RawLog, plan: Plan, trusted: set[str] | frozenset[str] = frozenset()) -> RawLog:
    """Keep a column guessed from its header word only when its values bear it out: some date in the plan's
    range, some exercise of the plan. Columns of our own workbook and those the therapist named (`trusted`) are
    kept as they are. Raises LogImportError, saying what the columns hold and how to name them, when no date
    or no exercise column is left."""
    if raw.meta is not None:
        return raw
    exercises = _ExerciseIndex(plan)
    first, last = plan.start, plan.end

    def shows(f: str, value: object) -> bool:
        if f == "date":
            return any(first <= d <= last for d in date_readings(value))
        return exercises.find(value) is not None

    dropped: dict[str, list[object]] = {}
    for f in ("date", "exercise", "exercise_id"):
        if f not in raw.fields or f in trusted:
            continue
        i = raw.fields.index(f)
        values = [v[i] for _, v in raw.rows if v[i] is not None]
        if not any(shows(f, x) for x in values):
            dropped[f] = values
    if not dropped:
        return raw
    kept = [f for f in raw.fields if f not in dropped]
    if "date" not in kept or not {"exercise", "exercise_id"} & set(kept):
        what = "; ".join(
            f"the column '{raw.mapping[f]}' looked like the {_WORD[f]} by its header, but none of its values is "
            f"{_EVIDENCE[f]} (it holds {_samples(v)})" for f, v in dropped.items())
        raise LogImportError(
            f"{raw.file}: no row can be read as a session of plan {plan.label}: {what}. The plan runs from "
            f"{first:%d.%m.%Y} to {last:%d.%m.%Y} with {exercises.names}. If this is the patient's log, say which "
            f"column is which ({_MAPPING_HINT}); nothing was imported"
        )
    idx = [raw.fields.index(f) for f in kept]
    return replace(
        raw,
        fields=tuple(kept),
        rows=[(r, tuple(v[i] for i in idx)) for r, v in raw.rows],
        mapping={f: h for f, h in raw.mapping.items() if f not in dropped},
        unmapped=raw.unmapped + tuple(raw.mapping[f] for f in dropped),
    )


def no_sessions_message(raw: RawLog, plan: Plan) -> str:
    """Why a file holds no session of the plan: what its date and exercise columns hold, and what to do."""
    if not raw.rows:
        return f"{raw.file}: there are no rows under its header row; there is nothing to import"
    pos = {f: i for i, f in enumerate(raw.fields)}
    found = []
    if "date" in pos:
        dates = sorted({d for _, v in raw.rows for d in date_readings(v[pos["date"]])})
        found.append(f"dates from {dates[0]:%d.%m.%Y} to {dates[-1]:%d.%m.%Y}" if dates else
                     f"no dates we can read in '{raw.mapping['date']}'")
    for f in ("exercise", "exercise_id"):
        if f in pos:
            found.append(f"'{raw.mapping[f]}' holding {_samples([v[pos[f]] for _, v in raw.rows if v[pos[f]] is not None])}")
    return (
        f"{raw.file}: none of its {len(raw.rows)} rows is a session of plan {plan.label}, which runs from "
        f"{plan.start:%d.%m.%Y} to {plan.end:%d.%m.%Y} with {_ExerciseIndex(plan).names}; the file has "
        + ", ".join(found) + f". If the columns were matched wrongly, say which column is which ({_MAPPING_HINT}); "
        "nothing was imported"
    )
