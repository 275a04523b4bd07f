"""How well a patient kept to the plan, and how the pain went: a pure summary of the log against the schedule.

Definitions (all counts stop at the "as of" date, so a plan still running is not judged on sessions to come):
  - A scheduled session is *done* when the patient's entry for it says done, or leaves Done blank but reports
    sets, repetitions or minutes above zero (they wrote down what they did).
  - Adherence (frequency) = scheduled sessions done ÷ sessions scheduled, overall, per plan week and per exercise.
    Extra sessions the patient added are counted separately and never lift adherence above 100%.
  - Duration adherence = minutes reported ÷ minutes prescribed, over the done sessions of timed exercises for
    which the patient wrote the minutes. It is kept apart from frequency because patients keep the two
    differently [MM1].
  - Session pain = the higher of "pain before" and "pain after", so pain brought on by exercising is never hidden
    behind a calm start. Daily pain (the day-by-day log asks back pain and leg pain once a day, kept as NPRS back
    and NPRS leg results) = the higher of the two that day, for the same reason. Weekly pain = the mean of the
    session and daily pain scores of a plan week (weeks start on the plan's start day).
  - Pain change = the last week with pain scores against the first; a change of 2 points or 30% is clinically
    important [O1].
  - Streak = the longest run of consecutive scheduled days on which every scheduled session was done; gap = the
    longest run of consecutive scheduled days with none done (days with nothing scheduled are skipped).
  - Flags: any pain score of 6 or more [T1]; a week whose mean pain rose by an important amount over the first
    week [O1]; a note mentioning a red flag of the red-flag lexicon (physio.redflags), with its level. Flags are
    looked for in every entry, even after the "as of" date: a warning is never hidden. (The workspace also reads
    rejected rows, other cells and sheets at import; physio.clinic.review_plan shows those stored red flags.)
"""

from __future__ import annotations

import datetime as dt
import html
import operator
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

from .models import LogEntry, Plan, ScheduledSession

PAIN_FLAG_AT = 6
"""A pain score of 6 or more is the red zone of the traffic-light rule: stop or regress [T1]."""

IMPORTANT_CHANGE_POINTS = 2.0
"""A change in pain of 2 points (0-10 scale) is clinically important [O1]."""

IMPORTANT_CHANGE_FRACTION = 0.30
"""A change in pain of 30% of the starting score is clinically important [O1]."""


@dataclass(frozen=True)
class Flag:
    """Something the therapist must look at, with where it was written."""

    kind: str  # "pain-high" | "pain-rising" | "red-flag"
    #: The day it is about (for a red flag: the date of the note; None when the file gave none).
    date: dt.date | None
    row: int | None
    message: str
    #: The most urgent red flag named (vocabulary id), and every one named.
    red_flag: str | None = None
    #: emergency / urgent / review for a red flag (protocols/vocabulary.yaml).
    level: str | None = None
    red_flags: tuple[str, ...] = ()
    #: What the patient wrote, and where the matched words are in it (for highlighting).
    text: str | None = None
    spans: tuple[tuple[int, int], ...] = ()
    #: Number of the stored red-flag note (to acknowledge it), when it comes from the workspace.
    note_id: int | None = None


@dataclass(frozen=True)
class PainChange:
    first_week: int
    #: Exact weekly means (the progression rules compare them with thresholds); `points` is rounded for display.
    first: float
    last_week: int
    last: float
    #: last - first: above zero is worse.
    points: float
    #: points ÷ first (None when the first week's pain was 0).
    fraction: float | None
    important: bool
    verdict: str


@dataclass(frozen=True)
class Run:
    days: int
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class AdherenceSummary:
    """Everything the charts, the report and the recommendation need; tables are lists of plain records."""

    plan_id: str
    plan_version: int
    patient_id: str
    start: dt.date
    end: dt.date
    #: Counting stops at this date (None: nothing logged yet, nothing counted).
    as_of: dt.date | None
    sessions_scheduled: int
    sessions_done: int
    #: Scheduled sessions the patient reported as not done (Done = no).
    sessions_not_done: int
    #: Scheduled sessions with no report at all.
    sessions_not_reported: int
    extra_sessions: int
    adherence: float | None
    minutes_done: float
    minutes_prescribed: float
    duration_adherence: float | None
    #: Completed weeks since the plan's start as of `as_of`.
    weeks_elapsed: int
    #: Mean session pain of the last plan week with pain scores.
    last_week_pain: float | None
    pain_change: PainChange | None
    streak: Run
    gap: Run
    weekly: list[dict] = field(default_factory=list)
    exercises: list[dict] = field(default_factory=list)
    #: Per day from the start to as_of: (scheduled, done, extra) counts; read through `daily`.
    day_counts: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]] = ((), (), ())
    flags: list[Flag] = field(default_factory=list)
    #: The highest pain (0-10) of any session counted up to as_of (None: no pain scores); exact, not rounded.
    highest_pain: float | None = None

    @property
    def frequency_adherence(self) -> float | None:
        return self.adherence

    @property
    def red_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.kind == "red-flag"]

    def weekly_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.weekly, columns=_WEEK_COLUMNS)

    def exercise_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.exercises, columns=_EXERCISE_COLUMNS)

    @property
    def daily(self) -> list[dict]:
        """One record per day from the start to as_of: sessions scheduled, done, and extra ones."""
        sched, done, extra = self.day_counts
        return [
            {"date": self.start + dt.timedelta(days=d), "scheduled": a, "done": b, "extra": c}
            for d, (a, b, c) in enumerate(zip(sched, done, extra))
        ]

    def daily_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.daily, columns=_DAY_COLUMNS)

    def flags_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(f.date, f.row, f.level or f.kind, f.message) for f in self.flags],
            columns=["date", "row", "flag", "message"],
        )

    def headline(self) -> str:
        if self.as_of is None:
            return "No sessions logged yet."
        return (
            f"{pct(self.adherence)} of scheduled sessions done ({self.sessions_done} of {self.sessions_scheduled}) "
            f"up to {self.as_of:%d.%m.%Y}"
        )

    def _repr_html_(self) -> str:
        parts = [f"<h4>Adherence: {html.escape(self.plan_id)} v{self.plan_version}</h4>",
                 f"<p>{html.escape(self.headline())}.</p>"]
        if self.duration_adherence is not None:
            parts.append(f"<p>Minutes: {pct(self.duration_adherence)} of the prescribed time.</p>")
        if self.pain_change is not None:
            parts.append(f"<p>Pain: {html.escape(self.pain_change.verdict)}</p>")
        parts.append(f"<p>Longest streak {self.streak.days} days; longest gap {self.gap.days} days.</p>")
        if self.flags:
            parts.append("<p><b>Flags</b></p>" + self.flags_frame().to_html(index=False))
        parts.append("<p><b>Per week</b></p>" + self.weekly_frame().to_html(index=False, na_rep=""))
        parts.append("<p><b>Per exercise</b></p>" + self.exercise_frame().to_html(index=False, na_rep=""))
        return "\n".join(parts)


_WEEK_COLUMNS = ["week", "start", "end", "scheduled", "done", "adherence", "pain_before", "pain_after", "pain",
                 "minutes_done", "minutes_prescribed", "duration_adherence"]
_EXERCISE_COLUMNS = ["exercise_id", "exercise", "scheduled", "done", "adherence", "minutes_done",
                     "minutes_prescribed", "duration_adherence"]
_DAY_COLUMNS = ["date", "scheduled", "done", "extra"]


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def is_important_change(first: float, last: float) -> bool:
    """True when pain moved by 2 points or by 30% of the starting score [O1]."""
    points = abs(last - first)
    return points >= IMPORTANT_CHANGE_POINTS - 1e-9 or (first > 0 and points / first >= IMPORTANT_CHANGE_FRACTION - 1e-9)


