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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Point = tuple[float, float]

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
on the floor in the prone back bends (cobra, press-up), where thoracic and lumbar spine add up."""

TILT_RANGE: tuple[float, float] = (-180, 180)

#: Joints that exist once on each side; a pose may give `hip: 90` to set both sides.
SIDED = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
JOINTS: tuple[str, ...] = ("lumbar", "neck") + tuple(f"{j}_{s}" for j in SIDED for s in SIDES)


def joint_range(joint: str) -> tuple[float, float]:
    """The range of a full joint name ('knee_l' → the knee's range)."""
    return JOINT_RANGES[joint.rsplit("_", 1)[0] if joint[-2:] in ("_l", "_r") else joint]


#: Drawn parts: (name, from point, to point, thickness key). Ends are names of solved points.
PARTS: tuple[tuple[str, str, str, str], ...] = (
    ("pelvis", "hip", "lumbar", "pelvis"),
    ("thorax", "lumbar", "shoulder", "thorax"),
    ("neck", "shoulder", "neck_top", "neck"),
    *(
        (f"{seg}_{s}", a.format(s=s), b.format(s=s), seg)
        for s in SIDES
        for seg, a, b in (
            ("thigh", "hip", "knee_{s}"),
            ("shank", "knee_{s}", "ankle_{s}"),
            ("foot", "heel_{s}", "toe_{s}"),
            ("upper_arm", "shoulder", "elbow_{s}"),
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
            ("thigh", "hip", "knee_{s}"),
            ("shank", "knee_{s}", "ankle_{s}"),
            ("upper_arm", "shoulder", "elbow_{s}"),
            ("forearm", "elbow_{s}", "wrist_{s}"),
            ("hand", "wrist_{s}", "hand_{s}"),
        )
    },
}


def _dir(deg: float) -> Point:
    r = math.radians(deg)
    return (math.cos(r), math.sin(r))


def _add(p: Point, length: float, deg: float) -> Point:
    d = _dir(deg)
    return (p[0] + length * d[0], p[1] + length * d[1])


@dataclass(frozen=True)
class Skeleton:
    """Solved joint positions of one pose, plus the direction the face looks (degrees)."""

    points: dict[str, Point]
    face_deg: float

    def moved(self, dx: float, dy: float) -> "Skeleton":
        return Skeleton({k: (x + dx, y + dy) for k, (x, y) in self.points.items()}, self.face_deg)

    def rotated(self, deg: float, about: Point = (0.0, 0.0)) -> "Skeleton":
        c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
        ax, ay = about
        pts = {
            k: (ax + (x - ax) * c - (y - ay) * s, ay + (x - ax) * s + (y - ay) * c) for k, (x, y) in self.points.items()
        }
        return Skeleton(pts, self.face_deg + deg)

    def mirrored(self) -> "Skeleton":
        """Flip left-right so the figure faces the other way (the near side stays near)."""
        return Skeleton({k: (-x, y) for k, (x, y) in self.points.items()}, 180.0 - self.face_deg)


def solve(joints: dict[str, float], tilt: float) -> Skeleton:
    """Joint angles → point positions, hip joint at the origin. `joints` must hold every name in JOINTS."""
    p: dict[str, Point] = {"hip": (0.0, 0.0)}
    a_pelvis = 90.0 - tilt
    p["lumbar"] = _add(p["hip"], SEGMENT_CM["pelvis"], a_pelvis)
    a_thorax = a_pelvis - joints["lumbar"]
    p["shoulder"] = _add(p["lumbar"], SEGMENT_CM["thorax"], a_thorax)
    a_neck = a_thorax - joints["neck"]
    p["neck_top"] = _add(p["shoulder"], SEGMENT_CM["neck"], a_neck)
    p["head"] = _add(p["neck_top"], HEAD_RADIUS_CM, a_neck)
    for s in SIDES:
        a_thigh = a_pelvis + 180.0 + joints[f"hip_{s}"]
        p[f"knee_{s}"] = _add(p["hip"], SEGMENT_CM["thigh"], a_thigh)
        a_shank = a_thigh - joints[f"knee_{s}"]
        p[f"ankle_{s}"] = _add(p[f"knee_{s}"], SEGMENT_CM["shank"], a_shank)
        a_foot = a_shank + 90.0 + joints[f"ankle_{s}"]
        heel = _add(p[f"ankle_{s}"], SEGMENT_CM["ankle_height"], a_shank)
        p[f"heel_{s}"] = _add(heel, -HEEL_BEHIND_ANKLE_CM, a_foot)
        p[f"toe_{s}"] = _add(p[f"heel_{s}"], SEGMENT_CM["foot"], a_foot)
        a_upper = a_thorax + 180.0 + joints[f"shoulder_{s}"]
        p[f"elbow_{s}"] = _add(p["shoulder"], SEGMENT_CM["upper_arm"], a_upper)
        a_fore = a_upper + joints[f"elbow_{s}"]
        p[f"wrist_{s}"] = _add(p[f"elbow_{s}"], SEGMENT_CM["forearm"], a_fore)
        p[f"hand_{s}"] = _add(p[f"wrist_{s}"], SEGMENT_CM["hand"], a_fore + joints[f"wrist_{s}"])
    return Skeleton(p, a_neck - 90.0)


def outline_points(sk: Skeleton, step_cm: float = 4.0) -> list[tuple[Point, float]]:
    """Points along every drawn part with the part's half-thickness: the figure's outer edge.

    Used to set the figure onto a surface (nothing may sink into the floor or the board) and by the
    tests that check it."""
    out: list[tuple[Point, float]] = [(sk.points["head"], HEAD_RADIUS_CM)]
    for _name, a, b, thick in PARTS:
        (x0, y0), (x1, y1) = sk.points[a], sk.points[b]
        n = max(1, int(math.hypot(x1 - x0, y1 - y0) / step_cm))
        r = THICKNESS_CM[thick] / 2
        out += [((x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n), r) for i in range(n + 1)]
    return out
