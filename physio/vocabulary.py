"""The one vocabulary of red flags, conditions and contraindications.

Read from protocols/vocabulary.yaml, a file a clinician reviews. Every layer that names a red flag, a condition
or a contraindication (intake, protocols, exercises, screening, the red-flag lexicon, the weekly check,
recommendations) asks this module; none keeps its own list. Ids are matched ignoring case, synonyms map to
their id, and an unknown id is refused with the closest ids and the list of those allowed.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from ._yaml import load_checked
from .errors import ProtocolError, UnknownId
from .models._base import Frozen
from .models.exercise import Tag

Level = Literal["emergency", "urgent", "review"]

#: Most urgent first: the order in which flags are listed everywhere.
LEVEL_ORDER: tuple[Level, ...] = ("emergency", "urgent", "review")


class RedFlagTerm(Frozen):
    """One red flag of the vocabulary: its id, how fast to act, its label per language and its source."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    level: Level
    label: dict[Literal["en", "ru"], str]
    synonyms: list[str] = []
    source: str = Field(min_length=1)


_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class ConditionTerm(Frozen):
    """A condition a patient is treated for; protocols name the one they treat."""

    id: str = Field(pattern=_ID)
    label: dict[Literal["en", "ru"], str]
    synonyms: list[str] = []
    source: str = Field(min_length=1)


class ContraindicationTerm(Frozen):
    """Something that rules exercises out: for every protocol (general) or for those that list it."""

    id: str = Field(pattern=_ID)
    label: dict[Literal["en", "ru"], str]
    synonyms: list[str] = []
    #: Checked against every exercise of every protocol, whatever the protocol file lists.
    general: bool = False
    #: The exercise tags it rules out; empty for a general one: every exercise.
    forbids_tags: list[Tag] = []
    #: True: a doctor's clearance can lift it for one protocol or exercise. False: never.
    clearable: bool = True
    #: How long a clearance stays valid after it was signed (None: the vocabulary's clearance_default).
    clearance_days: int | None = Field(default=None, ge=1, le=3650)
    clearance_source: str | None = None
    source: str = Field(min_length=1)

    def rules_out(self, tags: list[str]) -> bool:
        """True when an exercise with these tags is ruled out by this contraindication on its own (without a
        protocol listing it): a general one with no tags rules out everything; else a shared tag does."""
        if self.general and not self.forbids_tags:
            return True
        return bool(set(self.forbids_tags) & set(tags))


class ClearanceDefault(Frozen):
    """How long a clearance is valid when its contraindication names no validity of its own."""

    days: int = Field(ge=1, le=3650)
    source: str = Field(min_length=1)


def _find(items: list, wanted: str, what: str):
    """The item whose id or synonym is `wanted` (case and spaces ignored); else UnknownId with the closest ids."""
    import difflib

    key = str(wanted).strip().lower().replace(" ", "-").replace("_", "-")
    for item in items:
        if key == item.id or key in (s.lower() for s in item.synonyms):
            return item
    names = {item.id: item.id for item in items}
    names.update({s.lower(): item.id for item in items for s in item.synonyms})
    near = list(dict.fromkeys(names[n] for n in difflib.get_close_matches(key, list(names), n=5, cutoff=0.6)))[:3]
    hint = f"did you mean {', '.join(near)}? " if near else ""
    raise UnknownId(f"unknown {what} '{wanted}'; {hint}allowed: {', '.join(i.id for i in items)}")


class Vocabulary(Frozen):
    red_flags: list[RedFlagTerm] = Field(min_length=1)
    conditions: list[ConditionTerm] = Field(min_length=1)
    contraindications: list[ContraindicationTerm] = Field(min_length=1)
    clearance_default: ClearanceDefault

    def red_flag(self, flag_id: str) -> RedFlagTerm:
        """The red flag with this id or synonym (case ignored); an unknown one is refused with the ids allowed."""
        return _find(self.red_flags, flag_id, "red flag")

    def condition(self, condition_id: str) -> ConditionTerm:
        """The condition with this id or synonym (case ignored); an unknown one is refused with the closest."""
        return _find(self.conditions, condition_id, "condition")

    def contraindication(self, cid: str) -> ContraindicationTerm:
        """The contraindication with this id or synonym (case ignored); unknown: refused with the closest."""
        return _find(self.contraindications, cid, "contraindication")

    def clearance_days(self, cid: str) -> tuple[int, str]:
        """How many days a clearance of this contraindication is valid, and the source of that number."""
        term = self.contraindication(cid)
        if term.clearance_days is not None:
            return term.clearance_days, term.clearance_source or "team-default: no source given"
        return self.clearance_default.days, self.clearance_default.source

    @property
    def general(self) -> list[ContraindicationTerm]:
        return [c for c in self.contraindications if c.general]


def load_vocabulary(path: Path) -> Vocabulary:
    """Read and check a vocabulary file; a broken one is refused naming the file."""
    try:
        data = load_checked(path.read_text(encoding="utf-8"), yaml.SafeLoader)  # alias expansion bounded
        return Vocabulary.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError, ValueError, TypeError, AttributeError, RecursionError) as exc:
        raise ProtocolError(f"{path}: not a valid vocabulary file ({exc.__class__.__name__}: {exc})") from None


@functools.lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    from .protocol_files import DEFAULT_PROTOCOLS_DIR

    return load_vocabulary(DEFAULT_PROTOCOLS_DIR / "vocabulary.yaml")