#: The columns of an entries frame: LogEntry's field names, in the model's order.
ENTRY_COLUMNS: tuple[str, ...] = tuple(LogEntry.model_fields)
_SESSION_VALUES = tuple(operator.itemgetter(n) for n in ("date", "session", "exercise_id"))
#: Done as a small integer: 1 yes, 0 no, -1 left blank (decided later from what the patient wrote).
_DONE_CODE = {True: 1, False: 0, None: -1}
#: Day 0 of numpy's datetime64 as a proleptic ordinal (1970-01-01).
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def entries_frame(entries: Iterable[LogEntry]) -> pd.DataFrame:
    """Log entries as a table: one row per entry, one column per LogEntry field (summarise reads either).

    Dates are datetime64 columns; a blank Done is <NA> in a boolean column, blank counts are <NA>, blank pain,
    minutes and angles NaN, blank notes missing (NaN).
    """
    # a model's field values live in its __dict__: reading them column by column allocates no per-entry objects
    fields = list(map(vars, entries))
    return _frame({name: list(map(operator.itemgetter(name), fields)) for name in ENTRY_COLUMNS})


def _whole_or_blank(values: list) -> pd.arrays.IntegerArray:
    x = np.array(values, dtype=float)  # None becomes NaN
    blank = np.isnan(x)
    return pd.arrays.IntegerArray(np.where(blank, 0, x).astype(np.int64), blank)


def _frame(cols: dict[str, list]) -> pd.DataFrame:
    """The entries frame from one Python list per LogEntry field (what entries_frame and validate collect)."""
    n = len(cols["date"])
    done = np.fromiter(map(_DONE_CODE.__getitem__, cols["done"]), dtype=np.int8, count=n)
    typed = {
        "patient_id": np.array(cols["patient_id"], dtype=object),
        "plan_id": np.array(cols["plan_id"], dtype=object),
        "plan_version": np.array(cols["plan_version"], dtype=np.int64),
        "date": (np.fromiter(map(dt.date.toordinal, cols["date"]), dtype=np.int64, count=n)
                 - _EPOCH_ORDINAL).astype("datetime64[D]"),
        "session": np.array(cols["session"], dtype=np.int64),
        "exercise_id": np.array(cols["exercise_id"], dtype=object),
        "done": pd.arrays.BooleanArray(done == 1, done < 0),
        "sets_done": _whole_or_blank(cols["sets_done"]),
        "reps_done": _whole_or_blank(cols["reps_done"]),
        "minutes": np.array(cols["minutes"], dtype=float),
        "angle_deg": np.array(cols["angle_deg"], dtype=float),
        "pain_before": np.array(cols["pain_before"], dtype=float),
        "pain_after": np.array(cols["pain_after"], dtype=float),
        "notes": np.array(cols["notes"], dtype=object),
        "scheduled": np.array(cols["scheduled"], dtype=bool),
        "source_row": _whole_or_blank(cols["source_row"]),
    }
    return pd.DataFrame({name: typed[name] for name in ENTRY_COLUMNS}, copy=False)


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


def note_flags(text: str, day: dt.date | None, row: int | None) -> list[Flag]:
    """The red-flag Flag of one note (none when it mentions no red flag): its most urgent level, every flag named."""
    from .redflags import LEVEL_WORD, default_lexicon, highlight, snippet

    hits = default_lexicon().find(text)
    if not hits:
        return []
    spans = tuple(sorted(sp for h in hits for sp in h.spans))
    named = tuple(h.flag for h in hits)
    when = f"on {day:%d.%m.%Y}" if day else "(no date)"
    return [Flag("red-flag", day, row,
                 f"{LEVEL_WORD[hits[0].level]}: note {when} names {', '.join(named)}: "
                 f"\"{highlight(*snippet(text, spans))}\"",
                 red_flag=named[0], level=hits[0].level, red_flags=named, text=text, spans=spans)]


def _flag_order(fl: Flag) -> tuple:
    """Red flags first, most urgent level first; then by date and row."""
    from .vocabulary import LEVEL_ORDER

    rank = LEVEL_ORDER.index(fl.level) if fl.level in LEVEL_ORDER else len(LEVEL_ORDER)
    return (rank, fl.date or dt.date.max, fl.row or 0)


