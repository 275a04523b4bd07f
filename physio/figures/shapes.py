"""Backend-neutral vector primitives, in centimetres with y up; each backend turns them into its format."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from .body import Point, Skeleton


@dataclass(frozen=True)
class Line:
    points: tuple[Point, ...]
    width: float
    color: str
    role: str = ""
    dash: tuple[float, float] | None = None


@dataclass(frozen=True)
class Circle:
    center: Point
    r: float
    fill: str | None
    stroke: str | None = None
    width: float = 0.0
    role: str = ""


@dataclass(frozen=True)
class Polygon:
    points: tuple[Point, ...]
    fill: str | None
    stroke: str | None = None
    width: float = 0.0
    role: str = ""


@dataclass(frozen=True)
class Text:
    pos: Point
    text: str
    size: float
    color: str = "#222222"
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    role: str = ""


Shape = Union[Line, Circle, Polygon, Text]


@dataclass(frozen=True)
class Figure:
    """One exercise picture: the shapes to draw plus the geometry they were drawn from (for checks)."""

    exercise_id: str
    shapes: tuple[Shape, ...]
    #: (x min, y min, x max, y max) of everything drawn, margin included.
    bbox: tuple[float, float, float, float]
    #: 'start' and 'end' skeletons as placed in the picture.
    skeletons: dict[str, Skeleton] = field(default_factory=dict)
    #: Support surfaces as drawn, each a line (a, b) whose upper side the figure rests on.
    surfaces: dict[str, tuple[Point, Point]] = field(default_factory=dict)
    board_angle_deg: float | None = None
    label: str = ""
    #: "start" or "end" for one of an exercise's two frames; "" for the one-picture thumbnail.
    frame: str = ""

    @property
    def width(self) -> float:
        return self.bbox[2] - self.bbox[0]

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


def text_width(t: Text) -> float:
    """A fair estimate of a text's width, enough to keep it inside the picture."""
    return 0.56 * t.size * len(t.text)
