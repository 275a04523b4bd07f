"""Adherence summary: counts against the schedule, duration apart from frequency, pain change, streaks, flags."""

from __future__ import annotations

import datetime as dt

import pytest

from adherence_helpers import START, entry, make_plan
from physio.adherence import is_important_change, summarise
from physio.planning import schedule

D = dt.timedelta


@pytest.fixture
def plan():
    return make_plan()  # 3 weeks: prone-lying 2×/day, bridge daily, bird-dog on days 0, 2, 4


def done_all(plan, until: dt.date, **kw):
    return [entry(plan, s.date, s.exercise_id, session=s.session, **kw) for s in schedule(plan) if s.date <= until]


def test_everything_done_is_full_adherence_and_stops_at_the_last_logged_day(plan):
    last = START + D(days=9)
    s = summarise(plan, schedule(plan), done_all(plan, last))
    expected = sum(1 for x in schedule(plan) if x.date <= last)
    assert s.as_of == last
    assert (s.sessions_scheduled, s.sessions_done, s.adherence) == (expected, expected, 1.0)
    assert s.weeks_elapsed == 1
    assert [w["week"] for w in s.weekly] == [1, 2]
    assert s.weekly[1]["scheduled"] == 3 * 3 + 2  # days 7-9: prone 2 + bridge 1 each day; bird-dog on days 7 and 9


def test_overall_per_week_and_per_exercise_adherence(plan):
    sessions = schedule(plan)
    # week 1: only bridges done; week 2: everything done
    entries = [entry(plan, s.date, s.exercise_id, session=s.session) for s in sessions
               if (s.week == 1 and s.exercise_id == "glute-bridge") or s.week == 2]
    s = summarise(plan, sessions, entries)
    wk = {w["week"]: w for w in s.weekly}
    assert (wk[1]["scheduled"], wk[1]["done"]) == (14 + 7 + 3, 7)
    assert wk[2]["adherence"] == 1.0
    ex = {e["exercise_id"]: e for e in s.exercises}
    assert (ex["glute-bridge"]["done"], ex["glute-bridge"]["scheduled"]) == (14, 14)
    assert (ex["prone-lying"]["done"], ex["prone-lying"]["scheduled"]) == (14, 28)
    assert s.adherence == pytest.approx((7 + 24) / 48)
    assert s.frequency_adherence == s.adherence


def test_sessions_reported_not_done_and_not_reported_are_told_apart(plan):
    sessions = schedule(plan)[:6]
    entries = [entry(plan, x.date, x.exercise_id, session=x.session, done=False) for x in sessions[:2]]
    entries.append(entry(plan, sessions[2].date, sessions[2].exercise_id, session=sessions[2].session, done=None))
    entries.append(entry(plan, START, "glute-bridge", done=None, pain_before=1))
    s = summarise(plan, schedule(plan), entries, as_of=START)
    assert s.sessions_scheduled == 4  # day 0: prone ×2, bridge, bird-dog
    assert s.sessions_done == 0 and s.sessions_not_done == 3 and s.sessions_not_reported == 1


def test_done_blank_but_counts_reported_counts_as_done(plan):
    e = entry(plan, START, "glute-bridge", done=None)
    e = e.model_copy(update={"reps_done": 10})
    s = summarise(plan, schedule(plan), [e], as_of=START)
    assert s.sessions_done == 1


def test_extra_sessions_are_counted_apart_and_never_lift_adherence(plan):
    entries = done_all(plan, START)
    entries.append(entry(plan, START, "glute-bridge", session=2, scheduled=False))
    entries.append(entry(plan, START + D(days=1), "bird-dog", scheduled=False))
    s = summarise(plan, schedule(plan), entries, as_of=START + D(days=1))
    assert s.extra_sessions == 2
    assert s.sessions_done == 4 and s.sessions_scheduled == 7
    assert s.daily[1] == {"date": START + D(days=1), "scheduled": 3, "done": 0, "extra": 1}


def test_duration_adherence_is_separate_from_frequency(plan):
    # every session done (frequency 100%) but prone lying held for 1 of the prescribed 2 minutes
    entries = [entry(plan, s.date, s.exercise_id, session=s.session,
                     minutes=1.0 if s.exercise_id == "prone-lying" else None) for s in schedule(plan)]
    s = summarise(plan, schedule(plan), entries)
    assert s.adherence == 1.0
    assert s.duration_adherence == pytest.approx(0.5)
    assert (s.minutes_done, s.minutes_prescribed) == (42.0, 84.0)
    ex = {e["exercise_id"]: e for e in s.exercises}
    assert ex["glute-bridge"]["duration_adherence"] is None


