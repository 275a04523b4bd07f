"""The home-plan workbook: the plan to read, a log to fill in day by day, the weekly red-flag check, the patient's
own activities (PSFS) when they named any, and a hidden sheet that ties it to its plan.

The layout is a contract with physio/io/logs.py: the hidden sheet (META_SHEET, WORKBOOK_SCHEMA_VERSION in
physio/models/log.py) names the plan, and where the log's sheets, header rows and column keys (physio.daylog) are,
so the importer finds them in any language. Every word is in the plan's language (physio.translations).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Sequence
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .._atomic import write_atomic
from ..errors import ExportError
from ..daylog import day_rows
from ..models import META_SHEET, PARAM_LABELS, WORKBOOK_SCHEMA_VERSION, Plan, PlannedExercise
from ..planning import ensure_safe, schedule
from ..translations import workbook_words
from ._labels import labels
from .log_sheet import date_format, fill_day_log, fill_psfs_sheet, protect
from ._text import clean, looks_like_formula
from .pdf import footer_text, header_rows, issue_moment

#: The sheets' names in English (each plan's are in its language: sheet_names()).
PLAN_SHEET = "Plan"
LOG_SHEET = "Log"

#: How the Date column shows a day: weekday first, then day.month.year, read the same in every country.
DATE_FORMAT = date_format("en")

#: The most characters a spreadsheet cell holds (Excel's limit; LibreOffice's is higher).
MAX_CELL_CHARS = 32767

#: Rows kept free beside each exercise for its picture (about 5 cm at the default row height).
PICTURE_ROWS = 9

_BOLD = Font(name="Calibri", bold=True, size=11)
_TITLE = Font(name="Calibri", bold=True, size=16)
_HEAD = Font(name="Calibri", bold=True, size=13)
_DOSE = Font(name="Calibri", bold=True, size=15)
_SAFETY_HEAD = Font(name="Calibri", bold=True, size=13, color="B00020")
_SAFETY_FILL = PatternFill("solid", fgColor="FDECEE")
_HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")


def _text(value: object, where: str) -> str:
    s = clean(value)
    if len(s) > MAX_CELL_CHARS:
        raise ExportError(
            f"{where} is {len(s)} characters long; a spreadsheet cell holds at most {MAX_CELL_CHARS}. "
            "Shorten it and export again"
        )
    return s


def _put(ws: Worksheet, row: int, col: int, value: object, where: str) -> Cell:
    """Write one value; text is cleaned and never left for a spreadsheet to run as a formula."""
    if isinstance(value, str):
        value = _text(value, where)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


# ------------------------------------------------------------------ the Plan sheet


#: Width of an exercise picture on the Plan sheet, in pixels (column C is about 230 px wide).
PICTURE_PX = 220

#: Height a picture may take: the rows kept free beside each exercise, at 20 px a row.
PICTURE_MAX_H_PX = PICTURE_ROWS * 20


def _plan_sheet_picture(pe: PlannedExercise, language: str = "en") -> Image | None:
    """The exercise's picture at this patient's dose, as a PNG beside its block (drawn twice as large, for print)."""
    from ..errors import PhysioError
    from ..figures import exercise_figure, to_png

    try:
        png = to_png(exercise_figure(pe.exercise.id, pe.dose, language=language), width_px=2 * PICTURE_PX)
    except PhysioError:  # an exercise with no pose any more: the block reads fine without it
        return None
    img = Image(io.BytesIO(png))
    # Fit inside the rows kept free beside the block (a standing figure is tall, a lying one wide).
    scale = min(PICTURE_PX / img.width, PICTURE_MAX_H_PX / img.height)
    img.width, img.height = round(img.width * scale), round(img.height * scale)
    return img


#: Column widths of the Plan sheet, in characters: labels, text, pictures (about 230 px).
PLAN_WIDTHS = {"A": 30, "B": 64, "C": 32}

#: Points per line of text, for a font of size 11; larger fonts scale with it.
_LINE_PT = 15.0


def _row_height(cells: list[tuple[str, int, float]]) -> float | None:
    """A row tall enough for its wrapped text, since neither Excel nor LibreOffice grows rows written by a program.

    cells: (text, column width in characters, font size). Widths are counted generously (one character per
    width unit), so a row is rather too tall than cut off. None when one default line suffices."""
    best = 0.0
    for text, width, size in cells:
        if not text:
            continue
        chars = max(1, int(width * 11 / size))
        lines = sum(max(1, -(-len(part) // chars)) for part in str(text).split("\n"))
        best = max(best, lines * _LINE_PT * size / 11)
    return round(best, 1) if best > _LINE_PT else None


class _PlanWriter:
    """Writes the Plan sheet top to bottom: a label in column A, its text in column B, pictures in C."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.row = 1

    def line(self, label: str | None, text: object = None, *, where: str, font: Font | None = None,
             text_font: Font | None = None, fill: PatternFill | None = None) -> int:
        r = self.row
        if label is not None:
            c = _put(self.ws, r, 1, label, where)
            # A label alone on its row (a title) runs on across the empty columns instead of wrapping.
            c.alignment = _WRAP if text is not None else _TOP
            c.font = font or _BOLD
            if fill:
                c.fill = fill
        if text is not None:
            c = _put(self.ws, r, 2, text, where)
            c.alignment = _WRAP
            if text_font:
                c.font = text_font
            if fill:
                c.fill = fill
        elif fill:
            self.ws.cell(row=r, column=2).fill = fill
        height = _row_height(
            [(label, PLAN_WIDTHS["A"], (font or _BOLD).size) if text is not None and label else ("", 1, 11),
             (str(text) if text is not None else "", PLAN_WIDTHS["B"], (text_font.size if text_font else 11))]
        )
        if height:
            self.ws.row_dimensions[r].height = height
        self.row += 1
        return r

    def gap(self, n: int = 1) -> None:
        self.row += n


