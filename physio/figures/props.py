"""The props as data and shapes: floor, mat, chair, wall, horizontal bar, and the inclined board with straps."""

from __future__ import annotations

import math

from .body import Point
from .shapes import Circle, Line, Polygon, Shape

MAT_THICKNESS_CM = 2.5
"""An exercise mat, drawn a little thicker than a real 1-2 cm mat so it stays visible when small."""

BAR_RADIUS_CM = 2.0
"""A pull-up bar is about 3-4 cm across."""

BAR_POST_BEHIND_CM = 45.0
"""The bar's post stands this far behind the hands: clear of the feet of a hang with the knees bent."""

BAR_CLEARANCE_CM = 12.0
"""Feet hang this far above the floor: the article asks for a bar higher than the patient."""

BOARD_LENGTH_CM = 200.0
"""An inclined board a little longer than the body, so the whole body lies on it and the feet stay off the floor."""

BOARD_THICKNESS_CM = 4.0
BOARD_HEAD_ROOM_CM = 10.0
"""The board reaches this far past the top of the head: the patient lies head up, held at the upper end.

Why: on a traction board (Evminov type) the patient hangs from straps under the arms fixed to the top
of the board, and the weight of the body, feet towards the low end, stretches the spine."""

STRAP_WIDTH_CM = 6.0
"""Width of the chest strap that passes under the arms."""

ARMPIT_BELOW_SHOULDER_CM = 7.0
"""The armpit lies this far below the shoulder joint along the trunk: where the chest strap sits."""

BOARD_MIN_HEIGHT_CM = 20.0
"""The lower end of the board stays this far above the floor, on its stand."""

CHAIR_DEPTH_CM = 42.0
CHAIR_BACK_CM = 45.0

INK = "#3a3a3a"
FLOOR = "#555555"
MAT_FILL, MAT_EDGE = "#a9cfa6", "#5d8a5a"
WOOD_FILL, WOOD_EDGE = "#d9bb8c", "#86643a"
CHAIR_FILL, CHAIR_EDGE = "#c9a27a", "#6e4f32"
METAL = "#4d4d4d"
STRAP = "#2f2f2f"
WALL_FILL, WALL_EDGE = "#e4e4e4", "#777777"

PROP_LINE = 1.0
"""Line width of props (cm), a little finer than the figure's outline."""


def floor(x0: float, x1: float, y: float = 0.0) -> list[Shape]:
    """A clear ground line with short hatching under it."""
    shapes: list[Shape] = [Line(((x0, y), (x1, y)), 1.4, FLOOR, role="floor")]
    x = x0 + 4
    while x < x1 - 2:
        shapes.append(Line(((x, y), (x - 4, y - 4)), 0.5, "#9a9a9a", role="floor-hatch"))
        x += 8
    return shapes


def mat(x0: float, x1: float, y: float = 0.0) -> list[Shape]:
    t = MAT_THICKNESS_CM
    return [Polygon(((x0, y), (x1, y), (x1, y + t), (x0, y + t)), MAT_FILL, MAT_EDGE, PROP_LINE * 0.8, role="mat")]


def chair(seat_front_x: float, seat_y: float, facing: str = "right", floor_y: float = 0.0) -> list[Shape]:
    """A side-view chair whose seat top is at seat_y and whose front edge is at seat_front_x."""
    sgn = 1 if facing == "right" else -1
    back_x = seat_front_x - sgn * CHAIR_DEPTH_CM
    t = 3.0
    seat = Polygon(
        ((back_x, seat_y), (seat_front_x, seat_y), (seat_front_x, seat_y - t), (back_x, seat_y - t)),
        CHAIR_FILL, CHAIR_EDGE, PROP_LINE * 0.8, role="chair-seat",
    )
    legs = [
        Line(((x, seat_y - t), (x, floor_y)), 2.2, CHAIR_EDGE, role="chair-leg")
        for x in (back_x + sgn * 2, seat_front_x - sgn * 2)
    ]
    back = Line(((back_x + sgn * 1, seat_y), (back_x - sgn * 4, seat_y + CHAIR_BACK_CM)), 2.6, CHAIR_EDGE, role="chair-back")
    return [*legs, back, seat]


def wall(x: float, y0: float, y1: float, facing: str = "right") -> list[Shape]:
    """A wall behind the figure: its face at x, hatched on the far side."""
    sgn = -1 if facing == "right" else 1
    shapes: list[Shape] = [
        Polygon(((x, y0), (x + sgn * 6, y0), (x + sgn * 6, y1), (x, y1)), WALL_FILL, None, 0, role="wall-body"),
        Line(((x, y0), (x, y1)), 1.2, WALL_EDGE, role="wall"),
    ]
    return shapes


