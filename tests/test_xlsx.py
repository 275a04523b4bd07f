"""The home-plan workbook, reopened with openpyxl and with LibreOffice, against the contract with the log importer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from export_helpers import make_plan, need_tool

from physio.errors import ExportError
from physio.io.xlsx import DATE_FORMAT, workbook_bytes, write_workbook
from physio.models import META_SHEET, WORKBOOK_SCHEMA_VERSION
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


def plan_sheet_text(wb) -> list[str]:
    return [str(v) for row in wb["Plan"].iter_rows(values_only=True) for v in row if v is not None]


def test_sheets_in_order_plan_active_and_meta_hidden(wb):
    assert wb.sheetnames == ["Plan", "Log", "Red-flag check", "How to fill in", META_SHEET]
    assert wb.active.title == "Plan"
    assert wb[META_SHEET].sheet_state == "hidden"
    assert wb["Plan"].sheet_state == wb["Log"].sheet_state == "visible"


HEAD = 3  # title, instructions, then the header row


def log_columns(ws) -> dict[str, int]:
    """Header text → column number of the Log sheet."""
    return {c.value: c.column for c in ws[HEAD] if c.value}


def is_entry(cell) -> bool:
    """A cell the patient fills in: open (not locked), yellow, framed."""
    return (not cell.protection.locked and cell.fill.fgColor.rgb.endswith("FFF59D")
            and cell.border.left.style in ("medium", "thick"))


def test_log_has_one_row_per_day_or_session_with_a_tick_per_exercise(plan, wb):
    from physio.daylog import day_rows

    ws = wb["Log"]
    rows = day_rows(plan, schedule(plan))
    assert ws.max_row == HEAD + len(rows)
    assert ws.cell(1, 1).value == "Your exercise diary: Анна Петрова" and ws.cell(1, 1).font.b
    assert "How to fill in" in ws.cell(2, 1).value  # a short hint; the whole instructions on their own sheet
    names = [f"{n}. {pe.exercise.short_name}" for n, pe in enumerate(plan.exercises, 1)]
    header = list(log_columns(ws))
    # entry columns right after the date: ticks, then pain, then notes; no sets, reps, minutes or angle
    assert header == ["Date", "Session", *names, "Back pain today (0‑10)", "Leg pain today (0‑10)", "Notes"]
    assert all(c.font.b for c in ws[HEAD] if c.value)
    for day, r in zip(rows, range(HEAD + 1, ws.max_row + 1)):
        date = ws.cell(r, 1)
        assert date.is_date and date.value.date() == day.date and date.number_format == DATE_FORMAT
        assert ws.cell(r, 2).value == day.session
        assert all(ws.cell(r, c).value is None for c in range(3, len(header) + 1))  # left for the patient


def test_only_what_the_patient_fills_in_is_open_and_everything_else_is_protected(plan, wb):
    from physio.daylog import day_rows

    ws = wb["Log"]
    col = log_columns(ws)
    assert ws.protection.sheet and not ws.protection.password  # no password: nothing can be locked away
    for day, r in zip(day_rows(plan, schedule(plan)), range(HEAD + 1, ws.max_row + 1)):
        for n, pe in enumerate(plan.exercises, 1):
            cell = ws.cell(r, col[f"{n}. {pe.exercise.short_name}"])
            assert is_entry(cell) == (pe.exercise.id in day.exercises), (r, pe.exercise.id)
            if not is_entry(cell):
                assert cell.protection.locked and cell.fill.fgColor.rgb.endswith("D9D9D9")  # grey: not planned
        assert is_entry(ws.cell(r, col["Back pain today (0‑10)"])) == day.first_of_day  # pain once a day
        assert is_entry(ws.cell(r, col["Notes"]))
        assert ws.cell(r, 1).protection.locked and ws.cell(r, 2).protection.locked
        assert (ws.cell(r, col["Notes"]).border.bottom.style == "thick") == day.last_of_week  # a line ends a week
    for sheet in ("Plan", "Red-flag check"):
        assert wb[sheet].protection.sheet and not wb[sheet].protection.password
    answers = [r[3] for r in wb["Red-flag check"].iter_rows(min_row=4)]
    assert answers and all(not c.protection.locked for c in answers)


def test_header_and_date_stay_in_view_and_it_prints_a4_landscape_page_wide_with_borders(wb):
    from physio.io.log_sheet import FONT_PT, PRINT_WIDTH

    ws = wb["Log"]
    assert ws.freeze_panes == "C4"  # header row and date (and session) frozen
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert page_wide(ws) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    widths = [col_width(ws, c) for c in range(1, ws.max_column + 1)]
    assert sum(widths) <= PRINT_WIDTH  # so fitting the page keeps the print at 9 pt or more
    for row in ws.iter_rows(min_row=HEAD, max_row=ws.max_row):
        for c in row:
            assert c.border.left.style and c.border.bottom.style, c.coordinate  # every cell framed on paper
            assert c.font.sz >= FONT_PT


def col_width(ws, col: int) -> float:
    """A column's width as the file says it (a <col> element may cover several columns alike)."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= col <= dim.max:
            return dim.width
    return ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width


