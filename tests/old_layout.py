"""The workbook as physio wrote it before the day-by-day log (schema version 1): one row per session and exercise.

Patients already hold workbooks like this, so the importer must keep reading them. This is the old writer's Log
sheet, kept verbatim for the tests (tests/data/old-layout/ holds files the old writer really made); the Plan and
weekly-check sheets are the current ones, which the importer of an old workbook does not read anyway.
"""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from physio.io import xlsx
from physio.io._labels import labels
from physio.io._text import looks_like_formula
from physio.models import LOG_COLUMNS, META_SHEET, Plan
from physio.planning import schedule

#: The hidden sheet's schema version the old writer wrote.
OLD_SCHEMA_VERSION = 1

_LOG_WIDTHS = {
    "Date": 16, "Session": 8, "Exercise": 30, "Exercise ID": 20, "Prescribed": 34, "Done": 8,
    "Sets done": 10, "Reps done": 10, "Minutes": 9, "Angle (°)": 9, "Pain before (0-10)": 11,
    "Pain after (0-10)": 11, "Notes": 40,
}
_BOLD = Font(name="Calibri", bold=True, size=11)
_HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
EXTRA_LOG_ROWS = 100


def _col(name: str) -> str:
    return get_column_letter(LOG_COLUMNS.index(name) + 1)


def _validation(L: dict[str, str], kind: str, what: str, **kwargs) -> DataValidation:
    return DataValidation(
        type=kind, allow_blank=True, showInputMessage=True, showErrorMessage=True, errorStyle="stop",
        promptTitle=L[f"{what}_title"], prompt=L[f"{what}_prompt"], errorTitle=L["not_allowed"],
        error=L[f"{what}_error"], **kwargs,
    )


def _validations(language: str = "en") -> list[tuple[DataValidation, list[str]]]:
    L = labels(language)
    return [
        (_validation(L, "list", "done", formula1='"yes,no"'), ["Done"]),
        (_validation(L, "whole", "count", operator="greaterThanOrEqual", formula1="0"), ["Sets done", "Reps done"]),
        (_validation(L, "decimal", "minutes", operator="greaterThanOrEqual", formula1="0"), ["Minutes"]),
        (_validation(L, "whole", "angle", operator="between", formula1="0", formula2="90"), ["Angle (°)"]),
        (_validation(L, "whole", "pain", operator="between", formula1="0", formula2="10"),
         ["Pain before (0-10)", "Pain after (0-10)"]),
    ]


def fill_old_log_sheet(ws: Worksheet, plan: Plan) -> int:
    """Header and one row per scheduled session and exercise, as the old writer made them."""
    for c, name in enumerate(LOG_COLUMNS, 1):
        cell = ws.cell(row=1, column=c, value=name)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _HEADER_ALIGN
        ws.column_dimensions[get_column_letter(c)].width = _LOG_WIDTHS.get(name, 12)
    ws.column_dimensions[_col("Notes")].number_format = "@"
    by_id = {pe.exercise.id: pe for pe in plan.exercises}
    names = {i: pe.exercise.name for i, pe in by_id.items()}
    doses = {i: pe.dose.summary(plan.language) for i, pe in by_id.items()}
    c_date, c_session, c_name, c_id, c_dose = (LOG_COLUMNS.index(n) + 1 for n in
                                              ("Date", "Session", "Exercise", "Exercise ID", "Prescribed"))
    sessions = schedule(plan)
    for r, s in enumerate(sessions, 2):
        ws.cell(row=r, column=c_date, value=s.date).number_format = "ddd dd.mm.yyyy"
        ws.cell(row=r, column=c_session, value=s.session)
        name_cell = ws.cell(row=r, column=c_name, value=names[s.exercise_id])
        if looks_like_formula(names[s.exercise_id]):
            name_cell.data_type = "s"
            name_cell.quotePrefix = True
        ws.cell(row=r, column=c_id, value=s.exercise_id)
        ws.cell(row=r, column=c_dose, value=doses[s.exercise_id])
    last = len(sessions) + 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(LOG_COLUMNS))}{last}"
    for dv, columns in _validations(plan.language):
        for name in columns:
            dv.add(f"{_col(name)}2:{_col(name)}{last + EXTRA_LOG_ROWS}")
        ws.add_data_validation(dv)
    return len(sessions)


def old_meta_values(plan: Plan) -> list[tuple[str, object]]:
    return [
        ("schema_version", OLD_SCHEMA_VERSION), ("plan_id", plan.id), ("plan_version", plan.version),
        ("patient_id", plan.patient.id), ("protocol_id", plan.protocol_id),
        ("protocol_version", plan.protocol_version), ("phase_id", plan.phase_id),
        ("start", plan.start.isoformat()), ("weeks", plan.weeks), ("check_sheet", xlsx.check_sheet_name(plan)),
    ]


def old_workbook_bytes(plan: Plan) -> bytes:
    """A workbook laid out as the old writer made it: Plan, Log (one row per session and exercise), the weekly
    check and the hidden sheet with schema version 1 (the current workbook with its log and hidden sheet swapped
    for the old ones)."""
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes(plan)))
    for name in (xlsx.sheet_names(plan)["log"], META_SHEET):
        del wb[name]
    fill_old_log_sheet(wb.create_sheet("Log", 1), plan)
    meta = wb.create_sheet(META_SHEET)
    for r, (key, value) in enumerate(old_meta_values(plan), 1):
        meta.cell(row=r, column=1, value=key)
        meta.cell(row=r, column=2, value=value)
    meta.sheet_state = "hidden"
    wb.active = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
