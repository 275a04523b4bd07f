"""The home-plan workbook: the plan to read, a log to fill in day by day, the weekly red-flag check, the patient's
own activities (PSFS) when they named any, and a hidden sheet that ties it to its plan.

The layout is a contract with physio/io/logs.py: the hidden sheet (META_SHEET, WORKBOOK_SCHEMA_VERSION in
physio/models/log.py) names the plan, and where the log's sheets, header rows and column keys (physio.daylog) are,
so the importer finds them in any language. Every word is in the plan's language (physio.translations).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from .._atomic import write_atomic
from ..errors import ExportError
from ..daylog import TICK, day_rows
from ..library import default_library
from ..models import META_SHEET, WORKBOOK_SCHEMA_VERSION, ClinicProfile, Plan, PlannedExercise
from ..planning import ensure_safe, schedule
from ..translations import workbook_words
from ._labels import labels
from ._safety_scale import ZONE_COLOURS, every_time, scale_zones
from ._sheet import PageSetup, Picture, Properties, Sheet, Style, Validation, xlsx_bytes
from .log_sheet import date_format, fill_day_log, fill_howto_sheet, fill_psfs_sheet, protect
from ._text import clean, without_source_keys
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

#: Text of the Plan sheet: 12 pt, so that printed page-wide on A4 landscape (PLAN_WIDTHS) it stays above 9 pt.
_BODY = Style(size=12)
_BOLD = Style(bold=True, size=12)
_TITLE = Style(bold=True, size=16)
_HEAD = Style(bold=True, size=13)
_DOSE = Style(bold=True, size=15)
_SAFETY_HEAD = Style(bold=True, size=13, color="B00020")
_SAFETY_FILL = "FDECEE"
_HEADER_FILL = "EEEEEE"
_WRAP = Style(wrap=True, valign="top")
_TOP = Style(valign="top")


def _text(value: object, where: str) -> str:
    s = clean(value)
    if len(s) > MAX_CELL_CHARS:
        raise ExportError(
            f"{where} is {len(s)} characters long; a spreadsheet cell holds at most {MAX_CELL_CHARS}. "
            "Shorten it and export again"
        )
    return s


def _put(ws: Sheet, row: int, col: int, value: object, where: str, style: Style = _BODY) -> None:
    """Write one value; text is cleaned and never left for a spreadsheet to run as a formula."""
    if isinstance(value, str):
        value = _text(value, where)
    ws.put(row, col, value, style)


# ------------------------------------------------------------------ the Plan sheet


#: Width of an exercise picture on the Plan sheet, in pixels (column C is about 230 px wide).
PICTURE_PX = 220

#: Height a picture may take: the rows kept free beside each exercise, at 20 px a row.
PICTURE_MAX_H_PX = PICTURE_ROWS * 20


def _plan_sheet_picture(pe: PlannedExercise, row: int, language: str = "en") -> Picture | None:
    """The exercise's picture at this patient's dose, as a PNG beside its block (drawn twice as large, for print)."""
    from ..errors import PhysioError
    from ..figures import exercise_figure, to_png

    try:
        png = to_png(exercise_figure(pe.exercise.id, pe.dose, language=language), width_px=2 * PICTURE_PX)
    except PhysioError:  # an exercise with no pose any more: the block reads fine without it
        return None
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")  # the PNG's header
    # Fit inside the rows kept free beside the block (a standing figure is tall, a lying one wide).
    scale = min(PICTURE_PX / width, PICTURE_MAX_H_PX / height)
    return Picture(row, 3, png, round(width * scale), round(height * scale), clean(pe.exercise.name))


#: Column widths of the Plan sheet, in characters: labels, text, pictures (about 230 px). Together 116: printed
#: page-wide on A4 landscape (about 104 fit at 100 %, physio.io.log_sheet.PRINT_WIDTH) 12 pt text comes out at
#: about 10.8 pt. team-default: a 9 pt floor for print (issue 14).
PLAN_WIDTHS = {"A": 24, "B": 60, "C": 32}

#: The Plan sheet printed at this fixed scale (per cent), not "fitted to the page width": Excel would then drop the
#: page breaks that keep each exercise on one page. 116 width units at 88 % fit A4 landscape (about 104 fit at
#: 100 %), and 12 pt text prints at about 10.6 pt. team-default: a 9 pt floor for print (issue 14).
PLAN_PRINT_SCALE = 88

#: Points per line of text, for a font of size 11; larger fonts scale with it.
_LINE_PT = 15.0

#: How much of the sheet (in its own points) one printed page of the Plan sheet holds: A4 landscape (595 pt) less
#: the top and bottom margins (0.5 in each) and the footer's line (about 20 pt), at PLAN_PRINT_SCALE, less 5 % in
#: case a row prints taller than counted (LibreOffice's PDF of a plan: rows of about 590 pt to a page).
PLAN_PAGE_PT = (595 - 36 - 36 - 20) / (PLAN_PRINT_SCALE / 100) * 0.95


def printed_heights(ws: Sheet) -> dict[int, float]:
    """How tall each row prints, in points: its set height, else one line of its largest type."""
    largest: dict[int, float] = {}
    for (row, _), (value, style) in ws.cells.items():
        if value is not None:
            largest[row] = max(largest.get(row, 0), style.size)
    return {row: ws.heights.get(row) or _LINE_PT * largest.get(row, 11) / 11 for row in range(1, ws.max_row + 1)}


def page_breaks(ws: Sheet, keep: list[tuple[int, int]], page_pt: float) -> list[int]:
    """Rows that must start a printed page so that none of the `keep` blocks (first row, last row) is split, and
    so no exercise's title is left at the foot of a page: a block starts a new page when it does not fit in what
    is left of the current one. A block taller than a page starts a page and runs on over the next."""
    starts = {first: last for first, last in keep}
    heights = printed_heights(ws)  # rows 1 to the sheet's last (Sheet.max_row looks through every cell)
    breaks, used, row = [], 0.0, 1
    while row in heights:
        last = starts.get(row, row)
        height = sum(heights[r] for r in range(row, last + 1))
        if used and used + height > page_pt:
            breaks.append(row)
            used = 0.0
        used = (used + height) % page_pt if height > page_pt else used + height
        row = last + 1
    return breaks


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

    def __init__(self, ws: Sheet):
        self.ws = ws
        self.row = 1

    def line(self, label: str | None, text: object = None, *, where: str, font: Style | None = None,
             text_font: Style | None = None, fill: str | None = None, label_fill: str | None = None) -> int:
        """One row: `fill` colours the row's cells, `label_fill` (when given) column A's."""
        r = self.row
        label_fill = fill if label_fill is None else label_fill
        if label is not None:
            # A label alone on its row (a title) runs on across the empty columns instead of wrapping.
            align = _WRAP if text is not None else _TOP
            _put(self.ws, r, 1, label, where, (font or _BOLD).but(wrap=align.wrap, valign="top", fill=label_fill))
        elif label_fill and text is not None:
            self.ws.put(r, 1, None, _BODY.but(fill=label_fill))
        if text is not None:
            _put(self.ws, r, 2, text, where, (text_font or _BODY).but(wrap=True, valign="top", fill=fill))
        elif fill:
            self.ws.put(r, 2, None, _BODY.but(fill=fill))
        height = _row_height(
            [(label, PLAN_WIDTHS["A"], (font or _BOLD).size) if text is not None and label else ("", 1, 11),
             (str(text) if text is not None else "", PLAN_WIDTHS["B"], (text_font or _BODY).size)]
        )
        if height:
            self.ws.heights[r] = height
        self.row += 1
        return r

    def gap(self, n: int = 1) -> None:
        self.row += n


def _fill_scale(w: "_PlanWriter", plan: Plan, clinic: ClinicProfile | None) -> None:
    """The handout's safety scale (physio.io._safety_scale.scale_zones), one row per text: the zone's name in its
    colour in column A, its texts on a tint in B, whom to call last in bold. The emergency is said once."""
    w.line(labels(plan.language)["scale_title"], where="safety scale", font=_SAFETY_HEAD)
    for zone in scale_zones(plan, clinic):
        fill, ink, tint = ZONE_COLOURS[zone.key]
        name = _BOLD.but(color=ink)
        bullet = "\u2022 " if len(zone.lines) > 1 else ""
        for i, text in enumerate(zone.lines):
            w.line(zone.name if i == 0 else None, bullet + text, where=f"safety scale, {zone.name}", font=name,
                   fill=tint, label_fill=fill)
        if zone.call:
            w.line(None, zone.call, where=f"safety scale, {zone.name}", text_font=_BOLD, fill=tint, label_fill=fill)


def _fill_plan_sheet(ws: Sheet, plan: Plan, pictures: bool = True, clinic: ClinicProfile | None = None) -> None:
    for col, width in enumerate(PLAN_WIDTHS.values(), 1):
        ws.widths[col] = width
    w = _PlanWriter(ws)
    L = labels(plan.language)
    w.line(L["title"], where="title", font=_TITLE)
    w.line(L["aim_of_phase"], without_source_keys(plan.phase_goal), where="phase goal")
    w.gap()
    for label, text in header_rows(plan):
        w.line(label, text, where=f"{label.lower()} in the header")
    w.gap()

    scale = w.row
    _fill_scale(w, plan, clinic)
    keep = [(scale, w.row - 1)]  # printed whole: the scale, and each exercise with its title
    w.gap()

    # screening warnings, clearances, changes and the reasons for a dose are the therapist's: they are in the
    # therapist's summary written beside the workbook, as the handout leaves them out too

    notes = w.row
    for i, note in enumerate(plan.notes or [L["no_notes"]]):
        w.line(L["notes_from_therapist"] if i == 0 else None, note, where=f"therapist note {i + 1}")
    w.gap()  # before the exercises, as in the handout
    w.line(L["your_exercises"], where="exercises", font=_HEAD)
    for i, rule in enumerate(every_time(plan)):  # how to exercise safely, read before exercise 1 (as the handout)
        w.line(L["every_time"] if i == 0 else None, rule, where=f"safety rule {i + 1}")
    for n, pe in enumerate(plan.exercises, 1):
        first = w.row
        _exercise_block(ws, w, n, pe, plan.language, pictures)
        keep.append((notes if n == 1 else first, w.row - 1))  # the notes and the heading go with exercise 1
        w.gap()

    footer = w.line(None, footer_text(plan), where="footer")
    keep[-1] = (keep[-1][0], footer)  # never a page of its own

    ws.breaks = page_breaks(ws, keep, PLAN_PAGE_PT)
    protect(ws)  # a sheet to read: nothing on it is for typing (no password, so it can always be lifted)
    ws.page = PageSetup(landscape=True, margins=(0.4, 0.4, 0.5, 0.5), footer_pt=12, scale=PLAN_PRINT_SCALE,
                        footer_left=_header_footer_safe(f"{plan.patient.name}, {plan.label}"),
                        footer_right=L["page_xlsx"])


def _header_footer_safe(text: str) -> str:
    """Header/footer text where '&' starts a code: double it so names print as written."""
    return clean(text).replace("\n", " ").replace("&", "&&")[:200]


def _exercise_block(ws: Sheet, w: _PlanWriter, n: int, pe: PlannedExercise, language: str = "en",
                    pictures: bool = True) -> None:
    ex = pe.exercise.model_copy(update={  # as the handout: without the source keys kept for the reviewer
        "name": without_source_keys(pe.exercise.name), "aim": without_source_keys(pe.exercise.aim),
        "starting_position": without_source_keys(pe.exercise.starting_position),
        "equipment": [without_source_keys(e) for e in pe.exercise.equipment],
        "steps": [without_source_keys(s) for s in pe.exercise.steps],
        "breathing": without_source_keys(pe.exercise.breathing),
        "cautions": [without_source_keys(c) for c in pe.exercise.cautions]})
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
    if pe.note:
        w.line(L["therapist_note"], pe.note, where=f"exercise '{ex.id}' note")
    if w.row - first < PICTURE_ROWS:
        w.gap(PICTURE_ROWS - (w.row - first))
    picture = _plan_sheet_picture(pe, first + 1, language) if pictures else None
    if picture is not None:
        ws.pictures.append(picture)


# ------------------------------------------------------------------ the Log sheet and the activities sheet


def _words(plan: Plan) -> dict[str, str]:
    """The workbook's fixed words in the plan's language (translations/ of the library in use)."""
    return workbook_words(plan.language, default_library().translations)


def sheet_names(plan: Plan, psfs_activities: Sequence[str] = ()) -> dict[str, str | None]:
    """The sheets' names in the patient's language: plan, log, weekly check, how to fill in the log, activities
    (None without any)."""
    words = _words(plan)
    return {"plan": words["sheet_plan"], "log": words["sheet_log"], "check": check_sheet_name(plan),
            "howto": words["sheet_howto"], "psfs": words["sheet_psfs"] if psfs_activities else None}


def _footer(plan: Plan) -> str:
    return _header_footer_safe(f"{plan.patient.name}, {plan.label}")


def _fill_log_sheets(plan: Plan, psfs_activities: Sequence[str], days: bool = True
                     ) -> tuple[list[Sheet], Sheet, list[tuple[str, object]]]:
    """The Log sheet (and the activities sheet when the patient named activities), the how-to sheet, and what the
    hidden sheet must say for the importer to find the log again."""
    names = sheet_names(plan, psfs_activities)
    words = _words(plan)
    rows = day_rows(plan, schedule(plan))
    log = Sheet(names["log"])
    head, keys = fill_day_log(log, plan, rows, words, howto_sheet=names["howto"], footer=_footer(plan), days=days)
    howto = Sheet(names["howto"])
    ticks = [log.cells[(head, c)][0] for c, key in enumerate(keys, 1) if key.startswith(TICK)]
    fill_howto_sheet(howto, plan, words, log_headers=ticks, check_sheet=names["check"], psfs_sheet=names["psfs"],
                     dose_label=labels(plan.language)["dose"], footer=_footer(plan))
    sheets = [log]
    meta: list[tuple[str, object]] = [("log_layout", "days"), ("log_sheet", names["log"]),
                                      ("log_header_row", head), ("log_columns", json.dumps(keys))]
    if psfs_activities:
        psfs = Sheet(names["psfs"])
        psfs_head = fill_psfs_sheet(psfs, plan, psfs_activities, words, footer=_footer(plan))
        sheets.append(psfs)
        meta += [("psfs_sheet", names["psfs"]), ("psfs_header_row", psfs_head),
                 ("psfs_activities", json.dumps([clean(a) for a in psfs_activities], ensure_ascii=False))]
    return sheets, howto, meta


# ------------------------------------------------------------------ the weekly red-flag check


def check_sheet_name(plan: Plan) -> str:
    from ..weekly_check import default_weekly_check

    names = default_weekly_check().sheet
    return names.get(plan.language, names["en"])  # type: ignore[call-overload]


#: The weekly check is read by people with weak eyes: 12 pt, and answer cells that look like places to write in.
_CHECK_FONT = Style(size=12)
_ANSWER_FILL = "FFF9C4"
_ANSWER_EDGE = ("medium", "555555")


def _fill_check_sheet(ws: Sheet, plan: Plan) -> None:
    """The weekly red-flag check: one row per question and week, answered yes or no (physio.weekly_check)."""
    from ..weekly_check import default_weekly_check, sheet_rows

    check = default_weekly_check()
    lang = plan.language if plan.language in check.sheet else "en"
    _put(ws, 1, 1, check.intro[lang], "weekly check introduction",  # type: ignore[index]
         _SAFETY_HEAD.but(wrap=True, valign="top", fill=_SAFETY_FILL))
    ws.merge(1, 1, 4)
    ws.heights[1] = 48
    head = _BOLD.but(fill=_HEADER_FILL, wrap=True, valign="vcenter")
    for c, (name, width) in enumerate(zip(check.columns[lang], (8, 24, 70, 18, 16, 30)), 1):  # type: ignore[index]
        _put(ws, 3, c, name, f"weekly check column {c}", head)
        ws.widths[c] = width
    week_style = _CHECK_FONT.but(align="center", valign="top")
    text_style = _CHECK_FONT.but(wrap=True, valign="top")
    answer_style = _CHECK_FONT.but(fill=_ANSWER_FILL, locked=False).framed(_ANSWER_EDGE)
    rows = sheet_rows(plan, check)
    for r, (week, dates, question, qid, source) in enumerate(rows, 4):
        for c, value in enumerate((week, dates, question, None, qid, source), 1):
            if value is not None:
                _put(ws, r, c, value, f"weekly check row {r}", week_style if c == 1 else text_style)
        ws.put(r, 4, None, answer_style)
        height = _row_height([(question, 70, 12)])
        if height:
            ws.heights[r] = height
    last = len(rows) + 3
    # The patient answers in their own words: Russian patients pick да / нет (the importer reads both languages).
    L = labels(plan.language)
    words = _words(plan)
    ws.validations.append(Validation((f"D4:D{last}",), {
        "validate": "list", "source": [words["yes"], words["no"]], "ignore_blank": True, "show_input": True,
        "show_error": True, "error_type": "stop", "input_title": L["answer_title"], "input_message": L["answer_prompt"],
        "error_title": L["not_allowed"], "error_message": L["answer_error"]}))
    # The question id and its source are for the importer and the therapist, not for the patient's eyes.
    ws.hidden_columns |= {5, 6}
    ws.freeze = (4, 1)
    protect(ws)
    ws.page = PageSetup(landscape=True, title_rows=(3, 3))


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


def _fill_meta_sheet(ws: Sheet, plan: Plan, layout: list[tuple[str, object]]) -> None:
    for r, (key, value) in enumerate(meta_values(plan, layout), 1):
        _put(ws, r, 1, key, f"hidden sheet key {key}")
        _put(ws, r, 2, value, f"hidden sheet value {key}")
    ws.hidden = True


# ------------------------------------------------------------------ the file


def _sheets(plan: Plan, psfs_activities: Sequence[str], pictures: bool = True,
            clinic: ClinicProfile | None = None, days: bool = True) -> list[Sheet]:
    """Every sheet of the workbook in order: plan, log (and activities), weekly check, the hidden sheet.
    pictures=False, days=False: only the words they print (the log without its rows of days)."""
    plan_ws = Sheet(sheet_names(plan)["plan"])
    _fill_plan_sheet(plan_ws, plan, pictures, clinic)
    log_sheets, howto, layout = _fill_log_sheets(plan, psfs_activities, days)
    check = Sheet(check_sheet_name(plan))
    _fill_check_sheet(check, plan)
    meta = Sheet(META_SHEET)
    _fill_meta_sheet(meta, plan, layout)
    return [plan_ws, *log_sheets, check, howto, meta]


def workbook_bytes(plan: Plan, *, psfs_activities: Sequence[str] = (), clinic: ClinicProfile | None = None) -> bytes:
    """The workbook for `plan`, complete, in memory. The same plan always gives the same bytes.

    psfs_activities: the activities the patient named at intake (Patient.psfs_activities); with them the workbook
    has a weekly sheet to score each one 0–10 (PSFS). clinic (ws.clinic_profile()): whom to call, on the Plan
    sheet's safety scale as on the handout."""
    if not plan.exercises:
        raise ExportError(
            f"plan {plan.label} for patient {plan.patient.id} has no exercises, so there is no log to fill in; "
            "add at least one exercise to the plan first"
        )
    ensure_safe(plan)
    title = _text(labels(plan.language)["doc_title"].format(name=plan.patient.name), "patient name")
    return xlsx_bytes(_sheets(plan, psfs_activities, clinic=clinic), Properties(title, "physio", issue_moment(plan)))


