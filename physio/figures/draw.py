"""The one drawing function: an exercise's poses (and the dose) → a Figure of vector shapes.

The start pose is drawn faded, the end pose solid, with an arrow for the movement between them, so one
picture shows the whole exercise. The figure is set onto its support automatically: its lowest
points on the floor or mat, its hands (or knees) on the bar, its back or front on the board.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..models.exercise import format_seconds
from . import props as P
from .body import (
    ANGLED, OBLIQUE_TOWARDS, HEAD_RADIUS_CM, NEAR_SIDE, PARTS, SIDES, THICKNESS_CM, WIDTH_CM, Point, Skeleton, Vec,
    grip_point, outline_points, project, solve,
)
from .poses import ExercisePoses, Mark, Pose, joint_changes
from .shapes import Circle, Figure, Line, Polygon, Shape, Text, text_width

OUTLINE_CM = 1.3
"""Outline width of the body (cm): one weight for every figure, so the pictures look alike."""

#: (fill, outline) per layer: the near side and trunk solid, the far limbs lighter, the start pose faded.
STYLE = {
    "near": ("#5d8fc8", "#1f3a5f"),
    "far": ("#bcd2eb", "#6f8db0"),
    "ghost-near": ("#eceef1", "#bcc3cb"),
    "ghost-far": ("#f5f6f8", "#d4d9de"),
    "helper-near": ("#c4c4c4", "#7a7a7a"),
    "helper-far": ("#dddddd", "#9a9a9a"),
}
ACCENT = "#e07b00"
HAIR = "#3d4a5c"
BLADE_FILL = "#4a78ad"  # a shade darker than the back, so the shoulder blades stand out on it
TEXT_SIZE = 10.0
MARGIN = 8.0
MOVE_MIN_CM = 8.0
"""A point that moves less than this between start and end gets no arrow (a held position)."""


@dataclass(frozen=True)
class _Scene:
    """What both frames of an exercise share: the posed figures, the props around them, the surfaces."""

    start: Skeleton
    end: Skeleton
    behind: list[Shape]
    front: list[Shape]
    over_trunk: list[Shape]  # drawn over the trunk but under the near arm and leg (the chest strap)
    surfaces: dict[str, tuple[Point, Point]]
    angle: float | None
    #: Props that differ between the frames (a table turning with the body): frame → (behind, in front of) it.
    own: dict[str, tuple[list[Shape], list[Shape]]] = field(default_factory=dict)

    def behind_of(self, which: str) -> list[Shape]:
        return [*self.behind, *self.own.get(which, ([], []))[0]]

    def front_of(self, which: str) -> list[Shape]:
        return [*self.front, *self.own.get(which, ([], []))[1]]

    @property
    def same(self) -> bool:
        return _max_move(self.start, self.end)[1] < 1.0


def draw_exercise(
    ep: ExercisePoses,
    *,
    hold_s: int | None = None,
    duration_s: int | None = None,
    angle_deg: float | None = None,
    label: str = "",
    language: str = "en",
) -> Figure:
    """Draw one exercise in one picture (a thumbnail): the start faded behind the end, an arrow between.
    `angle_deg` is the dose's board angle; hold or duration is printed when given."""
    sc = _scene(ep, angle_deg)
    shapes = sc.behind_of("end")
    if not sc.same:
        shapes += _body(sc.start, ghost=True)
    shapes += _body(sc.end, ghost=False, over_trunk=sc.over_trunk)
    shapes += _blades(ep, sc.end, True)
    shapes += sc.front_of("end")
    if not sc.same:
        shapes += _motion_arrow(sc.start, sc.end, ep)
    shapes += [s for m in ep.marks for s in _mark(m, sc.end)]
    shapes = _crop(ep, sc, shapes)
    if sc.angle is not None:
        shapes += _angle_sign(sc.surfaces["board"], sc.angle, TEXT_SIZE * 1.15)
    note = _dose_text(hold_s, duration_s, language)
    bbox = _bbox(shapes)
    if note:
        # the hold time sits above the top-left corner, where no limb is
        shapes.append(Text((bbox[0] + 2, bbox[3] + 4), note, TEXT_SIZE * 1.15, "#222222", "start", True, role="dose"))
        bbox = _bbox(shapes)
    bbox = (bbox[0] - MARGIN, bbox[1] - MARGIN, bbox[2] + MARGIN, bbox[3] + MARGIN)
    return Figure(ep.exercise_id, tuple(shapes), bbox, {"start": sc.start, "end": sc.end}, sc.surfaces, sc.angle, label)


def draw_frames(
    ep: ExercisePoses,
    *,
    hold_s: int | None = None,
    duration_s: int | None = None,
    angle_deg: float | None = None,
    label: str = "",
    language: str = "en",
) -> tuple[Figure, Figure]:
    """The start and the end of one exercise as two complete pictures with the same box (so the same scale
    when drawn at the same size). The arrow and the signs for the movement are on the start frame, pointing
    where the body goes; the hold time is on the end frame, the position that is held."""
    sc = _scene(ep, angle_deg)
    start_shapes = [*sc.behind_of("start"), *_body(sc.start, ghost=False, over_trunk=sc.over_trunk),
                    *_blades(ep, sc.start, False), *sc.front_of("start")]
    end_shapes = [*sc.behind_of("end"), *_body(sc.end, ghost=False, over_trunk=sc.over_trunk),
                  *_blades(ep, sc.end, True), *sc.front_of("end")]
    if not sc.same:
        start_shapes += _motion_arrow(sc.start, sc.end, ep)
    start_shapes += [s for m in ep.marks for s in _mark(m, sc.start)]
    end_shapes += [s for m in ep.marks if m.frame == "both" for s in _mark(m, sc.end)]
    start_shapes, end_shapes = _crop(ep, sc, start_shapes), _crop(ep, sc, end_shapes)
    content = _union(_bbox(start_shapes), _bbox(end_shapes))
    note = _dose_text(hold_s, duration_s, language) or (HOLD_WORD.get(language, "hold") if _held(ep) else "")
    size = TEXT_SIZE
    for _ in range(12):  # the words' size follows the box, and the words make the box a little larger
        words: list[Shape] = []
        if sc.angle is not None:
            words += _angle_sign(sc.surfaces["board"], sc.angle, size)
        box = _union(content, _bbox(words)) if words else content
        if note:
            words += _note(note, box, size)
        box = _union(box, _bbox(words)) if words else box
        box = (box[0] - MARGIN, box[1] - MARGIN, box[2] + MARGIN, box[3] + MARGIN)
        wanted = frame_label_size(box[2] - box[0], box[3] - box[1])
        if abs(wanted - size) < 0.05:
            break
        size = wanted
    angle_words = [w for w in words if w.role.startswith("angle")]
    note_words = [w for w in words if w.role.startswith("dose")]
    skeletons = {"start": sc.start, "end": sc.end}
    return (
        Figure(ep.exercise_id, tuple(start_shapes + angle_words), box, skeletons, sc.surfaces, sc.angle, label,
               frame="start"),
        Figure(ep.exercise_id, tuple(end_shapes + angle_words + note_words), box, skeletons, sc.surfaces, sc.angle,
               label, frame="end"),
    )


