"""Every exercise's picture checked against what its text says, as facts kept next to its poses in
protocols/poses.yaml: which joint moves, what rests on the floor (or bar, chair, board) in the start and the end
frame, where the hands are, and an arrow that starts at the moving part and points the way it goes."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from physio import load_library
from physio.figures import exercise_frames
from physio.figures.draw import _max_move
from physio.figures.facts import arrow_of, contacts, hand_places, joint_changes
from physio.figures.poses import VIEWS

PROTOCOLS = Path(__file__).resolve().parent.parent / "protocols"
LIB = load_library(PROTOCOLS)

MAIN_CONTACTS = {"back", "front", "side", "buttocks", "hands", "knees", "feet", "heels", "toes"}
"""What a picture must not show resting on the floor unless the facts say so (a trunk lying on the wrong side,
hands or knees down that the text keeps up). Head, arms and legs may brush the floor in a drawing of tubes."""


@pytest.mark.parametrize("ex_id", list(LIB.exercises))
def test_the_picture_shows_what_the_text_says(ex_id):
    ep = LIB.poses[ex_id]
    facts = ep.facts
    assert ep.view in VIEWS
    assert facts.held or facts.moves, f"{ex_id}: poses.yaml names no 'moves' (or 'moves: none')"
    frames = dict(zip(("start", "end"), exercise_frames(ex_id, library=LIB)))

    # which joint moves: the one with the largest change is one the text names, and each named one moves
    changes = joint_changes(ep)
    if facts.held:
        assert max(changes.values()) < 3, f"{ex_id}: a held position, yet {max(changes, key=changes.get)} moves"
    else:
        top = max(changes, key=changes.get)
        assert top in facts.moves, f"{ex_id}: {top} moves most ({changes[top]:.0f}°), not {', '.join(facts.moves)}"
        still = [m for m in facts.moves if changes[m] < 4]
        assert not still, f"{ex_id}: {', '.join(still)} should move but does not"

    for which, fig in frames.items():
        # what rests on the support: everything the facts name, and nothing major they do not
        want = set(facts.touches[which])
        got = contacts(fig, ep, which)
        assert want <= got, f"{ex_id} {which}: {', '.join(sorted(want - got))} should rest on the support"
        extra = (got & MAIN_CONTACTS) - want
        assert not extra, f"{ex_id} {which}: {', '.join(sorted(extra))} rests on the support, which the text does not say"

        # where the hands are: each hand at one of the named places, and each named place taken by a hand
        places = set(facts.hands.get(which, ()))
        if places:
            found = {side: hand_places(fig, ep, which, side) for side in "lr"}
            for side, at in found.items():
                assert at & places, f"{ex_id} {which}: the {side} hand is {sorted(at) or 'nowhere named'}, not {sorted(places)}"
            for place in places:
                assert any(place in at for at in found.values()), f"{ex_id} {which}: no hand is {place}"

    # the arrow: on the start frame only, from the moving part towards where it goes
    start, end = frames["start"], frames["end"]
    assert arrow_of(end) is None, f"{ex_id}: the end frame has a movement arrow"
    arrow = arrow_of(start)
    if facts.held or ep.arrow == "none":
        assert arrow is None, f"{ex_id}: an arrow, but nothing moves"
        if not facts.held:  # a movement without an arrow is shown by a sign: turning, pushing, shrugging
            assert any(s.role.startswith("mark-") for s in start.shapes), f"{ex_id}: the movement is not shown"
        return
    a_sk, b_sk = start.skeletons["start"], start.skeletons["end"]
    point = ep.arrow or _max_move(a_sk, b_sk)[0]
    assert arrow is not None, f"{ex_id}: the movement has no arrow"
    (tx, ty), (hx, hy) = arrow
    (ax, ay), (bx, by) = a_sk.points[point], b_sk.points[point]
    assert math.hypot(tx - ax, ty - ay) < 30, f"{ex_id}: the arrow starts {math.hypot(tx - ax, ty - ay):.0f} cm from the {point}"
    assert math.hypot(hx - bx, hy - by) < 30, f"{ex_id}: the arrow ends {math.hypot(hx - bx, hy - by):.0f} cm from where the {point} goes"
    move, drawn = (bx - ax, by - ay), (hx - tx, hy - ty)
    cos = (move[0] * drawn[0] + move[1] * drawn[1]) / (math.hypot(*move) * math.hypot(*drawn))
    assert cos > 0.5, f"{ex_id}: the arrow points {math.degrees(math.acos(cos)):.0f}° away from the way the {point} moves"


def test_the_pictures_once_judged_wrong_now_show_their_text():
    # the pictures issue 14 named as wrong or unreadable, by what a physiotherapist checks first
    sideways = {ex: LIB.poses[ex].view for ex in ("supine-leg-rotation", "prone-side-bends", "pilyuiko-knee-drop")}
    assert "side" not in sideways.values(), sideways
    # the elbows open out to the sides: seen from beyond the feet and above (from straight above, the elbows raised
    # in front of the face read as crossed arms; later from lower and a little to the side, where the face shows)
    assert LIB.poses["supine-elbow-opening"].view in ("feet-above", "oblique")
    assert LIB.poses["reverse-prayer-scapula"].view == "back"  # the palms on the back, seen from behind
    assert set(LIB.poses["reverse-prayer-scapula"].facts.hands["start"]) == {"behind-back"}
    assert set(LIB.poses["warmup-arms-back"].facts.hands["start"]) == {"on-waist"}
    assert LIB.poses["heel-slide"].arrow == "heel_l" and LIB.poses["quadruped-lumbar-rock"].arrow == "lumbar"


def test_the_pictures_once_judged_fair_now_show_their_text():
    # knees bent up and dropped to one side, legs raised and dropped: seen from the feet and above, where the
    # bend of the knees shows (from straight above, bent knees looked like straight legs)
    # (Pilyuiko: later seen from the side and above, then from beyond the feet: the knees' fall and the face's turn)
    assert LIB.poses["supine-leg-rotation"].view == "oblique" and LIB.poses["pilyuiko-knee-drop"].view == "oblique"
    start = exercise_frames("pilyuiko-knee-drop", library=LIB)[0].skeletons["start"].points
    assert start["knee_l"][1] > start["hip_l"][1] + 5 and start["knee_l"][1] > start["ankle_l"][1] + 5  # a peak
    assert LIB.poses["pilyuiko-knee-drop"].start.joints["knee_l"] >= 120  # steep: not read as straight legs end-on
    # sitting with the legs wide: seen from above at an angle (later from the side and above, where the straight back
    # of the lean shows too), never from the side, where the straddle cannot show
    assert LIB.poses["seated-straddle-stretch"].view == "side-above"
    # the twist sitting with legs wide: the chest turns (a sign round the trunk, later moved down from the shoulders
    # so it does not read as a head turn), seen from the side and above
    twist = LIB.poses["seated-straddle-twist"]
    assert twist.view == "side-above" and any(m.kind == "turn" and m.at == "lumbar" for m in twist.marks)
    # palm tree: from the front (a little to the side, so the lifted heels show), the hands above the head as wide
    # apart as the feet
    end = exercise_frames("palm-tree", library=LIB)[1].skeletons["end"].world
    hands, feet = abs(end["hand_l"][2] - end["hand_r"][2]), abs(end["ankle_l"][2] - end["ankle_r"][2])
    assert LIB.poses["palm-tree"].view == "front-side" and 0.7 * feet <= hands <= 1.6 * feet, (hands, feet)
    # lying face down: seen from above, the head turned to one side (its nose drawn in profile)
    prone = exercise_frames("prone-lying", library=LIB)
    assert LIB.poses["prone-lying"].end.joints["neck_turn"] >= 60
    assert all(any(s.role == "body-nose" for s in f.shapes) for f in prone)
    # closing the feet: the soles together and the knees out to the sides, seen from the feet and above
    w = exercise_frames("closing-feet-palms", library=LIB)[0].skeletons["start"].world
    assert LIB.poses["closing-feet-palms"].view == "side-above"  # (first oblique, then from the feet, now the side)
    assert math.dist(w["heel_l"], w["heel_r"]) < 3 and math.dist(w["knee_l"], w["knee_r"]) > 50  # heels touching
    # hands behind the back as close to the shoulder blades as they reach: just under them, no lower than 28 cm
    # under the shoulders
    w = exercise_frames("reverse-prayer-scapula", library=LIB)[0].skeletons["start"].world
    assert all(w["shoulder"][1] - w[f"hand_{s}"][1] < 28 for s in "lr")


# The independent physiotherapist's review (docs/pictures-review.md) judged three pictures wrong: the amount and
# the direction of the movement did not match the text. These tests check exactly that.

def test_the_press_up_straightens_the_arms_and_lifts_the_chest_well_above_the_prop():
    prop = exercise_frames("prone-prop", library=LIB)[1].skeletons["end"].points
    start, end = (f.skeletons[w] for f, w in zip(exercise_frames("prone-press-up", library=LIB), ("start", "end")))
    up = end.points
    assert up["shoulder"][1] >= prop["shoulder"][1] + 12, (up["shoulder"], prop["shoulder"])  # clearly higher
    assert LIB.poses["prone-press-up"].end.joints["elbow_l"] <= 15  # the elbows (nearly) straight
    # the arm reaches from the shoulder nearly its full length down to the floor, not a sphinx's forearm
    arm = math.dist(up["shoulder_l"], up["wrist_l"])
    assert arm >= 0.95 * (math.dist(up["shoulder_l"], up["elbow_l"]) + math.dist(up["elbow_l"], up["wrist_l"]))
    floor = min(y for _, y in up.values())
    for s in "lr":  # palms flat on the floor in front of the shoulders
        assert up[f"wrist_{s}"][1] - floor < 6 and up[f"hand_{s}"][1] - floor < 6, (s, up[f"wrist_{s}"], up[f"hand_{s}"])
        assert 0 < up[f"wrist_{s}"][0] - up["shoulder"][0] < 40
    assert abs(up["hip"][1] - start.points["hip"][1]) < 2  # the pelvis stays on the floor


def test_the_hare_pose_arrow_folds_forward_and_down_in_front_of_the_knees():
    start = exercise_frames("hare-pose", library=LIB)[0]
    (tx, ty), (hx, hy) = arrow_of(start)
    knees = start.skeletons["start"].points["knee_l"]
    assert hx > tx + 30 and hy < ty - 30, ((tx, ty), (hx, hy))  # forward (the way the figure faces) and down
    assert hx > knees[0], (hx, knees)  # ending in front of the knees, not behind towards the heels


def test_the_shoulder_blade_squeeze_shows_palms_on_the_back_and_elbows_out_and_the_blades_coming_together():
    start, end = exercise_frames("reverse-prayer-scapula", library=LIB)
    p = start.skeletons["start"].points
    half = abs(p["shoulder_l"][0] - p["shoulder"][0])
    for s in "lr":
        assert abs(p[f"elbow_{s}"][0] - p["shoulder"][0]) > half + 10, s  # elbows out past the shoulders
        assert abs(p[f"hand_{s}"][0] - p["shoulder"][0]) < 10, s  # palms near the spine, not on the far shoulder
        assert p["hip"][1] < p[f"hand_{s}"][1] < p["shoulder"][1] - 10, s  # on the back, under the blades

    def blade_gap(fig):
        blades = [s for s in fig.shapes if s.role == "body-blade"]
        assert len(blades) == 2, fig.frame
        return min(x for x, _ in blades[1].points) - max(x for x, _ in blades[0].points)

    assert blade_gap(end) < blade_gap(start) - 6  # the end frame shows the blades drawn together


@pytest.mark.parametrize("ex_id", ["prone-lying", "relaxation-supine", "supine-drawing-in", "seated-abdominal-draw-in",
                                   "neck-press-back", "neck-press-forehead", "board-traction-supine"])
def test_a_held_position_shows_a_stopwatch_and_the_time_on_its_end_frame(ex_id):
    from physio.figures.shapes import Text
    from physio.models import Dose

    start, end = exercise_frames(ex_id, library=LIB)
    assert not any(s.role.startswith("dose") for s in start.shapes)
    assert any(s.role == "dose-timer" for s in end.shapes), f"{ex_id}: no stopwatch on the held position"
    assert [s.text for s in end.shapes if isinstance(s, Text) and s.role == "dose"] == ["hold"]
    _, end = exercise_frames(ex_id, Dose(duration_s=120), library=LIB, language="ru")
    assert [s.text for s in end.shapes if isinstance(s, Text) and s.role == "dose"] == ["2 мин"]
    assert any(s.role == "dose-timer" for s in end.shapes)


def test_a_movement_without_a_dose_has_no_stopwatch():
    for ex_id in ("glute-bridge", "breathing-4-6-8", "joy-of-baby"):  # moving, breathing, shaking: no "hold"
        assert not any(s.role.startswith("dose") for f in exercise_frames(ex_id, library=LIB) for s in f.shapes), ex_id


def _back_bow(fig, which):
    """How far the drawn back bows above (+) or below (-) the line from the hip to the shoulder, in cm."""
    sk = fig.skeletons[which]
    backs = [s for s in fig.shapes if s.role == "body" and len(getattr(s, "points", ())) == 9]
    assert len(backs) == 1, fig.exercise_id
    (hx, hy), (sx, sy) = sk.points["hip"], sk.points["shoulder"]
    mx, my = backs[0].points[4]
    t = (mx - hx) / (sx - hx)
    return my - (hy + t * (sy - hy))


@pytest.mark.parametrize("ex_id, rounded", [("cat-camel", "start"), ("cat-stretch", "start"),
                                            ("quadruped-lumbar-rock", "end")])
def test_on_hands_and_knees_the_hump_and_the_sag_of_the_back_both_show(ex_id, rounded):
    # the independent review: "the frames differ mainly in head position"; the curve's direction is the point
    sagged = "end" if rounded == "start" else "start"
    frames = dict(zip(("start", "end"), exercise_frames(ex_id, library=LIB)))
    assert _back_bow(frames[rounded], rounded) > 8, "no visible hump"
    assert _back_bow(frames[sagged], sagged) < -3, "no visible sag"


def test_the_pictures_the_independent_review_judged_fair_show_what_the_text_says():
    def end(ex):
        return exercise_frames(ex, library=LIB)[1].skeletons["end"].points

    # hanging from a bar: both legs hang alike, relaxed (not one knee bent up); the knees soft, bent just enough
    # for the feet to clear the floor (the second review: the toes still seemed to touch)
    j = LIB.poses["hang-bar"].end.joints
    assert max(j["knee_l"], j["knee_r"]) <= 60 and j["knee_l"] == j["knee_r"] and max(j["hip_l"], j["hip_r"]) <= 15
    # raising the arms while breathing in: the hands together above the head
    p = end("breathing-arm-raise")
    assert math.dist(p["hand_l"], p["hand_r"]) < 8 and min(p["hand_l"][1], p["hand_r"][1]) > p["head"][1] + 30
    # pressing the forehead into the palm: the palm in front of the forehead, not on the crown
    p = end("neck-press-forehead")
    palm = [(p["wrist_l"][i] + p["hand_l"][i]) / 2 for i in (0, 1)]
    assert palm[0] > p["head"][0] + 8 and abs(palm[1] - p["head"][1]) < 10, (palm, p["head"])
    # one arm and the other leg lifted lying face down: the raised arm is the near one, clearly above the other
    p = end("prone-diagonal-lift")
    assert p["hand_l"][1] > p["hand_r"][1] + 12 and p["toe_r"][1] > p["toe_l"][1] + 10
    # sitting forward fold: a modest hinge, the hands at the shins, not the chest on the thighs past the feet
    p = end("seated-forward-fold")
    assert p["hand_l"][0] < p["toe_l"][0] and p["shoulder"][1] - p["knee_l"][1] > 25
    # legs dropped to the side: as drawn, they rest beside the outstretched arm, not on top of it
    from physio.figures.facts import _seg_dist

    p = end("supine-leg-rotation")
    flat = {k: (x, y, 0.0) for k, (x, y) in p.items()}
    gaps = [_seg_dist(flat[f"{leg}_{t}"], flat[a], flat[b]) for leg in ("knee", "ankle") for t in "lr"
            for a, b in (("shoulder_l", "elbow_l"), ("elbow_l", "wrist_l"))]
    assert min(gaps) > 18, min(gaps)


def test_hanging_upside_down_is_an_inversion_table_turned_slowly_with_the_ankles_locked_and_a_helper_by():
    # the second review judged it wrong: perched on a post, held only by the knees over a bar drawn as a dot,
    # swinging back head first with the hands let go. The text: ankle holders of an inversion frame, a helper
    # nearby, lower slowly until head down with the arms relaxed.
    from physio.figures.body import outline_points
    from physio.figures.facts import ankles_held, lowest_part

    ep = LIB.poses["hang-inverted"]
    assert ep.support == "inversion-table" and "bar" not in ep.props and ep.helper
    frames = dict(zip(("start", "end"), exercise_frames("hang-inverted", library=LIB)))
    for which, fig in frames.items():
        assert ankles_held(fig, which), f"{which}: the ankles are not locked in the holders"
        assert {"back", "feet"} <= contacts(fig, ep, which), which  # the back on the table, the soles on its plate
        (_, floor_y), _ = fig.surfaces["floor"]
        assert min(p[1] - r for p, r in outline_points(fig.skeletons[which])) > floor_y + 5, which  # off the floor
        helper = [s for s in fig.shapes if s.role == "helper"]
        assert helper and min(y for s in helper for _, y in s.points) < floor_y + 5, which  # a helper, standing
    # head up, the feet lowest, at the start; head down, the head lowest, at the end only
    start, end = frames["start"].skeletons["start"], frames["end"].skeletons["end"]
    assert lowest_part(frames["start"], "start") == "feet" and start.points["head"][1] == max(
        y for _, y in start.points.values())
    assert lowest_part(frames["end"], "end") == "head"
    assert ep.end.tilt <= -135  # head down: the body at least 45° past level
    # the table turns about a pivot that stays still, and the arrow follows the head round it: a slow turn
    pivots = [[s.center for s in f.shapes if s.role == "table-pivot"] for f in frames.values()]
    assert len(pivots[0]) == len(pivots[1]) == 1 and math.dist(pivots[0][0], pivots[1][0]) < 0.01
    (px, py), = pivots[0]
    (curve,) = [s for s in frames["start"].shapes if s.role == "motion" and len(s.points) > 3]
    radii = [math.hypot(x - px, y - py) for x, y in curve.points]
    assert max(radii) - min(radii) < 12, "the arrow is not a turn about the pivot"
    assert not any(s.role == "bar" for f in frames.values() for s in f.shapes)


# The second independent review (docs/pictures-review.md) judged thirteen pictures fair: each test below checks
# the fact the review found missing, in the pose (3-D) and, where the view is the point, in the drawing.

def _frames(ex_id):
    start, end = exercise_frames(ex_id, library=LIB)
    return start, end, start.skeletons["start"], end.skeletons["end"]


def _floor(fig):
    return fig.surfaces["floor"][0][1] + (2.5 if "mat" in LIB.poses[fig.exercise_id].props else 0.0)


def test_the_wall_shoulder_lift_draws_one_shoulder_sloping_up_to_the_ear():
    start, end, s, e = _frames("wall-shoulder-lifts")
    assert e.points["shoulder_l"][1] - e.points["shoulder_r"][1] >= 10  # one shoulder up, the other down

    def slope(fig, sk, side):  # the drawn line from the base of the neck out to that shoulder, in degrees
        (ax, ay), (bx, by) = sk.points["shoulder"], sk.points[f"shoulder_{side}"]
        assert any(s.role == "body" and s.points == ((ax, ay), (bx, by)) for s in fig.shapes), side
        return abs(math.degrees(math.atan2(by - ay, abs(bx - ax))))

    assert slope(start, s, "l") < 5 and slope(start, s, "r") < 5
    assert slope(end, e, "l") > 25 and slope(end, e, "r") < 10
    # the chest stops below the line of the shoulders, so the neck shows and the raised shoulder stands above it
    chest = [x for x in end.shapes if x.role == "body" and len(getattr(x, "points", ())) == 2
             and x.points[0] == e.points["lumbar"]]
    assert chest and chest[0].points[1][1] < e.points["shoulder"][1] - 5
    # the shrug is small, so the picture shows the body from the thighs up: half as large again in its frame
    assert LIB.poses["wall-shoulder-lifts"].crop == "upper-body"
    assert end.height < 0.7 * exercise_frames("active-self-correction", library=LIB)[1].height
    assert not any(x.role.startswith("floor") for x in end.shapes)
    assert min(y for x in end.shapes for _, y in getattr(x, "points", ())) > e.points["hip"][1] - 26


def test_the_scissors_lift_both_legs_and_cross_them_seen_from_beyond_the_head():
    start, end, s, e = _frames("supine-scissors")
    assert LIB.poses["supine-scissors"].view == "head-above"
    for fig, sk in ((start, s), (end, e)):
        assert min(sk.world[f"heel_{x}"][1] for x in "lr") > _floor(fig) + 30  # both legs off the floor
    assert s.world["ankle_l"][2] - s.world["ankle_r"][2] > 50  # apart
    assert e.world["ankle_l"][2] < e.world["ankle_r"][2]  # crossed over
    # drawn: the feet change sides across the page (apart, then crossed)
    assert (s.points["ankle_l"][0] - s.points["ankle_r"][0]) * (e.points["ankle_l"][0] - e.points["ankle_r"][0]) < 0


def test_pilyuiko_shows_the_bent_knees_falling_to_one_side_and_the_face_turning_the_other_way():
    start, end, s, e = _frames("pilyuiko-knee-drop")
    ep = LIB.poses["pilyuiko-knee-drop"]
    p = s.points  # the bent knees stand up as a peak in the drawing
    assert p["knee_l"][1] > p["hip_l"][1] + 15 and p["knee_l"][1] > p["ankle_l"][1] + 15
    assert "knees" in contacts(end, ep, "end")  # the knees down on the floor at the end
    # the knees go one way, the face the other (its eyes drawn)
    assert ep.end.roll * ep.end.joints["neck_turn"] < 0
    assert e.world["knee_l"][2] < e.world["hip"][2] - 20
    assert any(x.role == "body-eye" for x in end.shapes)
    assert any(m.kind == "turn" and m.at == "head" for m in ep.marks)


def test_the_elbows_meet_in_front_of_the_face_then_open_onto_the_floor_seen_from_beyond_the_feet():
    start, end, s, e = _frames("supine-elbow-opening")
    floor = _floor(start)
    assert math.dist(s.world["elbow_l"], s.world["elbow_r"]) < 13 and s.world["elbow_l"][1] > floor + 25
    assert math.dist(e.world["elbow_l"], e.world["elbow_r"]) > 60 and e.world["elbow_l"][1] < floor + 8
    # the raised elbows are not hidden behind the head (drawn over it, or, seen a little from the side, beside it)
    head = max(i for i, x in enumerate(start.shapes) if x.role == "body-head")
    elbow = s.points["elbow_l"]
    assert any(i > head and elbow in getattr(x, "points", ()) for i, x in enumerate(start.shapes)) or all(
        math.dist(s.points[f"elbow_{x}"], s.points["head"]) > 15 for x in "lr")


def test_the_bar_hang_has_the_feet_clearly_off_the_floor():
    start, end, s, e = _frames("hang-bar")
    from physio.figures.body import outline_points

    floor = start.surfaces["floor"][0][1]
    assert min(p[1] - r for p, r in outline_points(s)) == pytest.approx(floor, abs=0.5)  # on tiptoe at the start
    assert min(p[1] - r for p, r in outline_points(e)) > floor + 12  # hanging: a clear gap under the feet


def test_the_wide_legged_stretch_leans_from_the_hips_with_a_straight_back():
    start, end, s, e = _frames("seated-straddle-stretch")
    ep = LIB.poses["seated-straddle-stretch"]
    assert ep.view == "side-above"
    assert abs(ep.end.joints["lumbar"]) <= 5 and ep.end.tilt >= 30  # the pelvis tips forward, the back stays straight
    assert "hands" in contacts(end, ep, "end")  # the hands reach the floor in front, not hanging like legs
    assert abs(e.world["ankle_l"][2] - e.world["ankle_r"][2]) > 80  # the legs wide apart


def test_the_wide_legged_twist_turns_the_chest_to_face_the_bent_knee():
    start, end, s, e = _frames("seated-straddle-twist")
    assert LIB.poses["seated-straddle-twist"].end.joints["lumbar_turn"] >= 45

    def width(sk):  # the line of the shoulders as drawn: short in profile, long when the chest faces the viewer
        return math.dist(sk.points["shoulder_l"], sk.points["shoulder_r"])

    assert width(e) > 1.3 * width(s)

    def crossing(p, q, a, b):
        def side(u, v, w):
            return (v[0] - u[0]) * (w[1] - u[1]) - (v[1] - u[1]) * (w[0] - u[0])
        return side(p, q, a) * side(p, q, b) < 0 and side(a, b, p) * side(a, b, q) < 0

    # both hands on the knee, the arms side by side: no part of one arm crosses the other (the fourth review saw
    # an X of the upper arms over the chest)
    arms = {x: [(e.points[f"shoulder_{x}"], e.points[f"elbow_{x}"]), (e.points[f"elbow_{x}"], e.points[f"wrist_{x}"])]
            for x in "lr"}
    assert not any(crossing(*a, *b) for a in arms["l"] for b in arms["r"])


def test_the_basket_curls_up_with_the_knees_at_the_chest_and_the_hands_on_them():
    start, end, s, e = _frames("basketball-basket")
    w = e.world
    assert math.dist(w["knee_l"], w["shoulder"]) < 40  # the knees drawn to the chest
    assert LIB.poses["basketball-basket"].end.joints["neck"] >= 30  # the head towards the knees
    assert min(w[f"toe_{x}"][1] for x in "lr") > _floor(end) + 15  # the feet off the floor


def test_the_plough_is_the_supported_version_with_the_toes_off_the_floor():
    start, end, s, e = _frames("plough")
    w, floor = e.world, _floor(end)
    assert w["hip"][1] > w["shoulder"][1] + 20  # the hips rolled up over the shoulders
    assert min(w[f"toe_{x}"][1] for x in "lr") > floor + 20  # not the full plough: the toes stay off the floor
    assert min(w[f"elbow_{x}"][1] for x in "lr") < floor + 8  # the elbows on the floor, the hands on the back
    assert set(LIB.poses["plough"].facts.hands["end"]) == {"on-waist"}


def test_the_hip_circle_shifts_the_hips_over_both_feet_flat_with_the_head_still():
    start, end, s, e = _frames("hip-circles")
    assert abs(e.world["heel_l"][1] - e.world["heel_r"][1]) < 1  # both feet flat on the floor
    assert abs(e.world["hip"][2] - s.world["hip"][2]) >= 10  # the hips go round: here shifted to one side
    assert abs(e.world["head"][2] - s.world["head"][2]) < 3  # the head stays still


def test_the_chin_tuck_shows_the_crown_from_the_front_and_the_plain_head_turn_does_not():
    for fig in exercise_frames("neck-chin-tuck-turns", library=LIB):
        assert any(x.role == "body-hair" for x in fig.shapes), fig.frame  # the head bowed: its crown in view
    for fig in exercise_frames("neck-turns", library=LIB):
        assert not any(x.role == "body-hair" for x in fig.shapes), fig.frame


def test_the_palm_tree_shows_the_heels_lifted_and_the_hands_as_wide_as_the_feet():
    start, end, s, e = _frames("palm-tree")
    ep = LIB.poses["palm-tree"]
    assert ep.view == "front-side"
    floor = _floor(end)
    assert min(e.world[f"heel_{x}"][1] for x in "lr") > floor + 6  # up on the toes
    assert "toes" in contacts(end, ep, "end")
    hands = abs(e.world["hand_l"][2] - e.world["hand_r"][2])
    feet = abs(e.world["ankle_l"][2] - e.world["ankle_r"][2])
    assert 0.7 * feet <= hands <= 1.6 * feet, (hands, feet)
    # drawn: the heel stands clearly above the floor line in the end frame
    assert e.points["heel_l"][1] > s.points["heel_l"][1] + 5


def test_closing_the_feet_and_palms_shows_the_palms_together_on_the_chest_and_the_lift():
    start, end, s, e = _frames("closing-feet-palms")
    assert LIB.poses["closing-feet-palms"].view == "side-above"
    w = s.world
    assert math.dist(w["hand_l"], w["hand_r"]) < 5 and math.dist(w["wrist_l"], w["wrist_r"]) < 6  # palms together
    assert math.dist(w["heel_l"], w["heel_r"]) < 3 and math.dist(w["knee_l"], w["knee_r"]) > 50  # soles, knees out
    assert e.world["head"][1] > s.world["head"][1] + 8  # the upper body lifted a little
    # drawn: the hands lie over the chest (after the trunk), not hidden under it, and nowhere near the face
    trunk = max(i for i, x in enumerate(start.shapes) if x.role == "body-head")
    hand = s.points["hand_l"]
    assert any(i > trunk and hand in getattr(x, "points", ()) for i, x in enumerate(start.shapes))
    from physio.figures.body import HEAD_RADIUS_CM
    from physio.figures.facts import _flat_seg_dist

    for x in "lr":  # no hand or forearm drawn over the face
        for a, b in ((f"elbow_{x}", f"wrist_{x}"), (f"wrist_{x}", f"hand_{x}")):
            assert _flat_seg_dist(s.points["head"], s.points[a], s.points[b]) > HEAD_RADIUS_CM, (a, b)


def test_marching_on_the_spot_swings_the_arm_opposite_the_raised_knee_forward():
    """The third review found the high-knee march drawn with the knee and the arm on the same side forward: the
    opposite of walking, a poor balance cue for an older patient."""
    end = LIB.poses["warmup-high-knees"].end.joints
    raised = "l" if end["hip_l"] > end["hip_r"] else "r"
    other = "r" if raised == "l" else "l"
    assert end[f"hip_{raised}"] >= 80 and end[f"shoulder_{other}"] > 20 and end[f"shoulder_{raised}"] < 0


# The third independent review (/work/helpers/pictures-verdict-3.md, docs/pictures-review.md) judged these fair:
# each test checks, in the drawing, the fact a patient could not see.

def _drawn_lift(sk, side):
    """How far a raised leg is drawn from where it would lie flat on the mat (same hip, same way out to the side),
    as a share of its length, and the angle between the two on the page."""
    from physio.figures.body import project

    hip, ankle = sk.world[f"hip_{side}"], sk.world[f"ankle_{side}"]
    d = [ankle[i] - hip[i] for i in range(3)]
    length, level = math.sqrt(sum(c * c for c in d)), math.hypot(d[0], d[2])
    flat = (hip[0] + length * d[0] / level, hip[1], hip[2] + length * d[2] / level)
    h, a, f = (project(q, sk.view) for q in (hip, ankle, flat))
    u, v = (a[0] - h[0], a[1] - h[1]), (f[0] - h[0], f[1] - h[1])
    cos = (u[0] * v[0] + u[1] * v[1]) / (math.hypot(*u) * math.hypot(*v))
    return math.dist(a, f) / length, math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _segments_cross(p, q, a, b):
    def side(u, v, w):
        return (v[0] - u[0]) * (w[1] - u[1]) - (v[1] - u[1]) * (w[0] - u[0])
    return side(p, q, a) * side(p, q, b) < 0 and side(a, b, p) * side(a, b, q) < 0


def test_the_scissors_draw_both_raised_legs_clearly_off_the_mat_apart_then_crossed_in_an_x():
    """Seen straight from beyond the head, one raised leg was drawn where it would lie on the mat (1° off it) and
    the other upright: the lift could not be judged."""
    start, end, s, e = _frames("supine-scissors")
    for sk in (s, e):
        for x in "lr":
            share, angle = _drawn_lift(sk, x)
            assert share >= 0.35 and angle >= 12, (sk.view, x, share, angle)
    apart, crossed = ([(sk.points[f"hip_{x}"], sk.points[f"ankle_{x}"]) for x in "lr"] for sk in (s, e))
    assert not _segments_cross(*apart[0], *apart[1])  # apart: a V
    assert _segments_cross(*crossed[0], *crossed[1])  # crossed: an X


def test_pilyuiko_draws_the_knees_moving_well_across_the_page_onto_the_mat_and_the_face_the_other_way():
    """From the side and above, the knees' fall away from the viewer showed only as a change in the thighs'
    angle; from beyond the feet they move across the page by most of a thigh's length and lie on the mat."""
    start, end, s, e = _frames("pilyuiko-knee-drop")
    ep = LIB.poses["pilyuiko-knee-drop"]
    thigh = math.dist(s.world["hip_l"], s.world["knee_l"])
    moved = [e.points[f"knee_{x}"][0] - s.points[f"knee_{x}"][0] for x in "lr"]
    assert all(abs(m) >= 0.6 * thigh for m in moved) and moved[0] * moved[1] > 0, (moved, thigh)
    assert "knees" in contacts(end, ep, "end")
    eyes = [x.center[0] for x in end.shapes if x.role == "body-eye"]
    assert eyes and (sum(eyes) / len(eyes) - e.points["head"][0]) * moved[0] < 0  # the face turned the other way


