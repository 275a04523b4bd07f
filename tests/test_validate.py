"""Validation: every rejection reason, every problem of a row listed at once, and the row arithmetic."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from adherence_helpers import START, csv_bytes, log_workbook, make_plan
from physio.io.logs import read_log_bytes
from physio.planning import schedule
from physio.validate import parse_date, parse_done, validate

HEAD = ["Date", "Session", "Exercise", "Done", "Sets done", "Reps done", "Minutes", "Angle (°)",
        "Pain before (0-10)", "Pain after (0-10)", "Notes"]


def run(rows: list[list[object]], plan=None, delimiter=","):
    plan = plan or make_plan()
    raw = read_log_bytes(csv_bytes([HEAD, *rows], delimiter=delimiter), "log.csv")
    return validate(raw, plan, schedule(plan), patient_id=plan.patient.id)


def one_row(**cells):
    base = {"Date": "07.09.2026", "Exercise": "Bridge", "Done": "yes"}
    base.update(cells)
    return [base.get(h) for h in HEAD]


@pytest.mark.parametrize("cells,reason,column,given", [
    ({"Date": None}, "missing-date", "Date", None),
    ({"Date": "31.02.2026"}, "bad-date", "Date", "31.02.2026"),
    ({"Date": "yesterday"}, "bad-date", "Date", "yesterday"),
    ({"Date": "01.01.2027"}, "date-outside-plan", "Date", "01.01.2027"),
    ({"Exercise": "Headstand"}, "unknown-exercise", "Exercise", "Headstand"),
    ({"Exercise": None}, "missing-exercise", "Exercise", None),
    ({"Reps done": "ten"}, "bad-number", "Reps done", "ten"),
    ({"Reps done": "2.5"}, "bad-number", "Reps done", "2.5"),
    ({"Session": "0"}, "bad-number", "Session", "0"),
    ({"Sets done": "-1"}, "negative-count", "Sets done", "-1"),
    ({"Minutes": "-3"}, "negative-count", "Minutes", "-3"),
    ({"Pain before (0-10)": "12"}, "pain-out-of-range", "Pain before (0-10)", "12"),
    ({"Pain after (0-10)": "-1"}, "pain-out-of-range", "Pain after (0-10)", "-1"),
    ({"Angle (°)": "120"}, "angle-out-of-range", "Angle (°)", "120"),
    ({"Done": "maybe"}, "bad-done", "Done", "maybe"),
])
def test_each_rejection_reason_names_row_column_value_and_what_is_allowed(cells, reason, column, given):
    v = run([one_row(**cells)])
    assert (v.rows_read, v.rows_accepted, v.rows_rejected) == (1, 0, 1)
    (r,) = v.rejections
    assert (r.row, r.column, r.given, r.reason) == (2, column, given, reason)
    assert r.message.startswith("log.csv row 2")
    allowed = {"pain-out-of-range": "0 (none) to 10", "angle-out-of-range": "0° (flat) to 90°",
               "date-outside-plan": "07.09.2026 to 27.09.2026", "unknown-exercise": "Bridge (glute-bridge)",
               "missing-exercise": "Lying face down", "bad-done": "yes, y, x", "bad-date": "25.11.2026",
               "negative-count": "0 or more", "missing-date": "07.09.2026 to 27.09.2026"}
    if reason in allowed:
        assert allowed[reason] in r.message


def test_duplicate_row_is_rejected_once_and_the_first_copy_kept():
    row = one_row(Session="1", **{"Reps done": "10"})
    v = run([row, row])
    assert (v.rows_accepted, v.rows_rejected) == (1, 1)
    assert [r.reason for r in v.rejections] == ["duplicate-row"]
    assert v.rejections[0].row == 3


def test_a_row_with_several_problems_counts_once_and_lists_each():
    v = run([one_row(**{"Pain before (0-10)": "12", "Reps done": "-4", "Exercise": "Yoga"}), one_row()])
    assert (v.rows_read, v.rows_accepted, v.rows_rejected) == (2, 1, 1)
    assert sorted(r.reason for r in v.rejections) == ["negative-count", "pain-out-of-range", "unknown-exercise"]
    assert {r.row for r in v.rejections} == {2}


def test_done_words_in_english_russian_and_marks():
    yes = ["yes", "Y", "x", "✓", "✔", "1", "TRUE", "да", "Д", "+"]
    no = ["no", "N", "0", "нет", "-", "false"]
    assert [parse_done(w) for w in yes] == [True] * len(yes)
    assert [parse_done(w) for w in no] == [False] * len(no)
    assert parse_done(None) is None
    v = run([one_row(Date=f"{7 + i:02d}.09.2026", Done=w) for i, w in enumerate(yes + no[:4])])
    assert v.rows_rejected == 0
    assert [e.done for e in v.entries] == [True] * len(yes) + [False] * 4


@pytest.mark.parametrize("text,expected", [
    ("25.09.2026", dt.date(2026, 9, 25)), ("25/09/2026", dt.date(2026, 9, 25)), ("2026-09-25", dt.date(2026, 9, 25)),
    ("25.09.26", dt.date(2026, 9, 25)), ("Fri 25.09.2026", dt.date(2026, 9, 25)), ("пт 25.09.2026", dt.date(2026, 9, 25)),
    (46290, dt.date(2026, 9, 25)), ("46290", dt.date(2026, 9, 25)), (dt.datetime(2026, 9, 25, 8, 30), dt.date(2026, 9, 25)),
    ("09/25/2026", dt.date(2026, 9, 25)),  # month first: the only reading that is a date
    ("07/09/2026", None), ("07-09-2026", None),  # two readings: the plan's dates decide (see test_import_rows)
    ("30.02.2026", None), ("2026-02-30", None), ("soon", None), (3.5, None),
])
def test_dates_day_first_iso_serial_and_wrong(text, expected):
    assert parse_date(text) == expected


def test_blank_schedule_rows_are_not_reported_not_rejected():
    plan = make_plan()
    raw = read_log_bytes(log_workbook(plan, {0: {"Done": "yes"}, 3: {"Done": "no", "Notes": "busy"}}), "log.xlsx")
    v = validate(raw, plan, schedule(plan), patient_id=plan.patient.id)
    assert (v.rows_read, v.rows_accepted, v.rows_rejected) == (2, 2, 0)
    assert v.blank_rows == len(schedule(plan)) - 2
    assert [e.done for e in v.entries] == [True, False]


def test_reordered_rows_and_an_added_extra_session_in_our_workbook():
    plan = make_plan()
    sessions = schedule(plan)
    data = log_workbook(plan, {0: {"Done": "y"}, 1: {"Done": "y"}, 2: {"Done": "y"}})
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Log"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    rows.reverse()  # the patient sorted the sheet newest first
    rows.append([dt.datetime(2026, 9, 7), 1, "Bridge", None, None, "yes", None, 12, None, None, None, None, "extra"])
    for r in range(2, ws.max_row + 2):
        for c in range(1, 14):
            ws.cell(row=r, column=c).value = None
    for i, r in enumerate(rows, 2):
        for c, val in enumerate(r, 1):
            ws.cell(row=i, column=c, value=val)
    buf = io.BytesIO()
    wb.save(buf)
    raw = read_log_bytes(buf.getvalue(), "log.xlsx")
    v = validate(raw, plan, sessions, patient_id=plan.patient.id)
    assert (v.rows_read, v.rows_accepted, v.extra_sessions) == (4, 4, 1)
    extra = [e for e in v.entries if not e.scheduled]
    assert len(extra) == 1 and extra[0].reps_done == 12 and extra[0].exercise_id == "glute-bridge"
    assert extra[0].session == 2  # slot 1 was the scheduled one, already reported
    keys = {(e.date, e.session, e.exercise_id) for e in v.entries if e.scheduled}
    assert keys == {(s.date, s.session, s.exercise_id) for s in sessions[:3]}


def test_foreign_rows_without_session_numbers_fill_the_day_in_order():
    v = run([one_row(Exercise="lying face down"), one_row(Exercise="PRONE-LYING"), one_row(Exercise="prone lying")])
    assert [(e.session, e.scheduled) for e in v.entries] == [(1, True), (2, True), (3, False)]
    assert v.extra_sessions == 1


def test_numbers_with_a_decimal_comma_and_pain_written_out_of_ten():
    v = run([one_row(**{"Minutes": "2,5", "Pain before (0-10)": "3/10", "Notes": "ok\x07"})], delimiter=";")
    (e,) = v.entries
    assert (e.minutes, e.pain_before, e.notes) == (2.5, 3.0, "ok")


def test_done_blank_with_other_cells_keeps_done_unknown():
    v = run([one_row(Done=None, **{"Reps done": "10"})])
    assert v.entries[0].done is None and v.entries[0].reps_done == 10


def test_rows_read_always_equals_accepted_plus_rejected():
    rows = [one_row(), one_row(Date="x"), [None] * len(HEAD), one_row(Exercise="Foo", Done="?"), one_row(Date="08.09.2026")]
    v = run(rows)
    assert v.rows_read == v.rows_accepted + v.rows_rejected == 4
    assert v.rejected_rows == [3, 5]


def test_exercise_found_by_id_when_the_name_was_edited():
    plan = make_plan()
    rows = [["Date", "Exercise", "Exercise ID", "Done"], ["07.09.2026", "my bridge!", "glute-bridge", "yes"]]
    raw = read_log_bytes(csv_bytes(rows), "log.csv")
    v = validate(raw, plan, schedule(plan), patient_id=plan.patient.id)
    assert v.entries[0].exercise_id == "glute-bridge"
    assert v.entries[0].date == START


def test_identical_lines_without_session_numbers_fill_the_schedule_then_count_as_copies():
    bridge = one_row(**{"Reps done": "10"})  # the bridge is once a day
    lying = one_row(Exercise="Lying face down", Minutes="2")  # lying face down is twice a day
    v = run([bridge, bridge, lying, lying, lying, one_row(**{"Reps done": "12"})])
    assert (v.rows_read, v.rows_accepted, v.rows_rejected) == (6, 4, 2)
    assert [(r.row, r.reason) for r in v.rejections] == [(3, "duplicate-row"), (6, "duplicate-row")]
    assert "repeats row 2 exactly" in v.rejections[0].message and "session number" in v.rejections[0].message
    assert "repeats row 4 exactly" in v.rejections[1].message
    lying_sessions = sorted(e.session for e in v.entries if e.exercise_id == "prone-lying")
    assert lying_sessions == [1, 2]  # both scheduled sessions of the day, from two equal lines
    extra = [e for e in v.entries if not e.scheduled]
    assert [(e.exercise_id, e.reps_done) for e in extra] == [("glute-bridge", 12)]  # a different line: extra session


def test_the_accepted_rows_come_as_a_table_too_and_summarise_the_same():
    from physio.adherence import entries_frame, summarise

    plan = make_plan()
    v = run([one_row(), one_row(Date="x"), one_row(Done=None, **{"Reps done": "10", "Notes": "numb"}),
             one_row(Exercise="lying face down", Minutes="2,5", **{"Pain after (0-10)": "7"})])
    assert v.frame is not None and len(v.frame) == v.rows_accepted == 3
    pd.testing.assert_frame_equal(v.frame, entries_frame(v.entries))
    assert summarise(plan, schedule(plan), v.frame) == summarise(plan, schedule(plan), v.entries)
    empty = run([one_row(Date="x")])
    assert len(empty.frame) == 0 and list(empty.frame.columns) == list(entries_frame([]).columns)
