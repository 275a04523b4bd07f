"""Import every returned log in a folder (or uploaded at once in the app) on every core: read and judged in worker
processes, stored here.

Why: after a week of home exercise a clinic gets dozens of logs back. Reading and judging a file is the slow part
and needs no database, so it runs in a process pool (one worker per core); storing stays in this process, one
transaction per file, in file-name order (a corrected re-send after the first). Whose log a file is: the patient
our workbook names in its hidden sheet, else the patient id the file name starts with ("P001--week 3.csv").
A file that cannot be imported is listed with its reason and the others go on; red flags come first.
import_folder gathers a folder's files and hands them to import_files, which takes (file name, bytes) pairs, as an
upload gives them: one path for both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ._pool import objects_kept_out_of_workers_collections, pool_context, worker_count
from .cells import collector_paused
from .errors import LogImportError, PhysioError, UnknownId, WorkspaceError
from .importing import ImportReport, JudgedLog, RefusedLog, judge_log, store_judged
from .io.limits import check_size
from .io.logs import MAX_LOG_BYTES, read_bytes
from .models import ClinicProfile, Plan
from .store import clean_filename
from .store._plans import current_of

#: The files a folder import reads (anything else in the folder is listed as skipped, never silently passed by).
LOG_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")


@dataclass(frozen=True)
class PlanBook:
    """Every issued version of the workspace's plans, read once: what judging a log asks of the workspace, for
    worker processes, which open no database."""

    #: plan id → its versions, oldest first
    versions: dict[str, list[Plan]]

    @classmethod
    def of(cls, workspace) -> "PlanBook":
        return cls({plan_id: workspace.plan_versions(plan_id) for plan_id in workspace.plan_ids()})

    def plan(self, plan_id: str, version: int | None = None) -> Plan:
        versions = self.versions.get(plan_id)
        if not versions:
            raise UnknownId(f"there is no issued plan '{plan_id}'")
        if version is None:
            return versions[-1]
        for p in versions:
            if p.version == version:
                return p
        raise UnknownId(f"plan '{plan_id}' has no version {version}; its versions are: "
                        f"{', '.join(str(p.version) for p in versions)}")

    def current_plan(self, patient_id: str) -> Plan | None:
        return current_of([v[-1] for v in self.versions.values() if v[-1].patient.id == patient_id])


@dataclass(frozen=True)
class FileImport:
    """One file of a folder import: what was imported, or why not, or why it was skipped."""

    file: str
    patient_id: str | None = None
    report: ImportReport | None = None
    error: str | None = None
    skipped: str | None = None

    def line(self) -> str:
        who = f" → {self.patient_id}" if self.patient_id else ""
        if self.report is not None:
            r = self.report
            done = ("already imported, nothing added" if r.duplicate else
                    f"{r.rows_read} read = {r.rows_accepted} accepted + {r.rows_rejected} rejected")
            flags = f"; {len(r.red_flags)} RED FLAG(S)" if r.red_flags else ""
            return f"- {self.file}{who}, plan {r.plan_id} v{r.plan_version}: {done}{flags}"
        if self.error is not None:
            return f"- {self.file}{who}: NOT IMPORTED: {self.error}"
        return f"- {self.file}: skipped, {self.skipped}"


@dataclass(frozen=True)
class FolderImport:
    """Every file of the folder (or of the upload), in name order; a file that fails never stops the others."""

    #: The folder the files were read from (None for files uploaded in the app).
    folder: Path | None
    items: list[FileImport] = field(default_factory=list)
    #: Where the files came from, as the summary says it: "in FOLDER" (the default for a folder), "uploaded".
    source: str = ""

    @property
    def where(self) -> str:
        return self.source or (f"in {self.folder}" if self.folder is not None else "uploaded")

    @property
    def imported(self) -> list[FileImport]:
        return [i for i in self.items if i.report is not None]

    @property
    def failed(self) -> list[FileImport]:
        return [i for i in self.items if i.error is not None]

    @property
    def skipped(self) -> list[FileImport]:
        return [i for i in self.items if i.skipped is not None]

    def red_flag_lines(self) -> list[str]:
        """Every red flag found, imported file or refused one, before anything else."""
        lines = [f"{i.file} ({i.patient_id}): {line}" for i in self.imported for line in i.report.red_flag_lines()]
        return lines + [f"{i.file}: {i.error}" for i in self.failed if i.error.startswith("RED FLAG")]

    def summary(self) -> str:
        """One sentence: how many files, and what became of them (or that there was none)."""
        if not self.items:
            kinds = f"{', '.join(LOG_SUFFIXES[:-1])} or {LOG_SUFFIXES[-1]}"
            return f"No file {self.where}: nothing was imported (a returned log is a {kinds} file)."
        before = sum(i.report.duplicate for i in self.imported)
        return (f"{len(self.items)} file(s) {self.where}: {len(self.imported) - before} imported, {before} imported "
                f"before (nothing added), {len(self.failed)} not imported, {len(self.skipped)} skipped.")

    def __str__(self) -> str:
        flags = self.red_flag_lines()
        lines = [f"RED FLAGS ({len(flags)}): see physio redflags PATIENT_ID for each patient:", *flags] if flags else []
        return "\n".join([*lines, self.summary(), *(i.line() for i in self.items)])


def import_folder(workspace, folder: str | Path, *, workers: int | None = None, progress: bool = True,
                  imported_at: dt.datetime | None = None, by: str | None = None) -> FolderImport:
    """Import every returned log in `folder` (not its sub-folders), each for the patient it belongs to.

    `workers` files are read and judged at the same time, each in its own process (default: one per core).
    Returns every file's outcome; a file already imported adds nothing (as with import_log)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LogImportError(f"{folder} is not a folder; give the folder the returned logs were saved in")
    workers = worker_count(workers, LogImportError)
    arrived: list[_Arrived] = []
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        settled = _not_a_log(path.name, path)
        if settled is None:
            try:  # its size is checked before anything is read
                arrived.append((path.name, read_bytes(path, max_bytes=MAX_LOG_BYTES)))
                continue
            except LogImportError as e:
                settled = FileImport(path.name, error=str(e))
        arrived.append((path.name, settled))
    return _import(workspace, arrived, workers=workers, progress=progress, imported_at=imported_at, by=by,
                   folder=folder, source=f"in {folder}")


