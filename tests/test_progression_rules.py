"""The progression rules of issue 11 (point 6): the pain rule in points and percent, the stop level of a single
session, weeks counted over every version of a phase, review past the maximum, a step back that never raises
the weekly load, and thresholds compared exactly with consistent rounding."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from adherence_helpers import START, entry, make_plan
from physio.adherence import summarise
from physio.errors import PlanError
from physio.models.protocol import AdvanceWhen, Progression, StepBackWhen
from physio.planning import personalise, schedule, step_back, weekly_sessions
from physio.progression import phase_began, recommend

from planning_helpers import library, patient, protocol

RULES = Progression(
    advance=AdvanceWhen(min_adherence=0.7, max_pain=3, min_weeks=2, stop_pain=6, source="MI1: test; T1: stop at 6"),
    step_back=StepBackWhen(min_pain=6, pain_rise=2, pain_rise_fraction=0.3, adherence_below=0.4,
                           source="T1: test; O1: 2 points or 30%"),
)


def plan(**kw):
    return make_plan(**kw).model_copy(update={"progression": RULES})


def logged(p, pain_by_week: dict[int, float], *, until_day: int = 20, spikes: dict[int, float] | None = None):
    """Every session done; pain per week, and a few sessions (by schedule index) at a given pain."""
    out = []
    for i, s in enumerate(schedule(p)):
        if (s.date - p.start).days > until_day:
            continue
        pain = (spikes or {}).get(i, pain_by_week.get(s.week, 1))
        out.append(entry(p, s.date, s.exercise_id, session=s.session, pain_before=pain, row=i + 2))
    return out


def decide(p, entries, **kw):
    return recommend(p, summarise(p, schedule(p), entries), **kw)


def test_a_rise_of_30_percent_under_2_points_steps_back():
    """2 → 3 and 1.5 → 2.5 are rises of 50% and 67% (O1: 30% is a real change), so the patient is not advanced."""
    for first, last in [(2, 3), (1.5, 2.5)]:
        p = plan()
        r = decide(p, logged(p, {1: first, 2: first, 3: last}))
        assert r.action == "step_back", (first, last, r.reasons)
        assert any("Pain rose by 1.0 points" in x and "30% [O1]" in x for x in r.reasons)


def test_a_rise_too_small_to_notice_is_not_worsening():
    """0.5 → 1.0 is 100%, but half a point is less than the 1 point patients notice (SA1): not a step back."""
    p = plan()
    r = decide(p, logged(p, {1: 0.5, 2: 0.5, 3: 1.0}))
    assert r.action == "advance", r.reasons


def test_a_session_at_the_stop_level_blocks_advancing_whatever_the_mean():
    """Two sessions at 9/10 among many at 2: the mean is low, but 9 ≥ the stop level 6 (T1) holds the patient."""
    p = plan()
    r = decide(p, logged(p, {1: 2, 2: 2, 3: 2}, spikes={40: 9, 41: 9}))
    assert r.numbers["highest_pain"] == 9 and r.numbers["last_week_pain"] < 3
    assert r.action == "hold"
    assert "a session reached pain 9.0/10, at or above the stop level 6.0" in r.reasons[0]


def test_thresholds_are_exact_and_messages_round_consistently():
    """A mean of 3.05 is above 3: the message must not read '3.0/10 is above the 3 allowed'."""
    p = plan()
    r = decide(p, logged(p, {1: 3.05, 2: 3.05, 3: 3.05}))
    assert r.action == "hold"
    assert "3.05/10 is above the 3.00 allowed" in r.reasons[0]
    r = decide(p, logged(p, {1: 3, 2: 3, 3: 3}))
    assert r.action == "advance" and "3.0/10 is within the 3.0 allowed" in r.reasons[1]


def _versions(phase_ids: list[str], weeks: int = 2):
    out, start = [], START
    for n, ph in enumerate(phase_ids, 1):
        v = plan(version=n, weeks=weeks, start=start).model_copy(update={"phase_id": ph})
        out.append(v)
        start = v.end + dt.timedelta(days=1)
    return out


def test_weeks_in_a_phase_count_across_its_versions():
    versions = _versions(["directional", "motor-control", "motor-control", "motor-control", "motor-control"])
    last = versions[-1]
    began = phase_began(versions, last)
    assert began == versions[1].start  # not the last version's own start, not phase 1's
    entries = logged(last, {1: 1, 2: 1}, until_day=13)
    r = decide(last, entries, max_weeks=4, phase_start=began)
    # 4 versions of 2 weeks in the phase: 8 weeks, past its maximum of 4 → review, with the reason
    assert r.action == "review" and r.numbers["weeks_in_phase"] == 8
    assert "8 weeks in Phase 2 — Motor control" in r.reasons[0] and "maximum of 4 weeks" in r.reasons[0]
    # without the other versions the same log said plain "advance": the bug of counting per version
    assert decide(last, entries, max_weeks=4).action == "advance"


def test_one_week_plans_in_a_two_week_phase_can_advance_on_the_second_version():
    versions = _versions(["motor-control", "motor-control"], weeks=1)
    second = versions[-1]
    entries = logged(second, {1: 1}, until_day=6)
    assert decide(second, entries).action == "hold"  # 1 week of this version alone
    r = decide(second, entries, phase_start=phase_began(versions, second))
    assert r.action == "advance" and r.numbers["weeks_in_phase"] == 2


DOSES = st.fixed_dictionaries({
    "duration_s": st.integers(10, 900), "sessions_per_day": st.integers(1, 8), "days_per_week": st.integers(1, 7),
})
BRIDGE = st.fixed_dictionaries({"sets": st.integers(1, 4), "reps": st.integers(1, 20), "days_per_week": st.integers(1, 7)})


@given(phase=st.sampled_from(["one", "two", "three"]), prone=DOSES, bridge=BRIDGE)
@settings(max_examples=60, deadline=None)
def test_property_a_step_back_never_raises_the_weekly_load(phase, prone, bridge):
    """Whatever the doses the therapist set, a step back asks for no more sessions a week and no larger dose of
    any exercise it keeps; in the first phase it is a lighter dose of that phase or a request for a review."""
    from physio.models import ExerciseChange, Overrides

    proto, lib, pat = protocol(), library(), patient()
    change = {"glute-bridge": ExerciseChange(set=bridge, reasons={k: "test" for k in bridge})}
    if phase == "one":
        change["prone-lying"] = ExerciseChange(set=prone, reasons={k: "test" for k in prone})
    try:
        current = personalise(proto, pat, phase, START, Overrides(change=change), library=lib, today=START)
    except PlanError:
        return  # a combination the limits refuse (e.g. the board rule): nothing to step back from
    try:
        back = step_back(current, proto, pat, library=lib)
    except PlanError as e:
        assert "review" in str(e)
        return
    assert weekly_sessions(back) <= weekly_sessions(current)
    if phase == "one":
        assert back.phase_id == "one"
    if back.phase_id == current.phase_id:
        for pe in back.exercises:
            before = current.exercise(pe.exercise.id).dose.values()
            assert all(v <= before[k] for k, v in pe.dose.values().items() if k in before)


def test_a_mean_just_above_the_threshold_is_compared_exactly():
    """3.004 rounds to 3.0 but is above 3: not within the limit; printed with enough decimals to show it."""
    p = plan()
    r = decide(p, logged(p, {1: 3.004, 2: 3.004, 3: 3.004}))
    assert r.action == "hold" and "3.004/10 is above the 3.000 allowed" in r.reasons[0]


def test_from_the_outside_two_sessions_at_9_in_a_returned_workbook_block_advancing(tmp_path, capsys):
    """A plan made with the CLI, its workbook filled in with openpyxl as a patient would (every session ticked,
    back pain 2, two days at 9), imported back with `physio import`: `physio review` holds, naming the stop level."""
    import openpyxl

    from physio.cli import main
    from physio.models import Patient
    from physio.store import Workspace

    ws = Workspace(tmp_path / "ws")
    ws.add_patient(Patient.model_validate({"id": "P7", "name": "Out Side", "birth_year": 1980, "therapist": "T",
                                           "conditions": [{"kind": "lumbar-disc-hernia",
                                                           "directional_preference": "extension"}]}))
    w = ["--workspace", str(ws.folder)]
    assert main(w + ["plan", "new", "--patient", "P7", "--protocol", "lumbar-disc-hernia", "--phase",
                     "motor-control", "--start", "2026-09-07"]) == 0
    (tmp_path / "out").mkdir()
    assert main(w + ["export", "P7-lumbar-disc-hernia", "--out", str(tmp_path / "out")]) == 0
    book = next((tmp_path / "out").glob("*.xlsx"))
    wb = openpyxl.load_workbook(book)
    log = wb["Log"]  # the day-by-day log: header on row 3, a ✓ per exercise, pain once a day
    col = {c.value: c.column for c in log[3] if c.value}
    ticks = [c for h, c in col.items() if h[0].isdigit()]
    pain = col["Back pain today (0‑10)"]
    days = [r for r in range(4, log.max_row + 1) if log.cell(r, pain).protection.locked is False]
    for r in range(4, log.max_row + 1):
        for c in ticks:
            if log.cell(r, c).protection.locked is False:  # the exercise is planned in this session
                log.cell(r, c).value = "✓"
    for n, r in enumerate(days):
        log.cell(r, pain).value = 9 if n in (3, 4) else 2
    wb.save(book)
    capsys.readouterr()
    assert main(w + ["import", "P7", str(book)]) == 0
    assert main(w + ["review", "P7-lumbar-disc-hernia"]) == 0
    out = capsys.readouterr().out
    assert "Recommendation: HOLD" in out and "a session reached pain 9.0/10, at or above the stop level 6.0" in out
