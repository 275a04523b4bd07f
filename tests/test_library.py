"""The shipped exercise library and protocols: complete, safe, sourced; and a broken or unsafe file is refused
with a message that names the file, the line and the field, so a therapist can find and fix it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from physio.errors import ProtocolError
from physio.library import DEFAULT_PROTOCOLS_DIR, MAX_BOARD_SESSION_S, TEAM_DEFAULT, load_library, source_keys
from physio.models import Limit

LIB = load_library(DEFAULT_PROTOCOLS_DIR)
HERNIA = LIB.protocol("lumbar-disc-hernia")
SCOLIOSIS = LIB.protocol("scoliosis")
BOARD = LIB.protocol("stretching-board")

#: The exercise ids other parts of the project (drawings, plans, notebooks) rely on.
REQUIRED_IDS = """
hang-bar hang-inverted childs-pose cat-camel seated-straddle-stretch seated-straddle-twist superman
prone-diagonal-lift basketball-basket table-top-lift breathing-arm-raise
prone-swim wall-shoulder-lifts standing-clasp-lift reverse-prayer-scapula plough supine-scissors bird-dog
hanging-knee-raise hanging-pelvis-turns glute-bridge hip-circles
neck-press-back neck-press-forehead neck-turns neck-chin-tuck-turns prone-neck-lift
palm-tree hare-pose downward-dog supine-leg-rotation cat-stretch cobra
breathing-4-6-8 breathing-4-4-6
warmup-reach-up warmup-arms-back warmup-toe-raises warmup-high-knees
gold-fish joy-of-baby closing-feet-palms
seated-abdominal-draw-in prone-head-lift squat
pilyuiko-knee-drop supine-knee-to-belly supine-elbow-opening
board-traction-supine board-traction-prone prone-side-bends seated-forward-fold quadruped-lumbar-rock
relaxation-supine
prone-lying prone-prop prone-press-up supine-drawing-in heel-slide single-leg-bridge
""".split()


# ---------------------------------------------------------------- the shipped library


def test_every_required_exercise_exists_and_the_library_is_complete():
    missing = sorted(set(REQUIRED_IDS) - set(LIB.exercises))
    assert missing == []
    assert len(LIB.exercises) >= 50


def test_the_three_protocols_load_with_at_least_three_phases():
    assert set(LIB.protocols) >= {"lumbar-disc-hernia", "scoliosis", "stretching-board"}
    for proto in LIB.protocols.values():
        assert len(proto.phases) >= 3, proto.id


def test_exercise_instructions_are_numbered_steps_with_a_breathing_cue():
    for ex in LIB.exercises.values():
        assert len(ex.steps) >= 1 and all(s.strip() for s in ex.steps), ex.id
        assert ex.breathing.strip(), ex.id


@pytest.mark.parametrize(
    "exercise_id, tags",
    [
        # twists named by the brief and the article: a hernia screen depends on these tags
        ("seated-straddle-twist", {"twist"}),
        ("hanging-pelvis-turns", {"twist", "hanging"}),
        ("supine-leg-rotation", {"twist"}),
        ("pilyuiko-knee-drop", {"twist"}),
        ("hang-inverted", {"inversion", "hanging"}),
        ("hang-bar", {"hanging", "traction"}),
        ("board-traction-supine", {"board", "traction", "supine"}),
        ("board-traction-prone", {"board", "traction", "prone"}),
        ("prone-press-up", {"extension", "prone"}),
    ],
)
def test_safety_tags_are_on_the_exercises_that_need_them(exercise_id, tags):
    assert tags <= set(LIB.exercise(exercise_id).tags)


def test_abdominal_rotation_is_dosed_in_seconds_not_minutes():
    # the article's "40-60 minutes" is a translation slip; a patient must never read minutes
    dose = LIB.exercise("supine-leg-rotation").article_dose or ""
    assert "second" in dose and "minute" not in dose


def test_hernia_has_no_twist_and_forbids_twist_and_inversion():
    assert {"twist", "inversion"} <= set(HERNIA.forbidden_tags)
    for phase in HERNIA.phases:
        for rx in phase.exercises:
            assert "twist" not in LIB.exercise(rx.exercise).tags, (phase.id, rx.exercise)


def test_hernia_phases_go_directional_then_motor_control_then_strengthening():
    assert [p.id for p in HERNIA.phases] == ["directional", "motor-control", "strengthening"]
    first = [rx.exercise for rx in HERNIA.phases[0].exercises]
    assert first.index("prone-lying") < first.index("prone-prop") < first.index("prone-press-up")


def test_no_board_dose_or_board_limit_goes_above_twenty_minutes():
    board_doses = 0
    for proto in LIB.protocols.values():
        for phase in proto.phases:
            for rx in phase.exercises:
                if "board" not in LIB.exercise(rx.exercise).tags:
                    continue
                board_doses += 1
                limit = proto.limit(rx, "duration_s")
                assert limit is not None and limit.hard[1] <= MAX_BOARD_SESSION_S, (proto.id, phase.id)
                assert (rx.dose.duration_s or 0) <= MAX_BOARD_SESSION_S
    assert board_doses >= 3


def test_board_angle_limits_are_0_to_60_degrees():
    assert BOARD.limits["angle_deg"].hard == (0, 60)
    angles = [rx.dose.angle_deg for ph in BOARD.phases for rx in ph.exercises if rx.dose.angle_deg is not None]
    assert angles and all(0 <= a <= 60 for a in angles)


def test_board_contraindications_say_which_a_doctor_can_clear():
    clearable = {c.id: c.clearable for c in BOARD.contraindications}
    for never in ("glaucoma", "retinal-detachment", "pregnancy", "tumour"):
        assert clearable[never] is False, never
    for maybe in ("hypertension", "osteoporosis", "anticoagulants"):
        assert clearable[maybe] is True, maybe


def test_the_articles_contraindications_are_in_every_protocol_with_shared_ids():
    article = {"musculoskeletal-disease", "tumour", "spinal-or-head-injury", "acute-chronic-illness", "fever", "recent-surgery"}
    for proto in LIB.protocols.values():
        assert article <= {c.id for c in proto.contraindications}, proto.id


def test_scoliosis_warns_above_25_and_45_degrees():
    cobb = {w.value for w in SCOLIOSIS.warnings if w.when == "cobb_at_least"}  # inclusive: exactly 25° warns
    assert {25, 45} <= cobb
    assert {"inversion", "hanging"} <= set(SCOLIOSIS.forbidden_tags)
    pilyuiko = {"pilyuiko-knee-drop", "supine-knee-to-belly", "supine-elbow-opening"}
    assert pilyuiko <= {rx.exercise for ph in SCOLIOSIS.phases for rx in ph.exercises}


def test_red_flags_name_vocabulary_ids_and_every_emergency_has_the_protocols_words():
    from physio.vocabulary import default_vocabulary

    voc = default_vocabulary()
    emergencies = {f.id for f in voc.red_flags if f.level == "emergency"}
    for proto in LIB.protocols.values():
        named = {fid for rf in proto.red_flags for fid in rf.flags}
        assert emergencies <= named, proto.id
        for fid in named:
            voc.red_flag(fid)  # an unknown id raises
        ces = next(rf for rf in proto.red_flags if "ces-bladder" in rf.flags)
        assert "emergency department now" in ces.text


def test_a_protocol_naming_an_unknown_red_flag_is_refused_with_file_and_line(tmp_path):
    import shutil

    from physio.library import DEFAULT_PROTOCOLS_DIR, load_library

    folder = tmp_path / "protocols"
    shutil.copytree(DEFAULT_PROTOCOLS_DIR, folder)
    f = folder / "scoliosis.yaml"
    text = f.read_text(encoding="utf-8").replace("flags: [fever,", "flags: [feverish,", 1)
    f.write_text(text, encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "feverish" in ln)
    with pytest.raises(ProtocolError) as e:
        load_library(folder)
    assert f"scoliosis.yaml:{line} red_flags[1].flags[0]: unknown red flag 'feverish'" in str(e.value)


def test_advance_cut_off_is_70_percent_adherence_by_default():
    for proto in LIB.protocols.values():
        for phase in proto.phases:
            assert phase.progression.advance.min_adherence == 0.7, (proto.id, phase.id)
            assert "MI1" in source_keys(phase.progression.advance.source)


def _all_sources(proto) -> list[tuple[str, str]]:
    """Every (place, source text) of a protocol, from the models as loaded."""
    out: list[tuple[str, str]] = []
    for name, lim in proto.limits.items():
        out.append((f"limits.{name}", lim.source))
    for ph in proto.phases:
        out.append((f"{ph.id}.weeks_source", ph.weeks_source))
        out.append((f"{ph.id}.advance", ph.progression.advance.source))
        out.append((f"{ph.id}.step_back", ph.progression.step_back.source))
        for rx in ph.exercises:
            out.append((f"{ph.id}.{rx.exercise}", rx.source))
            out += [(f"{ph.id}.{rx.exercise}.limits.{n}", lim.source) for n, lim in rx.limits.items()]
    for group in (proto.contraindications, proto.red_flags, proto.warnings):
        out += [(item.id, item.source) for item in group]
    out += [(rule.text[:30], rule.source) for rule in proto.stop_rules]
    return out


def test_every_clinical_number_names_a_source_key_that_exists():
    checked = 0
    for proto in LIB.protocols.values():
        for place, src in _all_sources(proto):
            keys = source_keys(src)
            assert keys, (proto.id, place, src)
            for key in keys:
                assert key == TEAM_DEFAULT or key in LIB.sources, (proto.id, place, key)
            checked += 1
        # the protocol's own list of sources names every key it uses, and only known keys
        used = {k for _, s in _all_sources(proto) for k in source_keys(s)} - {TEAM_DEFAULT}
        assert used <= set(proto.sources), (proto.id, sorted(used - set(proto.sources)))
        assert set(proto.sources) <= set(LIB.sources), proto.id
    for ex in LIB.exercises.values():
        assert all(k in LIB.sources for k in source_keys(ex.source)), ex.id
    assert checked > 100


def test_doses_never_fall_between_phases_in_the_shipped_protocols():
    for proto in LIB.protocols.values():
        for before, after in zip(proto.phases, proto.phases[1:]):
            if after.deload:
                continue
            prev = {rx.exercise: rx.dose.values() for rx in before.exercises}
            for rx in after.exercises:
                for param, value in rx.dose.values().items():
                    assert value >= prev.get(rx.exercise, {}).get(param, 0), (proto.id, after.id, rx.exercise, param)


# ---------------------------------------------------------------- broken copies must be refused precisely


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped sources, exercises and protocols (not the drawings, checked elsewhere)."""
    out = tmp_path / "protocols"
    out.mkdir()
    for file in DEFAULT_PROTOCOLS_DIR.glob("*.yaml"):
        if file.name != "poses.yaml":
            shutil.copy(file, out / file.name)
    return out


