"""Exercises, doses and the limits a dose must respect."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field, model_validator

from ._base import Frozen

Tag = Literal[
    # what the movement does to the spine: protocols forbid these
    "twist", "flexion", "loaded-flexion", "extension", "side-bend", "inversion", "hanging", "axial-load", "traction",
    # the position it is done in
    "prone", "supine", "standing", "seated", "quadruped", "kneeling", "side-lying", "board",
    # what it is for
    "breathing", "stretch", "strength", "mobility", "isometric", "warm-up", "relaxation", "posture",
]
TAGS: tuple[str, ...] = get_args(Tag)

Region = Literal[
    "neck", "thoracic", "lumbar", "pelvis", "hips", "shoulders", "abdomen", "legs", "whole-spine",
]
REGIONS: tuple[str, ...] = get_args(Region)

DoseParam = Literal[
    "sets", "reps", "hold_s", "duration_s", "angle_deg", "rest_s", "sessions_per_day", "days_per_week",
]
DOSE_PARAMS: tuple[str, ...] = get_args(DoseParam)

#: How each parameter is called on screen and on paper.
PARAM_LABELS: dict[str, str] = {
    "sets": "sets",
    "reps": "repetitions",
    "hold_s": "hold (s)",
    "duration_s": "duration (s)",
    "angle_deg": "board angle (°)",
    "rest_s": "rest between sets (s)",
    "sessions_per_day": "sessions a day",
    "days_per_week": "days a week",
}

_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


#: The longest short name (characters): it heads a narrow column of the log, in two or three lines.
SHORT_NAME_MAX = 20


class Exercise(Frozen):
    """One exercise as the patient will read it: plain steps in our own words."""

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    #: A few words heading the exercise's tick column in the log, where the full name would not fit a phone
    #: ("Bridge", "Knees to chest"). Plans stored before short names existed have none: the log shows the name.
    short_name: str | None = Field(default=None, min_length=1, max_length=SHORT_NAME_MAX)
    aim: str = Field(min_length=1)
    starting_position: str = Field(min_length=1)
    regions: list[Region] = Field(min_length=1)
    equipment: list[str] = []
    steps: list[str] = Field(min_length=1)
    breathing: str = Field(min_length=1)
    cautions: list[str] = []
    tags: list[Tag] = Field(min_length=1)
    #: Contraindication ids (protocols/vocabulary.yaml) that rule this exercise out in any protocol, besides
    #: those that forbid one of its tags.
    contraindications: list[str] = []
    #: What the article says of the dose, in our words ("10 to 15 alternations"), if it says anything.
    article_dose: str | None = None
    #: Where the exercise comes from: a source key and the place in it, e.g. "article: Cat, no. 5".
    source: str = Field(min_length=1)


def format_seconds(s: int, language: str = "en") -> str:
    """"45 s", "2 min", "1 min 30 s": how every output writes a time, so a dose reads the same everywhere."""
    sec, mins = ("с", "мин") if language == "ru" else ("s", "min")
    if s >= 60 and s % 60 == 0:
        return f"{s // 60} {mins}"
    if s > 60:
        return f"{s // 60} {mins} {s % 60} {sec}"
    return f"{s} {sec}"


def _times(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def ru_plural(n: int, one: str, few: str, many: str) -> str:
    """Russian counts take three forms: 1 подход, 2 подхода, 5 подходов (11-14 always take the third)."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _ru_times(n: int, one: str, few: str, many: str) -> str:
    return f"{n} {ru_plural(n, one, few, many)}"


#: The words of a dose line in each language a plan can be issued in; the structure is in Dose.summary().
_DOSE_WORDS: dict[str, dict] = {
    "en": {
        "each_side": " each side",
        "reps": lambda n: "once" if n == 1 else f"{n} times",
        "sets": lambda n: _times(n, "set", "sets"),
        "hold": "hold",
        "angle": "board at {}°",
        "rest": "rest",
        "between_sets": " between sets",
        "sessions_per_day": lambda n: _times(n, "session a day", "sessions a day"),
        "every_day": "every day",
        "days_per_week": lambda n: _times(n, "day a week", "days a week"),
    },
    "ru": {
        "each_side": " на каждую сторону",
        "reps": lambda n: _ru_times(n, "раз", "раза", "раз"),
        "sets": lambda n: _ru_times(n, "подход", "подхода", "подходов"),
        "hold": "удержание",
        "angle": "наклон {}°",
        "rest": "отдых",
        "between_sets": " между подходами",
        "sessions_per_day": lambda n: _ru_times(n, "раз", "раза", "раз") + " в день",
        "every_day": "каждый день",
        "days_per_week": lambda n: _ru_times(n, "день", "дня", "дней") + " в неделю",
    },
}


