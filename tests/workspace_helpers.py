"""Shared by the workspace integrity tests: a small workspace with two patients and a patient's filled workbook."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import openpyxl

from adherence_helpers import make_plan
from old_layout import old_workbook_bytes as workbook_bytes
from physio.models import LOG_COLUMNS, META_SHEET, Patient
from physio.store import Workspace

ISSUED = dt.datetime(2026, 9, 1, 9)


def two_patients(folder: Path) -> Workspace:
    w = Workspace(folder)
    for pid, name in (("anna-k", "Anna K"), ("boris-m", "Борис М")):
        w.add_patient(Patient(id=pid, name=name, birth_year=1980, therapist="Dr Test"), by="Dr Test")
        w.issue(make_plan(version=0, patient_id=pid), "Dr Test", at=ISSUED)
    return w


def filled_bytes(ws: Workspace, patient_id: str, cells: dict[int, dict[str, object]],
                 meta: dict[str, object] | None = None) -> bytes:
    """The patient opens our exported workbook, fills schedule rows (by index), maybe edits the hidden sheet."""
    plan = ws.current_plan(patient_id)
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan)))
    sheet = wb["Log"]
    for i, values in cells.items():
        for header, value in values.items():
            sheet.cell(row=i + 2, column=LOG_COLUMNS.index(header) + 1, value=value)
    for key, value in (meta or {}).items():
        hidden = wb[META_SHEET]
        for row in hidden.iter_rows():
            if row[0].value == key:
                row[1].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the hash of its content."""
    return {str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*")) if f.is_file()}
