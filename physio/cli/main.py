"""The `physio` command: the same functions as the notebooks, for the terminal.

Each group of subcommands is registered by one function in COMMANDS, so export, import or pictures
can be added later by writing one more `_add_...(subparsers)` function. Errors print one plain
message to stderr and exit with status 2; no traceback reaches the therapist. Status 1 means only
"`protocols validate` found problems"; any other failure with a traceback is a bug.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Callable

from pydantic import ValidationError

from ..errors import PhysioError, PlanError
from ..library import Library, default_library, load_library
from ..models import DOSE_PARAMS, AddedExercise, Dose, ExerciseChange, Overrides, Plan
from ..planning import advance, personalise, step_back
from ..render import plan_text
from ..store import Workspace

__all__ = ["main", "COMMANDS"]

EXIT_ERROR = 2
#: Only `protocols validate` uses it: the files were read, and problems were found in them.
EXIT_PROBLEMS_FOUND = 1


# ---------------------------------------------------------------- shared helpers


def _workspace(args: argparse.Namespace) -> Workspace:
    return Workspace(args.workspace)


def _library(args: argparse.Namespace) -> Library:
    return load_library(args.protocols) if args.protocols else default_library()


def _out(text: str) -> None:
    print(text)


_SET = re.compile(r"^(?P<ex>[a-z0-9-]+)\.(?P<param>[a-z_]+)=(?P<value>.*)$", re.S)


def _split(item: str, flag: str, example: str) -> tuple[str, str, str]:
    m = _SET.match(item)
    if not m:
        raise PlanError(f"{flag} {item!r} is not understood; write it as {example}")
    ex, param, value = m.group("ex"), m.group("param"), m.group("value")
    if param not in DOSE_PARAMS:
        raise PlanError(f"{flag} {item!r}: '{param}' is not a dose parameter; use one of: {', '.join(DOSE_PARAMS)}")
    return ex, param, value


def overrides_from_args(sets: list[str], reasons: list[str], removes: list[str], adds: list[str],
                        notes: list[str]) -> Overrides:
    """Turn --set/--reason/--remove/--add/--note into Overrides; --set on an added exercise gives its dose."""
    values: dict[str, dict[str, int]] = {}
    for item in sets:
        ex, param, value = _split(item, "--set", "EXERCISE.PARAM=NUMBER, e.g. glute-bridge.reps=12")
        try:
            values.setdefault(ex, {})[param] = int(value)
        except ValueError:
            raise PlanError(f"--set {item!r}: {value!r} is not a whole number") from None
    why: dict[str, dict[str, str]] = {}
    for item in reasons:
        ex, param, text = _split(item, "--reason", 'EXERCISE.PARAM="why", e.g. glute-bridge.reps="athlete"')
        why.setdefault(ex, {})[param] = text
    added = []
    for ex in adds:
        if ex not in values:
            raise PlanError(f"--add {ex}: give its dose too, e.g. --set {ex}.reps=10 --set {ex}.sets=2")
        try:
            dose = Dose.model_validate(values.pop(ex))
        except ValidationError as e:
            msg = e.errors()[0]["msg"].removeprefix("Value error, ")
            raise PlanError(f"--add {ex}: the dose is not valid: {msg}") from None
        added.append(AddedExercise(exercise=ex, dose=dose, reasons=why.pop(ex, {})))
    for ex in why:
        if ex not in values:
            raise PlanError(f"--reason for '{ex}' has no --set for that exercise; a reason explains a changed value")
    change = {ex: ExerciseChange(set=v, reasons=why.get(ex, {})) for ex, v in values.items()}
    return Overrides(change=change, remove=list(removes), add=added, notes=list(notes))


def _issue_or_show(args: argparse.Namespace, ws: Workspace, plan: Plan, issued_by: str | None) -> None:
    if args.dry_run:
        _out(plan_text(plan))
        _out("(dry run: nothing was stored)")
        return
    stored = ws.issue(plan, issued_by or plan.therapist)
    _out(plan_text(stored))
    _out(f"Stored as {stored.label} in {ws.folder}")


# ---------------------------------------------------------------- patients


def _history(args: argparse.Namespace) -> None:
    ws = _workspace(args)
    if args.patient_id is None:
        events = ws.workspace_history()
        _out(f"History of the workspace {ws.folder} (staff list, restores; a patient's: physio history PATIENT_ID):")
    else:
        patient = ws.patient(args.patient_id)
        events = ws.history(patient.id)
        _out(f"History of {patient.name} ({patient.id}) in {ws.folder}:")
    if not events:
        _out("  nothing recorded yet")
    for e in events:
        _out(f"  {e.line()}")


def _add_patients(sub: argparse._SubParsersAction) -> None:
    from .patients import add_patients_commands  # add, edit, archive, list, show, history

    add_patients_commands(sub)
    h = sub.add_parser("history", help="who did what for one patient, and when (the audit trail); without a "
                                       "patient: the workspace's own (staff list, restores)")
    h.add_argument("patient_id", metavar="PATIENT_ID", nargs="?", default=None)
    h.set_defaults(func=_history)


# ---------------------------------------------------------------- plans


def _plan_new(args: argparse.Namespace) -> None:
    ws = _workspace(args)
    lib = _library(args)
    patient = ws.patient(args.patient)
    protocol = lib.protocol(args.protocol)
    overrides = overrides_from_args(args.set, args.reason, args.remove, args.add, args.note)
    plan = personalise(protocol, patient, args.phase, args.start, overrides, library=lib, weeks=args.weeks,
                       start_reason=args.start_reason)
    _issue_or_show(args, ws, plan, args.issued_by)


def _plan_show(args: argparse.Namespace) -> None:
    ws = _workspace(args)
    plan = ws.plan(args.plan_id, args.version)
    _out(plan_text(plan))
    versions = ws.plan_versions(args.plan_id)
    if len(versions) > 1:
        _out("Versions: " + ", ".join(f"v{v.version} ({v.issued_at:%d %b %Y}, {v.issued_by})" for v in versions))
    if plan.version > 1:
        before = ws.plan(args.plan_id, plan.version - 1)
        diff = before.diff(plan)
        _out(f"Since v{before.version}: " + (" ".join(diff) if diff else "no change"))


def _plan_move(step: Callable) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        ws = _workspace(args)
        lib = _library(args)
        current = ws.plan(args.plan_id)
        patient = ws.patient(current.patient.id)
        new = step(current, lib.protocol(current.protocol_id), patient, args.start, library=lib)
        _issue_or_show(args, ws, new, args.issued_by)
        for line in current.diff(new):
            _out(f"  {line}")

    return run


def _add_plans(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="make, show and progress patients' plans")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    new = s.add_parser("new", help="personalise a protocol phase for a patient and issue it")
    new.add_argument("--patient", required=True, metavar="ID")
    new.add_argument("--protocol", required=True, metavar="ID")
    new.add_argument("--phase", required=True, metavar="ID")
    new.add_argument("--start", required=True, metavar="YYYY-MM-DD")
    new.add_argument("--start-reason", default=None, metavar="TEXT",
                     help="why the plan starts more than 7 days in the past (a plan entered after the fact)")
    new.add_argument("--weeks", type=int, default=None, help="default: the phase's minimum weeks")
    new.add_argument("--set", action="append", default=[], metavar="EXERCISE.PARAM=VALUE")
    new.add_argument("--reason", action="append", default=[], metavar='EXERCISE.PARAM="text"')
    new.add_argument("--remove", action="append", default=[], metavar="EXERCISE")
    new.add_argument("--add", action="append", default=[], metavar="EXERCISE")
    new.add_argument("--note", action="append", default=[], metavar="TEXT")
    new.add_argument("--issued-by", default=None, metavar="NAME", help="default: the patient's therapist")
    new.add_argument("--dry-run", action="store_true", help="show the plan without storing it")
    new.set_defaults(func=_plan_new)

    show = s.add_parser("show", help="show an issued plan (latest version unless --version)")
    show.add_argument("plan_id", metavar="PLAN_ID")
    show.add_argument("--version", type=int, default=None)
    show.set_defaults(func=_plan_show)

    for name, fn, what in [("advance", advance, "next"), ("step-back", step_back, "previous")]:
        m = s.add_parser(name, help=f"issue a new version of the plan in the {what} phase")
        m.add_argument("plan_id", metavar="PLAN_ID")
        m.add_argument("--start", default=None, metavar="YYYY-MM-DD", help="default: the day after the plan ends")
        m.add_argument("--issued-by", default=None, metavar="NAME")
        m.add_argument("--dry-run", action="store_true")
        m.set_defaults(func=_plan_move(fn))


# ---------------------------------------------------------------- protocols


def _protocols_validate(args: argparse.Namespace) -> int:
    """Check each folder (a file stands for the folder it is in) and print every problem, not just the first."""
    from ..errors import ProtocolError

    targets = [Path(p) for p in args.paths] or [None]
    failed = False
    for target in targets:
        folder = target.parent if target is not None and target.is_file() else target
        shown = folder if folder is not None else "the shipped protocols"
        try:
            lib = load_library(folder)
        except ProtocolError as e:
            failed = True
            print(f"{shown}: {len(e.problems)} problem(s)", file=sys.stderr)
            for line in e.problems:
                print(f"  {line}", file=sys.stderr)
            continue
        _out(f"{shown}: OK — {len(lib.exercises)} exercises, {len(lib.protocols)} protocols "
             f"({', '.join(sorted(lib.protocols))})")
    return EXIT_PROBLEMS_FOUND if failed else 0


def _protocols_list(args: argparse.Namespace) -> None:
    lib = _library(args)
    for proto in sorted(lib.protocols.values(), key=lambda p: p.id):
        phases = " → ".join(ph.id for ph in proto.phases)
        _out(f"{proto.id}\tv{proto.version}\t{proto.title}\t{len(proto.phases)} phases: {phases}")


def _protocols_show(args: argparse.Namespace) -> None:
    from ..render import protocol_text

    _out(protocol_text(_library(args).protocol(args.protocol_id)))


def _add_protocols(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("protocols", help="check, list and show the protocol files")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    v = s.add_parser("validate", help="check protocol folders and print every problem (exit 1 if any)")
    v.add_argument("paths", nargs="*", metavar="PATH", help="protocols folder or a file in it (default: shipped)")
    v.set_defaults(func=_protocols_validate)
    s.add_parser("list", help="one line per protocol").set_defaults(func=_protocols_list)
    show = s.add_parser("show", help="a protocol's phases, doses, limits, contraindications and red flags")
    show.add_argument("protocol_id", metavar="ID")
    show.set_defaults(func=_protocols_show)


# ---------------------------------------------------------------- exports, returned logs, review


def _export_folder(args: argparse.Namespace, ws: Workspace) -> Path:
    """Where files go: --out, else the workspace's export folder (the notebooks use the same one)."""
    if args.out:
        return Path(args.out)
    folder = ws.folder / "export"
    folder.mkdir(exist_ok=True)
    return folder


