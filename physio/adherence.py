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
    behind a calm start. Weekly pain = the mean session pain of a plan week (weeks start on the plan's start day).
  - Pain change = the last week with pain scores against the first; a change of 2 points or 30% is clinically
    important [O1].
  - Streak = the longest run of consecutive scheduled days on which every scheduled session was done; gap = the
    longest run of consecutive scheduled days with none done (days with nothing scheduled are skipped).
  - Flags: any pain score of 6 or more [T1]; a week whose mean pain rose by an important amount over the first
    week [O1]; a note containing a red-flag word of the plan. Flags are looked for in every entry, even after
    the "as of" date: a warning is never hidden.
"""

from __future__ import annotations

import datetime as dt
import html
import re
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
    date: dt.date
    row: int | None
    message: str
    red_flag: str | None = None


@dataclass(frozen=True)
class PainChange:
    first_week: int
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
    daily: list[dict] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

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

    def daily_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.daily, columns=_DAY_COLUMNS)

    def flags_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(f.date, f.row, f.kind, f.message) for f in self.flags], columns=["date", "row", "flag", "message"]
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


def _did(e: LogEntry) -> bool:
    if e.done is not None:
        return e.done
    return any(v is not None and v > 0 for v in (e.sets_done, e.reps_done, e.minutes))


def _session_pain(e: LogEntry) -> float | None:
    if e.pain_before is None:
        return e.pain_after
    if e.pain_after is None:
        return e.pain_before
    return max(e.pain_before, e.pain_after)


def _word_patterns(plan: Plan) -> list[tuple[re.Pattern, str, str]]:
    """One pattern per red-flag word: the word (a stem) at the start of a word, any case."""
    out = []
    for rf in plan.red_flags:
        for w in [*rf.words_en, *rf.words_ru]:
            w = " ".join(w.split())
            if w:
                pat = r"(?<!\w)" + r"\s+".join(re.escape(p) for p in w.split(" "))
                out.append((re.compile(pat, re.IGNORECASE), w, rf.id))
    return out


def _ratio(a: float, b: float) -> float | None:
    return None if b == 0 else a / b


def _mean(a: np.ndarray) -> float | None:
    return None if a.size == 0 else float(a.mean())


def _longest(mask: np.ndarray, days: np.ndarray, start: dt.date) -> Run:
    """Longest run of True in `mask` over consecutive scheduled days (`days` are day offsets from start)."""
    best = (0, -1, -1)
    run_start = None
    for i, ok in enumerate(mask):
        if ok:
            if run_start is None:
                run_start = i
            length = i - run_start + 1
            if length > best[0]:
                best = (length, run_start, i)
        else:
            run_start = None
    if best[0] == 0:
        return Run(0, None, None)
    d = dt.timedelta
    return Run(best[0], start + d(days=int(days[best[1]])), start + d(days=int(days[best[2]])))


def summarise(
    plan: Plan,
    schedule: list[ScheduledSession],
    entries: Iterable[LogEntry],
    *,
    as_of: dt.date | None = None,
) -> AdherenceSummary:
    """Adherence, pain, streaks and flags of one plan; see the module docstring for every definition."""
    start, end = plan.start, plan.end
    mine = [e for e in entries if e.plan_id == plan.id and start <= e.date <= end]
    if as_of is None and mine:
        as_of = max(e.date for e in mine)
    if as_of is not None:
        as_of = min(as_of, end)
    limit = -1 if as_of is None or as_of < start else (as_of - start).days

    # ---- the schedule up to as_of, as arrays
    ex_ids = [pe.exercise.id for pe in plan.exercises]
    ex_index = {x: i for i, x in enumerate(ex_ids)}
    n_ex = len(ex_ids)
    presc_min = np.array(
        [(pe.dose.duration_s * (pe.dose.sets or 1) / 60.0) if pe.dose.duration_s else 0.0 for pe in plan.exercises]
    )
    key_pos: dict[tuple, int] = {}
    s_day: list[int] = []
    s_ex: list[int] = []
    for s in schedule:
        off = (s.date - start).days
        if off > limit or s.exercise_id not in ex_index:
            continue
        key_pos[(s.date, s.session, s.exercise_id)] = len(s_day)
        s_day.append(off)
        s_ex.append(ex_index[s.exercise_id])
    n = len(s_day)
    sday = np.asarray(s_day, dtype=np.int64)
    sex = np.asarray(s_ex, dtype=np.int64)
    sweek = sday // 7
    s_done = np.zeros(n, dtype=bool)
    s_reported = np.zeros(n, dtype=bool)
    s_minutes = np.full(n, np.nan)

    # ---- entries: done-ness of each scheduled session, pain, extra sessions, flags
    extra_days: list[int] = []
    pain_day: list[int] = []
    pain_val: list[float] = []
    pb_day: list[int] = []
    pb_val: list[float] = []
    pa_day: list[int] = []
    pa_val: list[float] = []
    flags: list[Flag] = []
    patterns = _word_patterns(plan)
    for e in mine:
        off = (e.date - start).days
        sp = _session_pain(e)
        if sp is not None and sp >= PAIN_FLAG_AT:
            flags.append(Flag("pain-high", e.date, e.source_row,
                              f"Pain {sp:g}/10 on {e.date:%d.%m.%Y} ({e.exercise_id}): 6 or more means stop or regress [T1]"))
        if e.notes and patterns:
            for pat, word, rf_id in patterns:
                if pat.search(e.notes):
                    flags.append(Flag("red-flag", e.date, e.source_row,
                                      f"Note on {e.date:%d.%m.%Y} mentions '{word}' (red flag {rf_id}): "
                                      f"\"{e.notes}\"", red_flag=rf_id))
                    break
        if off > limit:
            continue
        if sp is not None:
            pain_day.append(off)
            pain_val.append(sp)
            if e.pain_before is not None:
                pb_day.append(off)
                pb_val.append(e.pain_before)
            if e.pain_after is not None:
                pa_day.append(off)
                pa_val.append(e.pain_after)
        i = key_pos.get((e.date, e.session, e.exercise_id)) if e.scheduled else None
        did = _did(e)
        if i is None:
            if did:
                extra_days.append(off)
            continue
        s_reported[i] = True
        if did:
            s_done[i] = True
            if e.minutes is not None:
                s_minutes[i] = e.minutes

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

    def weekly_mean(days: list[int], vals: list[float]) -> np.ndarray:
        if not days:
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
        return None if np.isnan(x) else round(float(x), 2)

    weekly = []
    for w in range(n_weeks):
        ws = start + dt.timedelta(days=7 * w)
        weekly.append({
            "week": w + 1, "start": ws, "end": min(ws + dt.timedelta(days=6), end),
            "scheduled": int(w_sched[w]), "done": int(w_done[w]),
            "adherence": _ratio(float(w_done[w]), float(w_sched[w])),
            "pain_before": num(w_pb[w]), "pain_after": num(w_pa[w]), "pain": num(w_pain[w]),
            "minutes_done": float(w_min[w]), "minutes_prescribed": float(w_presc[w]),
            "duration_adherence": _ratio(float(w_min[w]), float(w_presc[w])),
        })

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
    d_extra = np.bincount(np.asarray(extra_days, dtype=np.int64), minlength=n_days)[:n_days] \
        if extra_days else np.zeros(n_days, dtype=int)
    daily = [
        {"date": start + dt.timedelta(days=d), "scheduled": int(d_sched[d]), "done": int(d_done[d]),
         "extra": int(d_extra[d])}
        for d in range(n_days)
    ]
    sched_days = np.nonzero(d_sched > 0)[0]
    streak = _longest(d_done[sched_days] >= d_sched[sched_days], sched_days, start)
    gap = _longest(d_done[sched_days] == 0, sched_days, start)

    # ---- pain change and rising-pain flags
    pain_weeks = [w for w in range(n_weeks) if not np.isnan(w_pain[w])]
    last_week_pain = round(float(w_pain[pain_weeks[-1]]), 2) if pain_weeks else None
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
        change = PainChange(f + 1, round(first, 2), l + 1, round(last, 2), round(points, 2),
                            round(points / first, 3) if first > 0 else None, important, verdict)
        pd_arr = np.asarray(pain_day)
        pv_arr = np.asarray(pain_val)
        for w in pain_weeks[1:]:
            mean_w = float(w_pain[w])
            if mean_w > first and is_important_change(first, mean_w):
                in_week = np.nonzero(pd_arr // 7 == w)[0]
                worst = in_week[np.argmax(pv_arr[in_week])]
                day = start + dt.timedelta(days=int(pd_arr[worst]))
                row = next((e.source_row for e in mine if e.date == day and _session_pain(e) == pv_arr[worst]), None)
                flags.append(Flag("pain-rising", day, row,
                                  f"Pain is rising: week {w + 1} averaged {mean_w:.1f}, up {mean_w - first:.1f} points "
                                  f"from {first:.1f} in week {f + 1} (important is 2 points or 30% [O1])"))
    flags.sort(key=lambda fl: (fl.date, fl.row or 0))

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
        extra_sessions=len(extra_days),
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
        daily=daily,
        flags=flags,
    )
