"""Exercise pictures: every exercise drawn, geometry that holds together, the board at the dose's angle,
and broken pose files refused with file:line and field."""

from __future__ import annotations

import math
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from physio import Dose, ProtocolError, load_library
from physio.errors import ExportError
from physio.figures import exercise_figure, to_drawing, to_png, to_svg, write_contact_sheet
from physio.figures.body import JOINTS, RIGID, outline_points
from physio.figures.shapes import Circle, Line, Polygon, Text

PROTOCOLS = Path(__file__).resolve().parent.parent / "protocols"
BOARD_EXERCISES = ("board-traction-supine", "board-traction-prone")
EPS = 0.01  # cm


@pytest.fixture(scope="module")
def lib():
    return load_library(PROTOCOLS)


@pytest.fixture(scope="module")
def figures(lib):
    return {ex_id: exercise_figure(ex_id, library=lib) for ex_id in lib.exercises}


def _board_angle_drawn(fig) -> float:
    (line,) = [s for s in fig.shapes if isinstance(s, Line) and s.role == "board-surface"]
    (ax, ay), (bx, by) = line.points[0], line.points[-1]
    return math.degrees(math.atan2(by - ay, bx - ax))


def _texts(fig) -> list[str]:
    return [s.text for s in fig.shapes if isinstance(s, Text)]


# ---------------------------------------------------------------- every exercise has a picture


def test_every_exercise_has_a_full_start_and_end_pose(lib):
    assert len(lib.exercises) >= 50
    assert set(lib.poses) == set(lib.exercises)
    for ex_id, ep in lib.poses.items():
        for pose in (ep.start, ep.end):
            assert set(pose.joints) == set(JOINTS), ex_id


def test_every_exercise_renders_in_every_backend(lib, figures):
    for ex_id, fig in figures.items():
        svg = to_svg(fig, width_px=240)
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg") and root.get("width") == "240", ex_id
        assert len(root) > 10, f"{ex_id}: the SVG draws almost nothing"
        d = to_drawing(fig, 200, 120)
        assert (d.width, d.height) == (200, 120) and d.contents, ex_id
    for ex_id in ("cat-camel", "hang-bar", "board-traction-supine", "neck-turns"):
        fig = figures[ex_id]
        png = to_png(fig, width_px=300)
        assert png[:8] == b"\x89PNG\r\n\x1a\n", ex_id
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert width == 300
        assert height == round(300 * fig.height / fig.width)


def test_drawing_goes_into_a_pdf(figures, tmp_path):
    from reportlab.graphics import renderPDF

    out = tmp_path / "one.pdf"
    renderPDF.drawToFile(to_drawing(figures["board-traction-supine"], 300, 200), str(out))
    assert PdfReader(out).pages[0].extract_text().strip().endswith("°")


# ---------------------------------------------------------------- geometry


def test_limb_lengths_stay_constant_between_poses(figures):
    for ex_id, fig in figures.items():
        for which, sk in fig.skeletons.items():
            for seg, (a, b, length) in RIGID.items():
                assert math.dist(sk.world[a], sk.world[b]) == pytest.approx(length, abs=1e-6), f"{ex_id} {which} {seg}"


def test_nothing_falls_through_the_floor(figures):
    for ex_id, fig in figures.items():
        (_, floor_y), _ = fig.surfaces["floor"]
        for which, sk in fig.skeletons.items():
            lowest = min(p[1] - r for p, r in outline_points(sk))
            assert lowest >= floor_y - EPS, f"{ex_id} {which}: {floor_y - lowest:.1f} cm below the floor"


def test_floor_exercises_rest_on_their_support(lib, figures):
    # lying, kneeling and standing figures touch the mat (or the bare floor): they do not float either
    from physio.figures.props import MAT_THICKNESS_CM

    for ex_id in ("prone-lying", "cat-camel", "squat", "glute-bridge", "childs-pose", "warmup-toe-raises"):
        fig = figures[ex_id]
        (_, floor_y), _ = fig.surfaces["floor"]
        surface = floor_y + (MAT_THICKNESS_CM if "mat" in lib.poses[ex_id].props else 0.0)
        for sk in fig.skeletons.values():
            lowest = min(p[1] - r for p, r in outline_points(sk))
            assert lowest == pytest.approx(surface, abs=EPS), ex_id