class Dose(Frozen):
    """How much of an exercise: any of the eight parameters a therapist sets."""

    sets: int | None = Field(default=None, ge=1)
    reps: int | None = Field(default=None, ge=1)
    hold_s: int | None = Field(default=None, ge=1)
    duration_s: int | None = Field(default=None, ge=1)
    angle_deg: int | None = Field(default=None, ge=0, le=90)
    rest_s: int | None = Field(default=None, ge=0)
    sessions_per_day: int | None = Field(default=None, ge=1)
    days_per_week: int | None = Field(default=None, ge=1, le=7)
    #: The count is for each side (left and right), as in twists and side bends.
    per_side: bool = False

    @model_validator(mode="after")
    def _says_how_much(self) -> "Dose":
        if self.reps is None and self.hold_s is None and self.duration_s is None:
            raise ValueError("a dose needs at least one of reps, hold_s or duration_s")
        return self

    def values(self) -> dict[str, int]:
        """The parameters that are set, in the canonical order."""
        return {p: getattr(self, p) for p in DOSE_PARAMS if getattr(self, p) is not None}

    def summary(self, language: str = "en") -> str:
        """One plain line for the patient: "3 × 10, hold 5 s, 2 sessions a day, 5 days a week".

        Every output (PDF, workbook, widgets, CLI) uses this line, so a dose reads the same everywhere.
        `language` is the plan's ("en" or "ru"): the same parts in the same order, only the words differ.
        """
        w = _DOSE_WORDS.get(language, _DOSE_WORDS["en"])

        def sec(n: int) -> str:
            return format_seconds(n, language)

        parts: list[str] = []
        side = w["each_side"] if self.per_side else ""
        duration_said = False
        if self.sets and self.reps:
            parts.append(f"{self.sets} × {self.reps}{side}")
        elif self.reps:
            parts.append(w["reps"](self.reps) + side)
        elif self.sets and self.duration_s:
            parts.append(f"{self.sets} × {sec(self.duration_s)}{side}")
            duration_said = True
        elif self.sets:
            parts.append(w["sets"](self.sets) + side)
        if self.hold_s:
            parts.append(f"{w['hold']} {sec(self.hold_s)}")
        if self.duration_s and not duration_said:
            parts.append(sec(self.duration_s) + ("" if (self.reps or self.sets) else side))
        if self.angle_deg is not None:
            parts.append(w["angle"].format(self.angle_deg))
        if self.rest_s:
            # "between sets" only means something when there is more than one set
            between = w["between_sets"] if (self.sets or 1) > 1 else ""
            parts.append(f"{w['rest']} {sec(self.rest_s)}{between}")
        if self.sessions_per_day:
            parts.append(w["sessions_per_day"](self.sessions_per_day))
        if self.days_per_week:
            parts.append(w["every_day"] if self.days_per_week == 7 else w["days_per_week"](self.days_per_week))
        return ", ".join(parts)

    def __str__(self) -> str:
        return self.summary()


class Limit(Frozen):
    """The bounds of one dose parameter.

    `hard` is never crossed by any path (widget, API, file). `usual` is the range a therapist normally
    prescribes; leaving it is allowed only with a written reason, stored on the plan.
    """

    hard: tuple[int, int]
    usual: tuple[int, int]
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> "Limit":
        lo, hi = self.hard
        ulo, uhi = self.usual
        if not (lo <= ulo <= uhi <= hi):
            raise ValueError(
                f"limits must satisfy hard min ≤ usual min ≤ usual max ≤ hard max; got hard {list(self.hard)}, usual {list(self.usual)}"
            )
        return self

    def in_hard(self, value: int) -> bool:
        return self.hard[0] <= value <= self.hard[1]

    def in_usual(self, value: int) -> bool:
        return self.usual[0] <= value <= self.usual[1]
