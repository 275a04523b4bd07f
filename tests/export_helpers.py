"""Plans for the export tests and benchmark, built in code from the models with fixed ids and dates.

Built directly (not from protocols/) so golden files do not move when the shipped library is edited.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from physio.models import (
    Dose,
    Exercise,
    Limit,
    PatientRef,
    Plan,
    PlannedExercise,
)
from physio.models.protocol import AdvanceWhen, Progression, RedFlag, StepBackWhen, StopRule

START = dt.date(2025, 3, 3)  # a Monday

_BASE = [
    Exercise(
        id="cat-camel", name="Cat and camel", short_name="Cat-camel", aim="Loosen the whole spine.",
        starting_position="On hands and knees, back flat.", regions=["whole-spine"], equipment=["mat"],
        steps=["Round your back up.", "Stay there for a few seconds.", "Let your back sink gently down."],
        breathing="Breathe out as you round, in as you sink.",
        cautions=["Stop if pain spreads into your leg."], tags=["quadruped", "mobility"], source="article: test",
    ),
    Exercise(
        id="glute-bridge", name="Bridge", short_name="Bridge", aim="Strengthen the buttocks.",
        starting_position="Lying on your back, knees bent.", regions=["pelvis"], equipment=["mat"],
        steps=["Lift your hips.", "Lower them slowly."], breathing="Breathe out as you lift.",
        tags=["supine", "strength"], source="article: test",
    ),
    Exercise(
        id="prone-lying", name="Lying face down", short_name="Face down", aim="Let the lower back settle.",
        starting_position="Lying face down.", regions=["lumbar"], steps=["Lie still and relax."],
        breathing="Breathe slowly.", tags=["prone", "extension"], source="article: test",
    ),
]

_DOSES = [
    Dose(reps=10, sessions_per_day=2),
    Dose(sets=2, reps=10, days_per_week=3),
    Dose(duration_s=120),
]

_LIMITS = {
    "sets": Limit(hard=(1, 5), usual=(1, 4), source="team-default: test"),
    "reps": Limit(hard=(1, 30), usual=(5, 15), source="team-default: test"),
    "duration_s": Limit(hard=(10, 600), usual=(30, 300), source="team-default: test"),
    "sessions_per_day": Limit(hard=(1, 6), usual=(1, 4), source="team-default: test"),
    "days_per_week": Limit(hard=(1, 7), usual=(3, 7), source="team-default: test"),
}


def _extra(i: int) -> Exercise:
    return Exercise(
        id=f"extra-{i}", name=f"Extra exercise {i}", short_name=f"Extra {i}", aim=f"Aim number {i}.",
        starting_position="Standing tall.", regions=["lumbar"], steps=[f"Step one of {i}.", f"Step two of {i}."],
        breathing="Breathe evenly.", cautions=[f"Caution for {i}."], tags=["standing", "mobility"],
        source="article: test",
    )


def make_plan(
    n_exercises: int = 3,
    weeks: int = 2,
    *,
    patient_name: str = "Анна Петрова",
    notes: list[str] | None = None,
    note: str | None = "Go gently in the first week.",
    reason: str | None = "Strong and used to this exercise.",
    therapist: str = "Dr. Maria Ivanova",
    patient_id: str = "p001",
) -> Plan:
    """A plan with fixed ids and dates: the first three exercises are hand-written, the rest numbered."""
    exercises = []
    for i in range(n_exercises):
        ex = _BASE[i] if i < len(_BASE) else _extra(i + 1)
        dose = _DOSES[i] if i < len(_DOSES) else Dose(sets=2, reps=8 + i % 5, days_per_week=5)
        exercises.append(PlannedExercise(
            exercise=ex, dose=dose, protocol_dose=dose, dose_source="team-default: test", limits=_LIMITS,
            reasons={"reps": reason} if (i == 0 and reason) else {},
            note=note if i == 0 else None,
        ))
    if reason and exercises:
        exercises[0] = exercises[0].model_copy(update={"dose": Dose(reps=20, sessions_per_day=2)})
    return Plan(
        id=f"{patient_id}-test-back", version=2,
        patient=PatientRef(id=patient_id, name=patient_name, birth_year=1970),
        therapist=therapist,
        protocol_id="test-back", protocol_title="Test back programme", protocol_version="1.0",
        condition="lumbar-disc-hernia", phase_id="early", phase_name="Early phase", phase_goal="Calm the pain.",
        phase_index=0, phase_count=3, start=START, weeks=weeks, exercises=exercises,
        notes=["Walk every day for 20 minutes."] if notes is None else notes,
        warnings=["Over 65: start with the lowest dose."],
        stop_rules=[StopRule(text="Stop if pain rises to 6 out of 10 or more.", source="T1: test")],
        red_flags=[RedFlag(id="cauda-equina", text="Trouble passing urine: go to an emergency department now.",
                           flags=["ces-bladder", "ces-bowel", "ces-saddle", "ces-sexual", "ces-both-legs", "foot-drop"], source="BP1: test")],
        progression=Progression(
            advance=AdvanceWhen(min_adherence=0.7, max_pain=3, min_weeks=1, source="MI1: test"),
            step_back=StepBackWhen(min_pain=6, pain_rise=2, source="T1: test"),
        ),
        issued_by="Dr. Maria Ivanova",
        issued_at=dt.datetime(2025, 3, 1, 10, 30),
    )


def need_tool(name: str, why: str) -> str:
    """The path of a command-line tool; a missing one skips the test locally and fails it in CI."""
    import os

    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed ({why}); run `make system-deps`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
