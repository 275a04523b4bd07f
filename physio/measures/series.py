"""A result on a date, and the checks a date must pass before a result is kept."""

from __future__ import annotations

import datetime as dt

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
