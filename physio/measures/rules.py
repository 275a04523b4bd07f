"""One small pure function per scoring rule, and the registry the instrument files name them by.

Each rule takes the instrument (its items, parameters and bands) and checked answers, and returns a Score.
A rule never guesses: with fewer answers than the instrument's own rule allows, the score is None and
`missing` names the rule that was not met. The rules and their worked examples are tested in
tests/test_measures_scoring.py, each test citing its source.
"""

from __future__ import annotations

from statistics import mean
from typing import Callable

from pydantic import Field

from ..models._base import Frozen
from .models import Answers, Measure, Score

Rule = Callable[[Measure, Answers], Score]


def _rule_text(m: Measure) -> str:
    return f"{m.scoring.description} ({m.scoring.source})"


def _band(m: Measure, value: float | None) -> str | None:
    return m.bands.label(value) if (m.bands and value is not None) else None


def _not_enough(m: Measure, answered: int, need: int, what: str = "items") -> str:
    source = m.scoring.min_answered_source or m.scoring.source
    return (f"not enough answers: {m.short_name} needs at least {need} of {len(m.items)} {what} answered and "
            f"{answered} {'was' if answered == 1 else 'were'} ({source})")


def _answered(m: Measure, a: Answers) -> dict[str, float]:
    """Item id → value for every answered item; an item marked not applicable takes the value it counts as."""
    out = {k: v for k, v in a.items.items() if v is not None}
    for k in a.not_applicable:
        out[k] = float(m.not_applicable_counts_as or 0)
    return out


# ---------------------------------------------------------------- the rules


def single_value(m: Measure, a: Answers) -> Score:
    """NPRS, ATR, Cobb, Risser: the one number entered is the score."""
    item = m.items[0]
    value = a.items.get(item.id)
    missing = [] if value is not None else [f"not enough answers: no value was entered for {item.label}"]
    return Score(measure_id=m.id, value=value, band=_band(m, value), answered=int(value is not None), expected=1,
                 missing=missing, rule=_rule_text(m))


def count_ticked(m: Measure, a: Answers) -> Score:
    """RMDQ-24: the number of items ticked (1); an item marked not applicable counts as not ticked."""
    got = _answered(m, a)
    need = m.scoring.min_answered or len(m.items)
    if len(got) < need:
        return Score(measure_id=m.id, value=None, answered=len(got), expected=len(m.items),
                     missing=[_not_enough(m, len(got), need)], rule=_rule_text(m))
    value = float(sum(1 for v in got.values() if v >= 1))
    return Score(measure_id=m.id, value=value, band=_band(m, value), answered=len(got), expected=len(m.items),
                 rule=_rule_text(m))


def percent_of_answered(m: Measure, a: Answers) -> Score:
    """ODI: the sum of the answered sections over the most they could score (5 × sections answered), as a %."""
    got = _answered(m, a)
    need = m.scoring.min_answered or len(m.items)
    if len(got) < need:
        return Score(measure_id=m.id, value=None, answered=len(got), expected=len(m.items),
                     missing=[_not_enough(m, len(got), need, "sections")], rule=_rule_text(m))
    most = sum(m.item(k).max for k in got)
    value = 100 * sum(got.values()) / most
    return Score(measure_id=m.id, value=value, band=_band(m, value), answered=len(got), expected=len(m.items),
                 rule=_rule_text(m))


def activity_mean(m: Measure, a: Answers) -> Score:
    """PSFS: the mean of the scores of the activities the patient named."""
    spec = m.activities
    n = len(a.activities)
    if spec is None or n < spec.min:
        need = spec.min if spec else 1
        src = spec.source if spec else m.scoring.source
        return Score(measure_id=m.id, value=None, answered=n, expected=need,
                     missing=[f"not enough answers: {m.short_name} needs at least {need} named activities and {n} "
                              f"{'was' if n == 1 else 'were'} given ({src})"], rule=_rule_text(m))
    value = mean(act.score for act in a.activities)
    parts = {act.name: act.score for act in a.activities}
    return Score(measure_id=m.id, value=value, band=_band(m, value), parts=parts, answered=n, expected=n,
                 rule=_rule_text(m))


