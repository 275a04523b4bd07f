"""A small plan and log writers for the import, adherence, progression, chart and clinic tests.

The plan is built in code from the models (not from protocols/) so these tests do not move when the shipped
library is edited. Logs are written as CSV or as plain workbooks here; our exported workbook comes from
physio.io.xlsx when it exists.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl

from physio.models import Dose, Exercise, Limit, LogEntry, PatientRef, Plan, PlannedExercise
from physio.models.log import LOG_COLUMNS, META_SHEET, WORKBOOK_SCHEMA_VERSION
from physio.models.protocol import AdvanceWhen, Progression, RedFlag, StepBackWhen, StopRule

START = dt.date(2026, 9, 7)  # a Monday
PATIENT = "anna-k"


def _ex(ex_id: str, name: str) -> Exercise:
    return Exercise(
        id=ex_id, name=name, aim="An aim.", starting_position="Lying down.", regions=["lumbar"],
        steps=["Do it."], breathing="Breathe.", tags=["supine"], source="article: test",
    )


_LIMIT = Limit(hard=(1, 900), usual=(1, 900), source="team-default: test")


def make_plan(*, weeks: int = 3, version: int = 1, patient_id: str = PATIENT, refer_after_max_weeks: bool = True,
              adherence_below: float | None = 0.4, start: dt.date = START, plan_id: str | None = None) -> Plan:
    """Three exercises: a timed one twice a day, a daily one, and one three days a week (days 0, 2, 4)."""
    doses = {
        "prone-lying": Dose(duration_s=120, sessions_per_day=2, days_per_week=7),
        "glute-bridge": Dose(sets=2, reps=10, days_per_week=7),
        "bird-dog": Dose(sets=2, reps=6, days_per_week=3),
    }
    names = {"prone-lying": "Lying face down", "glute-bridge": "Bridge", "bird-dog": "Bird-dog"}
    return Plan(
        id=plan_id or f"{patient_id}-test-back",
        version=version,
        patient=PatientRef(id=patient_id, name="Anna K", birth_year=1980),
        therapist="Dr Test",
        protocol_id="test-back",
        protocol_title="Test back programme",
        protocol_version="1.0",
        condition="lumbar-disc-hernia",
        phase_id="motor-control",
        phase_name="Phase 2 — Motor control",
        phase_goal="Hold the spine steady.",
        phase_index=1,
        phase_count=3,
        start=start,
        weeks=weeks,
        exercises=[
            PlannedExercise(exercise=_ex(i, names[i]), dose=d, protocol_dose=d, dose_source="article: test",
                            limits={k: _LIMIT for k in d.values()})
            for i, d in doses.items()
        ],
        stop_rules=[StopRule(text="Stop if pain reaches 6.", source="T1: test")],
        red_flags=[
            RedFlag(id="cauda-equina", text="Bladder or saddle numbness: emergency.",
                    flags=["ces-bladder", "ces-bowel", "ces-saddle", "ces-sexual", "ces-both-legs", "foot-drop"],
                    source="BP1: test"),
        ],
        progression=Progression(
            advance=AdvanceWhen(min_adherence=0.7, max_pain=3, min_weeks=2, source="MI1: test"),
            step_back=StepBackWhen(min_pain=6, pain_rise=2, adherence_below=adherence_below, source="T1: test"),
            refer_after_max_weeks=refer_after_max_weeks,
        ),
        issued_by="Dr Test",
        issued_at=dt.datetime(2026, 9, 1, 9, 0),
    )


def entry(plan: Plan, date: dt.date, exercise_id: str, *, session: int = 1, done: bool | None = True,
          pain_before: float | None = None, pain_after: float | None = None, minutes: float | None = None,
          notes: str | None = None, scheduled: bool = True, row: int | None = None) -> LogEntry:
    return LogEntry(
        patient_id=plan.patient.id, plan_id=plan.id, plan_version=plan.version, date=date, session=session,
        exercise_id=exercise_id, done=done, pain_before=pain_before, pain_after=pain_after, minutes=minutes,
        notes=notes, scheduled=scheduled, source_row=row,
    )


def csv_bytes(rows: list[list[object]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    text = "\r\n".join(delimiter.join("" if v is None else str(v) for v in r) for r in rows) + "\r\n"
    return text.encode(encoding)


def plain_workbook(rows: list[list[object]], *, sheet: str = "Sheet1", meta: dict | None = None) -> bytes:
    """A workbook with one sheet of rows (header first) and, if given, our hidden meta sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    if meta is not None:
        m = wb.create_sheet(META_SHEET)
        m.sheet_state = "hidden"
        for k, v in meta.items():
            m.append([k, v])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def our_meta(plan: Plan) -> dict:
    return {
        "schema_version": WORKBOOK_SCHEMA_VERSION, "plan_id": plan.id, "plan_version": plan.version,
        "patient_id": plan.patient.id, "protocol_id": plan.protocol_id, "protocol_version": plan.protocol_version,
        "phase_id": plan.phase_id, "start": plan.start.isoformat(), "weeks": plan.weeks,
    }


def log_workbook(plan: Plan, filled: dict[int, dict[str, object]] | None = None) -> bytes:
    """A workbook shaped like our export (Log sheet with LOG_COLUMNS + hidden meta), rows filled as given.

    `filled` maps a schedule index to {header: value}. Used until/besides the real exporter.
    """
    from physio.planning import schedule

    names = {pe.exercise.id: pe.exercise.name for pe in plan.exercises}
    doses = {pe.exercise.id: pe.dose.summary() for pe in plan.exercises}
    rows: list[list[object]] = [list(LOG_COLUMNS)]
    for i, s in enumerate(schedule(plan)):
        row = {"Date": s.date, "Session": s.session, "Exercise": names[s.exercise_id],
               "Exercise ID": s.exercise_id, "Prescribed": doses[s.exercise_id]}
        row.update((filled or {}).get(i, {}))
        rows.append([row.get(c) for c in LOG_COLUMNS])
    return plain_workbook(rows, sheet="Log", meta=our_meta(plan))


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