def bar(center: Point, floor_y: float) -> list[Shape]:
    """The horizontal bar seen end-on, on a post that stands behind the figure."""
    cx, cy = center
    post_x = cx - BAR_POST_BEHIND_CM
    return [
        Line(((post_x, floor_y), (post_x, cy + 6)), 3.0, "#8c8c8c", role="bar-post"),
        Line(((post_x, cy + 6), (cx, cy)), 2.0, "#8c8c8c", role="bar-arm"),
        Circle(center, BAR_RADIUS_CM + 0.6, METAL, None, 0, role="bar"),
    ]


def board_line(angle_deg: float, start_t: float) -> tuple[Point, Point]:
    """The board's top surface from its lower to its upper end, on the line through the origin at angle_deg."""
    d = (math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg)))
    a = (start_t * d[0], start_t * d[1])
    b = ((start_t + BOARD_LENGTH_CM) * d[0], (start_t + BOARD_LENGTH_CM) * d[1])
    return a, b


def board(surface: tuple[Point, Point], floor_y: float) -> list[Shape]:
    """The inclined board: plank on an A-frame stand, with the straps' fixing at its upper end."""
    (ax, ay), (bx, by) = surface
    length = math.hypot(bx - ax, by - ay)
    dx, dy = (bx - ax) / length, (by - ay) / length
    nx, ny = -dy, dx  # up from the surface
    t = BOARD_THICKNESS_CM
    plank = Polygon(
        ((ax, ay), (bx, by), (bx - nx * t, by - ny * t), (ax - nx * t, ay - ny * t)),
        WOOD_FILL, WOOD_EDGE, PROP_LINE, role="board-plank",
    )
    # The stand: an A-frame from the floor to a pivot a little above the board's middle, which keeps
    # the angle sign at the lower end clear.
    px, py = ax + (bx - ax) * 0.58 - nx * t, ay + (by - ay) * 0.58 - ny * t
    spread = 32.0
    stand = [
        Line(((px, py), (px - spread, floor_y)), 2.6, METAL, role="board-stand"),
        Line(((px, py), (px + spread, floor_y)), 2.6, METAL, role="board-stand"),
        Circle((px, py), 2.2, METAL, role="board-pivot"),
    ]
    # The fixing block at the top end, where the straps are tied.
    fix = Polygon(
        ((bx - dx * 5, by - dy * 5), (bx, by), (bx + nx * 5, by + ny * 5), (bx - dx * 5 + nx * 5, by - dy * 5 + ny * 5)),
        STRAP, None, 0, role="board-fixing",
    )
    # The line the figure rests on, drawn last so the measured angle is that of a drawn line.
    top = Line(((ax, ay), (bx, by)), PROP_LINE, WOOD_EDGE, role="board-surface")
    return [*stand, plank, top, fix]


def chest_strap(surface: tuple[Point, Point], armpit_t: float, depth: float) -> list[Shape]:
    """The strap around the chest under the arms, `armpit_t` cm along the board from its lower end,
    wrapping a chest `depth` cm deep, and its tie running up to the top of the board."""
    (ax, ay), (bx, by) = surface
    length = math.hypot(bx - ax, by - ay)
    dx, dy = (bx - ax) / length, (by - ay) / length
    nx, ny = -dy, dx
    cx, cy = ax + dx * armpit_t, ay + dy * armpit_t
    w, t = STRAP_WIDTH_CM / 2, BOARD_THICKNESS_CM
    band = Polygon(
        (
            (cx - dx * w - nx * t, cy - dy * w - ny * t),
            (cx + dx * w - nx * t, cy + dy * w - ny * t),
            (cx + dx * w + nx * depth, cy + dy * w + ny * depth),
            (cx - dx * w + nx * depth, cy - dy * w + ny * depth),
        ),
        STRAP, None, 0, role="board-strap",
    )
    # The tie leaves the band over the shoulder and runs to the fixing at the top end.
    tie = Line(
        ((cx + nx * depth * 0.6, cy + ny * depth * 0.6), (bx - dx * 2.5 + nx * 2.5, by - dy * 2.5 + ny * 2.5)),
        1.6, STRAP, role="board-strap-tie",
    )
    return [tie, band]


