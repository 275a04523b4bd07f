"""Read protocols/poses.yaml: for every exercise a start and an end pose, checked against the body model.

A pose is a posture (a full set of joint angles, defined once under `postures:`) with a few joints
changed, plus the props and the support the figure rests on. Every mistake is reported with file,
line and field, and what is allowed, so the loader can refuse the file at once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .body import JOINT_RANGES, JOINTS, OPTIONAL_JOINTS, SIDED, SIDES, TILT_RANGE, joint_range

PROPS = ("floor", "mat", "chair", "wall", "bar", "board", "inversion-table")
"""Props a pose may use; the floor is always drawn."""

SUPPORTS = ("floor", "mat", "chair", "bar", "bar-knees", "board", "inversion-table")
"""What the figure rests on: its lowest points on the floor or mat, its buttocks on the chair seat,
its hands (bar) or the backs of its knees (bar-knees) on the bar, its back/front on the board, or its back on an
inversion table, the ankles locked in its ankle holders (the table turns with the body about its pivot)."""

#: Props each support needs.
SUPPORT_PROP = {"mat": "mat", "chair": "chair", "bar": "bar", "bar-knees": "bar", "board": "board",
                "inversion-table": "inversion-table"}

MARK_KINDS = ("turn", "up", "down", "forward", "back", "wiggle", "breath", "squeeze")
"""Small signs for movements a side view cannot show: turning (twists), shrugging, vibrating, breathing."""

#: Points a mark or an anchor may name.
POINTS = ("head", "shoulder", "lumbar", "hip") + tuple(
    f"{p}_{s}" for p in ("shoulder", "hip", "knee", "ankle", "heel", "toe", "elbow", "wrist", "hand") for s in SIDES
)

DOSE_ANGLE = "dose.angle_deg"

VIEWS = ("side", "front", "back", "top", "oblique", "side-above", "head-above", "feet-above", "front-side")
"""Where the picture is seen from: the side (bending forward and back), the front (side bends, arms out to
the sides, head turns, standing or sitting), the back (hands behind the back), from above (lying down:
legs to the side, side bends, twists), obliquely from in front and above (from the feet of a figure lying on
its back: knees or legs raised and dropped to one side, arms out to the sides; a seated twist), or from above at
an angle (body.ANGLED_VIEWS): from the side (knees dropped to one side, a sitting lean or twist with the legs
wide), from beyond the head (legs raised and crossed), from beyond the feet (elbows and palms in front of the
body, soles together) or from the front a little to the side and nearly level (rising onto the toes)."""

MOVES = ("tilt", "roll") + tuple(JOINT_RANGES)
"""What an exercise moves (a fact checked against the drawing): a joint (both sides together) or the whole
body's tilt or roll; `none` for a held position."""

TOUCHES = ("back", "front", "side", "buttocks", "head", "arms", "hands", "knees", "legs", "feet", "heels", "toes")
"""Body parts that rest on the floor, mat, seat, board or bar (a fact checked against the drawing)."""

HANDS = ("by-sides", "on-floor", "overhead", "to-ceiling", "behind-head", "on-forehead", "on-knees", "on-waist",
         "behind-back", "on-chest", "on-belly", "on-bar", "forward", "out-to-sides", "on-thighs", "by-feet")
"""Where the hands are (a fact checked against the drawing)."""

FACT_FIELDS = {"moves", "touches", "hands"}

EXERCISE_FIELDS = {
    "props", "support", "anchor", "facing", "board_angle", "default_angle", "marks", "start", "end", "note", "view",
    "arrow", "floor", "helper", "crop", *FACT_FIELDS,
}
POSE_FIELDS = {"from", "tilt", "roll", "joints"}
POSTURE_FIELDS = {"tilt", "roll", "joints"}

@dataclass(frozen=True)
class Pose:
    tilt: float
    joints: dict[str, float]
    roll: float = 0.0


