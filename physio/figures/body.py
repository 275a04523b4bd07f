"""The 2-D body model: segments of constant length in adult proportions, posed by joint angles.

The figure is drawn from the side (the sagittal plane). Standing upright it faces right (+x); its left
side is the near side and its right limbs are the far ones, drawn lighter. Units are centimetres with
y pointing up; the hip joint is the origin until the figure is set onto its support.

Angle conventions (degrees):
  tilt           the pelvis from upright, forward positive: 0 standing, 90 lying face down (head right),
                 -90 lying on the back (head left), 180 upside down
  lumbar, neck   flexion (bending forward) positive, extension (bending back) negative
  shoulder, hip  flexion (limb forward / up) positive, extension (limb backward) negative
  elbow, knee    flexion positive (0 = straight)
  ankle          dorsiflexion (toes towards the shin) positive, pointing the toes negative
  wrist          extension (back of the hand towards the forearm, as with a palm flat on the floor) positive

What a side view cannot show is posed in three dimensions (all optional, 0 when left out):
  roll                  the whole body turned about its long axis, to its left positive (knees dropping to
                        the left when lying on the back)
  lumbar_side, neck_side   bending sideways, to the left positive
  lumbar_turn, neck_turn   turning, to the left positive (the chest or the face turns to the left)
  shoulder_abd, hip_abd    the limb out to the side (abduction) positive, across the body negative
  shoulder_rot, hip_rot    outward (external) rotation positive, inward negative
  shoulder_lift         the shoulder drawn up towards the ear (a shrug) positive, down negative
The body is solved in 3-D (x forward when standing, y up, z to the figure's left, which is towards the
viewer of the side view) and then seen from the side, the front, the back or from above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

Point = tuple[float, float]
Vec = tuple[float, float, float]

HEIGHT_CM = 170.0
"""Body height of the drawn adult.

Why: a round adult height; every segment below is a fraction of it, so the figure keeps adult
proportions whatever the height."""

# Segment lengths as fractions of body height, from the anthropometric table of Drillis & Contini
# (1966) as given by D. A. Winter, Biomechanics and Motor Control of Human Movement, 4th ed. (2009),
# fig. 4.1: shoulder 0.818 H, hip (greater trochanter) 0.530 H, knee 0.285 H, ankle 0.039 H,
# chin 0.870 H, upper arm 0.186 H, forearm 0.146 H, hand 0.108 H, foot length 0.152 H.
SEGMENT_FRACTIONS: dict[str, float] = {
    "pelvis": 0.090,  # hip joint to the lumbar curve; pelvis + thorax = 0.818 - 0.530
    "thorax": 0.198,
    "neck": 0.052,  # shoulder line to chin: 0.870 - 0.818
    "head": 0.130,  # chin to the top of the head: 1.000 - 0.870
    "upper_arm": 0.186,
    "forearm": 0.146,
    "hand": 0.108,
    "thigh": 0.245,  # 0.530 - 0.285
    "shank": 0.246,  # 0.285 - 0.039
    "ankle_height": 0.039,
    "foot": 0.152,
}
"""Winter (2009) after Drillis & Contini (1966): segment lengths in fractions of body height H.

