"""The outcome measures as data: what an instrument file says, what an answer sheet holds, what a score is.

Nothing here reads a file or scores anything: the loader (loader.py) fills these models from
protocols/measures/*.yaml and the rules (rules.py) turn answers into a Score.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, model_validator

from ..errors import PhysioError
from ..models._base import Frozen

_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"

#: "neither" for a measurement with no better or worse end (Risser: skeletal maturity).
Direction = Literal["higher-is-better", "higher-is-worse", "neither"]
Action = Literal["review", "psychologically-informed-care", "refer"]

#: What each action asks of the therapist, in the words shown with a signal.
ACTION_WORDS: dict[str, str] = {
    "review": "review, do not advance",
    "psychologically-informed-care": "psychologically informed care",
    "refer": "refer to a specialist",
}


class MeasureError(PhysioError):
    """Answers that cannot be scored as given (an impossible answer, an activity without a name, a bad date)."""


class Licence(Frozen):
    """May the instrument's wording be printed by this toolkit, and why (with the source that says so)."""

    print_wording: bool
    reason: str = Field(min_length=1)
    source: str = Field(min_length=1)


class Choice(Frozen):
    """One allowed answer of an item and its neutral label (e.g. 1 = 'agree')."""

    value: int
    label: str = Field(min_length=1)


class Item(Frozen):
    """One question or measurement. `label` is ours and neutral ("Section 1"); `text` is the form's wording and
    may be filled only when the licence allows printing it."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9-]+$")
    label: str = Field(min_length=1)
    text: str | None = None
    min: float
    max: float
    #: Whole numbers only (questionnaire answers); measurements in degrees may have decimals.
    whole: bool = True
    choices: list[Choice] = []

    @model_validator(mode="after")
    def _range(self) -> "Item":
        if self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        bad = [c.value for c in self.choices if not self.min <= c.value <= self.max]
        if bad:
            raise ValueError(f"choice value(s) {bad} lie outside {self.min:g}–{self.max:g}")
        return self

    def allowed(self) -> str:
        """The allowed answers in words: '0–5' or '0 (disagree), 1 (agree)'."""
        if self.choices:
            return ", ".join(f"{c.value} ({c.label})" for c in self.choices)
        step = "whole numbers " if self.whole else ""
        return f"{step}{self.min:g}–{self.max:g}"


class Activities(Frozen):
    """PSFS: the patient names their own activities and scores each on the item scale."""

    min: int = Field(ge=1)
    max: int = Field(ge=1)
    source: str = Field(min_length=1)


class Change(Frozen):
    """The smallest change that matters: `points`, or `percent` of the baseline where given (whichever is reached
    first, as the source words it: 'at least 2 points or 30 %')."""

    points: float = Field(gt=0)
    percent: float | None = Field(default=None, gt=0, le=100)
    #: Never less than this, however low the baseline: below it a change is not one the patient notices, and a
    #: weekly mean moving by 0.6 from a baseline of 2 must not stop a plan (the source is named in `source`).
    at_least: float | None = Field(default=None, gt=0)
    note: str | None = None
    source: str = Field(min_length=1)

    def threshold(self, baseline: float | None) -> float:
        """The change that counts from this baseline: the smaller of the points and the percentage, but not
        below `at_least`."""
        if self.percent is None or not baseline:
            return self.points
        return max(min(self.points, abs(baseline) * self.percent / 100), self.at_least or 0)


class Band(Frozen):
    """Scores up to and including `up_to` (and above the previous band) carry this label."""

    up_to: float
    label: str = Field(min_length=1)


class Bands(Frozen):
    bands: list[Band] = Field(min_length=1)
    source: str = Field(min_length=1)

    def label(self, value: float) -> str | None:
        for band in self.bands:
            if value <= band.up_to:
                return band.label
        return None


class Domain(Frozen):
    """A subscale scored on its own (SRS-22r): the mean of its answered items when enough are answered."""

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    items: list[str] = Field(min_length=1)
    min_answered: int = Field(ge=1)
    min_answered_source: str | None = None
    meaningful_change: Change | None = None


class Scoring(Frozen):
    """How the answers become a score: the rule (a function in rules.py), its parameters, range and direction."""

    rule: str = Field(min_length=1)
    #: The rule in one sentence of our own, shown with every score.
    description: str = Field(min_length=1)
    source: str = Field(min_length=1)
    range: tuple[float, float]
    unit: str = ""
    direction: Direction
    #: Fewest answered items for a score; the instrument's own rule, with its source.
    min_answered: int | None = Field(default=None, ge=1)
    min_answered_source: str | None = None
    parameters: dict[str, Any] = {}


class SignalRule(Frozen):
    """When a series of results should change the decision, and what to do then."""

    when: Literal["worse-by-meaningful-change", "worse-by", "risk-group", "reaches"]
    action: Action
    points: float | None = Field(default=None, gt=0)
    value: float | None = None
    group: str | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _needs(self) -> "SignalRule":
        need = {"worse-by": "points", "reaches": "value", "risk-group": "group"}.get(self.when)
        if need and getattr(self, need) is None:
            raise ValueError(f"a '{self.when}' signal needs '{need}'")
        return self


class Measure(Frozen):
    """One instrument: NPRS, RMDQ-24, ODI 2.1a, PSFS, STarT Back, SRS-22r, ATR, Cobb or Risser."""

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    kind: Literal["questionnaire", "rating", "measurement"]
    what: str = Field(min_length=1)
    licence: Licence
    items: list[Item] = []
    activities: Activities | None = None
    #: Where "na" (not applicable) is an allowed answer, the value it counts as (RMDQ: no = 0).
    not_applicable_counts_as: int | None = None
    not_applicable_source: str | None = None
    scoring: Scoring
    domains: list[Domain] = []
    meaningful_change: Change | None = None
    bands: Bands | None = None
    signals: list[SignalRule] = []
    #: Where the measure is taken, in words ("back", "leg"), when the code alone does not say it (LOINC 72514-3 is
    #: pain severity anywhere): sent with the result as its body site.
    body_site: str | None = None
    loinc: str | None = Field(default=None, pattern=r"^\d{1,7}-\d$")
    #: Why there is no LOINC code, or what the code covers.
    loinc_note: str = Field(min_length=1)

    def item(self, item_id: str) -> Item | None:
        return next((it for it in self.items if it.id == item_id), None)

    @property
    def higher_is_better(self) -> bool:
        return self.scoring.direction == "higher-is-better"


class Activity(Frozen):
    """A PSFS activity the patient named, with today's score."""

    name: str
    score: float


