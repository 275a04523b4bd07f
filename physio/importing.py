"""Import a returned log into the workspace: read it, judge every row, keep the original and what was accepted.

One function, import_log(), does the whole path and returns an ImportReport the therapist can read:
rows read = rows accepted + rows rejected (physio.validate explains the counting), how many schedule rows were
left blank, whether the file was already imported, and which earlier entries a corrected re-send replaced.
Nothing is stored unless the whole file could be read; storing is one transaction (physio.store).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping, NoReturn

import pandas as pd

from .errors import LimitExceeded, LogImportError, PhysioError, UnknownId, WorkspaceError
from .io.logs import MAX_LOG_BYTES, RawLog, TextRow, read_bytes, read_every_text, read_log_bytes
from .models import CheckAnswer, ClinicProfile, Plan, RedFlagNote, Rejection
from .planning import schedule
from .store import clean_filename
from .io.columns import corrected_fields
from .io.xlsx import printed_texts
from .redflag_scan import find_red_flag_notes, find_red_flags_in_refused_file
from .validate import Validated, confirm_columns, no_sessions_message, validate
from .validate_days import DayLog, Reading, validate_days
from .weekly_check import read_answers

#: Folder of the example patients' returned logs; file names are "<patient id>--<what it shows>.<ext>".
EXAMPLE_LOGS = Path(__file__).resolve().parent.parent / "patients_example" / "logs"

_KIND = {"workbook": "our home-plan workbook", "xlsx": "a workbook", "csv": "a CSV file"}


@dataclass(frozen=True)
class ImportReport:
    """What one import did, in numbers and in words."""

    file: str
    patient_id: str
    plan_id: str
    plan_version: int
    #: "workbook" (ours), "xlsx" (another workbook) or "csv".
    kind: str
    sheet: str | None
    #: Our field → the file's header it was read from.
    mapping: dict[str, str]
    #: Headers of the file that were not used.
    unmapped: tuple[str, ...]
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    #: Schedule rows with nothing filled in: sessions not reported (yet).
    blank_rows: int
    extra_sessions: int
    rejections: list[Rejection] = field(default_factory=list)
    #: The same file was imported before for this patient: nothing was added.
    duplicate: bool = False
    added: int = 0
    replaced: int = 0
    import_id: int | None = None
    original_path: Path | None = None
    encoding: str | None = None
    #: Rows of the file (any sheet, any row, accepted or rejected) and weekly-check answers that mention a red flag,
    #: most urgent first.
    red_flags: list[RedFlagNote] = field(default_factory=list)
    #: Answers of the weekly red-flag check read from the workbook.
    check_answers: list[CheckAnswer] = field(default_factory=list)
    #: "days" for our day-by-day log (a row counts per exercise session), "sessions" for any other file.
    layout: str = "sessions"
    #: Pain and activity scores written in a day-by-day log: read = accepted + rejected (rejected ones are among
    #: `rejections`), and how many new NPRS back / NPRS leg / PSFS results they added to the workspace.
    values_read: int = 0
    values_accepted: int = 0
    values_rejected: int = 0
    results_recorded: int = 0

    def lines(self) -> list[str]:
        out = [f"{self.file} ({_KIND.get(self.kind, self.kind)}) → patient {self.patient_id}, plan {self.plan_id} "
               f"v{self.plan_version}."]
        if self.duplicate:
            out.append("This exact file was imported before: nothing was added or changed.")
        out += self.red_flag_lines()
        if self.layout == "days":
            out.append(f"Exercise sessions read: {self.rows_read} = {self.rows_accepted} accepted + "
                       f"{self.rows_rejected} rejected (a tick is done, an empty cell on a filled-in day not done).")
            out.append(f"Sessions on days left blank (not reported yet): {self.blank_rows}.")
            out.append(f"Pain and activity scores read: {self.values_read} = {self.values_accepted} accepted + "
                       f"{self.values_rejected} rejected; {self.results_recorded} new NPRS back / NPRS leg / PSFS "
                       "result(s) recorded.")
        else:
            out.append(f"Rows read: {self.rows_read} = {self.rows_accepted} accepted + {self.rows_rejected} rejected.")
            out.append(f"Schedule rows left blank (not reported yet): {self.blank_rows}.")
        if self.extra_sessions:
            out.append(f"Extra sessions the patient added: {self.extra_sessions}.")
        if not self.duplicate and self.replaced:
            out.append(f"This corrected copy replaced {self.replaced} entries from an earlier import of the same sessions.")
        if self.unmapped:
            out.append("Columns not used: " + ", ".join(self.unmapped) + ".")
        if self.duplicate and self.rejections:
            out.append("Its rejected rows, already recorded at the first import:")
        if self.check_answers:
            yes = sum(a.answer for a in self.check_answers)
            n = len(self.check_answers)
            out.append(f"Weekly red-flag check: {n} answer{'' if n == 1 else 's'} read, {yes} of them yes.")
        elif self.kind == "workbook":  # a blank check is no "all clear": say so, so the therapist asks in person
            out.append("Weekly red-flag check: NOT ANSWERED. A blank check does not mean no warning signs; ask the "
                       "patient its questions (bladder, bowel, numbness between the legs, both legs, feet, fever) "
                       "at the next contact.")
        for r in self.rejections:
            out.append(f"Rejected: {r.message}" + (f' Note on the row: "{r.notes}"' if r.notes else ""))
        return out

    def red_flag_lines(self) -> list[str]:
        from .redflag_view import note_line

        return [note_line(n) for n in self.red_flags]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def rejections_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(r.sheet, r.row, r.column, r.given, r.reason, r.message, r.notes) for r in self.rejections],
            columns=["sheet", "row", "column", "given", "reason", "message", "notes"],
        )

    def _repr_html_(self) -> str:
        head = "".join(f"<p>{html.escape(x)}</p>" for x in self.lines()[: -len(self.rejections) or None])
        if self.rejections:
            head += "<p><b>Rejected rows</b></p>" + self.rejections_frame().to_html(index=False)
        return head


def _plan_for(ws, patient_id: str, raw: RawLog, plan_id: str | None) -> Plan:
    """The plan the file belongs to: named by our workbook's hidden sheet, else `plan_id`, else the latest."""
    if raw.meta is not None:
        if raw.patient_id != patient_id:
            raise LogImportError(
                f"{raw.file} is the workbook of patient '{raw.patient_id}' (plan {raw.plan_id} v{raw.plan_version}), "
                f"not of patient '{patient_id}'; nothing was imported. Import it for '{raw.patient_id}', or choose "
                f"{patient_id}'s own file"
            )
        if plan_id is not None and plan_id != raw.plan_id:
            raise LogImportError(
                f"{raw.file} is the workbook of plan {raw.plan_id} v{raw.plan_version}, not of plan {plan_id}; "
                "nothing was imported"
            )
        try:
            plan = ws.plan(raw.plan_id, raw.plan_version)
        except UnknownId as e:
            raise LogImportError(
                f"{raw.file} belongs to plan {raw.plan_id} v{raw.plan_version}, which this workspace does not hold "
                f"({e}); nothing was imported"
            ) from None
        if plan.patient.id != patient_id:  # the hidden sheet names our patient but another patient's plan
            raise LogImportError(
                f"{raw.file} names plan {raw.plan_id} v{raw.plan_version}, which belongs to patient "
                f"'{plan.patient.id}', not to '{patient_id}'; nothing was imported"
            )
        return plan
    if plan_id is not None:
        plan = ws.plan(plan_id)
        if plan.patient.id != patient_id:
            raise LogImportError(
                f"plan {plan_id} belongs to patient '{plan.patient.id}', not to '{patient_id}'; nothing was imported"
            )
        return plan
    plan = ws.current_plan(patient_id)
    if plan is None:
        raise LogImportError(
            f"patient '{patient_id}' has no issued plan to match {raw.file} against; issue a plan first"
        )
    return plan


