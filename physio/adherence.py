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

from .adherence_counts import (
    EPOCH_ORDINAL, DailyPain, Logged, Pain, Period, Sessions, counting_period, daily_pain_days, exercise_records,
    logged_entries, match_sessions, pain_scores, ratio, tally, weekly_records,
)
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
#: Done as a small integer: 1 yes, 0 no, -1 left blank (decided later from what the patient wrote).
_DONE_CODE = {True: 1, False: 0, None: -1}


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
                 - EPOCH_ORDINAL).astype("datetime64[D]"),
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
    exercise_at = {pe.exercise.id: i for i, pe in enumerate(plan.exercises)}
    # a list is turned into the table first: one code path below
    logged = logged_entries(entries if isinstance(entries, pd.DataFrame) else entries_frame(entries), plan, exercise_at)
    period = counting_period(plan, as_of, logged)
    daily = daily_pain_days(daily_pain, plan)
    sessions = match_sessions(plan, schedule, exercise_at, logged, period.limit)
    pain = pain_scores(logged, daily, period.limit)
    weekly, week_pain = weekly_records(sessions, pain, period)
    change, rising = _pain_change(week_pain, pain, logged, plan.start)
    flags = [*_high_pain_flags(logged, daily, plan.start), *_red_flag_notes(logged, plan.start), *rising]
    flags.sort(key=_flag_order)
    return _summary(plan, period, sessions, pain, weekly=weekly, week_pain=week_pain, change=change, flags=flags)


def _pain_change(week_pain: np.ndarray, pain: Pain, logged: Logged,
                 start: dt.date) -> tuple[PainChange | None, list[Flag]]:
    """The last week with pain scores against the first [O1], and a flag for every later week whose pain rose by an
    important amount over the first (None and no flags while fewer than two weeks have pain scores)."""
    pain_weeks = [w for w, x in enumerate(week_pain.tolist()) if x == x]
    if len(pain_weeks) < 2:
        return None, []
    f, l = pain_weeks[0], pain_weeks[-1]
    first, last = float(week_pain[f]), float(week_pain[l])
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
    return change, _rising_flags(week_pain, pain_weeks, pain, logged, start)


def _rising_flags(week_pain: np.ndarray, pain_weeks: list[int], pain: Pain, logged: Logged,
                  start: dt.date) -> list[Flag]:
    """A pain-rising flag for each week after the first with pain scores whose mean rose by an important amount,
    on the day and row of its worst score [O1]."""
    f = pain_weeks[0]
    first = float(week_pain[f])
    flags = []
    for w in pain_weeks[1:]:
        mean_w = float(week_pain[w])
        if mean_w > first and is_important_change(first, mean_w):
            in_week = np.nonzero(pain.day // 7 == w)[0]
            worst = in_week[np.argmax(pain.value[in_week])]
            day = start + dt.timedelta(days=int(pain.day[worst]))
            flags.append(Flag("pain-rising", day, logged.row(int(pain.entry[worst])),
                              f"Pain is rising: week {w + 1} averaged {mean_w:.1f}, up {mean_w - first:.1f} points "
                              f"from {first:.1f} in week {f + 1} (important is 2 points or 30% [O1])"))
    return flags


def _high_pain_flags(logged: Logged, daily: DailyPain, start: dt.date) -> list[Flag]:
    """A pain-high flag for every session or daily pain score of 6 or more, even after as_of [T1]."""
    flags = []
    for j in np.nonzero(logged.pain >= PAIN_FLAG_AT)[0].tolist():
        day = start + dt.timedelta(days=int(logged.day[j]))
        ex = logged.exercise_id[j]
        flags.append(Flag("pain-high", day, logged.row(j),
                          f"Pain {logged.pain[j]:g}/10 on {day:%d.%m.%Y} ({ex}): 6 or more means stop or regress [T1]"))
    for d, v in zip(daily.day.tolist(), daily.value.tolist()):
        if v >= PAIN_FLAG_AT:
            day = start + dt.timedelta(days=d)
            flags.append(Flag("pain-high", day, None, f"Pain {v:g}/10 on {day:%d.%m.%Y} (back or leg pain of the "
                                                      "day): 6 or more means stop or regress [T1]"))
    return flags


def _red_flag_notes(logged: Logged, start: dt.date) -> list[Flag]:
    """The red flags named in the entries' notes, even after as_of (physio.redflags)."""
    flags = []
    notes = logged.notes
    for j in np.flatnonzero(pd.notna(notes)).tolist():
        text = notes[j]
        if isinstance(text, str):
            day = start + dt.timedelta(days=int(logged.day[j]))
            flags += note_flags(text, day, logged.row(j))
    return flags


def _summary(plan: Plan, period: Period, sessions: Sessions, pain: Pain, *, weekly: list[dict],
             week_pain: np.ndarray, change: PainChange | None, flags: list[Flag]) -> AdherenceSummary:
    """The summary from the steps' results, with the totals, the per-exercise and per-day tables."""
    n = int(sessions.day.size)
    done_n = int(sessions.done.sum())
    minutes_done = float(np.nansum(np.where(sessions.with_minutes, sessions.minutes, 0.0)))
    minutes_presc = float(sessions.prescribed[sessions.with_minutes].sum())
    day_counts, streak, gap = _per_day(sessions, period.limit, period.start)
    return AdherenceSummary(
        plan_id=plan.id,
        plan_version=plan.version,
        patient_id=plan.patient.id,
        start=period.start,
        end=period.end,
        as_of=period.as_of,
        sessions_scheduled=n,
        sessions_done=done_n,
        sessions_not_done=int((sessions.reported & ~sessions.done).sum()),
        sessions_not_reported=int((~sessions.reported).sum()),
        extra_sessions=int(sessions.extra_days.size),
        adherence=ratio(done_n, n),
        minutes_done=round(minutes_done, 2),
        minutes_prescribed=round(minutes_presc, 2),
        duration_adherence=ratio(minutes_done, minutes_presc),
        weeks_elapsed=0 if period.limit < 0 else (period.limit + 1) // 7,
        last_week_pain=_last_week_pain(week_pain),
        pain_change=change,
        streak=streak,
        gap=gap,
        weekly=weekly,
        exercises=exercise_records(plan, sessions),
        day_counts=day_counts,
        flags=flags,
        highest_pain=float(pain.value.max()) if pain.value.size else None,
    )


def _per_day(sessions: Sessions, limit: int, start: dt.date) -> tuple[tuple[tuple[int, ...], ...], Run, Run]:
    """Sessions scheduled, done and extra per day up to the last counted day; the longest streak and gap."""
    n_days = limit + 1 if limit >= 0 else 0
    d_sched = tally(sessions.day, n_days)
    d_done = tally(sessions.day, n_days, sessions.done)
    d_extra = tally(sessions.extra_days, n_days)
    day_counts = (tuple(d_sched.tolist()), tuple(d_done.astype(np.int64).tolist()), tuple(d_extra.tolist()))
    sched_days = np.nonzero(d_sched > 0)[0]
    streak = _longest(d_done[sched_days] >= d_sched[sched_days], sched_days, start)
    gap = _longest(d_done[sched_days] == 0, sched_days, start)
    return day_counts, streak, gap


def _last_week_pain(week_pain: np.ndarray) -> float | None:
    """Mean pain of the last week with pain scores. Exact, not rounded: the progression rules compare it with their
    thresholds (a mean of 3.004 is above 3)."""
    scored = week_pain[~np.isnan(week_pain)]
    return float(scored[-1]) if scored.size else None