def _fill_plan_sheet(ws: Worksheet, plan: Plan, pictures: bool = True) -> None:
    for col, width in PLAN_WIDTHS.items():
        ws.column_dimensions[col].width = width
    w = _PlanWriter(ws)
    L = labels(plan.language)
    w.line(L["title"], where="title", font=_TITLE)
    w.line(L["aim_of_phase"], plan.phase_goal, where="phase goal")
    w.gap()
    for label, text in header_rows(plan):
        w.line(label, text, where=f"{label.lower()} in the header")
    w.gap()

    w.line(L["safety"], where="safety", font=_SAFETY_HEAD, fill=_SAFETY_FILL)
    for i, rule in enumerate(plan.stop_rules):
        w.line(L["stop_when"] if i == 0 else None, rule.text, where=f"stop rule {i + 1}", fill=_SAFETY_FILL)
    for i, flag in enumerate(plan.red_flags):
        w.line(L["call_when"] if i == 0 else None, flag.text,
               where=f"red flag '{flag.id}'", fill=_SAFETY_FILL)
    w.gap()

    for key, items in (("please_note", plan.warnings), ("cleared_by_doctor", plan.cleared),
                       ("changes_since", plan.changes)):
        title = L[key]
        for i, item in enumerate(items):
            w.line(title if i == 0 else None, item, where=f"{labels('en')[key].lower()} {i + 1}")
    reasons = [(pe, p, r) for pe in plan.exercises for p, r in pe.reasons.items()]
    for i, (pe, p, r) in enumerate(reasons):
        w.line(L["doses_set_on_purpose"] if i == 0 else None,
               f"{pe.exercise.name}, {PARAM_LABELS[p]} {getattr(pe.dose, p)}: {r}",
               where=f"reason for {pe.exercise.id} {p}")
    if plan.warnings or plan.cleared or plan.changes or reasons:
        w.gap()

    for i, note in enumerate(plan.notes or [L["no_notes"]]):
        w.line(L["notes_from_therapist"] if i == 0 else None, note, where=f"therapist note {i + 1}")
    w.gap()  # before the exercises, as in the handout
    w.line(L["your_exercises"], where="exercises", font=_HEAD)
    for n, pe in enumerate(plan.exercises, 1):
        _exercise_block(ws, w, n, pe, plan.language, pictures)
        w.gap()

    w.line(None, footer_text(plan), where="footer")

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    protect(ws)  # a sheet to read: nothing on it is for typing (no password, so it can always be lifted)
    ws.oddFooter.right.text = L["page_xlsx"]
    ws.oddFooter.left.text = _header_footer_safe(f"{plan.patient.name}, {plan.label}")