def import_files(workspace, files: Iterable[tuple[str, bytes]], *, workers: int | None = None,
                 progress: bool = False, imported_at: dt.datetime | None = None, by: str | None = None,
                 source: str = "uploaded") -> FolderImport:
    """Import returned logs given as (file name, bytes) pairs, as an upload gives them, each for the patient it
    belongs to, exactly as import_folder imports a folder's files. A name is only a label (cleaned, never a path).

    `source` says where the files came from in the summary ("3 file(s) uploaded: ...")."""
    workers = worker_count(workers, LogImportError)
    arrived: list[_Arrived] = []
    for name, content in files:
        settled = _not_a_log(name)
        if settled is None:
            try:
                check_size(len(content), clean_filename(name), MAX_LOG_BYTES)
            except LogImportError as e:
                settled = FileImport(clean_filename(name), error=str(e))
        arrived.append((name, bytes(content) if settled is None else settled))
    return _import(workspace, arrived, workers=workers, progress=progress, imported_at=imported_at, by=by,
                   folder=None, source=source)


#: A file as it arrived: its name, and its bytes, or its outcome when it was settled without being read (not a log,
#: too large, unreadable).
_Arrived = tuple[str, bytes | FileImport]


def _not_a_log(name: str, path: Path | None = None) -> FileImport | None:
    """The outcome of what is no log by its name (or, in a folder, is no file): listed as skipped, never silently
    passed by. None for a log."""
    if path is not None and path.is_dir():
        return FileImport(clean_filename(name), skipped="a folder (files in folders inside it are not read)")
    if (path is None or path.is_file()) and Path(name).suffix.lower() in LOG_SUFFIXES:
        return None
    return FileImport(clean_filename(name), skipped=f"not a log file (a log is {', '.join(LOG_SUFFIXES)})")


def _import(workspace, arrived: list[_Arrived], *, workers: int, progress: bool, imported_at: dt.datetime | None,
            by: str | None, folder: Path | None, source: str) -> FolderImport:
    """Judge the files that arrived as logs (in `workers` processes) and store each in name order."""
    known = {p.id for p in workspace.patients(include_archived=True)}  # an archived patient's file is refused by name
    items: dict[int, FileImport] = {}
    jobs: list[_Job] = []
    named = sorted(((clean_filename(name), got) for name, got in arrived), key=lambda a: a[0])
    for index, (name, got) in enumerate(named):
        if isinstance(got, FileImport):
            items[index] = got
        else:
            jobs.append((index, name, got, named_patient(name, known)))
    from tqdm.auto import tqdm

    book, clinic = PlanBook.of(workspace), workspace.clinic_profile()
    contents = {index: content for index, _, content, _ in jobs}
    with tqdm(total=len(jobs), desc="Importing logs", unit="file", disable=not progress or not jobs) as bar:
        for index, outcome in judge_many(jobs, book, clinic, min(workers, len(jobs))):
            items[index] = _store(workspace, outcome, contents.pop(index), imported_at=imported_at, by=by)
            bar.update()
    return FolderImport(folder, [items[i] for i in sorted(items)], source)


