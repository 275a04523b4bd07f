"""The files of an issued plan version, written into the workspace's export folder and offered as downloads.

One place for the plan builder, the review's "next version" and the plan versions list: each writes the same
files under the same names, and says what it saved in a therapist's words ("handout for Maria K., version 3"),
never a path or an id.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import ipywidgets as w

from ..io.export import export_plan, psfs_activities
from ..models import Plan
from . import _base as b

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: What each file is, as the therapist reads it, and its download type.
KINDS: dict[str, tuple[str, str]] = {
    "handout": ("handout (PDF)", PDF),
    "workbook": ("exercise log (Excel)", XLSX),
    "fhir": ("record for other clinical systems (FHIR)", "application/fhir+json"),
    "ics": ("calendar reminders (.ics)", "text/calendar"),
}


def whose(plan: Plan) -> str:
    """'Maria K., version 3' (a draft: 'Maria K., draft')."""
    return f"{plan.patient.name}, " + (f"version {plan.version}" if plan.version else "draft")


def export_folder(ws) -> Path:
    folder = Path(ws.folder) / b.EXPORT_FOLDER
    folder.mkdir(exist_ok=True)
    return folder


def write_files(ws, plan: Plan, kinds: tuple[str, ...], *, library=None, time_zone: str | None = None) -> dict[str, Path]:
    """Write the asked files of an issued plan version (handout and workbook together, all or nothing)."""
    from ..interop.writers import write_fhir, write_ics

    folder = export_folder(ws)
    files: dict[str, Path] = {}
    if "handout" in kinds or "workbook" in kinds:
        # the clinic's name and phone on the handout; the patient's own activities on the workbook's PSFS sheet
        result = export_plan(plan, folder, clinic=ws.clinic_profile(),
                             psfs_activities=psfs_activities(ws.patient(plan.patient.id)))
        files["handout"], files["workbook"] = Path(result.handout), Path(result.workbook)
    if "fhir" in kinds:
        files["fhir"] = write_fhir(ws, plan, folder, library=library)
    if "ics" in kinds:
        files["ics"] = write_ics(ws, plan, folder, time_zone=time_zone)
    return files


def saved_sentence(plan: Plan, files: dict[str, Path]) -> str:
    """'Saved: handout (PDF) and exercise log (Excel) for Maria K., version 3.'"""
    names = [KINDS[k][0] for k in files]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Saved: {listed} for {whose(plan)}."


def links_html(plan: Plan, files: dict[str, Path], *, auto: bool = True) -> str:
    """The download links of an export in a card; with `auto` the browser starts the downloads at once."""
    links = "".join(
        b.download_link(path, KINDS[kind][1], f"{KINDS[kind][0][:1].upper()}{KINDS[kind][0][1:]} — {whose(plan)}",
                        auto=auto)
        for kind, path in files.items()
    )
    start = b.auto_download_html(uuid.uuid4().hex) if auto else ""
    return (f"<div class='physio-card'>{links}"
            f"<div class='physio-source'>{b.esc(saved_sentence(plan, files))} A copy is kept in the workspace's "
            f"export folder.</div>{start}</div>")


def open_format_widgets(what: str) -> tuple[w.Button, w.Button, w.Text]:
    """The FHIR and Calendar buttons and the clinic's time zone, alike wherever a plan leaves in an open format
    (the plan builder, the plan versions); `what` says what the FHIR record holds ("the plan", "this version")."""
    fhir = w.Button(description="FHIR", icon="share", tooltip=f"{what} as an HL7 FHIR R4 record for other clinical "
                    "systems", layout=w.Layout(width="90px"))
    ics = w.Button(description="Calendar", icon="calendar",
                   tooltip="the sessions as reminders for the patient's calendar (.ics)", layout=w.Layout(width="110px"))
    time_zone = w.Text(placeholder="Europe/Berlin", description="Clinic time zone",
                       tooltip="for the calendar of a patient with no time zone recorded",
                       style={"description_width": "110px"}, layout=w.Layout(width="280px"))
    return fhir, ics, time_zone