def page_wide(ws) -> bool:
    """Printed fitted to one page across: fitToPage on, fitToWidth 1 (the file format's default when absent)."""
    return bool(ws.sheet_properties.pageSetUpPr.fitToPage) and (ws.page_setup.fitToWidth or 1) == 1


def _validation_at(ws, coordinate: str):
    found = [dv for dv in ws.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) == 1, f"{coordinate} should have exactly one validation"
    return found[0]


def test_ticks_are_a_list_and_pain_is_0_to_10_with_plain_messages(wb):
    ws = wb["Log"]
    col = log_columns(ws)
    tick = _validation_at(ws, f"C{HEAD + 1}")
    assert tick.type == "list" and tick.formula1 == '"✓"' and not tick.showDropDown  # showDropDown=True HIDES it
    assert tick.error == "Pick ✓ from the list, or leave the cell empty." and tick.showErrorMessage
    pain = _validation_at(ws, f"{openpyxl.utils.get_column_letter(col['Back pain today (0‑10)'])}{HEAD + 1}")
    # "between" is the file format's default operator, which XlsxWriter leaves out
    assert (pain.type, pain.operator or "between", pain.formula1, pain.formula2) == ("whole", "between", "0", "10")
    assert pain.error.startswith("Pain is a whole number from 0") and (pain.errorStyle or "stop") == "stop"  # default


def test_a_board_plan_has_the_angle_column_and_no_other_plan_does(tmp_path):
    from physio.models import Dose, Limit

    plain = openpyxl.load_workbook(io.BytesIO(workbook_bytes(make_plan(2, 1))))
    assert "Board angle (°)" not in log_columns(plain["Log"])
    p = make_plan(2, 1)
    angle = Limit(hard=(0, 90), usual=(0, 90), source="team-default: test")
    board = p.exercises[0].model_copy(update={"dose": Dose(duration_s=60, angle_deg=20),
                                              "limits": {**p.exercises[0].limits, "angle_deg": angle}})
    p = p.model_copy(update={"exercises": [board, p.exercises[1]]})
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(p)))
    header = list(log_columns(wb["Log"]))
    assert header.index("Board angle (°)") == header.index("Back pain today (0‑10)") - 1


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
        "language": "en",
        "log_layout": "days",
        "log_sheet": "Log",
        "log_header_row": HEAD,
        "log_columns": json.dumps(["date", "session", *(f"tick:{pe.exercise.id}" for pe in plan.exercises),
                                   "pain:back", "pain:leg", "notes"]),
    }


