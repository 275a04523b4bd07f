"""The patient as recorded at intake: what screening and the handout need, nothing more."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ._base import Frozen

_ID = r"^[A-Za-z0-9]+([-_][A-Za-z0-9]+)*$"

PSFS_MAX_ACTIVITIES = 5
"""How many activities a patient names for the Patient-Specific Functional Scale.

Why: the scale asks the patient for 3 to 5 activities they find hard (ST1: Stratford et al. 1995); fewer are
accepted at intake (the rest can be added later), more are refused."""

DirectionalPreference = Literal["extension", "flexion", "lateral-shift", "none-found"]


def _vocab():
    from ..vocabulary import default_vocabulary

    return default_vocabulary()


def _known(kind: str, value: str) -> str:
    """The vocabulary id for a condition or contraindication written at intake (case and synonyms allowed)."""
    from ..errors import UnknownId

    vocab = _vocab()
    try:
        term = vocab.condition(value) if kind == "condition" else vocab.contraindication(value)
    except UnknownId as e:
        raise ValueError(str(e)) from None
    return term.id


class Condition(Frozen):
    """A diagnosis with the details that change the plan."""

    #: A condition id of protocols/vocabulary.yaml (a synonym or another case is turned into the id).
    kind: str
    details: str | None = None
    #: Disc level for a hernia, e.g. "L4-L5" or "L5-S1".
    disc_level: str | None = Field(default=None, pattern=r"^(C|T|L)\d{1,2}-(C|T|L|S)\d{1,2}$")
    side: Literal["left", "right", "central", "bilateral"] | None = None
    #: Cobb angle of the largest curve, degrees.
    cobb_deg: float | None = Field(default=None, ge=0, le=120)
    curve_type: str | None = None
    #: Risser sign 0-5 (skeletal maturity), recorded for adolescents.
    risser: int | None = Field(default=None, ge=0, le=5)
    #: For a disc hernia: the direction of movement that eased or centralised the pain at assessment (M1, L1);
    #: it chooses the programme of the hernia protocol's first phase.
    directional_preference: DirectionalPreference | None = None

    @field_validator("kind")
    @classmethod
    def _kind_known(cls, v: str) -> str:
        return _known("condition", v)


class Clearance(Frozen):
    """A doctor's written permission that lifts one contraindication for one protocol or one exercise.

    It counts only from the day it was signed (`on`, never after the plan's start, never in the future) until
    it expires: `valid_until` when the doctor wrote one, else the vocabulary's validity for that
    contraindication."""

    contraindication: str
    by: str = Field(min_length=1)
    #: The day the doctor signed it (required; None only so that a missing date gets a plain message).
    on: dt.date = Field(default=None, validate_default=True)  # type: ignore[assignment]
    protocol: str | None = None
    exercise: str | None = None
    valid_until: dt.date | None = None
    note: str | None = None

    @field_validator("contraindication")
    @classmethod
    def _contraindication_known(cls, v: str) -> str:
        return _known("contraindication", v)

    @field_validator("on", mode="before")
    @classmethod
    def _dated(cls, v):
        if v is None or (isinstance(v, str) and not v.strip()):
            raise ValueError("a clearance needs the date the doctor signed it; write it as YYYY-MM-DD, e.g. 2026-08-20")
        return v

    @model_validator(mode="after")
    def _names_what_it_lifts(self) -> "Clearance":
        if not self.protocol and not self.exercise:
            raise ValueError(
                "a clearance must name the protocol (protocol: lumbar-disc-hernia, scoliosis, stretching-board...) "
                "or the exercise (exercise: board-traction-supine...) it allows"
            )
        if self.valid_until is not None and self.valid_until < self.on:
            raise ValueError(f"valid_until {self.valid_until} is before the clearance was signed ({self.on})")
        return self

    def expires(self) -> tuple[dt.date, str]:
        """The last day this clearance is valid, and where that validity comes from."""
        if self.valid_until is not None:
            return self.valid_until, f"written on the clearance by {self.by}"
        days, source = _vocab().clearance_days(self.contraindication)
        return self.on + dt.timedelta(days=days), source


class Patient(Frozen):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    birth_year: int = Field(ge=1900, le=2100)
    sex: Literal["female", "male", "other"] | None = None
    conditions: list[Condition] = []
    #: Contraindication ids found at intake (the same ids the protocols use).
    contraindications: list[str] = []
    #: Red flags found at intake: ids of the vocabulary (protocols/vocabulary.yaml), the same ids as in returned
    #: logs; a synonym the therapist typed is stored as its id.
    red_flags: list[str] = []
    clearances: list[Clearance] = []
    language: Literal["en", "ru"] = "en"
    therapist: str = Field(min_length=1)
    notes: str | None = None
    #: IANA time zone the patient lives in (e.g. "Europe/Berlin"): calendar reminders are at local times there.
    time_zone: str | None = None
    #: The activities the patient named at intake as hard to do because of the back (PSFS, ST1), in their words.
    psfs_activities: list[str] = []
    #: Print the handout in larger type (body 14 pt instead of 12) for a patient who reads small print badly.
    larger_print: bool = False

    @field_validator("id", mode="before")
    @classmethod
    def _plain_id(cls, v):
        import re

        if isinstance(v, str) and not v.strip():
            raise ValueError("the patient id is empty; give each patient a short id of letters and digits, e.g. P007")
        if isinstance(v, str) and not re.match(_ID, v):
            raise ValueError(f"the patient id {v!r} may hold only letters and digits, with single - or _ between "
                             "them (no spaces), e.g. P007 or berg-1961")
        return v

    @field_validator("birth_year")
    @classmethod
    def _born_already(cls, v: int) -> int:
        from ..clock import today

        this_year = today().year
        if v > this_year:
            raise ValueError(f"the birth year {v} is in the future; write the year the patient was born "
                             f"(1900 to {this_year})")
        return v

    @field_validator("psfs_activities")
    @classmethod
    def _psfs_named(cls, v: list[str]) -> list[str]:
        named = [a.strip() for a in v]
        if any(not a for a in named):
            raise ValueError("a PSFS activity needs a name: what the patient finds hard to do, e.g. 'sitting at work'")
        seen = [a.lower() for a in named]
        twice = sorted({a for a, low in zip(named, seen) if seen.count(low) > 1})
        if twice:
            raise ValueError(f"the PSFS activity '{twice[0]}' is named twice; name each activity once")
        if len(named) > PSFS_MAX_ACTIVITIES:
            raise ValueError(f"{len(named)} PSFS activities were named; the scale takes at most "
                             f"{PSFS_MAX_ACTIVITIES} (ST1), so keep the ones that matter most to the patient")
        return named

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, v: str | None) -> str | None:
        from ..timezones import check_time_zone

        return None if v is None else check_time_zone(v)

    @field_validator("contraindications")
    @classmethod
    def _contraindications_known(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(_known("contraindication", c) for c in v))

    @model_validator(mode="after")
    def _clearances_match(self) -> "Patient":
        for i, c in enumerate(self.clearances):
            if c.contraindication not in self.contraindications:
                noted = ", ".join(self.contraindications) or "none"
                raise ValueError(
                    f"clearances[{i}] lifts '{c.contraindication}', which is not among the patient's "
                    f"contraindications (noted: {noted}); add it to contraindications or remove the clearance"
                )
        return self

    def directional_preference(self) -> str | None:
        """The directional preference recorded for a disc hernia, if any."""
        for c in self.conditions:
            if c.directional_preference is not None:
                return c.directional_preference
        return None

    @field_validator("red_flags")
    @classmethod
    def _vocabulary_ids(cls, flags: list[str]) -> list[str]:
        from ..vocabulary import default_vocabulary

        vocabulary = default_vocabulary()
        try:
            return list(dict.fromkeys(vocabulary.red_flag(f).id for f in flags))
        except KeyError as e:  # UnknownId: says which id and lists the allowed ones
            raise ValueError(str(e)) from None

    def age(self, on: dt.date) -> int:
        """Age in whole years on a date; birth day unknown, so it is the age reached that year."""
        return on.year - self.birth_year

    def risser(self) -> int | None:
        """The Risser sign recorded with the largest curve's condition (or any), if any."""
        values = [c.risser for c in self.conditions if c.risser is not None]
        return min(values) if values else None

    def cobb_deg(self) -> float | None:
        angles = [c.cobb_deg for c in self.conditions if c.cobb_deg is not None]
        return max(angles) if angles else None