def import_log(
    workspace,
    patient_id: str,
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    *,
    plan_id: str | None = None,
    max_bytes: int = MAX_LOG_BYTES,
    imported_at: dt.datetime | None = None,
    by: str | None = None,
) -> ImportReport:
    """Read, validate and store one returned log for `patient_id`.

    mapping: corrections to the guessed columns, {our field or our header: their header}.
    plan_id: the plan a file other than our workbook belongs to (default: the patient's latest plan).
    by: who imports (recorded in the audit trail; default $PHYSIO_USER or the login name).
    Raises LogImportError (nothing stored) when the file cannot be read or belongs to someone else.
    """
    workspace.patient(patient_id)  # an unknown patient is refused before the file is even opened
    content = read_bytes(path, max_bytes=max_bytes)
    return import_bytes(workspace, patient_id, content, Path(path).name, mapping, plan_id=plan_id,
                        imported_at=imported_at, by=by)


def _ensure_plan_safe(plan) -> None:
    """The plan a log is read against must keep the current library's limits and the caps (an edited database
    could have widened them); nothing is recorded otherwise."""
    from .planning import check_plan

    problems = check_plan(plan)
    if problems:
        raise LimitExceeded(
            f"plan {plan.label} of patient {plan.patient.id} breaks the current limits, so its log is not imported "
            f"(nothing was recorded): {'; '.join(problems)}; issue a new version within the limits, then import again"
        )


