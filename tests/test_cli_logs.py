"""The terminal path through the loop: export a plan, import what came back, review it, see the clinic."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from physio.cli import main
from physio.example import build_example_workspace
from physio.importing import EXAMPLE_LOGS


@pytest.fixture()
def ws_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    build_example_workspace(folder)
    return folder


def run(ws: Path, *args: str) -> int:
    return main(["--workspace", str(ws), *args])


def test_export_one_plan_writes_handout_and_workbook(ws_folder, capsys):
    assert run(ws_folder, "export", "P001-lumbar-disc-hernia") == 0
    out = capsys.readouterr().out
    handout = Path(out.split("Handout: ")[1].splitlines()[0])
    workbook = Path(out.split("Workbook: ")[1].splitlines()[0])
    assert handout.parent == ws_folder / "export" and workbook.exists()
    text = subprocess.run([shutil.which("pdftotext") or "pdftotext", str(handout), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Maria Kovacs" in text


def test_export_all_skips_a_patient_without_a_plan_and_succeeds(ws_folder, capsys):
    assert run(ws_folder, "export", "--all", "--quiet") == 0
    out = capsys.readouterr().out
    assert "Exported 5 plan(s)" in out and "P003: skipped, no plan has been issued" in out
    assert len(list((ws_folder / "export").glob("*_handout.pdf"))) == 5
    assert len(list((ws_folder / "export").glob("*_therapist-summary.pdf"))) == 5


def test_export_without_a_plan_id_says_what_to_do(ws_folder, capsys):
    assert run(ws_folder, "export") == 2
    assert "name the plan to export" in capsys.readouterr().err


def test_import_twice_adds_nothing_and_a_resend_replaces_and_says_so(ws_folder, capsys, tmp_path):
    from physio.store import Workspace

    log = EXAMPLE_LOGS / "P002--diary-cp1251.csv"  # the example workspace imported it once already
    before = len(Workspace(ws_folder).log_entries("P002"))
    assert run(ws_folder, "import", "P002", str(log)) == 0
    again = capsys.readouterr().out
    assert "Rows read: 60 = 60 accepted + 0 rejected." in again
    assert "This exact file was imported before: nothing was added or changed." in again
    assert len(Workspace(ws_folder).log_entries("P002")) == before
    resent = tmp_path / "P002 resent.csv"
    resent.write_bytes(log.read_bytes() + "\r\n".encode("cp1251"))  # same rows, another file
    assert run(ws_folder, "import", "P002", str(resent)) == 0
    assert "replaced 60 entries" in capsys.readouterr().out
    assert len(Workspace(ws_folder).log_entries("P002")) == before


def test_import_of_another_patients_workbook_is_refused(ws_folder, capsys):
    assert run(ws_folder, "import", "P001", str(EXAMPLE_LOGS / "P005--red-flag.xlsx")) == 2
    err = capsys.readouterr().err
    assert "workbook of patient 'P005'" in err and "nothing was imported" in err


def test_import_with_a_malformed_mapping_is_refused(ws_folder, capsys):
    assert run(ws_folder, "import", "P002", str(EXAMPLE_LOGS / "P002--diary-cp1251.csv"), "--map", "pain") == 2
    assert "FIELD=HEADER" in capsys.readouterr().err


def test_review_shows_the_red_flag_and_refers_and_writes_the_report(ws_folder, capsys, tmp_path):
    report = tmp_path / "report.pdf"
    assert run(ws_folder, "review", "P005-lumbar-disc-hernia", "--report", str(report)) == 0
    out = capsys.readouterr().out
    assert "Recommendation: REFER" in out and "FLAG" in out
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert "Сергей Петров" in text or "P005" in text


def test_a_new_version_with_no_log_says_there_is_nothing_to_judge_not_hold(ws_folder, capsys, tmp_path):
    assert run(ws_folder, "plan", "advance", "P001-lumbar-disc-hernia") == 0  # v1's log was imported
    capsys.readouterr()
    report = tmp_path / "report.pdf"
    assert run(ws_folder, "review", "P001-lumbar-disc-hernia", "--report", str(report)) == 0
    out = capsys.readouterr().out
    assert "version 2" in out or "v2" in out
    assert "Recommendation: NO LOG" in out and "HOLD" not in out and "Hold" not in out
    assert "No log yet for this plan version: nothing to judge; wait for the patient's first log" in out
    assert "Longest streak" not in out  # nothing reported: no streak or gap to tell
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert "No log yet for this plan version" in " ".join(text.split()) and "Hold" not in text
    assert run(ws_folder, "clinic") == 0
    lines = capsys.readouterr().out.splitlines()
    # after every patient with something to judge, never hidden, never as if urgent
    assert lines[-1].startswith("P001") and lines[-1].endswith("no log")
    assert "no log since version 2 issued on" in lines[-1]


def test_clinic_lists_every_patient_with_a_plan(ws_folder, capsys):
    assert run(ws_folder, "clinic") == 0
    out = capsys.readouterr().out
    for pid in ("P001", "P002", "P004", "P005", "P006"):
        assert pid in out
    assert "refer" in out.splitlines()[0]  # the most urgent first


def test_contact_sheet_command_writes_a_pdf(tmp_path, capsys):
    out = tmp_path / "sheet.pdf"
    assert main(["pictures", "contact-sheet", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_workspace_option_may_follow_the_command(ws_folder, capsys):
    assert main(["clinic", "--workspace", str(ws_folder)]) == 0
    assert "P005" in capsys.readouterr().out
    assert main(["patients", "list", f"--workspace={ws_folder}"]) == 0
    assert "Maria Kovacs" in capsys.readouterr().out