def _export(args: argparse.Namespace) -> int:
    from .interop import interop_export
    from ..io.batch import export_all
    from ..io.export import export_plan, psfs_activities

    done = interop_export(args, _workspace, _export_folder)  # --fhir, --ics, --format (physio/cli/interop.py)
    if done is not None:
        return done
    if args.all and args.plan_id:
        raise PlanError(
            f"--all exports every patient's plans, so the plan id {args.plan_id!r} would be ignored; "
            "give either a plan id or --all (and the folder with --out FOLDER)"
        )
    ws = _workspace(args)
    folder = _export_folder(args, ws)
    if args.all:
        batch = export_all(ws, folder, progress=not args.quiet, workers=args.workers)
        _out(str(batch))
        return EXIT_ERROR if batch.failed else 0
    if not args.plan_id:
        raise PlanError("name the plan to export (see `physio patients list`), or use --all for every patient")
    plan = ws.plan(args.plan_id, args.version)
    result = export_plan(plan, folder, clinic=ws.clinic_profile(),
                         psfs_activities=psfs_activities(ws.patient(plan.patient.id)))
    _out(f"Handout: {result.handout}\nWorkbook: {result.workbook}\nTherapist's summary: {result.summary}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from ..importing import import_log

    mapping: dict[str, str] = {}
    for item in args.map:
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise PlanError(f"--map {item!r} is not understood; write it as FIELD=HEADER, e.g. pain_after=\"Боль после\"")
        mapping[field.strip()] = header.strip()
    report = import_log(_workspace(args), args.patient_id, args.file, mapping or None, plan_id=args.plan)
    _out(str(report))
    return 0


def _import_folder(args: argparse.Namespace) -> int:
    from ..importing_batch import import_folder

    batch = import_folder(_workspace(args), args.folder, workers=args.workers, progress=not args.quiet)
    _out(str(batch))
    return EXIT_ERROR if batch.failed else 0


def _review(args: argparse.Namespace) -> None:
    from ..clinic import review_plan
    from ..progression import nothing_reported

    ws = _workspace(args)
    plan = ws.plan(args.plan_id)
    r = review_plan(ws, plan, library=_library(args), adherence_cutoff=args.cutoff)
    s = r.summary
    _out(f"{plan.label} — {plan.patient.name}: {plan.phase_name}, as of {s.as_of.strftime('%d.%m.%Y') if s.as_of else 'no entries yet'}")
    _print_red_flags(r.red_flags, plan.patient.id)  # an emergency comes before any figure
    _out(s.headline())
    if s.duration_adherence is not None:
        _out(f"Minutes: {s.duration_adherence:.0%} of the prescribed time.")
    if s.pain_change is not None:
        _out(f"Pain: {s.pain_change.verdict}")
    def days(n: int) -> str:
        return f"{n} day" if n == 1 else f"{n} days"

    if not nothing_reported(s):  # a streak or a gap of nothing reported says nothing
        _out(f"Longest streak (every session done): {days(s.streak.days)}; longest gap (nothing done): "
             f"{days(s.gap.days)}.")
    for f in s.flags:
        if f.kind != "red-flag":
            _out(f"FLAG {f.date:%d.%m.%Y}" + (f" (row {f.row})" if f.row else "") + f": {f.message}")
    for line in _outcome_lines(r.outcomes):
        _out(line)
    rec = r.recommendation
    _out(f"Recommendation: {rec.action.replace('_', ' ').upper()}" + (f" ({rec.level.upper()})" if rec.level else ""))
    if rec.level or rec.action == "no_log":
        _out(f"  {rec.label}")
    for reason in rec.reasons:
        _out(f"  - {reason}")
    if args.report:
        from ..io.report import write_adherence_report

        path = write_adherence_report(plan, s, r.recommendation, args.report, outcomes=r.outcomes)
        _out(f"Adherence report: {path}")


def _outcome_lines(outcomes) -> list[str]:
    """'Outcome measures:' and one line per instrument: latest, baseline and the change that matters."""
    from ..measures import default_measures, format_value, part_changes, trends

    if not outcomes:
        return []
    measures = default_measures()
    lines = ["Outcome measures (baseline = the first week of scored results):"]
    for t in trends(outcomes, measures):
        m = measures[t.measure_id]
        if t.latest is None:
            lines.append(f"  {m.short_name}: no score yet ({t.unscored} sheet(s) without enough answers)")
            continue
        last = t.latest
        if t.recent is None:
            text = f"  {m.short_name}: {t.base.words(m)}" + (f" — {last.score.band}" if last.score.band else "")
            lines.append(text + (" (one week of results so far)" if t.base.count > 1 else ""))
        else:
            text = f"  {m.short_name}: {t.recent.words(m)}" + (f" — {last.score.band}" if last.score.band else "")
            text += f"; baseline {t.base.words(m)}, change {t.change:+.3g}"
            lines.append(text + (f" (matters from {round(t.matters, 2):g})" if t.matters is not None else ""))
        for p in part_changes(m, t):
            value = "not enough answers" if p.latest is None else format_value(m, p.latest)
            change = "" if p.change is None else f", change {p.change:+.2g}" + (
                f" (matters from {p.matters:g})" if p.matters is not None else "")
            lines.append(f"    {p.name}: {value}{change}")
    return lines


def _print_red_flags(flags, patient_id: str) -> None:
    """Open red flags, most urgent first, each with what to do, what the patient wrote and when."""
    from ..redflag_view import note_line

    if not flags:
        return
    _out(f"OPEN RED FLAGS ({len(flags)}), most urgent first; acknowledge each with "
         f"physio redflags ack {patient_id} NUMBER --by NAME --outcome OUTCOME:")
    for f in flags:
        _out(f"  {note_line(f.note, f)}")


def _redflags(args: argparse.Namespace) -> None:
    from ..models.redflag import OUTCOME_LABELS
    from ..redflag_view import ack_line, open_flags

    ws = _workspace(args)
    words = list(args.words)
    if words[0] == "ack":
        if len(words) < 3:
            raise PlanError("write it as: physio redflags ack PATIENT NUMBER [NUMBER ...] --by NAME --outcome OUTCOME "
                            "[--note TEXT]")
        _, patient_id, *which = words
        if not args.by or not args.outcome:
            raise PlanError(f"an acknowledgement needs --by NAME and --outcome (one of: {', '.join(OUTCOME_LABELS)})")
        # one transaction: a wrong or already acknowledged number acknowledges nothing
        note_ids = [n for w in which for n in _flag_numbers(ws, patient_id, w)]
        for ack in ws.acknowledge_red_flags(patient_id, note_ids, by=args.by, outcome=args.outcome, note=args.note):
            _out(ack_line(ack, None))
        left = ws.open_red_flags(patient_id)
        _out(f"Open red flags left for {patient_id}: {len(left)}." + ("" if left else " A new plan version may be issued."))
        return
    if len(words) != 1:
        raise PlanError("write it as: physio redflags PATIENT, or physio redflags ack PATIENT NUMBER --by ... --outcome ...")
    patient_id = words[0]
    plan = ws.current_plan(patient_id)
    flags = open_flags(ws.open_red_flags(patient_id), plan, ws.log_entries(patient_id))
    if flags:
        _print_red_flags(flags, patient_id)
    else:
        _out(f"No open red flags for {patient_id}.")
    notes = {n.id: n for n in ws.red_flag_notes(patient_id)}
    acks = ws.red_flag_acks(patient_id)
    if acks:
        _out("Acknowledged:")
        for ack in acks:
            _out(f"  {ack_line(ack, notes.get(ack.note_id))}")


def _flag_numbers(ws: Workspace, patient_id: str, which: str) -> list[int]:
    """A red-flag number, or a vocabulary id (every open note naming it)."""
    if which.isdigit():
        return [int(which)]
    from ..vocabulary import default_vocabulary

    fid = default_vocabulary().red_flag(which).id
    numbers = [n.id for n in ws.open_red_flags(patient_id) if fid in n.flags]
    if not numbers:
        raise PlanError(f"patient '{patient_id}' has no open red flag naming '{fid}'; see physio redflags {patient_id}")
    return numbers


def _add_redflags(sub: argparse._SubParsersAction) -> None:
    from ..models.redflag import OUTCOME_LABELS

    p = sub.add_parser("redflags", help="a patient's open red flags; 'ack' records what a therapist did about them",
                       usage="physio redflags PATIENT\n"
                             "       physio redflags ack PATIENT NUMBER|FLAG-ID [...] --by NAME --outcome OUTCOME "
                             "[--note TEXT]",
                       description="The first form lists a patient's open and acknowledged red flags, numbered. "
                                   "The second records what was done about one or more of them (a number from the "
                                   "list, or a red flag id for every open one naming it).")
    p.add_argument("words", nargs="+", metavar="PATIENT", help="the patient's id (after 'ack': id, then numbers)")
    p.add_argument("--by", default=None, metavar="NAME", help="who acknowledges")
    # no argparse choices: a wrong outcome is refused by the store in one plain sentence naming the allowed ones
    p.add_argument("--outcome", default=None, metavar="OUTCOME",
                   help="what was done: " + "; ".join(f"{k} = {v}" for k, v in OUTCOME_LABELS.items()))
    p.add_argument("--note", default=None, metavar="TEXT", help="what was done, in your words")
    p.set_defaults(func=_redflags)


def _clinic(args: argparse.Namespace) -> None:
    from ..clinic import clinic_overview

    df = clinic_overview(_workspace(args), library=_library(args))
    if df.empty:
        _out("No issued plans yet.")
        return
    for row in df.itertuples():
        # None or NaN: nothing was scheduled yet, or no session could be counted
        adherence = "—" if row.adherence is None or row.adherence != row.adherence else f"{row.adherence:.0%}"
        level = f" {row.level.upper()}" if isinstance(row.level, str) and row.level else ""
        _out(f"{row.patient_id}\t{row.patient}\t{row.plan}\tadherence {adherence}\t{row.pain_trend}\t"
             f"{row.recommendation.replace('_', ' ')}{level}" + (f"\t{row.red_flags}" if row.red_flags else ""))


def _contact_sheet(args: argparse.Namespace) -> None:
    from ..figures import write_contact_sheet

    _out(f"Contact sheet: {write_contact_sheet(args.out, _library(args))}")


def _add_exports(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("export", help="write the PDF handout and the Excel log workbook of a plan (or open formats)")
    e.add_argument("plan_id", nargs="?", metavar="PLAN_ID")
    e.add_argument("--version", type=int, default=None, help="default: the latest version")
    e.add_argument("--all", action="store_true",
                   help="every patient's latest plans, with a progress bar (with --format: the whole clinic's records)")
    e.add_argument("--out", default=None, metavar="FOLDER", help="default: the workspace's export folder")
    e.add_argument("--quiet", action="store_true", help="no progress bar")
    e.add_argument("--workers", type=int, default=None, metavar="N",
                   help="with --all: plans built at the same time (default: one per core)")
    from .interop import add_interop_options

    add_interop_options(e)
    e.set_defaults(func=_export)

    i = sub.add_parser("import", help="read a log a patient sent back (our workbook, any xlsx or CSV)")
    i.add_argument("patient_id", metavar="PATIENT_ID")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--plan", default=None, metavar="PLAN_ID", help="default: named by our workbook, else the latest")
    i.add_argument("--map", action="append", default=[], metavar="FIELD=HEADER",
                   help="correct the guessed column mapping, e.g. --map pain_after='Боль после'")
    i.set_defaults(func=_import)

    f = sub.add_parser("import-folder", help="read every log patients sent back that is saved in one folder, on "
                                            "every core (each for the patient its workbook or file name names)")
    f.add_argument("folder", metavar="FOLDER")
    f.add_argument("--workers", type=int, default=None, metavar="N", help="files read at the same time "
                                                                         "(default: one per core)")
    f.add_argument("--quiet", action="store_true", help="no progress bar")
    f.set_defaults(func=_import_folder)

    r = sub.add_parser("review", help="adherence, pain and the recommended next step for a plan")
    r.add_argument("plan_id", metavar="PLAN_ID")
    r.add_argument("--cutoff", type=float, default=None, metavar="FRACTION",
                   help="adherence needed to advance (default: the phase's own, e.g. 0.7)")
    r.add_argument("--report", default=None, metavar="FILE.pdf", help="also write the adherence report PDF")
    r.set_defaults(func=_review)

    sub.add_parser("clinic", help="every patient: adherence, pain trend, recommendation").set_defaults(func=_clinic)

    p = sub.add_parser("pictures", help="the exercise pictures")
    ps = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = ps.add_parser("contact-sheet", help="one PDF showing every exercise's pictures, for review")
    c.add_argument("out", metavar="FILE.pdf")
    c.set_defaults(func=_contact_sheet)


# ---------------------------------------------------------------- workspace


def _workspace_example(args: argparse.Namespace) -> None:
    from ..example import build_example_workspace

    folder = args.folder or args.workspace
    existed = folder is not None and (Path(folder) / "workspace.sqlite").exists()
    ws = build_example_workspace(folder, library=_library(args) if args.protocols else None)
    if existed:
        _out(f"{ws.folder} already holds a workspace; it was kept as it is.")
    else:
        _out(f"Example workspace built in {ws.folder}:")
    for p in ws.patients():
        _out(f"  {p.id}\t{p.name}\t" + (", ".join(pl.label for pl in ws.plans_for(p.id)) or "no plan"))


def _workspace_new(args: argparse.Namespace) -> None:
    from ..workspace_info import workspace_line

    folder = Path(args.folder)
    if (folder / "workspace.sqlite").exists():
        raise PlanError(f"{folder} already holds a workspace; open it with physio --workspace {folder} ... "
                        f"(or make run WORKSPACE={folder}); nothing was changed")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise PlanError(f"{folder} already holds other files but no workspace; choose a new or empty folder for "
                        "the clinic's workspace")
    ws = Workspace(folder)
    _out(f"New empty workspace in {ws.folder.resolve()}.")
    _out(workspace_line(ws, folder=True))
    _out(f"Next: add a patient with physio --workspace {folder} patients add (asks for each field), "
         f"or open it with make run WORKSPACE={folder} (JupyterLab) or make app WORKSPACE={folder} (the app).")


def _workspace_show(args: argparse.Namespace) -> None:
    from ..workspace_info import workspace_line

    _out(workspace_line(_workspace(args), folder=True))


def _workspace_backup(args: argparse.Namespace) -> None:
    ws = _workspace(args)
    dest = ws.backup(args.dest)
    _out(f"Backup of {ws.where} written to {dest} (database and {len(list((dest / 'originals').iterdir()))} "
         "kept original(s)).")


def _workspace_restore(args: argparse.Namespace) -> None:
    ws = Workspace.restore(args.src, args.folder)
    _out(f"Restored {args.src} into {ws.folder}: {len(ws.patients(include_archived=True))} patient(s), {len(ws.plan_ids())} plan(s).")


def _workspace_profile(args: argparse.Namespace) -> None:
    from pydantic import ValidationError

    from ..errors import WorkspaceError
    from ..models import ClinicProfile

    ws = _workspace(args)
    given = {k: getattr(args, k) for k in ("name", "phone", "address", "email", "emergency_number")
             if getattr(args, k) is not None}
    current = ws.clinic_profile()
    if given:
        fields = {**(current.model_dump() if current else {}), **given}
        missing = [f"--{k}" for k in ("name", "phone") if not fields.get(k)]
        if missing:
            raise WorkspaceError(f"a clinic profile needs {' and '.join(missing)} (printed on every handout); "
                            "e.g. physio workspace profile --name \"Riverside Physio\" --phone \"+44 20 7946 0000\"")
        try:
            current = ws.set_clinic_profile(ClinicProfile(**fields), by=args.by)
        except ValidationError as e:
            err = e.errors()[0]
            raise WorkspaceError(f"--{str(err['loc'][0]).replace('_', '-')}: {err['msg'].removeprefix('Value error, ')}") from None
        _out(f"Clinic profile of {ws.folder} saved; handouts exported from now on print it:")
    elif current is None:
        _out(f"{ws.folder} has no clinic profile yet; set one with "
             "physio workspace profile --name \"...\" --phone \"...\" (printed on every handout)")
        return
    for label, value in (("Clinic", current.name), ("Phone", current.phone), ("Address", current.address),
                         ("Email", current.email), ("Emergency number", current.emergency_number)):
        if value:
            _out(f"  {label}: {value}")


def _workspace_migrate(args: argparse.Namespace) -> None:
    ws = Workspace(args.workspace, database_url="")  # the folder's own SQLite, whatever --database says
    proof = ws.migrate_to(args.to)
    _out(f"Copied {proof.source} to {proof.target}; rows and checksums read back from both sides:")
    for line in proof.lines():
        _out(line)
    _out("Every count and checksum is the same on both sides. Work on with --database or PHYSIO_DATABASE_URL "
         "set to the new address; the folder was left as it was.")


def _workspace_staff(args: argparse.Namespace) -> None:
    from ..errors import WorkspaceError
    from ..store import ROLES

    ws = _workspace(args)
    if args.login:
        if not args.name:
            raise WorkspaceError("give the person's name after their login, e.g. physio workspace staff anna "
                                 "'Anna Berg' --role lead")
        ws.add_staff_member(args.login, args.name, args.role)
    members = ws.staff()
    if not members:
        _out(f"No staff list in {ws.where} yet; add people with: physio workspace staff LOGIN NAME --role "
             "lead|therapist")
    for m in members:
        _out(f"  {m.login}\t{m.name}\t{ROLES[m.role]}")


def _add_workspace(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("workspace", help="the folder holding patients, plans and returned logs")
    s = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    ex = s.add_parser("example", help="build the example workspace from patients_example/ (kept if it exists)")
    ex.add_argument("folder", nargs="?", default=None, metavar="FOLDER")
    ex.set_defaults(func=_workspace_example)
    new = s.add_parser("new", help="make a clinic's own, empty workspace in a new or empty folder")
    new.add_argument("folder", metavar="FOLDER")
    new.set_defaults(func=_workspace_new)
    s.add_parser("show", help="which workspace this is, and how many patients it holds").set_defaults(
        func=_workspace_show)
    b = s.add_parser("backup", help="copy the workspace (database and kept originals) into a new folder, "
                                    "even while it is in use")
    b.add_argument("dest", metavar="DEST")
    b.set_defaults(func=_workspace_backup)
    r = s.add_parser("restore", help="bring a backup back into a new or empty folder")
    r.add_argument("src", metavar="SRC")
    r.add_argument("folder", metavar="FOLDER")
    r.set_defaults(func=_workspace_restore)
    c = s.add_parser("profile", help="the clinic's name and phone printed on every handout (shown without options)")
    c.add_argument("--name", default=None, help="the clinic's name")
    c.add_argument("--phone", default=None, help="the number patients call with questions")
    c.add_argument("--address", default=None)
    c.add_argument("--email", default=None)
    c.add_argument("--emergency-number", dest="emergency_number", default=None,
                   help="the emergency number where the clinic is (default 112)")
    c.add_argument("--by", default=None, help="who sets it (default: $PHYSIO_USER or the login name)")
    c.set_defaults(func=_workspace_profile)
    m = s.add_parser("migrate", help="copy this workspace folder (records and kept originals) into the clinic's "
                                     "empty server database, and prove the copy by counts and checksums")
    m.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host:port/database")
    m.set_defaults(func=_workspace_migrate)
    st = s.add_parser("staff", help="the clinic's staff list (hub login -> name and role); without a login: show it")
    st.add_argument("login", nargs="?", default=None, metavar="LOGIN")
    st.add_argument("name", nargs="?", default=None, metavar="NAME")
    st.add_argument("--role", default="therapist", choices=["lead", "therapist"])
    st.set_defaults(func=_workspace_staff)


#: One function per group of subcommands; append to add more (export, import, pictures...).
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_protocols, _add_patients, _add_plans, _add_exports, _add_workspace, _add_redflags,
]


# ---------------------------------------------------------------- outcome measures (physio/cli/measures.py)
from .measures import add_measures  # noqa: E402  (its own module: other command groups change apart from it)

COMMANDS.append(add_measures)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="physio", description="Home-exercise plans for back problems.")
    parser.add_argument("--workspace", default=None, metavar="FOLDER",
                        help="workspace folder (default: $PHYSIO_WORKSPACE, else ./workspace)")
    parser.add_argument("--database", default=None, metavar="URL",
                        help="the clinic's server database, postgresql://user:password@host:port/database "
                             "(default: $PHYSIO_DATABASE_URL, else SQLite in the workspace folder)")
    parser.add_argument("--protocols", default=None, metavar="FOLDER",
                        help="protocols folder (default: $PHYSIO_PROTOCOLS, else the shipped protocols)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


_GLOBAL_OPTIONS = ("--workspace", "--protocols", "--database")


def _hoist_global_options(argv: list[str]) -> list[str]:
    """Let --workspace/--protocols stand anywhere on the line: `physio export --all --workspace X` works too."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _GLOBAL_OPTIONS and i + 1 < len(argv):
            front += [arg, argv[i + 1]]
            i += 2
            continue
        if arg.split("=", 1)[0] in _GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(_hoist_global_options(argv))
    status = 0
    # the safety checks (issue, export, import) read the current library: the one this command was given
    before = os.environ.get("PHYSIO_PROTOCOLS")
    if getattr(args, "protocols", None):
        os.environ["PHYSIO_PROTOCOLS"] = str(args.protocols)
    if getattr(args, "database", None):  # every Workspace this command opens uses the server (this process only)
        os.environ["PHYSIO_DATABASE_URL"] = args.database
    try:
        status = args.func(args)
    except PhysioError as e:
        print(f"physio: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        _silence_stdout()
    finally:
        if before is None:
            os.environ.pop("PHYSIO_PROTOCOLS", None)
        else:
            os.environ["PHYSIO_PROTOCOLS"] = before
    return status or 0


def _silence_stdout() -> None:
    """The reader of our output has gone: send what is left (and the final flush) nowhere, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass

