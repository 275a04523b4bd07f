from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Every model is immutable and refuses unknown fields: a typo in a protocol file is an error,
    not a silently ignored key, and an issued plan cannot be changed in place."""

    model_config = ConfigDict(frozen=True, extra="forbid")


_new, _set = object.__new__, object.__setattr__


def fields_set_of(model: type[BaseModel]) -> set[str]:
    """Every field name of `model`: the fields set of a model built with every field given (one set shared by all
    such models; pydantic copies it before any change, and a frozen model never adds to it)."""
    return set(model.model_fields)


def built_without_checks(model: type[BaseModel], values: dict, fields_set: set[str]) -> BaseModel:
    """A `model` holding `values` (every field, in field order), as pydantic's model_construct makes it.

    Why: for values our own code has just computed or judged against the same bounds (a schedule's sessions, a
    log's accepted rows), checking each field again costs more than the work itself when there are thousands.
    Only for such values: anything read from a file or a person goes through the model's own validation."""
    obj = _new(model)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", fields_set)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj
