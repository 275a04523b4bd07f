"""A folder of returned logs imported at once, on every core (physio.importing_batch), through the path a therapist
takes: workbooks exported by physio, filled in as patients fill them, saved in one folder with whatever else came
back; `physio import-folder`. Each file must be recorded exactly as `physio import` records it alone."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from physio.example import build_example_workspace
from physio.importing import JudgedLog, import_log, judge_log
from physio.importing_batch import import_folder, named_patient
from physio.store import Workspace

HEAD, FIRST = 3, 4  # the day-by-day log: header on row 3, the first day on row 4


def physio(ws: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("physio")
    return subprocess.run([str(exe), "--workspace", str(ws), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


def fill(workbook: Path, out: Path, days: int, note: str | None = None) -> Path:
    """The patient ticks every exercise and writes back pain on the first `days` days, and maybe a note."""
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Log"] if "Log" in wb.sheetnames else wb["Дневник"]
    headers = {c.value: c.column for c in ws[HEAD] if c.value}
    ticks = [c for h, c in headers.items() if h[:1].isdigit()]
    pain = next(c for h, c in headers.items() if "(0" in h)
    for r in range(FIRST, FIRST + days):
        for c in ticks:
            ws.cell(r, c, "✓")
        ws.cell(r, pain, 2)
    if note:
        ws.cell(FIRST + 1, max(headers.values()), note)
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """An example workspace, every plan exported, and a folder of what came back by e-mail this week."""
    root = tmp_path_factory.mktemp("folder")
    ws = root / "ws"
    build_example_workspace(ws)
    (root / "export").mkdir()
    done = physio(ws, "export", "--all", "--out", str(root / "export"), "--quiet", "--workers", "1")
    assert done.returncode == 0, done.stderr
    exported = {p.name.split("_", 1)[0]: p for p in (root / "export").glob("*_log.xlsx")}
    back = root / "returned"
    back.mkdir()
    fill(exported["P001"], back / exported["P001"].name, 10, note="wet myself on the way home")
    fill(exported["P002"], back / "scan from phone.xlsx", 5)  # renamed: the workbook still says whose it is
    fill(exported["P006"], back / "P001 week 2.xlsx", 3)  # named after P001, but it is P006's workbook
    fill(exported["P004"], back / "P004--board.xlsx", 7)
    shutil.copy(Path(__file__).parent.parent / "patients_example" / "logs" / "P002--diary-cp1251.csv",
                back / "P002--diary.csv")  # imported before, when the example was built
    (back / "notes.txt").write_text("felt better this week\n", encoding="utf-8")
    (back / "handout.pdf").write_bytes(b"%PDF-1.4\n")
    return root


@pytest.fixture()
def env(template, tmp_path) -> tuple[Path, Path]:
    shutil.copytree(template / "ws", tmp_path / "ws")
    return tmp_path / "ws", template / "returned"


def stored(ws: Path, patient_id: str) -> tuple:
    """What the workspace holds for a patient: entries, rejections, red-flag notes (without import ids and times)."""
    w = Workspace(ws)
    return ([e.model_dump() for e in w.log_entries(patient_id)],
            [r.model_dump() for r in w.rejections(patient_id)],
            sorted((n.text, n.level, n.row, n.file) for n in w.red_flag_notes(patient_id)))


def test_import_folder_records_each_file_as_importing_it_alone_and_lists_every_file(env, tmp_path):
    ws, back = env
    # first the same files imported one at a time, the way `physio import` does, into another example workspace
    alone = tmp_path / "alone"
    build_example_workspace(alone)
    p001 = next(back.glob("P001_*")).name
    expected = {name: import_log(Workspace(alone), patient, back / name)
                for name, patient in [(p001, "P001"), ("scan from phone.xlsx", "P002"), ("P004--board.xlsx", "P004"),
                                      ("P002--diary.csv", "P002")]}

    done = physio(ws, "import-folder", str(back), "--workers", "2", "--quiet")
    assert done.returncode == 2, done.stderr  # two files could not be imported: the therapist must look
    out = done.stdout
    assert out.startswith("RED FLAGS (1)") and "[wet myself]" in out.splitlines()[1]
    lines = {line[2:].split(" → ")[0].split(": ")[0]: line for line in out.splitlines() if line.startswith("- ")}
    for name, report in expected.items():
        assert f"→ {report.patient_id}, plan {report.plan_id} v{report.plan_version}: " in lines[name]
        if not report.duplicate:
            assert f"{report.rows_read} read = {report.rows_accepted} accepted + {report.rows_rejected} rejected" \
                in lines[name]
    assert expected[p001].rows_accepted > 0 and "1 RED FLAG(S)" in lines[p001]
    assert "already imported, nothing added" in lines["P002--diary.csv"]
    assert "NOT IMPORTED" in lines["P001 week 2.xlsx"] and "workbook of patient 'P006'" in lines["P001 week 2.xlsx"]
    assert "NOT IMPORTED" in lines["notes.txt"] and "not read for red flags, as nobody knows whose" in lines["notes.txt"]
    assert "skipped, not a log file" in lines["handout.pdf"]
    assert "3 imported, 1 imported before" in out and "2 not imported, 1 skipped" in out
    for patient in ("P001", "P002", "P004", "P006"):  # P006: the misnamed workbook added nothing to anybody
        assert stored(ws, patient) == stored(alone, patient), patient


def test_one_worker_and_a_pool_record_the_same(env, tmp_path):
    ws, back = env
    shutil.copytree(ws, tmp_path / "ws1")
    pooled = import_folder(Workspace(ws), back, workers=2, progress=False)
    single = import_folder(Workspace(tmp_path / "ws1"), back, workers=1, progress=False)
    assert [i.line() for i in pooled.items] == [i.line() for i in single.items]
    for patient in ("P001", "P002", "P004", "P006"):
        assert stored(ws, patient) == stored(tmp_path / "ws1", patient)
    again = import_folder(Workspace(ws), back, workers=2, progress=False)  # the same folder twice adds nothing
    assert all(i.report.duplicate for i in again.imported)
    assert stored(ws, "P001") == stored(tmp_path / "ws1", "P001")


def test_an_archived_patients_files_are_refused_by_name_and_their_red_flags_kept(env, tmp_path):
    ws, back = env
    w = Workspace(ws)
    w.archive_patient("P001", by="Anna Berg", reason="treatment finished")
    w.archive_patient("P002", by="Anna Berg", reason="moved away")
    batch = import_folder(w, back, workers=2, progress=False)
    lines = {i.file: i for i in batch.items}
    p001 = next(n for n in lines if n.startswith("P001_"))
    assert lines[p001].error.startswith("RED FLAG (EMERGENCY)") and "archived" in lines[p001].error
    assert any("wet myself" in n.text for n in w.red_flag_notes("P001"))  # the file is kept for its red flag
    for name in ("scan from phone.xlsx", "P002--diary.csv"):  # by the workbook, and by the file name
        assert lines[name].patient_id == "P002" and "patient 'P002' is archived" in lines[name].error
    assert "P004" in lines["P004--board.xlsx"].line() and lines["P004--board.xlsx"].report is not None


def test_a_judged_log_sent_between_processes_arrives_whole(env):
    ws, back = env
    w = Workspace(ws)
    path = next(back.glob("P001_*"))
    outcome = judge_log(path.read_bytes(), path.name, "P001", w, clinic=w.clinic_profile())
    assert isinstance(outcome, JudgedLog) and outcome.checked.entries and outcome.red_flags
    sent = judge_log(path.read_bytes(), path.name, "P001", w, clinic=w.clinic_profile(), to_send=True)
    assert sent.raw.rows == []  # made light where it was judged: no rows, and no entry object is sent
    assert sent.checked.entries and b"LogEntry" not in pickle.dumps(sent)
    arrived = pickle.loads(pickle.dumps(sent))
    assert arrived.checked.entries == outcome.checked.entries
    assert (arrived.checked.rows_read, arrived.checked.rows_accepted, arrived.checked.rejected_rows) == \
        (outcome.checked.rows_read, outcome.checked.rows_accepted, outcome.checked.rejected_rows)
    assert (arrived.rejections, arrived.red_flags, arrived.answers) == (outcome.rejections, outcome.red_flags,
                                                                        outcome.answers)
    assert arrived.days.readings == outcome.days.readings and arrived.days.checked is arrived.checked


def test_a_file_is_for_the_patient_its_name_starts_with():
    known = ["P001", "P0011", "anna-k"]
    assert named_patient("P001--week 3.csv", known) == "P001"
    assert named_patient("P0011_P0011-scoliosis_v1_log.xlsx", known) == "P0011"
    assert named_patient("anna-k week 2.xlsx", known) == "anna-k"
    assert named_patient("P0012.xlsx", known) is None and named_patient("log.xlsx", known) is None


def test_import_folder_refuses_what_is_not_a_folder(tmp_path, example_workspace):
    done = physio(example_workspace, "import-folder", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert "is not a folder" in done.stderr and "Traceback" not in done.stderr