def test_elbow_opening_shows_the_face_under_the_meeting_elbows_and_the_near_arm_dark_when_open():
    """The elbows meeting above the face hid the whole head, and the opened arms were both drawn pale."""
    from physio.figures.body import HEAD_RADIUS_CM
    from physio.figures.draw import STYLE
    from physio.figures.facts import _flat_seg_dist

    start, end, s, e = _frames("supine-elbow-opening")
    w = s.world
    assert math.dist(w["elbow_l"], w["elbow_r"]) < 13 and w["elbow_l"][1] > _floor(start) + 25  # meeting, raised
    # the face shows: no arm drawn over the head, and the meeting elbows stand clear of it, above the face
    head = max(i for i, x in enumerate(start.shapes) if x.role == "body-head")
    assert any(x.role == "body-eye" for x in start.shapes[head:])
    for x in "lr":
        for a, b in ((f"shoulder_{x}", f"elbow_{x}"), (f"elbow_{x}", f"wrist_{x}")):
            seg = (s.points[a], s.points[b])
            assert not any(i > head and getattr(y, "points", ()) == seg for i, y in enumerate(start.shapes)) or (
                _flat_seg_dist(s.points["head"], *seg) > HEAD_RADIUS_CM + 4), (a, b)
        assert math.dist(s.points[f"elbow_{x}"], s.points["head"]) > HEAD_RADIUS_CM + 4, x
    assert set(LIB.poses["supine-elbow-opening"].facts.hands["start"]) == {"behind-head"}
    assert all(math.dist(w[f"hand_{x}"], w["head"]) < HEAD_RADIUS_CM + 10 for x in "lr")  # hands behind the head

    def fill(fig, sk, a, b):
        (line,) = [x for x in fig.shapes if x.role == "body" and getattr(x, "points", ()) == (sk.points[a], sk.points[b])]
        return line.color

    near = [x for x in "lr" if fill(end, e, f"elbow_{x}", f"wrist_{x}") == STYLE["near"][0]]
    assert near and fill(end, e, f"shoulder_{near[0]}", f"elbow_{near[0]}") == STYLE["near"][0]