class Answers(Frozen):
    """What the therapist typed from the patient's form: one answer per item (None = left blank),
    the items marked not applicable, and PSFS activities."""

    measure_id: str
    items: dict[str, float | None] = {}
    not_applicable: frozenset[str] = frozenset()
    activities: tuple[Activity, ...] = ()


class Score(Frozen):
    """The result of scoring one answer sheet. `value` is None when there are not enough answers;
    `missing` then says which rule was not met."""

    measure_id: str
    value: float | None
    band: str | None = None
    #: Domain or subscale scores (SRS-22r domains, the STarT Back psychosocial subscore); None = not enough answers.
    parts: dict[str, float | None] = {}
    answered: int
    expected: int
    missing: list[str] = []
    #: The rule applied, in words, with its source.
    rule: str


class Result(Frozen):
    """A score on a date, for one patient: the unit a series over time is made of."""

    measure_id: str
    on: dt.date
    score: Score


def format_value(m: Measure, value: float) -> str:
    """A score as the therapist reads it: '35.6%', '3.4', '8°' (one decimal on wide scales, two on 1–5 scales)."""
    digits = 1 if m.scoring.range[1] - m.scoring.range[0] >= 10 else 2
    unit = m.scoring.unit if m.scoring.unit in ("%", "°") else ""
    return f"{round(value, digits):g}{unit}"