def chair_front(x: float, seat_y: float, floor_y: float = 0.0) -> list[Shape]:
    """A chair seen from the front (or behind): its seat top at seat_y, centred on x, the backrest behind."""
    half, t = 23.0, 3.0
    back = Polygon(((x - half + 2, seat_y), (x + half - 2, seat_y), (x + half - 2, seat_y + CHAIR_BACK_CM),
                    (x - half + 2, seat_y + CHAIR_BACK_CM)), "#e2cfb8", CHAIR_EDGE, PROP_LINE * 0.8, role="chair-back")
    seat = Polygon(((x - half, seat_y), (x + half, seat_y), (x + half, seat_y - t), (x - half, seat_y - t)),
                   CHAIR_FILL, CHAIR_EDGE, PROP_LINE * 0.8, role="chair-seat")
    legs = [Line(((lx, seat_y - t), (lx, floor_y)), 2.2, CHAIR_EDGE, role="chair-leg") for lx in (x - half + 2, x + half - 2)]
    return [back, *legs, seat]


# ---------------------------------------------------------------- the inversion table

TABLE_BACK_CM = 10.5
"""The table's padded surface lies this far behind the line of the hips and shoulders: half the chest's depth,
so the back rests on it."""

TABLE_PAD_CM = 6.5
"""The padded backrest, about as thick as a real one."""

TABLE_PAD_BELOW_HIP_CM = 30.0
"""The backrest reaches from past the head down to the middle of the thighs."""

TABLE_SHAFT_CM = 18.5
"""The main tube runs behind the backrest, this far behind the line of the hips and shoulders, from the backrest
down to the ankle holders at the foot end."""

PIVOT_ABOVE_HIP_CM = 12.0
"""The table turns on its stand about a pivot a little above the hip joints, near the body's centre of mass:
balanced, it turns slowly as the arms move (how home inversion tables are built)."""

TABLE_FLOOR_CLEARANCE_CM = 6.0
"""The lowest point of the table (the foot plate when upright, the head end when turned) stays this far above the
floor: the stand is as tall as that needs."""

ROLLER_CM = 4.8
"""Radius of an ankle holder's padded roller, drawn in front of the lower shin and behind the ankle."""

TABLE_FILL, TABLE_EDGE = "#7f8f9e", "#3d4853"
ROLLER_FILL = "#2f2f2f"


def inversion_table(at, s_foot: float, s_head: float, s_ankle: float, toe_reach: float, shin_r: float
                    ) -> tuple[list[Shape], list[Shape]]:
    """The turning part of an inversion table, (behind the body, in front of it): the padded backrest from the
    buttocks to past the head, the main tube behind it, the foot plate under the soles and the ankle holders, a
    padded roller in front of the lower shins and one behind the ankles. `at(s, n)` is the drawing's point s cm
    along the body from the hip towards the head and n cm behind the line of the hips and shoulders."""
    b, pad, shaft = TABLE_BACK_CM, TABLE_PAD_CM, TABLE_SHAFT_CM
    low = -TABLE_PAD_BELOW_HIP_CM
    backrest = Polygon((at(low, b), at(s_head, b), at(s_head, b + pad), at(low, b + pad)), TABLE_FILL, TABLE_EDGE,
                       PROP_LINE, role="table-pad")
    tube = Line((at(s_head - 25, shaft), at(s_foot - 2, shaft)), 3.5, METAL, role="table-shaft")
    plate = Line((at(s_foot - 1.5, shaft), at(s_foot - 1.5, -toe_reach)), 3.0, METAL, role="table-foot-plate")
    front_roller = at(s_ankle + 9, -(shin_r + ROLLER_CM))
    back_roller = at(s_ankle + 5, shin_r + ROLLER_CM - 1)
    arm = Line((at(s_ankle + 9, shaft), front_roller), 2.4, METAL, role="table-ankle-arm")
    pivot = Circle(at(PIVOT_ABOVE_HIP_CM, shaft), 3.2, METAL, role="table-pivot")
    rollers = [Circle(c, ROLLER_CM, ROLLER_FILL, "#000000", 0.6, role="table-ankle-holder")
               for c in (front_roller, back_roller)]
    return [tube, plate, backrest, pivot], [arm, *rollers]


def inversion_stand(pivot: Point, floor_y: float) -> list[Shape]:
    """The table's stand: an A-frame from the floor up to the pivot, standing still while the table turns."""
    px, py = pivot
    spread = 42.0
    return [Line(((px, py), (px + d * spread, floor_y)), 3.0, METAL, role="table-stand") for d in (-1, 1)] + [
        Line(((px - spread - 8, floor_y + 1.5), (px - spread + 8, floor_y + 1.5)), 3.0, METAL, role="table-stand"),
        Line(((px + spread - 8, floor_y + 1.5), (px + spread + 8, floor_y + 1.5)), 3.0, METAL, role="table-stand"),
    ]