def test_the_cobra_is_low_leaning_lightly_on_the_hands_with_the_elbows_bent_and_the_pelvis_down():
    """Reviews found the end first like the elbow prop (forearms on the mat), then near upright like the press-up
    (trunk about 75°), then at 40-50°: an older back patient copying it would push into strong extension. The
    cobra of a back programme lifts the chest about 20-32°, the palms flat on the floor under the chest, the
    elbows bent back with the forearms standing up from the hands, the pelvis on the mat."""
    start, end, s, e = _frames("cobra")
    ep = LIB.poses["cobra"]
    p, floor = e.points, _floor(end)
    trunk = math.degrees(math.atan2(p["shoulder"][1] - p["hip"][1], p["shoulder"][0] - p["hip"][0]))
    assert 20 <= trunk <= 32, trunk
    for x in "lr":
        assert p[f"elbow_{x}"][1] > p[f"wrist_{x}"][1] + 10  # the forearm stands up from the hand, not along the mat
        assert p[f"wrist_{x}"][1] < floor + 8 and p[f"hand_{x}"][1] < floor + 8  # the palm flat on the mat
        assert abs(p[f"wrist_{x}"][0] - p["shoulder"][0]) < 12  # under the chest, by the shoulders
    assert {"front", "hands"} <= contacts(end, ep, "end") and abs(p["hip"][1] - s.points["hip"][1]) < 3


