"""The example workspace: the fictional patients of patients_example/ with one issued plan each.

Everything is fixed (start dates, who issued, when), so the example is the same on every machine and
notebooks and tests can rely on it. Building is all-or-nothing: it happens in a hidden folder next
to the target, which is renamed into place only when complete.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import Contraindicated, UnknownId, WorkspaceError
from .library import Library, default_library
from .models import ClinicProfile, Overrides
from .planning import personalise
from .store import DB_NAME, Workspace, default_workspace_folder, read_patients

__all__ = ["EXAMPLE_CLINIC", "EXAMPLE_DIR", "EXAMPLE_PLANS", "ExamplePlan", "build_example_workspace", "issue_example_plans"]

EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "patients_example"

EXAMPLE_START = dt.date(2026, 9, 7)
"""Every example plan starts on Monday 7 September 2026, so returned example logs have fixed dates."""

EXAMPLE_ISSUED_AT = dt.datetime(2026, 9, 4, 10, 0, tzinfo=dt.timezone.utc)

#: A fictional clinic; the phone is from the range Ofcom keeps for drama (020 7946 0000-0999), so it rings nobody.
EXAMPLE_CLINIC = ClinicProfile(name="Riverside Physiotherapy", phone="+44 20 7946 0123",
                               address="12 Mill Lane, Riverside", email="desk@riverside-physio.example")


@dataclass(frozen=True)
class ExamplePlan:
    """Which protocol an example patient follows; phase by position, so renamed phases keep working."""

    patient_id: str
    protocol_id: str
    phase_index: int = 0
    notes: tuple[str, ...] = ()


#: Notes are written in the patient's language (P002 and P005 read Russian), as a therapist would write them.
EXAMPLE_PLANS: tuple[ExamplePlan, ...] = (
    ExamplePlan("P001", "lumbar-disc-hernia", 0, ("Get up and walk for a few minutes every hour at work.",)),
    ExamplePlan("P002", "scoliosis", 0, ("Выполняйте коррекцию перед зеркалом вместе с мамой.",)),
    # glaucoma is never cleared for the board: this request is refused on purpose and the patient has no plan
    ExamplePlan("P003", "stretching-board", 0),
    ExamplePlan("P004", "stretching-board", 0, ("Start at the lowest angle; stop if you get a headache.",)),
    ExamplePlan("P005", "lumbar-disc-hernia", 1, ("Поднимая коробки, сгибайте колени, а не спину.",)),
    ExamplePlan("P006", "scoliosis", 0),
)


def issue_example_plans(ws: Workspace, library: Library) -> list[str]:
    """Issue one plan per example patient whose screening allows it; returns what was not issued, and why."""
    skipped: list[str] = []
    for req in EXAMPLE_PLANS:
        patient = ws.patient(req.patient_id)
        try:
            protocol = library.protocol(req.protocol_id)
        except UnknownId:
            skipped.append(f"{patient.id}: protocol '{req.protocol_id}' is not in the library yet")
            continue
        phase = protocol.phases[min(req.phase_index, len(protocol.phases) - 1)]
        try:
            plan = personalise(protocol, patient, phase.id, EXAMPLE_START, Overrides(notes=list(req.notes)),
                               library=library, today=EXAMPLE_ISSUED_AT.date())
        except Contraindicated as e:
            skipped.append(f"{patient.id}: {protocol.title} refused: " + "; ".join(e.reasons))
            continue
        ws.issue(plan, patient.therapist, at=EXAMPLE_ISSUED_AT)
    return skipped


def build_example_workspace(folder: str | Path | None = None, *, library: Library | None = None) -> Workspace:
    """The example workspace in `folder` (default: PHYSIO_WORKSPACE or ./workspace).

    A folder that already holds a workspace is kept as it is, so the therapist's own trials survive.
    """
    folder = Path(folder) if folder is not None else default_workspace_folder()
    if (folder / DB_NAME).exists():
        return Workspace(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise WorkspaceError(
            f"{folder} already holds other files but no workspace; choose an empty or new folder for the example"
        )
    library = library or default_library()
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.building-", dir=folder.parent))
    try:
        ws = Workspace(tmp)
        ws.set_clinic_profile(EXAMPLE_CLINIC, by="example")
        ws.add_patients(read_patients(EXAMPLE_DIR / "patients"))
        issue_example_plans(ws, library)
        # The logs the example patients "sent back", so the review and overview notebooks have data.
        from .importing import import_example_logs

        import_example_logs(ws)
        try:
            if folder.exists():
                folder.rmdir()  # empty, checked above
            tmp.rename(folder)
        except OSError as e:
            if (folder / DB_NAME).exists():  # another process built it meanwhile: keep theirs
                shutil.rmtree(tmp, ignore_errors=True)
                return Workspace(folder)
            raise WorkspaceError(f"could not put the example workspace in {folder}: {e.strerror or e}") from e
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Workspace(folder)