def test_plan_sheet_holds_the_handout_content_and_prints_on_a4_width(plan, wb):
    text = plan_sheet_text(wb)
    for expected in ["Анна Петрова (born 1970)", "Dr. Maria Ivanova", "p001-test-back, version 2",
                     "When to carry on, ease off or get help", plan.stop_rules[0].text, plan.red_flags[0].text,
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
    assert ws.page_setup.orientation == "landscape"  # page-wide at 9 pt or more (printed: see below)
    # at a fixed scale (fitted to the page, Excel drops the page breaks), one page wide: about 104 width units
    # fit A4 landscape at 100 % (physio.io.log_sheet.PRINT_WIDTH)
    from physio.io.xlsx import PLAN_PRINT_SCALE

    assert int(ws.page_setup.scale) == PLAN_PRINT_SCALE and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert sum(col_width(ws, c) for c in range(1, 4)) * PLAN_PRINT_SCALE / 100 <= 104


def test_formula_like_text_is_stored_as_text_and_control_characters_removed(tmp_path):
    plan = make_plan(n_exercises=1, weeks=1, notes=["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)",
                                                    "fine\x07 text"])
    ex = plan.exercises[0].exercise.model_copy(update={"name": "=1+1", "short_name": "=1+1"})
    plan = plan.model_copy(update={"exercises": [plan.exercises[0].model_copy(update={"exercise": ex})]})
    wb = openpyxl.load_workbook(write_workbook(plan, tmp_path / "log.xlsx"))
    cells = {c.value: c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
    for text in ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)"]:
        assert text in cells, f"{text!r} missing"
        assert cells[text].data_type == "s", f"{text!r} would be run as a formula"
    assert "fine text" in cells
    assert "1. =1+1" in log_columns(wb["Log"])  # the tick column's header names it as written


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
    from physio.daylog import day_rows

    out = tmp_path / "out"
    every_sheet_utf8 = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    done = _soffice(tmp_path, path, every_sheet_utf8, out)
    log_csv = out / f"{path.stem}-Log.csv"
    assert done.returncode == 0 and log_csv.exists(), done.stderr + done.stdout
    rows = list(csv.reader(log_csv.read_text(encoding="utf-8").splitlines()))
    assert rows[HEAD - 1][:2] == ["Date", "Session"]
    days = day_rows(plan, schedule(plan))
    assert len(rows) == HEAD + len(days)
    for day, row in zip(days, rows[HEAD:]):
        assert dt.datetime.strptime(row[0], "%m/%d/%Y").date() == day.date and int(row[1]) == day.session
    meta = dict(csv.reader((out / f"{path.stem}-{META_SHEET}.csv").read_text(encoding="utf-8").splitlines()))
    assert meta["plan_id"] == plan.id and meta["plan_version"] == str(plan.version)
    assert "Анна Петрова (born 1970)" in (out / f"{path.stem}-Plan.csv").read_text(encoding="utf-8")

    done = _soffice(tmp_path, path, "pdf", out)
    assert done.returncode == 0 and (out / f"{path.stem}.pdf").exists(), done.stderr + done.stdout


def test_a_filled_in_workbook_reads_back_through_the_log_importer(plan, path, tmp_path):
    """The contract end to end: what we hand out, once a patient ticks two exercises on the first day and writes
    the day's pain, comes back as entries (a tick done, an empty cell not done) and two pain scores."""
    from physio.io.logs import read_log
    from physio.validate_days import validate_days

    wb = openpyxl.load_workbook(path)
    ws = wb["Log"]
    col = log_columns(ws)
    names = [f"{n}. {pe.exercise.short_name}" for n, pe in enumerate(plan.exercises, 1)]
    ws.cell(HEAD + 1, col[names[0]], "✓")
    ws.cell(HEAD + 1, col[names[1]], "✓")
    ws.cell(HEAD + 1, col["Back pain today (0‑10)"], 3)
    ws.cell(HEAD + 1, col["Leg pain today (0‑10)"], 1)
    returned = tmp_path / "returned.xlsx"
    wb.save(returned)

    raw = read_log(returned)
    assert (raw.kind, raw.layout, raw.plan_id, raw.plan_version, raw.patient_id) == (
        "workbook", "days", plan.id, plan.version, "p001")
    result = validate_days(raw, plan, schedule(plan), patient_id="p001")
    assert result.checked.rejections == [] and result.value_rejections == []
    first_day = [s for s in schedule(plan) if s.date == plan.start and s.session == 1]
    assert {(e.exercise_id, e.done) for e in result.checked.entries} == {
        (s.exercise_id, s.exercise_id in {plan.exercises[0].exercise.id, plan.exercises[1].exercise.id})
        for s in first_day}
    assert [(r.measure_id, r.on, r.answers.items["pain"]) for r in result.readings] == [
        ("nprs-back", plan.start, 3), ("nprs-leg", plan.start, 1)]


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
    for img in images:  # the size shown is the drawing's extent, whatever the PNG's own pixels
        ext = img.anchor.pic.spPr.xfrm.ext
        assert img.anchor._from.col == 2  # column C, beside the text
        shown_w, shown_h = ext.width / emu_per_px, ext.height / emu_per_px
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


# ------------------------------------------------------------------ bad input: a big plan, any script, a long name


def _renamed(plan, names: list[str]):
    """The plan with its exercises named `names`, and without short names (as plans stored before short names
    existed: the log's headers are the full names)."""
    return plan.model_copy(update={"exercises": [
        pe.model_copy(update={"exercise": pe.exercise.model_copy(update={"name": n, "short_name": None})})
        for pe, n in zip(plan.exercises, names)]})


@pytest.fixture(scope="module")
def big_plan():
    """12 exercises for 16 weeks with the longest Russian names of the library, a patient named in Chinese and
    Arabic."""
    from physio.library import default_library

    longest = sorted((t.name for t in default_library().translations["ru"].exercises.values()), key=len)[-12:]
    return _renamed(make_plan(n_exercises=12, weeks=16, patient_name="王小明 فاطمة الزهراء"), longest)


@pytest.fixture(scope="module")
def big_path(big_plan, tmp_path_factory) -> Path:
    return write_workbook(big_plan, tmp_path_factory.mktemp("big") / "big.xlsx")


@pytest.fixture(scope="module")
def long_name_path(big_plan, tmp_path_factory) -> Path:
    """The big plan with one exercise named at much greater length than the rest."""
    names = [pe.exercise.name for pe in big_plan.exercises]
    names[5] = "Slow controlled " + " ".join(["rolling"] * 40) + " back to the start"
    return write_workbook(_renamed(big_plan, names), tmp_path_factory.mktemp("long") / "long.xlsx")


@pytest.mark.parametrize("which", ["big", "long name"])
def test_a_big_plan_and_a_long_name_are_laid_out_without_clipping(which, big_plan, big_path, long_name_path):
    from physio.daylog import day_rows
    from physio.io.log_sheet import MAX_ROW_PT, header_height

    ws = openpyxl.load_workbook(big_path if which == "big" else long_name_path)["Log"]
    header = list(log_columns(ws))
    assert len([h for h in header if h[0].isdigit()]) == 12
    assert ws.max_row == HEAD + len(day_rows(big_plan, schedule(big_plan)))  # 16 weeks of days
    assert ws.cell(1, 1).value == "Your exercise diary: 王小明 فاطمة الزهراء"
    height = ws.row_dimensions[HEAD].height
    assert height <= MAX_ROW_PT
    for c in ws[HEAD]:
        if not c.value:
            continue
        width = col_width(ws, c.column)
        rotated = c.alignment.textRotation == 90
        assert c.alignment.wrap_text and height >= header_height(c.value, width, rotated) - 0.5, c.value[:30]
        assert c.value == header[c.column - 1]  # the whole name, never shortened
    if which == "long name":
        long_col = next(c for c in ws[HEAD] if c.value and "rolling rolling" in c.value)
        assert col_width(ws, long_col.column) > col_width(ws, 3)  # widened
    for r in (1, 2):  # the title and the instructions wrap in rows tall enough for them
        assert ws.cell(r, 1).alignment.wrap_text and ws.row_dimensions[r].height >= 20


def _font_sizes(pdf: Path) -> list[float]:
    """The size every piece of text is printed at, in points (font size × text and page scaling)."""
    from pypdf import PdfReader

    sizes: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = max((tm[0] ** 2 + tm[1] ** 2) ** 0.5, (tm[2] ** 2 + tm[3] ** 2) ** 0.5)
            sizes.append(size * scale * (cm[0] ** 2 + cm[1] ** 2) ** 0.5)

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.libreoffice
@pytest.mark.parametrize("which", ["three exercises", "twelve exercises"])
def test_the_log_prints_at_9_pt_or_more_and_shows_every_date(which, path, big_path, tmp_path):
    """The Log sheet alone, printed by LibreOffice to PDF (A4 landscape, fitted to the page width)."""
    from pypdf import PdfReader

    wb = openpyxl.load_workbook(big_path if which == "twelve exercises" else path)
    for name in wb.sheetnames:
        if name != "Log":
            del wb[name]
    only_log = tmp_path / "only-log.xlsx"
    wb.save(only_log)
    done = _soffice(tmp_path, only_log, "pdf", tmp_path)
    pdf = tmp_path / "only-log.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    page = PdfReader(pdf).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width)) in (841, 842)  # A4
    sizes = _font_sizes(pdf)
    assert sizes and min(sizes) >= 9, min(sizes)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "###" not in text  # no date too wide for its column


@pytest.mark.libreoffice
def test_every_printed_sheet_is_on_a4_at_9_pt_or_more(big_plan, tmp_path):
    """Issue 14, point 5: the whole workbook printed by LibreOffice (the biggest plan, the most activities):
    every page A4, and no text under 9 pt on any sheet (the Plan sheet used to print at about 6 pt)."""
    from pypdf import PdfReader

    from physio.models.patient import PSFS_MAX_ACTIVITIES

    activities = [f"Walking to the shop number {i}" for i in range(1, PSFS_MAX_ACTIVITIES + 1)]
    path = write_workbook(big_plan, tmp_path / "whole.xlsx", psfs_activities=activities)
    done = _soffice(tmp_path, path, "pdf", tmp_path)
    pdf = tmp_path / "whole.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    for page in PdfReader(pdf).pages:
        assert sorted(round(float(v)) for v in (page.mediabox.width, page.mediabox.height)) in ([595, 841],
                                                                                              [595, 842])
    sizes = _font_sizes(pdf)
    assert sizes and min(sizes) >= 9, min(sizes)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for printed in ("Your exercises", "Your exercise diary", "Your own activities",
                    "How to fill in your exercise diary", big_plan.exercises[0].dose.summary()):
        assert printed in text, printed  # every sheet printed: plan, log, activities, how-to (legend with doses)
    # No exercise's title at the foot of a page with its text on the next: each exercise is printed on one page,
    # from its title down to its breathing (the Plan sheet's page breaks)
    lines = [(page, " ".join(line.split())) for page, body in enumerate(text.split("\f"))
             for line in body.splitlines() if line.strip()]
    for n, pe in enumerate(big_plan.exercises, 1):
        title = next(i for i, (_, line) in enumerate(lines) if line.startswith(f"{n}. {pe.exercise.name[:20]}"))
        breathing = next(i for i in range(title, len(lines)) if lines[i][1].startswith("Breathing"))
        assert lines[title][0] == lines[breathing][0], (n, pe.exercise.name)
        assert lines[title + 1][1].startswith("Dose"), lines[title + 1]


# ------------------------------------------------------------------ the Plan sheet's safety scale (issue 14, point 2)


def _exported(patient_id: str, tmp_path_factory):
    """A shipped protocol (lumbar disc hernia) personalised for an example patient and exported as a therapist
    does (export_plan, with the workspace's clinic profile): (plan, Plan sheet, handout's page 1 text)."""
    from pdf_read import read_pages

    from physio.io.export import export_plan
    from physio.library import default_library
    from physio.models import ClinicProfile
    from physio.planning import personalise
    from physio.store import read_patients

    lib = default_library()
    patient = next(p for p in read_patients(Path(__file__).parent.parent / "patients_example" / "patients")
                   if p.id == patient_id)
    start = dt.date(2026, 9, 7)
    plan = personalise(lib.protocol("lumbar-disc-hernia"), patient, "directional", start, library=lib, today=start)
    clinic = ClinicProfile(name="Riverside Physiotherapy", phone="+44 20 7946 0123", emergency_number="999")
    result = export_plan(plan, tmp_path_factory.mktemp(f"scale-{patient_id}"), clinic)
    wb = openpyxl.load_workbook(result.workbook)
    page_1 = read_pages(result.handout.read_bytes(), first=1)[0].text
    return plan, wb.worksheets[0], " ".join(page_1.replace("\u00a0", " ").split())


@pytest.fixture(scope="module", params=["P001", "P002"], ids=["English", "Russian"])
def exported(request, tmp_path_factory):
    return _exported(request.param, tmp_path_factory)


def scale_rows(ws, title: str) -> list[tuple]:
    """The scale as the Plan sheet shows it: (zone name or None, text, column A's fill, column B's fill) for each
    row from the scale's title to the next empty row."""
    rows = list(ws.iter_rows(min_col=1, max_col=2))
    start = next(i for i, (a, _) in enumerate(rows) if a.value == title)
    out = []
    for a, b in rows[start + 1:]:
        if b.value is None:
            break
        out.append((a.value, " ".join(str(b.value).replace("\u00a0", " ").split()), a.fill.fgColor.rgb[-6:],
                    b.fill.fgColor.rgb[-6:]))
    return out


def test_plan_sheet_says_the_handouts_one_scale_in_the_patients_language(exported):
    """Issue 14: the workbook's safety box opened "Stop the exercise when:" and then said that pain up to 3 is
    fine, and said the emergency twice. The Plan sheet now shows the handout's scale: the same zones in the same
    order, each text as on the handout's page 1, whom to call with the clinic's phone, the emergency once."""
    from physio.io._labels import LABELS
    from physio.io._safety_scale import ZONE_COLOURS, safety_scale

    plan, ws, handout = exported
    L = LABELS[plan.language]
    rows = scale_rows(ws, L["scale_title"])
    names = [a for a, *_ in rows if a]
    assert names == [L["zone_normal"], L["zone_ease"], L["zone_emergency"]]  # in order, named in words
    for name, text, *_ in rows:
        assert text.lstrip("• ") in handout, text  # word for word the handout's
    zone_of, current = {}, None
    for name, text, label_fill, text_fill in rows:
        current = name or current
        zone_of[text.lstrip("• ")] = current
        key = {L["zone_normal"]: "normal", L["zone_ease"]: "ease-off", L["zone_emergency"]: "emergency"}[current]
        assert (label_fill, text_fill) == ZONE_COLOURS[key][0::2]  # the zone's colour, down the whole zone
    scale = safety_scale(plan)
    normal = [t for t in scale.normal]
    assert normal and all(zone_of[t] == L["zone_normal"] for t in normal)  # "up to 3 is fine" says carry on
    assert all(zone_of[t] == L["zone_ease"] for t in scale.ease_off)
    call = L["call_clinic"].format(name="Riverside Physiotherapy", phone="+44 20 7946 0123")
    assert zone_of[call] == L["zone_ease"] and call in handout
    emergency = L["call_emergency"].format(number="999")
    assert zone_of[emergency] == L["zone_emergency"]
    # the contradiction is gone: no "Stop ... when/if:" heading over the zones, and the emergency is said once
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert not [c for c in cells if c.rstrip().endswith(":") and c.lower().startswith(("stop", "прекрат"))]
    (emergency_text,) = scale.emergency
    assert sum(c.count(emergency_text) for c in cells) == 1
    said = sum(c.count("emergency department") + c.count("приёмное отделение") for c in cells)
    assert said == 1
    if plan.language == "ru":  # every word of it in Russian
        assert all(re.search("[а-яё]", t, re.I) for _, t, *_ in rows), rows
        assert not re.search(r"\b(?:Call|Emergency|Normal|Ease off|Not sure)\b", " ".join(cells))


# ------------------------------------------------------------------ a log that works on a phone (issue 14, point 5)


def _library_plans():
    """Every phase of every protocol for each example patient it suits (English and Russian), as issued."""
    from physio.errors import PhysioError
    from physio.library import default_library
    from physio.store import read_patients
    from physio.planning import personalise

    lib = default_library()
    plans = []
    for patient in read_patients(Path(__file__).parent.parent / "patients_example" / "patients"):
        for proto_id in lib.protocols:
            proto = lib.protocol(proto_id)
            for phase in proto.phases:
                try:
                    plans.append(personalise(proto, patient, phase.id, dt.date(2026, 9, 7), library=lib))
                except PhysioError:  # screened out for this patient
                    continue
    return plans


def test_every_exercise_has_a_distinct_short_name_in_every_language():
    from physio.library import default_library
    from physio.models.exercise import SHORT_NAME_MAX

    lib = default_library()
    short = {"en": {i: e.short_name for i, e in lib.exercises.items()}}
    short |= {lang: {i: t.short_name for i, t in tr.exercises.items()} for lang, tr in lib.translations.items()}
    assert set(short) >= {"en", "ru"}
    for lang, names in short.items():
        assert [i for i, n in names.items() if not n] == [], lang
        assert len(set(names.values())) == len(names), lang  # one column is never mistaken for another
        assert max(len(n) for n in names.values()) <= SHORT_NAME_MAX


def test_the_log_is_headed_by_short_names_and_leaves_a_phone_screen_for_the_days():
    """Each tick column is headed by the number and the short name, written across (up to six exercises) and no
    wider than its words need; full names and doses are on the how-to sheet. What stays in view (title, hint,
    header; date) is a few lines: on a phone (about 400 px, 57 width units, 640 px tall) the date and the first
    ticks fit beside each other and more than 60 % of the screen's height is left for the days."""
    from physio.io.log_sheet import TICK_WIDTH

    plans = _library_plans()
    assert {p.language for p in plans} == {"en", "ru"} and len(plans) >= 10
    for plan in plans:
        wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan)))
        log = wb.worksheets[1]
        frozen_rows, frozen_cols = log.freeze_panes[1:], log.freeze_panes[0]
        assert log.freeze_panes in ("B4", "C4")
        header = {c.column: c for c in log[HEAD] if c.value}
        ticks = [header[c] for c in sorted(header) if header[c].value[0].isdigit()]
        assert [c.value for c in ticks] == [f"{n}. {pe.exercise.short_name}" for n, pe in enumerate(plan.exercises, 1)]
        width = {c.column: col_width(log, c.column) for c in ticks}
        rotated = any(c.alignment.textRotation == 90 for c in ticks)
        if len(ticks) <= 6:  # read across; more exercises than that share the print width too narrowly
            assert not rotated, plan.label
        assert max(width.values()) <= TICK_WIDTH[1]
        fixed = sum(col_width(log, c) for c in range(1, openpyxl.utils.column_index_from_string(frozen_cols)))
        assert fixed + width[ticks[0].column] + width[ticks[1].column] <= 57, plan.label
        frozen_pt = sum(log.row_dimensions[r].height for r in range(1, int(frozen_rows)))
        assert frozen_pt <= (180 if rotated else 150), (plan.label, frozen_pt)  # title, a short hint, the header
        legend = list(wb.worksheets[-2].iter_rows(min_row=5, values_only=True))
        assert legend == [(c.value, pe.exercise.name, pe.dose.summary(plan.language))
                          for c, pe in zip(ticks, plan.exercises)]