def test_the_head_lift_is_small_from_a_start_with_the_shoulders_off_the_floor():
    """The end looked straight ahead (about 40° of neck extension) for 'lift your head up a little', and the start
    lay flat although the text says 'shoulders off the floor, forehead near the floor'."""
    start, end, s, e = _frames("prone-head-lift")
    ep = LIB.poses["prone-head-lift"]
    assert 12 <= ep.start.joints["neck"] - ep.end.joints["neck"] <= 20  # a little
    assert ep.end.joints["neck"] + ep.end.joints["lumbar"] > -25  # the eyes still down, not looking ahead
    floor = _floor(start)
    assert s.world["shoulder"][1] > floor + THICK_CHEST_CM / 2 + 3  # the shoulders off the floor
    from physio.figures.body import HEAD_RADIUS_CM

    assert s.world["head"][1] - HEAD_RADIUS_CM < floor + 8  # the forehead near the floor


THICK_CHEST_CM = 22.0  # a rough chest depth: lying flat, the shoulder line sits about half of it above the floor


def test_the_bar_hang_hangs_straight_with_the_feet_clear():
    """The end had the knees bent about 60° with the shins kicked back; the text says 'hang straight, legs
    relaxed'. The feet stay clearly off the floor (test_the_bar_hang_has_the_feet_clearly_off_the_floor)."""
    start, end, s, e = _frames("hang-bar")
    j = LIB.poses["hang-bar"].end.joints
    assert all(j[f"knee_{x}"] <= 15 and j[f"hip_{x}"] <= 10 for x in "lr")
    w = e.world
    for x in "lr":  # the ankle hangs under the hip, not behind it
        assert abs(w[f"ankle_{x}"][0] - w[f"hip_{x}"][0]) < 12, x


