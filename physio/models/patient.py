"""The patient as recorded at intake: what screening and the handout need, nothing more."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ._base import Frozen

_ID = r"^[A-Za-z0-9]+([-_][A-Za-z0-9]+)*$"


class Condition(Frozen):
    """A diagnosis with the details that change the plan."""

    kind: Literal["lumbar-disc-hernia", "scoliosis", "low-back-pain", "other"]
    details: str | None = None
    #: Disc level for a hernia, e.g. "L4-L5" or "L5-S1".
    disc_level: str | None = Field(default=None, pattern=r"^(C|T|L)\d{1,2}-(C|T|L|S)\d{1,2}$")
    side: Literal["left", "right", "central", "bilateral"] | None = None
    #: Cobb angle of the largest curve, degrees.
    cobb_deg: float | None = Field(default=None, ge=0, le=120)
    curve_type: str | None = None
    #: Risser sign 0-5 (skeletal maturity), recorded for adolescents.
    risser: int | None = Field(default=None, ge=0, le=5)


class Clearance(Frozen):
    """A doctor's written permission that lifts one contraindication for one protocol (or all)."""

    contraindication: str
    by: str = Field(min_length=1)
    on: dt.date
    protocol: str | None = None
    note: str | None = None


class Patient(Frozen):
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    birth_year: int = Field(ge=1900, le=2100)
    sex: Literal["female", "male", "other"] | None = None
    conditions: list[Condition] = []
    #: Contraindication ids found at intake (the same ids the protocols use).
    contraindications: list[str] = []
    #: Red-flag ids found at intake.
    red_flags: list[str] = []
    clearances: list[Clearance] = []
    language: Literal["en", "ru"] = "en"
    therapist: str = Field(min_length=1)
    notes: str | None = None

    def age(self, on: dt.date) -> int:
        """Age in whole years on a date; birth day unknown, so it is the age reached that year."""
        return on.year - self.birth_year

    def cobb_deg(self) -> float | None:
        angles = [c.cobb_deg for c in self.conditions if c.cobb_deg is not None]
        return max(angles) if angles else None

    def _repr_html_(self) -> str:
        from ..render import patient_html

        return patient_html(self)
