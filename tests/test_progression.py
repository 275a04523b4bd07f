"""Each recommendation branch, from the phase's rules carried by the plan, with the numbers in the reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from adherence_helpers import START, entry, make_plan
from physio.adherence import Flag, summarise
from physio.errors import PlanError
from physio.planning import schedule
from physio.progression import nothing_reported, recommend

D = dt.timedelta


def log(plan, *, every: int = 1, pain: float | None = 2, until_day: int = 20, notes: dict | None = None,
        pain_by_week: dict[int, float] | None = None):
    """Do every `every`-th scheduled session up to `until_day`, with a pain score."""
    out = []
    for i, s in enumerate(schedule(plan)):
        day = (s.date - START).days
        if day > until_day:
            continue
        p = (pain_by_week or {}).get(s.week, pain)
        done = i % every == 0
        out.append(entry(plan, s.date, s.exercise_id, session=s.session, done=done, pain_before=p,
                         notes=(notes or {}).get(day), row=i + 2))
    return out


def decide(plan, entries, **kw):
    return recommend(plan, summarise(plan, schedule(plan), entries), **kw)


def test_advance_when_adherence_pain_and_weeks_are_all_met():
    plan = make_plan()
    r = decide(plan, log(plan, every=1, pain=2))
    assert r.action == "advance"
    assert r.numbers["adherence"] == 1.0 and r.numbers["last_week_pain"] == 2.0 and r.numbers["weeks_in_phase"] == 3
    text = " ".join(r.reasons)
    assert "100%" in text and "70% needed [MI1: test]" in text and "2.0/10" in text


def test_hold_says_which_rule_is_not_met_and_with_what_numbers():
    plan = make_plan()
    r = decide(plan, log(plan, every=2, pain=2))  # half the sessions
    assert r.action == "hold"
    assert r.reasons[0].startswith("Not ready to advance: adherence 50%")
    assert "is below the 70% needed" in r.reasons[0]
    assert "Already met" in r.reasons[1] and "2.0/10 is within the 3.0 allowed" in r.reasons[1]


def test_hold_when_too_few_weeks_in_the_phase():
    plan = make_plan()
    r = decide(plan, log(plan, until_day=8))
    assert r.action == "hold" and "1 week done in this phase, of the at least 2 weeks it asks for" in r.reasons[0]


def test_hold_when_no_pain_was_scored():
    plan = make_plan()
    r = decide(plan, log(plan, pain=None))
    assert r.action == "hold" and "no pain scores were logged" in r.reasons[0]


def test_nothing_logged_for_the_version_says_so_instead_of_a_step():
    plan = make_plan()
    r = decide(plan, [])
    assert r.action == "no_log" and r.label.startswith("No log yet for this plan version: nothing to judge")
    assert "Hold" not in r.label and "nothing to judge" in r.reasons[0] and "first log" in r.reasons[0]


def test_a_review_date_with_nothing_reported_is_still_no_log_not_a_step_back():
    # the calendar moved on (scheduled sessions, none reported): 0% of nothing is no evidence
    plan = make_plan()
    s = summarise(plan, schedule(plan), [], as_of=START + D(days=16))
    assert s.as_of is not None and s.adherence == 0.0
    r = recommend(plan, s)
    assert r.action == "no_log" and not any("Only 0%" in x for x in r.reasons)
    assert nothing_reported(s)
    # one session reported as not done is a log: it is judged
    not_done = [entry(plan, START, "glute-bridge", done=False)]
    judged = summarise(plan, schedule(plan), not_done, as_of=START + D(days=16))
    assert not nothing_reported(judged) and recommend(plan, judged).action == "step_back"


def test_an_open_red_flag_refers_even_with_no_log():
    plan = make_plan()
    s = summarise(plan, schedule(plan), [])
    flag = Flag(kind="red-flag", date=START, row=None, message="Numb in the saddle area (weekly check).",
                red_flag="saddle-anaesthesia", level="emergency")
    r = recommend(plan, replace(s, flags=[flag]))
    assert r.action == "refer" and r.level == "emergency" and "saddle" in r.reasons[0]


def test_step_back_on_high_pain():
    plan = make_plan()
    r = decide(plan, log(plan, pain=6.5))
    assert r.action == "step_back"
    assert any("6.5/10, at or above 6.0 [T1: test]" in x for x in r.reasons)


def test_step_back_on_a_pain_rise_of_two_points():
    plan = make_plan()
    r = decide(plan, log(plan, pain_by_week={1: 1, 2: 2, 3: 3.5}))
    assert r.action == "step_back"
    assert any("rose by 2.5 points" in x for x in r.reasons)
    assert r.numbers["pain_rise"] == 2.5


def test_step_back_on_very_low_adherence_when_the_phase_says_so():
    plan = make_plan()
    r = decide(plan, log(plan, every=3, pain=2))
    assert r.action == "step_back" and "Only 33% of sessions were done, below 40%" in r.reasons[0]
    lenient = make_plan(adherence_below=None)
    assert decide(lenient, log(lenient, every=3, pain=2)).action == "hold"


def test_refer_on_red_flag_words_whatever_else_is_true():
    plan = make_plan()
    r = decide(plan, log(plan, pain=1, notes={5: "cannot feel the saddle area"}))
    assert r.action == "refer" and "saddle" in r.reasons[0]
    assert r.numbers["red_flags"] == 3  # the note is on each of that day's three sessions


def test_refer_after_the_phase_maximum_weeks():
    plan = make_plan(weeks=6)
    entries = log(plan, every=2, pain=2, until_day=41)
    assert decide(plan, entries).action == "hold"
    r = decide(plan, entries, max_weeks=4)
    assert r.action == "review" and "6 weeks in Phase 2 — Motor control" in r.reasons[0]
    assert "longer than its maximum of 4 weeks" in r.reasons[0]
    no_rule = make_plan(weeks=6, refer_after_max_weeks=False)
    assert decide(no_rule, log(no_rule, every=2, pain=2, until_day=41), max_weeks=4).action == "hold"


def test_phase_start_before_this_plan_version_counts_toward_the_weeks():
    plan = make_plan()
    r = decide(plan, log(plan, until_day=8), phase_start=START - D(days=14))
    assert r.action == "advance" and r.numbers["weeks_in_phase"] == 3


def test_adherence_cutoff_defaults_to_the_phase_and_can_be_overridden():
    plan = make_plan()
    entries = [e.model_copy(update={"done": e.source_row % 5 != 0}) for e in log(plan, pain=2)]  # ~80%
    s = summarise(plan, schedule(plan), entries)
    assert 0.75 < s.adherence < 0.85
    assert recommend(plan, s).numbers["adherence_cutoff"] == 0.7
    assert recommend(plan, s).action == "advance"
    stricter = recommend(plan, s, adherence_cutoff=0.9)
    assert stricter.action == "hold" and "90% needed" in stricter.reasons[0]
    with pytest.raises(PlanError, match="adherence_cutoff 70 is outside 0-1"):
        recommend(plan, s, adherence_cutoff=70)