# The third independent review (docs/pictures-review.md) judged these five "fair"; each test checks the point made.


def test_the_chin_tuck_turn_shows_the_chin_held_down_with_a_sign_at_the_face():
    # from the front the bowed head alone read as a cap: an arrow down beside the face says "chin down"
    start = exercise_frames("neck-chin-tuck-turns", library=LIB)[0]
    s = start.skeletons["start"]
    downs = [x for x in start.shapes if x.role == "mark-down"]
    assert downs, "no chin-down sign"
    ys = [p[1] for x in downs for p in getattr(x, "points", ())]
    assert s.points["neck_top"][1] - 25 < min(ys) and max(ys) < s.points["head"][1] + 25  # beside the face
    assert any(x.role == "mark-turn" for x in start.shapes)  # the head turn still shown
    assert not any(x.role == "mark-down" for x in exercise_frames("neck-turns", library=LIB)[0].shapes)


def test_the_wide_legged_twist_shows_the_turn_at_the_trunk_and_a_clearly_bent_knee():
    start, end, s, e = _frames("seated-straddle-twist")
    ring = [p for x in start.shapes if x.role == "mark-turn" for p in getattr(x, "points", ())]
    centre_y = sum(p[1] for p in ring) / len(ring)
    # round the trunk, well under the shoulders: not a ring at the neck that reads as "turn your head"
    assert s.points["hip"][1] < centre_y < s.points["shoulder"][1] - 15
    # the bent knee shows bent as drawn (the fourth review saw a straight, foreshortened leg): thigh and shin meet
    # at a clear angle, the knee standing above the ankle
    for sk in (s, e):
        p = sk.points
        thigh, shin = (p["hip_l"][0] - p["knee_l"][0], p["hip_l"][1] - p["knee_l"][1]), \
            (p["ankle_l"][0] - p["knee_l"][0], p["ankle_l"][1] - p["knee_l"][1])
        angle = math.degrees(math.acos((thigh[0] * shin[0] + thigh[1] * shin[1]) / math.hypot(*thigh) / math.hypot(*shin)))
        assert angle <= 150 and p["knee_l"][1] > p["ankle_l"][1] + 15, angle


