"""The one vocabulary of red flags (and, with the screening work, conditions and contraindications).

Read from protocols/vocabulary.yaml, a file a clinician reviews. Every layer that names a red flag (intake,
protocols, the red-flag lexicon, the weekly check, recommendations) asks this module; none keeps its own list.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from .errors import ProtocolError
from .models._base import Frozen

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


class Vocabulary(Frozen):
    red_flags: list[RedFlagTerm] = Field(min_length=1)

    def red_flag(self, flag_id: str) -> RedFlagTerm:
        """The red flag with this id or synonym (case ignored); an unknown one is refused with the ids allowed."""
        key = flag_id.strip().lower()
        for flag in self.red_flags:
            if key == flag.id or key in (s.lower() for s in flag.synonyms):
                return flag
        from .errors import UnknownId

        raise UnknownId(f"unknown red flag '{flag_id}'; allowed: {', '.join(f.id for f in self.red_flags)}")


def load_vocabulary(path: Path) -> Vocabulary:
    """Read and check a vocabulary file; a broken one is refused naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Vocabulary.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ProtocolError(f"{path}: not a valid vocabulary file ({exc.__class__.__name__}: {exc})") from None


@functools.lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    from .library import DEFAULT_PROTOCOLS_DIR

    return load_vocabulary(DEFAULT_PROTOCOLS_DIR / "vocabulary.yaml")