def import_bytes(
    workspace,
    patient_id: str,
    content: bytes,
    filename: str,
    mapping: Mapping[str, str] | None = None,
    *,
    plan_id: str | None = None,
    imported_at: dt.datetime | None = None,
    by: str | None = None,
) -> ImportReport:
    """Like import_log, for a file that arrived as bytes (an upload). `filename` is only a label: it is
    cleaned and kept as data, never used as a path."""
    workspace.patient(patient_id)
    name = clean_filename(filename)
    keep = dict(workspace=workspace, patient_id=patient_id, content=content, name=name, imported_at=imported_at, by=by)
    try:
        workspace.refuse_if_archived(patient_id, f"{name} cannot be imported")
    except WorkspaceError as refusal:  # no session is read, but a red flag written in it is never missed
        _refuse_keeping_red_flags(refusal, texts=None, plan=_plan_or_none(workspace, patient_id, plan_id), **keep)
    outcome = judge_log(content, name, patient_id, workspace, mapping=mapping, plan_id=plan_id,
                        clinic=workspace.clinic_profile())
    return store_judged(workspace, outcome, content, plan_id=plan_id, imported_at=imported_at, by=by)


@dataclass(frozen=True)
class JudgedLog:
    """A returned file read and judged against its plan, its red flags found; nothing stored yet.

    What judge_log gives and store_judged records: a batch import (physio.importing_batch) judges files in
    worker processes and stores them in its own."""

    file: str
    patient_id: str
    plan: Plan
    #: The file as read; sent between processes without its rows and texts (what storing needs is kept).
    raw: RawLog
    checked: Validated
    days: DayLog | None
    answers: list[CheckAnswer]
    #: Every rejection: session rows, pain and activity scores, weekly-check answers.
    rejections: list[Rejection]
    red_flags: list[RedFlagNote]

    def to_send(self) -> "JudgedLog":
        """Light enough to send to another process: without the file's rows and texts (judged already); the
        accepted rows go as their table (Validated pickles no entry object)."""
        return replace(self, raw=replace(self.raw, rows=[], read_texts=tuple, check_rows=(), psfs_rows=()))


