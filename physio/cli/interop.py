"""`physio export` in open standards: `PLAN --fhir` / `--ics` for one plan version, `--format csv|json` tables
(`--patient ID` or `--all`). Registered from cli.py's export command; without these options export writes the
PDF handout and the Excel workbook as before.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Callable

from ..errors import ExportError

__all__ = ["add_interop_options", "interop_export"]


def add_interop_options(e: argparse.ArgumentParser) -> None:
    g = e.add_argument_group("open formats (instead of the handout and workbook)")
    g.add_argument("--fhir", action="store_true", help="the plan version as an HL7 FHIR R4 Bundle (.fhir.json)")
    g.add_argument("--ics", action="store_true", help="the plan's sessions as calendar reminders (.ics)")
    g.add_argument("--time-zone", default=None, metavar="ZONE",
                   help="for --ics: the clinic's time zone (e.g. Europe/Berlin) for a patient without one recorded")
    g.add_argument("--times", default=None, metavar="HH:MM,...",
                   help="for --ics: the clock time of each session of a day (default 09:00, or 09:00 and 18:00)")
    g.add_argument("--format", default=None, choices=["csv", "json"],
                   help="patients, plans, log entries, rejections and outcome scores as tables (--patient or --all)")
    g.add_argument("--patient", default=None, metavar="PATIENT_ID", help="with --format: one patient's records")


def _times(text: str | None) -> list[dt.time]:
    if not text:
        return []
    out = []
    for part in text.split(","):
        try:
            out.append(dt.datetime.strptime(part.strip(), "%H:%M").time())
        except ValueError:
            raise ExportError(f"--times {text!r}: '{part.strip()}' is not a clock time; write e.g. 08:00,19:30") from None
    if out != sorted(out) or len(set(out)) != len(out):
        raise ExportError(f"--times {text!r}: give the times of a day in order, each once, e.g. 08:00,19:30")
    return out


def _tables(args: argparse.Namespace, ws, folder: Path) -> int:
    from ..interop.writers import write_tables

    if args.plan_id or args.fhir or args.ics:
        raise ExportError("--format exports tables of patients, not one plan; give --patient ID or --all without a "
                          "plan id, --fhir or --ics")
    if bool(args.patient) == bool(args.all):
        raise ExportError("--format needs one of --patient ID (one patient's records) or --all (the whole clinic)")
    for path in write_tables(ws, folder, args.format, args.patient):
        print(path)
    return 0


def interop_export(args: argparse.Namespace, workspace: Callable, folder_of: Callable) -> int | None:
    """Run an open-format export if one was asked for; None when none was (the caller writes PDF and workbook)."""
    if not (args.fhir or args.ics or args.format):
        if args.patient:
            raise ExportError("--patient goes with --format csv|json; to export a plan, give its id")
        return None
    ws = workspace(args)
    folder = folder_of(args, ws)
    if args.format:
        return _tables(args, ws, folder)
    if args.all or not args.plan_id:
        raise ExportError("--fhir and --ics export one plan: give its id (see `physio patients list`)")
    from ..interop.writers import write_plan_files

    plan = ws.plan(args.plan_id, args.version)
    paths = write_plan_files(ws, plan, folder, fhir=args.fhir, ics=args.ics, time_zone=args.time_zone,
                             times=_times(args.times))
    for path in paths:
        print(f"{'Calendar' if path.suffix == '.ics' else 'FHIR'}: {path}")
    return 0