@dataclass(frozen=True)
class Facts:
    """What the text says the picture must show, checked against the drawing by the tests: the joints that
    move most, the parts resting on the support and where the hands are, in the start and the end frame."""

    moves: tuple[str, ...] = ()
    #: True when the text describes a held position (`moves: none`): nothing may move.
    held: bool = False
    touches: dict[str, tuple[str, ...]] = field(default_factory=dict)
    hands: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Mark:
    kind: str
    at: str
    #: Which frame carries the sign: start (where the movement begins), or both (a turn that the end's
    #: posture alone cannot show).
    frame: str = "start"


@dataclass(frozen=True)
class ExercisePoses:
    """Everything needed to draw one exercise."""

    exercise_id: str
    props: tuple[str, ...]
    support: str
    anchor: str
    facing: str
    #: Board angle when fixed; None when it comes from the dose.
    board_angle: float | None
    from_dose: bool
    default_angle: float
    marks: tuple[Mark, ...]
    start: Pose
    end: Pose
    view: str = "side"
    #: The point the movement arrow follows (None: the point that moves most; "none": no arrow).
    arrow: str | None = None
    #: On a bar: True when the start pose stands on the floor (reaching up to the bar), else both hang clear.
    floor_at_start: bool = False
    facts: Facts = field(default_factory=Facts)
    #: True when the text asks for a helper nearby: a second person is drawn standing beside the equipment.
    helper: bool = False
    #: "upper-body": the picture shows the body from the thighs up, drawn larger (a small movement of the
    #: shoulders or head); "" the whole body.
    crop: str = ""

    def angle(self, dose_angle: float | None) -> float:
        """The board angle to draw: the dose's when this pose follows it, else the pose's own."""
        if self.from_dose and dose_angle is not None:
            return float(dose_angle)
        return self.board_angle if self.board_angle is not None else self.default_angle


def load_poses(file: Path, exercises: dict[str, Any], problems: list[str]) -> dict[str, ExercisePoses]:
    """Read and check poses.yaml; append every problem (file:line field: what is wrong) to `problems`."""
    from ..errors import ProtocolError
    from ..protocol_files import _read

    try:
        doc = _read(Path(file))
    except ProtocolError as e:
        problems.extend(e.problems)
        return {}
    return _check(doc, exercises, problems)


def _check(doc: Any, exercises: dict[str, Any], problems: list[str]) -> dict[str, ExercisePoses]:
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
        problems.append(f"{doc.where(())}: expected a top-level 'exercises:' mapping of exercise id → poses")
        return {}
    for key in data:
        if key not in ("postures", "exercises"):
            problems.append(f"{doc.where((key,))}: unknown top-level field; allowed: postures, exercises")

    postures: dict[str, Pose] = {}
    raw_postures = data.get("postures") or {}
    if not isinstance(raw_postures, dict):
        problems.append(f"{doc.where(('postures',))}: expected a mapping of posture name → tilt and joints")
        raw_postures = {}
    for name, raw in raw_postures.items():
        path = ("postures", name)
        if not _mapping(raw, doc, path, POSTURE_FIELDS, problems):
            continue
        pose = _pose(raw, None, doc, path, problems)
        if pose is not None:
            postures[name] = pose

    out: dict[str, ExercisePoses] = {}
    for ex_id, raw in data["exercises"].items():
        path = ("exercises", ex_id)
        if ex_id not in exercises:
            near = difflib.get_close_matches(str(ex_id), list(exercises), n=3)
            hint = f"did you mean {', '.join(near)}?" if near else "check the id in exercises.yaml"
            problems.append(f"{doc.where(path)}: poses for an unknown exercise '{ex_id}'; {hint}")
            continue
        if not _mapping(raw, doc, path, EXERCISE_FIELDS, problems):
            continue
        ep = _exercise(str(ex_id), raw, postures, raw_postures, doc, path, problems)
        if ep is not None:
            out[ex_id] = ep

    for ex_id in exercises:
        if ex_id not in data["exercises"]:
            problems.append(
                f"{doc.where(('exercises',))}: exercise '{ex_id}' has no poses; add a start and an end pose for it"
            )
    return out