def test_as_of_keeps_a_running_plan_from_being_penalised(plan):
    entries = done_all(plan, START + D(days=2))
    s = summarise(plan, schedule(plan), entries, as_of=START + D(days=2))
    assert s.adherence == 1.0
    later = summarise(plan, schedule(plan), entries, as_of=START + D(days=6))
    assert later.adherence < 1.0


def test_no_entries_means_nothing_counted(plan):
    s = summarise(plan, schedule(plan), [])
    assert s.as_of is None and s.adherence is None and s.sessions_scheduled == 0
    assert s.headline() == "No sessions logged yet."


def test_streaks_and_gaps_over_scheduled_days(plan):
    sessions = schedule(plan)
    skip = {START + D(days=d) for d in (3, 4, 5)}
    entries = [entry(plan, s.date, s.exercise_id, session=s.session) for s in sessions
               if s.date not in skip and s.date <= START + D(days=13)]
    s = summarise(plan, sessions, entries)
    assert (s.streak.days, s.streak.start, s.streak.end) == (8, START + D(days=6), START + D(days=13))
    assert (s.gap.days, s.gap.start, s.gap.end) == (3, START + D(days=3), START + D(days=5))


def test_pain_change_judged_against_the_clinically_important_difference(plan):
    wk1 = [entry(plan, START + D(days=d), "glute-bridge", pain_before=5, pain_after=6 - 1) for d in range(7)]
    wk3 = [entry(plan, START + D(days=14 + d), "glute-bridge", pain_before=2, pain_after=3) for d in range(7)]
    s = summarise(plan, schedule(plan), wk1 + wk3)
    c = s.pain_change
    assert (c.first_week, c.first, c.last_week, c.last) == (1, 5.0, 3, 3.0)
    assert c.points == -2.0 and c.important and "importantly better" in c.verdict
    assert s.weekly[0]["pain_before"] == 5.0 and s.weekly[2]["pain_after"] == 3.0
    assert s.weekly[1]["pain"] is None
    assert s.last_week_pain == 3.0


@pytest.mark.parametrize("first,last,important", [
    (5, 3, True), (5, 4, False), (3, 2, True), (2, 1.5, False), (0, 1, False), (0, 2, True), (6, 4.3, False),
])
def test_important_change_is_two_points_or_thirty_percent(first, last, important):
    assert is_important_change(first, last) is important


def test_flags_for_high_pain_rising_pain_and_red_flag_words(plan):
    entries = [entry(plan, START + D(days=d), "glute-bridge", pain_before=2, row=2 + d) for d in range(7)]
    entries += [entry(plan, START + D(days=7 + d), "glute-bridge", pain_before=4, pain_after=5, row=20 + d)
                for d in range(6)]
    entries.append(entry(plan, START + D(days=13), "glute-bridge", pain_before=6, row=40,
                         notes="Онемение в седле, трудно с мочеиспусканием"))
    entries.append(entry(plan, START + D(days=12), "prone-lying", notes="My BLADDER feels odd", row=41))
    entries.append(entry(plan, START + D(days=11), "prone-lying", notes="embladdered? no: fine", row=42))
    s = summarise(plan, schedule(plan), entries)
    kinds = [(f.kind, f.row) for f in s.flags]
    assert ("pain-high", 40) in kinds
    assert ("red-flag", 40) in kinds and ("red-flag", 41) in kinds
    assert ("red-flag", 42) not in kinds  # a word is matched at the start of a word only
    rising = [f for f in s.flags if f.kind == "pain-rising"]
    assert len(rising) == 1 and rising[0].row == 40 and "week 2" in rising[0].message
    assert [f.red_flag for f in s.red_flags] == ["ces-bladder", "ces-saddle"]  # by level, then date
    assert [f.level for f in s.red_flags] == ["emergency", "emergency"]
    assert set(s.red_flags[1].red_flags) >= {"ces-saddle", "ces-bladder"}
    assert s.flags[0].kind == "red-flag"  # red flags come first


def test_red_flags_after_the_as_of_date_are_still_shown(plan):
    entries = done_all(plan, START) + [entry(plan, START + D(days=5), "glute-bridge", notes="numb in both legs")]
    s = summarise(plan, schedule(plan), entries, as_of=START)
    assert len(s.red_flags) == 1


def test_entries_of_other_plans_are_ignored(plan):
    other = make_plan(plan_id="someone-else")
    s = summarise(plan, schedule(plan), done_all(other, START + D(days=3)))
    assert s.as_of is None and s.sessions_done == 0


def test_frames_render_for_notebooks(plan):
    s = summarise(plan, schedule(plan), done_all(plan, START + D(days=8), pain_before=2))
    assert list(s.weekly_frame()["done"]) == [w["done"] for w in s.weekly]
    html = s._repr_html_()
    assert "100% of scheduled sessions done" in html and "<table" in html


