"""`physio patients ...`: add (from a YAML file, options or prompts), edit, archive / bring back, list, show and
the record's history. Every refusal is one plain sentence naming the field (exit 2 through physio.cli.main).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import WorkspaceError
from ..models import Patient
from ..patient_record import PatientInputError, patient_changes, patient_from_fields, patient_lines
from ..store import Workspace
from ..workspace_info import workspace_line
from .specs import CLEARANCE_KEYS, CONDITION_KEYS, spec_fields

__all__ = ["add_patients_commands"]

#: The scalar fields an option sets: option name → field.
_SCALARS = {"id": "id", "name": "name", "birth_year": "birth_year", "sex": "sex", "language": "language",
            "therapist": "therapist", "time_zone": "time_zone", "notes": "notes", "larger_print": "larger_print"}
#: The list fields an option fills (repeat the option for each item): option name → field.
_LISTS = {"condition": "conditions", "contraindication": "contraindications", "red_flag": "red_flags",
          "clearance": "clearances", "psfs": "psfs_activities"}


def _out(text: str) -> None:
    print(text)


def _workspace(args: argparse.Namespace) -> Workspace:
    return Workspace(args.workspace)


# ---------------------------------------------------------------- options and files → fields


def fields_from_options(args: argparse.Namespace) -> dict[str, Any]:
    """Only the fields given on the command line (a list option given replaces the whole list)."""
    data: dict[str, Any] = {}
    for opt, field in _SCALARS.items():
        value = getattr(args, opt, None)
        if value is not None:
            data[field] = value
    for opt, field in _LISTS.items():
        values = getattr(args, opt, None)
        if values is None:
            continue
        if values == [""]:  # --contraindication "" (and the like): the list is emptied
            data[field] = []
            continue
        if opt == "condition":
            values = [spec_fields(v, "--condition", CONDITION_KEYS, "kind",
                            "lumbar-disc-hernia,disc-level=L4-L5,side=left,preference=extension") for v in values]
        elif opt == "clearance":
            values = [spec_fields(v, "--clearance", CLEARANCE_KEYS, "contraindication",
                            "hypertension,by=Dr Weber,on=2026-08-20,protocol=stretching-board") for v in values]
        data[field] = values
    return data


def _from_file(path: str) -> dict[str, Any]:
    from ..store.patient_files import read_patient_fields

    return read_patient_fields(Path(path))


def _checked(data: dict[str, Any], where: str = "") -> Patient:
    try:
        return patient_from_fields(data)
    except PatientInputError as e:
        raise PatientInputError({k: f"{where}{v}" for k, v in e.problems.items()}) from None


def _refuse_taken_id(ws: Workspace, patient_id: str) -> None:
    known = {p.id for p in ws.patients(include_archived=True)}
    if patient_id in known:
        archived = (" (archived; bring it back with physio patients archive ID --undo)"
                    if ws.is_archived(patient_id) else "")
        raise WorkspaceError(f"the patient id '{patient_id}' is already used by {ws.patient(patient_id).name}"
                             f"{archived}; choose another id, or change that record with physio patients edit")


# ---------------------------------------------------------------- add


def _patients_add(args: argparse.Namespace) -> None:
    ws = _workspace(args)
    given = fields_from_options(args)
    if args.file:
        data = {**_from_file(args.file), **given}
        patient = _checked(data, f"{Path(args.file).name}: ")
    elif given:
        patient = _checked(given)
    else:
        from .prompts import ask_patient

        patient = ask_patient(ws, sys.stdin, sys.stdout)
    _refuse_taken_id(ws, patient.id)
    ws.add_patient(patient, by=args.by)
    _out(f"Added {patient.name} ({patient.id}), born {patient.birth_year}, therapist {patient.therapist}.")
    _out(workspace_line(ws, folder=True))
    _out(f"Next: a plan with physio plan new --patient {patient.id} --protocol ... --phase ... --start YYYY-MM-DD")


# ---------------------------------------------------------------- edit


def _patients_edit(args: argparse.Namespace) -> None:
    ws = _workspace(args)
    before = ws.patient(args.patient_id)
    given = fields_from_options(args)
    if "id" in given and given["id"] != before.id:
        raise WorkspaceError(f"a patient's id cannot be changed ('{before.id}' → '{given['id']}'); the plans and "
                             "logs are filed under it")
    if args.file:
        data = _from_file(args.file)
        if data.get("id", before.id) != before.id:
            raise WorkspaceError(f"{Path(args.file).name} is the record of patient '{data['id']}', not of "
                                 f"'{before.id}'; edit the id in the file or name the right patient")
        after = _checked({"id": before.id, **data, **given}, f"{Path(args.file).name}: ")
    elif given:
        after = _checked({**before.model_dump(mode="json"), **given})
    else:
        raise WorkspaceError("say what to change: --file patient.yaml (the whole record), or options such as "
                             "--therapist NAME, --contraindication ID (see physio patients edit --help)")
    changes = patient_changes(before, after)
    if not changes:
        _out(f"Nothing changed for {before.name} ({before.id}); nothing was stored.")
        return
    ws.update_patient(after, by=args.by, reason=args.reason)
    _out(f"Changed for {after.name} ({after.id}); the earlier record is kept:")
    for line in changes:
        _out(f"  {line}")


# ---------------------------------------------------------------- archive, bring back


def _patients_archive(args: argparse.Namespace) -> None:
    if args.undo:
        _bring_back(args)
        return
    if not args.reason or not args.reason.strip():
        raise WorkspaceError("give the reason for archiving with --reason, e.g. --reason \"treatment finished\"")
    ws = _workspace(args)
    ws.archive_patient(args.patient_id, by=args.by, reason=args.reason)
    p = ws.patient(args.patient_id)
    _out(f"Archived {p.name} ({p.id}): {args.reason.strip()}. Nothing was deleted; the patient is hidden from the "
         f"list and gets no new plan version or import until brought back with "
         f"physio patients archive {p.id} --undo.")


def _bring_back(args: argparse.Namespace) -> None:
    ws = _workspace(args)
    ws.bring_back_patient(args.patient_id, by=args.by)
    p = ws.patient(args.patient_id)
    _out(f"{p.name} ({p.id}) is back in the patient list; plans and imports are allowed again.")


# ---------------------------------------------------------------- list, show, history


def _patients_list(args: argparse.Namespace) -> None:
    ws = _workspace(args)
    _out(workspace_line(ws, folder=True))
    everyone = ws.patients(include_archived=True)
    shown = everyone if args.all else ws.patients()
    if not everyone:
        _out(f"No patients yet. Add one with: physio --workspace {ws.folder} patients add")
        return
    for p in shown:
        plans = ", ".join(pl.label for pl in ws.plans_for(p.id)) or "no plan"
        state = "\tARCHIVED" if args.all and ws.is_archived(p.id) else ""
        _out(f"{p.id}\t{p.name}\tborn {p.birth_year}\t{p.therapist}\t{plans}{state}")
    hidden = len(everyone) - len(shown)
    if hidden:
        _out(f"({hidden} archived patient{'s' if hidden != 1 else ''} not shown; --all lists them too)")


def _patients_show(args: argparse.Namespace) -> None:
    ws = _workspace(args)
    p = ws.patient(args.patient_id)
    since = ws.archived_since(p.id)
    _out(f"{p.name} ({p.id})" + (f" — ARCHIVED {since.at:%d.%m.%Y} by {since.who}: {since.detail}" if since else ""))
    for line in patient_lines(p):
        _out(f"  {line}")
    plans = ws.plans_for(p.id)
    _out("  Plans: " + (", ".join(pl.label for pl in plans) if plans else "none yet"))
    earlier = ws.patient_history(p.id)
    if earlier:
        _out(f"  The record was changed {len(earlier)} time(s); see physio patients history {p.id}")


_RECORD_ACTIONS = ("patient-added", "patient-changed", "patient-archived", "patient-brought-back")


def _patients_history(args: argparse.Namespace) -> None:
    """Every change of the record with the old and the new value, archiving and bringing back included."""
    ws = _workspace(args)
    p = ws.patient(args.patient_id)
    records = [*ws.patient_history(p.id), p]
    diffs = iter([patient_changes(records[i], records[i + 1]) for i in range(len(records) - 1)])
    _out(f"Record history of {p.name} ({p.id}), oldest first:")
    for e in ws.history(p.id):
        if e.action not in _RECORD_ACTIONS:
            continue
        if e.action == "patient-changed":
            changes = next(diffs, [])
            why = e.detail.rsplit(" (reason: ", 1)[1].rstrip(")") if " (reason: " in e.detail else None
            _out(f"  {e.at:%d.%m.%Y %H:%M}  {e.who}  changed" + (f" ({why})" if why else "") + ":")
            for line in changes:
                _out(f"      {line}")
            continue
        _out(f"  {e.line()}")


# ---------------------------------------------------------------- the parser


def _record_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("the record (a list option replaces the whole list: repeat it for each item, or "
                                  "give it once with \"\" to empty the list)")
    g.add_argument("--file", default=None, metavar="PATIENT.yaml", help="the record as YAML (see patients_example/)")
    g.add_argument("--id", default=None, metavar="ID", help="short id of letters and digits, e.g. P007")
    g.add_argument("--name", default=None)
    g.add_argument("--birth-year", dest="birth_year", default=None, metavar="YEAR")
    g.add_argument("--sex", default=None, metavar="female|male|other")
    g.add_argument("--language", default=None, metavar="en|ru", help="of the handout and workbook")
    g.add_argument("--therapist", default=None, metavar="NAME")
    g.add_argument("--time-zone", dest="time_zone", default=None, metavar="ZONE", help="e.g. Europe/Berlin")
    g.add_argument("--condition", action="append", default=None, metavar="ID[,KEY=VALUE...]",
                   help="e.g. lumbar-disc-hernia,disc-level=L4-L5,side=left,preference=extension or "
                        "scoliosis,cobb=24,risser=2,curve=right thoracic")
    g.add_argument("--contraindication", action="append", default=None, metavar="ID")
    g.add_argument("--red-flag", dest="red_flag", action="append", default=None, metavar="ID")
    g.add_argument("--clearance", action="append", default=None, metavar="ID,by=DOCTOR,on=DATE,protocol=ID",
                   help="a doctor's clearance, e.g. hypertension,by=Dr Weber,on=2026-08-20,protocol=stretching-board"
                        ",valid-until=2027-02-20")
    g.add_argument("--psfs", action="append", default=None, metavar="ACTIVITY",
                   help="an activity the patient finds hard (PSFS), in the patient's words; up to 5")
    g.add_argument("--notes", default=None)
    g.add_argument("--larger-print", dest="larger_print", action=argparse.BooleanOptionalAction, default=None,
                   help="the handout in larger print (14 pt and more); --no-larger-print: normal print")
    parser.add_argument("--by", default=None, metavar="NAME", help="who records this (default: $PHYSIO_USER)")


def add_patients_commands(sub: argparse._SubParsersAction) -> None:
    """The `physio patients` group (registered by physio.cli)."""
    p = sub.add_parser("patients", help="add, edit, archive, list and show patients")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    ls = s.add_parser("list", help="the patients with their latest plans (archived ones with --all)")
    ls.add_argument("--all", action="store_true", help="archived patients too")
    ls.set_defaults(func=_patients_list)

    add = s.add_parser("add", help="add a patient from a YAML file, from options, or by answering questions",
                       description="With neither --file nor options, asks for each field in turn.")
    _record_options(add)
    add.set_defaults(func=_patients_add)

    edit = s.add_parser("edit", help="change a patient's record (the earlier one is kept); says what changed")
    edit.add_argument("patient_id", metavar="PATIENT_ID")
    _record_options(edit)
    edit.add_argument("--reason", default=None, help="why the record changes (kept in the history)")
    edit.set_defaults(func=_patients_edit)

    arch = s.add_parser("archive", help="archive a patient (nothing is deleted), or bring one back with --undo")
    arch.add_argument("patient_id", metavar="PATIENT_ID")
    arch.add_argument("--reason", default=None, help="why, e.g. 'treatment finished'")
    arch.add_argument("--undo", action="store_true", help="bring the patient back")
    arch.add_argument("--by", default=None, metavar="NAME")
    arch.set_defaults(func=_patients_archive)

    back = s.add_parser("bring-back", help="bring an archived patient back")
    back.add_argument("patient_id", metavar="PATIENT_ID")
    back.add_argument("--by", default=None, metavar="NAME")
    back.set_defaults(func=_bring_back)

    show = s.add_parser("show", help="a patient's whole record, plans and whether archived")
    show.add_argument("patient_id", metavar="PATIENT_ID")
    show.set_defaults(func=_patients_show)

    hist = s.add_parser("history", help="every change of a patient's record, with the old and the new value")
    hist.add_argument("patient_id", metavar="PATIENT_ID")
    hist.set_defaults(func=_patients_history)

