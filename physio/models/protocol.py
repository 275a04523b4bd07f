"""Protocols: phases of prescribed exercises, the rules to move between them, and the safety screen."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ._base import Frozen
from .exercise import Dose, DoseParam, Limit, Tag

_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Prescription(Frozen):
    """An exercise in a phase, with its default dose."""

    exercise: str = Field(pattern=_ID)
    dose: Dose
    #: Where the dose numbers come from (a source key, or "team-default: why").
    source: str = Field(min_length=1)
    #: Limits for this exercise that replace the protocol's defaults for the same parameter.
    limits: dict[DoseParam, Limit] = {}
    note: str | None = None


class AdvanceWhen(Frozen):
    """All of these must hold to move to the next phase."""

    min_adherence: float = Field(ge=0, le=1)
    #: Highest mean pain (0-10) over the last week that still allows advancing.
    max_pain: float = Field(ge=0, le=10)
    min_weeks: int = Field(ge=0)
    #: One session with pain (0-10) at or above this blocks advancing, whatever the week's mean (T1: 6 = stop).
    stop_pain: float | None = Field(default=None, ge=0, le=10)
    source: str = Field(min_length=1)


class StepBackWhen(Frozen):
    """Any one of these steps the patient back to the previous phase (or a lighter dose)."""

    #: Mean pain (0-10) over the last week at or above this.
    min_pain: float = Field(ge=0, le=10)
    #: Rise in mean weekly pain, in points, at or above this (2 = the clinically important difference).
    pain_rise: float = Field(ge=0, le=10)
    #: Or a rise of at least this fraction of the first week's pain (0.3 = 30 %, O1), when it is also at least
    #: MIN_NOTICEABLE_PAIN_RISE points (progression.py), so a rise from 0.5 to 1 is not read as worsening.
    pain_rise_fraction: float | None = Field(default=None, gt=0, le=1)
    #: Adherence below this means the dose is too much to keep up.
    adherence_below: float | None = Field(default=None, ge=0, le=1)
    source: str = Field(min_length=1)


class Progression(Frozen):
    """When to advance, step back, hold or refer. Hold is what remains when nothing else applies."""

    advance: AdvanceWhen
    step_back: StepBackWhen
    #: Staying in a phase longer than its max_weeks without advancing asks for a therapist review.
    refer_after_max_weeks: bool = True


DirectionalPreference = Literal["extension", "flexion", "lateral-shift", "none-found"]


class ForbiddenTag(Frozen):
    """An exercise tag a phase forbids, with the source that says why."""

    tag: Tag
    source: str = Field(min_length=1)


class Programme(Frozen):
    """Another set of exercises for a phase, chosen by the patient's directional preference."""

    exercises: list[Prescription] = Field(min_length=1)
    source: str = Field(min_length=1)


class Phase(Frozen):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    goal: str = Field(min_length=1)
    min_weeks: int = Field(ge=1)
    max_weeks: int = Field(ge=1)
    weeks_source: str = Field(min_length=1)
    exercises: list[Prescription] = Field(min_length=1)
    progression: Progression
    #: A deload phase may lower doses on purpose; any other phase may not lower them.
    deload: bool = False
    #: Tags this phase forbids on top of the protocol's forbidden_tags (e.g. the acute phase of a hernia).
    forbidden: list[ForbiddenTag] = []
    #: Programmes chosen by the directional preference recorded at intake; `exercises` is the programme for
    #: any preference not listed here (and, with a warning, for a patient with none recorded).
    programmes: dict[DirectionalPreference, Programme] = {}

    def programme(self, preference: str | None) -> list[Prescription]:
        """The prescriptions for a patient with this directional preference."""
        chosen = self.programmes.get(preference) if preference else None  # type: ignore[call-overload]
        return chosen.exercises if chosen else self.exercises

    def forbidden_tags(self) -> set[str]:
        return {f.tag for f in self.forbidden}

    @model_validator(mode="after")
    def _weeks_ordered(self) -> "Phase":
        if self.min_weeks > self.max_weeks:
            raise ValueError(f"min_weeks {self.min_weeks} is above max_weeks {self.max_weeks}")
        return self