def _ratio(a: float, b: float) -> float | None:
    return None if b == 0 else a / b


def _mean(a: np.ndarray) -> float | None:
    return None if a.size == 0 else float(a.mean())


def _longest(mask: np.ndarray, days: np.ndarray, start: dt.date) -> Run:
    """Longest run of True in `mask` over consecutive scheduled days (`days` are day offsets from start).

    The first of equally long runs is the one reported.
    """
    if not mask.any():
        return Run(0, None, None)
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    firsts, lasts = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0] - 1
    k = int(np.argmax(lasts - firsts))
    d = dt.timedelta
    return Run(int(lasts[k] - firsts[k] + 1), start + d(days=int(days[firsts[k]])), start + d(days=int(days[lasts[k]])))


def daily_pain_scores(results: Iterable[tuple[str, dt.date, float | None]], plan: Plan) -> list[tuple[dt.date, float]]:
    """(day, pain) from NPRS back and NPRS leg results (measure id, date, score) in the plan's dates: per measure
    and day the last one given (a correction is recorded after the score it corrects), then the higher of back
    and leg pain that day."""
    last: dict[tuple[str, dt.date], float] = {}
    for measure_id, on, value in results:
        if value is not None and plan.start <= on <= plan.end:
            last[(measure_id, on)] = float(value)
    per_day: dict[dt.date, float] = {}
    for (_, on), value in last.items():
        per_day[on] = max(value, per_day.get(on, value))
    return sorted(per_day.items())


