"""Export a plan as its files (handout, log workbook, therapist's summary); a whole workspace: physio.io.batch."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .._atomic import check_writable_folder, recover_folder, write_all_or_nothing
from ..errors import ExportError
from ..models import ClinicProfile, Plan
from .pdf import handout_bytes
from .therapist_summary import summary_bytes
from .xlsx import workbook_bytes

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ExportResult:
    """The files written for one plan: the patient's handout and log, and the therapist's summary."""

    handout: Path
    workbook: Path
    #: Sources, reasons, warnings and limits: for the therapist, never given to the patient.
    summary: Path | None = None


@dataclass(frozen=True)
class PatientExport:
    """What happened to one patient's plan in a batch: its files, or the reason it could not be exported."""

    patient_id: str
    plan_id: str | None
    result: ExportResult | None = None
    error: str | None = None
    #: Nothing to export, and nothing wrong (e.g. no plan issued yet); listed so nobody is left out unseen.
    skipped: str | None = None


@dataclass(frozen=True)
class BatchExport:
    """Every patient's outcome, in workspace order; failures never stop the others."""

    folder: Path
    items: list[PatientExport] = field(default_factory=list)

    @property
    def exported(self) -> list[PatientExport]:
        return [i for i in self.items if i.result is not None]

    @property
    def failed(self) -> list[PatientExport]:
        return [i for i in self.items if i.error is not None]

    @property
    def skipped(self) -> list[PatientExport]:
        return [i for i in self.items if i.skipped is not None]

    def __str__(self) -> str:
        lines = [f"Exported {len(self.exported)} plan(s) to {self.folder} (each: handout, log workbook and "
                 f"therapist's summary); {len(self.failed)} could not be exported."]
        lines += [f"- {i.patient_id}" + (f" ({i.plan_id})" if i.plan_id else "") + f": {i.error}" for i in self.failed]
        lines += [f"- {i.patient_id}: skipped, {i.skipped}" for i in self.skipped]
        return "\n".join(lines)


def file_stem(plan: Plan) -> str:
    """'<patient_id>_<plan_id>_v<version>': sorts by patient, and says which version the patient holds."""
    return "_".join(_UNSAFE.sub("-", part) for part in (plan.patient.id, plan.id, f"v{plan.version}"))


def psfs_activities(patient) -> list[str]:
    """The activities the patient named at intake, scored weekly in the workbook (PSFS); none for a patient
    recorded before the intake asked for them."""
    return list(getattr(patient, "psfs_activities", None) or [])


def export_plan(plan: Plan, folder: str | Path, clinic: ClinicProfile | None = None, *,
                psfs_activities: Sequence[str] = ()) -> ExportResult:
    """Write the handout, the workbook and the therapist's summary of `plan` into `folder`: all, or none.

    `clinic` (ws.clinic_profile()) puts the clinic's name and phone on the handout's first page and on the
    workbook's safety scale.
    All are built, then written in full beside their final names, then renamed into place under a journal
    (physio._atomic.write_all_or_nothing). Even a process killed half-way leaves, once the folder is tidied
    (on the next export into it, or when the workspace opens), all the new files or none."""
    folder = Path(folder)
    check_writable_folder(folder, error=ExportError)
    recover_folder(folder)
    pdf = handout_bytes(plan, clinic)
    xlsx = workbook_bytes(plan, psfs_activities=psfs_activities, clinic=clinic)
    summary_pdf = summary_bytes(plan, clinic)
    stem = file_stem(plan)
    handout = folder / f"{stem}_handout.pdf"
    workbook = folder / f"{stem}_log.xlsx"
    summary = folder / f"{stem}_therapist-summary.pdf"
    write_all_or_nothing({handout: pdf, workbook: xlsx, summary: summary_pdf}, error=ExportError)
    return ExportResult(handout=handout, workbook=workbook, summary=summary)
