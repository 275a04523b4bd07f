"""A result on a date, the checks a date must pass before a result is kept, and a series' baseline, latest and
change (Trend) for tables."""

from __future__ import annotations

import datetime as dt
from typing import Mapping, Sequence

from ..models._base import Frozen
from .models import Answers, Measure, MeasureError, Result
from .rules import score


def record(measure: Measure, answers: Answers, on: dt.date, *, birth_year: int, today: dt.date | None = None) -> Result:
    """Score answers taken on a date. A date in the future, or before the patient was born, is refused: a result
    can only be dated on a day the patient was alive and that has come."""
    today = today or dt.date.today()
    if on.year < birth_year:
        raise MeasureError(f"{measure.short_name} on {on:%d.%m.%Y}: the date is before the patient's birth "
                           f"(born {birth_year}); a result is dated between birth and today")
    if on > today:
        raise MeasureError(f"{measure.short_name} on {on:%d.%m.%Y}: the date is in the future; a result is dated "
                           f"between birth and today ({today:%d.%m.%Y})")
    return Result(measure_id=measure.id, on=on, score=score(measure, answers))


def scored(results: list[Result], measure_id: str) -> list[Result]:
    """This instrument's results that have a score, oldest first (a sheet with too few answers has none)."""
    return sorted((r for r in results if r.measure_id == measure_id and r.score.value is not None), key=lambda r: r.on)


class Trend(Frozen):
    """One instrument's results of one patient, in the figures a table shows: baseline (the first scored result),
    latest, the change between them and the change that matters from that baseline."""

    measure_id: str
    baseline: Result | None
    latest: Result | None
    #: Latest minus baseline (None with fewer than two scored results).
    change: float | None
    #: The change that matters from this baseline (None where the instrument has no such figure).
    matters: float | None
    #: Answer sheets kept without a score (too few answers).
    unscored: int
    scored_count: int


def trend(measure: Measure, results: Sequence[Result]) -> Trend:
    """The Trend of one instrument from a patient's results (any order; other instruments' results ignored)."""
    series = scored(list(results), measure.id)
    unscored = sum(1 for r in results if r.measure_id == measure.id and r.score.value is None)
    base, last = (series[0], series[-1]) if series else (None, None)
    change = last.score.value - base.score.value if len(series) >= 2 else None
    c = measure.meaningful_change
    matters = c.threshold(base.score.value) if (c is not None and base is not None) else None
    return Trend(measure_id=measure.id, baseline=base, latest=last, change=change, matters=matters,
                 unscored=unscored, scored_count=len(series))


def trends(results: Sequence[Result], measures: Mapping[str, Measure]) -> list[Trend]:
    """A Trend per instrument the patient has results of, in the order of `measures`."""
    ids = {r.measure_id for r in results}
    return [trend(m, results) for mid, m in measures.items() if mid in ids]


class PartChange(Frozen):
    """One domain of a Trend (SRS-22r pain, function …): its baseline and latest score and the change that matters."""

    name: str
    baseline: float | None
    latest: float | None
    change: float | None
    matters: float | None
    source: str | None


def part_changes(measure: Measure, t: Trend) -> list[PartChange]:
    """Each domain of the instrument, from the Trend's baseline and latest results (None where a sheet had too few
    answers for that domain)."""
    if t.baseline is None or t.latest is None:
        return []
    out = []
    for d in measure.domains:
        base, last = t.baseline.score.parts.get(d.name), t.latest.score.parts.get(d.name)
        change = last - base if (base is not None and last is not None and t.change is not None) else None
        c = d.meaningful_change
        out.append(PartChange(name=d.name, baseline=base, latest=last, change=change,
                              matters=c.points if c else None, source=c.source if c else None))
    return out