class StartBackParameters(Frozen):
    """The STarT Back scoring table: which items form the psychosocial subscore, where an item counts as
    positive, and the cut-offs between the risk groups."""

    psychosocial_items: list[str] = Field(min_length=1)
    #: An item is positive from this answer up (agree = 1); item 9 only from "very much".
    positive_from: dict[str, int] = {}
    low_total_max: int
    high_subscore_min: int
    source: str = Field(min_length=1)


def start_back(m: Measure, a: Answers) -> Score:
    """STarT Back: total = positive items; subscore = positive psychosocial items; the risk group from both."""
    p = StartBackParameters.model_validate(m.scoring.parameters)
    got = _answered(m, a)
    need = m.scoring.min_answered or len(m.items)
    if len(got) < need:
        return Score(measure_id=m.id, value=None, answered=len(got), expected=len(m.items),
                     missing=[_not_enough(m, len(got), need)], rule=_rule_text(m))
    positive = {k for k, v in got.items() if v >= p.positive_from.get(k, 1)}
    total = len(positive)
    sub = len(positive & set(p.psychosocial_items))
    if total <= p.low_total_max:
        group = "low risk"
    elif sub >= p.high_subscore_min:
        group = "high risk"
    else:
        group = "medium risk"
    return Score(measure_id=m.id, value=float(total), band=group, parts={"psychosocial subscore": float(sub)},
                 answered=len(got), expected=len(m.items), rule=_rule_text(m))


class DomainMeanParameters(Frozen):
    """SRS-22r: the total is the mean of these items, given only when each of these domains can be scored."""

    total_items: list[str] = Field(min_length=1)
    total_needs_domains: list[str] = []
    source: str = Field(min_length=1)


def domain_means(m: Measure, a: Answers) -> Score:
    """SRS-22r: each domain is the mean of its answered items (enough of them); the total, the mean of items 1–20."""
    p = DomainMeanParameters.model_validate(m.scoring.parameters)
    got = _answered(m, a)
    parts: dict[str, float | None] = {}
    missing: list[str] = []
    for d in m.domains:
        values = [got[i] for i in d.items if i in got]
        if len(values) >= d.min_answered:
            parts[d.name] = mean(values)
        else:
            parts[d.name] = None
            missing.append(f"not enough answers: the {d.name} domain needs at least {d.min_answered} of its "
                           f"{len(d.items)} items answered and {len(values)} {'was' if len(values) == 1 else 'were'} "
                           f"({d.min_answered_source or m.scoring.source})")
    short = [d.name for d in m.domains if d.id in p.total_needs_domains and parts[d.name] is None]
    total_values = [got[i] for i in p.total_items if i in got]
    total = mean(total_values) if total_values and not short else None
    if short:
        missing.append(f"not enough answers for the total: it needs the {', '.join(short)} domain(s) scored "
                       f"({p.source})")
    return Score(measure_id=m.id, value=total, band=_band(m, total), parts=parts, answered=len(got),
                 expected=len(m.items), missing=missing, rule=_rule_text(m))


#: Rule name (as written in an instrument file) → (function, model of its parameters or None).
RULES: dict[str, tuple[Rule, type[Frozen] | None]] = {
    "single-value": (single_value, None),
    "count-ticked": (count_ticked, None),
    "percent-of-answered": (percent_of_answered, None),
    "activity-mean": (activity_mean, None),
    "start-back": (start_back, StartBackParameters),
    "domain-means": (domain_means, DomainMeanParameters),
}


def score(measure: Measure, answers: Answers) -> Score:
    """Score checked answers (see answers.check_answers) by the instrument's own rule."""
    fn, _ = RULES[measure.scoring.rule]
    return fn(measure, answers)
