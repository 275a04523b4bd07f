from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Every model is immutable and refuses unknown fields: a typo in a protocol file is an error,
    not a silently ignored key, and an issued plan cannot be changed in place."""

    model_config = ConfigDict(frozen=True, extra="forbid")
