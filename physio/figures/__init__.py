"""Exercise pictures drawn from pose data: the board at the prescribed angle, the hold time printed.

    start, end = exercise_frames("glute-bridge", dose)    # two pictures, same box: side by side in the handout
    fig = exercise_figure("board-traction-supine", dose)   # one picture (start faded behind end): thumbnails
    to_svg(fig)            # notebooks
    to_drawing(fig, w, h)  # reportlab Drawing for the PDF handout
    to_png(fig)            # PNG bytes for the Excel plan sheet
    write_contact_sheet("all-pictures.pdf")   # every exercise on a few pages, for review
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import UnknownId
from .backends import min_text_pt, to_drawing, to_png, to_svg
from .contact_sheet import write_contact_sheet
from .draw import MIN_FRAME_HEIGHT_MM, MIN_FRAME_WIDTH_MM, draw_exercise, draw_frames
from .shapes import Figure

if TYPE_CHECKING:
    from ..library import Library
    from ..models import Dose

__all__ = [
    "MIN_FRAME_HEIGHT_MM", "MIN_FRAME_WIDTH_MM", "Figure", "cropped", "exercise_figure", "exercise_frames",
    "min_text_pt", "to_drawing", "to_png", "to_svg", "write_contact_sheet",
]


def exercise_figure(exercise_id: str, dose: "Dose | None" = None, library: "Library | None" = None,
                    language: str = "en") -> Figure:
    """The picture of one exercise, the start faded behind the end (a thumbnail); with a dose, the board is
    drawn at its angle and the hold time printed (in `language`, the plan's)."""
    return _cached("one", exercise_id, dose, library, language)


def exercise_frames(exercise_id: str, dose: "Dose | None" = None, library: "Library | None" = None,
                    language: str = "en") -> tuple[Figure, Figure]:
    """The start and the end of one exercise as two complete pictures with the same box, to be drawn side by
    side at the same size (so at the same scale). The arrow is on the start frame, pointing where the body
    goes; the hold time on the end frame. Drawn at least MIN_FRAME_WIDTH_MM wide at its own proportions (or
    into a box at least MIN_FRAME_WIDTH_MM × MIN_FRAME_HEIGHT_MM), every word comes out at 10 pt or more:
    `min_text_pt(frame, width_pt, height_pt)` tells the size for any box."""
    return _cached("frames", exercise_id, dose, library, language)


CROP_MARGIN_CM = 3.0
"""The empty margin a cropped frame keeps around what is drawn (figure cm): about 1 mm in the handout."""


def cropped(frames: tuple[Figure, ...], margin_cm: float = CROP_MARGIN_CM) -> tuple[Figure, ...]:
    """The frames with their shared box cut down to what any of them draws, plus `margin_cm`.

    The frames keep one box (so the same scale side by side); drawn into a frame of the same width, the
    figure comes out as large as the frame allows. Words only grow: their size was set for the wider box."""
    from dataclasses import replace

    from .draw import _bbox

    x0, y0, x1, y1 = _bbox([s for f in frames for s in f.shapes])
    box = (x0 - margin_cm, y0 - margin_cm, x1 + margin_cm, y1 + margin_cm)
    return tuple(replace(f, bbox=box) for f in frames)


#: Pictures already drawn, by (kind, library, exercise id, the dose values a picture shows). A Library
#: holds dicts and cannot be hashed, so it is keyed by identity and kept alive alongside its pictures.
_CACHE: dict[tuple, tuple["Library", object]] = {}
_CACHE_SIZE = 1024


def _cached(kind: str, exercise_id: str, dose: "Dose | None", library: "Library | None", language: str):
    if library is None:
        from ..library import default_library

        library = default_library()
    key = (
        getattr(dose, "hold_s", None),
        getattr(dose, "duration_s", None),
        getattr(dose, "angle_deg", None),
        language,
    )
    hit = _CACHE.get((kind, id(library), exercise_id, key))
    if hit is not None and hit[0] is library:
        return hit[1]
    drawn = _draw(kind, library, exercise_id, key)
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[(kind, id(library), exercise_id, key)] = (library, drawn)
    return drawn


def _draw(kind: str, library: "Library", exercise_id: str, key: tuple):
    ep = library.poses.get(exercise_id)
    if ep is None:
        where = library.folder / "poses.yaml"
        if exercise_id not in library.exercises:
            raise UnknownId(f"there is no exercise '{exercise_id}' in {library.folder / 'exercises.yaml'}")
        raise UnknownId(f"exercise '{exercise_id}' has no poses in {where}; add a start and an end pose for it")
    hold_s, duration_s, angle_deg, language = key
    ex = library.exercises.get(exercise_id)
    draw = draw_exercise if kind == "one" else draw_frames
    return draw(ep, hold_s=hold_s, duration_s=duration_s, angle_deg=angle_deg,
                label=ex.name if ex else exercise_id, language=language)
