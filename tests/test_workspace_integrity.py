"""Issue 12: patients never cross, a file name is never a path, and every write leaves a line in the history."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from adherence_helpers import make_plan
from physio.errors import LogImportError, WorkspaceError
from physio.importing import import_bytes, import_log
from physio.models import Patient
from physio.store import Workspace

from workspace_helpers import filled_bytes, tree, two_patients


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return two_patients(tmp_path / "ws")


def physio(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "physio.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


# ---------------------------------------------------------------- 1. patients never cross


@pytest.mark.usefixtures("store_db")  # on SQLite and on PostgreSQL
def test_a_hidden_sheet_naming_another_patients_plan_is_refused_and_nothing_of_either_changes(ws, tmp_path):
    import_log(ws, "boris-m", _saved(tmp_path / "boris.xlsx", filled_bytes(ws, "boris-m", {0: {"Done": "да"}})))
    boris_before = (ws.log_entries("boris-m"), ws.imports("boris-m"))
    # anna's workbook, whose hidden sheet was edited to say it is boris's, but still names anna's plan
    crossed = filled_bytes(ws, "anna-k", {0: {"Done": "no"}, 1: {"Done": "no"}}, meta={"patient_id": "boris-m"})
    with pytest.raises(LogImportError, match="plan anna-k-test-back v1, which belongs to patient 'anna-k', "
                                             "not to 'boris-m'; nothing was imported"):
        import_log(ws, "boris-m", _saved(tmp_path / "crossed.xlsx", crossed))
    assert (ws.log_entries("boris-m"), ws.imports("boris-m")) == boris_before
    assert ws.log_entries("anna-k") == [] and ws.imports("anna-k") == []


@pytest.mark.usefixtures("store_db")  # on SQLite and on PostgreSQL
def test_the_store_itself_refuses_a_plan_of_another_patient(ws):
    plan = ws.plan("anna-k-test-back")
    with pytest.raises(WorkspaceError, match="plan anna-k-test-back v1 belongs to patient 'anna-k', not to "
                                             "patient 'boris-m'"):
        ws.record_import("boris-m", plan.id, plan.version, "x.csv", b"x", [], [])
    assert ws.imports("boris-m") == []


@pytest.mark.usefixtures("store_db")  # on SQLite and on PostgreSQL
def test_a_plan_id_stays_with_its_patient(ws):
    with pytest.raises(WorkspaceError, match="plan id anna-k-test-back already belongs to patient 'anna-k'"):
        ws.issue(make_plan(version=0, patient_id="boris-m", plan_id="anna-k-test-back"), "Dr Test")
    assert [p.patient.id for p in ws.plan_versions("anna-k-test-back")] == ["anna-k"]


@pytest.mark.usefixtures("store_db")  # on SQLite and on PostgreSQL
def test_a_corrected_resend_replaces_only_its_own_patients_entries(ws):
    for pid in ("anna-k", "boris-m"):
        import_bytes(ws, pid, filled_bytes(ws, pid, {0: {"Done": "yes"}, 1: {"Done": "yes"}}), f"{pid}.xlsx")
    rep = import_bytes(ws, "anna-k", filled_bytes(ws, "anna-k", {0: {"Done": "no"}, 1: {"Done": "yes", "Minutes": 3}}),
                       "anna-2.xlsx")
    assert rep.replaced == 2
    assert [e.done for e in ws.log_entries("boris-m")] == [True, True]
    assert ws.imports("boris-m")[0].replaced == 0


# ---------------------------------------------------------------- 2. a file name is never a path

HOSTILE_NAMES = [
    "../../workspace.sqlite",
    "../workspace.sqlite",
    "/etc/passwd",
    "/tmp/../../workspace.sqlite",
    "C:\\Users\\anna\\..\\..\\workspace.sqlite",
    "log\x00.sqlite",
    "log\x00/../../workspace.sqlite",
    "x" * 1000 + ".xlsx",
    "дневник Анны.xlsx",
    "日记.xlsx",
    "يوميات المريض.xlsx",
    "\u202eslx.exe",
    "\n\t.xlsx",
    "",
    "..",
]


def _saved(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_hostile_upload_names_are_only_labels(ws, tmp_path):
    """Every name an upload can carry: nothing is written outside the workspace's own files, the database
    still opens, and the kept copy is named by its content."""
    outside = tree(tmp_path)
    db_before = (ws.folder / "workspace.sqlite").stat().st_ino
    for i, name in enumerate(HOSTILE_NAMES):
        content = filled_bytes(ws, "anna-k", {i: {"Done": "yes"}})
        rep = import_bytes(ws, "anna-k", content, name)
        assert rep.rows_accepted == 1
        assert rep.original_path.parent == ws.folder / "originals"
        sha = hashlib.sha256(content).hexdigest()
        assert rep.original_path.name in (sha + ".xlsx", sha + ".bin")
        assert rep.original_path.read_bytes() == content
    now = tree(tmp_path)
    new = {f for f in now if f not in outside}
    assert all(f.startswith("ws/originals/") for f in new), new
    assert len(new) == len(HOSTILE_NAMES)
    assert (ws.folder / "workspace.sqlite").stat().st_ino == db_before  # not replaced by an upload
    names = [i.filename for i in Workspace(ws.folder).imports("anna-k")]
    assert len(names) == len(HOSTILE_NAMES)
    for n in names:
        assert n and "/" not in n and "\\" not in n and "\x00" not in n and len(n) <= 120
        assert all(ch.isprintable() for ch in n)
    assert "дневник Анны.xlsx" in names and "日记.xlsx" in names and "يوميات المريض.xlsx" in names
    assert "workspace.sqlite" in names  # the name is kept as what it said, only without its folders


def test_the_upload_widget_never_writes_where_the_name_points(example_workspace, library, tmp_path):
    from physio.ui import LogReview

    ws = Workspace(example_workspace)
    review = LogReview(ws, library)
    review.patient.value = "P001"
    before = tree(tmp_path)
    plan = ws.current_plan("P001")
    content = _first_row_done(plan)
    review.load_file("../../workspace.sqlite", content)
    report = review.import_file()
    assert report is not None and report.rows_accepted == 1 and report.file == "workspace.sqlite"
    changed = {f for f, h in tree(tmp_path).items() if before.get(f) != h}
    assert {f for f in changed if not f.startswith("workspace/originals/")} <= {
        "workspace/workspace.sqlite", "workspace/workspace.sqlite-wal", "workspace/workspace.sqlite-shm"}
    assert Workspace(example_workspace).imports("P001")[-1].filename == "workspace.sqlite"


def _first_row_done(plan) -> bytes:
    import io

    import openpyxl

    from old_layout import old_workbook_bytes

    wb = openpyxl.load_workbook(io.BytesIO(old_workbook_bytes(plan)))
    wb["Log"].cell(row=2, column=6, value="yes")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- 8. an audit trail


@pytest.mark.usefixtures("store_db")  # on SQLite and on PostgreSQL
def test_every_write_records_who_and_when_and_history_prints_it(ws, tmp_path, monkeypatch):
    ws.add_patient(Patient(id="anna-k", name="Anna Kowalska", birth_year=1980, therapist="Dr Test"), update=True,
                   by="Reception")
    import_bytes(ws, "anna-k", filled_bytes(ws, "anna-k", {0: {"Done": "yes"}}), "anna.xlsx", by="Dr Kim")
    ws.record_audit("red-flag-acknowledged", "anna-k", "night pain on 08.09.2026 reviewed by phone", who="Dr Kim")
    events = ws.history("anna-k")
    assert [(e.action, e.who) for e in events] == [
        ("patient-added", "Dr Test"), ("plan-issued", "Dr Test"), ("patient-changed", "Reception"),
        ("import", "Dr Kim"), ("red-flag-acknowledged", "Dr Kim")]
    assert all(e.at is not None for e in events)
    assert "anna.xlsx" in events[3].detail and "1 added" in events[3].detail
    assert [e.action for e in ws.history("boris-m")] == ["patient-added", "plan-issued"]  # not anna's
    with pytest.raises(WorkspaceError, match="not a kind of write"):
        ws.record_audit("deleted-everything", "anna-k", "x")
    out = physio("--workspace", str(ws.folder), "history", "anna-k")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("History of Anna Kowalska (anna-k)")
    assert "Reception  patient record changed" in out.stdout and "Dr Kim  red flag acknowledged" in out.stdout
    assert len(lines) == 6
    unknown = physio("--workspace", str(ws.folder), "history", "nobody")
    assert unknown.returncode == 2 and "no patient 'nobody'" in unknown.stderr and "Traceback" not in unknown.stderr


@pytest.mark.usefixtures("store_db")  # on SQLite and on PostgreSQL
def test_who_defaults_to_the_named_user_of_the_session(ws, monkeypatch):
    monkeypatch.setenv("PHYSIO_USER", "Dr Session")
    import_bytes(ws, "boris-m", filled_bytes(ws, "boris-m", {0: {"Done": "yes"}}), "b.xlsx")
    assert ws.history("boris-m")[-1].who == "Dr Session"


def test_the_review_widget_shows_the_patients_history(example_workspace, library):
    from physio.ui import LogReview

    review = LogReview(Workspace(example_workspace), library)
    review.patient.value = "P001"
    html = review.audit_view.value
    assert "History of this patient" in html and "plan issued" in html and "patient added" in html
