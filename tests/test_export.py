"""Exporting a plan's two files, for one patient or a whole workspace: names, folders, failures, no partial output."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from export_helpers import make_plan
from pypdf import PdfReader

from physio.errors import ExportError
from physio.io.batch import export_all
from physio.io.export import export_plan
from physio.io.pdf import handout_bytes
from physio.io.xlsx import workbook_bytes
from physio.models import Patient
from physio.store import Workspace


@pytest.fixture(scope="module")
def plan():
    return make_plan(n_exercises=2, weeks=1)


def test_export_plan_writes_both_files_named_by_patient_plan_and_version(plan, tmp_path):
    result = export_plan(plan, tmp_path)
    assert result.handout == tmp_path / "p001_p001-test-back_v2_handout.pdf"
    assert result.workbook == tmp_path / "p001_p001-test-back_v2_log.xlsx"
    assert result.summary == tmp_path / "p001_p001-test-back_v2_therapist-summary.pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([result.handout.name, result.workbook.name,
                                                                 result.summary.name])
    assert result.handout.read_bytes() == handout_bytes(plan)
    assert result.workbook.read_bytes() == workbook_bytes(plan)
    assert len(PdfReader(result.handout).pages) >= 1
    assert openpyxl.load_workbook(result.workbook).sheetnames[:2] == ["Plan", "Log"]


def test_missing_output_folder_is_named_in_the_error(plan, tmp_path):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(ExportError, match=f"{missing}.*does not exist"):
        export_plan(plan, missing)
    assert not missing.exists()


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nobody may write in; for root (who ignores permissions) it is made immutable."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("running as root on a file system without chattr +i: cannot make a folder read-only")
    try:
        yield folder
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_read_only_output_folder_gives_a_clear_error_and_no_file(plan, read_only_folder):
    with pytest.raises(ExportError, match=f"{read_only_folder}.*cannot be written"):
        export_plan(plan, read_only_folder)
    assert list(read_only_folder.iterdir()) == []


def test_a_failed_second_file_takes_the_first_one_back(plan, tmp_path, monkeypatch):
    real_replace = os.replace

    def disk_full_for_workbooks(src, dst):
        if str(dst).endswith(".xlsx"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", disk_full_for_workbooks)
    with pytest.raises(ExportError, match="could not write .*_log.xlsx: No space left on device"):
        export_plan(plan, tmp_path)
    assert list(tmp_path.iterdir()) == []  # neither the handout nor a temporary file is left


def test_plan_without_exercises_writes_nothing(tmp_path):
    with pytest.raises(ExportError, match="has no exercises"):
        export_plan(make_plan().model_copy(update={"exercises": []}), tmp_path)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ a whole workspace


def _patient(pid: str, name: str) -> Patient:
    return Patient(id=pid, name=name, birth_year=1970, therapist="Dr. Maria Ivanova")


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    ws.add_patients([_patient("p001", "Анна Петрова"), _patient("p002", "Boris Empty"),
                     _patient("p003", "Chen Noplan"), _patient("p004", "Dora Smith")])
    ws.issue(make_plan(2, 1, patient_id="p001", patient_name="Анна Петрова"), issued_by="Dr. Maria Ivanova")
    ws.issue(make_plan(2, 1, patient_id="p001", patient_name="Анна Петрова", note="Second version."),
             issued_by="Dr. Maria Ivanova")
    empty = make_plan(1, 1, patient_id="p002", patient_name="Boris Empty").model_copy(update={"exercises": []})
    ws.issue(empty, issued_by="Dr. Maria Ivanova")
    ws.issue(make_plan(3, 2, patient_id="p004", patient_name="Dora Smith"), issued_by="Dr. Maria Ivanova")
    return ws


def test_export_all_exports_latest_versions_and_reports_every_failure(workspace, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    batch = export_all(workspace, out, progress=False)
    by_patient = {i.patient_id: i for i in batch.items}
    assert sorted(by_patient) == ["p001", "p002", "p003", "p004"]
    assert [i.patient_id for i in batch.exported] == ["p001", "p004"]
    assert "has no exercises" in by_patient["p002"].error
    assert "no plan has been issued" in by_patient["p003"].skipped
    assert by_patient["p003"] not in batch.failed
    assert sorted(p.name for p in out.iterdir()) == [
        "p001_p001-test-back_v2_handout.pdf", "p001_p001-test-back_v2_log.xlsx",
        "p001_p001-test-back_v2_therapist-summary.pdf",
        "p004_p004-test-back_v1_handout.pdf", "p004_p004-test-back_v1_log.xlsx",
        "p004_p004-test-back_v1_therapist-summary.pdf",
    ]
    assert "Exported 2 plan(s)" in str(batch) and "p002" in str(batch) and "p003" in str(batch)


def test_export_all_refuses_a_missing_folder_before_doing_anything(workspace, tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        export_all(workspace, tmp_path / "nowhere", progress=False)


def test_export_all_shows_a_progress_bar(workspace, tmp_path, capsys):
    export_all(workspace, tmp_path, progress=True)
    assert "Exporting plans" in capsys.readouterr().err


def test_a_plan_personalised_from_the_shipped_library_exports_completely(library, tmp_path):
    import datetime as dt

    from physio.planning import personalise, schedule

    protocol = library.protocol("lumbar-disc-hernia")
    patient = Patient(id="r001", name="Ирина Смирнова", birth_year=1980, therapist="Dr. Maria Ivanova")
    plan = personalise(protocol, patient, protocol.phases[1].id, dt.date(2025, 5, 5), library=library,
                       today=dt.date(2025, 5, 5))
    result = export_plan(plan, tmp_path)
    text = " ".join(page.extract_text() for page in PdfReader(result.handout).pages)
    text = " ".join(text.split())
    for pe in plan.exercises:
        assert pe.exercise.name in text and pe.dose.summary() in text
    from physio.daylog import day_rows

    log = openpyxl.load_workbook(result.workbook)["Log"]
    assert log.max_row == 3 + len(day_rows(plan, schedule(plan)))  # title, instructions, header, then the days


def test_another_process_exports_the_very_same_bytes(plan, tmp_path):
    """Reproducible across runs, not just within one: hash seeds and import order change nothing."""
    import hashlib
    import sys

    here = Path(__file__).parent
    code = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]);"
        "from export_helpers import make_plan; from physio.io.pdf import handout_bytes;"
        "from physio.io.xlsx import workbook_bytes; p = make_plan(n_exercises=2, weeks=1);"
        "print(hashlib.sha256(handout_bytes(p)).hexdigest(), hashlib.sha256(workbook_bytes(p)).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, str(here)], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == [hashlib.sha256(handout_bytes(plan)).hexdigest(),
                                  hashlib.sha256(workbook_bytes(plan)).hexdigest()]