@dataclass(frozen=True)
class RefusedLog:
    """A returned file refused as a log, with what is needed to still read it for red flags before refusing."""

    file: str
    #: None when nobody knows whose file it is (not our workbook, and no patient was named).
    patient_id: str | None
    error: PhysioError
    #: Read its words for red flags (a diary refused as a log still says "wet myself"); False for a file of
    #: another patient or plan: its words belong to that patient.
    keep_red_flags: bool = True
    #: The plan its words are read against (None: the patient's current plan).
    plan: Plan | None = None
    #: Its text rows when already read (None: read again from the file's bytes).
    texts: tuple[TextRow, ...] | None = None


def judge_log(content: bytes, name: str, patient_id: str | None, plans, *, mapping: Mapping[str, str] | None = None,
              plan_id: str | None = None, clinic: ClinicProfile | None = None,
              to_send: bool = False) -> JudgedLog | RefusedLog:
    """Read and judge one returned file, and find its red flags: pure (no database; nothing is stored).

    `plans` answers plan(id, version) and current_plan(patient): the workspace, or a PlanBook in a worker process.
    `patient_id` None: the patient our workbook names (any other file is refused: nobody knows whose it is).
    to_send: the outcome made light to send to another process (JudgedLog.to_send)."""
    try:
        raw = read_log_bytes(content, name, mapping=mapping)
    except LogImportError as refusal:
        if patient_id is None:
            refusal = LogImportError(f"{refusal}. {_WHOSE.format(name=name)}")
        return RefusedLog(name, patient_id, refusal)
    if patient_id is None:
        if raw.meta is None:
            return RefusedLog(name, None, LogImportError(
                f"{name}: cannot tell whose log this is (it is not our workbook, which names its patient). "
                + _WHOSE.format(name=name)))
        patient_id = raw.patient_id
    try:  # a file of another patient or plan is refused as it is: its words belong to that patient
        plan = _plan_for(plans, patient_id, raw, plan_id)
    except PhysioError as refusal:
        return RefusedLog(name, patient_id, refusal, keep_red_flags=False)
    try:
        _ensure_plan_safe(plan)
        raw, checked, days = _judge(raw, plan, patient_id, mapping)
    except (LogImportError, LimitExceeded) as refusal:
        return RefusedLog(name, patient_id, refusal, plan=plan, texts=raw.texts)
    answers, check_rejections = _weekly_check(raw, plan, patient_id)
    rejections = checked.rejections + (days.value_rejections if days else []) + check_rejections
    flags = find_red_flag_notes(raw, plan, checked, patient_id=patient_id, answers=answers,
                                printed=functools.partial(printed_texts, plan, raw.psfs_activities, clinic)
                                if raw.kind == "workbook" else set())
    judged = JudgedLog(name, patient_id, plan, raw, checked, days, answers, rejections, flags)
    return judged.to_send() if to_send else judged


#: What a file nobody can tell the patient of needs: its words are read for red flags only against a patient's plan.
_WHOSE = ("Its words were not read for red flags, as nobody knows whose file it is: name it after the patient "
          "('P001--{name}') and import the folder again, or import it with: physio import PATIENT_ID FILE")


