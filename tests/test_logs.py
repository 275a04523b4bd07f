"""Readers: our workbook, other workbooks and CSV files in the shapes patients really send, and files we refuse."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from adherence_helpers import START, csv_bytes, log_workbook, make_plan, plain_workbook
from physio.errors import LogImportError
from physio.io.columns import guess_mapping, resolve_mapping
from physio.io.logs import read_log, read_log_bytes
from physio.models import LOG_COLUMNS

DATA = Path(__file__).parent / "data"


def test_our_exported_workbook_is_matched_to_its_plan_by_the_hidden_sheet(tmp_path):
    xlsx = pytest.importorskip("physio.io.xlsx")
    from physio.daylog import day_rows
    from physio.planning import schedule

    plan = make_plan()
    path = xlsx.write_workbook(plan, tmp_path / "log.xlsx")
    raw = read_log(path)
    assert (raw.kind, raw.layout, raw.sheet, raw.header_row) == ("workbook", "days", "Log", 3)
    assert (raw.plan_id, raw.plan_version, raw.patient_id) == (plan.id, plan.version, plan.patient.id)
    assert raw.fields == ("date", "session", "tick:prone-lying", "tick:glute-bridge", "tick:bird-dog", "pain:back",
                          "pain:leg", "notes")
    assert raw.mapping["tick:glute-bridge"] == "2. Bridge" and raw.mapping["pain:back"] == "Back pain today (0‑10)"
    days = day_rows(plan, schedule(plan))
    assert len(raw.rows) == len(days)
    first_row, values = raw.rows[0]
    assert first_row == 4 and values[0] == plan.start


def test_a_workbook_made_by_the_old_writer_is_still_read_row_by_session(tmp_path):
    """Patients hold workbooks of the old layout (one row per session and exercise, schema version 1)."""
    raw = read_log(DATA / "old-layout" / "anna-k-filled-by-old-writer.xlsx")
    assert (raw.kind, raw.layout, raw.sheet, raw.header_row) == ("workbook", "sessions", "Log", 1)
    assert raw.meta["schema_version"] == "1"
    assert raw.mapping == {f: h for f, h in zip(raw.fields, LOG_COLUMNS)}
    assert raw.rows[0][1][raw.fields.index("done")] == "yes"


def test_our_log_sheet_names_in_every_language_are_recognised():
    from physio.io.logs import LOG_SHEET_NAMES
    from physio.translations import every_workbook_word

    from physio.library import default_library

    assert every_workbook_word("sheet_log", default_library().translations) <= set(LOG_SHEET_NAMES)


def test_filled_workbook_keeps_the_row_numbers_the_spreadsheet_shows():
    plan = make_plan()
    raw = read_log_bytes(log_workbook(plan, {4: {"Done": "✓", "Pain before (0-10)": 3}}), "log.xlsx")
    row, values = raw.rows[4]
    assert row == 6  # header is row 1, schedule index 4 is row 6
    assert values[raw.fields.index("done")] == "✓"
    assert values[raw.fields.index("pain_before")] == 3


def test_csv_in_cp1251_with_semicolons_and_russian_headers_is_mapped():
    data = csv_bytes(
        [["Дата", "Упражнение", "Выполнено", "Подходы", "Повторения", "Минуты", "Боль до", "Боль после", "Примечания"],
         ["07.09.2026", "Bridge", "да", "2", "10", "", "3", "2", "спина лучше"]],
        delimiter=";", encoding="cp1251",
    )
    raw = read_log_bytes(data, "дневник.csv")
    assert (raw.kind, raw.encoding, raw.delimiter) == ("csv", "cp1251", ";")
    assert raw.mapping == {
        "date": "Дата", "exercise": "Упражнение", "done": "Выполнено", "sets_done": "Подходы",
        "reps_done": "Повторения", "minutes": "Минуты", "pain_before": "Боль до", "pain_after": "Боль после",
        "notes": "Примечания",
    }
    values = dict(zip(raw.fields, raw.rows[0][1]))
    assert values["notes"] == "спина лучше"
    assert values["minutes"] is None


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_csv_in_utf8_with_or_without_bom_and_commas(encoding, bom):
    data = bom + csv_bytes([["Date", "Exercise", "Done", "Notes"], ["2026-09-07", "Bridge", "yes", '"Ёлка, café"']])
    raw = read_log_bytes(data, "log.csv")
    assert raw.delimiter == ","
    assert raw.headers[0] == "Date"  # the BOM is not part of the first header
    assert dict(zip(raw.fields, raw.rows[0][1]))["notes"] == "Ёлка, café"


def test_foreign_workbook_with_a_title_above_the_table_and_another_sheet_first():
    wb = openpyxl.Workbook()
    wb.active.title = "Cover"
    wb.active["A1"] = "My back diary"
    ws = wb.create_sheet("Diary")
    ws["A1"] = "Exercises for September"
    ws.append([])
    ws.append(["Day", "Exercise name", "Did it", "Pain before"])
    ws.append([dt.date(2026, 9, 7), "bridge", "y", 2])
    buf = io.BytesIO()
    wb.save(buf)
    raw = read_log_bytes(buf.getvalue(), "diary.xlsx")
    assert (raw.kind, raw.sheet) == ("xlsx", "Diary")
    assert raw.rows[0][0] == 4
    assert dict(zip(raw.fields, raw.rows[0][1]))["exercise"] == "bridge"


def test_merged_date_cells_give_the_date_to_every_row_they_cover():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Exercise", "Done"])
    ws.append([dt.date(2026, 9, 7), "Bridge", "yes"])
    ws.append([None, "Bird-dog", "yes"])
    ws.merge_cells("A2:A3")
    buf = io.BytesIO()
    wb.save(buf)
    raw = read_log_bytes(buf.getvalue(), "merged.xlsx")
    assert [dict(zip(raw.fields, v))["date"] for _, v in raw.rows] == [dt.date(2026, 9, 7)] * 2


def test_formulas_with_stored_results_are_read_and_uncalculated_ones_refused(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Exercise", "Reps done"])
    ws.append([dt.date(2026, 9, 7), "Bridge", "=5*2"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(LogImportError, match=r"C2.*never calculated.*save it"):
        read_log_bytes(buf.getvalue(), "formulas.xlsx")
    # the same sheet after a spreadsheet program calculated it: the result is stored next to the formula
    calculated = _with_cached_value(buf.getvalue(), "C2", "10")
    raw = read_log_bytes(calculated, "formulas.xlsx")
    assert dict(zip(raw.fields, raw.rows[0][1]))["reps_done"] == 10


def _with_cached_value(xlsx: bytes, ref: str, value: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'r="{ref}"')
                end = text.index("<v />", start)
                data = (text[:end] + f"<v>{value}</v>" + text[end + len("<v />"):]).encode()
            z.writestr(item, data)
    return out.getvalue()


def test_therapist_corrects_the_guessed_mapping():
    rows = [["When", "Exercise", "Score", "Pain before"], ["07.09.2026", "Bridge", "4", "2"]]
    with pytest.raises(LogImportError, match="no header row"):
        read_log_bytes(csv_bytes(rows), "odd.csv")
    raw = read_log_bytes(csv_bytes(rows), "odd.csv", mapping={"date": "When", "Pain before (0-10)": "Score"})
    assert raw.mapping["date"] == "When"
    assert raw.mapping["pain_before"] == "Score"
    assert "Pain before" in raw.unmapped


def test_mapping_to_a_missing_header_names_the_columns_that_exist():
    with pytest.raises(LogImportError, match=r"no such column; its columns are: 'Date', 'Exercise'"):
        resolve_mapping(["Date", "Exercise"], {"done": "Completed?"}, where="log.csv")
    with pytest.raises(LogImportError, match="not one of our fields"):
        resolve_mapping(["Date", "Exercise"], {"mood": "Date"}, where="log.csv")


def test_header_synonyms_in_english_and_russian():
    assert guess_mapping(["Дата", "Упражнение", "Выполнено", "Угол (°)", "Заметки", "Минут"]) == {
        "date": 0, "exercise": 1, "done": 2, "angle_deg": 3, "notes": 4, "minutes": 5}
    assert guess_mapping(LOG_COLUMNS)["pain_after"] == LOG_COLUMNS.index("Pain after (0-10)")


# ---------------------------------------------------------------- files we refuse, each with a plain reason


def test_password_protected_workbook_is_refused_with_what_to_do():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100
    with pytest.raises(LogImportError, match="password-protected; open it, save it without a password"):
        read_log_bytes(ole, "secret.xlsx")


def test_truncated_workbook_is_refused_as_damaged():
    whole = log_workbook(make_plan())
    with pytest.raises(LogImportError, match="damaged or incomplete"):
        read_log_bytes(whole[: len(whole) // 2], "cut.xlsx")


@pytest.mark.parametrize("data,name,what", [
    (b"%PDF-1.7\n...", "log.xlsx", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "log.xlsx", "a PNG picture"),
    (bytes(range(256)) * 4, "log.csv", "not a spreadsheet"),
    # a renamed or mangled file: said plainly, not read as if it were text
    (bytes(range(256)) * 4, "log.xlsx", "named like an Excel workbook but is not one"),
    (b"hello", "log.xlsx", "named like an Excel workbook but is not one"),
])
def test_a_file_that_is_not_a_spreadsheet_is_refused(data, name, what):
    with pytest.raises(LogImportError, match=what):
        read_log_bytes(data, name)


def test_empty_file_and_empty_sheet_are_refused():
    with pytest.raises(LogImportError, match="is empty"):
        read_log_bytes(b"", "log.csv")
    with pytest.raises(LogImportError, match="blank.xlsx has no data: every sheet is empty"):
        read_log_bytes(plain_workbook([]), "blank.xlsx")


def test_oversized_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "huge.csv"
    with big.open("wb") as f:
        f.truncate(3 * 1024 * 1024)  # a sparse 3 MB file: nothing to read, only its size
    with pytest.raises(LogImportError, match=r"huge.csv is 3.0 MB, more than the 1 MB we read"):
        read_log(big, max_bytes=1024 * 1024)


def test_missing_file_is_named():
    with pytest.raises(LogImportError, match="there is no such file"):
        read_log("/nonexistent/log.xlsx")


def test_our_workbook_from_a_newer_schema_is_refused():
    plan = make_plan()
    meta = {"schema_version": 99, "plan_id": plan.id, "plan_version": 1, "patient_id": plan.patient.id}
    data = plain_workbook([list(LOG_COLUMNS), [START, 1, "Bridge", "glute-bridge", "", "yes"]], sheet="Log", meta=meta)
    with pytest.raises(LogImportError, match="schema_version '99'.*reads schema_version 1"):
        read_log_bytes(data, "new.xlsx")