def printed_texts(plan: Plan, psfs_activities: Sequence[str] = (), clinic: ClinicProfile | None = None) -> set[str]:
    """Every text the workbook of `plan` prints (any sheet), spaces collapsed: what the patient did NOT write.

    The red-flag search skips these cells of a returned workbook (our own red-flag advice would match). Whom to
    call is listed both ways, with the clinic's words and without a clinic profile; the stop rules and red flags
    also as workbooks made before the scale printed them, one a cell without a bullet (they are with patients)."""
    sheets = _sheets(plan, psfs_activities, pictures=False, clinic=clinic, days=False)[:-1]
    if clinic is not None:
        sheets.append(plan_sheet := Sheet(sheet_names(plan)["plan"]))
        _fill_plan_sheet(plan_sheet, plan, pictures=False)
    before_the_scale = [r.text for r in plan.stop_rules] + [f.text for f in plan.red_flags]
    return {" ".join(t.split()) for ws in sheets for t in ws.texts()} | {" ".join(t.split()) for t in before_the_scale}


def write_workbook(plan: Plan, path: str | Path, *, psfs_activities: Sequence[str] = (),
                   clinic: ClinicProfile | None = None) -> Path:
    """Build the workbook in memory, then write it to `path` in one step (nothing is left half-written)."""
    return write_atomic(path, workbook_bytes(plan, psfs_activities=psfs_activities, clinic=clinic), error=ExportError)
