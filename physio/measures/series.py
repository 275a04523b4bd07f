"""A result on a date, the checks a date must pass before a result is kept, and a series' baseline week, latest
week and change (Trend) for the decision, tables and charts."""

from __future__ import annotations

import datetime as dt
from typing import Mapping, Sequence

from ..models._base import Frozen
from .models import Answers, Measure, MeasureError, Result, format_value
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


#: Results less than a week apart are one time point, and their mean is compared.
WEEK_DAYS = 7
"""Why: the returned workbook gives leg and back pain every day, and a day-to-day swing is not a change; the log's
own pain rule compares weekly means the same way (physio.adherence, O1). team-default: one week."""


class Window(Frozen):
    """The scored results of one time point (up to a week): their dates, how many, and their mean."""

    first: dt.date
    last: dt.date
    count: int
    value: float

    def words(self, m: Measure) -> str:
        """'3 on 07.09.2026' or '3.4 (mean of 7 results, 07.09.2026–13.09.2026)'."""
        if self.count == 1:
            return f"{format_value(m, self.value)} on {self.first:%d.%m.%Y}"
        return (f"{format_value(m, self.value)} (mean of {self.count} results, {self.first:%d.%m.%Y}–"
                f"{self.last:%d.%m.%Y})")


    def short(self, m: Measure) -> str:
        """'3 (07.09.2026)' or '3.4 (mean of 7, 07.09–13.09.2026)': for a table cell."""
        if self.count == 1:
            return f"{format_value(m, self.value)} ({self.first:%d.%m.%Y})"
        return f"{format_value(m, self.value)} (mean of {self.count}, {self.first:%d.%m}–{self.last:%d.%m.%Y})"


def _window(results: list[Result]) -> Window | None:
    if not results:
        return None
    return Window(first=results[0].on, last=results[-1].on, count=len(results),
                  value=sum(r.score.value for r in results) / len(results))


class Trend(Frozen):
    """One instrument's results of one patient, in the figures a table, a chart and the decision use: the baseline
    (the first week of scored results), the latest week, the change between them and the change that matters from
    that baseline."""

    measure_id: str
    #: The first and the last scored result.
    baseline: Result | None
    latest: Result | None
    #: The baseline week (from the first scored result) and the latest week (up to the last one, after the baseline
    #: week; None while every result lies in the baseline week).
    base: Window | None
    recent: Window | None
    #: Latest week's mean minus the baseline week's (None without a latest week).
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
    if not series:
        return Trend(measure_id=measure.id, baseline=None, latest=None, base=None, recent=None, change=None,
                     matters=None, unscored=unscored, scored_count=0)
    week = dt.timedelta(days=WEEK_DAYS)
    first, last = series[0].on, series[-1].on
    in_base = [r for r in series if r.on < first + week]
    in_recent = [r for r in series if r.on > last - week and r.on >= first + week]
    base, recent = _window(in_base), _window(in_recent)
    c = measure.meaningful_change
    return Trend(measure_id=measure.id, baseline=series[0], latest=series[-1], base=base, recent=recent,
                 change=recent.value - base.value if recent else None,
                 matters=c.threshold(base.value) if c is not None else None, unscored=unscored,
                 scored_count=len(series))


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
        change = last - base if (base is not None and last is not None and t.recent is not None) else None
        c = d.meaningful_change
        out.append(PartChange(name=d.name, baseline=base, latest=last, change=change,
                              matters=c.points if c else None, source=c.source if c else None))
    return out
