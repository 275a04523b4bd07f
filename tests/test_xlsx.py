"""The home-plan workbook, reopened with openpyxl and with LibreOffice, against the contract with the log importer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest
from export_helpers import make_plan, need_tool

from physio.errors import ExportError
from physio.io.xlsx import DATE_FORMAT, workbook_bytes, write_workbook
from physio.models import LOG_COLUMNS, META_SHEET, WORKBOOK_SCHEMA_VERSION
from physio.planning import schedule

GOLDEN = Path(__file__).parent / "data" / "golden" / "workbook_cells.json"


@pytest.fixture(scope="module")
def plan():
    return make_plan(n_exercises=3, weeks=2)


@pytest.fixture(scope="module")
def path(plan, tmp_path_factory) -> Path:
    return write_workbook(plan, tmp_path_factory.mktemp("xlsx") / "log.xlsx")


@pytest.fixture(scope="module")
def wb(path):
    return openpyxl.load_workbook(path)


def column(name: str) -> int:
    return LOG_COLUMNS.index(name)


def plan_sheet_text(wb) -> list[str]:
    return [str(v) for row in wb["Plan"].iter_rows(values_only=True) for v in row if v is not None]


def test_sheets_in_order_plan_active_and_meta_hidden(wb):
    assert wb.sheetnames == ["Plan", "Log", "Red-flag check", META_SHEET]
    assert wb.active.title == "Plan"
    assert wb[META_SHEET].sheet_state == "hidden"
    assert wb["Plan"].sheet_state == wb["Log"].sheet_state == "visible"


def test_log_has_the_header_and_one_row_per_scheduled_session(plan, wb):
    ws = wb["Log"]
    sessions = schedule(plan)
    assert ws.max_row == len(sessions) + 1
    assert tuple(c.value for c in ws[1]) == LOG_COLUMNS
    assert all(c.font.bold for c in ws[1])
    names = {pe.exercise.id: pe.exercise.name for pe in plan.exercises}
    doses = {pe.exercise.id: pe.dose.summary() for pe in plan.exercises}
    for s, row in zip(sessions, ws.iter_rows(min_row=2)):
        date = row[column("Date")]
        assert date.is_date and date.value.date() == s.date
        assert date.number_format == DATE_FORMAT
        assert row[column("Session")].value == s.session
        assert row[column("Exercise ID")].value == s.exercise_id
        assert row[column("Exercise")].value == names[s.exercise_id]
        assert row[column("Prescribed")].value == doses[s.exercise_id]
        filled_in_by_patient = [row[column(n)].value for n in LOG_COLUMNS[column("Done"):]]
        assert filled_in_by_patient == [None] * len(filled_in_by_patient)


def test_log_header_is_frozen_filtered_and_readable(wb):
    ws = wb["Log"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:M")
    for letter in "ACEM":
        assert ws.column_dimensions[letter].width >= 14


def _validation_for(ws, name: str):
    letter = openpyxl.utils.get_column_letter(column(name) + 1)
    found = [dv for dv in ws.data_validations.dataValidation if any(
        r.min_col == r.max_col == column(name) + 1 for r in dv.sqref.ranges)]
    assert len(found) == 1, f"column {letter} ({name}) should have exactly one validation"
    return found[0]


def _covers_rows(dv, col: int, first: int, last: int) -> bool:
    return any(r.min_col <= col <= r.max_col and r.min_row <= first and r.max_row >= last for r in dv.sqref.ranges)


def test_done_is_a_yes_no_list_on_every_session_row(plan, wb):
    ws = wb["Log"]
    dv = _validation_for(ws, "Done")
    assert dv.type == "list" and dv.formula1 == '"yes,no"'
    assert not dv.showDropDown  # openpyxl's showDropDown=True would HIDE the arrow
    assert dv.showErrorMessage and dv.prompt and dv.error
    assert _covers_rows(dv, column("Done") + 1, 2, len(schedule(plan)) + 1)


@pytest.mark.parametrize("name", ["Pain before (0-10)", "Pain after (0-10)"])
def test_pain_columns_accept_whole_numbers_0_to_10_with_a_plain_message(plan, wb, name):
    dv = _validation_for(wb["Log"], name)
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "0", "10")
    assert dv.error == "Pain is a whole number from 0 (none) to 10 (worst imaginable)."
    assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.promptTitle
    assert _covers_rows(dv, column(name) + 1, 2, len(schedule(plan)) + 1)


def test_counts_minutes_and_angle_have_their_ranges(wb):
    ws = wb["Log"]
    for name in ("Sets done", "Reps done"):
        dv = _validation_for(ws, name)
        assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
    dv = _validation_for(ws, "Minutes")
    assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
    dv = _validation_for(ws, "Angle (°)")
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "0", "90")


def test_hidden_sheet_ties_the_workbook_to_its_plan(plan, wb):
    meta = dict(wb[META_SHEET].iter_rows(values_only=True))
    assert meta == {
        "schema_version": WORKBOOK_SCHEMA_VERSION,
        "plan_id": plan.id,
        "plan_version": plan.version,
        "patient_id": plan.patient.id,
        "protocol_id": plan.protocol_id,
        "protocol_version": plan.protocol_version,
        "phase_id": plan.phase_id,
        "start": "2025-03-03",
        "weeks": 2,
        "check_sheet": "Red-flag check",
    }


def test_plan_sheet_holds_the_handout_content_and_prints_on_a4_width(plan, wb):
    text = plan_sheet_text(wb)
    for expected in ["Анна Петрова (born 1970)", "Dr. Maria Ivanova", "p001-test-back, version 2",
                     "Safety: read this first", plan.stop_rules[0].text, plan.red_flags[0].text,
                     "Walk every day for 20 minutes.",
                     "Prescribed by Dr. Maria Ivanova for Анна Петрова only. This plan supports, and does not "
                     "replace, your therapist's judgement."]:
        assert expected in text
    for n, pe in enumerate(plan.exercises, 1):
        assert f"{n}. {pe.exercise.name}" in text
        assert pe.dose.summary() in text
        assert pe.exercise.breathing in text
    ws = wb["Plan"]
    dose_cells = [c for row in ws.iter_rows() for c in row if c.value == plan.exercises[0].dose.summary()]
    assert dose_cells[0].font.b and dose_cells[0].font.sz >= 14
    assert int(ws.page_setup.paperSize) == 9  # A4 in the spreadsheet standard
    assert ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_formula_like_text_is_stored_as_text_and_control_characters_removed(tmp_path):
    plan = make_plan(n_exercises=1, weeks=1, notes=["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)",
                                                    "fine\x07 text"])
    ex = plan.exercises[0].exercise.model_copy(update={"name": "=1+1"})
    plan = plan.model_copy(update={"exercises": [plan.exercises[0].model_copy(update={"exercise": ex})]})
    wb = openpyxl.load_workbook(write_workbook(plan, tmp_path / "log.xlsx"))
    cells = {c.value: c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
    for text in ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "=1+1"]:
        assert text in cells, f"{text!r} missing"
        assert cells[text].data_type == "s", f"{text!r} would be run as a formula"
    assert "fine text" in cells
    log_names = [r[column("Exercise")] for r in wb["Log"].iter_rows(min_row=2, values_only=True)]
    assert set(log_names) == {"=1+1"}


def test_same_plan_gives_identical_bytes_dated_from_the_plan(plan):
    first = workbook_bytes(plan)
    assert workbook_bytes(plan) == first
    props = openpyxl.load_workbook(io.BytesIO(first)).properties
    assert props.created == props.modified == dt.datetime(2025, 3, 1, 10, 30)
    assert props.creator == "physio"


def _cells(wb) -> dict[str, list[list]]:
    def show(v):
        return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v

    return {ws.title: [[show(v) for v in row] for row in ws.iter_rows(values_only=True)] for ws in wb}


def test_cell_values_match_golden_file(wb):
    """Every cell of a fixed plan's workbook; regenerate with UPDATE_GOLDEN=1 after a deliberate change."""
    cells = _cells(wb)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(cells, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert GOLDEN.exists(), f"{GOLDEN} is missing; run the tests once with UPDATE_GOLDEN=1"
    assert cells == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_plan_without_exercises_is_refused_and_nothing_is_written(tmp_path):
    empty = make_plan().model_copy(update={"exercises": []})
    with pytest.raises(ExportError, match="has no exercises"):
        write_workbook(empty, tmp_path / "log.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_names_in_any_script_survive_the_round_trip(tmp_path):
    name = "王小明 فاطمة Ζωή Анна 😀"
    wb = openpyxl.load_workbook(write_workbook(make_plan(1, 1, patient_name=name), tmp_path / "log.xlsx"))
    assert f"{name} (born 1970)" in plan_sheet_text(wb)


# ------------------------------------------------------------------ LibreOffice


def _soffice(tmp_path: Path, src: Path, target: str, outdir: Path) -> subprocess.CompletedProcess:
    exe = need_tool("soffice", "LibreOffice opens the workbook as a patient's computer would")
    home = tmp_path / "lo-home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run(
        [exe, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(outdir), str(src)],
        env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.libreoffice
def test_libreoffice_opens_the_workbook_and_keeps_the_log_rows(plan, path, tmp_path):
    out = tmp_path / "out"
    every_sheet_utf8 = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    done = _soffice(tmp_path, path, every_sheet_utf8, out)
    log_csv = out / f"{path.stem}-Log.csv"
    assert done.returncode == 0 and log_csv.exists(), done.stderr + done.stdout
    rows = list(csv.reader(log_csv.read_text(encoding="utf-8").splitlines()))
    assert tuple(rows[0]) == LOG_COLUMNS
    sessions = schedule(plan)
    assert len(rows) == len(sessions) + 1
    for s, row in zip(sessions, rows[1:]):
        assert dt.datetime.strptime(row[column("Date")], "%m/%d/%Y").date() == s.date
        assert row[column("Exercise ID")] == s.exercise_id
        assert int(row[column("Session")]) == s.session
    meta = dict(csv.reader((out / f"{path.stem}-{META_SHEET}.csv").read_text(encoding="utf-8").splitlines()))
    assert meta["plan_id"] == plan.id and meta["plan_version"] == str(plan.version)
    assert "Анна Петрова (born 1970)" in (out / f"{path.stem}-Plan.csv").read_text(encoding="utf-8")

    done = _soffice(tmp_path, path, "pdf", out)
    assert done.returncode == 0 and (out / f"{path.stem}.pdf").exists(), done.stderr + done.stdout


def test_a_filled_in_workbook_reads_back_through_the_log_importer(plan, path, tmp_path):
    """The contract end to end: what we hand out, once a patient fills two rows, comes back as two entries."""
    from physio.io.logs import read_log
    from physio.validate import validate

    wb = openpyxl.load_workbook(path)
    ws = wb["Log"]
    for r, done, pain_before, pain_after in ((2, "yes", 3, 2), (3, "no", 5, None)):
        ws.cell(r, column("Done") + 1, done)
        ws.cell(r, column("Pain before (0-10)") + 1, pain_before)
        ws.cell(r, column("Pain after (0-10)") + 1, pain_after)
    returned = tmp_path / "returned.xlsx"
    wb.save(returned)

    raw = read_log(returned)
    assert (raw.kind, raw.plan_id, raw.plan_version, raw.patient_id) == ("workbook", plan.id, plan.version, "p001")
    result = validate(raw, plan, schedule(plan), patient_id="p001")
    assert result.rejections == []
    filled = [e for e in result.entries if e.done is not None]
    first = schedule(plan)[0]
    assert [e.done for e in filled] == [True, False]
    assert (filled[0].date, filled[0].exercise_id, filled[0].pain_before, filled[0].pain_after) == (
        first.date, first.exercise_id, 3, 2)


def test_plan_sheet_rows_are_tall_enough_for_their_wrapped_text(wb):
    """Spreadsheet programs do not grow rows a program wrote: a long text needs an explicit height, or the
    lines overlap the next row when printed (seen in LibreOffice before heights were set)."""
    ws = wb["Plan"]
    width = ws.column_dimensions["B"].width
    checked = 0
    for row in ws.iter_rows(min_col=2, max_col=2):
        cell = row[0]
        if isinstance(cell.value, str) and len(cell.value) > width:
            lines_needed = len(cell.value) / (1.3 * width)  # a generous estimate of characters per line
            height = ws.row_dimensions[cell.row].height
            assert height is not None and height >= 14 * lines_needed, (cell.row, cell.value[:40], height)
            checked += 1
    assert checked >= 1, "the fixture plan has long texts to wrap"


def test_pictures_fit_beside_their_exercise(plan, wb):
    from physio.io.xlsx import PICTURE_MAX_H_PX, PICTURE_PX

    images = wb["Plan"]._images
    assert len(images) == len(plan.exercises)
    emu_per_px = 9525
    for img in images:  # the size shown is the anchor's extent, whatever the PNG's own pixels
        shown_w, shown_h = img.anchor.ext.width / emu_per_px, img.anchor.ext.height / emu_per_px
        assert shown_w <= PICTURE_PX + 1 and shown_h <= PICTURE_MAX_H_PX + 1


def test_weekly_red_flag_check_asks_every_question_every_week_with_its_source(plan, wb):
    from physio.weekly_check import default_weekly_check

    check = default_weekly_check()
    ws = wb["Red-flag check"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == plan.weeks * len(check.questions)
    assert {r[0] for r in rows} == {1, 2}
    asked = {r[4] for r in rows}
    assert asked == {"bladder", "bowel", "saddle", "sexual", "both-legs", "foot-drop", "fever-weight-night"}
    assert all(r[5] and r[5].split(":")[0] for r in rows)  # each with its source key
    assert all(r[3] is None for r in rows)  # left for the patient
    dv = ws.data_validations.dataValidation[0]
    assert (dv.type, dv.formula1) == ("list", '"yes,no"') and str(dv.sqref) == f"D4:D{len(rows) + 3}"
