"""Issue 11, points 1, 2 and 4 and "Bad input": one vocabulary for intake, protocols and exercises; screening
per exercise through its tags (so an exercise added to any plan brings its screening); general
contraindications in every protocol; clearances that name what they lift, are dated and expire; the hernia's
acute phase and directional preference. Everything through the shipped library, as a therapist uses it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from physio.errors import Contraindicated, PlanError, ProtocolError, UnknownId, WorkspaceError
from physio.library import DEFAULT_PROTOCOLS_DIR, load_library
from physio.models import AddedExercise, Clearance, Dose, Overrides, Patient
from physio.planning import personalise, screen
from physio.store import read_patient
from physio.vocabulary import default_vocabulary

START = dt.date(2026, 9, 7)
# the hernia protocol sets no board angle: the board added to it carries a time only
BOARD = AddedExercise(exercise="board-traction-supine", dose=Dose(duration_s=60, sessions_per_day=1))


def pat(**kw) -> Patient:
    data = {"id": "P100", "name": "Test Patient", "birth_year": 1975, "therapist": "Anna Berg",
            "conditions": [{"kind": "lumbar-disc-hernia", "directional_preference": "extension"}]}
    data.update(kw)
    return Patient.model_validate(data)


def plan_for(library, patient, protocol="lumbar-disc-hernia", phase=None, add=(), today=START):
    proto = library.protocol(protocol)
    late = "entered after the fact for the test" if (today - START).days > 7 else None
    return personalise(proto, patient, phase or proto.phases[0].id, START, Overrides(add=list(add)),
                       library=library, today=today, start_reason=late)


# ---------------------------------------------------------------- 1. one vocabulary


def test_case_and_synonyms_map_to_the_vocabulary_id_everywhere():
    p = pat(contraindications=["High-Blood-Pressure", "Glaucoma", "ocular hypertension"],
            conditions=[{"kind": "Herniated-Disc"}])
    assert p.contraindications == ["hypertension", "glaucoma"]  # the synonym of glaucoma is the same id, once
    assert p.conditions[0].kind == "lumbar-disc-hernia"
    vocab = default_vocabulary()
    assert vocab.contraindication("PREGNANT").id == "pregnancy" and vocab.condition("AIS").id == "scoliosis"


def test_an_unknown_or_misspelt_contraindication_is_refused_with_the_closest_ids():
    with pytest.raises(ValidationError) as e:
        pat(contraindications=["hypertensoin"])
    assert "unknown contraindication 'hypertensoin'; did you mean hypertension" in str(e.value)
    assert "allowed: pregnancy, osteoporosis" in str(e.value)
    with pytest.raises(UnknownId, match="did you mean scoliosis"):
        default_vocabulary().condition("scoliossis")


def test_patient_file_errors_name_the_file_the_field_and_what_is_allowed(tmp_path):
    base = {"id": "P004", "name": "Ingrid Larsen", "birth_year": 1972, "therapist": "Anna Berg",
            "contraindications": ["hypertension"],
            "clearances": [{"contraindication": "hypertension", "by": "Dr Paul Grant", "on": "2026-08-20",
                            "protocol": "stretching-board"}]}
    cases = {
        "misspelt": ({"contraindications": ["hypertenson"]},
                     ["contraindications", "did you mean hypertension", "allowed:"]),
        "not noted": ({"contraindications": []},
                      ["clearances[0] lifts 'hypertension', which is not among the patient's contraindications"]),
        "no date": ({"clearances": [{k: v for k, v in base["clearances"][0].items() if k != "on"}]},
                    ["clearances.0.on", "YYYY-MM-DD"]),
        "no protocol or exercise": ({"clearances": [{k: v for k, v in base["clearances"][0].items()
                                                     if k != "protocol"}]},
                                    ["must name the protocol", "or the exercise"]),
    }
    for name, (change, words) in cases.items():
        f = tmp_path / f"{name}.yaml"
        f.write_text(yaml.safe_dump({**base, **change}, allow_unicode=True), encoding="utf-8")
        with pytest.raises(WorkspaceError) as e:
            read_patient(f)
        assert f.name in str(e.value) and all(w in str(e.value) for w in words), (name, str(e.value))
        assert "Traceback" not in str(e.value)


def _copy_library(tmp_path) -> Path:
    folder = tmp_path / "protocols"
    shutil.copytree(DEFAULT_PROTOCOLS_DIR, folder)
    return folder


def test_protocol_and_exercise_files_are_checked_against_the_vocabulary_with_file_and_line(tmp_path):
    folder = _copy_library(tmp_path)
    hernia = folder / "lumbar-disc-hernia.yaml"
    text = hernia.read_text(encoding="utf-8")
    line = text[: text.index("{id: tumour,")].count("\n") + 1
    hernia.write_text(text.replace("{id: tumour,", "{id: tumuor,", 1), encoding="utf-8")
    ex = folder / "exercises.yaml"
    etext = ex.read_text(encoding="utf-8")
    eline = etext[: etext.index("    tags: [hanging, traction, stretch]")].count("\n") + 1
    ex.write_text(etext.replace("    tags: [hanging, traction, stretch]",
                                "    tags: [hanging, traction, stretch]\n    contraindications: [shoulder-pain]", 1),
                  encoding="utf-8")
    with pytest.raises(ProtocolError) as e:
        load_library(folder)
    msg = str(e.value)
    assert f"lumbar-disc-hernia.yaml:{line} contraindications[1].id: unknown contraindication 'tumuor'; " \
           "did you mean tumour" in msg
    assert f"exercises.yaml:{eline + 1} exercises[0].contraindications[0]: unknown contraindication " \
           "'shoulder-pain'" in msg


# ---------------------------------------------------------------- 2. screening per exercise


def test_board_added_to_a_hernia_plan_brings_the_board_screen(library):
    """The bug of the issue: glaucoma and hypertension, the board added to a hernia plan, and the plan was made."""
    p = pat(contraindications=["glaucoma", "hypertension"])
    assert plan_for(library, p, phase="motor-control").exercises  # without the board: allowed
    with pytest.raises(Contraindicated) as e:
        plan_for(library, p, phase="motor-control", add=[BOARD])
    assert [r.split("'")[1] for r in e.value.reasons] == ["glaucoma", "hypertension"]
    assert "Board traction" in e.value.reasons[0] or "board-traction-supine" in e.value.reasons[0]
    assert "never allowed" in e.value.reasons[0] and "PU1" in e.value.reasons[0]
    assert "no valid clearance" in e.value.reasons[1] and "G1" in e.value.reasons[1]


def test_general_contraindications_are_checked_in_every_protocol(library):
    # osteoporosis rules out twists: the scoliosis programme has one (Pilyuiko knee drop)
    scol = {"conditions": [{"kind": "scoliosis", "cobb_deg": 15}]}
    with pytest.raises(Contraindicated) as e:
        plan_for(library, pat(contraindications=["osteoporosis"], **scol), "scoliosis")
    assert "pilyuiko-knee-drop" in e.value.reasons[0] and "twist" in e.value.reasons[0]
    # pregnancy rules out no exercise of the hernia programme: allowed, but never silently
    plan = plan_for(library, pat(contraindications=["pregnancy"]))
    assert any(w.startswith("Pregnancy: noted at intake; none of this plan's exercises") for w in plan.warnings)
    # recent spinal surgery names no tag: every exercise waits for the surgeon's clearance
    with pytest.raises(Contraindicated, match="recent-spinal-surgery"):
        plan_for(library, pat(contraindications=["recent-spinal-surgery"]), "scoliosis")


def _cleared(on, **kw):
    return pat(contraindications=["hypertension"],
               clearances=[{"contraindication": "hypertension", "by": "Dr Grant", "on": on, **kw}])


def test_a_clearance_counts_only_from_its_date_until_it_expires(library):
    exercise = {"exercise": "board-traction-supine"}
    ok = plan_for(library, _cleared("2026-08-20", **exercise), phase="motor-control", add=[BOARD])
    assert ok.cleared == ["High blood pressure (above 140/90) not controlled by treatment: cleared "
                          "by Dr Grant on 20 Aug 2026, valid until 16 Feb 2027 (Stretching board, lying on your back)"]
    cases = {
        "2026-09-20": "dated 20 Sep 2026, after the plan's start 07 Sep 2026",  # signed after the start
        "2025-09-01": "expired on 28 Feb 2026",  # 180 days (vocabulary: clearance_default, team-default)
    }
    for on, words in cases.items():
        with pytest.raises(Contraindicated) as e:
            plan_for(library, _cleared(on, **exercise), phase="motor-control", add=[BOARD], today=dt.date(2026, 9, 30))
        assert words in e.value.reasons[0], e.value.reasons
    with pytest.raises(Contraindicated, match="in the future"):
        plan_for(library, _cleared("2026-09-05", **exercise), phase="motor-control", add=[BOARD],
                 today=dt.date(2026, 9, 1))
    # the doctor's own end date wins over the default
    with pytest.raises(Contraindicated, match="expired on 31 Aug 2026"):
        plan_for(library, _cleared("2026-08-01", valid_until="2026-08-31", **exercise), phase="motor-control",
                 add=[BOARD])


def test_a_clearance_for_another_exercise_or_protocol_does_not_lift(library):
    p = _cleared("2026-08-20", exercise="board-traction-prone")
    with pytest.raises(Contraindicated):
        plan_for(library, p, phase="motor-control", add=[BOARD])
    p = _cleared("2026-08-20", protocol="lumbar-disc-hernia")  # for the whole protocol: lifts it here
    assert plan_for(library, p, phase="motor-control", add=[BOARD]).cleared


def test_the_clearance_is_printed_on_the_therapists_summary_not_the_handout(library, tmp_path):
    import subprocess

    from physio.io.export import export_plan

    plan = plan_for(library, _cleared("2026-08-20", exercise="board-traction-supine"), phase="motor-control",
                    add=[BOARD])
    files = export_plan(plan, tmp_path)

    def text_of(pdf) -> str:
        return " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())

    text = text_of(files.summary)
    assert "cleared by Dr Grant on 20 Aug 2026, valid until 16 Feb 2027 (Stretching board, lying on your back)" \
        in text, text[:3000]
    assert "'hypertension'" not in text  # the condition in words, never its vocabulary id
    assert "cleared by Dr Grant" not in text_of(files.handout)  # addressed to the therapist, not the patient


# ---------------------------------------------------------------- 4. hernia


@pytest.mark.parametrize("exercise", ["seated-forward-fold", "basketball-basket", "closing-feet-palms", "hang-bar",
                                      "board-traction-supine", "supine-leg-rotation"])
def test_the_acute_hernia_phase_forbids_loaded_flexion_hanging_board_and_twist(library, exercise):
    proto = library.protocol("lumbar-disc-hernia")
    phase = proto.phases[0]
    reasons = {f.tag: f.source for f in phase.forbidden}
    assert {"loaded-flexion", "hanging", "inversion", "board", "twist"} <= set(reasons)
    assert all(reasons.values())
    dose = Dose(duration_s=60) if "board" in exercise else Dose(reps=5)
    with pytest.raises(PlanError, match="forbid"):
        plan_for(library, pat(), add=[AddedExercise(exercise=exercise, dose=dose)])


@pytest.mark.parametrize("preference, first", [("extension", "prone-lying"), ("flexion", "supine-knee-to-belly"),
                                                ("lateral-shift", "supine-drawing-in"),
                                                ("none-found", "supine-drawing-in")])
def test_the_directional_preference_chooses_the_first_phase_programme(library, preference, first):
    p = pat(conditions=[{"kind": "lumbar-disc-hernia", "directional_preference": preference}])
    plan = plan_for(library, p)
    assert plan.exercises[0].exercise.id == first
    assert not any("directional preference" in w for w in plan.warnings)


def test_no_directional_preference_recorded_gives_a_warning(library):
    plan = plan_for(library, pat(conditions=[{"kind": "lumbar-disc-hernia"}]))
    assert plan.exercises[0].exercise.id == "prone-lying"
    assert any(w.startswith("No directional preference was recorded at intake") for w in plan.warnings)


def test_severe_pain_alone_is_no_contraindication(library):
    """NICE NG59 (N1): exercise is the core treatment; the lay source's 'no exercise in acute pain' is gone."""
    vocab = default_vocabulary()
    with pytest.raises(UnknownId):
        vocab.contraindication("acute-severe-pain")
    assert "acute-severe-pain" not in {c.id for c in library.protocol("lumbar-disc-hernia").contraindications}


