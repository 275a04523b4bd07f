"""The hard limits hold on every path: protocol files, personalise, and plans made by hand then exported."""

from __future__ import annotations

import datetime as dt

import pytest

import physio
from physio.errors import LimitExceeded
from physio.models import Dose, ExerciseChange, Overrides, Patient
from physio.planning import check_plan, personalise
from physio.safety import MAX_BOARD_SESSION_S, board_seconds, board_session_problems


@pytest.fixture(scope="module")
def lib():
    return physio.default_library()


@pytest.fixture(scope="module")
def board_patient() -> Patient:
    return Patient(id="B1", name="Board Patient", birth_year=1980, therapist="Anna Berg")


def _last_board_phase(lib):
    proto = lib.protocol("stretching-board")
    phase = proto.phases[-1]
    board = [rx.exercise for rx in phase.exercises if "board" in lib.exercise(rx.exercise).tags]
    assert len(board) >= 2, "the last board phase uses both board exercises"
    return proto, phase, board


def test_board_time_counts_sets_and_holds():
    assert board_seconds(Dose(duration_s=300)) == 300
    assert board_seconds(Dose(sets=3, duration_s=300)) == 900
    assert board_seconds(Dose(reps=4, hold_s=60)) == 240


def test_one_board_exercise_over_twenty_minutes_is_named():
    problems = board_session_problems([("Board", ["board"], Dose(sets=2, duration_s=700))])
    assert problems == ["Board: a board session may last at most 20 minutes (the article); 1400 s is above"]


def test_board_exercises_too_long_together_are_named_together():
    problems = board_session_problems([
        ("Back", ["board", "supine"], Dose(duration_s=700)),
        ("Front", ["board", "prone"], Dose(duration_s=600)),
        ("Cat", ["quadruped"], Dose(duration_s=600)),  # not on the board: does not count
    ])
    assert problems == ["Back, Front: a board session may last at most 20 minutes (the article); "
                        "together they add up to 1300 s"]


def test_personalise_refuses_board_exercises_that_add_up_past_the_maximum(lib, board_patient):
    proto, phase, board = _last_board_phase(lib)
    limit = proto.limit(next(rx for rx in phase.exercises if rx.exercise == board[0]), "duration_s")
    each = min(limit.hard[1], MAX_BOARD_SESSION_S)  # each one alone is allowed...
    change = {ex: ExerciseChange(set={"duration_s": each}, reasons={"duration_s": "tolerates it well"}) for ex in board}
    with pytest.raises(LimitExceeded, match="together they add up to"):  # ...but not together
        personalise(proto, board_patient, phase.id, "2026-10-05", Overrides(change=change), library=lib)


def test_a_plan_edited_by_hand_past_a_hard_limit_is_never_exported(lib, board_patient, tmp_path):
    proto, phase, board = _last_board_phase(lib)
    plan = personalise(proto, board_patient, phase.id, dt.date(2026, 10, 5), library=lib)
    pe = plan.exercise(board[0])
    unsafe = pe.model_copy(update={"dose": pe.dose.model_copy(update={"angle_deg": 85})})
    hacked = plan.model_copy(update={"exercises": [unsafe, *plan.exercises[1:]]})
    assert any("board angle (°) 85 is outside the hard limit" in p for p in check_plan(hacked))
    assert any("board angle (°) 85 is above the absolute cap 60" in p for p in check_plan(hacked))
    for make in (physio.handout_bytes, physio.workbook_bytes):
        with pytest.raises(LimitExceeded, match="not safe to hand out"):
            make(hacked)
    with pytest.raises(LimitExceeded):
        physio.export_plan(hacked, tmp_path)
    assert list(tmp_path.iterdir()) == []
    ws = physio.Workspace(tmp_path / "ws")
    ws.add_patient(board_patient)
    with pytest.raises(physio.PhysioError):
        ws.issue(hacked, issued_by="Anna Berg")
    assert ws.plans_for(board_patient.id) == []
