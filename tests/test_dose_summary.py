"""Dose.summary(): the one plain line a patient reads for every dose, on paper, in Excel and on screen.

One test per way a dose can be written, so a change in wording is a deliberate, visible decision."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from physio.models import Dose


def test_sets_times_reps():
    assert Dose(sets=3, reps=10).summary() == "3 × 10"


def test_reps_only():
    assert Dose(reps=12).summary() == "12 times"


def test_a_single_repetition_reads_once():
    assert Dose(reps=1).summary() == "once"
    assert Dose(reps=1, per_side=True).summary() == "once each side"


def test_hold():
    assert Dose(sets=3, reps=10, hold_s=5).summary() == "3 × 10, hold 5 s"
    assert Dose(hold_s=30).summary() == "hold 30 s"


def test_duration_in_seconds():
    assert Dose(duration_s=45).summary() == "45 s"


def test_duration_in_whole_minutes():
    assert Dose(duration_s=120).summary() == "2 min"


def test_duration_in_minutes_and_seconds():
    assert Dose(duration_s=150).summary() == "2 min 30 s"


def test_sets_times_duration():
    assert Dose(sets=3, duration_s=20).summary() == "3 × 20 s"


def test_per_side_with_sets_and_reps():
    assert Dose(sets=2, reps=8, per_side=True).summary() == "2 × 8 each side"


def test_per_side_with_reps_only():
    assert Dose(reps=10, per_side=True).summary() == "10 times each side"


def test_per_side_with_duration():
    assert Dose(duration_s=120, per_side=True).summary() == "2 min each side"
    assert Dose(sets=2, duration_s=30, per_side=True).summary() == "2 × 30 s each side"


def test_board_angle():
    assert Dose(duration_s=60, angle_deg=20).summary() == "1 min, board at 20°"
    # a flat board is still an angle the patient must set
    assert Dose(duration_s=60, angle_deg=0).summary() == "1 min, board at 0°"


def test_rest_between_sets():
    assert Dose(sets=3, reps=10, rest_s=90).summary() == "3 × 10, rest 1 min 30 s between sets"


def test_rest_without_sets_does_not_mention_sets():
    assert Dose(reps=10, rest_s=30).summary() == "10 times, rest 30 s"


def test_one_session_a_day():
    assert Dose(reps=10, sessions_per_day=1).summary() == "10 times, 1 session a day"


def test_several_sessions_a_day():
    assert Dose(reps=10, sessions_per_day=2).summary() == "10 times, 2 sessions a day"


def test_every_day():
    assert Dose(reps=10, days_per_week=7).summary() == "10 times, every day"


def test_days_a_week_singular_and_plural():
    assert Dose(reps=10, days_per_week=1).summary() == "10 times, 1 day a week"
    assert Dose(reps=10, days_per_week=5).summary() == "10 times, 5 days a week"


def test_everything_together_in_a_fixed_order():
    dose = Dose(sets=3, reps=10, hold_s=5, rest_s=60, sessions_per_day=2, days_per_week=5, per_side=True)
    assert dose.summary() == "3 × 10 each side, hold 5 s, rest 1 min between sets, 2 sessions a day, 5 days a week"
    assert str(dose) == dose.summary()


def test_a_dose_must_say_how_much():
    with pytest.raises(ValidationError, match="at least one of reps, hold_s or duration_s"):
        Dose(sets=3, days_per_week=5)