@pytest.mark.parametrize("ex_id", ["cat-camel", "bird-dog", "quadruped-lumbar-rock", "childs-pose"])
def test_on_hands_and_knees_both_hands_and_knees_touch_the_mat(lib, figures, ex_id):
    from physio.figures.body import PARTS, THICKNESS_CM
    from physio.figures.props import MAT_THICKNESS_CM

    fig = figures[ex_id]
    (_, floor_y), _ = fig.surfaces["floor"]
    mat = floor_y + MAT_THICKNESS_CM
    sk = fig.skeletons["start"]  # every one starts on all fours

    def lowest(part_names):
        return min(sk.points[end][1] - THICKNESS_CM[t] / 2 for n, a, b, t in PARTS if n in part_names for end in (a, b))

    assert lowest(("forearm_l", "hand_l")) == pytest.approx(mat, abs=1.0), f"{ex_id}: the hand floats"
    assert lowest(("thigh_l", "shank_l")) == pytest.approx(mat, abs=1.0), f"{ex_id}: the knee floats"


def _signed_distances(fig, sk):
    (ax, ay), (bx, by) = fig.surfaces["board"]
    length = math.hypot(bx - ax, by - ay)
    dx, dy = (bx - ax) / length, (by - ay) / length
    out = []
    for (x, y), r in outline_points(sk):
        t = (x - ax) * dx + (y - ay) * dy
        if 0 <= t <= length:  # over the board
            out.append((x - ax) * -dy + (y - ay) * dx - r)
    return out


@pytest.mark.parametrize("angle", [0, 15, 30, 45, 60])
@pytest.mark.parametrize("ex_id", BOARD_EXERCISES)
def test_board_is_drawn_at_the_dose_angle_and_the_body_lies_on_it(lib, ex_id, angle):
    fig = exercise_figure(ex_id, Dose(duration_s=180, angle_deg=angle), library=lib)
    assert _board_angle_drawn(fig) == pytest.approx(angle, abs=1e-6)
    assert fig.board_angle_deg == angle
    assert f"{angle}°" in _texts(fig)
    for which, sk in fig.skeletons.items():
        dists = _signed_distances(fig, sk)
        assert len(dists) > 20, "most of the body lies over the board"
        assert min(dists) >= -EPS, f"{which}: sinks {-min(dists):.1f} cm into the board"
        assert min(dists) <= EPS, f"{which}: floats above the board"
    # the floor is under the whole board, and the feet hang clear of it
    (_, floor_y), _ = fig.surfaces["floor"]
    assert min(fig.surfaces["board"][0][1], fig.surfaces["board"][1][1]) > floor_y
    for sk in fig.skeletons.values():
        assert min(sk.points[f"{p}_{s}"][1] for p in ("heel", "toe") for s in "lr") > floor_y + 5


@pytest.mark.parametrize("angle", [15, 30, 45])
@pytest.mark.parametrize("ex_id", BOARD_EXERCISES)
def test_on_the_board_the_head_is_up_and_the_strap_is_under_the_arms(lib, ex_id, angle):
    # a traction board: held at the top by a strap under the arms, the body's weight pulling towards
    # the feet at the low end (the opposite is an inversion table, which our text does not describe)
    fig = exercise_figure(ex_id, Dose(duration_s=180, angle_deg=angle), library=lib)
    (ax, ay), (bx, by) = fig.surfaces["board"]
    length = math.hypot(bx - ax, by - ay)
    dx, dy = (bx - ax) / length, (by - ay) / length

    def along(p):  # cm from the board's lower end
        return (p[0] - ax) * dx + (p[1] - ay) * dy

    (band,) = [s for s in fig.shapes if isinstance(s, Polygon) and s.role == "board-strap"]
    strap_t = sum(along(p) for p in band.points) / len(band.points)
    for which, sk in fig.skeletons.items():
        pts = sk.points
        for side in "lr":
            assert pts["head"][1] > pts["shoulder"][1] > pts["hip"][1] > pts[f"knee_{side}"][1] > pts[f"ankle_{side}"][1], which
            assert along(pts[f"ankle_{side}"]) > 0, f"{which}: the feet stay on the board"
        assert along(pts["head"]) < length, f"{which}: the head stays on the board"
        # the strap is at the armpits: just below the shoulder, far from the ankles
        assert 0 < along(pts["shoulder"]) - strap_t < 15, which
        assert strap_t - along(pts["hip"]) > 30, which