MIN_FRAME_WIDTH_MM = 40.0
"""A frame is drawn at least this wide in the handout (two side by side make the 80 mm the issue asks for)."""

MIN_FRAME_HEIGHT_MM = 40.0
"""... and, when its box is shorter than its own proportions, at least this tall."""

LABEL_PT = 11.0
"""Words in a frame drawn at the smallest size come out this large: at least 10 pt for older eyes, with room
for rounding (team-default: issue 14, nothing a patient reads under 10 pt)."""

_PT_PER_MM = 72.0 / 25.4


def frame_label_size(width_cm: float, height_cm: float) -> float:
    """The size (in the figure's cm) of words in a frame of this box, so that they come out LABEL_PT when the
    frame is drawn MIN_FRAME_WIDTH_MM wide or MIN_FRAME_HEIGHT_MM tall, whichever makes it smaller."""
    return LABEL_PT * max(width_cm / (MIN_FRAME_WIDTH_MM * _PT_PER_MM), height_cm / (MIN_FRAME_HEIGHT_MM * _PT_PER_MM))


HOLD_WORD = {"en": "hold", "ru": "удержание"}
"""The word under the stopwatch of a held position drawn without a dose (the contact sheet)."""


ISOMETRIC_DEG = 6.0
"""A press against the hand that moves no joint further than this is a held position too (the neck presses)."""


def _held(ep: ExercisePoses) -> bool:
    """A position held still for a time, or pressed without moving (not shaken, not breathed through): its end
    frame gets the stopwatch."""
    if any(m.kind in ("wiggle", "breath") for m in ep.marks):
        return False
    return ep.facts.held or max(joint_changes(ep).values()) <= ISOMETRIC_DEG


def _note(note: str, box: tuple[float, float, float, float], size: float) -> list[Shape]:
    """A stopwatch and the time above the top-left corner, where no limb is; on two lines when one line would
    widen the frame."""
    icon = size * 1.45  # the stopwatch's width, with the gap after it
    lines = [note]
    if 0.6 * size * len(note) + icon > box[2] - box[0] and " " in note:
        head, tail = note.split(" ", 1)
        lines = [head, tail]
    top = box[3] + 2 + size * 1.2 * len(lines)
    left = box[0] + 2
    words: list[Shape] = [Text((left + icon, top - size * 1.2 * (i + 1) + size * 0.25), line, size, "#222222",
                               "start", True, role="dose") for i, line in enumerate(lines)]
    return _stopwatch((left + size * 0.55, top - size * 0.62), size * 0.5) + words


def _stopwatch(centre: Point, r: float) -> list[Shape]:
    """A stopwatch: a ring with a hand at a quarter past and the button on top; what 'hold this long' looks like."""
    x, y = centre
    ink = "#222222"
    return [
        Line(((x, y + r), (x, y + r * 1.35)), r * 0.28, ink, role="dose-timer"),
        Line(((x - r * 0.3, y + r * 1.4), (x + r * 0.3, y + r * 1.4)), r * 0.28, ink, role="dose-timer"),
        Circle(centre, r, "#ffffff", ink, r * 0.22, role="dose-timer"),
        Line(((x, y), (x, y + r * 0.68)), r * 0.2, ink, role="dose-timer"),
        Line(((x, y), (x + r * 0.55, y)), r * 0.2, ink, role="dose-timer"),
    ]


UPPER_BODY_CUT_CM = 25.0
"""A picture cropped to the upper body ends this far below the hip joints (and what is behind it, a wall, 10 cm
above the head): the buttocks and the tops of the thighs show, so the figure still reads as standing, drawn about
half as large again as the whole body would be."""


def _crop(ep: ExercisePoses, sc: _Scene, shapes: list[Shape]) -> list[Shape]:
    """The shapes above the cut of an upper-body picture (lines and outlines cut where they cross it); all of them
    for a whole-body picture."""
    if ep.crop != "upper-body":
        return shapes
    cut = min(sc.start.points["hip"][1], sc.end.points["hip"][1]) - UPPER_BODY_CUT_CM
    top = max(sc.start.points["head"][1], sc.end.points["head"][1]) + HEAD_RADIUS_CM + 10.0
    out: list[Shape] = []
    for s in shapes:
        if isinstance(s, Line):
            out += [Line(tuple(run), s.width, s.color, s.role, s.dash) for run in _runs_above(s.points, cut)]
        elif isinstance(s, Polygon):  # the wall behind, too, ends a little above the head
            pts = _polygon_above(s.points, cut)
            pts = [(x, -y) for x, y in _polygon_above(tuple((x, -y) for x, y in pts), -top)] if pts else pts
            if len(pts) >= 3:
                out.append(Polygon(tuple(pts), s.fill, s.stroke, s.width, s.role))
        elif isinstance(s, Circle):
            if s.center[1] >= cut:
                out.append(s)
        else:
            out.append(s)
    return out


def _cross(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + (b[0] - a[0]) * t, y)


def _runs_above(points: tuple[Point, ...], y: float) -> list[list[Point]]:
    """The parts of a polyline above the height y."""
    runs: list[list[Point]] = []
    run: list[Point] = []
    for i, p in enumerate(points):
        if i and (points[i - 1][1] >= y) != (p[1] >= y):
            run.append(_cross(points[i - 1], p, y))
            if p[1] < y:
                runs.append(run)
                run = []
        if p[1] >= y:
            run.append(p)
    if run:
        runs.append(run)
    return [r for r in runs if len(r) >= 2]


def _polygon_above(points: tuple[Point, ...], y: float) -> list[Point]:
    """A polygon cut to the part above the height y (one clipping edge of Sutherland-Hodgman)."""
    out: list[Point] = []
    for i, p in enumerate(points):
        q = points[i - 1]
        if (q[1] >= y) != (p[1] >= y):
            out.append(_cross(q, p, y))
        if p[1] >= y:
            out.append(p)
    return out


