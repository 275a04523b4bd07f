"""Exercise pictures for the widgets, as SVG text drawn by physio.figures at the plan's dose.

physio.figures keeps each drawn figure (per exercise and the dose values it shows), so moving a slider back
and forth only re-serialises the SVG, about a millisecond.
"""

from __future__ import annotations

from ..errors import UnknownId
from ..figures import exercise_figure, to_svg
from ..library import Library
from ..models import Dose


def exercise_svg(exercise_id: str, dose: Dose | None = None, library: Library | None = None) -> str:
    """SVG markup of the exercise (posed for this dose, e.g. the board at its angle), or "" if it has no poses."""
    try:
        svg = to_svg(exercise_figure(exercise_id, dose, library))
    except UnknownId:  # an exercise without poses yet: its text is shown without a picture
        return ""
    start = svg.find("<svg")  # drop any XML prolog so the SVG can sit inside HTML
    return svg[start:] if start >= 0 else ""