class Contraindication(Frozen):
    """A condition that rules the protocol out, unless a clearance covers it (when `clearable`)."""

    id: str = Field(pattern=_ID)
    text: str = Field(min_length=1)
    #: True: a doctor's clearance can allow the protocol anyway. False: never.
    clearable: bool = True
    source: str = Field(min_length=1)


class RedFlag(Frozen):
    """A sign that means "stop and call / refer", in the protocol's own words for the patient.

    `flags` names the red flags of the vocabulary (protocols/vocabulary.yaml) this text is about; the words
    searched in patients' notes are in the red-flag lexicon (protocols/red-flag-lexicon/), not here."""

    id: str = Field(pattern=_ID)
    text: str = Field(min_length=1)
    flags: list[str] = []
    source: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _searched_words_moved_to_the_lexicon(cls, data: object) -> object:
        # plans issued before the lexicon carry words_en / words_ru; they were never shown, only searched
        if isinstance(data, dict) and ("words_en" in data or "words_ru" in data):
            data = {k: v for k, v in data.items() if k not in ("words_en", "words_ru")}
        return data


#: Where a stop rule sits on the handout's one safety scale: "always" (how to exercise safely), "normal"
#: (green: carry on), "ease-off" (amber: do less, or stop and call), "emergency" (red: emergency department).
SafetyLevel = Literal["always", "normal", "ease-off", "emergency"]


class StopRule(Frozen):
    """What the patient must do, in plain words, when something goes wrong during a session."""

    text: str = Field(min_length=1)
    source: str = Field(min_length=1)
    #: Its place on the safety scale; None in plans made before the scale (printed under "ease off").
    level: SafetyLevel | None = None


class ScreeningWarning(Frozen):
    """A patient property that does not refuse the protocol but must be shown wherever the plan is."""

    id: str = Field(pattern=_ID)
    #: cobb_at_least: Cobb angle >= value (inclusive). growing_cobb_at_least: also Risser <= risser_at_most
    #: (still growing). risser_missing_under_age: no Risser sign recorded for a patient younger than value.
    when: Literal["age_under", "age_over", "cobb_over", "cobb_under", "cobb_at_least", "growing_cobb_at_least",
                  "risser_missing_under_age"]
    value: float
    risser_at_most: int | None = Field(default=None, ge=0, le=5)
    message: str = Field(min_length=1)
    source: str = Field(min_length=1)


class Protocol(Frozen):
    id: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    condition: str = Field(min_length=1)
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$")
    summary: str = Field(min_length=1)
    #: Source keys used anywhere in the protocol (each defined in protocols/sources.yaml).
    sources: list[str] = Field(min_length=1)
    #: Default limits for each dose parameter; a prescription may narrow or replace them.
    limits: dict[DoseParam, Limit]
    phases: list[Phase] = Field(min_length=1)
    contraindications: list[Contraindication] = []
    forbidden_tags: list[Tag] = []
    stop_rules: list[StopRule] = Field(min_length=1)
    red_flags: list[RedFlag] = Field(min_length=1)
    warnings: list[ScreeningWarning] = []

    def phase(self, phase_id: str) -> Phase:
        for ph in self.phases:
            if ph.id == phase_id:
                return ph
        from ..errors import UnknownId

        raise UnknownId(
            f"protocol '{self.id}' has no phase '{phase_id}'; its phases are: {', '.join(p.id for p in self.phases)}"
        )

    def phase_index(self, phase_id: str) -> int:
        return self.phases.index(self.phase(phase_id))

    def limit(self, prescription: Prescription | None, param: str) -> Limit | None:
        """The limit in force for one parameter: the prescription's own, else the protocol's."""
        if prescription is not None and param in prescription.limits:
            return prescription.limits[param]  # type: ignore[index]
        return self.limits.get(param)  # type: ignore[arg-type]