Why: published adult proportions, so the figure looks like an adult and never changes size between
poses; the fractions add up to exactly one body height standing."""

SEGMENT_CM: dict[str, float] = {k: v * HEIGHT_CM for k, v in SEGMENT_FRACTIONS.items()}

HEEL_BEHIND_ANKLE_CM = 0.03 * HEIGHT_CM
"""How far the back of the heel lies behind the ankle joint (about a fifth of the foot length)."""

#: Side-view thickness (stroke width, cm) of each drawn part; roughly an adult's body depth.
THICKNESS_CM: dict[str, float] = {
    "pelvis": 20.0,
    "thorax": 21.0,
    "neck": 10.0,
    "upper_arm": 8.5,
    "forearm": 7.0,
    "hand": 5.0,
    "thigh": 14.0,
    "shank": 10.0,
    "foot": 6.0,
}
#: Front-view width (cm) of the parts that are not round: the trunk is wider than it is deep.
WIDTH_CM: dict[str, float] = {"pelvis": 32.0, "thorax": 30.0, "neck": 11.0, "hand": 8.0, "foot": 9.0}
"""Body widths seen from the front or from above (Winter 2009, after Drillis & Contini: hip width 0.191 H,
chest about 0.17 H); the limbs are drawn round."""

#: Half the trunk's width at its side (cm), what it rests on lying on its side: the hips reach past the
#: hip joints and the thighs; the chest's side is rounder than its front.
SIDE_HALF_CM = {"pelvis": 16.5, "thorax": 11.0}

SHOULDER_HALF_CM = 0.100 * HEIGHT_CM
"""Half the distance between the shoulder joints (biacromial width 0.259 H less the deltoids)."""

HIP_HALF_CM = 0.050 * HEIGHT_CM
"""Half the distance between the hip joints (about a tenth of body height apart)."""

HEAD_RADIUS_CM = SEGMENT_CM["head"] / 2

SIDES = ("l", "r")
NEAR_SIDE = "l"
"""The figure faces right, so the viewer sees its left side: left limbs are near, right limbs far."""

#: Joint ranges (min, max) in degrees, with the sign conventions of the module docstring.
JOINT_RANGES: dict[str, tuple[float, float]] = {
    "lumbar": (-70, 90),
    "neck": (-60, 50),
    "shoulder": (-90, 180),
    "elbow": (0, 150),
    "wrist": (-80, 90),
    "hip": (-30, 150),
    "knee": (0, 160),
    "ankle": (-70, 30),
    "lumbar_side": (-40, 40),
    "lumbar_turn": (-60, 60),
    "neck_side": (-45, 45),
    "neck_turn": (-80, 80),
    "shoulder_abd": (-40, 180),
    "shoulder_rot": (-90, 90),
    "hip_abd": (-30, 50),
    "hip_rot": (-45, 60),
    "shoulder_lift": (-10, 45),
}
"""Allowed joint ranges of motion (degrees).