def test_the_same_summary_from_the_entry_list_and_from_the_table(plan):
    """The table is only a faster way in: every number, flag and row must come out the same."""
    from physio.adherence import entries_frame
    from physio.models import LogEntry

    other = make_plan(plan_id="someone-else")
    sessions = schedule(plan)
    entries = [entry(plan, s.date, s.exercise_id, session=s.session, done=[True, False, None][i % 3],
                     minutes=1.5 if s.exercise_id == "prone-lying" and i % 4 else None,
                     pain_before=[1, 2, None, 1][i % 4] if s.week == 1 else [5, 6, 4, None][i % 4],
                     pain_after=4 if s.week == 2 and i % 5 == 0 else None, row=i + 2 if i % 7 else None)
               for i, s in enumerate(sessions) if s.week < 3]
    entries += [
        LogEntry(patient_id=plan.patient.id, plan_id=plan.id, plan_version=1, date=START + D(days=3),
                 exercise_id="glute-bridge", done=None, sets_done=2, reps_done=0, source_row=900),
        entry(plan, START + D(days=4), "glute-bridge", session=2, scheduled=False, row=901),
        entry(plan, START + D(days=5), "bird-dog", notes="numb in the saddle area", row=902),
        entry(plan, START + D(days=6), "bird-dog", pain_after=8),  # typed in by hand: no row
        entry(plan, START + D(days=60), "bird-dog", notes="bladder", row=903),  # after the plan: left out
        *done_all(other, START + D(days=2)),
    ]
    for as_of in (None, START + D(days=10)):
        from_list = summarise(plan, sessions, entries, as_of=as_of)
        from_table = summarise(plan, sessions, entries_frame(entries), as_of=as_of)
        assert from_table == from_list
    # the comparison covered every kind of flag, extra sessions and blank Done
    assert {f.kind for f in from_list.flags} == {"pain-high", "pain-rising", "red-flag"}
    assert from_list.extra_sessions == 3  # the second bridge of day 4, the bird-dogs of days 5 and 6
    assert 0 < from_list.sessions_done < from_list.sessions_scheduled
    assert any(f.row is None for f in from_list.flags) and any(f.row == 902 for f in from_list.flags)


def test_entries_frame_has_one_column_per_field_and_keeps_blanks_blank(plan):
    from physio.adherence import entries_frame
    from physio.models import LogEntry

    entries = [entry(plan, START, "glute-bridge", done=None, pain_before=3, row=5),
               entry(plan, START, "bird-dog", done=False, notes="tired")]
    df = entries_frame(entries)
    assert list(df.columns) == list(LogEntry.model_fields)
    assert df["date"].dt.date.tolist() == [START, START]
    assert df["done"].isna().tolist() == [True, False] and df["done"][1] == False  # noqa: E712
    assert df["pain_before"].isna().tolist() == [False, True] and df["pain_before"][0] == 3
    assert df["source_row"].isna().tolist() == [False, True] and df["source_row"][0] == 5
    assert df["notes"].isna().tolist() == [True, False] and df["notes"][1] == "tired"
    assert len(entries_frame([])) == 0


def test_daily_pain_of_the_day_by_day_log_feeds_the_pain_trend():
    """Back and leg pain once a day (NPRS results): per day the last score given of each, then the higher of the
    two; they make the weekly pain, its change and the flags, like session pain."""
    from physio.adherence import daily_pain_scores

    plan = make_plan(weeks=2)
    d = [START + dt.timedelta(days=i) for i in range(14)]
    results = [("nprs-back", d[0], 2), ("nprs-leg", d[0], 4), ("nprs-back", d[1], 9), ("nprs-back", d[1], 3),
               ("nprs-leg", d[8], 7), ("nprs-back", d[9], 6), ("nprs-back", START - dt.timedelta(days=3), 9)]
    daily = daily_pain_scores(results, plan)
    assert daily == [(d[0], 4.0), (d[1], 3.0), (d[8], 7.0), (d[9], 6.0)]  # corrected 9 → 3; before the plan: out
    entries = [entry(plan, day, "glute-bridge") for day in d[:10]]
    s = summarise(plan, schedule(plan), entries, daily_pain=daily)
    assert [w["pain"] for w in s.weekly] == [3.5, 6.5] and s.last_week_pain == 6.5 and s.highest_pain == 7
    assert s.pain_change is not None and s.pain_change.important and s.pain_change.points == 3
    assert {f.kind for f in s.flags} == {"pain-high", "pain-rising"}
    # without daily pain the same entries have no pain at all: the old layout's meaning is unchanged
    assert summarise(plan, schedule(plan), entries).last_week_pain is None