def test_the_hanging_pelvis_turn_shows_the_turn_sign_in_the_end_frame_too():
    frames = exercise_frames("hanging-pelvis-turns", library=LIB)
    assert LIB.poses["hanging-pelvis-turns"].view == "front-side"
    for fig in frames:
        assert any(x.role == "mark-turn" for x in fig.shapes), fig.frame  # the sign at the pelvis in both
    e = frames[1].skeletons["end"]
    ring = [p for x in frames[1].shapes if x.role == "mark-turn" for p in getattr(x, "points", ())]
    assert abs(sum(p[1] for p in ring) / len(ring) - e.points["hip"][1]) < 15
    # other exercises keep their sign on the start frame only
    assert not any(x.role == "mark-turn" for x in exercise_frames("neck-turns", library=LIB)[1].shapes)


def test_the_basket_wraps_the_hands_round_the_knees_with_the_feet_low():
    start, end, s, e = _frames("basketball-basket")
    w = e.world
    # the hands at the knees, in front of the shins, not together in front of the face
    assert all(math.dist(w[f"hand_{x}"], w[f"knee_{x}"]) < 14 for x in "lr")
    assert all(math.dist(w[f"hand_{x}"], w["head"]) > 30 for x in "lr")
    # the feet lower than the knees: a compact ball, not legs held up
    assert all(w[f"toe_{x}"][1] < w[f"knee_{x}"][1] - 10 for x in "lr")


def test_closing_the_feet_and_palms_is_seen_lying_on_the_mat_with_the_head_lifted():
    start, end, s, e = _frames("closing-feet-palms")
    # seen from the side and above: the body lies along the page (long and low), not upright facing the viewer
    for sk in (s, e):
        dx = abs(sk.points["head"][0] - sk.points["hip"][0])
        dy = abs(sk.points["head"][1] - sk.points["hip"][1])
        assert dx > 2 * dy
    # the small lift of head and shoulders shows on the page, not only as a longer neck
    assert e.points["head"][1] > s.points["head"][1] + 5