def _header_footer_safe(text: str) -> str:
    """Header/footer text where '&' starts a code: double it so names print as written."""
    return clean(text).replace("\n", " ").replace("&", "&&")[:200]


def _exercise_block(ws: Worksheet, w: _PlanWriter, n: int, pe: PlannedExercise, language: str = "en",
                    pictures: bool = True) -> None:
    ex = pe.exercise
    L = labels(language)
    first = w.line(f"{n}. {ex.name}", where=f"exercise '{ex.id}' name", font=_HEAD)
    w.line(L["dose"], pe.dose.summary(language), where=f"exercise '{ex.id}' dose", text_font=_DOSE)
    w.line(L["aim"], ex.aim, where=f"exercise '{ex.id}' aim")
    w.line(L["starting_position"], ex.starting_position, where=f"exercise '{ex.id}' starting position")
    if ex.equipment:
        w.line(L["you_need"], ", ".join(ex.equipment), where=f"exercise '{ex.id}' equipment")
    for i, step in enumerate(ex.steps, 1):
        w.line(L["how_to"] if i == 1 else None, f"{i}. {step}", where=f"exercise '{ex.id}' step {i}")
    w.line(L["breathing"], ex.breathing, where=f"exercise '{ex.id}' breathing")
    for i, caution in enumerate(ex.cautions):
        w.line(L["take_care"] if i == 0 else None, caution, where=f"exercise '{ex.id}' caution {i + 1}")
    for p, r in pe.reasons.items():
        w.line(L["why_dose"], f"{PARAM_LABELS[p]} {getattr(pe.dose, p)}: {r}", where=f"exercise '{ex.id}' reason for {p}")
    if pe.note:
        w.line(L["therapist_note"], pe.note, where=f"exercise '{ex.id}' note")
    if w.row - first < PICTURE_ROWS:
        w.gap(PICTURE_ROWS - (w.row - first))
    picture = _plan_sheet_picture(pe, language) if pictures else None
    if picture is not None:
        ws.add_image(picture, f"C{first + 1}")


# ------------------------------------------------------------------ the Log sheet and the activities sheet


def sheet_names(plan: Plan, psfs_activities: Sequence[str] = ()) -> dict[str, str | None]:
    """The sheets' names in the patient's language: plan, log, weekly check, activities (None without any)."""
    words = workbook_words(plan.language)
    return {"plan": words["sheet_plan"], "log": words["sheet_log"], "check": check_sheet_name(plan),
            "psfs": words["sheet_psfs"] if psfs_activities else None}


def _footer(plan: Plan) -> str:
    return _header_footer_safe(f"{plan.patient.name}, {plan.label}")


def _fill_log_sheets(wb: Workbook, plan: Plan, psfs_activities: Sequence[str]) -> list[tuple[str, object]]:
    """The Log sheet (and the activities sheet when the patient named activities); returns what the hidden sheet
    must say for the importer to find them again."""
    names = sheet_names(plan, psfs_activities)
    words = workbook_words(plan.language)
    rows = day_rows(plan, schedule(plan))
    head, keys = fill_day_log(wb.create_sheet(names["log"]), plan, rows, words, check_sheet=names["check"],
                              psfs_sheet=names["psfs"], footer=_footer(plan))
    meta: list[tuple[str, object]] = [("log_layout", "days"), ("log_sheet", names["log"]),
                                      ("log_header_row", head), ("log_columns", json.dumps(keys))]
    if psfs_activities:
        psfs_head = fill_psfs_sheet(wb.create_sheet(names["psfs"]), plan, psfs_activities, words,
                                    footer=_footer(plan))
        meta += [("psfs_sheet", names["psfs"]), ("psfs_header_row", psfs_head),
                 ("psfs_activities", json.dumps([clean(a) for a in psfs_activities], ensure_ascii=False))]
    return meta