def _known(value: Any, allowed: Any) -> bool:
    """A name from the file that is one of `allowed` (a list or mapping given where a name belongs is not)."""
    return isinstance(value, str) and value in allowed


def _mapping(raw: Any, doc: Any, path: tuple, allowed: set[str], problems: list[str]) -> bool:
    if not isinstance(raw, dict):
        problems.append(f"{doc.where(path)}: expected a mapping with fields {', '.join(sorted(allowed))}")
        return False
    ok = True
    for key in raw:
        if key not in allowed:
            problems.append(f"{doc.where(path + (key,))}: unknown field; allowed: {', '.join(sorted(allowed))}")
            ok = False
    return ok


def _pose(raw: dict, base: Pose | None, doc: Any, path: tuple, problems: list[str]) -> Pose | None:
    """One pose: the base posture's angles, then the pose's own; every joint must end up set and in range."""
    n_before = len(problems)
    tilt = base.tilt if base else None
    if "tilt" in raw:
        tilt = _angle(raw["tilt"], TILT_RANGE, "tilt", doc, path + ("tilt",), problems)
    elif tilt is None:
        problems.append(f"{doc.where(path)}: missing 'tilt' (the body's lean from upright, {TILT_RANGE[0]}..{TILT_RANGE[1]})")
    roll = base.roll if base else 0.0
    if "roll" in raw:
        roll = _angle(raw["roll"], (-90, 90), "roll", doc, path + ("roll",), problems)
    joints: dict[str, float] = dict(base.joints) if base else {}
    named: set[str] = set()  # joints the pose names, even with a bad value (reported once, not as missing too)
    given = raw.get("joints") or {}
    if not isinstance(given, dict):
        problems.append(f"{doc.where(path + ('joints',))}: expected a mapping of joint → angle in degrees")
        given = {}
    for name, value in given.items():
        jpath = path + ("joints", name)
        names = [f"{name}_{s}" for s in SIDES] if name in SIDED else [name]
        if names[0] not in JOINTS:
            near = difflib.get_close_matches(str(name), list(JOINTS) + list(SIDED), n=2)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            problems.append(
                f"{doc.where(jpath)}: unknown joint '{name}'{hint} Joints are lumbar, neck, lumbar_side, lumbar_turn, "
                f"neck_side, neck_turn and, for each side (_l, _r, or both when the side is left out), {', '.join(SIDED)}"
            )
            continue
        named.update(names)
        angle = _angle(value, joint_range(names[0]), name, doc, jpath, problems)
        if angle is not None:
            for n in names:
                joints[n] = angle
    missing = [j for j in JOINTS if j not in joints and j not in named and j not in OPTIONAL_JOINTS]
    if missing:
        problems.append(
            f"{doc.where(path + ('joints',))}: missing joint(s) {', '.join(missing)}; a pose needs every joint, "
            f"or 'from: <posture>' to start from a full posture"
        )
    if len(problems) > n_before or tilt is None or roll is None:
        return None
    return Pose(tilt, {**{j: 0.0 for j in OPTIONAL_JOINTS}, **joints}, roll)


