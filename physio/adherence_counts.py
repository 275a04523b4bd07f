"""The counting steps of physio.adherence.summarise: a plan's log entries and schedule as arrays, each scheduled
session matched with the entry reporting it, and the counts per plan week and per exercise.

Days are counted from the plan's start (day 0); a week is days 0-6, 7-13 and so on. The definitions (what counts as
done, which pain scores count) are in physio.adherence's docstring.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from .models import Plan, ScheduledSession

#: Day 0 of numpy's datetime64 as a proleptic ordinal (1970-01-01).
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_SESSION_VALUES = tuple(operator.itemgetter(n) for n in ("date", "session", "exercise_id"))


@dataclass(frozen=True, slots=True)
class Logged:
    """The entries of one plan within its dates, one array per column; days are counted from the plan's start."""

    day: np.ndarray
    #: Position of the exercise in the plan; -1 for an exercise the plan does not have.
    exercise: np.ndarray
    exercise_id: np.ndarray
    session: np.ndarray
    scheduled: np.ndarray
    #: Done, or Done left blank with sets, repetitions or minutes above zero written.
    did: np.ndarray
    minutes: np.ndarray
    pain_before: np.ndarray
    pain_after: np.ndarray
    #: Session pain: the higher of before and after; NaN only when both are blank.
    pain: np.ndarray
    notes: np.ndarray
    source_row: np.ndarray

    def row(self, j: int) -> int | None:
        """The file row of entry j; None for a daily pain score (j = -1) or an entry typed in with no row."""
        if j < 0:
            return None  # a daily pain score: kept as a result, not on a row of this summary's entries
        r = self.source_row[j]
        return None if r != r else int(r)  # NaN (no row) is the only value not equal to itself

    def counted(self, limit: int) -> np.ndarray:
        """Which entries are counted: up to the last counted day, and of an exercise of the plan."""
        return (self.day <= limit) & (self.exercise >= 0)


def logged_entries(frame: pd.DataFrame, plan: Plan, exercise_at: dict[str, int]) -> Logged:
    """The entries table as columns, without the entries of other plans or outside the plan's dates."""
    start = plan.start
    day = _day_numbers(frame["date"]) - (start.toordinal() - EPOCH_ORDINAL)
    plan_ids = frame["plan_id"].to_numpy(dtype=object)
    keep = (day >= 0) & (day <= (plan.end - start).days) & (plan_ids == plan.id)
    done_code = frame["done"].to_numpy(dtype=np.int8, na_value=-1)
    c = {
        "exercise_id": frame["exercise_id"].to_numpy(dtype=object),
        "notes": frame["notes"].to_numpy(dtype=object),
        "session": frame["session"].to_numpy(dtype=np.int64),
        "scheduled": frame["scheduled"].to_numpy(dtype=bool),
        "done": done_code,
        "source_row": _numbers(frame, "source_row"),
        **{name: _numbers(frame, name) for name in ("minutes", "pain_before", "pain_after")},
    }
    # Done left blank: done if the patient wrote what they did (sets, repetitions or minutes above zero)
    c["wrote"] = c["minutes"] > 0
    if (done_code < 0).any():
        c["wrote"] |= (_numbers(frame, "sets_done") > 0) | (_numbers(frame, "reps_done") > 0)
    if not keep.all():
        c = {name: values[keep] for name, values in c.items()}
        day = day[keep]
    done_code = c["done"]
    return Logged(
        day=day, exercise=_codes(c["exercise_id"], exercise_at), exercise_id=c["exercise_id"], session=c["session"],
        scheduled=c["scheduled"], did=(done_code == 1) | ((done_code < 0) & c["wrote"]), minutes=c["minutes"],
        pain_before=c["pain_before"], pain_after=c["pain_after"], pain=np.fmax(c["pain_before"], c["pain_after"]),
        notes=c["notes"], source_row=c["source_row"],
    )