# ------------------------------------------------------------------ the weekly red-flag check


def check_sheet_name(plan: Plan) -> str:
    from ..weekly_check import default_weekly_check

    names = default_weekly_check().sheet
    return names.get(plan.language, names["en"])  # type: ignore[call-overload]


#: The weekly check is read by people with weak eyes: 12 pt, and answer cells that look like places to write in.
_CHECK_FONT = Font(size=12)
_ANSWER_FILL = PatternFill("solid", fgColor="FFF9C4")
_CENTER = Alignment(horizontal="center", vertical="top")
_ANSWER_BORDER = Border(*(Side(style="medium", color="555555"),) * 4)


def _fill_check_sheet(ws: Worksheet, plan: Plan) -> None:
    """The weekly red-flag check: one row per question and week, answered yes or no (physio.weekly_check)."""
    from ..weekly_check import default_weekly_check, sheet_rows

    check = default_weekly_check()
    lang = plan.language if plan.language in check.sheet else "en"
    intro = _put(ws, 1, 1, check.intro[lang], "weekly check introduction")  # type: ignore[index]
    intro.font, intro.alignment, intro.fill = _SAFETY_HEAD, _WRAP, _SAFETY_FILL
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws.row_dimensions[1].height = 48
    for c, (name, width) in enumerate(zip(check.columns[lang], (8, 24, 70, 18, 16, 30)), 1):  # type: ignore[index]
        cell = _put(ws, 3, c, name, f"weekly check column {c}")
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _HEADER_ALIGN
        ws.column_dimensions[get_column_letter(c)].width = width
    rows = sheet_rows(plan, check)
    for r, (week, dates, question, qid, source) in enumerate(rows, 4):
        for c, value in enumerate((week, dates, question, None, qid, source), 1):
            if value is not None:
                cell = _put(ws, r, c, value, f"weekly check row {r}")
                cell.alignment, cell.font = (_CENTER if c == 1 else _WRAP), _CHECK_FONT
        answer = ws.cell(row=r, column=4)
        answer.fill, answer.border, answer.font = _ANSWER_FILL, _ANSWER_BORDER, _CHECK_FONT
        answer.protection = Protection(locked=False)
        ws.row_dimensions[r].height = _row_height([(question, 70, 12)])
    last = len(rows) + 3
    # The patient answers in their own words: Russian patients pick да / нет (the importer reads both languages).
    L = labels(plan.language)
    words = workbook_words(plan.language)
    choices = f'"{words["yes"]},{words["no"]}"'
    dv = DataValidation(type="list", formula1=choices, allow_blank=True, showInputMessage=True, showErrorMessage=True,
                        errorStyle="stop", promptTitle=L["answer_title"], prompt=L["answer_prompt"],
                        errorTitle=L["not_allowed"], error=L["answer_error"])
    dv.add(f"D4:D{last}")
    ws.add_data_validation(dv)
    # The question id and its source are for the importer and the therapist, not for the patient's eyes.
    for letter in ("E", "F"):
        ws.column_dimensions[letter].hidden = True
    ws.freeze_panes = "A4"
    protect(ws)
    _print_a4_landscape(ws, title_rows="3:3")