def inject(folder: Path, file: str, old: str, new: str) -> int:
    """Replace the one occurrence of `old` in a copied file; return the 1-based line where `new` starts."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the fault needs exactly one {old!r} in {file}"
    at = text.index(old)
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:at].count("\n") + 1


def line_of(path: Path, text: str) -> int:
    content = path.read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


def problems(folder: Path) -> list[str]:
    with pytest.raises(ProtocolError) as e:
        load_library(folder)
    return e.value.problems


def index_of(phase, exercise_id: str) -> int:
    return [rx.exercise for rx in phase.exercises].index(exercise_id)


def test_unknown_exercise_is_refused_with_file_line_and_field(folder):
    i = index_of(HERNIA.phases[1], "heel-slide")
    line = inject(folder, "lumbar-disc-hernia.yaml", "- exercise: heel-slide\n", "- exercise: heel-slider\n")
    assert f"lumbar-disc-hernia.yaml:{line} phases[1].exercises[{i}].exercise: no exercise 'heel-slider' in exercises.yaml" in problems(folder)


def test_dose_above_the_hard_limit_is_refused(folder):
    i = index_of(HERNIA.phases[2], "squat")
    line = inject(folder, "lumbar-disc-hernia.yaml", "dose: {sets: 2, reps: 10, sessions_per_day: 1, days_per_week: 3}",
                  "dose: {sets: 2, reps: 40, sessions_per_day: 1, days_per_week: 3}")
    hard = HERNIA.limits["reps"].hard
    assert f"lumbar-disc-hernia.yaml:{line} phases[2].exercises[{i}].dose.reps: 40 is above the hard limit {hard[1]} (allowed {hard[0]}–{hard[1]})" in problems(folder)


def test_dose_outside_the_usual_range_is_refused_in_a_protocol_file(folder):
    usual = HERNIA.limits["reps"].usual
    assert usual[1] < 18 <= HERNIA.limits["reps"].hard[1]
    i = index_of(HERNIA.phases[2], "squat")
    line = inject(folder, "lumbar-disc-hernia.yaml", "dose: {sets: 2, reps: 10, sessions_per_day: 1, days_per_week: 3}",
                  "dose: {sets: 2, reps: 18, sessions_per_day: 1, days_per_week: 3}")
    assert f"lumbar-disc-hernia.yaml:{line} phases[2].exercises[{i}].dose.reps: 18 is outside the usual range {usual[0]}–{usual[1]}" in problems(folder)


def test_an_exercise_with_a_forbidden_tag_is_refused(folder):
    i = index_of(HERNIA.phases[1], "heel-slide")
    line = inject(folder, "lumbar-disc-hernia.yaml", "- exercise: heel-slide\n", "- exercise: supine-leg-rotation\n")
    assert (f"lumbar-disc-hernia.yaml:{line} phases[1].exercises[{i}].exercise: 'supine-leg-rotation' is tagged twist, "
            "which this protocol forbids") in problems(folder)


def test_a_board_session_of_25_minutes_is_refused(folder):
    line = inject(folder, "stretching-board.yaml", "dose: {angle_deg: 20, duration_s: 60, sessions_per_day: 2, days_per_week: 7}",
                  "dose: {angle_deg: 20, duration_s: 1500, sessions_per_day: 2, days_per_week: 7}")
    i = index_of(BOARD.phases[0], "board-traction-supine")
    found = problems(folder)
    assert any(p.startswith(f"stretching-board.yaml:{line} phases[0].exercises[{i}].dose.duration_s: a board session may last at most 20 minutes")
               for p in found), found


def test_a_board_hard_limit_above_20_minutes_is_refused_even_with_a_short_dose(folder):
    path = folder / "stretching-board.yaml"
    text = path.read_text(encoding="utf-8")
    old = "duration_s: {hard: [30, 1200], usual: [60, 300]"
    first = text.index(old)
    path.write_text(text[:first] + "duration_s: {hard: [30, 1500], usual: [60, 300]" + text[first + len(old):], encoding="utf-8")
    found = problems(folder)
    assert any("phases[0]" in p and "a board session may last at most 20 minutes" in p and "hard limit is above" in p
               for p in found), found


def test_a_dose_falling_between_phases_is_refused_unless_the_phase_is_a_deload(folder):
    i = index_of(HERNIA.phases[2], "bird-dog")
    old = "dose: {sets: 2, reps: 7, hold_s: 10, per_side: true, sessions_per_day: 1, days_per_week: 5}"
    line = inject(folder, "lumbar-disc-hernia.yaml", old, old.replace("reps: 7", "reps: 5"))
    assert (f"lumbar-disc-hernia.yaml:{line} phases[2].exercises[{i}].dose.reps: reps falls from 6 to 5 after phase "
            "'motor-control'; mark the phase 'deload: true' if that is meant") in problems(folder)

    inject(folder, "lumbar-disc-hernia.yaml", "    name: Phase 3 — Strengthening\n",
           "    name: Phase 3 — Strengthening\n    deload: true\n")
    lib = load_library(folder)
    assert lib.protocol("lumbar-disc-hernia").phases[2].exercises[i].dose.reps == 5


def test_a_duplicate_exercise_id_is_refused(folder):
    i = list(LIB.exercises).index("cat-stretch")
    line = inject(folder, "exercises.yaml", "- id: cat-stretch\n", "- id: cat-camel\n")
    assert f"exercises.yaml:{line} exercises[{i}].id: duplicate exercise id 'cat-camel'" in problems(folder)


def test_a_duplicate_phase_id_is_refused(folder):
    line = inject(folder, "scoliosis.yaml", "  - id: consolidation\n", "  - id: learning\n")
    assert f"scoliosis.yaml:{line} phases[2].id: duplicate phase id 'learning'" in problems(folder)


def test_a_duplicate_protocol_id_is_refused(folder):
    shutil.copy(folder / "scoliosis.yaml", folder / "scoliosis-copy.yaml")
    found = problems(folder)
    assert any(p.startswith("scoliosis.yaml:") and "duplicate protocol id 'scoliosis'" in p and "scoliosis-copy.yaml" in p
               for p in found), found


def test_a_misspelt_field_is_refused_as_unknown(folder):
    i = index_of(HERNIA.phases[0], "prone-press-up")
    line = inject(folder, "lumbar-disc-hernia.yaml", "        note: Start press-ups", "        notes: Start press-ups")
    found = problems(folder)
    assert any(p.startswith(f"lumbar-disc-hernia.yaml:{line} phases[0].exercises[{i}].notes: unknown field; check its spelling")
               for p in found), found


def test_an_unknown_source_key_is_refused(folder):
    i = index_of(HERNIA.phases[1], "heel-slide")
    line = inject(folder, "lumbar-disc-hernia.yaml", 'source: "B1: heel slide, 10 repetitions',
                  'source: "B9: heel slide, 10 repetitions')
    assert (f"lumbar-disc-hernia.yaml:{line} phases[1].exercises[{i}].source: unknown source key 'B9'; "
            "add it to sources.yaml") in problems(folder)


def test_a_source_without_a_key_is_refused(folder):
    line = inject(folder, "scoliosis.yaml", 'weeks_source: "SC2: taught in 5 sessions', 'weeks_source: "taught in 5 sessions')
    found = problems(folder)
    assert any(p.startswith(f"scoliosis.yaml:{line} phases[0].weeks_source: ") and "does not start with a source key" in p
               for p in found), found


def test_bad_yaml_is_refused_with_the_line(folder):
    line = inject(folder, "scoliosis.yaml", "    min_weeks: 8\n", "    min_weeks: [8\n")
    found = problems(folder)
    assert len(found) == 1 and found[0].startswith("scoliosis.yaml:") and "is not valid YAML" in found[0]
    reported = int(found[0].split(":")[1].split()[0])
    assert line <= reported <= line + 2  # the parser notices the open bracket on the next line or two


def test_a_missing_required_field_is_refused(folder):
    i = list(LIB.exercises).index("squat")
    line = line_of(folder / "exercises.yaml", "  - id: squat\n")
    inject(folder, "exercises.yaml", "    aim: Strengthen the legs and learn to bend the knees instead of the back.\n", "")
    # the field is absent, so the message points at the exercise it belongs to
    assert f"exercises.yaml:{line} exercises[{i}].aim: this field is required" in problems(folder)


def test_units_typed_as_text_are_refused_with_the_value(folder):
    i = index_of(BOARD.phases[0], "quadruped-lumbar-rock")
    line = inject(folder, "stretching-board.yaml", "dose: {duration_s: 300, sessions_per_day: 1, days_per_week: 7}\n        source: \"article: stretching no. 4, 5-10 minutes; team-default",
                  "dose: {duration_s: 5min, sessions_per_day: 1, days_per_week: 7}\n        source: \"article: stretching no. 4, 5-10 minutes; team-default")
    found = problems(folder)
    assert any(p.startswith(f"stretching-board.yaml:{line} phases[0].exercises[{i}].dose.duration_s: ") and "'5min'" in p
               for p in found), found


def test_negative_and_absurd_values_are_refused(folder):
    i = index_of(HERNIA.phases[2], "squat")
    line = inject(folder, "lumbar-disc-hernia.yaml", "dose: {sets: 2, reps: 10, sessions_per_day: 1, days_per_week: 3}",
                  "dose: {sets: -2, reps: 10, sessions_per_day: 1, days_per_week: 9}")
    found = problems(folder)
    assert any(p.startswith(f"lumbar-disc-hernia.yaml:{line} phases[2].exercises[{i}].dose.sets: ") and "-2" in p for p in found), found
    assert any(p.startswith(f"lumbar-disc-hernia.yaml:{line} phases[2].exercises[{i}].dose.days_per_week: ") and "9" in p
               for p in found), found


def test_an_empty_file_and_a_file_that_is_not_utf8_are_refused(folder):
    (folder / "scoliosis.yaml").write_text("", encoding="utf-8")
    assert problems(folder) == ["scoliosis.yaml:1 the file is empty"]
    (folder / "scoliosis.yaml").write_bytes("title: Сколиоз\n".encode("cp1251"))
    found = problems(folder)
    assert len(found) == 1 and found[0].startswith("scoliosis.yaml: not UTF-8") and "save it as UTF-8" in found[0]


def test_every_problem_in_every_file_is_reported_at_once(folder):
    inject(folder, "lumbar-disc-hernia.yaml", "- exercise: heel-slide\n", "- exercise: heel-slider\n")
    inject(folder, "scoliosis.yaml", "  - id: consolidation\n", "  - id: learning\n")
    inject(folder, "exercises.yaml", "- id: cat-stretch\n", "- id: cat-camel\n")
    found = problems(folder)
    assert {p.split(":")[0] for p in found} >= {"lumbar-disc-hernia.yaml", "scoliosis.yaml", "exercises.yaml"}


def test_limits_must_be_ordered():
    with pytest.raises(ValueError, match="hard min ≤ usual min ≤ usual max ≤ hard max"):
        Limit(hard=(0, 10), usual=(5, 20), source="team-default: test")


def test_a_board_session_counts_every_set(folder):
    # 3 sets of 8 minutes is 24 minutes on the board, though each set is short
    i = index_of(BOARD.phases[0], "board-traction-supine")
    inject(folder, "stretching-board.yaml", "  sessions_per_day: {hard: [1, 3]", "  sets: {hard: [1, 3], usual: [1, 3], source: \"team-default: test\"}\n  sessions_per_day: {hard: [1, 3]")
    line = inject(folder, "stretching-board.yaml", "dose: {angle_deg: 20, duration_s: 60, sessions_per_day: 2, days_per_week: 7}",
                  "dose: {sets: 3, angle_deg: 20, duration_s: 480, sessions_per_day: 2, days_per_week: 7}")
    found = problems(folder)
    assert any(p.startswith(f"stretching-board.yaml:{line} phases[0].exercises[{i}].dose.duration_s: a board session may last "
                            "at most 20 minutes") and "1440 s" in p for p in found), found


def test_board_exercises_of_one_phase_together_stay_under_20_minutes(folder):
    # each is allowed alone (12 and 10 minutes), together they are 22 minutes on the board
    inject(folder, "stretching-board.yaml", "dose: {angle_deg: 40, duration_s: 300, sessions_per_day: 2, days_per_week: 7}",
           "dose: {angle_deg: 40, duration_s: 720, sessions_per_day: 2, days_per_week: 7}")
    inject(folder, "stretching-board.yaml", "dose: {angle_deg: 30, duration_s: 180, sessions_per_day: 1, days_per_week: 7}",
           "dose: {angle_deg: 30, duration_s: 600, sessions_per_day: 1, days_per_week: 7}")
    line = line_of(folder / "stretching-board.yaml", "  - id: full-programme")
    found = [p for p in problems(folder) if "board session" in p]
    assert len(found) == 1 and found[0].startswith("stretching-board.yaml:") and "phases[2].exercises: " in found[0], found
    assert "add up to 1320 s" in found[0] and int(found[0].split(":")[1].split()[0]) > line


def test_a_file_that_is_not_a_protocol_is_refused_not_skipped(folder):
    # a misspelt top-level `phases:` must not drop the whole protocol without a word
    inject(folder, "scoliosis.yaml", "\nphases:\n", "\nphase:\n")
    found = problems(folder)
    assert any(p.startswith("scoliosis.yaml:") and "not a protocol file (no top-level 'phases:')" in p for p in found), found


def test_an_unreadable_protocol_does_not_hide_the_problems_of_the_others(folder):
    (folder / "scoliosis.yaml").write_text("", encoding="utf-8")
    inject(folder, "lumbar-disc-hernia.yaml", "- exercise: heel-slide\n", "- exercise: heel-slider\n")
    found = problems(folder)
    assert "scoliosis.yaml:1 the file is empty" in found
    assert any("no exercise 'heel-slider'" in p for p in found), found


def test_a_number_in_a_summary_or_goal_must_name_its_source(folder):
    line = inject(folder, "lumbar-disc-hernia.yaml", "goal: Train the deep trunk muscles to hold the spine steady",
                  "goal: Train the deep trunk muscles for 20 minutes a day to hold the spine steady")
    found = problems(folder)
    assert any(p.startswith(f"lumbar-disc-hernia.yaml:{line} phases[1].goal: the number in ") and "names no source" in p
               for p in found), found
    # naming a source key in brackets in the same sentence is enough
    inject(folder, "lumbar-disc-hernia.yaml", "for 20 minutes a day to hold the spine steady",
           "for 20 minutes a day (team-default) to hold the spine steady")
    assert load_library(folder).protocol("lumbar-disc-hernia").phases[1].goal.count("20 minutes") == 1