@dataclass(frozen=True, slots=True)
class Period:
    """The plan's dates and the day counting stops."""

    start: dt.date
    end: dt.date
    #: as_of, or else the last day logged; never after the plan's end (None: nothing logged).
    as_of: dt.date | None
    #: The last day counted, from the start (-1: none, as_of is None or before the start).
    limit: int


def counting_period(plan: Plan, as_of: dt.date | None, logged: Logged) -> Period:
    """The plan's dates and where counting stops (as_of as asked, or else the last day logged)."""
    start, end = plan.start, plan.end
    if as_of is None and logged.day.size:
        as_of = start + dt.timedelta(days=int(logged.day.max()))
    if as_of is not None:
        as_of = min(as_of, end)
    return Period(start, end, as_of, -1 if as_of is None or as_of < start else (as_of - start).days)


@dataclass(frozen=True, slots=True)
class DailyPain:
    """The daily pain scores in the plan's dates, in date order; days are counted from the plan's start."""

    day: np.ndarray
    value: np.ndarray


def daily_pain_days(daily_pain: Iterable[tuple[dt.date, float]], plan: Plan) -> DailyPain:
    """The daily pain scores (day, pain) as arrays; those outside the plan's dates and blank ones left out."""
    start, end = plan.start, plan.end
    dp = sorted((d, float(v)) for d, v in daily_pain if start <= d <= end and v == v)  # NaN (blank) left out
    return DailyPain(np.array([(d - start).days for d, _ in dp], dtype=np.int64),
                     np.array([v for _, v in dp], dtype=float))


@dataclass(frozen=True, slots=True)
class Sessions:
    """The scheduled sessions up to the last counted day, what the patient reported of each, and the extra ones."""

    day: np.ndarray
    #: Position of the exercise in the plan.
    exercise: np.ndarray
    reported: np.ndarray
    done: np.ndarray
    #: Minutes reported for a done session (NaN: none written, or not done).
    minutes: np.ndarray
    #: Minutes prescribed per session of the exercise (0 for an untimed exercise).
    prescribed: np.ndarray
    #: Done sessions of timed exercises with minutes written: the ones duration adherence counts.
    with_minutes: np.ndarray
    #: Day of each extra session the patient did (an entry that matches no scheduled session).
    extra_days: np.ndarray


def match_sessions(plan: Plan, schedule: list[ScheduledSession], exercise_at: dict[str, int], logged: Logged,
                   limit: int) -> Sessions:
    """The schedule up to the last counted day, each session matched with the counted entry reporting it."""
    day, exercise, session = _scheduled(schedule, exercise_at, plan.start, limit)
    n = int(day.size)
    # one integer key per (day, session, exercise) for the schedule and the entries alike
    key_size = len(plan.exercises) + 1
    at = _session_of((day * 4096 + session) * key_size + exercise,
                     (logged.day * 4096 + logged.session) * key_size + logged.exercise)
    counted = logged.counted(limit)
    hit = counted & logged.scheduled & (at >= 0)
    target = at[hit]
    reported = np.zeros(n, dtype=bool)
    done = np.zeros(n, dtype=bool)
    minutes = np.full(n, np.nan)
    reported[target] = True
    did_hit = logged.did[hit]
    done[target[did_hit]] = True
    minutes[target[did_hit]] = logged.minutes[hit][did_hit]
    prescribed = _prescribed_minutes(plan)[exercise]
    with_minutes = done & (prescribed > 0) & ~np.isnan(minutes)
    return Sessions(day, exercise, reported, done, minutes, prescribed, with_minutes,
                    extra_days=logged.day[counted & ~hit & logged.did])


