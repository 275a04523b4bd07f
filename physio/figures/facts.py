"""Facts read back from a drawn exercise, to check a picture against its words (poses.yaml `moves`, `touches`,
`hands`): which joint moves most, what rests on the support, where the hands are.

All in 3-D (the skeleton's `world`), so a picture seen from the front or from above is checked the same way.
"""

from __future__ import annotations

import math

from .body import HEAD_RADIUS_CM, PARTS, SIDES, THICKNESS_CM, Skeleton, Vec, part_radius
from .body import grip_point
from .poses import ExercisePoses, joint_changes  # noqa: F401 (joint_changes: tests find it here too)
from .props import BAR_RADIUS_CM, MAT_THICKNESS_CM
from .shapes import Figure

CONTACT_CM = 4.0
"""A part whose surface is this close to a support rests on it: less than a millimetre in a frame drawn 40 mm
wide, hidden by the outline (the body is drawn as straight tubes, so a lying trunk and its limbs cannot all be
flat on the floor at once)."""

#: Part names → the touch word they count for (knees and toes are found separately).
_REGION = {"head": "head", "upper_arm": "arms", "forearm": "arms", "hand": "hands", "thigh": "legs", "shank": "legs",
           "foot": "feet"}


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _dist(a: Vec, b: Vec) -> float:
    return math.dist(a, b)


def _samples(sk: Skeleton, a: str, b: str, n: int = 10) -> list[Vec]:
    (x0, y0, z0), (x1, y1, z1) = sk.world[a], sk.world[b]
    return [(x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n, z0 + (z1 - z0) * i / n) for i in range(n + 1)]


def support_gaps(fig: Figure, ep: ExercisePoses, which: str = ""):
    """A function: 3-D point and radius → how far its surface is above the nearest support it could rest on in
    frame `which` (default: the figure's own frame; an inversion table turns, so each frame has its own)."""
    floor_y = fig.surfaces["floor"][0][1] + (MAT_THICKNESS_CM if "mat" in ep.props else 0.0)
    seat = fig.surfaces.get("chair")
    which = which or fig.frame or "end"
    # surfaces the body rests on from their left side: the board, an inversion table and its foot plate
    slopes = [fig.surfaces[k] for k in ("board", f"table-{which}", f"plate-{which}") if k in fig.surfaces]
    bars = [s for s in fig.shapes if getattr(s, "role", "") == "bar"]

    def gap(p: Vec, r: float) -> float:
        gaps = [p[1] - r - floor_y]
        if seat is not None:
            (sx0, sy), (sx1, _) = seat
            gaps.append(abs(p[1] - r - sy) if sx0 <= p[0] <= sx1 else math.inf)
        for (ax, ay), (bx, by) in slopes:
            length = math.hypot(bx - ax, by - ay)
            dx, dy = (bx - ax) / length, (by - ay) / length
            t = (p[0] - ax) * dx + (p[1] - ay) * dy
            if 0 <= t <= length:
                gaps.append((p[0] - ax) * -dy + (p[1] - ay) * dx - r)
        if bars and ep.support in ("bar", "bar-knees"):
            grip = _bar_centre(fig, ep)
            gaps.append(math.hypot(p[0] - grip[0], p[1] - grip[1]) - r - BAR_RADIUS_CM)
        return min(gaps)

    return gap


def _bar_centre(fig: Figure, ep: ExercisePoses) -> tuple[float, float]:
    """The bar in side-view coordinates: in the near hand's grip (or behind the knee) of the end pose."""
    return grip_point(fig.skeletons["end"].seen_from("side"), ep.support)