def _angle(value: Any, rng: tuple[float, float], name: str, doc: Any, path: tuple, problems: list[str]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(f"{doc.where(path)}: {name} must be an angle in degrees (given: {value!r})")
        return None
    if not rng[0] <= value <= rng[1]:
        problems.append(f"{doc.where(path)}: {value}° is outside the {name} range {rng[0]:g}..{rng[1]:g}°")
        return None
    return float(value)


def _exercise(
    ex_id: str, raw: dict, postures: dict[str, Pose], raw_postures: dict, doc: Any, path: tuple, problems: list[str]
) -> ExercisePoses | None:
    n_before = len(problems)
    props = raw.get("props", [])
    if not isinstance(props, list):
        problems.append(f"{doc.where(path + ('props',))}: expected a list of props, e.g. [mat]")
        props = []
    for i, prop in enumerate(props):
        if not _known(prop, PROPS):
            problems.append(f"{doc.where(path + ('props', i))}: unknown prop '{prop}'; allowed: {', '.join(PROPS)}")
    support = raw.get("support", "mat" if "mat" in props else "floor")
    if not _known(support, SUPPORTS):
        problems.append(f"{doc.where(path + ('support',))}: unknown support '{support}'; allowed: {', '.join(SUPPORTS)}")
    elif SUPPORT_PROP.get(support) and SUPPORT_PROP[support] not in props:
        problems.append(f"{doc.where(path + ('support',))}: support '{support}' needs the prop '{SUPPORT_PROP[support]}' in props")
    anchor = raw.get("anchor", "hip")
    if not _known(anchor, POINTS):
        problems.append(f"{doc.where(path + ('anchor',))}: unknown point '{anchor}'; allowed: {', '.join(POINTS)}")
    view = raw.get("view", "side")
    if not _known(view, VIEWS):
        problems.append(f"{doc.where(path + ('view',))}: unknown view '{view}'; allowed: {', '.join(VIEWS)}")
    arrow = raw.get("arrow")
    if arrow is not None and arrow != "none" and not _known(arrow, POINTS):
        problems.append(f"{doc.where(path + ('arrow',))}: unknown point '{arrow}'; allowed: {', '.join(POINTS)}")
    facts = _facts(raw, doc, path, problems)
    floor = raw.get("floor")
    if floor not in (None, "start"):
        problems.append(f"{doc.where(path + ('floor',))}: floor may only be 'start' (the start pose stands on the floor)")
    helper = raw.get("helper", False)
    if not isinstance(helper, bool):
        problems.append(f"{doc.where(path + ('helper',))}: helper must be true or false (given: {helper!r})")
    crop = raw.get("crop", "")
    if crop not in ("", "upper-body"):
        problems.append(f"{doc.where(path + ('crop',))}: crop may only be 'upper-body' (given: {crop!r})")
    facing = raw.get("facing", "right")
    if facing not in ("right", "left"):
        problems.append(f"{doc.where(path + ('facing',))}: facing must be right or left (given: {facing!r})")

    board_angle: float | None = None
    from_dose = False
    ba = raw.get("board_angle")
    if ba == DOSE_ANGLE:
        from_dose = True
    elif ba is not None:
        board_angle = _angle(ba, (0, 90), "board_angle", doc, path + ("board_angle",), problems)
    default_angle = _angle(raw.get("default_angle", 30), (0, 90), "default_angle", doc, path + ("default_angle",), problems)
    if "board" in props and ba is None:
        problems.append(
            f"{doc.where(path)}: a board exercise needs 'board_angle: {DOSE_ANGLE}' (drawn at the plan's angle) or a fixed angle"
        )

    marks: list[Mark] = []
    raw_marks = raw.get("marks") or []
    if not isinstance(raw_marks, list):
        problems.append(f"{doc.where(path + ('marks',))}: expected a list of marks, e.g. [{{kind: up, at: hip}}]")
        raw_marks = []
    for i, m in enumerate(raw_marks):
        mpath = path + ("marks", i)
        if not isinstance(m, dict) or not {"kind", "at"} <= set(m) <= {"kind", "at", "frame"}:
            problems.append(f"{doc.where(mpath)}: a mark is {{kind: <{'|'.join(MARK_KINDS)}>, at: <point>}}")
            continue
        if m.get("frame", "start") not in ("start", "both"):
            problems.append(f"{doc.where(mpath + ('frame',))}: unknown frame '{m['frame']}'; allowed: start, both")
        if not _known(m["kind"], MARK_KINDS):
            problems.append(f"{doc.where(mpath + ('kind',))}: unknown mark '{m['kind']}'; allowed: {', '.join(MARK_KINDS)}")
        if not _known(m["at"], POINTS):
            problems.append(f"{doc.where(mpath + ('at',))}: unknown point '{m['at']}'; allowed: {', '.join(POINTS)}")
        marks.append(Mark(m["kind"], m["at"], str(m.get("frame", "start"))))

    poses: dict[str, Pose] = {}
    for which in ("start", "end"):
        ppath = path + (which,)
        if which not in raw:
            problems.append(f"{doc.where(path)}: exercise '{ex_id}' has no {which} pose; add '{which}:'")
            continue
        praw = raw[which]
        if not _mapping(praw, doc, ppath, POSE_FIELDS, problems):
            continue
        base = None
        if "from" in praw:
            base = postures.get(praw["from"]) if _known(praw["from"], raw_postures) else None
            if base is None:
                if not _known(praw["from"], raw_postures):
                    problems.append(
                        f"{doc.where(ppath + ('from',))}: unknown posture '{praw['from']}'; postures are "
                        f"{', '.join(sorted(raw_postures))}"
                    )
                continue  # a broken posture is reported where it is defined
        pose = _pose(praw, base, doc, ppath, problems)
        if pose is not None:
            poses[which] = pose

    if len(problems) > n_before or default_angle is None or len(poses) < 2:
        return None  # a pose from a broken posture is reported where that posture is defined
    return ExercisePoses(
        ex_id, tuple(props), support, anchor, facing, board_angle, from_dose, default_angle, tuple(marks),
        poses["start"], poses["end"], view, arrow, floor == "start", facts, helper is True, crop,
    )


def _facts(raw: dict, doc: Any, path: tuple, problems: list[str]) -> Facts:
    """moves: [joint, ...] | none; touches and hands: a list for both frames, or {start: [...], end: [...]}."""
    moves = raw.get("moves", [])
    held = moves == "none"
    moves = [] if held else moves if isinstance(moves, list) else [moves]
    for i, m in enumerate(moves):
        if not _known(m, MOVES):
            problems.append(f"{doc.where(path + ('moves',))}: unknown joint '{m}' in moves; allowed: none, {', '.join(MOVES)}")
    per_frame: dict[str, dict[str, tuple[str, ...]]] = {}
    for key, allowed in (("touches", TOUCHES), ("hands", HANDS)):
        value = raw.get(key)
        frames = value if isinstance(value, dict) else {"start": value, "end": value}
        per_frame[key] = {}
        if value is None:
            continue
        for which in ("start", "end"):
            v = frames.get(which)
            v = [] if v in ("none", None) else v if isinstance(v, list) else [v]
            for x in v:
                if not _known(x, allowed):
                    what = "body part" if key == "touches" else "place for the hands"
                    problems.append(f"{doc.where(path + (key,))}: unknown {what} '{x}'; allowed: none, {', '.join(allowed)}")
            per_frame[key][which] = tuple(v)
        if isinstance(value, dict) and set(value) - {"start", "end"}:
            problems.append(f"{doc.where(path + (key,))}: expected start and end, or one list for both frames")
    return Facts(tuple(moves), held, per_frame["touches"], per_frame["hands"])


def joint_changes(ep: ExercisePoses) -> dict[str, float]:
    """How far each joint (both sides together: the larger), the body's tilt and its roll move between start
    and end, in degrees."""
    out = {"tilt": abs(ep.end.tilt - ep.start.tilt), "roll": abs(ep.end.roll - ep.start.roll)}
    for family in JOINT_RANGES:
        names = [f"{family}_{s}" for s in SIDES] if f"{family}_l" in ep.start.joints else [family]
        out[family] = max(abs(ep.end.joints[n] - ep.start.joints[n]) for n in names)
    return out
