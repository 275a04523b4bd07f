"""The clinic's records as plain tables (patients, plans and their doses, log entries, rejected rows, outcome
scores) for CSV or JSON: what a buyer's spreadsheet, a statistics package or another system reads.

clinic_tables() is pure (records in, rows out); every column is listed in TABLES, in order, and documented in
docs/interop.md. to_csv()/to_json() turn one table into bytes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

from ..models.exercise import DOSE_PARAMS

#: Each table's columns, in order (docs/interop.md says what each holds).
TABLES: dict[str, list[str]] = {
    "patients": ["patient_id", "name", "birth_year", "sex", "language", "therapist", "time_zone", "conditions",
                 "contraindications", "red_flags", "notes"],
    "plans": ["patient_id", "plan_id", "version", "protocol_id", "protocol_version", "phase_id", "phase_name",
              "start", "end", "weeks", "therapist", "issued_by", "issued_at", "language"],
    "plan_exercises": ["patient_id", "plan_id", "version", "order", "exercise_id", "exercise", *DOSE_PARAMS,
                       "per_side", "dose", "note"],
    "log_entries": ["patient_id", "plan_id", "plan_version", "date", "session", "exercise_id", "done", "sets_done",
                    "reps_done", "minutes", "angle_deg", "pain_before", "pain_after", "notes", "scheduled",
                    "source_row"],
    "rejections": ["patient_id", "file", "sheet", "row", "column", "given", "reason", "message"],
    "outcome_scores": ["patient_id", "measure_id", "date", "score", "band", "parts", "answered", "expected", "rule",
                       "recorded_by", "recorded_at"],
}


def _iso(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v


def _patient_rows(patients) -> list[dict]:
    return [{"patient_id": p.id, "name": p.name, "birth_year": p.birth_year, "sex": p.sex, "language": p.language,
             "therapist": p.therapist, "time_zone": p.time_zone,
             "conditions": "; ".join(c.kind for c in p.conditions),
             "contraindications": "; ".join(p.contraindications), "red_flags": "; ".join(p.red_flags),
             "notes": p.notes} for p in patients]


def _plan_rows(plans) -> tuple[list[dict], list[dict]]:
    rows, doses = [], []
    for pl in plans:
        rows.append({"patient_id": pl.patient.id, "plan_id": pl.id, "version": pl.version,
                     "protocol_id": pl.protocol_id, "protocol_version": pl.protocol_version, "phase_id": pl.phase_id,
                     "phase_name": pl.phase_name, "start": pl.start.isoformat(), "end": pl.end.isoformat(),
                     "weeks": pl.weeks, "therapist": pl.therapist, "issued_by": pl.issued_by,
                     "issued_at": _iso(pl.issued_at), "language": pl.language})
        for i, pe in enumerate(pl.exercises, start=1):
            doses.append({"patient_id": pl.patient.id, "plan_id": pl.id, "version": pl.version, "order": i,
                          "exercise_id": pe.exercise.id, "exercise": pe.exercise.name,
                          **{p: getattr(pe.dose, p) for p in DOSE_PARAMS}, "per_side": pe.dose.per_side,
                          "dose": pe.dose.summary(pl.language), "note": pe.note})
    return rows, doses


def _entry_rows(entries) -> list[dict]:
    return [{k: _iso(v) for k, v in e.model_dump().items() if k in TABLES["log_entries"]} for e in entries]


def _result_rows(results) -> list[dict]:
    return [{"patient_id": r.patient_id, "measure_id": r.measure_id, "date": r.on.isoformat(), "score": r.score.value,
             "band": r.score.band, "parts": json.dumps(r.score.parts, ensure_ascii=False) if r.score.parts else None,
             "answered": r.score.answered, "expected": r.score.expected, "rule": r.score.rule,
             "recorded_by": r.recorded_by, "recorded_at": r.recorded_at.isoformat()} for r in results]


def clinic_tables(patients: Iterable, plans: Iterable, entries: Iterable, rejections: Iterable[tuple[str, Any]],
                  results: Iterable) -> dict[str, list[dict]]:
    """Rows of every table. `rejections` are (patient id, Rejection) pairs: a rejection does not name its patient."""
    plan_rows, dose_rows = _plan_rows(plans)
    tables = {
        "patients": _patient_rows(patients),
        "plans": plan_rows,
        "plan_exercises": dose_rows,
        "log_entries": _entry_rows(entries),
        "rejections": [{"patient_id": pid, **{k: _iso(v) for k, v in r.model_dump().items()}}
                       for pid, r in rejections],
        "outcome_scores": _result_rows(results),
    }
    return {name: [{c: row.get(c) for c in TABLES[name]} for row in rows] for name, rows in tables.items()}


def to_csv(name: str, rows: list[dict]) -> bytes:
    """One table as CSV (UTF-8 with a byte-order mark so spreadsheet programs read the letters right)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=TABLES[name], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def to_json(name: str, rows: list[dict]) -> bytes:
    """One table as a JSON array of records (one object per row, every column present, null for empty)."""
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")
