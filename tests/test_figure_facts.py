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
    assert LIB.poses["supine-elbow-opening"].view == "top"  # the elbows open out to the sides, seen from above
    assert LIB.poses["reverse-prayer-scapula"].view == "back"  # the palms on the back, seen from behind
    assert set(LIB.poses["reverse-prayer-scapula"].facts.hands["start"]) == {"behind-back"}
    assert set(LIB.poses["warmup-arms-back"].facts.hands["start"]) == {"on-waist"}
    assert LIB.poses["heel-slide"].arrow == "heel_l" and LIB.poses["quadruped-lumbar-rock"].arrow == "lumbar"


def test_the_pictures_once_judged_fair_now_show_their_text():
    # knees bent up and dropped to one side, legs raised and dropped: seen from the feet and above, where the
    # bend of the knees shows (from straight above, bent knees looked like straight legs)
    for ex in ("pilyuiko-knee-drop", "supine-leg-rotation"):
        assert LIB.poses[ex].view == "oblique", ex
    start = exercise_frames("pilyuiko-knee-drop", library=LIB)[0].skeletons["start"].points
    assert start["knee_l"][1] > start["hip_l"][1] + 5 and start["knee_l"][1] > start["ankle_l"][1] + 5  # a peak
    assert LIB.poses["pilyuiko-knee-drop"].start.joints["knee_l"] >= 120  # steep: not read as straight legs end-on
    # sitting with the legs wide: seen from in front and above, where both the straddle and the lean show
    assert LIB.poses["seated-straddle-stretch"].view == "oblique"
    # the twist sitting with legs wide: the chest turns (a sign at the shoulders), seen from in front and above
    twist = LIB.poses["seated-straddle-twist"]
    assert twist.view == "oblique" and any(m.kind == "turn" and m.at == "shoulder" for m in twist.marks)
    # palm tree: from the front, the hands above the head as wide apart as the feet
    end = exercise_frames("palm-tree", library=LIB)[1].skeletons["end"].points
    hands, feet = abs(end["hand_l"][0] - end["hand_r"][0]), abs(end["ankle_l"][0] - end["ankle_r"][0])
    assert LIB.poses["palm-tree"].view == "front" and 0.7 * feet <= hands <= 1.6 * feet, (hands, feet)
    # lying face down: seen from above, the head turned to one side (its nose drawn in profile)
    prone = exercise_frames("prone-lying", library=LIB)
    assert LIB.poses["prone-lying"].end.joints["neck_turn"] >= 60
    assert all(any(s.role == "body-nose" for s in f.shapes) for f in prone)
    # closing the feet: the soles together and the knees out to the sides, seen from the feet and above
    w = exercise_frames("closing-feet-palms", library=LIB)[0].skeletons["start"].world
    assert LIB.poses["closing-feet-palms"].view == "oblique"
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

    # hanging from a bar: both legs hang nearly straight and alike (not one knee bent up)
    j = LIB.poses["hang-bar"].end.joints
    assert max(j["knee_l"], j["knee_r"]) <= 30 and j["knee_l"] == j["knee_r"] and max(j["hip_l"], j["hip_r"]) <= 10
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