def store_judged(workspace, outcome: JudgedLog | RefusedLog, content: bytes, *, plan_id: str | None = None,
                 imported_at: dt.datetime | None = None, by: str | None = None) -> ImportReport:
    """Record a judged file in the workspace (one transaction), or refuse it keeping any red flag written in it.
    The caller has checked the patient exists and is not archived."""
    if isinstance(outcome, RefusedLog):
        if not outcome.keep_red_flags or outcome.patient_id is None:
            raise outcome.error
        plan = outcome.plan or _plan_or_none(workspace, outcome.patient_id, plan_id)
        _refuse_keeping_red_flags(outcome.error, workspace=workspace, patient_id=outcome.patient_id, content=content,
                                  name=outcome.file, texts=outcome.texts, plan=plan, imported_at=imported_at, by=by)
    patient_id, plan, checked, days = outcome.patient_id, outcome.plan, outcome.checked, outcome.days
    result = workspace.record_import(
        patient_id, plan.id, plan.version, outcome.file, content, checked.entries, outcome.rejections, imported_at,
        by=by, red_flags=outcome.red_flags, answers=outcome.answers,
    )
    # after the import, and on every re-import: a result already recorded is never recorded twice
    recorded = record_readings(workspace, patient_id, days.readings, by=by, at=imported_at) if days else 0
    raw = outcome.raw
    return ImportReport(
        file=outcome.file,
        patient_id=patient_id,
        plan_id=plan.id,
        plan_version=plan.version,
        kind=raw.kind,
        sheet=raw.sheet,
        mapping=dict(raw.mapping),
        unmapped=raw.unmapped,
        rows_read=checked.rows_read,
        rows_accepted=checked.rows_accepted,
        rows_rejected=checked.rows_rejected,
        blank_rows=checked.blank_rows,
        extra_sessions=checked.extra_sessions,
        rejections=outcome.rejections,
        duplicate=result.duplicate,
        added=result.added,
        replaced=result.replaced,
        import_id=result.import_id,
        original_path=result.original_path,
        encoding=raw.encoding,
        red_flags=outcome.red_flags,
        check_answers=outcome.answers,
        layout=raw.layout,
        values_read=days.values_read if days else 0,
        values_accepted=days.values_accepted if days else 0,
        values_rejected=days.values_rejected if days else 0,
        results_recorded=recorded,
    )


def _judge(raw: RawLog, plan: Plan, patient_id: str, mapping: Mapping[str, str] | None
           ) -> tuple[RawLog, Validated, DayLog | None]:
    """Every row judged: a day-by-day workbook by physio.validate_days, any other log by physio.validate (after
    its columns are confirmed by their values). Raises LogImportError when the file holds no session of this plan."""
    if raw.layout == "days":
        days = validate_days(raw, plan, schedule(plan), patient_id=patient_id)
        if days.checked.sessions_found == 0:
            raise LogImportError(f"{raw.file}: no row of sheet '{raw.sheet}' is a day of plan {plan.label} "
                                 f"({plan.start:%d.%m.%Y} to {plan.end:%d.%m.%Y}); nothing was imported")
        return raw, days.checked, days
    if not raw.rows:
        raise LogImportError(no_sessions_message(raw, plan))
    raw = confirm_columns(raw, plan, trusted=corrected_fields(mapping))
    checked = validate(raw, plan, schedule(plan), patient_id=patient_id)
    if checked.sessions_found == 0:  # not a log of this plan: never "imported" with nothing read
        raise LogImportError(no_sessions_message(raw, plan))
    return raw, checked, None


