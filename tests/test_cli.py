"""The `physio` command end to end: in-process through main([...]) and once as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from physio.cli import main
from physio.example import EXAMPLE_DIR, EXAMPLE_PLANS, build_example_workspace
from physio.library import load_library
from physio.planning import screen
from physio.store import Workspace, read_patients

from planning_helpers import START, patient, write_library


@pytest.fixture
def env(tmp_path):
    protocols = write_library(tmp_path / "protocols")
    ws = Workspace(tmp_path / "ws")
    ws.add_patient(patient())
    base = ["--workspace", str(ws.folder), "--protocols", str(protocols)]
    return ws, base


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(ws: Workspace):
    return ws.patients(), {i: ws.plan_versions(i) for i in ws.plan_ids()}


def test_plan_new_with_overrides_issues_version_one(env, capsys):
    ws, base = env
    code, out, err = run(capsys, base + [
        "plan", "new", "--patient", "P001", "--protocol", "test-back", "--phase", "one", "--start", "2026-09-07",
        "--set", "glute-bridge.reps=18", "--reason", "glute-bridge.reps=used to high volume",
        "--remove", "prone-lying", "--add", "heel-slide", "--set", "heel-slide.reps=8", "--note", "Walk daily.",
        "--issued-by", "Dr Kim",
    ])
    assert (code, err) == (0, "")
    plan = ws.plan("P001-test-back")
    assert plan.version == 1 and plan.issued_by == "Dr Kim" and plan.start == START
    assert [pe.exercise.id for pe in plan.exercises] == ["glute-bridge", "heel-slide"]
    assert plan.exercise("glute-bridge").reasons == {"reps": "used to high volume"}
    assert plan.notes == ["Walk daily."]
    assert "P001-test-back v1" in out and "2 × 18" in out and "used to high volume" in out


def test_dry_run_stores_nothing(env, capsys):
    ws, base = env
    code, out, _ = run(capsys, base + ["plan", "new", "--patient", "P001", "--protocol", "test-back", "--phase", "one",
                                       "--start", "2026-09-07", "--dry-run"])
    assert code == 0 and "dry run" in out and ws.plan_ids() == []


def test_show_advance_step_back_and_patients_list(env, capsys):
    ws, base = env
    new = base + ["plan", "new", "--patient", "P001", "--protocol", "test-back", "--phase", "one", "--start",
                  "2026-09-07"]
    assert main(new) == 0
    code, out, _ = run(capsys, base + ["plan", "advance", "P001-test-back"])
    assert code == 0 and "Phase: Phase 1 → Phase 2." in out
    assert ws.plan("P001-test-back").phase_id == "two" and ws.plan("P001-test-back").version == 2
    code, out, _ = run(capsys, base + ["plan", "step-back", "P001-test-back", "--start", "2026-10-01"])
    # phase 1 asks for more sessions a week than phase 2: the step back is a lighter dose of phase 2
    assert code == 0 and ws.plan("P001-test-back").phase_id == "two" and "lighter dose" in out
    assert [p.phase_id for p in ws.plan_versions("P001-test-back")] == ["one", "two", "two"]
    code, out, _ = run(capsys, base + ["plan", "show", "P001-test-back", "--version", "2"])
    assert code == 0 and "v2" in out and "Phase 2" in out and "Since v1: Phase: Phase 1 → Phase 2." in out
    code, out, _ = run(capsys, base + ["patients", "list"])
    assert code == 0 and out.startswith("Workspace: ws (") and "\nP001\tAnna Test" in out and "P001-test-back v3" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--patient", "P404"], "no patient 'P404'"),
        (["--protocol", "nope"], "no protocol 'nope'"),
        (["--phase", "nine"], "no phase 'nine'"),
        (["--start", "07.09.2026"], "'07.09.2026' is not a date; write it as YYYY-MM-DD"),
        (["--set", "bird-dog.reps=5"], "'bird-dog', but it is not in phase 'one'"),
        (["--set", "glute-bridge.reps=40"], "Bridge: reps 40 is above the hard limit 1–20"),
        (["--set", "glute-bridge.reps=18"], "a written reason is required"),
        (["--set", "glute-bridge.reps=ten"], "'ten' is not a whole number"),
        (["--set", "glute-bridge.repeats=5"], "'repeats' is not a dose parameter"),
        (["--add", "seated-twist", "--set", "seated-twist.reps=5"], "tagged twist"),
        (["--add", "moonwalk", "--set", "moonwalk.reps=5"], "no exercise 'moonwalk'"),
        (["--add", "heel-slide"], "give its dose too"),
    ],
)
def test_bad_input_exits_2_with_one_message_and_changes_nothing(env, capsys, args, message):
    ws, base = env
    before = snapshot(ws)
    defaults = {"--patient": "P001", "--protocol": "test-back", "--phase": "one", "--start": "2026-09-07"}
    for k in list(defaults):
        if k in args:
            defaults.pop(k)
    argv = base + ["plan", "new"] + [x for kv in defaults.items() for x in kv] + args
    code, out, err = run(capsys, argv)
    assert code == 2 and message in err and "Traceback" not in err
    assert err.startswith("physio: error:")
    assert snapshot(ws) == before


def test_advance_past_last_phase_and_unknown_plan(env, capsys):
    ws, base = env
    assert main(base + ["plan", "new", "--patient", "P001", "--protocol", "test-back", "--phase", "three",
                        "--start", "2026-09-07"]) == 0
    capsys.readouterr()
    code, _, err = run(capsys, base + ["plan", "advance", "P001-test-back"])
    assert code == 2 and "last phase" in err
    code, _, err = run(capsys, base + ["plan", "show", "P009-x"])
    assert code == 2 and "no issued plan 'P009-x'" in err
    assert len(ws.plan_versions("P001-test-back")) == 1


# ---------------------------------------------------------------- example workspace


def test_example_patients_cover_the_issue():
    patients = {p.id: p for p in read_patients(EXAMPLE_DIR / "patients")}
    assert len(patients) >= 5
    kinds = {c.kind for p in patients.values() for c in p.conditions}
    assert {"lumbar-disc-hernia", "scoliosis"} <= kinds
    teen = [p for p in patients.values() if any(c.risser is not None for c in p.conditions)]
    assert teen and START.year - teen[0].birth_year < 18 and 18 <= teen[0].cobb_deg() <= 26
    assert any(p.language == "ru" and any("\u0400" <= ch <= "\u04ff" for ch in p.name) for p in patients.values())
    assert any(p.clearances for p in patients.values())
    assert {r.patient_id for r in EXAMPLE_PLANS} == set(patients)


def test_example_screening_against_shipped_board_protocol():
    lib = load_library()
    if "stretching-board" not in lib.protocols:
        pytest.skip("the stretching-board protocol is not shipped yet")
    board = lib.protocol("stretching-board")
    patients = {p.id: p for p in read_patients(EXAMPLE_DIR / "patients")}
    blocked = screen(board, patients["P003"], START)
    assert not blocked.allowed and "glaucoma" in blocked.refusals[0]
    cleared = screen(board, patients["P004"], START)
    assert cleared.allowed and "Dr Paul Grant" in cleared.cleared[0]


def test_example_workspace_is_reproducible_and_kept(tmp_path, capsys):
    a = build_example_workspace(tmp_path / "a")
    b = build_example_workspace(tmp_path / "b")
    ids = a.plan_ids()
    assert ids and ids == b.plan_ids()
    assert [a.plan(i) for i in ids] == [b.plan(i) for i in ids]
    assert "P001-lumbar-disc-hernia" in ids and "P003-stretching-board" not in ids
    assert [p.version for p in a.plan_versions("P001-lumbar-disc-hernia")] == [1]
    # an existing workspace is kept as it is
    a.issue(a.plan("P001-lumbar-disc-hernia"), "Dr Kim")
    code, out, _ = run(capsys, ["workspace", "example", str(tmp_path / "a")])
    assert code == 0 and "kept" in out
    assert len(a.plan_versions("P001-lumbar-disc-hernia")) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no half-built folders left


def test_example_refuses_a_folder_with_other_files(tmp_path, capsys):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("mine")
    code, _, err = run(capsys, ["workspace", "example", str(tmp_path / "c")])
    assert code == 2 and "already holds other files" in err
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["notes.txt"]


def test_console_command_in_a_subprocess(tmp_path):
    folder = tmp_path / "clinic"
    env = {**os.environ, "PHYSIO_WORKSPACE": str(folder)}
    exe = Path(sys.executable).with_name("physio")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "physio.cli"]
    done = subprocess.run(cmd + ["workspace", "example"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(cmd + ["plan", "show", "P001-lumbar-disc-hernia"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "Maria Kovacs" in done.stdout
    bad = subprocess.run(cmd + ["plan", "show", "nope"], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "no issued plan 'nope'" in bad.stderr


def test_contraindicated_patient_gets_every_reason_on_stderr(env, capsys):
    ws, base = env
    ws.add_patient(patient(id="P002", name="Bo", contraindications=["tumour", "hypertension"]))
    before = snapshot(ws)
    code, out, err = run(capsys, base + ["plan", "new", "--patient", "P002", "--protocol", "test-back", "--phase",
                                         "one", "--start", "2026-09-07"])
    assert code == 2 and out == ""
    assert "not allowed for Bo (P002)" in err and "'tumour'" in err and "'hypertension'" in err
    assert snapshot(ws) == before


def _build(folder: str) -> list[str]:
    return build_example_workspace(folder).plan_ids()


def test_two_processes_building_the_example_at_once_get_one_workspace(tmp_path):
    import multiprocessing as mp

    folder = str(tmp_path / "shared")
    with mp.get_context("spawn").Pool(2) as pool:
        a, b = pool.map(_build, [folder, folder])
    assert a == b and a
    ws = Workspace(folder)
    assert all(len(ws.plan_versions(i)) == 1 for i in ws.plan_ids())
    assert [p.name for p in tmp_path.iterdir()] == ["shared"]


def test_export_writes_both_files_and_refuses_a_plan_id_with_all(env, capsys, tmp_path):
    ws, base = env
    new = ["plan", "new", "--patient", "P001", "--protocol", "test-back", "--phase", "one", "--start", "2026-09-07"]
    assert run(capsys, base + new)[0] == 0
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out, err = run(capsys, base + ["export", "--all", "P001-test-back", "--out", str(out_dir), "--quiet"])
    assert code == 2 and "--all" in err and "'P001-test-back'" in err
    assert list(out_dir.iterdir()) == []
    code, out, err = run(capsys, base + ["export", "P001-test-back", "--out", str(out_dir)])
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "P001_P001-test-back_v1_handout.pdf", "P001_P001-test-back_v1_log.xlsx",
        "P001_P001-test-back_v1_therapist-summary.pdf"]
    assert f"Handout: {out_dir / 'P001_P001-test-back_v1_handout.pdf'}" in out
    assert f"Therapist's summary: {out_dir / 'P001_P001-test-back_v1_therapist-summary.pdf'}" in out
    code, out, err = run(capsys, base + ["export", "P001-nope", "--out", str(out_dir)])
    assert code == 2 and "no issued plan 'P001-nope'" in err
