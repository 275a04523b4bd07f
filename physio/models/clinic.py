"""The clinic that gives out the handouts: its name and phone printed on every patient's first page."""

from __future__ import annotations

from pydantic import Field, field_validator

from ._base import Frozen

#: The emergency number printed when the clinic has not given its own.
#: team-default: 112 is the emergency number across the EU and answers from most mobile phones elsewhere.
DEFAULT_EMERGENCY_NUMBER = "112"


class ClinicProfile(Frozen):
    """Who the patient calls: kept once per workspace (ws.clinic_profile()), printed on every handout."""

    name: str = Field(min_length=1, max_length=120)
    phone: str = Field(min_length=3, max_length=40)
    address: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=120)
    #: The number a patient dials in an emergency where the clinic is.
    emergency_number: str = Field(default=DEFAULT_EMERGENCY_NUMBER, min_length=2, max_length=20)

    @field_validator("name", "phone", "address", "email", "emergency_number")
    @classmethod
    def _trimmed(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = " ".join(v.split())
        return v or None

    @field_validator("phone", "emergency_number")
    @classmethod
    def _dialable(cls, v: str) -> str:
        if not any(ch.isdigit() for ch in v) or any(ch.isalpha() for ch in v):
            raise ValueError(f"'{v}' is not a phone number; write digits, spaces, + ( ) - only, e.g. +44 20 7946 0000")
        return v
