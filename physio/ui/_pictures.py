"""Exercise pictures for the widgets, when the drawing package is there.

The pictures are drawn by physio.figures; widgets only ask for SVG text. Drawing takes tens of
milliseconds, so each picture is made once per exercise and dose.
"""

from __future__ import annotations

import functools

from ..models import Dose


@functools.lru_cache(maxsize=256)
def _svg(exercise_id: str, dose_json: str | None) -> str:
    try:
        from ..figures import exercise_figure, to_svg
    except ImportError:  # pictures not built yet: the widget shows text only
        return ""
    dose = Dose.model_validate_json(dose_json) if dose_json else None
    try:
        svg = to_svg(exercise_figure(exercise_id, dose))
    except Exception:  # a missing pose must not hide the exercise's text
        return ""
    if isinstance(svg, bytes):
        svg = svg.decode("utf-8")
    # drop any XML prolog so the SVG can sit inside HTML
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else ""


def exercise_svg(exercise_id: str, dose: Dose | None = None) -> str:
    """SVG markup of the exercise (posed for this dose, e.g. the board angle), or "" if none exists."""
    return _svg(exercise_id, dose.model_dump_json() if dose is not None else None)