@pytest.mark.parametrize(("ex_id", "face_up"), [("board-traction-supine", True), ("board-traction-prone", False)])
def test_on_the_board_the_face_looks_away_from_it_on_the_back_and_towards_it_face_down(lib, ex_id, face_up):
    fig = exercise_figure(ex_id, Dose(duration_s=180, angle_deg=30), library=lib)
    sk = fig.skeletons["end"]
    (ax, ay), (bx, by) = fig.surfaces["board"]
    normal = (-(by - ay), bx - ax)  # pointing up from the surface
    face = (math.cos(math.radians(sk.face_deg)), math.sin(math.radians(sk.face_deg)))
    assert (face[0] * normal[0] + face[1] * normal[1] > 0) == face_up


def test_board_without_a_dose_uses_the_pose_default(lib):
    fig = exercise_figure("board-traction-supine", library=lib)
    assert _board_angle_drawn(fig) == pytest.approx(lib.poses["board-traction-supine"].default_angle)


def test_hanging_figure_holds_the_bar_with_feet_off_the_floor(figures):
    fig = figures["hang-bar"]
    (bar,) = [s for s in fig.shapes if isinstance(s, Circle) and s.role == "bar"]
    sk = fig.skeletons["end"]
    (wx, wy), (hx, hy) = sk.points["wrist_l"], sk.points["hand_l"]
    assert math.hypot(bar.center[0] - (wx + hx) / 2, bar.center[1] - (wy + hy) / 2) < 3
    (_, floor_y), _ = fig.surfaces["floor"]
    assert min(p[1] - r for p, r in outline_points(sk)) > floor_y + 5


def test_seated_figure_sits_on_the_chair_with_feet_on_the_floor(figures):
    fig = figures["neck-turns"]
    (_, seat_y), _ = fig.surfaces["chair"]
    sk = fig.skeletons["end"]
    assert sk.points["hip"][1] - 10 == pytest.approx(seat_y, abs=EPS)  # the pelvis's half-thickness
    assert min(sk.points["heel_l"][1], sk.points["toe_l"][1]) - 3 == pytest.approx(0, abs=1)


def test_far_limbs_are_lighter_than_near_ones(figures):
    fig = figures["warmup-high-knees"]
    body = [s for s in fig.shapes if isinstance(s, Line) and s.role == "body"]
    near = {s.color for s in body if s.points[0] == fig.skeletons["end"].points["knee_l"]}
    far = {s.color for s in body if s.points[0] == fig.skeletons["end"].points["knee_r"]}
    assert near and far and near != far

    def lightness(c: str) -> int:
        return sum(int(c[i:i + 2], 16) for i in (1, 3, 5))

    assert lightness(far.pop()) > lightness(near.pop())


# ---------------------------------------------------------------- words on the picture


def test_hold_time_and_duration_are_printed(lib):
    assert "hold 10 s" in _texts(exercise_figure("glute-bridge", Dose(sets=2, reps=10, hold_s=10), library=lib))
    assert "2 min" in _texts(exercise_figure("prone-lying", Dose(duration_s=120), library=lib))
    assert not _texts(exercise_figure("glute-bridge", Dose(reps=10), library=lib))


def test_unknown_exercise_is_refused_with_the_file(lib):
    from physio import UnknownId

    with pytest.raises(UnknownId, match="no exercise 'cat-camle'"):
        exercise_figure("cat-camle", library=lib)