def _union(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


#: Scenes already posed, by (the exercise's poses, the board angle): one exercise's thumbnail (the workbook) and
#: its two frames (the handout) share one. The poses are kept alive with their scene, so an id is not reused.
_SCENES: dict[tuple[int, float | None], tuple[ExercisePoses, _Scene]] = {}
_SCENES_SIZE = 256


def _scene(ep: ExercisePoses, angle_deg: float | None) -> _Scene:
    """The posed scene of an exercise (read-only: every drawing copies the shapes it takes from it)."""
    hit = _SCENES.get((id(ep), angle_deg))
    if hit is not None and hit[0] is ep:
        return hit[1]
    scene = _posed_scene(ep, angle_deg)
    if len(_SCENES) >= _SCENES_SIZE:
        _SCENES.clear()
    _SCENES[(id(ep), angle_deg)] = (ep, scene)
    return scene


def _posed_scene(ep: ExercisePoses, angle_deg: float | None) -> _Scene:
    """Pose both figures, set them onto their support and build the props around them."""
    angle = ep.angle(angle_deg) if "board" in ep.props else None
    start = _placed(ep.start, ep, angle)
    end = _placed(ep.end, ep, angle)
    start, end = _align(start, end, ep, angle)
    if ep.view != "side":
        return _scene_seen(ep, start, end)

    behind: list[Shape] = []
    front: list[Shape] = []
    over_trunk: list[Shape] = []
    surfaces: dict[str, tuple[Point, Point]] = {}
    all_pts = outline_points(start) + outline_points(end)
    xs = [p[0] - r for p, r in all_pts] + [p[0] + r for p, r in all_pts]
    x0, x1 = min(xs) - 10, max(xs) + 10
    floor_y = 0.0

    if ep.support == "inversion-table":
        return _table_scene(ep, start, end, x0, x1)
    if ep.support in ("bar", "bar-knees"):
        grip = grip_point(end, ep.support)
        floor_y = _bar_floor(ep, start, all_pts)
        bar = P.bar(grip, floor_y)
        behind += [s for s in bar if s.role != "bar"]
        front += [s for s in bar if s.role == "bar"]  # the bar shows in the gripping hand
        x0 = min(x0, grip[0] - 40)
    elif ep.support == "board":
        assert angle is not None
        surface, armpit_t = _board_geometry(end, angle)
        lowest = min([p[1] - r for p, r in all_pts] + [surface[0][1] - P.BOARD_THICKNESS_CM])
        floor_y = min(lowest - 6.0, surface[0][1] - P.BOARD_MIN_HEIGHT_CM)
        behind += P.board(surface, floor_y)
        strap = P.chest_strap(surface, armpit_t, THICKNESS_CM["thorax"] + 1.0)
        behind += [s for s in strap if s.role != "board-strap"]
        over_trunk += [s for s in strap if s.role == "board-strap"]
        surfaces["board"] = surface
        x0, x1 = min(x0, surface[0][0] - 40, surface[1][0] - 40), max(x1, surface[1][0] + 40, surface[0][0] + 40)
    elif ep.support == "chair":
        hip = end.points["hip"]
        sgn = 1 if ep.facing == "right" else -1
        seat_y = min(start.points["hip"][1], hip[1]) - THICKNESS_CM["pelvis"] / 2
        knee = end.points[f"knee_{NEAR_SIDE}"]
        behind += P.chair(hip[0] + sgn * min(abs(knee[0] - hip[0]) * 0.75, 34.0), seat_y, ep.facing)
        surfaces["chair"] = ((hip[0] - 20, seat_y), (hip[0] + 20, seat_y))
    if "mat" in ep.props:
        behind += P.mat(x0 + 4, x1 - 4, floor_y)
    if "wall" in ep.props:
        sgn = 1 if ep.facing == "right" else -1
        back = [p[0] - sgn * r for p, r in all_pts]
        wx = min(back) if sgn > 0 else max(back)
        behind += P.wall(wx, floor_y, floor_y + 200, ep.facing)
        x0, x1 = min(x0, wx - 10), max(x1, wx + 10)
    surfaces["floor"] = ((x0, floor_y), (x1, floor_y))
    return _Scene(start, end, [*P.floor(x0, x1, floor_y), *behind], front, over_trunk, surfaces, angle)


def _scene_seen(ep: ExercisePoses, start: Skeleton, end: Skeleton) -> _Scene:
    """The scene seen from the front, the back or from above: the figures turned to that view and simple props
    (the floor and mat, a chair, a wall behind, the bar). Surfaces stay in side-view coordinates (x, height)."""
    view = ep.view
    s_v, e_v = start.seen_from(view), end.seen_from(view)
    xs = [p[0] for sk in (s_v, e_v) for p in sk.points.values()]
    ys = [p[1] for sk in (s_v, e_v) for p in sk.points.values()]
    x0, x1 = min(xs) - 30, max(xs) + 30
    side_pts = outline_points(start) + outline_points(end)
    floor_y = 0.0
    behind: list[Shape] = []
    front: list[Shape] = []
    surfaces: dict[str, tuple[Point, Point]] = {}
    if ep.support in ("bar", "bar-knees"):
        floor_y = _bar_floor(ep, start, side_pts)
        grips = [_grip_side(e_v, s) for s in SIDES]
        gx0, gx1 = min(g[0] for g in grips) - 22, max(g[0] for g in grips) + 22
        gy = sum(g[1] for g in grips) / 2
        behind += [Line(((x, floor_y), (x, gy)), 3.0, "#8c8c8c", role="bar-post") for x in (gx0, gx1)]
        front.append(Line(((gx0, gy), (gx1, gy)), 2 * P.BAR_RADIUS_CM + 1.2, P.METAL, role="bar"))
        x0, x1 = min(x0, gx0 - 10), max(x1, gx1 + 10)
    if view == "top":
        y0, y1 = min(ys) - 22, max(ys) + 22
        fill, edge = (P.MAT_FILL, P.MAT_EDGE) if "mat" in ep.props else ("#f1f1f1", "#bdbdbd")
        behind.insert(0, Polygon(((x0, y0), (x1, y0), (x1, y1), (x0, y1)), fill, edge, P.PROP_LINE, role="mat-top"))
    elif view == "oblique" or view in ANGLED:
        behind.insert(0, _mat_seen_obliquely(ep, start, end, side_pts, view))
    else:
        if ep.support == "chair":
            seat_y = min(start.points["hip"][1], end.points["hip"][1]) - THICKNESS_CM["pelvis"] / 2
            behind += P.chair_front(sum(xs) / len(xs), seat_y, floor_y)
            surfaces["chair"] = ((end.points["hip"][0] - 20, seat_y), (end.points["hip"][0] + 20, seat_y))
        if "wall" in ep.props:
            behind.insert(0, Polygon(((x0, floor_y), (x1, floor_y), (x1, floor_y + 205), (x0, floor_y + 205)),
                                     P.WALL_FILL, None, 0, role="wall"))
        if "mat" in ep.props:
            behind += P.mat(x0 + 4, x1 - 4, floor_y)
        behind = [*P.floor(x0, x1, floor_y), *behind]
    sx = [p[0] for p, _ in side_pts]
    surfaces["floor"] = ((min(sx) - 10, floor_y), (max(sx) + 10, floor_y))
    return _Scene(s_v, e_v, behind, front, [], surfaces, None)


def _mat_seen_obliquely(ep: ExercisePoses, start: Skeleton, end: Skeleton, side_pts: list, view: str = "oblique"
                        ) -> Polygon:
    """The mat (or floor) seen obliquely from above: a parallelogram, its nearer edge lower."""
    zs = [p[2] for sk in (start, end) for p in sk.world.values()]
    xs = [p[0] for p, _ in side_pts]
    top = P.MAT_THICKNESS_CM if "mat" in ep.props else 0.0
    corners = [(x, top, z) for x, z in ((min(xs) - 6, min(zs) - 10), (max(xs) + 6, min(zs) - 10),
                                        (max(xs) + 6, max(zs) + 10), (min(xs) - 6, max(zs) + 10))]
    fill, edge = (P.MAT_FILL, P.MAT_EDGE) if "mat" in ep.props else ("#f1f1f1", "#bdbdbd")
    return Polygon(tuple(project(c, view) for c in corners), fill, edge, P.PROP_LINE, role="mat-top")


def _bar_floor(ep: ExercisePoses, start: Skeleton, all_pts: list[tuple[Point, float]]) -> float:
    """The floor under a bar: under the start's feet when the start stands, else clear of the hanging feet."""
    if ep.floor_at_start:
        return min(p[1] - r for p, r in outline_points(start))
    return min(p[1] - r for p, r in all_pts) - P.BAR_CLEARANCE_CM


def _grip_side(sk: Skeleton, side: str) -> Point:
    (wx, wy), (hx, hy) = sk.points[f"wrist_{side}"], sk.points[f"hand_{side}"]
    return (wx + (hx - wx) * 0.55, wy + (hy - wy) * 0.55)


# ---------------------------------------------------------------- placing the figure on its support


def _placed(pose: Pose, ep: ExercisePoses, angle: float | None) -> Skeleton:
    sk = solve(pose.joints, pose.tilt, pose.roll)
    if ep.facing == "left":
        sk = sk.mirrored()
    if ep.support in ("floor", "mat", "chair"):
        base = P.MAT_THICKNESS_CM if "mat" in ep.props else 0.0
        return sk.moved(0.0, base - min(p[1] - r for p, r in outline_points(sk)))
    if ep.support in ("bar", "bar-knees"):
        gx, gy = grip_point(sk, ep.support)
        return sk.moved(-gx, -gy)
    if ep.support == "inversion-table":  # the table's pivot, which stays still while the table turns, at the origin
        px, py = _table_at(sk)(P.PIVOT_ABOVE_HIP_CM, P.TABLE_SHAFT_CM)
        return sk.moved(-px, -py)
    assert angle is not None
    # Lying along the board head up: the board rises to the right, so the head goes to the right
    # (whatever way the pose faces), the body is turned by the board angle and rests on the surface.
    if sk.points["head"][0] < sk.points["hip"][0]:
        sk = sk.mirrored()
    sk = sk.rotated(angle)
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    nx, ny = -dy, dx
    lift = -min(p[0] * nx + p[1] * ny - r for p, r in outline_points(sk))
    return sk.moved(lift * nx, lift * ny)


def _align(start: Skeleton, end: Skeleton, ep: ExercisePoses, angle: float | None) -> tuple[Skeleton, Skeleton]:
    """Keep the anchor point still between start and end (the feet in a squat, the shoulders in the strap)."""
    if ep.support in ("bar", "bar-knees", "inversion-table"):
        return start, end
    if ep.support == "board":
        a = "shoulder"
        d = (math.cos(math.radians(angle or 0)), math.sin(math.radians(angle or 0)))
        shift = (end.points[a][0] - start.points[a][0]) * d[0] + (end.points[a][1] - start.points[a][1]) * d[1]
        return start.moved(shift * d[0], shift * d[1]), end
    (sx, _, sz), (ex, _, ez) = start.world[ep.anchor], end.world[ep.anchor]
    return start.moved(ex - sx, 0.0, ez - sz), end


def _board_geometry(sk: Skeleton, angle: float) -> tuple[tuple[Point, Point], float]:
    """The board surface line, ending a little past the head, and how far along it the armpits are."""
    d = (math.cos(math.radians(angle)), math.sin(math.radians(angle)))

    def along(p: Point) -> float:
        return p[0] * d[0] + p[1] * d[1]

    top = along(sk.points["head"]) + HEAD_RADIUS_CM + P.BOARD_HEAD_ROOM_CM
    start_t = top - P.BOARD_LENGTH_CM
    surface = P.board_line(angle, start_t)
    # the strap passes under the arms: just below the shoulder joint, towards the feet
    armpit_t = along(sk.points["shoulder"]) - P.ARMPIT_BELOW_SHOULDER_CM - start_t
    return surface, armpit_t


def _table_at(sk: Skeleton):
    """On an inversion table: a function (s, n) → the drawing's point s cm along the body from the hip towards the
    shoulders and n cm behind the line of the hips and shoulders (the figure lies straight with its back on it)."""
    (hx, hy), (sx, sy) = sk.points["hip"], sk.points["shoulder"]
    length = math.hypot(sx - hx, sy - hy)
    ux, uy = (sx - hx) / length, (sy - hy) / length
    bx, by = -sk.axes["pelvis"][0][0], -sk.axes["pelvis"][0][1]  # behind the back
    norm = math.hypot(bx, by)
    bx, by = bx / norm, by / norm
    return lambda s, n: (hx + ux * s + bx * n, hy + uy * s + by * n)


def _along(sk: Skeleton, p: Point) -> float:
    """How far a point lies along the body from the hip towards the shoulders (cm)."""
    (hx, hy), (sx, sy) = sk.points["hip"], sk.points["shoulder"]
    length = math.hypot(sx - hx, sy - hy)
    return ((p[0] - hx) * (sx - hx) + (p[1] - hy) * (sy - hy)) / length


def _table_scene(ep: ExercisePoses, start: Skeleton, end: Skeleton, x0: float, x1: float) -> _Scene:
    """An inversion table on its stand: the table turns with the body about the pivot (so each frame has its own
    table), the ankles locked in its holders; a helper stands beside it when the text asks for one."""
    own: dict[str, tuple[list[Shape], list[Shape]]] = {}
    surfaces: dict[str, tuple[Point, Point]] = {}
    for which, sk in (("start", start), ("end", end)):
        at = _table_at(sk)
        feet = [sk.points[f"{p}_{s}"] for p in ("heel", "toe") for s in SIDES]
        s_foot = min(_along(sk, p) for p in feet) - THICKNESS_CM["foot"] / 2
        s_head = _along(sk, sk.points["head"]) + HEAD_RADIUS_CM + 4
        s_ankle = sum(_along(sk, sk.points[f"ankle_{s}"]) for s in SIDES) / 2
        ahead = max(_ahead(sk, p) for p in feet) + 4
        behind, front = P.inversion_table(at, s_foot, s_head, s_ankle, ahead, THICKNESS_CM["shank"] / 2)
        own[which] = (behind, front)
        # the surfaces the body rests on, each drawn so that the body lies on its left (as the board's)
        surfaces[f"table-{which}"] = (at(s_head, P.TABLE_BACK_CM), at(-P.TABLE_PAD_BELOW_HIP_CM, P.TABLE_BACK_CM))
        surfaces[f"plate-{which}"] = (at(s_foot, P.TABLE_SHAFT_CM), at(s_foot, -ahead))
    tables = [s for which in own for part in own[which] for s in part]
    bodies = outline_points(start) + outline_points(end)
    floor_y = min(_bbox(tables)[1], min(p[1] - r for p, r in bodies)) - P.TABLE_FLOOR_CLEARANCE_CM
    behind_all: list[Shape] = P.inversion_stand(TABLE_PIVOT, floor_y)
    if ep.helper:
        helper = _helper(start, floor_y)
        behind_all = helper + behind_all
        x1 = max(x1, _bbox(helper)[2] + 10)
    x0, x1 = min(x0, TABLE_PIVOT[0] - 60), max(x1, TABLE_PIVOT[0] + 60)
    surfaces["floor"] = ((x0, floor_y), (x1, floor_y))
    return _Scene(start, end, [*P.floor(x0, x1, floor_y), *behind_all], [], [], surfaces, None, own)


def _ahead(sk: Skeleton, p: Point) -> float:
    """How far a point lies in front of the line of the hips and shoulders (cm)."""
    (hx, hy) = sk.points["hip"]
    fx, fy = sk.axes["pelvis"][0][0], sk.axes["pelvis"][0][1]
    norm = math.hypot(fx, fy)
    return ((p[0] - hx) * fx + (p[1] - hy) * fy) / norm


TABLE_PIVOT: Point = (0.0, 0.0)
"""An inversion table's pivot, where the figures are placed: it stays still while the table turns."""

HELPER_GAP_CM = 0.0
"""The helper's hands are held out this far in front of the front of the patient standing on the table (the toes
or the hands), near enough to steady the table."""


def _helper(start: Skeleton, floor_y: float) -> list[Shape]:
    """A second person standing beside the equipment, facing it with the hands held out, ready to help: drawn in
    grey behind everything else, so the patient stays the figure to copy."""
    joints = {"lumbar": 0, "neck": 0, "shoulder": 40, "elbow": 55, "wrist": 0, "hip": 0, "knee": 0, "ankle": 0}
    sk = solve({f"{j}_{s}" if j not in ("lumbar", "neck") else j: a for j, a in joints.items() for s in SIDES}, 0.0)
    sk = sk.mirrored()
    body_x = max(p[0] for p, r in outline_points(start))
    hand_x = min(sk.points[f"hand_{s}"][0] for s in SIDES)
    sk = sk.moved(body_x + HELPER_GAP_CM - hand_x, floor_y - min(p[1] - r for p, r in outline_points(sk)))
    return _body_side(sk, ghost=False, palette="helper")


# ---------------------------------------------------------------- the body


def _body(sk: Skeleton, ghost: bool, over_trunk: list[Shape] | None = None) -> list[Shape]:
    if sk.view != "side":
        return _body_seen(sk, ghost)
    return _body_side(sk, ghost, over_trunk)


def _depth(view: str, p: Vec) -> float:
    """How near a 3-D point is to the viewer."""
    if view == "oblique" or view in ANGLED:
        return sum(a * b for a, b in zip(p, OBLIQUE_TOWARDS if view == "oblique" else ANGLED[view][2]))
    return {"side": p[2], "front": p[0], "back": -p[0], "top": p[1]}[view]


_LIMBS = {f"{limb}_{s}": names for s in SIDES for limb, names in (
    ("arm", (f"upper_arm_{s}", f"forearm_{s}", f"hand_{s}")),
    ("leg", (f"thigh_{s}", f"shank_{s}", f"foot_{s}")),
)}


def _apparent_width(sk: Skeleton, part: str, a: Point, b: Point, thick: str) -> float:
    """How wide a part looks in the view: its depth and width across the drawn line (the trunk is wide from
    the front and narrow from the side; a limb is round)."""
    depth, width = THICKNESS_CM[thick], WIDTH_CM.get(thick, THICKNESS_CM[thick])
    if depth == width:
        return depth
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    n = (-dy / length, dx / length) if length > 1e-6 else (0.0, 1.0)
    f, left = (project(v, sk.view) for v in sk.axes[part])
    return 2 * math.hypot(depth / 2 * (f[0] * n[0] + f[1] * n[1]), width / 2 * (left[0] * n[0] + left[1] * n[1]))


def _body_seen(sk: Skeleton, ghost: bool) -> list[Shape]:
    """The body seen from the front, the back or from above: the trunk (with shoulders and head) and each limb
    as a layer, the farthest drawn first; limbs behind the trunk lighter."""
    pts, view = sk.points, sk.view
    role = "ghost" if ghost else "body"
    segs = {n: (pts[a], pts[b], _apparent_width(sk, n, pts[a], pts[b], t)) for n, a, b, t in PARTS}
    trunk = [segs["pelvis"], _chest_below_yoke(*segs["thorax"]), segs["neck"], *_yoke(pts)]
    trunk_depth = sum(_depth(view, sk.world[k]) for k in ("hip", "lumbar", "shoulder", "head")) / 4
    layers: list[tuple[float, list, bool, bool]] = [(trunk_depth, trunk, True, False)]
    for limb, names in _LIMBS.items():
        ends = [sk.world[p] for n, a, b, _ in PARTS if n in names for p in (a, b)]
        d = sum(_depth(view, p) for p in ends) / len(ends)
        if limb.startswith("arm"):  # an elbow raised towards the viewer brings its arm over the face
            d = max(d, _depth(view, sk.world[f"elbow_{limb[-1]}"]))
        layers.append((d + 3.0, [segs[n] for n in names], False, d < trunk_depth - 16.0))
    out: list[Shape] = []
    for _, parts, with_head, far in sorted(layers, key=lambda t: t[0]):
        fill, edge = STYLE[("ghost-" if ghost else "") + ("far" if far else "near")]
        for a, b, w in parts:
            out.append(Line((a, b), w + 2 * OUTLINE_CM, edge, role=f"{role}-outline"))
        if with_head:
            out.append(Circle(pts["head"], HEAD_RADIUS_CM + OUTLINE_CM, edge, role=f"{role}-outline"))
        for a, b, w in parts:
            out.append(Line((a, b), w, fill, role=role))
        if with_head:
            out.append(Circle(pts["head"], HEAD_RADIUS_CM, fill, role=f"{role}-head"))
            out += _face(sk, edge, role)
    return out


YOKE_CM = 12.0
"""How thick the line across the shoulders is drawn, seen from the front, the back or above."""


def _yoke(pts: dict[str, Point]) -> list[tuple[Point, Point, float]]:
    """The shoulders seen from the front, the back or above: from the base of the neck out to each shoulder, so a
    shoulder drawn up towards the ear slopes up on its own side (a shrug), the other staying level."""
    return [(pts["shoulder"], pts[f"shoulder_{s}"], YOKE_CM) for s in SIDES]


def _chest_below_yoke(lumbar: Point, shoulder: Point, width: float) -> tuple[Point, Point, float]:
    """The chest seen from the front, the back or above, ending where its round top meets the line of the
    shoulders (not a dome over the neck): the neck shows, and a shoulder drawn up stands above the other."""
    dx, dy = shoulder[0] - lumbar[0], shoulder[1] - lumbar[1]
    length = math.hypot(dx, dy)
    cut = min(max(0.0, width / 2 - YOKE_CM / 2), length * 0.5)
    if length < 1e-6:
        return lumbar, shoulder, width
    return lumbar, (shoulder[0] - dx / length * cut, shoulder[1] - dy / length * cut), width


BLADE_GAP_CM = {False: 9.0, True: 3.0}
"""How far each shoulder blade's inner edge lies from the spine, at rest and squeezed together (drawn, not
measured: the squeeze must read at handout size)."""


def _blades(ep: ExercisePoses, sk: Skeleton, together: bool) -> list[Shape]:
    """The two shoulder blades on the upper back, seen from behind, for a shoulder-blade squeeze: apart in the
    start frame, drawn together in the end frame (the body model has no shoulder blades of its own)."""
    if sk.view != "back" or not any(m.kind == "squeeze" for m in ep.marks):
        return []
    x, y = sk.points["shoulder"]
    gap, edge = BLADE_GAP_CM[together], STYLE["near"][1]
    out: list[Shape] = []
    for d in (-1, 1):
        corners = ((x + d * gap, y - 1), (x + d * (gap + 11), y), (x + d * (gap + 2), y - 14))
        out.append(Polygon(corners, BLADE_FILL, edge, OUTLINE_CM * 0.8, role="body-blade"))
    return out


def _face(sk: Skeleton, ink: str, role: str) -> list[Shape]:
    """Eyes and nose where the face looks towards the viewer, so a turned head reads as turned; none from behind."""
    face, left = sk.axes["head"]
    if _depth(sk.view, face) < -0.3:  # the back of the head: hair, so the figure reads as seen from behind
        # hair over the crown and the back of the head, the nape bare: it does not read as a dark face
        (hx, hy), (sx, sy) = sk.points["head"], sk.points["shoulder"]
        d = math.hypot(hx - sx, hy - sy) or 1.0
        k = HEAD_RADIUS_CM * 0.1 / d
        return [Circle((hx + (hx - sx) * k, hy + (hy - sy) * k), HEAD_RADIUS_CM * 0.95, HAIR, role=f"{role}-hair")]
    if _depth(sk.view, face) < 0.15:  # a face turned sideways: its nose, seen in profile at the head's edge
        fx, fy = project(face, sk.view)
        if math.hypot(fx, fy) < 0.6:
            return []
        cx, cy = sk.points["head"]
        k = HEAD_RADIUS_CM / math.hypot(fx, fy)
        return [Line(((cx + fx * k * 0.8, cy + fy * k * 0.8), (cx + fx * k * 1.15, cy + fy * k * 1.15)), 4.5, ink,
                     role=f"{role}-nose")]
    # the top of the head: the body's frame is left-handed (x forward, y up, z left), so up is left × face
    up = (left[1] * face[2] - left[2] * face[1], left[2] * face[0] - left[0] * face[2],
          left[0] * face[1] - left[1] * face[0])
    hx, hy, hz = sk.world["head"]
    r = HEAD_RADIUS_CM

    def at(f: float, l: float, u: float) -> Point:
        return project((hx + r * (f * face[0] + l * left[0] + u * up[0]), hy + r * (f * face[1] + l * left[1] + u * up[1]),
                        hz + r * (f * face[2] + l * left[2] + u * up[2])), sk.view)

    return _crown(sk, up, role) + [Circle(at(0.8, e, 0.12), 1.6, ink, role=f"{role}-eye") for e in (-0.38, 0.38)] + [
        Line((at(0.9, 0, 0.05), at(1.05, 0, -0.25)), 1.6, ink, role=f"{role}-nose")]


CROWN_SHOWS = 0.3
"""A bowed head whose crown turns this far (the cosine) towards the viewer shows its hair above the face: seen from
the front, the chin drawn down to the chest reads as such."""


def _crown(sk: Skeleton, up: Vec, role: str) -> list[Shape]:
    """Hair over the part of the head whose crown turns towards the viewer (a head bowed, seen from the front)."""
    c = _depth(sk.view, up)
    ux, uy = project(up, sk.view)
    if sk.view != "front" or c < CROWN_SHOWS or math.hypot(ux, uy) < 1e-6:
        return []
    r, (hx, hy) = HEAD_RADIUS_CM, sk.points["head"]
    centre = math.atan2(uy, ux)
    half = math.acos(max(-0.3, min(0.9, 1.0 - 1.6 * c)))  # the more the crown shows, the more hair
    arc = [(hx + r * math.cos(centre + half * k / 8), hy + r * math.sin(centre + half * k / 8)) for k in range(-8, 9)]
    return [Polygon(tuple(arc), HAIR, None, 0, role=f"{role}-hair")]


def _body_side(sk: Skeleton, ghost: bool, over_trunk: list[Shape] | None = None, palette: str = "") -> list[Shape]:
    """The body as rounded limbs: far limbs, then trunk and head, then the near leg and arm on top.

    Each layer draws all its outlines before its fills, so parts of one layer merge into one shape.
    `over_trunk` shapes (a chest strap) go over the trunk and under the near limbs. `palette` "helper" draws a
    second person (a helper) in grey."""
    far = "r" if NEAR_SIDE == "l" else "l"
    kind = f"{palette}-" if palette else "ghost-" if ghost else ""
    near_style, far_style = STYLE[kind + "near"], STYLE[kind + "far"]
    role = palette or ("ghost" if ghost else "body")
    pts = sk.points
    layers: list[tuple[list[tuple[tuple[Point, ...], float]], tuple[str, str], bool]] = []

    def parts(names: tuple[str, ...]) -> list[tuple[tuple[Point, ...], float]]:
        return [((pts[a], pts[b]), THICKNESS_CM[t]) for n, a, b, t in PARTS if n in names]

    layers.append((parts((f"upper_arm_{far}", f"forearm_{far}", f"hand_{far}")), far_style, False))
    layers.append((parts((f"thigh_{far}", f"shank_{far}", f"foot_{far}")), far_style, False))
    nose = (sk.points["head"], _towards(sk.points["head"], HEAD_RADIUS_CM + 1.6, sk.face_deg)), 5.0
    layers.append((_curved_back(sk) + parts(("neck",)) + [nose], near_style, True))
    layers.append((parts((f"thigh_{NEAR_SIDE}", f"shank_{NEAR_SIDE}", f"foot_{NEAR_SIDE}")), near_style, False))
    layers.append((parts((f"upper_arm_{NEAR_SIDE}", f"forearm_{NEAR_SIDE}", f"hand_{NEAR_SIDE}")), near_style, False))

    out: list[Shape] = []
    for segs, (fill, edge), with_head in layers:
        for line, w in segs:
            out.append(Line(line, w + 2 * OUTLINE_CM, edge, role=f"{role}-outline"))
        if with_head:
            out.append(Circle(pts["head"], HEAD_RADIUS_CM + OUTLINE_CM, edge, role=f"{role}-outline"))
        for line, w in segs:
            out.append(Line(line, w, fill, role=role))
        if with_head:
            out.append(Circle(pts["head"], HEAD_RADIUS_CM, fill, role=f"{role}-head"))
            out += over_trunk or []
    return out


SPINE_BOW = 2.0
"""How much the drawn back's curve is exaggerated past the body model's single lower-back hinge, seen from the
side: a rounded back (a hump) and a sagging one must read at handout size (the model's hinge alone hides inside
the trunk's thickness)."""


def _curved_back(sk: Skeleton) -> list[tuple[tuple[Point, ...], float]]:
    """Pelvis and chest as one smooth curve from the hip to the shoulder, bowed through the lower back."""
    pts = sk.points
    hip, lumbar, shoulder = pts["hip"], pts["lumbar"], pts["shoulder"]
    mid = ((hip[0] + shoulder[0]) / 2, (hip[1] + shoulder[1]) / 2)
    ctrl = (lumbar[0] + (lumbar[0] - mid[0]) * SPINE_BOW, lumbar[1] + (lumbar[1] - mid[1]) * SPINE_BOW)
    width = (THICKNESS_CM["pelvis"] + THICKNESS_CM["thorax"]) / 2
    # never bowed through the floor (a back arched lying face down keeps its belly on the mat)
    low = min(y for _, y in pts.values()) + width / 2 - 2
    curve = [(x, max(y, min(low, hip[1], lumbar[1], shoulder[1])))
             for x, y in (_bezier(hip, ctrl, shoulder, i / 8) for i in range(9))]
    return [(tuple(curve), width)]


def _towards(p: Point, length: float, deg: float) -> Point:
    return (p[0] + length * math.cos(math.radians(deg)), p[1] + length * math.sin(math.radians(deg)))


# ---------------------------------------------------------------- arrows, marks and words

_MOVERS = ("head", "shoulder", "hip", "lumbar") + tuple(
    f"{p}_{s}" for p in ("hand", "wrist", "elbow", "toe", "ankle", "knee") for s in SIDES
)


def _max_move(start: Skeleton, end: Skeleton) -> tuple[str, float]:
    best, dist = "hip", 0.0
    for name in _MOVERS:
        (ax, ay), (bx, by) = start.points[name], end.points[name]
        d = math.hypot(bx - ax, by - ay)
        if d > dist + 0.5:  # ties go to the point listed first (near side, trunk)
            best, dist = name, d
    return best, dist


def _motion_arrow(start: Skeleton, end: Skeleton, ep: ExercisePoses) -> list[Shape]:
    """A curved arrow from where the moving point starts to where it ends, bowed away from the body: the
    point poses.yaml names (`arrow:`), else the one that moves most. A short movement gets a short, clear arrow."""
    if ep.arrow == "none":
        return []
    if ep.support == "inversion-table":
        return _turn_arrow(start, end, ep.arrow or "head", TABLE_PIVOT)
    if ep.arrow:
        name = ep.arrow
        (ax, ay), (bx, by) = start.points[name], end.points[name]
        dist = math.hypot(bx - ax, by - ay)
        if dist < 1.0:
            return []
    else:
        name, dist = _max_move(start, end)
        if dist < MOVE_MIN_CM:
            return []
    a, b = start.points[name], end.points[name]
    if dist < MIN_ARROW_CM:  # lengthen it about its middle so it can be seen
        k = (MIN_ARROW_CM - dist) / 2 / dist
        a, b = (a[0] - (b[0] - a[0]) * k, a[1] - (b[1] - a[1]) * k), (b[0] + (b[0] - a[0]) * k, b[1] + (b[1] - a[1]) * k)
        dist = MIN_ARROW_CM
    cx = sum(x for x, _ in end.points.values()) / len(end.points)
    cy = sum(y for _, y in end.points.values()) / len(end.points)
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    nx, ny = -(b[1] - a[1]) / dist, (b[0] - a[0]) / dist
    if (mx - cx) * nx + (my - cy) * ny < 0:
        nx, ny = -nx, -ny
    bow = 0.25 * dist
    off = 14.0  # keep the arrow clear of the limb itself
    low = min(y for _, y in list(start.points.values()) + list(end.points.values()))
    if my + ny * (off + bow) < low and start.view != "top":  # never under the floor: over the moving part
        nx, ny = -nx, -ny
    ctrl = (mx + nx * (bow + off), my + ny * (bow + off))
    a2 = (a[0] + nx * off, a[1] + ny * off)
    b2 = (b[0] + nx * off, b[1] + ny * off)
    curve = [_bezier(a2, ctrl, b2, i / 16) for i in range(17)]
    return _arrow_shapes(curve, "motion")


TURN_ARROW_GAP_CM = 16.0
"""A turning arrow runs this far outside the path of the point it follows, clear of the head and the table."""


def _turn_arrow(start: Skeleton, end: Skeleton, name: str, pivot: Point) -> list[Shape]:
    """An arc about the pivot from where the point starts to where it ends, the way the table turns: the slow
    turn of the whole body, not a fall."""
    (ax, ay), (bx, by) = start.points[name], end.points[name]
    a0 = math.atan2(ay - pivot[1], ax - pivot[0])
    a1 = math.atan2(by - pivot[1], bx - pivot[0])
    sweep = (a1 - a0 + math.pi) % (2 * math.pi) - math.pi  # the shorter way round
    r = max(math.hypot(ax - pivot[0], ay - pivot[1]), math.hypot(bx - pivot[0], by - pivot[1])) + TURN_ARROW_GAP_CM
    curve = [(pivot[0] + r * math.cos(a0 + sweep * i / 24), pivot[1] + r * math.sin(a0 + sweep * i / 24))
             for i in range(25)]
    return _arrow_shapes(curve, "motion")


MIN_ARROW_CM = 24.0
"""The shortest movement arrow drawn: a small movement (the lower back sinking) still gets a visible one."""

ARROW_CM, ARROW_HEAD_CM = 3.2, 10.0
"""Arrow line width and head length (cm): bold enough to see when a frame is drawn 40 mm wide."""


def _bezier(a: Point, c: Point, b: Point, t: float) -> Point:
    u = 1 - t
    return (u * u * a[0] + 2 * u * t * c[0] + t * t * b[0], u * u * a[1] + 2 * u * t * c[1] + t * t * b[1])


def _arrow_shapes(curve: list[Point], role: str, width: float = ARROW_CM, head: float = ARROW_HEAD_CM) -> list[Shape]:
    (px, py), (qx, qy) = curve[-2], curve[-1]
    L = math.hypot(qx - px, qy - py) or 1.0
    ux, uy = (qx - px) / L, (qy - py) / L
    base = (qx - ux * head, qy - uy * head)
    tip = [(qx + ux * 1.5, qy + uy * 1.5), (base[0] - uy * head * 0.55, base[1] + ux * head * 0.55),
           (base[0] + uy * head * 0.55, base[1] - ux * head * 0.55)]
    return [Line(tuple(curve[:-1] + [base]), width, ACCENT, role=role), Polygon(tuple(tip), ACCENT, None, 0, role=role)]


def _mark(m: Mark, sk: Skeleton) -> list[Shape]:
    """Signs for movements a side view cannot show."""
    x, y = sk.points[m.at]
    if m.kind == "turn":
        # a flat ellipse around the body axis with an arrowhead: turning the head, trunk or knees (round the
        # crown for the head, so the face stays in sight)
        rx, ry = 20.0, 6.0
        if m.at == "head":
            y += HEAD_RADIUS_CM * 0.95
        curve = [(x + rx * math.cos(math.radians(t)), y + ry * math.sin(math.radians(t))) for t in range(200, 520, 20)]
        return _arrow_shapes(curve, "mark-turn", ARROW_CM * 0.8, ARROW_HEAD_CM * 0.8)
    if m.kind == "wiggle":
        pts = tuple((x - 21 + 6 * i, y + 18 + (5 if i % 2 else -5)) for i in range(8))
        return [Line(pts, ARROW_CM * 0.8, ACCENT, role="mark-wiggle")]
    if m.kind == "breath":
        return [
            Line(tuple((x - 8 + k * 8 + 4 * math.sin(i), y + 38 - i * 3.5) for i in range(6)), ARROW_CM * 0.6, ACCENT,
                 role="mark-breath")
            for k in range(3)
        ]
    if m.kind == "squeeze":  # two arrows pointing at each other: shoulder blades drawn together
        y -= 6  # on the blades, pointing at the spine
        return [s for d in (-1, 1) for s in _arrow_shapes([(x + d * (34 - 2 * i), y) for i in range(9)], "mark-squeeze",
                                                          ARROW_CM * 0.8, ARROW_HEAD_CM * 0.8)]
    step = {"up": (0, 1), "down": (0, -1), "forward": (1, 0), "back": (-1, 0)}[m.kind]
    side = (step[1], -step[0]) if step[0] == 0 else (0, 1)
    ox, oy = x + side[0] * 18 + (-14 if step[0] == 0 else 0), y + side[1] * 18
    if m.at == "head" and m.kind == "up":  # standing tall: the arrow rises from the top of the head
        ox, oy = x, y + HEAD_RADIUS_CM + 16
    curve = [(ox - step[0] * 10 + step[0] * 2.5 * i, oy - step[1] * 10 + step[1] * 2.5 * i) for i in range(9)]
    return _arrow_shapes(curve, f"mark-{m.kind}", ARROW_CM * 0.8, ARROW_HEAD_CM * 0.8)


def _angle_sign(surface: tuple[Point, Point], angle: float, size: float) -> list[Shape]:
    """An arc between the horizontal and the board at its lower end, with the angle written beside it."""
    (ax, ay), _ = surface
    r = 34.0
    out: list[Shape] = [Line(((ax, ay), (ax + r + 10, ay)), 0.8, "#555555", role="angle-ref", dash=(3, 2))]
    if angle > 0.5:
        arc = tuple((ax + r * math.cos(math.radians(t)), ay + r * math.sin(math.radians(t)))
                    for t in [angle * i / 12 for i in range(13)])
        out.append(Line(arc, 1.0, "#555555", role="angle-arc"))
    # written under the dashed line, where neither the board nor a limb can cover it at any angle
    out.append(Text((ax + r * 0.55, ay - size - 1.5), f"{angle:g}°", size, "#222222", "start", True, role="angle"))
    return out


def _dose_text(hold_s: int | None, duration_s: int | None, language: str = "en") -> str:
    if hold_s:
        return ("удержание " if language == "ru" else "hold ") + format_seconds(hold_s, language)
    if duration_s:
        return format_seconds(duration_s, language)
    return ""




def _bbox(shapes: list[Shape]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for s in shapes:
        if isinstance(s, (Line, Polygon)):
            w = getattr(s, "width", 0) / 2
            xs += [p[0] - w for p in s.points] + [p[0] + w for p in s.points]
            ys += [p[1] - w for p in s.points] + [p[1] + w for p in s.points]
        elif isinstance(s, Circle):
            xs += [s.center[0] - s.r, s.center[0] + s.r]
            ys += [s.center[1] - s.r, s.center[1] + s.r]
        elif isinstance(s, Text):
            w = text_width(s)
            left = {"start": 0.0, "middle": w / 2, "end": w}[s.anchor]
            xs += [s.pos[0] - left, s.pos[0] - left + w]
            ys += [s.pos[1] - 0.25 * s.size, s.pos[1] + s.size]
    return (min(xs), min(ys), max(xs), max(ys))