def summarise(
    plan: Plan,
    schedule: list[ScheduledSession],
    entries: Iterable[LogEntry] | pd.DataFrame,
    *,
    as_of: dt.date | None = None,
    daily_pain: Iterable[tuple[dt.date, float]] = (),
) -> AdherenceSummary:
    """Adherence, pain, streaks and flags of one plan; see the module docstring for every definition.

    entries: LogEntry objects, or the same as a table (entries_frame(), or Validated.frame from validate()),
    which spares reading every object field by field.
    daily_pain: (day, pain 0–10) of the day-by-day log (daily_pain_scores(); physio.importing.daily_pain reads
    them from the workspace); they join the session pain scores in the weekly pain, its change and the flags.
    """
    start, end = plan.start, plan.end
    base = start.toordinal()
    ex_ids = [pe.exercise.id for pe in plan.exercises]
    ex_index = {x: i for i, x in enumerate(ex_ids)}
    n_ex = len(ex_ids)
    presc_min = np.array(
        [(pe.dose.duration_s * (pe.dose.sets or 1) / 60.0) if pe.dose.duration_s else 0.0 for pe in plan.exercises]
    )

    # ---- entries as columns (a list is turned into the table first: one code path below)
    frame = entries if isinstance(entries, pd.DataFrame) else entries_frame(entries)
    e_day = _day_numbers(frame["date"]) - (base - _EPOCH_ORDINAL)
    plan_ids = frame["plan_id"].to_numpy(dtype=object)
    keep = (e_day >= 0) & (e_day <= (end - start).days) & (plan_ids == plan.id)
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
    if not keep.all():  # entries of other plans or outside the plan's dates are left out
        c = {name: values[keep] for name, values in c.items()}
        e_day = e_day[keep]
    m = int(e_day.size)
    if as_of is None and m:
        as_of = start + dt.timedelta(days=int(e_day.max()))
    if as_of is not None:
        as_of = min(as_of, end)
    limit = -1 if as_of is None or as_of < start else (as_of - start).days

    def row_of(j: int) -> int | None:
        if j < 0:
            return None  # a daily pain score: kept as a result, not on a row of this summary's entries
        r = c["source_row"][j]
        return None if r != r else int(r)  # NaN (no row) is the only value not equal to itself

    dp = sorted((d, float(v)) for d, v in daily_pain if start <= d <= end and v == v)
    dp_day = np.array([(d - start).days for d, _ in dp], dtype=np.int64)
    dp_val = np.array([v for _, v in dp], dtype=float)

    pb, pa = c["pain_before"], c["pain_after"]
    e_pain = np.fmax(pb, pa)  # the higher of the two; NaN only when both are blank
    done_code = c["done"]
    e_did = (done_code == 1) | ((done_code < 0) & c["wrote"])
    e_minutes = c["minutes"]
    e_ex = _codes(c["exercise_id"], ex_index)
    e_session = c["session"]
    e_sched = c["scheduled"]

    # ---- flags are looked for in every entry of the plan, even after as_of
    flags: list[Flag] = []
    for j in np.nonzero(e_pain >= PAIN_FLAG_AT)[0].tolist():
        day = start + dt.timedelta(days=int(e_day[j]))
        ex = c["exercise_id"][j]
        flags.append(Flag("pain-high", day, row_of(j),
                          f"Pain {e_pain[j]:g}/10 on {day:%d.%m.%Y} ({ex}): 6 or more means stop or regress [T1]"))
    for d, v in zip(dp_day.tolist(), dp_val.tolist()):
        if v >= PAIN_FLAG_AT:
            day = start + dt.timedelta(days=d)
            flags.append(Flag("pain-high", day, None, f"Pain {v:g}/10 on {day:%d.%m.%Y} (back or leg pain of the "
                                                      "day): 6 or more means stop or regress [T1]"))
    notes = c["notes"]
    for j in np.flatnonzero(pd.notna(notes)).tolist():
        text = notes[j]
        if isinstance(text, str):
            day = start + dt.timedelta(days=int(e_day[j]))
            flags += note_flags(text, day, row_of(j))

    # ---- the schedule up to as_of, as arrays
    s_fields = list(map(vars, schedule))
    s_cols = [list(map(get, s_fields)) for get in _SESSION_VALUES]
    s_day_all = np.fromiter(map(dt.date.toordinal, s_cols[0]), dtype=np.int64, count=len(s_cols[0])) - base
    s_ses_all = np.array(s_cols[1], dtype=np.int64)
    s_ex_all = _codes(s_cols[2], ex_index)
    in_range = (s_day_all >= 0) & (s_day_all <= limit) & (s_ex_all >= 0)
    sday, sex, sses = s_day_all[in_range], s_ex_all[in_range], s_ses_all[in_range]
    n = int(sday.size)
    sweek = sday // 7

    # ---- match counted entries to scheduled sessions by one integer key
    def key(day: np.ndarray, ses: np.ndarray, ex: np.ndarray) -> np.ndarray:
        return (day * 4096 + ses) * (n_ex + 1) + ex

    counted = (e_day <= limit) & (e_ex >= 0)
    s_key = key(sday, sses, sex)
    # the schedule comes sorted by date, session and exercise, so its keys are usually in order already
    in_order = bool((s_key[1:] >= s_key[:-1]).all())
    order = np.arange(n) if in_order else np.argsort(s_key, kind="stable")
    sorted_keys = s_key if in_order else s_key[order]
    ek = key(e_day, e_session, e_ex)
    pos = np.searchsorted(sorted_keys, ek) if n else np.zeros(ek.size, dtype=np.int64)
    pos_c = np.minimum(pos, max(n - 1, 0))
    hit = counted & e_sched & (n > 0) & (sorted_keys[pos_c] == ek if n else False)
    target = order[pos_c[hit]] if n else np.zeros(0, dtype=np.int64)
    s_reported = np.zeros(n, dtype=bool)
    s_done = np.zeros(n, dtype=bool)
    s_minutes = np.full(n, np.nan)
    s_reported[target] = True
    did_hit = e_did[hit]
    s_done[target[did_hit]] = True
    s_minutes[target[did_hit]] = e_minutes[hit][did_hit]
    extra_days = e_day[counted & ~hit & e_did]

    pain_ok = counted & ~np.isnan(e_pain)
    dp_ok = dp_day <= limit
    pain_day = np.concatenate((e_day[pain_ok], dp_day[dp_ok]))
    pain_val = np.concatenate((e_pain[pain_ok], dp_val[dp_ok]))
    # entry index of each pain score; -1 for a daily pain score (no entry row)
    pain_at = np.concatenate((np.nonzero(pain_ok)[0], np.full(int(dp_ok.sum()), -1, dtype=np.int64)))
    pb_ok, pa_ok = counted & ~np.isnan(pb), counted & ~np.isnan(pa)
    pb_day, pb_val = e_day[pb_ok], pb[pb_ok]
    pa_day, pa_val = e_day[pa_ok], pa[pa_ok]

    # ---- totals
    done_n = int(s_done.sum())
    timed = presc_min[sex] > 0 if n else np.zeros(0, dtype=bool)
    with_minutes = s_done & timed & ~np.isnan(s_minutes)
    minutes_done = float(np.nansum(np.where(with_minutes, s_minutes, 0.0)))
    minutes_presc = float(presc_min[sex][with_minutes].sum()) if n else 0.0

    # ---- per week
    n_weeks = 0 if limit < 0 else limit // 7 + 1
    w_sched = np.bincount(sweek, minlength=n_weeks)[:n_weeks] if n else np.zeros(n_weeks, dtype=int)
    w_done = np.bincount(sweek, weights=s_done, minlength=n_weeks)[:n_weeks] if n else np.zeros(n_weeks)
    w_min = np.bincount(sweek, weights=np.where(with_minutes, s_minutes, 0.0), minlength=n_weeks)[:n_weeks] \
        if n else np.zeros(n_weeks)
    w_presc = np.bincount(sweek, weights=np.where(with_minutes, presc_min[sex], 0.0), minlength=n_weeks)[:n_weeks] \
        if n else np.zeros(n_weeks)

    def weekly_mean(days: np.ndarray, vals: np.ndarray) -> np.ndarray:
        if days.size == 0:
            return np.full(n_weeks, np.nan)
        wk = np.asarray(days) // 7
        tot = np.bincount(wk, weights=np.asarray(vals, dtype=float), minlength=n_weeks)[:n_weeks]
        cnt = np.bincount(wk, minlength=n_weeks)[:n_weeks]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)

    w_pain = weekly_mean(pain_day, pain_val)
    w_pb = weekly_mean(pb_day, pb_val)
    w_pa = weekly_mean(pa_day, pa_val)

    def num(x: float) -> float | None:
        return None if x != x else round(x, 2)  # NaN is the only value not equal to itself

    days7 = [start + dt.timedelta(days=7 * w) for w in range(n_weeks)]
    weekly = [
        {
            "week": w + 1, "start": ws, "end": min(ws + dt.timedelta(days=6), end),
            "scheduled": int(sc), "done": int(dn), "adherence": _ratio(dn, sc),
            "pain_before": num(b), "pain_after": num(a), "pain": num(pn),
            "minutes_done": mn, "minutes_prescribed": mp, "duration_adherence": _ratio(mn, mp),
        }
        for w, (ws, sc, dn, b, a, pn, mn, mp) in enumerate(zip(
            days7, w_sched.tolist(), w_done.tolist(), w_pb.tolist(), w_pa.tolist(), w_pain.tolist(),
            w_min.tolist(), w_presc.tolist()))
    ]

    # ---- per exercise
    e_sched = np.bincount(sex, minlength=n_ex) if n else np.zeros(n_ex, dtype=int)
    e_done = np.bincount(sex, weights=s_done, minlength=n_ex) if n else np.zeros(n_ex)
    e_min = np.bincount(sex, weights=np.where(with_minutes, s_minutes, 0.0), minlength=n_ex) if n else np.zeros(n_ex)
    e_presc = np.bincount(sex, weights=np.where(with_minutes, presc_min[sex], 0.0), minlength=n_ex) \
        if n else np.zeros(n_ex)
    exercises = [
        {"exercise_id": pe.exercise.id, "exercise": pe.exercise.name, "scheduled": int(e_sched[i]),
         "done": int(e_done[i]), "adherence": _ratio(float(e_done[i]), float(e_sched[i])),
         "minutes_done": float(e_min[i]), "minutes_prescribed": float(e_presc[i]),
         "duration_adherence": _ratio(float(e_min[i]), float(e_presc[i])) if presc_min[i] > 0 else None}
        for i, pe in enumerate(plan.exercises)
    ]

    # ---- per day, streaks and gaps (over scheduled days only)
    n_days = limit + 1 if limit >= 0 else 0
    d_sched = np.bincount(sday, minlength=n_days)[:n_days] if n else np.zeros(n_days, dtype=int)
    d_done = np.bincount(sday, weights=s_done, minlength=n_days)[:n_days] if n else np.zeros(n_days)
    d_extra = np.bincount(extra_days, minlength=n_days)[:n_days] if extra_days.size else np.zeros(n_days, dtype=int)
    day_counts = (tuple(d_sched.tolist()), tuple(d_done.astype(np.int64).tolist()), tuple(d_extra.tolist()))
    sched_days = np.nonzero(d_sched > 0)[0]
    streak = _longest(d_done[sched_days] >= d_sched[sched_days], sched_days, start)
    gap = _longest(d_done[sched_days] == 0, sched_days, start)

    # ---- pain change and rising-pain flags
    pain_weeks = [w for w, x in enumerate(w_pain.tolist()) if x == x]
    # exact, not rounded: the progression rules compare it with their thresholds (a mean of 3.004 is above 3)
    last_week_pain = float(w_pain[pain_weeks[-1]]) if pain_weeks else None
    change = None
    if len(pain_weeks) >= 2:
        f, l = pain_weeks[0], pain_weeks[-1]
        first, last = float(w_pain[f]), float(w_pain[l])
        points = last - first
        important = is_important_change(first, last)
        if not important:
            verdict = (f"no important change: mean pain {first:.1f} in week {f + 1}, {last:.1f} in week {l + 1} "
                       f"({points:+.1f} points; important is 2 points or 30% [O1])")
        else:
            word = "better" if points < 0 else "worse"
            rel = f", {100 * points / first:+.0f}%" if first > 0 else ""
            verdict = (f"importantly {word}: mean pain {first:.1f} in week {f + 1}, {last:.1f} in week {l + 1} "
                       f"({points:+.1f} points{rel}; important is 2 points or 30% [O1])")
        change = PainChange(f + 1, first, l + 1, last, round(points, 2),
                            round(points / first, 3) if first > 0 else None, important, verdict)
        pd_arr, pv_arr = pain_day, pain_val
        for w in pain_weeks[1:]:
            mean_w = float(w_pain[w])
            if mean_w > first and is_important_change(first, mean_w):
                in_week = np.nonzero(pd_arr // 7 == w)[0]
                worst = in_week[np.argmax(pv_arr[in_week])]
                day = start + dt.timedelta(days=int(pd_arr[worst]))
                row = row_of(int(pain_at[worst]))
                flags.append(Flag("pain-rising", day, row,
                                  f"Pain is rising: week {w + 1} averaged {mean_w:.1f}, up {mean_w - first:.1f} points "
                                  f"from {first:.1f} in week {f + 1} (important is 2 points or 30% [O1])"))
    flags.sort(key=_flag_order)

    return AdherenceSummary(
        plan_id=plan.id,
        plan_version=plan.version,
        patient_id=plan.patient.id,
        start=start,
        end=end,
        as_of=as_of,
        sessions_scheduled=n,
        sessions_done=done_n,
        sessions_not_done=int((s_reported & ~s_done).sum()),
        sessions_not_reported=int((~s_reported).sum()),
        extra_sessions=int(extra_days.size),
        adherence=_ratio(done_n, n),
        minutes_done=round(minutes_done, 2),
        minutes_prescribed=round(minutes_presc, 2),
        duration_adherence=_ratio(minutes_done, minutes_presc),
        weeks_elapsed=0 if limit < 0 else (limit + 1) // 7,
        last_week_pain=last_week_pain,
        pain_change=change,
        streak=streak,
        gap=gap,
        weekly=weekly,
        exercises=exercises,
        day_counts=day_counts,
        flags=flags,
        highest_pain=float(pain_val.max()) if pain_val.size else None,
    )