# ---------------------------------------------------------------- contact sheet


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def test_contact_sheet_shows_every_exercise_beside_its_steps(lib, tmp_path):
    out = write_contact_sheet(tmp_path / "pictures.pdf", library=lib)
    reader = PdfReader(out)
    assert len(reader.pages) == math.ceil(len(lib.exercises) / 5)
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for ex_id, ex in lib.exercises.items():
        assert ex_id in text
        assert f"{len(ex.steps)}. {' '.join(ex.steps[-1].split()[:4])}" in text, ex_id  # its last numbered step
    assert [p.name for p in tmp_path.iterdir()] == ["pictures.pdf"]  # no temporary file left behind
    with pytest.raises(ExportError, match=r"\.pdf"):
        write_contact_sheet(tmp_path / "pictures.png", library=lib)
    # kept for a physiotherapist to review: test-artifacts/exercise-pictures.pdf (not in git)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(out, ARTIFACTS / "exercise-pictures.pdf")


# ---------------------------------------------------------------- broken pose files


def _broken(tmp_path: Path, old: str, new: str, marker: str | None = None) -> tuple[Path, int]:
    """A copy of protocols/ with one edit to poses.yaml; returns the folder and the line of `marker`."""
    folder = tmp_path / "protocols"
    shutil.copytree(PROTOCOLS, folder)
    text = (folder / "poses.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    (folder / "poses.yaml").write_text(text, encoding="utf-8")
    line = text[: text.index(marker or new)].count("\n") + 1 if (marker or new) else 0
    return folder, line


def _problems(folder: Path) -> str:
    with pytest.raises(ProtocolError) as err:
        load_library(folder)
    return str(err.value)


def test_angle_out_of_range_is_refused(tmp_path):
    folder, line = _broken(tmp_path, "end: {from: supine, joints: {hip_l: 120, knee_l: 120",
                           "end: {from: supine, joints: {hip_l: 120, knee_l: 200")
    msg = _problems(folder)
    assert f"poses.yaml:{line} exercises.supine-knee-to-belly.end.joints.knee_l: 200° is outside the knee_l range 0..160°" in msg


def test_missing_joint_is_refused(tmp_path):
    folder, line = _broken(
        tmp_path,
        "end: {tilt: 80, joints: {lumbar: 21, neck: 25,",
        "end: {tilt: 80, joints: {neck: 25,",
    )
    msg = _problems(folder)
    assert f"poses.yaml:{line} exercises.childs-pose.end.joints: missing joint(s) lumbar" in msg


def test_unknown_joint_and_prop_are_refused(tmp_path):
    folder, line = _broken(tmp_path, "    hands: on-bar\n    props: [bar]\n    support: bar\n    floor: start",
                           "    hands: on-bar\n    props: [trampoline]\n    support: bar\n    floor: start", "props: [trampoline]")
    msg = _problems(folder)
    assert f"poses.yaml:{line} exercises.hang-bar.props[0]: unknown prop 'trampoline'; allowed: floor, mat" in msg

    folder, line = _broken(
        tmp_path / "b", "    arrow: heel_l\n    start: {from: standing}\n    end: {from: standing, joints: {ankle: -40}}",
        "    arrow: heel_l\n    start: {from: standing, joints: {kne: 20}}\n    end: {from: standing, joints: {ankle: -40}}",
        "start: {from: standing, joints: {kne")
    msg = _problems(folder)
    assert f"poses.yaml:{line} exercises.warmup-toe-raises.start.joints.kne: unknown joint 'kne'; did you mean knee" in msg


PRONE_LYING_END = "    end: {from: prone, joints: {neck: 0, neck_turn: 75}}\n"
PRONE_LYING = ("  prone-lying:\n    moves: none\n    touches: [front, toes]\n    hands: by-sides\n    props: [mat]\n"
               "    view: top  # from above: arms by the sides and the head turned to one side both show\n"
               "    start: {from: prone, joints: {neck: 0, neck_turn: 75}}\n" + PRONE_LYING_END)


def test_exercise_without_poses_or_without_an_end_is_refused(tmp_path):
    folder, line = _broken(
        tmp_path,
        PRONE_LYING,
        PRONE_LYING.replace(PRONE_LYING_END, ""),
        "  prone-lying:\n",
    )
    assert f"poses.yaml:{line} exercises.prone-lying: exercise 'prone-lying' has no end pose" in _problems(folder)

    folder, _ = _broken(tmp_path / "b", PRONE_LYING, "")
    assert "exercise 'prone-lying' has no poses" in _problems(folder)


def test_poses_for_an_unknown_exercise_are_refused(tmp_path):
    folder, line = _broken(tmp_path, "  prone-lying:\n", "  prone-lyng:\n")
    msg = _problems(folder)
    assert f"poses.yaml:{line} exercises.prone-lyng: poses for an unknown exercise 'prone-lyng'; did you mean prone-lying" in msg


def test_unknown_view_and_fact_words_are_refused(tmp_path):
    folder, line = _broken(tmp_path, "    view: back\n", "    view: sideways\n", "    view: sideways")
    msg = _problems(folder)
    assert f"poses.yaml:{line} exercises.reverse-prayer-scapula.view: unknown view 'sideways'; allowed: side, front, back, top, oblique" in msg

    folder, _ = _broken(tmp_path / "b", "    touches: [hands]\n    hands: on-bar\n    props: [bar]\n    support: bar\n    view: front",
                        "    touches: [elbows]\n    hands: on-bar\n    props: [bar]\n    support: bar\n    view: front")
    assert "hanging-pelvis-turns.touches: unknown body part 'elbows'; allowed: none, back, front" in _problems(folder)

    folder, line = _broken(tmp_path / "c", "    helper: true", "    helper: maybe", "    helper: maybe")
    assert f"poses.yaml:{line} exercises.hang-inverted.helper: helper must be true or false (given: 'maybe')" in _problems(folder)

    folder, line = _broken(tmp_path / "d", "    crop: upper-body", "    crop: head", "    crop: head")
    assert f"poses.yaml:{line} exercises.wall-shoulder-lifts.crop: crop may only be 'upper-body' (given: 'head')" in _problems(folder)


def test_unknown_posture_is_refused(tmp_path):
    folder, line = _broken(tmp_path, "    start: {from: prone, joints: {neck: 0, neck_turn: 75}}\n    end: {from: prone, joints",
                           "    start: {from: prone-ish, joints: {neck: 0, neck_turn: 75}}\n    end: {from: prone, joints",
                           "start: {from: prone-ish")
    assert f"poses.yaml:{line} exercises.prone-lying.start.from: unknown posture 'prone-ish'" in _problems(folder)


# Segment masses as fractions of body mass (Winter 2009, table 4.1): trunk with pelvis, head with neck, and
# each limb segment. Only their ratios matter: they place the centre of mass.
_MASS = {("hip", "shoulder"): 0.497, ("shoulder", "head"): 0.081}
for _s in ("l", "r"):
    _MASS.update({("hip", f"knee_{_s}"): 0.100, (f"knee_{_s}", f"ankle_{_s}"): 0.0465, (f"heel_{_s}", f"toe_{_s}"): 0.0145,
                  ("shoulder", f"elbow_{_s}"): 0.028, (f"elbow_{_s}", f"wrist_{_s}"): 0.016, (f"wrist_{_s}", f"hand_{_s}"): 0.006})


def test_figures_on_the_floor_rest_on_their_body_and_do_not_tip_over(lib, figures):
    # A figure held up by one hand or one foot, with its body in the air, is not a pose a patient can copy:
    # its centre of mass must lie over the parts that touch the floor or mat (within 10 cm).
    from physio.figures.props import MAT_THICKNESS_CM

    wrong = []
    for ex_id, ep in lib.poses.items():
        if ep.support not in ("floor", "mat"):
            continue
        fig = figures[ex_id]
        (_, floor_y), _ = fig.surfaces["floor"]
        surface = floor_y + (MAT_THICKNESS_CM if "mat" in ep.props else 0.0)
        for which, sk in fig.skeletons.items():
            touching = [p[0] for p, r in outline_points(sk, 2.0) if p[1] - r <= surface + 6.0]
            com = sum(m * (sk.world[a][0] + sk.world[b][0]) / 2 for (a, b), m in _MASS.items()) / sum(_MASS.values())
            if not min(touching) - 10 <= com <= max(touching) + 10:
                wrong.append(f"{ex_id} {which}")
    assert wrong == []