def record_readings(workspace, patient_id: str, readings: list[Reading], *, by: str | None = None,
                    at: dt.datetime | None = None) -> int:
    """Record the daily pain (NPRS back, NPRS leg) and weekly PSFS read from a log as the patient's results.

    A day with two scores of the same pain (two session rows) keeps the higher. An answer sheet already recorded
    for the same measure and day is not recorded again, so importing a file twice adds nothing; a corrected score
    is recorded beside the earlier one (results are never changed: physio.store), and the latest counts."""
    from .measures import Result, default_measures, score

    measures = default_measures()
    if at is not None and at.tzinfo is None:
        at = at.astimezone()  # a result is recorded at an instant (FHIR's `issued`): local time, zone said
    best: dict[tuple[str, dt.date], Reading] = {}
    for r in readings:
        key = (r.measure_id, r.on)
        if key not in best or _value(r) > _value(best[key]):
            best[key] = r
    known: dict[tuple[str, dt.date], list] = {}
    for mid in {m for m, _ in best}:
        for stored in workspace.results(patient_id, mid):
            known.setdefault((mid, stored.on), []).append(stored.answers)
    added = 0
    for (mid, on), r in sorted(best.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if r.answers in known.get((mid, on), []):
            continue
        workspace.record_result(patient_id, Result(measure_id=mid, on=on, score=score(measures[mid], r.answers)),
                                r.answers, by=by, at=at)
        added += 1
    return added


def _value(r: Reading) -> float:
    return max([v for v in r.answers.items.values() if v is not None] + [a.score for a in r.answers.activities],
               default=0.0)


def daily_pain(workspace, plan: Plan) -> list[tuple[dt.date, float]]:
    """The patient's daily back and leg pain (NPRS) recorded in the plan's dates, for summarise(daily_pain=...)."""
    from .adherence import daily_pain_scores
    from .daylog import PAIN_MEASURES

    stored = [r for mid in PAIN_MEASURES.values() for r in workspace.results(plan.patient.id, mid)]
    return daily_pain_scores([(r.measure_id, r.on, r.score.value) for r in stored], plan)


def _plan_or_none(workspace, patient_id: str, plan_id: str | None) -> Plan | None:
    try:
        return workspace.plan(plan_id) if plan_id else workspace.current_plan(patient_id)
    except UnknownId:
        return None


def _refuse_keeping_red_flags(refusal: PhysioError, *, workspace, patient_id: str, content: bytes, name: str,
                              texts, plan: Plan | None, imported_at, by) -> NoReturn:
    """Refuse a file that is no log of this plan, but never lose a red flag written in it.

    Why: over-triage is the safe side (red-flags.md); a diary that says "wet myself" is refused as a log, yet its
    words are read, the file is kept with the red flags it holds, and the refusal says so first."""
    if plan is None:
        raise refusal
    try:
        texts = read_every_text(content, name) if texts is None else texts
    except LogImportError:
        raise refusal from None  # nothing in it can be read at all
    notes = find_red_flags_in_refused_file(texts, plan, patient_id=patient_id, file=name,
                                           printed=printed_texts(plan, clinic=workspace.clinic_profile()))
    if not notes:
        raise refusal
    result = workspace.record_import(patient_id, plan.id, plan.version, name, content, [], [], imported_at,
                                     by=by, red_flags=notes)
    levels = ", ".join(dict.fromkeys(n.level.upper() for n in notes))
    kept = "was already kept" if result.duplicate else "is kept"
    raise type(refusal)(
        f"RED FLAG ({levels}) in {name}: the patient wrote \"{notes[0].text[:200]}\"; "
        f"see physio redflags {patient_id}. The file {kept} for its red flags, but no session was imported: {refusal}"
    ) from None


def _weekly_check(raw: RawLog, plan: Plan, patient_id: str) -> tuple[list[CheckAnswer], list[Rejection]]:
    """The answers of our workbook's weekly red-flag check sheet (none for any other file)."""
    if not raw.check_rows:
        return [], []
    answers, rejections, _ = read_answers(raw.check_rows, plan, patient_id=patient_id, file=raw.file,
                                          sheet=(raw.meta or {}).get("check_sheet"))
    return answers, rejections


def example_log_files(folder: str | Path = EXAMPLE_LOGS) -> list[tuple[str, Path]]:
    """(patient id, file) for every example log, in name order (so a corrected re-send comes after the first)."""
    folder = Path(folder)
    out = []
    for f in sorted(folder.iterdir()) if folder.is_dir() else []:
        if f.is_file() and "--" in f.name and f.suffix.lower() in (".xlsx", ".csv"):
            out.append((f.name.split("--", 1)[0], f))
    return out


def import_example_logs(ws, folder: str | Path = EXAMPLE_LOGS) -> list[ImportReport]:
    """Import the example patients' returned logs into the example workspace (same file twice adds nothing)."""
    known = {p.id for p in ws.patients()}
    reports = []
    for patient_id, f in example_log_files(folder):
        if patient_id in known:
            reports.append(import_log(ws, patient_id, f, imported_at=_example_time(f)))
    return reports


def _example_time(f: Path) -> dt.datetime:
    """A fixed import time per example file, so the example workspace is the same on every build."""
    return dt.datetime(2026, 10, 1, 9, 0) + dt.timedelta(minutes=sum(f.name.encode()) % 600)
