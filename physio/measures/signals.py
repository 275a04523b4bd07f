"""What a patient's outcome measures over time say about the next step: pure, from the rules in each instrument file.

  worse by at least the meaningful change in function (ODI, RMDQ, PSFS) or leg pain → review, do not advance
  STarT Back high risk                                                     → psychologically informed care
  Cobb progression of 5° or more, or ATR reaching the referral criterion   → refer to a specialist

Each signal carries its reason (the numbers and dates compared, in plain words) and the source of the rule.
physio.progression.recommend() turns them into the recommendation (its docstring gives the order of precedence).
"""

from __future__ import annotations

import datetime as dt
from typing import Mapping, Sequence

from ..models._base import Frozen
from .models import ACTION_WORDS, Action, Change, Measure, MeasureError, Result, SignalRule, format_value
from .series import Trend, scored, trend


class Signal(Frozen):
    measure_id: str
    action: Action
    #: What to do, in the therapist's words: "review, do not advance", "refer to a specialist" ...
    advice: str
    reason: str
    source: str
    on: dt.date


def _change_words(m: Measure, change: Change, base: float) -> str:
    """The change that matters as the source words it, and what it comes to from this baseline:
    '2 points or 30 % of the baseline: 0.9 here'."""
    words = f"{change.points:g}{_unit(m, change.points)}"
    if change.percent is not None:
        words += f" or {change.percent:g} % of the baseline"
        here = change.threshold(base)
        if change.at_least is not None:
            words += f", never under {change.at_least:g}{_unit(m, change.at_least)}"
        if abs(here - change.points) > 1e-9:
            words += f": {round(here, 2):g}{_unit(m, here)} here"
    return words


def _unit(m: Measure, amount: float = 2) -> str:
    """The unit of a change: ODI's % scores change by points; '1 point', '2 points', '5°'."""
    unit = {"%": "points", "°": "°"}.get(m.scoring.unit, m.scoring.unit)
    if unit == "points" and abs(amount) == 1:
        unit = "point"
    return unit if unit in ("°", "") else f" {unit}"


def _worse_by(m: Measure, series: list[Result], rule: SignalRule) -> tuple[str, dt.date] | None:
    t = trend(m, series)
    if t.recent is None or m.scoring.direction == "neither":
        return None
    first, now, before, after = _comparable(m, t)
    if first is None or now is None:
        return None
    change = now - first
    worse = change if m.scoring.direction == "higher-is-worse" else -change
    if rule.when == "worse-by":
        need, words = rule.points, f"{rule.points:g}{_unit(m, rule.points)}"
    else:
        need, words = m.meaningful_change.threshold(first), _change_words(m, m.meaningful_change, first)
    if worse < need - 1e-9:
        return None
    verb = "rose" if change > 0 else "fell"
    by = f"{worse:.3g}{_unit(m, round(worse, 3))}"
    return (f"{m.short_name} {verb} from {before} to {after}: worse by {by}, at least the change that matters "
            f"({words})", t.latest.on)


def _comparable(m: Measure, t: Trend) -> tuple[float | None, float | None, str, str]:
    """The two scores to compare and how to say them: the means of the baseline week and of the latest week.
    PSFS compares the patient's own activities: the first and the last sheet, and when the activities changed
    between them only those scored both times (their means), said so."""
    if m.activities is None:
        return t.base.value, t.recent.value, t.base.words(m), t.recent.words(m)
    base, last = t.baseline, t.latest
    common = [a for a in base.score.parts if a in last.score.parts]
    if not common:
        return None, None, "", ""
    first = sum(base.score.parts[a] for a in common) / len(common)
    now = sum(last.score.parts[a] for a in common) / len(common)
    same = len(common) == len(base.score.parts) == len(last.score.parts)
    of = "" if same else f" (mean of the {len(common)} activities scored both times: {', '.join(common)})"
    return (first, now, f"{format_value(m, first)} on {base.on:%d.%m.%Y}{of}",
            f"{format_value(m, now)} on {last.on:%d.%m.%Y}")


def _risk_group(m: Measure, series: list[Result], rule: SignalRule) -> tuple[str, dt.date] | None:
    last = series[-1]
    if last.score.band != rule.group:
        return None
    parts = "".join(f", {k} {v:g}" for k, v in last.score.parts.items() if v is not None)
    return f"{m.short_name} on {last.on:%d.%m.%Y}: {rule.group} (total {last.score.value:g}{parts})", last.on


def _reaches(m: Measure, series: list[Result], rule: SignalRule) -> tuple[str, dt.date] | None:
    t = trend(m, series)
    if t.recent is None or t.base.value >= rule.value or t.recent.value < rule.value:
        return None
    return (f"{m.short_name} rose from {t.base.words(m)} to {t.recent.words(m)}: it reached the referral criterion "
            f"of {format_value(m, rule.value)}", t.latest.on)


_CHECKS = {"worse-by-meaningful-change": _worse_by, "worse-by": _worse_by, "risk-group": _risk_group,
           "reaches": _reaches}


def measure_signals(results: Sequence[Result], measures: Mapping[str, Measure] | None = None) -> list[Signal]:
    """Every signal the results give, instrument by instrument; the baseline is each instrument's first scored
    result and the latest its last. Results without a score (too few answers) are left out of the comparison."""
    if measures is None:
        from .loader import default_measures

        measures = default_measures()
    out: list[Signal] = []
    for measure_id in sorted({r.measure_id for r in results}):
        m = measures.get(measure_id)
        if m is None:
            raise MeasureError(f"a result names the outcome measure '{measure_id}', which is not one of "
                               f"{', '.join(sorted(measures))}")
        series = scored(list(results), measure_id)
        if not series:
            continue
        for rule in m.signals:
            found = _CHECKS[rule.when](m, series, rule)
            if found:
                reason, on = found
                out.append(Signal(measure_id=m.id, action=rule.action, advice=ACTION_WORDS[rule.action],
                                  reason=reason, source=rule.source, on=on))
    return out