Why: a pose outside what an adult joint can do is a mistake in poses.yaml. Based on the AAOS normal
ranges (Greene & Heckman, The Clinical Measurement of Joint Motion, 1994): shoulder flexion 180 /
extension 60 (90 allowed with the hands on the floor behind the body, as in the table-top lift), elbow 150, wrist flexion 80 / extension 70 (90 allowed for a palm flat on the floor),
hip flexion 120 (up to 150 passively with the knee bent, as in child's pose and knees-to-chest) /
extension 30, knee 135-160, ankle dorsiflexion 20 (30 allowed for a squat with the knee bent) /
plantarflexion 50 (70 allowed: the ankle plus the midfoot when kneeling on the top of the foot),
neck flexion 45-50 / extension 60. 'lumbar' lumps thoracic and lumbar spine
together: flexion 80-90; extension 25-30 when measured standing, but up to about 70 with the pelvis
on the floor in the prone back bends (cobra, press-up), where thoracic and lumbar spine add up. Side bend
35-40 and rotation 45-60 to each side (thoracic and lumbar together), neck side bend 45 / rotation 80, shoulder
abduction 180 / adduction across the body 40 / rotation 90 each way, hip abduction 45-50 / adduction 30 /
internal rotation 45 / external rotation 45 (60 allowed: the legs dropped to the side lying on the back),
shoulder-girdle elevation up to about 45 (a shrug lifts the shoulder joint 10-12 cm)."""

TILT_RANGE: tuple[float, float] = (-180, 180)

#: Joints that exist once on each side; a pose may give `hip: 90` to set both sides.
SIDED = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "shoulder_abd", "shoulder_rot", "shoulder_lift", "hip_abd",
         "hip_rot")
REQUIRED_JOINTS: tuple[str, ...] = ("lumbar", "neck") + tuple(
    f"{j}_{s}" for j in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle") for s in SIDES
)
"""The side-view joints every pose sets (through its posture)."""
OPTIONAL_JOINTS: tuple[str, ...] = ("lumbar_side", "lumbar_turn", "neck_side", "neck_turn") + tuple(
    f"{j}_{s}" for j in ("shoulder_abd", "shoulder_rot", "shoulder_lift", "hip_abd", "hip_rot") for s in SIDES
)
"""The joints only the front, back or top view shows: 0 (neutral) unless a pose sets them."""
JOINTS: tuple[str, ...] = REQUIRED_JOINTS + OPTIONAL_JOINTS


def joint_range(joint: str) -> tuple[float, float]:
    """The range of a full joint name ('knee_l' → the knee's range)."""
    return JOINT_RANGES[joint[:-2] if joint[-2:] in ("_l", "_r") else joint]


#: Drawn parts: (name, from point, to point, thickness key). Ends are names of solved points.
PARTS: tuple[tuple[str, str, str, str], ...] = (
    ("pelvis", "hip", "lumbar", "pelvis"),
    ("thorax", "lumbar", "shoulder", "thorax"),
    ("neck", "shoulder", "neck_top", "neck"),
    *(
        (f"{seg}_{s}", a.format(s=s), b.format(s=s), seg)
        for s in SIDES
        for seg, a, b in (
            ("thigh", "hip_{s}", "knee_{s}"),
            ("shank", "knee_{s}", "ankle_{s}"),
            ("foot", "heel_{s}", "toe_{s}"),
            ("upper_arm", "shoulder_{s}", "elbow_{s}"),
            ("forearm", "elbow_{s}", "wrist_{s}"),
            ("hand", "wrist_{s}", "hand_{s}"),
        )
    ),
)

#: The segments whose length must stay constant between poses: name → (point a, point b, length).
RIGID: dict[str, tuple[str, str, float]] = {
    "pelvis": ("hip", "lumbar", SEGMENT_CM["pelvis"]),
    "thorax": ("lumbar", "shoulder", SEGMENT_CM["thorax"]),
    "neck": ("shoulder", "neck_top", SEGMENT_CM["neck"]),
    **{
        f"{seg}_{s}": (a.format(s=s), b.format(s=s), SEGMENT_CM[seg])
        for s in SIDES
        for seg, a, b in (
            ("thigh", "hip_{s}", "knee_{s}"),
            ("shank", "knee_{s}", "ankle_{s}"),
            ("upper_arm", "shoulder_{s}", "elbow_{s}"),
            ("forearm", "elbow_{s}", "wrist_{s}"),
            ("hand", "wrist_{s}", "hand_{s}"),
        )
    },
}


# ---------------------------------------------------------------- 3-D rotations


Mat = tuple[Vec, Vec, Vec]
_UP: Vec = (0.0, 1.0, 0.0)
_DOWN: Vec = (0.0, -1.0, 0.0)
_FRONT: Vec = (1.0, 0.0, 0.0)
_LEFT: Vec = (0.0, 0.0, 1.0)


def _rot(axis: int, deg: float) -> Mat:
    """Rotation by deg about the x (0), y (1) or z (2) axis, counter-clockwise looking down the axis."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    if axis == 0:
        return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))
    if axis == 1:
        return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))


def _mul(a: Mat, b: Mat) -> Mat:
    return tuple(tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3))  # type: ignore[return-value]


def _chain(m: Mat, *rots: tuple[int, float]) -> Mat:
    for axis, deg in rots:
        if deg:
            m = _mul(m, _rot(axis, deg))
    return m


def _apply(m: Mat, v: Vec) -> Vec:
    return (m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
            m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
            m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2])


def _go(p: Vec, m: Mat, length: float, v: Vec = _DOWN) -> Vec:
    d = _apply(m, v)
    return (p[0] + length * d[0], p[1] + length * d[1], p[2] + length * d[2])


# ---------------------------------------------------------------- the solved skeleton and its views

VIEWS = ("side", "front", "back", "top", "oblique", "side-above", "head-above", "feet-above", "front-side")

OBLIQUE_ELEVATION_DEG = 30.0
OBLIQUE_AZIMUTH_DEG = 25.0
"""The 'oblique' view looks at the figure from in front (from beyond the feet of a figure lying on its back), this
far above the floor and this far round towards its left side: knees bent up show as a bend, legs dropped to one
side, arms out to the sides and a turned chest all show, and the head stays visible behind the chest."""
_E, _A = math.radians(OBLIQUE_ELEVATION_DEG), math.radians(OBLIQUE_AZIMUTH_DEG)
OBLIQUE_UP: Vec = (-math.cos(_A) * math.sin(_E), math.cos(_E), -math.sin(_A) * math.sin(_E))
OBLIQUE_RIGHT: Vec = (-math.sin(_A), 0.0, math.cos(_A))
OBLIQUE_TOWARDS: Vec = (math.cos(_E) * math.cos(_A), math.sin(_E), math.cos(_E) * math.sin(_A))
"""Up and right on the page, and towards the viewer, in 3-D for the 'oblique' view."""

ANGLED_VIEWS: dict[str, tuple[float, float]] = {"side-above": (40.0, 20.0), "head-above": (35.0, -45.0),
                                               "feet-above": (50.0, 90.0), "front-side": (8.0, 55.0)}
"""Views from above at an angle, as (elevation above the floor, turn from the figure's left side towards where its
feet point lying down, or where it faces standing; negative: towards its head), in degrees:
  side-above  from its left, a little towards the feet: the height of bent-up knees and where they fall sideways
              both show (the mat a slanting floor); sitting, a lean with a straight back and the legs wide apart;
  head-above  from above, diagonally beyond the head of a figure lying on its back: raised legs are drawn at their
              full length, so both their height and how far apart they are (or crossed) show;
  feet-above  from beyond its feet, high up: elbows or palms held in front of the body and the soles together
              with the knees out, none of them hidden by the legs;
  front-side  from the front, a little to its left and nearly level: arms raised in a V and the heels lifted.
Like the side view and the view from above, they draw the near limbs as the figure's left (a mirror image)."""


def _angled(view: str) -> tuple[Vec, Vec, Vec]:
    """Up and right on the page, and towards the viewer, in 3-D for an angled view."""
    e, a = (math.radians(d) for d in ANGLED_VIEWS[view])
    return ((-math.sin(a) * math.sin(e), math.cos(e), -math.cos(a) * math.sin(e)), (math.cos(a), 0.0, -math.sin(a)),
            (math.sin(a) * math.cos(e), math.sin(e), math.cos(a) * math.cos(e)))


ANGLED: dict[str, tuple[Vec, Vec, Vec]] = {v: _angled(v) for v in ANGLED_VIEWS}


def project(p: Vec, view: str) -> Point:
    """A 3-D point as seen from the side (the figure's left), the front, the back, from above, obliquely or from
    above at an angle."""
    x, y, z = p
    if view == "side":
        return (x, y)
    # z is the figure's left, towards the viewer of the side view (a side view cannot tell a mirror image;
    # the other views must, so they place the left where a person looking at the figure sees it)
    if view == "front":  # looking at the figure's face: its left is on the viewer's right
        return (z, y)
    if view == "back":
        return (-z, y)
    if view in ANGLED:  # from above at an angle
        (ux, uy, uz), (rx, ry, rz), _ = ANGLED[view]
        return (rx * x + ry * y + rz * z, ux * x + uy * y + uz * z)
    if view == "oblique":  # from in front, a little to the left and above
        (ux, uy, uz), (rx, ry, rz) = OBLIQUE_UP, OBLIQUE_RIGHT
        return (rx * x + ry * y + rz * z, ux * x + uy * y + uz * z)
    return (x, z)  # from above: lying on the back with the head to the left, its left side is at the top


@dataclass(frozen=True)
class Skeleton:
    """Solved joint positions of one pose as drawn (`points`, 2-D in `view`), the direction the face looks in
    that view (degrees), and the pose in 3-D (`world`) with each part's front and left directions (`axes`)."""

    points: dict[str, Point]
    face_deg: float
    world: dict[str, Vec] = field(default_factory=dict)
    axes: dict[str, tuple[Vec, Vec]] = field(default_factory=dict)
    view: str = "side"

    @classmethod
    def of(cls, world: dict[str, Vec], axes: dict[str, tuple[Vec, Vec]], view: str = "side") -> "Skeleton":
        pts = {k: project(v, view) for k, v in world.items()}
        face = axes["head"][0]
        fx, fy = project(face, view)
        return cls(pts, math.degrees(math.atan2(fy, fx)) if abs(fx) + abs(fy) > 1e-9 else -90.0, world, axes, view)

    def seen_from(self, view: str) -> "Skeleton":
        return Skeleton.of(self.world, self.axes, view)

    def _mapped(self, f, g) -> "Skeleton":
        world = {k: f(v) for k, v in self.world.items()}
        axes = {k: (g(a), g(b)) for k, (a, b) in self.axes.items()}
        return Skeleton.of(world, axes, self.view)

    def moved(self, dx: float, dy: float, dz: float = 0.0) -> "Skeleton":
        return self._mapped(lambda v: (v[0] + dx, v[1] + dy, v[2] + dz), lambda v: v)

    def rotated(self, deg: float, about: Point = (0.0, 0.0)) -> "Skeleton":
        """Turned in the side view's plane (about the z axis) by deg, counter-clockwise."""
        c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
        ax, ay = about
        return self._mapped(
            lambda v: (ax + (v[0] - ax) * c - (v[1] - ay) * s, ay + (v[0] - ax) * s + (v[1] - ay) * c, v[2]),
            lambda v: (v[0] * c - v[1] * s, v[0] * s + v[1] * c, v[2]),
        )

    def mirrored(self) -> "Skeleton":
        """Flip front-back so the figure faces the other way in the side view (the near side stays near)."""
        return self._mapped(lambda v: (-v[0], v[1], v[2]), lambda v: (-v[0], v[1], v[2]))


def solve(joints: dict[str, float], tilt: float, roll: float = 0.0) -> Skeleton:
    """Joint angles → 3-D point positions, hip joint at the origin, seen from the side. `joints` must hold every
    name in REQUIRED_JOINTS; the OPTIONAL_JOINTS default to 0."""
    j = {**{n: 0.0 for n in OPTIONAL_JOINTS}, **joints}
    w: dict[str, Vec] = {"hip": (0.0, 0.0, 0.0)}
    axes: dict[str, tuple[Vec, Vec]] = {}

    def frame(name: str, m: Mat) -> None:
        axes[name] = (_apply(m, _FRONT), _apply(m, _LEFT))

    pelvis = _chain(_rot(2, -tilt), (1, -roll))
    frame("pelvis", pelvis)
    w["lumbar"] = _go(w["hip"], pelvis, SEGMENT_CM["pelvis"], _UP)
    thorax = _chain(pelvis, (2, -j["lumbar"]), (0, j["lumbar_side"]), (1, -j["lumbar_turn"]))
    frame("thorax", thorax)
    w["shoulder"] = _go(w["lumbar"], thorax, SEGMENT_CM["thorax"], _UP)
    neck = _chain(thorax, (2, -j["neck"]), (0, j["neck_side"]), (1, -j["neck_turn"]))
    frame("neck", neck)
    frame("head", neck)
    w["neck_top"] = _go(w["shoulder"], neck, SEGMENT_CM["neck"], _UP)
    w["head"] = _go(w["neck_top"], neck, HEAD_RADIUS_CM, _UP)
    for s in SIDES:
        sign = 1.0 if s == "l" else -1.0
        w[f"hip_{s}"] = _go(w["hip"], pelvis, HIP_HALF_CM * sign, _LEFT)
        lift = math.radians(j[f"shoulder_lift_{s}"])
        w[f"shoulder_{s}"] = _go(w["shoulder"], thorax, SHOULDER_HALF_CM, (0.0, math.sin(lift), sign * math.cos(lift)))
        thigh = _chain(pelvis, (2, j[f"hip_{s}"]), (0, -sign * j[f"hip_abd_{s}"]), (1, -sign * j[f"hip_rot_{s}"]))
        frame(f"thigh_{s}", thigh)
        w[f"knee_{s}"] = _go(w[f"hip_{s}"], thigh, SEGMENT_CM["thigh"])
        shank = _chain(thigh, (2, -j[f"knee_{s}"]))
        frame(f"shank_{s}", shank)
        w[f"ankle_{s}"] = _go(w[f"knee_{s}"], shank, SEGMENT_CM["shank"])
        foot = _chain(shank, (2, 90.0 + j[f"ankle_{s}"]))
        sole = _chain(shank, (2, j[f"ankle_{s}"]))
        axes[f"foot_{s}"] = (_apply(sole, _UP), _apply(sole, _LEFT))  # the foot is thin from sole to instep
        heel = _go(w[f"ankle_{s}"], shank, SEGMENT_CM["ankle_height"])
        w[f"heel_{s}"] = _go(heel, foot, -HEEL_BEHIND_ANKLE_CM)
        w[f"toe_{s}"] = _go(w[f"heel_{s}"], foot, SEGMENT_CM["foot"])
        upper = _chain(thorax, (0, -sign * j[f"shoulder_abd_{s}"]), (2, j[f"shoulder_{s}"]),
                       (1, -sign * j[f"shoulder_rot_{s}"]))
        frame(f"upper_arm_{s}", upper)
        w[f"elbow_{s}"] = _go(w[f"shoulder_{s}"], upper, SEGMENT_CM["upper_arm"])
        fore = _chain(upper, (2, j[f"elbow_{s}"]))
        frame(f"forearm_{s}", fore)
        w[f"wrist_{s}"] = _go(w[f"elbow_{s}"], fore, SEGMENT_CM["forearm"])
        hand = _chain(fore, (2, j[f"wrist_{s}"]))
        frame(f"hand_{s}", hand)
        w[f"hand_{s}"] = _go(w[f"wrist_{s}"], hand, SEGMENT_CM["hand"])
    return Skeleton.of(w, axes)


def outline_points(sk: Skeleton, step_cm: float = 4.0) -> list[tuple[Point, float]]:
    """Points along every drawn part with the part's half-thickness: the figure's outer edge in the side
    view (its depth), whatever view `sk` is drawn in.

    Used to set the figure onto a surface (nothing may sink into the floor or the board) and by the
    tests that check it."""
    pts = sk.points if sk.view == "side" else {k: (v[0], v[1]) for k, v in sk.world.items()}
    out: list[tuple[Point, float]] = [(pts["head"], HEAD_RADIUS_CM)]
    for name, a, b, thick in PARTS:
        (x0, y0), (x1, y1) = pts[a], pts[b]
        n = max(1, int(math.hypot(x1 - x0, y1 - y0) / step_cm))
        r = part_radius(sk, name, thick)
        out += [((x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n), r) for i in range(n + 1)]
    return out


def part_radius(sk: Skeleton, name: str, thick: str) -> float:
    """How far a part reaches up or down from its axis: half its depth, or more when the wide trunk is turned
    on its side (the pelvis of knees dropped to one side rests on its side, not on the legs)."""
    r = THICKNESS_CM[thick] / 2
    if thick in ("pelvis", "thorax") and name in sk.axes:
        r = max(r, SIDE_HALF_CM[thick] * abs(sk.axes[name][1][1]))
    return r


def grip_point(sk: Skeleton, support: str) -> Point:
    """Where the bar is held: in the near hand's palm, or behind the near knee."""
    if support == "bar-knees":
        return sk.points[f"knee_{NEAR_SIDE}"]
    (wx, wy), (hx, hy) = sk.points[f"wrist_{NEAR_SIDE}"], sk.points[f"hand_{NEAR_SIDE}"]
    return (wx + (hx - wx) * 0.55, wy + (hy - wy) * 0.55)
