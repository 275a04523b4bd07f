"""Issue 12, point 6: rows and files mean what they say, or they are refused saying why."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from adherence_helpers import csv_bytes, make_plan, plain_workbook
from physio.errors import LogImportError
from physio.importing import import_bytes, import_log
from physio.models import Patient
from physio.store import Workspace

from workspace_helpers import filled_bytes, tree, two_patients


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return two_patients(tmp_path / "ws")  # plans from Mon 07.09.2026, three weeks (to 27.09.2026)


def test_a_row_whose_name_and_id_disagree_is_rejected_showing_both(ws):
    content = filled_bytes(ws, "anna-k", {0: {"Done": "yes"}, 1: {"Done": "yes", "Exercise": "Moonwalk"}})
    rep = import_bytes(ws, "anna-k", content, "anna.xlsx")
    assert (rep.rows_accepted, rep.rows_rejected) == (1, 1)
    (r,) = rep.rejections
    assert r.reason == "exercise-mismatch" and r.given == "Moonwalk"
    original_id = ws.current_plan("anna-k").exercises[0].exercise.id  # row 1 is a session of the first exercise
    assert "'Moonwalk'" in r.message and "id '" in r.message and "do not name the same exercise" in r.message
    stored = ws.log_entries("anna-k")
    assert len(stored) == 1 and stored[0].source_row == 2
    assert all(e.source_row != 3 for e in stored), original_id


def test_a_name_of_one_exercise_with_the_id_of_another_is_rejected(ws):
    rows = [["Date", "Exercise", "Exercise ID", "Done"], ["07.09.2026", "Bird-dog", "glute-bridge", "yes"],
            ["07.09.2026", "Bridge", "glute-bridge", "yes"]]
    rep = import_bytes(ws, "anna-k", csv_bytes(rows), "log.csv")
    assert [r.reason for r in rep.rejections] == ["exercise-mismatch"]
    assert "'Bird-dog'" in rep.rejections[0].message and "'glute-bridge'" in rep.rejections[0].message
    assert [e.exercise_id for e in ws.log_entries("anna-k")] == ["glute-bridge"]


def test_month_first_dates_are_read_only_where_the_plan_leaves_one_reading(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.add_patient(Patient(id="us", name="Sam", birth_year=1970, therapist="Dr Test"))
    ws.issue(make_plan(version=0, patient_id="us", weeks=12), "Dr Test")  # 07.09.2026 to 29.11.2026
    rows = [["Date", "Exercise", "Done"],
            ["09/07/2026", "Bridge", "yes"],   # 7 Sep (9 July is before the plan)
            ["09/13/2026", "Bridge", "yes"],   # 13 Sep: the only reading
            ["10/11/2026", "Bridge", "yes"],   # 11 Oct or 10 Nov: both in the plan
            ["11/30/2026", "Bridge", "yes"]]   # 30 Nov: the day after the plan
    rep = import_bytes(ws, "us", csv_bytes(rows), "us.csv")
    assert sorted(e.date for e in ws.log_entries("us")) == [dt.date(2026, 9, 7), dt.date(2026, 9, 13)]
    reasons = {r.row: r for r in rep.rejections}
    assert reasons[4].reason == "ambiguous-date" and reasons[4].given == "10/11/2026"
    assert "11 October 2026" in reasons[4].message and "10 November 2026" in reasons[4].message
    assert "write it year first: 2026-11-10 for 10 November or 2026-10-11 for 11 October" in reasons[4].message
    assert reasons[5].reason == "date-outside-plan"


def test_a_table_of_people_is_refused_not_imported_with_nothing_read(ws, tmp_path):
    people = tmp_path / "staff.csv"
    people.write_bytes(csv_bytes([["Date", "Id", "Name"], ["07.09.2026", "17", "Alice Smith"],
                                  ["08.09.2026", "18", "Bob Jones"], ["09.09.2026", "19", "Chen Wei"]]))
    before = tree(ws.folder)
    done = subprocess.run([sys.executable, "-m", "physio.cli", "--workspace", str(ws.folder), "import", "anna-k",
                           str(people)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    err = done.stderr
    assert "staff.csv: no row can be read as a session of plan" in err
    assert "'Name'" in err and "'Alice Smith'" in err and "'Id'" in err and "'17'" in err
    assert "--map" in err and "nothing was imported" in err
    assert tree(ws.folder) == before


def test_the_therapists_mapping_is_trusted_but_a_file_without_sessions_is_still_refused(ws, tmp_path):
    people = csv_bytes([["Date", "Id", "Name"], ["07.09.2026", "17", "Alice Smith"]])
    with pytest.raises(LogImportError, match=r"none of its 1 rows is a session of plan .* the file has dates from "
                                             r"07\.09\.2026 to 07\.09\.2026, 'Name' holding 'Alice Smith'"):
        import_bytes(ws, "anna-k", people, "people.csv", {"exercise": "Name"})
    assert ws.imports("anna-k") == []


def test_a_diary_of_another_year_is_refused_saying_what_dates_it_has(ws):
    rows = [["Date", "Exercise", "Done"], ["07.09.2025", "Bridge", "yes"], ["08.09.2025", "Bridge", "yes"]]
    with pytest.raises(LogImportError, match="the column 'Date' looked like the date by its header, but none of "
                                             "its values is a date in the plan"):
        import_bytes(ws, "anna-k", csv_bytes(rows), "old.csv")
    assert ws.imports("anna-k") == []


def test_a_header_without_rows_is_refused(ws):
    with pytest.raises(LogImportError, match="no rows under its header row"):
        import_bytes(ws, "anna-k", csv_bytes([["Date", "Exercise", "Done"]]), "empty.csv")


def test_an_id_column_of_row_numbers_is_left_out_when_the_exercise_column_is_real(ws):
    rows = [["No", "Date", "Id", "Exercise", "Done"], ["1", "07.09.2026", "101", "Bridge", "yes"],
            ["2", "08.09.2026", "102", "Bridge", "yes"]]
    rep = import_bytes(ws, "anna-k", plain_workbook(rows), "mine.xlsx")
    assert (rep.rows_accepted, rep.rows_rejected) == (2, 0)
    assert "Id" in rep.unmapped and "exercise_id" not in rep.mapping
