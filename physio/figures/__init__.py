"""Exercise pictures drawn from pose data: the board at the prescribed angle, the hold time printed.

    fig = exercise_figure("board-traction-supine", dose)   # a Figure (vector shapes + geometry)
    to_svg(fig)            # notebooks
    to_drawing(fig, w, h)  # reportlab Drawing for the PDF handout
    to_png(fig)            # PNG bytes for the Excel plan sheet
    write_contact_sheet("all-pictures.pdf")   # every exercise on a few pages, for review
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import UnknownId
from .backends import to_drawing, to_png, to_svg
from .contact_sheet import write_contact_sheet
from .draw import draw_exercise
from .shapes import Figure

if TYPE_CHECKING:
    from ..library import Library
    from ..models import Dose

__all__ = ["Figure", "exercise_figure", "to_drawing", "to_png", "to_svg", "write_contact_sheet"]


def exercise_figure(exercise_id: str, dose: "Dose | None" = None, library: "Library | None" = None,
                    language: str = "en") -> Figure:
    """The picture of one exercise; with a dose, the board is drawn at its angle and the hold time printed
    (in `language`, the plan's)."""
    if library is None:
        from ..library import default_library

        library = default_library()
    key = (
        getattr(dose, "hold_s", None),
        getattr(dose, "duration_s", None),
        getattr(dose, "angle_deg", None),
        language,
    )
    hit = _CACHE.get((id(library), exercise_id, key))
    if hit is not None and hit[0] is library:
        return hit[1]
    fig = _figure(library, exercise_id, key)
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[(id(library), exercise_id, key)] = (library, fig)
    return fig


#: Figures already drawn, by (library, exercise id, the dose values a picture shows). A Library holds
#: dicts and cannot be hashed, so it is keyed by identity and kept alive alongside its figures.
_CACHE: dict[tuple, tuple["Library", Figure]] = {}
_CACHE_SIZE = 1024


def _figure(library: "Library", exercise_id: str, key: tuple) -> Figure:
    ep = library.poses.get(exercise_id)
    if ep is None:
        where = library.folder / "poses.yaml"
        if exercise_id not in library.exercises:
            raise UnknownId(f"there is no exercise '{exercise_id}' in {library.folder / 'exercises.yaml'}")
        raise UnknownId(f"exercise '{exercise_id}' has no poses in {where}; add a start and an end pose for it")
    hold_s, duration_s, angle_deg, language = key
    ex = library.exercises.get(exercise_id)
    return draw_exercise(ep, hold_s=hold_s, duration_s=duration_s, angle_deg=angle_deg,
                         label=ex.name if ex else exercise_id, language=language)
