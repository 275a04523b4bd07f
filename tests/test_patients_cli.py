"""`physio patients ...` as a therapist runs it: a real subprocess, from a YAML file, from options and from prompts
answered on stdin; edits keep history, archiving hides and blocks, bringing back undoes it; every bad input is one
plain sentence naming the field, with exit status 2 and nothing stored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from physio.store import Workspace
from planning_helpers import write_library

PATIENT_YAML = """\
id: P101
name: Eva Lind
birth_year: 1961
sex: female
language: en
therapist: Anna Berg
time_zone: Europe/Berlin
conditions:
  - kind: lumbar-disc-hernia
    disc_level: L4-L5
    side: left
    directional_preference: extension
contraindications: [hypertension]
clearances:
  - contraindication: hypertension
    by: Dr Weber
    on: 2026-08-20
    protocol: stretching-board
    valid_until: 2027-02-20
psfs_activities: [sitting at work, lifting my grandson]
notes: Works at a desk.
"""


def physio(ws: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PHYSIO_USER": "Anna Berg"}
    return subprocess.run([sys.executable, "-m", "physio.cli", "--workspace", str(ws), *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def ws(tmp_path) -> Path:
    return tmp_path / "clinic"


def refused(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_add_from_a_yaml_file_stores_every_field(ws, tmp_path):
    f = tmp_path / "patient.yaml"
    f.write_text(PATIENT_YAML, encoding="utf-8")
    done = physio(ws, "patients", "add", "--file", str(f))
    assert done.returncode == 0, done.stderr
    assert "Added Eva Lind (P101)" in done.stdout and "Workspace: clinic (" in done.stdout
    p = Workspace(ws).patient("P101")
    assert p.conditions[0].disc_level == "L4-L5" and p.conditions[0].directional_preference == "extension"
    assert p.clearances[0].by == "Dr Weber" and p.psfs_activities == ["sitting at work", "lifting my grandson"]
    assert Workspace(ws).history("P101")[0].who == "Anna Berg"


def test_add_from_options_with_condition_details_and_a_clearance(ws):
    done = physio(ws, "patients", "add", "--id", "P102", "--name", "Dana Roth", "--birth-year", "2010",
                  "--therapist", "Anna Berg", "--language", "ru",
                  "--condition", "scoliosis,cobb=24,risser=2,curve=right thoracic",
                  "--contraindication", "High-Blood-Pressure",
                  "--clearance", "hypertension,by=Dr Weber,on=2026-08-20,protocol=scoliosis",
                  "--psfs", "carrying a school bag")
    assert done.returncode == 0, done.stderr
    p = Workspace(ws).patient("P102")
    c = p.conditions[0]
    assert (c.kind, c.cobb_deg, c.risser, c.curve_type) == ("scoliosis", 24, 2, "right thoracic")
    assert p.contraindications == ["hypertension"] and p.language == "ru"
    shown = physio(ws, "patients", "show", "P102").stdout
    assert "Idiopathic scoliosis (Cobb 24°, Risser 2, curve right thoracic)" in shown
    assert "High blood pressure" in shown and "hypertension" not in shown.split("Contraindications:")[1].split("\n")[0]


def test_an_id_differing_only_in_capitals_is_refused_and_a_lookup_suggests_the_stored_one(ws):
    """'p101' beside 'P101' would split one person's records or mix two people's: refused, nothing stored."""
    assert physio(ws, "patients", "add", "--id", "P101", "--name", "Eva Lind", "--birth-year", "1961",
                  "--therapist", "Anna Berg").returncode == 0
    line = refused(physio(ws, "patients", "add", "--id", "p101", "--name", "Eve Lind", "--birth-year", "1962",
                          "--therapist", "Anna Berg"))
    assert "'p101' differs from the existing patient 'P101' only in capital letters" in line
    assert [p.id for p in Workspace(ws).patients()] == ["P101"]
    assert "did you mean 'P101'?" in refused(physio(ws, "patients", "show", "p101"))


def test_add_by_answering_prompts_asks_again_for_a_refused_answer(ws):
    answers = "\n".join([
        "P103", "Boris Kim", "2031", "1958", "m", "male", "", "Anna Berg", "",
        "lumbar-disc-hernia", "L45", "L5-S1", "right", "flexion",
        "hypertensoin", "hypertension", "",
        "hypertension,by=Dr Weber,on=2026-08-20,protocol=stretching-board", "",
        "gardening", "", "Retired.",
    ]) + "\n"
    done = physio(ws, "patients", "add", stdin=answers)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Not accepted: The birth year 2031 is in the future" in out
    assert "Not accepted: Sex must be one of: female, male or other ('m' was given)" in out
    assert "Not accepted: Disc level of condition 1 must be written like L4-L5" in out
    assert "Not accepted: Unknown contraindication 'hypertensoin'; did you mean hypertension" in out
    p = Workspace(ws).patient("P103")
    assert (p.birth_year, p.sex, p.conditions[0].disc_level, p.conditions[0].side) == (1958, "male", "L5-S1", "right")
    assert p.conditions[0].directional_preference == "flexion" and p.contraindications == ["hypertension"]
    assert p.psfs_activities == ["gardening"] and p.notes == "Retired."


def test_prompts_that_end_early_store_nothing(ws):
    done = physio(ws, "patients", "add", stdin="P104\nAnna\n")
    assert refused(done) == "physio: error: the input ended before the birth year was given; nothing was stored"
    assert Workspace(ws).patients(include_archived=True) == []


def test_edit_says_what_changed_and_history_shows_old_and_new(ws):
    physio(ws, "patients", "add", "--id", "P105", "--name", "Eva", "--birth-year", "1961", "--therapist", "Anna Berg")
    done = physio(ws, "patients", "edit", "P105", "--therapist", "Jonas Meier", "--contraindication", "glaucoma",
                  "--reason", "Anna on leave")
    assert done.returncode == 0, done.stderr
    assert "therapist: Anna Berg → Jonas Meier" in done.stdout
    assert "contraindications: none → Glaucoma" in done.stdout
    again = physio(ws, "patients", "edit", "P105", "--therapist", "Jonas Meier")
    assert "Nothing changed" in again.stdout
    history = physio(ws, "patients", "history", "P105").stdout
    assert "patient added" in history and "changed (Anna on leave)" in history
    assert "therapist: Anna Berg → Jonas Meier" in history
    assert Workspace(ws).patient_history("P105")[0].therapist == "Anna Berg"


def test_edit_from_a_file_keeps_the_id_and_refuses_another_patients_file(ws, tmp_path):
    f = tmp_path / "patient.yaml"
    f.write_text(PATIENT_YAML, encoding="utf-8")
    physio(ws, "patients", "add", "--file", str(f))
    f.write_text(PATIENT_YAML.replace("Works at a desk.", "Now works standing."), encoding="utf-8")
    done = physio(ws, "patients", "edit", "P101", "--file", str(f))
    assert done.returncode == 0 and "notes: Works at a desk. → Now works standing." in done.stdout
    other = tmp_path / "other.yaml"
    other.write_text(PATIENT_YAML.replace("id: P101", "id: P999"), encoding="utf-8")
    assert "is the record of patient 'P999', not of 'P101'" in refused(physio(ws, "patients", "edit", "P101",
                                                                              "--file", str(other)))


def test_archive_hides_blocks_plans_and_imports_and_bring_back_undoes_it(tmp_path, ws):
    protocols = write_library(tmp_path / "protocols")
    physio(ws, "patients", "add", "--id", "P106", "--name", "Eva", "--birth-year", "1961", "--therapist", "Anna Berg")
    plan = ["--protocols", str(protocols), "plan", "new", "--patient", "P106", "--protocol", "test-back",
            "--phase", "one", "--start", "2026-09-07"]
    assert physio(ws, *plan).returncode == 0
    done = physio(ws, "patients", "archive", "P106", "--reason", "treatment finished")
    assert done.returncode == 0 and "Nothing was deleted" in done.stdout
    listed = physio(ws, "patients", "list").stdout
    assert "P106" not in listed and "1 archived patient not shown" in listed
    assert "P106\tEva" in physio(ws, "patients", "list", "--all").stdout
    blocked = refused(physio(ws, *plan))
    assert "patient 'P106' is archived" in blocked and "no new plan version can be issued" in blocked
    returned = tmp_path / "returned.csv"
    returned.write_text("date,exercise,done\n2026-09-07,cat-camel,yes\n", encoding="utf-8")
    imported = refused(physio(ws, "import", "P106", str(returned)))
    assert "patient 'P106' is archived" in imported and "returned.csv cannot be imported" in imported
    assert len(Workspace(ws).plan_versions(Workspace(ws).plans_for("P106")[0].id)) == 1
    back = physio(ws, "patients", "archive", "P106", "--undo")
    assert back.returncode == 0 and "back in the patient list" in back.stdout
    assert "P106\tEva" in physio(ws, "patients", "list").stdout
    assert physio(ws, *plan).returncode == 0


def test_bring_back_command_and_its_refusal_for_an_active_patient(ws):
    physio(ws, "patients", "add", "--id", "P107", "--name", "Eva", "--birth-year", "1961", "--therapist", "Anna Berg")
    assert "is not archived" in refused(physio(ws, "patients", "bring-back", "P107"))
    physio(ws, "patients", "archive", "P107", "--reason", "moved away")
    assert physio(ws, "patients", "bring-back", "P107").returncode == 0
    assert not Workspace(ws).is_archived("P107")


@pytest.mark.parametrize("options, sentence", [
    (["--id", ""], "The patient id is empty"),
    (["--id", "P 1"], "The patient id 'P 1' may hold only letters and digits"),
    (["--birth-year", "2031"], "The birth year 2031 is in the future; write the year the patient was born"),
    (["--contraindication", "hypertensoin"], "Unknown contraindication 'hypertensoin'; did you mean hypertension"),
    (["--condition", "lumbar-disc-hernia,side=up"], "Side of condition 1 must be one of: left, right"),
    (["--condition", "lumbar-disc-hernia,level"], "--condition 'lumbar-disc-hernia,level': 'level' is not understood"),
    (["--name", ""], "Name is empty; please fill it in"),
    (["--psfs", " "], "A PSFS activity needs a name"),
])
def test_each_bad_input_is_one_plain_sentence_naming_the_field_and_nothing_is_stored(ws, options, sentence):
    base = {"--id": "P108", "--name": "Eva", "--birth-year": "1961", "--therapist": "Anna Berg"}
    for flag, value in zip(options[::2], options[1::2]):
        base[flag] = value
    argv = [x for kv in base.items() for x in kv]
    line = refused(physio(ws, "patients", "add", *argv))
    assert sentence in line
    assert Workspace(ws).patients(include_archived=True) == []


def test_a_duplicate_patient_id_is_refused_and_the_first_record_kept(ws):
    physio(ws, "patients", "add", "--id", "P109", "--name", "Eva", "--birth-year", "1961", "--therapist", "Anna Berg")
    line = refused(physio(ws, "patients", "add", "--id", "P109", "--name", "Other", "--birth-year", "1970",
                          "--therapist", "Anna Berg"))
    assert line == ("physio: error: the patient id 'P109' is already used by Eva; choose another id, or change that "
                    "record with physio patients edit")
    assert Workspace(ws).patient("P109").name == "Eva"


def test_a_bad_yaml_file_names_the_file_and_the_field(ws, tmp_path):
    f = tmp_path / "new-patient.yaml"
    f.write_text(PATIENT_YAML.replace("birth_year: 1961", "birth_year: 2040"), encoding="utf-8")
    line = refused(physio(ws, "patients", "add", "--file", str(f)))
    assert line.startswith("physio: error: new-patient.yaml: The birth year 2040 is in the future")


# ---------------------------------------------------------------- a clinic's own workspace

REPO = Path(__file__).resolve().parent.parent


def test_workspace_new_makes_an_empty_workspace_and_says_what_to_do_next(tmp_path):
    folder = tmp_path / "clinic-nord"
    done = subprocess.run([sys.executable, "-m", "physio.cli", "workspace", "new", str(folder)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"Workspace: clinic-nord ({folder.resolve()}) — no patients yet" in done.stdout
    assert "patients add" in done.stdout and f"make run WORKSPACE={folder}" in done.stdout
    assert Workspace(folder).patients(include_archived=True) == []
    again = subprocess.run([sys.executable, "-m", "physio.cli", "workspace", "new", str(folder)],
                           capture_output=True, text=True, timeout=120)
    assert "already holds a workspace" in refused(again)


def test_workspace_new_refuses_a_folder_with_other_files(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "letter.txt").write_text("keep me", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "physio.cli", "workspace", "new", str(folder)],
                          capture_output=True, text=True, timeout=120)
    assert "already holds other files but no workspace; choose a new or empty folder" in refused(done)
    assert sorted(p.name for p in folder.iterdir()) == ["letter.txt"]


def _make(*args: str) -> subprocess.CompletedProcess:
    """The Makefile's own recipe, run with the physio of this test run (its venv step left out)."""
    bin_dir = Path(sys.executable).parent
    return subprocess.run(["make", "-s", "-o", "venv", f"BIN={bin_dir}", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300)


def test_make_with_a_clinic_folder_never_fills_it_with_example_patients(tmp_path):
    if not (Path(sys.executable).parent / "physio").exists():
        pytest.skip("the physio command is not installed next to this Python")
    folder = tmp_path / "clinic"
    done = _make("workspace", f"WORKSPACE={folder}")
    assert done.returncode == 0, done.stderr
    assert Workspace(folder).patients(include_archived=True) == []
    assert f"Workspace: clinic ({folder}) — no patients yet" in done.stdout
    physio(folder, "patients", "add", "--id", "C001", "--name", "Own Patient", "--birth-year", "1970",
           "--therapist", "Anna Berg")
    again = _make("workspace", f"WORKSPACE={folder}")
    assert again.returncode == 0 and "— 1 patient" in again.stdout
    assert [p.id for p in Workspace(folder).patients()] == ["C001"]
    opened = _make("-n", "run", f"WORKSPACE={folder}").stdout
    assert f'PHYSIO_WORKSPACE="{folder}"' in opened and "workspace example" not in opened


def test_make_run_opens_the_example_workspace_by_default():
    planned = _make("-n", "run").stdout
    assert f'workspace example "{REPO / "workspace"}"' in planned
    assert f'PHYSIO_WORKSPACE="{REPO / "workspace"}"' in planned
    for target in ("run", "app"):
        relative = _make("-n", target, "WORKSPACE=workspace").stdout  # the same folder, named relatively
        assert "workspace example" in relative and f'PHYSIO_WORKSPACE="{REPO / "workspace"}"' in relative


def test_the_example_workspace_says_it_is_the_example(example_workspace):
    from physio.workspace_info import workspace_line

    line = workspace_line(Workspace(example_workspace))
    assert line == "Workspace: the example, with fictional patients only — 6 patients", "on screen: no path"
    line = workspace_line(Workspace(example_workspace), folder=True)  # the CLI's line names the folder too
    assert line.startswith("Workspace: the example, with fictional patients only (") and "6 patients" in line


def test_larger_print_is_set_and_unset_on_the_command_line(ws):
    physio(ws, "patients", "add", "--id", "P110", "--name", "Eva", "--birth-year", "1941", "--therapist", "Anna Berg",
           "--larger-print")
    assert Workspace(ws).patient("P110").larger_print is True
    done = physio(ws, "patients", "edit", "P110", "--no-larger-print")
    assert "larger print: yes → no" in done.stdout and Workspace(ws).patient("P110").larger_print is False


def test_a_red_flag_in_an_archived_patients_file_is_kept_and_shown_in_the_clinic(tmp_path, ws):
    """Archiving ends the treatment, not the duty to read what the patient sends: a file from an archived
    patient is refused as a log, yet its red flags are kept, listed, and the patient comes back to the overview."""
    protocols = write_library(tmp_path / "protocols")
    physio(ws, "patients", "add", "--id", "P108", "--name", "Eva", "--birth-year", "1961", "--therapist", "Anna Berg")
    plan = ["--protocols", str(protocols), "plan", "new", "--patient", "P108", "--protocol", "test-back",
            "--phase", "one", "--start", "2026-09-07"]
    assert physio(ws, *plan).returncode == 0
    assert physio(ws, "patients", "archive", "P108", "--reason", "treatment finished").returncode == 0
    assert "P108" not in physio(ws, "--protocols", str(protocols), "clinic").stdout
    returned = tmp_path / "returned.csv"
    returned.write_text("date,exercise,done,notes\n2026-09-08,cat-camel,yes,I wet myself and both legs went numb\n",
                        encoding="utf-8")
    said = refused(physio(ws, "import", "P108", str(returned)))
    assert "RED FLAG (EMERGENCY)" in said and "patient 'P108' is archived" in said
    assert Workspace(ws).log_entries("P108") == []  # no session imported under an archived patient
    assert Workspace(ws).open_red_flags("P108")
    assert "wet myself" in physio(ws, "redflags", "P108").stdout
    assert "P108" in physio(ws, "--protocols", str(protocols), "clinic").stdout