# ---------------------------------------------------------------- from the outside: the command line


def _physio(*args, env_today="2026-09-07"):
    import os
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("physio")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "physio.cli"]
    env = {**os.environ, "PHYSIO_TODAY": env_today}
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


def test_cli_refuses_the_board_added_to_a_hernia_plan_of_a_patient_with_glaucoma(tmp_path):
    from physio.store import Workspace

    ws = Workspace(tmp_path / "ws")
    ws.add_patient(pat(contraindications=["Glaucoma"]))
    base = ["--workspace", ws.folder, "plan", "new", "--patient", "P100", "--protocol", "lumbar-disc-hernia",
            "--start", "2026-09-07"]
    r = _physio(*base, "--phase", "motor-control", "--add", "board-traction-supine",
                "--set", "board-traction-supine.duration_s=60")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "Contraindication 'glaucoma'" in r.stderr and "board-traction-supine" in r.stderr
    assert ws.plan_ids() == []
    # the acute phase refuses the bar hanging for every patient, naming its source
    r = _physio(*base, "--phase", "directional", "--add", "hang-bar", "--set", "hang-bar.duration_s=30")
    assert r.returncode == 2 and "this phase forbids" in r.stderr and "CT1" in r.stderr
    # without the board the same patient gets the plan
    r = _physio(*base, "--phase", "motor-control")
    assert r.returncode == 0, r.stderr
    assert ws.plan("P100-lumbar-disc-hernia").exercises
