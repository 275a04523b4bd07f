"""Importing into a workspace: originals kept, idempotent, corrected re-sends, wrong patient refused, bad files."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from adherence_helpers import csv_bytes, make_plan
from physio.errors import LogImportError
from physio.importing import import_log
from physio.models import LOG_COLUMNS, Patient
from physio.planning import schedule
from physio.store import Workspace

xlsx = pytest.importorskip("physio.io.xlsx")


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = Workspace(tmp_path / "ws")
    for pid, name in (("anna-k", "Anna K"), ("boris-m", "Борис М")):
        w.add_patient(Patient(id=pid, name=name, birth_year=1980, therapist="Dr Test"))
        w.issue(make_plan(version=0, patient_id=pid), "Dr Test", at=dt.datetime(2026, 9, 1, 9))
    return w


def filled(ws: Workspace, patient_id: str, path: Path, cells: dict[int, dict[str, object]]) -> Path:
    """The patient opens our exported workbook, fills some schedule rows (by index) and saves it."""
    plan = ws.plan(f"{patient_id}-test-back")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes(plan)))
    sheet = wb["Log"]
    for i, values in cells.items():
        for header, value in values.items():
            sheet.cell(row=i + 2, column=LOG_COLUMNS.index(header) + 1, value=value)
    wb.save(path)
    return path


def test_import_reports_rows_and_keeps_the_original_byte_for_byte(ws, tmp_path):
    f = filled(ws, "anna-k", tmp_path / "anna.xlsx", {
        0: {"Done": "yes", "Pain before (0-10)": 3},
        1: {"Done": "✓", "Minutes": 2},
        2: {"Done": "no", "Notes": "busy day"},
        3: {"Done": "y", "Pain after (0-10)": 12},
    })
    rep = import_log(ws, "anna-k", f)
    n = len(schedule(ws.plan("anna-k-test-back")))
    assert (rep.kind, rep.plan_id, rep.plan_version) == ("workbook", "anna-k-test-back", 1)
    assert (rep.rows_read, rep.rows_accepted, rep.rows_rejected, rep.blank_rows) == (4, 3, 1, n - 4)
    assert (rep.added, rep.replaced, rep.duplicate) == (3, 0, False)
    assert rep.original_path.read_bytes() == f.read_bytes()
    assert [r.reason for r in ws.rejections("anna-k")] == ["pain-out-of-range"]
    assert len(ws.log_entries("anna-k")) == 3
    assert "Rows read: 4 = 3 accepted + 1 rejected." in str(rep)


def test_same_file_twice_adds_nothing(ws, tmp_path):
    f = filled(ws, "anna-k", tmp_path / "anna.xlsx", {0: {"Done": "yes"}})
    import_log(ws, "anna-k", f)
    again = import_log(ws, "anna-k", f)
    assert again.duplicate and (again.added, again.replaced) == (0, 0)
    assert "imported before: nothing was added" in str(again)
    assert len(ws.imports("anna-k")) == 1
    assert len(ws.log_entries("anna-k")) == 1


def test_corrected_resend_replaces_those_sessions_and_says_so(ws, tmp_path):
    import_log(ws, "anna-k", filled(ws, "anna-k", tmp_path / "v1.xlsx", {
        0: {"Done": "yes", "Pain before (0-10)": 9}, 1: {"Done": "yes"}}))
    rep = import_log(ws, "anna-k", filled(ws, "anna-k", tmp_path / "v2.xlsx", {
        0: {"Done": "yes", "Pain before (0-10)": 2}, 1: {"Done": "yes"}, 2: {"Done": "yes"}}))
    assert (rep.added, rep.replaced) == (1, 2)
    assert "replaced 2 entries" in str(rep)
    entries = ws.log_entries("anna-k")
    assert len(entries) == 3
    assert [e.pain_before for e in entries if e.source_row == 2] == [2]


def test_a_workbook_of_another_patient_is_refused_and_nothing_changes(ws, tmp_path):
    import_log(ws, "boris-m", filled(ws, "boris-m", tmp_path / "boris-1.xlsx", {0: {"Done": "да"}}))
    f = filled(ws, "anna-k", tmp_path / "anna.xlsx", {0: {"Done": "yes"}})
    with pytest.raises(LogImportError, match="workbook of patient 'anna-k'.*not of patient 'boris-m'; nothing was imported"):
        import_log(ws, "boris-m", f)
    assert len(ws.imports("boris-m")) == 1 and len(ws.log_entries("boris-m")) == 1
    assert ws.imports("anna-k") == []
    assert len(list((ws.folder / "originals").iterdir())) == 1


def test_foreign_csv_goes_to_the_patients_latest_plan(ws, tmp_path):
    f = tmp_path / "дневник.csv"
    f.write_bytes(csv_bytes([["Дата", "Упражнение", "Выполнено", "Боль до"],
                             ["07.09.2026", "Bridge", "да", "3"], ["08.09.2026", "glute-bridge", "+", "2"],
                             ["09.09.2026", "Мост", "да", "2"]], delimiter=";", encoding="cp1251"))
    rep = import_log(ws, "boris-m", f)
    assert (rep.kind, rep.encoding, rep.plan_id) == ("csv", "cp1251", "boris-m-test-back")
    assert (rep.rows_accepted, rep.rows_rejected) == (2, 1)
    assert rep.rejections[0].reason == "unknown-exercise" and rep.rejections[0].given == "Мост"
    assert rep.rejections_frame().loc[0, "row"] == 4


def test_plan_of_another_patient_named_for_a_foreign_file_is_refused(ws, tmp_path):
    f = tmp_path / "log.csv"
    f.write_bytes(csv_bytes([["Date", "Exercise", "Done"], ["07.09.2026", "Bridge", "yes"]]))
    with pytest.raises(LogImportError, match="belongs to patient 'anna-k', not to 'boris-m'"):
        import_log(ws, "boris-m", f, plan_id="anna-k-test-back")


def test_a_bad_file_after_a_good_import_loses_nothing(ws, tmp_path):
    import_log(ws, "anna-k", filled(ws, "anna-k", tmp_path / "good.xlsx", {0: {"Done": "yes"}, 1: {"Done": "yes"}}))
    whole = filled(ws, "anna-k", tmp_path / "next.xlsx", {2: {"Done": "yes"}}).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(LogImportError, match="damaged or incomplete"):
        import_log(ws, "anna-k", cut)
    secret = tmp_path / "secret.xlsx"
    secret.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64)
    with pytest.raises(LogImportError, match="password-protected"):
        import_log(ws, "anna-k", secret)
    assert len(ws.log_entries("anna-k")) == 2 and len(ws.imports("anna-k")) == 1
    assert len(list((ws.folder / "originals").iterdir())) == 1


def test_unknown_patient_is_refused_before_reading(ws, tmp_path):
    with pytest.raises(Exception, match="no patient 'nobody'.*the patients are: anna-k, boris-m"):
        import_log(ws, "nobody", tmp_path / "does-not-matter.xlsx")


def test_example_logs_import_with_every_kind_of_problem_reported(tmp_path):
    from physio.example import issue_example_plans
    from physio.importing import example_log_files, import_example_logs
    from physio.library import default_library
    from physio.store import read_patients

    w = Workspace(tmp_path / "example")
    w.add_patients(read_patients(Path(__file__).resolve().parent.parent / "patients_example" / "patients"))
    issue_example_plans(w, default_library())
    reports = {r.file: r for r in import_example_logs(w)}
    assert set(reports) == {f.name for _, f in example_log_files()}
    for r in reports.values():
        assert r.rows_read == r.rows_accepted + r.rows_rejected > 0
    assert reports["P002--diary-cp1251.csv"].encoding == "cp1251"
    messy = reports["P004--messy.xlsx"]
    assert {x.reason for x in messy.rejections} == {
        "pain-out-of-range", "negative-count", "date-outside-plan", "unknown-exercise"}
    assert messy.extra_sessions == 1
    assert reports["P001--2-corrected.xlsx"].replaced > 0
    assert [x.reason for x in w.rejections("P001")] == ["pain-out-of-range"]  # kept from the first copy
    again = import_example_logs(w)
    assert all(r.duplicate for r in again)


def test_stored_import_counts_rows_not_problems(ws, tmp_path):
    f = filled(ws, "anna-k", tmp_path / "anna.xlsx", {
        0: {"Done": "yes"},
        1: {"Done": "maybe", "Pain before (0-10)": 11, "Sets done": -2},  # one row, three problems
        2: {"Done": "y", "Pain after (0-10)": 12},
    })
    rep = import_log(ws, "anna-k", f)
    assert (rep.rows_read, rep.rows_accepted, rep.rows_rejected, len(rep.rejections)) == (3, 1, 2, 4)
    (rec,) = ws.imports("anna-k")
    assert rec.rejected == rep.rows_rejected
    assert rec.added + rec.replaced + rec.rejected == rep.rows_read