def _scheduled(schedule: list[ScheduledSession], exercise_at: dict[str, int], start: dt.date,
               limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day (from the start), exercise position and session number of each scheduled session up to `limit`;
    sessions of exercises the plan does not have are left out."""
    s_fields = list(map(vars, schedule))
    dates, sessions, ids = [list(map(get, s_fields)) for get in _SESSION_VALUES]
    day = np.fromiter(map(dt.date.toordinal, dates), dtype=np.int64, count=len(dates)) - start.toordinal()
    session = np.array(sessions, dtype=np.int64)
    exercise = _codes(ids, exercise_at)
    in_range = (day >= 0) & (day <= limit) & (exercise >= 0)
    return day[in_range], exercise[in_range], session[in_range]


def _session_of(session_keys: np.ndarray, entry_keys: np.ndarray) -> np.ndarray:
    """For each entry key, the position of the first scheduled session with that key; -1 for none."""
    n = int(session_keys.size)
    if n == 0:
        return np.full(entry_keys.size, -1, dtype=np.int64)
    # the schedule comes sorted by date, session and exercise, so its keys are usually in order already
    in_order = bool((session_keys[1:] >= session_keys[:-1]).all())
    order = None if in_order else np.argsort(session_keys, kind="stable")
    sorted_keys = session_keys if order is None else session_keys[order]
    pos = np.minimum(np.searchsorted(sorted_keys, entry_keys), n - 1)
    return np.where(sorted_keys[pos] == entry_keys, pos if order is None else order[pos], -1)


def _prescribed_minutes(plan: Plan) -> np.ndarray:
    """Minutes prescribed per session of each exercise of the plan (time × sets); 0 for an untimed one."""
    return np.array(
        [(pe.dose.duration_s * (pe.dose.sets or 1) / 60.0) if pe.dose.duration_s else 0.0 for pe in plan.exercises]
    )


@dataclass(frozen=True, slots=True)
class Pain:
    """The pain scores counted: session and daily pain (with the entry each came from; -1 for a daily score),
    and pain before and after apart."""

    day: np.ndarray
    value: np.ndarray
    entry: np.ndarray
    before_day: np.ndarray
    before: np.ndarray
    after_day: np.ndarray
    after: np.ndarray


def pain_scores(logged: Logged, daily: DailyPain, limit: int) -> Pain:
    """The pain scores of the counted entries and the daily pain scores up to the last counted day."""
    counted = logged.counted(limit)
    pain_ok = counted & ~np.isnan(logged.pain)
    dp_ok = daily.day <= limit
    pb, pa = logged.pain_before, logged.pain_after
    pb_ok, pa_ok = counted & ~np.isnan(pb), counted & ~np.isnan(pa)
    return Pain(
        day=np.concatenate((logged.day[pain_ok], daily.day[dp_ok])),
        value=np.concatenate((logged.pain[pain_ok], daily.value[dp_ok])),
        entry=np.concatenate((np.nonzero(pain_ok)[0], np.full(int(dp_ok.sum()), -1, dtype=np.int64))),
        before_day=logged.day[pb_ok], before=pb[pb_ok], after_day=logged.day[pa_ok], after=pa[pa_ok],
    )


def weekly_records(sessions: Sessions, pain: Pain, period: Period) -> tuple[list[dict], np.ndarray]:
    """One record per plan week up to the last counted day, and each week's mean pain (NaN: no scores)."""
    start, limit = period.start, period.limit
    n_weeks = 0 if limit < 0 else limit // 7 + 1
    week = sessions.day // 7
    w_sched = tally(week, n_weeks)
    w_done = tally(week, n_weeks, sessions.done)
    w_min = tally(week, n_weeks, np.where(sessions.with_minutes, sessions.minutes, 0.0))
    w_presc = tally(week, n_weeks, np.where(sessions.with_minutes, sessions.prescribed, 0.0))
    w_pain = _weekly_mean(pain.day, pain.value, n_weeks)
    w_pb = _weekly_mean(pain.before_day, pain.before, n_weeks)
    w_pa = _weekly_mean(pain.after_day, pain.after, n_weeks)
    days7 = [start + dt.timedelta(days=7 * w) for w in range(n_weeks)]
    weekly = [
        {
            "week": w + 1, "start": ws, "end": min(ws + dt.timedelta(days=6), period.end),
            "scheduled": int(sc), "done": int(dn), "adherence": ratio(dn, sc),
            "pain_before": _rounded(b), "pain_after": _rounded(a), "pain": _rounded(pn),
            "minutes_done": mn, "minutes_prescribed": mp, "duration_adherence": ratio(mn, mp),
        }
        for w, (ws, sc, dn, b, a, pn, mn, mp) in enumerate(zip(
            days7, w_sched.tolist(), w_done.tolist(), w_pb.tolist(), w_pa.tolist(), w_pain.tolist(),
            w_min.tolist(), w_presc.tolist()))
    ]
    return weekly, w_pain


def _weekly_mean(days: np.ndarray, values: np.ndarray, n_weeks: int) -> np.ndarray:
    """The mean of the values of each plan week (NaN for a week with none)."""
    if days.size == 0:
        return np.full(n_weeks, np.nan)
    week = days // 7
    total = tally(week, n_weeks, values)
    count = tally(week, n_weeks)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _rounded(x: float) -> float | None:
    return None if x != x else round(x, 2)  # NaN is the only value not equal to itself


def exercise_records(plan: Plan, sessions: Sessions) -> list[dict]:
    """One record per exercise of the plan: sessions scheduled and done, minutes done and prescribed."""
    n_ex = len(plan.exercises)
    e_sched = tally(sessions.exercise, n_ex)
    e_done = tally(sessions.exercise, n_ex, sessions.done)
    e_min = tally(sessions.exercise, n_ex, np.where(sessions.with_minutes, sessions.minutes, 0.0))
    e_presc = tally(sessions.exercise, n_ex, np.where(sessions.with_minutes, sessions.prescribed, 0.0))
    timed = _prescribed_minutes(plan) > 0
    return [
        {"exercise_id": pe.exercise.id, "exercise": pe.exercise.name, "scheduled": int(e_sched[i]),
         "done": int(e_done[i]), "adherence": ratio(float(e_done[i]), float(e_sched[i])),
         "minutes_done": float(e_min[i]), "minutes_prescribed": float(e_presc[i]),
         "duration_adherence": ratio(float(e_min[i]), float(e_presc[i])) if timed[i] else None}
        for i, pe in enumerate(plan.exercises)
    ]


def tally(at: np.ndarray, size: int, weights: np.ndarray | None = None) -> np.ndarray:
    """How many (or how much of `weights`) fall on each of 0 … size-1."""
    if at.size == 0:  # bincount of nothing gives whole numbers even with weights; a weighed tally stays floats
        return np.zeros(size, dtype=np.int64 if weights is None else float)
    return np.bincount(at, weights=weights, minlength=size)[:size]


def _numbers(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as floats, blanks as NaN (whatever the column's dtype: float, nullable integer or objects)."""
    column = frame[name]
    if column.dtype == np.float64:
        return column.to_numpy()
    return column.to_numpy(dtype=float, na_value=np.nan)


def _day_numbers(dates: pd.Series) -> np.ndarray:
    """Dates as day numbers since 1970-01-01 (datetime64 of any unit, or date objects)."""
    values = dates.to_numpy()
    if values.dtype.kind != "M":
        values = np.array(values, dtype="datetime64[D]")
    return values.astype("datetime64[D]").astype(np.int64)


def _codes(ids: tuple, index: dict[str, int]) -> np.ndarray:
    """Position of each exercise id in the plan; -1 for an id the plan does not have."""
    codes = list(map(index.get, ids))
    if None in codes:
        codes = [-1 if x is None else x for x in codes]
    return np.array(codes, dtype=np.int64)


def ratio(a: float, b: float) -> float | None:
    return None if b == 0 else a / b
