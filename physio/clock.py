"""Today's date for the clinical rules that depend on it (a start date in the past, a clearance in the future).

PHYSIO_TODAY=YYYY-MM-DD fixes the date, so a demonstration workspace or a test run reads the same on every
day; otherwise it is the computer's date.
"""

from __future__ import annotations

import datetime as dt
import os


def today() -> dt.date:
    """The clinic's today: PHYSIO_TODAY when set (YYYY-MM-DD), else the computer's date."""
    fixed = os.environ.get("PHYSIO_TODAY", "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            from .errors import PhysioError

            raise PhysioError(f"PHYSIO_TODAY={fixed!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-07") from None
    return dt.date.today()
