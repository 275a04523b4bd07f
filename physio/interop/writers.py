"""Put the interop files in place from a workspace: gather the records, call the pure builders, write atomically."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Sequence

from .._atomic import check_writable_folder, write_all_or_nothing, write_atomic
from ..errors import ExportError
from ..models import Plan
from .fhir import plan_bundle
from .ics import plan_calendar
from .tables import clinic_tables, to_csv, to_json


def fhir_bytes(ws, plan: Plan, *, library=None) -> bytes:
    """The plan version as a FHIR Bundle (JSON), with the patient's stored outcome scores and weekly adherence."""
    from ..clinic import review_plan
    from ..measures import default_measures

    patient = ws.patient(plan.patient.id)
    weekly = review_plan(ws, plan, library=library).summary.weekly if plan.version else []
    bundle = plan_bundle(plan, patient, results=ws.results(patient.id), measures=default_measures(), weekly=weekly)
    return (json.dumps(bundle, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def ics_bytes(ws, plan: Plan, *, time_zone: str | None = None, times: Sequence[dt.time] = ()) -> bytes:
    """The plan version as calendar reminders; the patient's own time zone first, else `time_zone` (the clinic's)."""
    patient = ws.patient(plan.patient.id)
    earlier = ws.plan_versions(plan.id) if plan.version else []
    return plan_calendar(plan, time_zone=patient.time_zone or time_zone, earlier=earlier, times=times)


def _file_stem(plan: Plan) -> str:
    return f"{plan.id}-v{plan.version}" if plan.version else f"{plan.id}-draft"


def fhir_name(plan: Plan) -> str:
    return f"{_file_stem(plan)}.fhir.json"


def ics_name(plan: Plan) -> str:
    return f"{_file_stem(plan)}.ics"


def write_fhir(ws, plan: Plan, folder: str | Path, *, library=None) -> Path:
    return write_atomic(Path(folder) / fhir_name(plan), fhir_bytes(ws, plan, library=library), error=ExportError)


def write_ics(ws, plan: Plan, folder: str | Path, **kw) -> Path:
    return write_atomic(Path(folder) / ics_name(plan), ics_bytes(ws, plan, **kw), error=ExportError)


def write_plan_files(ws, plan: Plan, folder: str | Path, *, fhir: bool, ics: bool, **ics_options) -> list[Path]:
    """The FHIR Bundle and/or the calendar of a plan version: both built first, then written all or nothing."""
    folder = Path(folder)
    check_writable_folder(folder, error=ExportError)
    files: dict[Path, bytes] = {}
    if fhir:
        files[folder / fhir_name(plan)] = fhir_bytes(ws, plan)
    if ics:
        files[folder / ics_name(plan)] = ics_bytes(ws, plan, **ics_options)
    write_all_or_nothing(files, error=ExportError)
    return list(files)


def gather_tables(ws, patient_id: str | None = None) -> dict[str, list[dict]]:
    """The tables of one patient, or of the whole clinic when patient_id is None."""
    patients = [ws.patient(patient_id)] if patient_id else ws.patients(include_archived=True)
    plans, entries, rejections, results = [], [], [], []
    for p in patients:
        for latest in ws.plans_for(p.id):
            plans += ws.plan_versions(latest.id)
        entries += ws.log_entries(p.id)
        rejections += [(p.id, r) for r in ws.rejections(p.id)]
        results += ws.results(p.id)
    return clinic_tables(patients, plans, entries, rejections, results)


def write_tables(ws, folder: str | Path, fmt: str, patient_id: str | None = None) -> list[Path]:
    """One file per table (patients.csv, plans.csv, ... or .json) in `folder`: all of them or none."""
    if fmt not in ("csv", "json"):
        raise ExportError(f"--format {fmt!r} is not a table format; use csv or json")
    folder = Path(folder)
    check_writable_folder(folder, error=ExportError)
    encode = to_csv if fmt == "csv" else to_json
    files = {folder / f"{name}.{fmt}": encode(name, rows) for name, rows in gather_tables(ws, patient_id).items()}
    write_all_or_nothing(files, error=ExportError)
    return list(files)