def _print_a4_landscape(ws: Worksheet, *, title_rows: str) -> None:
    """A4 landscape, as wide as the page, as many pages down as needed, the header row on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows


# ------------------------------------------------------------------ the hidden sheet


def meta_values(plan: Plan, layout: list[tuple[str, object]] = ()) -> list[tuple[str, object]]:
    """What ties a returned workbook to its plan, in the order written to the hidden sheet; `layout` says where
    the log's sheets, header rows and columns are (from _fill_log_sheets)."""
    return [
        ("schema_version", WORKBOOK_SCHEMA_VERSION),
        ("plan_id", plan.id),
        ("plan_version", plan.version),
        ("patient_id", plan.patient.id),
        ("protocol_id", plan.protocol_id),
        ("protocol_version", plan.protocol_version),
        ("phase_id", plan.phase_id),
        ("start", plan.start.isoformat()),
        ("weeks", plan.weeks),
        ("check_sheet", check_sheet_name(plan)),
        ("language", plan.language),
        *layout,
    ]


def _fill_meta_sheet(ws: Worksheet, plan: Plan, layout: list[tuple[str, object]]) -> None:
    for r, (key, value) in enumerate(meta_values(plan, layout), 1):
        _put(ws, r, 1, key, f"hidden sheet key {key}")
        _put(ws, r, 2, value, f"hidden sheet value {key}")
    ws.sheet_state = "hidden"


# ------------------------------------------------------------------ the file


class _FixedTimeZip(ZipFile):
    """A zip whose entries all carry one fixed time, so the same plan gives the same bytes."""

    def __init__(self, file: io.BytesIO, stamp: dt.datetime):
        super().__init__(file, "w", ZIP_DEFLATED)
        self._stamp = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # noqa: ANN001
        if isinstance(zinfo_or_arcname, str):
            info = ZipInfo(zinfo_or_arcname, date_time=self._stamp)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # noqa: ANN001
        # openpyxl streams each worksheet through a temporary file; stamp it like every other entry.
        with open(filename, "rb") as f:
            self.writestr(arcname or Path(filename).name, f.read(), compress_type, compresslevel)


def workbook_bytes(plan: Plan, *, psfs_activities: Sequence[str] = ()) -> bytes:
    """The workbook for `plan`, complete, in memory. The same plan always gives the same bytes.

    psfs_activities: the activities the patient named at intake (Patient.psfs_activities); with them the workbook
    has a weekly sheet to score each one 0–10 (PSFS)."""
    if not plan.exercises:
        raise ExportError(
            f"plan {plan.label} for patient {plan.patient.id} has no exercises, so there is no log to fill in; "
            "add at least one exercise to the plan first"
        )
    ensure_safe(plan)
    wb = Workbook()
    plan_ws = wb.active
    plan_ws.title = sheet_names(plan)["plan"]
    _fill_plan_sheet(plan_ws, plan)
    layout = _fill_log_sheets(wb, plan, psfs_activities)
    _fill_check_sheet(wb.create_sheet(check_sheet_name(plan)), plan)
    _fill_meta_sheet(wb.create_sheet(META_SHEET), plan, layout)
    wb.active = 0

    moment = issue_moment(plan)
    wb.properties.creator = "physio"
    wb.properties.lastModifiedBy = "physio"
    wb.properties.title = _text(labels(plan.language)["doc_title"].format(name=plan.patient.name), "patient name")
    wb.properties.created = moment
    wb.properties.modified = moment

    buf = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook would stamp the current time as "modified".
    ExcelWriter(wb, _FixedTimeZip(buf, moment)).save()
    return buf.getvalue()


def printed_texts(plan: Plan, psfs_activities: Sequence[str] = ()) -> set[str]:
    """Every text the workbook of `plan` prints (any sheet), spaces collapsed: what the patient did NOT write.

    The red-flag search skips these cells of a returned workbook (our own red-flag advice would match)."""
    wb = Workbook()
    _fill_plan_sheet(wb.active, plan, pictures=False)
    _fill_log_sheets(wb, plan, psfs_activities)
    _fill_check_sheet(wb.create_sheet(check_sheet_name(plan)), plan)
    return {" ".join(c.value.split()) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)}


def write_workbook(plan: Plan, path: str | Path, *, psfs_activities: Sequence[str] = ()) -> Path:
    """Build the workbook in memory, then write it to `path` in one step (nothing is left half-written)."""
    return write_atomic(path, workbook_bytes(plan, psfs_activities=psfs_activities), error=ExportError)