def named_patient(filename: str, known: Iterable[str]) -> str | None:
    """The patient id a file name starts with, followed by a separator ("P001--week 3.csv", "P001_plan_v1.xlsx");
    the longest such id when several fit. None when the name starts with no known id."""
    fits = [pid for pid in known if filename.startswith(pid) and filename[len(pid):len(pid) + 1] in ("-", "_", " ", ".")]
    return max(fits, key=len, default=None)


#: One file to judge: its place in the folder's list, its name, its bytes, the patient its name gives (or None).
_Job = tuple[int, str, bytes, str | None]


def judge_many(jobs: list[_Job], book: PlanBook, clinic: ClinicProfile | None,
               workers: int) -> Iterator[tuple[int, JudgedLog | RefusedLog]]:
    """Each job's outcome, in the jobs' order: judged in this process for one worker, else in a pool of
    `workers` processes (each outcome comes back as it is needed, while the next files are being judged)."""
    if workers <= 1:
        for job in jobs:
            yield job[0], _judge(job, book, clinic)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(), initializer=_start_worker,
                             initargs=(book, clinic)) as pool:
        with objects_kept_out_of_workers_collections():  # the workers start at the first job
            futures: list[tuple[_Job, Future]] = [(job, pool.submit(_judge_in_worker, job)) for job in jobs[:1]]
        futures += [(job, pool.submit(_judge_in_worker, job)) for job in jobs[1:]]
        for job, future in futures:
            try:
                yield job[0], future.result()
            except BrokenProcessPool:
                yield job[0], RefusedLog(job[1], job[3], LogImportError(
                    f"{job[1]}: the import process stopped unexpectedly (out of memory, or ended by the system); "
                    "nothing of it was imported; import the folder again (files already imported add nothing)"),
                    keep_red_flags=False)


def _judge(job: _Job, book: PlanBook, clinic: ClinicProfile | None, to_send: bool = False) -> JudgedLog | RefusedLog:
    _, name, content, patient_id = job
    try:
        return judge_log(content, name, patient_id, book, clinic=clinic, to_send=to_send)
    except PhysioError as e:
        return RefusedLog(name, patient_id, e, keep_red_flags=False)
    except Exception as e:  # a fault with one file must not cost the therapist the others
        return RefusedLog(name, patient_id, LogImportError(
            f"{name}: could not be read (unexpected problem: {type(e).__name__}: {e}); import it alone with "
            "physio import PATIENT_ID FILE, and report the problem"), keep_red_flags=False)


_WORKER: dict[str, object] = {}


def _start_worker(book: PlanBook, clinic: ClinicProfile | None) -> None:
    _WORKER.update(book=book, clinic=clinic)


def _judge_in_worker(job: _Job) -> JudgedLog | RefusedLog:
    """In a worker process: the outcome, made light to send back (JudgedLog.to_send).

    The cycle collector waits until the file's rows, texts and entries are gone (see cells.collector_paused): it
    then has only the light outcome to look at, instead of walking the whole file's objects several times."""
    with collector_paused():
        return _judge(job, _WORKER["book"], _WORKER["clinic"], to_send=True)  # type: ignore[arg-type]


def _store(workspace, outcome: JudgedLog | RefusedLog, content: bytes, *, imported_at, by) -> FileImport:
    """Record one judged file (its own transaction), or the plain reason it was not imported; the same checks, in
    the same order, as import_log."""
    patient_id = outcome.patient_id
    try:
        if patient_id is not None:
            workspace.patient(patient_id)
            try:
                workspace.refuse_if_archived(patient_id, f"{outcome.file} cannot be imported")
            except WorkspaceError as refusal:  # no session is read, but a red flag written in it is never missed
                outcome = RefusedLog(outcome.file, patient_id, refusal)
        report = store_judged(workspace, outcome, content, imported_at=imported_at, by=by)
        return FileImport(outcome.file, patient_id, report=report)
    except PhysioError as e:
        return FileImport(outcome.file, patient_id, error=str(e))
