"""Importing into a workspace: originals kept, idempotent, corrected re-sends, wrong patient refused, bad files."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from adherence_helpers import csv_bytes, make_plan
from old_layout import old_workbook_bytes
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
    wb = openpyxl.load_workbook(io.BytesIO(old_workbook_bytes(plan)))
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


# ---------------------------------------------------------------- the day-by-day workbook (issue 14, 15)

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from physio.clinic import review_plan  # noqa: E402

HEAD = 3  # title, instructions, header


def physio(ws_folder: Path, *args: str) -> subprocess.CompletedProcess:
    """The `physio` command as a therapist runs it in a terminal."""
    exe = Path(sys.executable).with_name("physio")
    return subprocess.run([str(exe), "--workspace", str(ws_folder), *args], capture_output=True, text=True,
                          timeout=180, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def columns(sheet) -> dict[str, int]:
    return {c.value: c.column for c in sheet[HEAD] if c.value}


def day_row(sheet, date: dt.date, session: int = 1) -> int:
    for r in range(HEAD + 1, sheet.max_row + 1):
        v = sheet.cell(r, 1).value
        if v is not None and v.date() == date and sheet.cell(r, 2).value == session:
            return r
    raise AssertionError(f"no row for {date} session {session}")


def test_a_patient_ticks_and_scores_pain_and_the_cli_imports_it(ws, tmp_path):
    """Export with the CLI, edit as a patient would (ticks, '7', 'seven', 11, a note), import with the CLI."""
    out = tmp_path / "out"
    out.mkdir()
    assert physio(ws.folder, "export", "anna-k-test-back", "--out", str(out)).returncode == 0
    exported = next(out.glob("*_log.xlsx"))
    wb = openpyxl.load_workbook(exported)
    log = wb["Log"]
    col = columns(log)
    day1, day2 = dt.date(2026, 9, 7), dt.date(2026, 9, 8)
    r1, r2 = day_row(log, day1), day_row(log, day2)
    log.cell(r1, col["1. Lying face down"], "✓")
    log.cell(r1, col["2. Bridge"], "✓")              # 3. Bird-dog left empty: not done
    log.cell(r1, col["Back pain today (0‑10)"], "7")   # typed as text
    log.cell(r1, col["Leg pain today (0‑10)"], "seven")
    log.cell(r2, col["1. Lying face down"], "x")
    log.cell(r2, col["Back pain today (0‑10)"], 11)
    log.cell(r2, col["Leg pain today (0‑10)"], 2)
    log.cell(r2, col["Notes"], "stiff in the morning")
    returned = tmp_path / "returned.xlsx"
    wb.save(returned)

    done = physio(ws.folder, "import", "anna-k", str(returned))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    # day 1 session 1: three exercises scheduled; day 2 session 1: two (bird-dog is on days 0, 2, 4)
    assert "Exercise sessions read: 5 = 5 accepted + 0 rejected" in text
    assert "Pain and activity scores read: 4 = 2 accepted + 2 rejected; 2 new NPRS back / NPRS leg / PSFS" in text
    assert (f"returned.xlsx sheet 'Log' row {r1}, column 'Leg pain today (0‑10)': 'seven' is not a number; write a "
            "whole number from 0 (no pain) to 10 (the worst pain you can imagine)") in text
    assert f"sheet 'Log' row {r2}, column 'Back pain today (0‑10)': 11 is outside 0–10" in text
    entries = {(e.date, e.session, e.exercise_id): e for e in ws.log_entries("anna-k")}
    assert {k: e.done for k, e in entries.items()} == {
        (day1, 1, "prone-lying"): True, (day1, 1, "glute-bridge"): True, (day1, 1, "bird-dog"): False,
        (day2, 1, "prone-lying"): True, (day2, 1, "glute-bridge"): False}
    assert entries[(day2, 1, "prone-lying")].notes == "stiff in the morning"
    back, leg = ws.results("anna-k", "nprs-back"), ws.results("anna-k", "nprs-leg")
    assert [(r.on, r.score.value) for r in back] == [(day1, 7)]
    assert [(r.on, r.score.value) for r in leg] == [(day2, 2)]
    rejected = {(r.row, r.column, r.reason) for r in ws.rejections("anna-k")}
    assert rejected == {(r1, "Leg pain today (0‑10)", "bad-number"), (r2, "Back pain today (0‑10)",
                                                                       "pain-out-of-range")}

    # the same file again adds nothing: no entry, no result twice
    again = physio(ws.folder, "import", "anna-k", str(returned))
    assert again.returncode == 0 and "imported before" in again.stdout
    assert len(ws.results("anna-k", "nprs-back")) == 1 and len(ws.log_entries("anna-k")) == 5

    # adherence means the same as before (done ÷ scheduled up to the last day reported), and the pain trend reads
    # the daily pain: the highest of back and leg pain each day
    summary = review_plan(ws, ws.plan("anna-k-test-back")).summary
    assert (summary.sessions_scheduled, summary.sessions_done) == (7, 3)
    assert summary.last_week_pain == pytest.approx((7 + 2) / 2) and summary.highest_pain == 7
    assert any(f.kind == "pain-high" and "7/10 on 07.09.2026" in f.message for f in summary.flags)


def test_weekly_activity_scores_become_psfs_results_on_the_patients_own_activities(ws, tmp_path):
    plan = ws.plan("anna-k-test-back")
    activities = ["Putting on socks", "Walking to the shop", "Sitting at the computer"]
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes(plan, psfs_activities=activities)))
    assert wb.sheetnames[:3] == ["Plan", "Log", "Activities"]
    sheet = wb["Activities"]
    assert [c.value for c in sheet[HEAD]] == ["Week", "Dates", *activities]
    assert "0 = unable to do the activity, 10 = able to do it as well as before the problem" in sheet["A2"].value
    sheet.cell(HEAD + 1, 3, 4)
    sheet.cell(HEAD + 1, 4, "6")
    sheet.cell(HEAD + 1, 5, 5)
    sheet.cell(HEAD + 2, 3, "a lot")   # week 2: refused, the rest of week 2 kept
    sheet.cell(HEAD + 2, 4, 7)
    wb["Log"].cell(HEAD + 1, 3, "✓")
    f = tmp_path / "psfs.xlsx"
    wb.save(f)
    rep = import_log(ws, "anna-k", f)
    assert (rep.values_read, rep.values_accepted, rep.values_rejected) == (5, 4, 1)
    bad = [r for r in rep.rejections if r.sheet == "Activities"]
    assert [(r.row, r.column, r.given) for r in bad] == [(HEAD + 2, "Putting on socks", "a lot")]
    results = ws.results("anna-k", "psfs")
    assert [(r.on, r.score.value) for r in results] == [(dt.date(2026, 9, 13), 5.0), (dt.date(2026, 9, 20), None)]
    assert {a.name: a.score for a in results[0].answers.activities} == dict(zip(activities, (4, 6, 5)))
    assert "not enough answers" in results[1].score.missing[0]  # one activity of three: PSFS's own rule


def test_workbooks_made_by_the_old_writer_import_as_before(ws):
    """A workbook already with a patient (the old layout, kept in tests/data as the old writer made it)."""
    f = Path(__file__).parent / "data" / "old-layout" / "anna-k-filled-by-old-writer.xlsx"
    rep = import_log(ws, "anna-k", f)
    assert (rep.layout, rep.kind) == ("sessions", "workbook")
    assert (rep.rows_read, rep.rows_accepted, rep.rows_rejected) == (5, 4, 1)
    assert [r.reason for r in rep.rejections] == ["pain-out-of-range"]
    assert "Rows read: 5 = 4 accepted + 1 rejected." in str(rep)
    first = next(e for e in ws.log_entries("anna-k") if e.source_row == 2)
    assert (first.exercise_id, first.done, first.pain_before, first.pain_after) == ("prone-lying", True, 3, 2)
    assert ws.results("anna-k", "nprs-back") == []  # the old layout asks pain per session, not per day


@pytest.mark.libreoffice
def test_a_log_saved_again_by_libreoffice_stays_protected_and_imports_to_the_same_entries(ws, tmp_path):
    """Issue 14, point 8: the patient opens the log in LibreOffice and saves it as xlsx."""
    from export_helpers import need_tool

    from physio.io.logs import read_log
    from physio.validate_days import validate_days

    plan = ws.plan("anna-k-test-back")
    activities = ["Putting on socks", "Walking to the shop", "Sitting"]
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes(plan, psfs_activities=activities)))
    log = wb["Log"]
    col = columns(log)
    for i, r in enumerate(range(HEAD + 1, HEAD + 9)):
        if log.cell(r, col["1. Lying face down"]).protection.locked is False:
            log.cell(r, col["1. Lying face down"], "✓")
        if i % 3 == 0 and log.cell(r, col["Back pain today (0‑10)"]).protection.locked is False:
            log.cell(r, col["Back pain today (0‑10)"], 3 + i % 2)
    log.cell(HEAD + 1, col["Notes"], "better after the walk")
    log.cell(HEAD + 3, col["Leg pain today (0‑10)"], "a lot")
    wb["Activities"].cell(HEAD + 1, 3, 5)
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    exe = need_tool("soffice", "LibreOffice saves the log as a patient's computer would")
    out = tmp_path / "lo"
    done = subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                           "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
                          env={**os.environ, "HOME": str(tmp_path)}, capture_output=True, text=True, timeout=180)
    saved = out / "filled.xlsx"
    assert done.returncode == 0 and saved.exists(), done.stderr + done.stdout

    again = openpyxl.load_workbook(saved)
    for name in ("Log", "Activities", "Red-flag check"):
        assert again[name].protection.sheet and not again[name].protection.password, name
    assert again["physio_meta"].sheet_state == "hidden"
    assert again["Log"].cell(HEAD + 1, col["Notes"]).protection.locked is False  # entry cells stay open
    assert again["Log"].cell(HEAD + 1, 1).protection.locked is not False  # the printed date stays protected
    assert {dv.type for dv in again["Log"].data_validations.dataValidation} == {"list", "whole"}
    # LibreOffice's headless save drops frozen panes (no <pane> is written); the importer needs none of them
    assert again["Log"].freeze_panes in (None, "C4")

    def read(path: Path):
        days = validate_days(read_log(path), plan, schedule(plan), patient_id="anna-k")
        entries = [(e.date, e.session, e.exercise_id, e.done, e.notes, e.source_row) for e in days.checked.entries]
        readings = [(r.measure_id, r.on, r.answers) for r in days.readings]
        rejected = [(r.row, r.column, r.reason) for r in days.value_rejections]
        return entries, readings, rejected

    original, round_tripped = read(filled), read(saved)
    assert original == round_tripped
    assert len(original[0]) > 5 and len(original[1]) >= 3 and original[2] == [(HEAD + 3, "Leg pain today (0‑10)",
                                                                              "bad-number")]
    rep = import_log(ws, "anna-k", saved)
    assert rep.rows_read == len(original[0]) and rep.values_rejected == 1