def contacts(fig: Figure, ep: ExercisePoses, which: str) -> set[str]:
    """The body parts resting on a support in one frame: back or front (by which way the trunk faces), side,
    buttocks, head, arms, hands, knees, legs, feet, or toes (the foot touching with its heel up)."""
    sk = fig.skeletons[which]
    gap = support_gaps(fig, ep, which)
    out: set[str] = set()
    if gap(sk.world["head"], HEAD_RADIUS_CM) <= CONTACT_CM:
        out.add("head")
    for name, a, b, thick in PARTS:
        r = part_radius(sk, name, thick)
        samples = _samples(sk, a, b)
        touching = [p for p in samples if gap(p, r) <= CONTACT_CM]
        if not touching:
            continue
        kind = name.rsplit("_", 1)[0] if name[-2:] in ("_l", "_r") else name
        if kind in ("pelvis", "thorax"):
            out.add("back" if ep.support == "inversion-table" else _trunk_side(sk, name, touching))
        elif kind in ("thigh", "shank") and any(_dist(p, sk.world[f"knee_{name[-1]}"]) < 9 for p in touching):
            out.add("knees")
            if any(_dist(p, sk.world[f"knee_{name[-1]}"]) >= 9 for p in touching):
                out.add("legs")
        elif kind == "foot":  # the whole foot down (standing, or kneeling on its top), or only one end of it
            if len(touching) * 2 >= len(samples):
                out.add("feet")
            else:
                out.add("heels" if samples.index(touching[0]) < len(samples) // 2 else "toes")
        else:
            out.add(_REGION.get(kind, kind))
    return out


def _trunk_side(sk: Skeleton, part: str, touching: list[Vec]) -> str:
    """Which side of the trunk rests: sitting on the buttocks, lying on the back, the front or a side."""
    front, left = sk.axes[part]
    up = _sub(sk.world["lumbar"], sk.world["hip"])
    if part == "pelvis" and up[1] / math.hypot(*up) > 0.5 and min(_dist(p, sk.world["hip"]) for p in touching) < 6:
        return "buttocks"
    if abs(left[1]) > 0.7:
        return "side"
    return "back" if front[1] > 0 else "front"


def hand_places(fig: Figure, ep: ExercisePoses, which: str, side: str) -> set[str]:
    """Every word of HANDS that is true of one hand in one frame, measured in the trunk's own directions (so
    'overhead' is past the head whether standing or lying)."""
    sk = fig.skeletons[which]
    w = sk.world
    hand = tuple((w[f"wrist_{side}"][i] + w[f"hand_{side}"][i]) / 2 for i in range(3))
    palm = _samples(sk, f"wrist_{side}", f"hand_{side}", 4)
    front, left = sk.axes["thorax"]
    up = _sub(w["shoulder"], w["lumbar"])
    up = tuple(c / math.hypot(*up) for c in up)
    rel = _sub(hand, w["shoulder"])
    along, ahead, lateral = _dot(rel, up), _dot(rel, front), abs(_dot(rel, left))
    trunk = _dist(w["shoulder"], w["hip"])
    gap = support_gaps(fig, ep, which)
    out: set[str] = set()
    if ep.support in ("bar", "bar-knees"):
        if gap(hand, 0.0) <= 8:
            out.add("on-bar")
    elif min(gap(p, THICKNESS_CM["hand"] / 2) for p in palm) <= CONTACT_CM:
        out.add("on-floor")
    to_head = _sub(hand, w["head"])
    if math.hypot(*to_head) < HEAD_RADIUS_CM + 10:
        out.add("on-forehead" if _dot(to_head, sk.axes["head"][0]) > 0 else "behind-head")
    elif along > 25:
        out.add("overhead")
    if hand[1] - w["shoulder"][1] > 35 and along < 25:
        out.add("to-ceiling")
    if min(_dist(hand, w[f"knee_{s}"]) for s in SIDES) < 14:
        out.add("on-knees")
    if min(_seg_dist(hand, w[f"hip_{s}"], w[f"knee_{s}"]) for s in SIDES) < 14 and "on-knees" not in out:
        out.add("on-thighs")
    if min(min(_dist(hand, w[f"toe_{s}"]), _dist(hand, w[f"ankle_{s}"])) for s in SIDES) < 20:
        out.add("by-feet")
    if ahead < -12 and lateral < 30 and -trunk - 25 < along < 10:
        out.add("behind-back")
    elif _dist(hand, w["lumbar"]) < 26 and _dist(w[f"elbow_{side}"], w["lumbar"]) > 24 and abs(ahead) < 16:
        out.add("on-waist")
    elif -trunk - 30 < along < -0.5 * trunk and abs(ahead) <= 14 and lateral < 45:
        out.add("by-sides")
    elif -0.6 * trunk < along < 5 and 6 < ahead <= 30 and lateral < 25:
        out.add("on-chest")
    elif -trunk < along <= -0.6 * trunk and 6 < ahead <= 30 and lateral < 25:
        out.add("on-belly")
    if ahead > 30 and along > -0.6 * trunk and "on-knees" not in out:
        out.add("forward")
    if lateral > 45 and along <= 25:
        out.add("out-to-sides")
    return out


def _seg_dist(p: Vec, a: Vec, b: Vec) -> float:
    ab = _sub(b, a)
    t = max(0.0, min(1.0, _dot(_sub(p, a), ab) / _dot(ab, ab)))
    return _dist(p, (a[0] + ab[0] * t, a[1] + ab[1] * t, a[2] + ab[2] * t))


def arrow_of(fig: Figure) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The motion arrow's tail and tip as drawn (None: no arrow)."""
    lines = [s for s in fig.shapes if getattr(s, "role", "") == "motion" and hasattr(s, "points") and len(s.points) > 3]
    if not lines:
        return None
    pts = lines[0].points
    return pts[0], pts[-1]


def ankles_held(fig: Figure, which: str) -> bool:
    """True when both ankles are locked in an inversion table's ankle holders in one frame: a padded roller just in
    front of each lower shin and one just behind each ankle (seen from the side)."""
    sk = fig.skeletons[which].seen_from("side")
    rollers = [s for s in fig.shapes if getattr(s, "role", "") == "table-ankle-holder"]
    if len(rollers) < 2:
        return False
    for side in SIDES:
        knee, ankle = sk.points[f"knee_{side}"], sk.points[f"ankle_{side}"]
        shin = THICKNESS_CM["shank"] / 2
        near = [r for r in rollers if _flat_seg_dist(r.center, knee, ankle) <= shin + r.r + 1.5
                and math.dist(r.center, ankle) < 16]
        sides = {_side_of(r.center, knee, ankle) for r in near}
        if sides != {-1, 1}:  # one in front of the shin and one behind it
            return False
    return True


def _flat_seg_dist(p, a, b) -> float:
    return _seg_dist((p[0], p[1], 0.0), (a[0], a[1], 0.0), (b[0], b[1], 0.0))


def _side_of(p, a, b) -> int:
    return 1 if (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) > 0 else -1


def lowest_part(fig: Figure, which: str) -> str:
    """The part of the body nearest the floor in one frame: head, trunk, arms, hands, legs or feet."""
    sk = fig.skeletons[which]
    best, low = "head", sk.world["head"][1] - HEAD_RADIUS_CM
    for name, a, b, thick in PARTS:
        r = part_radius(sk, name, thick)
        y = min(p[1] for p in _samples(sk, a, b)) - r
        if y < low - 0.5:
            kind = name.rsplit("_", 1)[0] if name[-2:] in ("_l", "_r") else name
            best, low = {"pelvis": "trunk", "thorax": "trunk", "neck": "head"}.get(kind, _REGION.get(kind, kind)), y
    return best
