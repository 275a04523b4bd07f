"""A patient's plan: a protocol phase made personal, issued in numbered, immutable versions."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ._base import Frozen
from .exercise import DOSE_PARAMS, PARAM_LABELS, Dose, DoseParam, Exercise, Limit
from .protocol import Progression, RedFlag, StopRule


def _weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


class ExerciseChange(Frozen):
    """The therapist's changes to one exercise already in the phase."""

    set: dict[DoseParam, int] = {}
    #: Why a value leaves the usual range; required for each such value.
    reasons: dict[DoseParam, str] = {}
    note: str | None = None


class AddedExercise(Frozen):
    """An exercise from the library added to this patient's plan."""

    exercise: str
    dose: Dose
    reasons: dict[DoseParam, str] = {}
    note: str | None = None


class Overrides(Frozen):
    """Everything a therapist changed from the protocol's phase, kept so it can carry to the next version."""

    change: dict[str, ExerciseChange] = {}
    remove: list[str] = []
    add: list[AddedExercise] = []
    notes: list[str] = []


class PlannedExercise(Frozen):
    """One exercise as prescribed to this patient: a snapshot, so later library edits change nothing issued."""

    exercise: Exercise
    dose: Dose
    #: The phase's default dose; None for an exercise the therapist added.
    protocol_dose: Dose | None
    dose_source: str
    #: The limits in force for each parameter.
    limits: dict[DoseParam, Limit]
    #: Reasons for values outside the usual range, shown wherever the plan is shown.
    reasons: dict[DoseParam, str] = {}
    added: bool = False
    note: str | None = None


class PatientRef(Frozen):
    id: str
    name: str
    birth_year: int


class ScheduledSession(Frozen):
    """One session of one exercise on one day; these become the rows of the patient's log."""

    date: dt.date
    week: int = Field(ge=1)
    session: int = Field(ge=1)
    exercise_id: str


class Plan(Frozen):
    id: str
    #: 0 while a draft; the workspace numbers issued versions 1, 2, 3...
    version: int = 0
    patient: PatientRef
    therapist: str
    protocol_id: str
    protocol_title: str
    protocol_version: str
    condition: str
    phase_id: str
    phase_name: str
    phase_goal: str
    phase_index: int
    phase_count: int
    start: dt.date
    weeks: int = Field(ge=1)
    exercises: list[PlannedExercise]
    overrides: Overrides = Overrides()
    notes: list[str] = []
    warnings: list[str] = []
    #: Contraindications that a recorded clearance lifted, named so the handout can say so.
    cleared: list[str] = []
    stop_rules: list[StopRule]
    red_flags: list[RedFlag]
    progression: Progression
    #: What changed on the way from the previous version (e.g. an override dropped at a limit).
    changes: list[str] = []
    issued_by: str | None = None
    issued_at: dt.datetime | None = None
    #: Why a plan starts more than 7 days before the day it was made (a plan entered after the fact).
    start_reason: str | None = None
    #: The language the patient reads: every text above is stored already in it (plans before this field: "en").
    language: str = "en"
    #: The handout in larger type (from the patient's record when the plan was made; plans before it: False).
    larger_print: bool = False

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=7 * self.weeks - 1)

    @property
    def label(self) -> str:
        v = f"v{self.version}" if self.version else "draft"
        return f"{self.id} {v}"

    def exercise(self, exercise_id: str) -> PlannedExercise:
        for pe in self.exercises:
            if pe.exercise.id == exercise_id:
                return pe
        from ..errors import UnknownId

        raise UnknownId(
            f"plan {self.label} has no exercise '{exercise_id}'; it has: "
            + ", ".join(pe.exercise.id for pe in self.exercises)
        )

    def diff(self, other: "Plan") -> list[str]:
        """What changed from this plan to `other`, one plain sentence per change."""
        out: list[str] = []
        if (self.protocol_id, self.phase_id) != (other.protocol_id, other.phase_id):
            out.append(f"Phase: {self.phase_name} → {other.phase_name}.")
        if self.start != other.start or self.weeks != other.weeks:
            out.append(
                f"Dates: {self.start:%d %b %Y}, {_weeks(self.weeks)} → {other.start:%d %b %Y}, {_weeks(other.weeks)}."
            )
        mine = {pe.exercise.id: pe for pe in self.exercises}
        theirs = {pe.exercise.id: pe for pe in other.exercises}
        for ex_id, pe in mine.items():
            if ex_id not in theirs:
                out.append(f"Removed: {pe.exercise.name}.")
        for ex_id, pe in theirs.items():
            if ex_id not in mine:
                out.append(f"Added: {pe.exercise.name} ({pe.dose.summary()}).")
                continue
            before, after = mine[ex_id].dose, pe.dose
            for p in DOSE_PARAMS:
                a, b = getattr(before, p), getattr(after, p)
                if a != b:
                    label = PARAM_LABELS[p]
                    a_txt = "not set" if a is None else str(a)
                    b_txt = "not set" if b is None else str(b)
                    out.append(f"{pe.exercise.name}: {label} {a_txt} → {b_txt}.")
            if mine[ex_id].note != pe.note:
                out.append(f"{pe.exercise.name}: note changed.")
            for p, why in pe.reasons.items():
                if mine[ex_id].reasons.get(p) != why:
                    out.append(f"{pe.exercise.name}: reason for the {PARAM_LABELS[p]}: {why}")
        for n in other.notes:
            if n not in self.notes:
                out.append(f"New note: {n}")
        for n in self.notes:
            if n not in other.notes:
                out.append(f"Note removed: {n}")
        for w in other.warnings:
            if w not in self.warnings:
                out.append(f"New warning: {w}")
        return out
