"""Export every patient's plans into one folder on every core: a process pool, a progress bar, failures listed.

The workspace is read here, in the calling process; each plan's files are built and written (atomically, by
`export_plan`) in a worker process. A plan that fails is reported with its reason and the others go on.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import check_writable_folder, recover_folder
from .._pool import objects_kept_out_of_workers_collections, pool_context, worker_count
from ..errors import ExportError, PhysioError
from ..models import ClinicProfile, Plan
from .export import BatchExport, PatientExport, export_plan, psfs_activities

if TYPE_CHECKING:
    from ..store import Workspace

#: One plan to export: its place in the batch's list, whose it is, the plan, the patient's PSFS activities.
_Job = tuple[int, str, Plan, list[str]]


def export_all(workspace: "Workspace", folder: str | Path, progress: bool = True,
               workers: int | None = None) -> BatchExport:
    """Export the latest version of every plan of every patient in `workspace` into `folder`.

    `workers` plans are built at the same time, each in its own process (default: one per core, os.cpu_count()).
    A patient whose plan cannot be exported is reported with the reason and the batch goes on; a patient with
    no issued plan is reported too, so nobody is silently left out. `progress` shows a bar on stderr."""
    folder = Path(folder)
    workers = worker_count(workers, ExportError)
    check_writable_folder(folder, error=ExportError)
    recover_folder(folder)  # leftovers of an interrupted batch: finished or removed before anything new
    clinic = workspace.clinic_profile()
    items, jobs = _gather(workspace)
    from tqdm.auto import tqdm

    with tqdm(total=len(jobs), desc="Exporting plans", unit="plan", disable=not progress) as bar:
        for index, item in _run(jobs, folder, clinic, min(workers, len(jobs))):
            items[index] = item
            bar.update()
    return BatchExport(folder=folder, items=[i for i in items if i is not None])


def _gather(workspace: "Workspace") -> tuple[list[PatientExport | None], list[_Job]]:
    """Every patient's outcome slot in workspace order: filled now (skipped, unreadable) or by a job later."""
    items: list[PatientExport | None] = []
    jobs: list[_Job] = []
    for patient in workspace.patients():
        try:
            plans = workspace.plans_for(patient.id)
        except PhysioError as e:
            items.append(PatientExport(patient.id, None, error=str(e)))
            continue
        if not plans:
            items.append(PatientExport(patient.id, None, skipped="no plan has been issued for this patient yet"))
        for plan in plans:
            jobs.append((len(items), patient.id, plan, psfs_activities(patient)))
            items.append(None)
    return items, jobs


def _export_one(patient_id: str, plan: Plan, activities: list[str], folder: Path,
                clinic: ClinicProfile | None) -> PatientExport:
    """One plan's files, or the plain reason they could not be written (runs in a worker process)."""
    try:
        return PatientExport(patient_id, plan.id,
                             result=export_plan(plan, folder, clinic, psfs_activities=activities))
    except PhysioError as e:
        return PatientExport(patient_id, plan.id, error=str(e))
    except Exception as e:  # a fault in one plan must not cost the therapist the other exports
        return PatientExport(patient_id, plan.id, error=f"unexpected problem ({type(e).__name__}: {e})")


def _run(jobs: list[_Job], folder: Path, clinic: ClinicProfile | None,
         workers: int) -> Iterator[tuple[int, PatientExport]]:
    """Each job's outcome as it finishes: in this process for one worker, else in a pool of `workers`."""
    if workers <= 1:
        for index, patient_id, plan, activities in jobs:
            yield index, _export_one(patient_id, plan, activities, folder, clinic)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context()) as pool:
        def submit(job: _Job) -> tuple[Future, tuple[int, str, Plan]]:
            index, patient_id, plan, activities = job
            return pool.submit(_export_one, patient_id, plan, activities, folder, clinic), (index, patient_id, plan)

        with objects_kept_out_of_workers_collections():  # the workers start at the first job
            futures: dict[Future, tuple[int, str, Plan]] = dict([submit(jobs[0])])
        futures.update(map(submit, jobs[1:]))
        for future in as_completed(futures):
            index, patient_id, plan = futures[future]
            try:
                yield index, future.result()
            except BrokenProcessPool:
                yield index, PatientExport(patient_id, plan.id, error=(
                    "the export process stopped unexpectedly (out of memory, or ended by the system); "
                    "export this plan again"))
