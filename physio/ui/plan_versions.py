"""Every issued version of a patient's plans: open one, see what changed from the version before, export it again.

Exporting an issued version writes its handout, log, FHIR record or calendar again; it never issues a new version.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from ..models import PARAM_LABELS, Plan
from . import _base as b
from . import _exports


def version_label(plan: Plan, library=None) -> str:
    issued = f", issued {plan.issued_at:%d.%m.%Y}" if plan.issued_at else ""
    by = f" by {plan.issued_by}" if plan.issued_by else ""
    title, phase = b.plan_words(library, plan) if library is not None else (plan.protocol_title, plan.phase_name)
    return f"{title} — version {plan.version}: {phase}, from {plan.start:%d.%m.%Y}{issued}{by}"


def plan_detail_html(plan: Plan, previous: Plan | None, library=None) -> str:
    """The version's exercises and doses, and what changed from the version before it (in the therapist's words,
    whatever language the plan stores for the patient)."""
    rows = [[b.exercise_words(library, pe.exercise), pe.dose.summary(),
             "; ".join(f"{PARAM_LABELS.get(p, p)}: {r}" for p, r in pe.reasons.items())] for pe in plan.exercises]
    out = (f"<div class='physio-hint'>{plan.start:%d %b %Y} to {plan.end:%d %b %Y} "
           f"({plan.weeks} week{'s' if plan.weeks != 1 else ''})</div>"
           + b.table_html(["Exercise", "Dose", "Reason for an unusual value"], rows))
    if previous is None:
        out += b.message_html("info", "The first version of this plan.")
    else:
        changes = [b.therapist_text(library, plan, b.therapist_text(library, previous, c)) if library else c
                   for c in previous.diff(plan)]
        out += b.message_html("info", f"What changed from version {previous.version}:" if changes else
                              f"Nothing changed from version {previous.version} but the dates.", changes or None)
    if plan.notes:
        out += b.message_html("info", "Notes printed on the handout:", list(plan.notes))
    return out


class PlanVersions:
    """One patient's issued plan versions. `.widget` goes on the patient's page."""

    def __init__(self, ws, library, *, on_exported=None) -> None:
        self.workspace, self.library = ws, library
        self.messages = b.Messages()
        self.log = b.hidden_log()
        self.patient_id: str | None = None
        self.plans: dict[tuple[str, int], Plan] = {}
        self.choice = w.Dropdown(options=[], description="Version", style={"description_width": "70px"},
                                 layout=w.Layout(width="100%", max_width="760px"))
        self.detail = w.HTML()
        self.export_button = w.Button(description="Export PDF + Excel again", icon="file", button_style="success",
                                      tooltip="the handout and the log of this version; no new version is issued",
                                      layout=w.Layout(width="230px"))
        self.fhir_button, self.ics_button, self.time_zone = _exports.open_format_widgets("this version")
        self.links = w.HTML()
        self._busy = False
        self.export_button.on_click(lambda _: self.export(("handout", "workbook")))
        self.fhir_button.on_click(lambda _: self.export(("fhir",)))
        self.ics_button.on_click(lambda _: self.export(("ics",)))
        self.choice.observe(lambda _: self._on_choice(), names="value")
        self.buttons = w.HBox([self.export_button, self.fhir_button, self.ics_button, self.time_zone],
                              layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([self.choice, self.detail, self.buttons, self.messages.widget, self.links, self.log])

    @property
    def plan(self) -> Plan | None:
        return self.plans.get(self.choice.value) if self.choice.value else None

    @b.guarded
    def show_patient(self, patient_id: str, select: tuple[str, int] | None = None) -> None:
        """List the patient's versions, newest first; `select` opens one (plan id, version)."""
        self.patient_id = patient_id
        self.messages.clear()
        self.links.value = ""
        self.plans = {}
        for latest in self.workspace.plans_for(patient_id):
            for p in self.workspace.plan_versions(latest.id):
                self.plans[(p.id, p.version)] = p
        order = sorted(self.plans.values(), key=lambda p: (p.issued_at or p.start, p.version), reverse=True)
        self.choice.options = [(version_label(p, self.library), (p.id, p.version)) for p in order]
        self.buttons.layout.display = "" if order else "none"
        if not order:
            self.detail.value = b.message_html("info", "No plan has been issued for this patient yet.")
            return
        self.choice.value = select if select in self.plans else (order[0].id, order[0].version)
        self._on_choice()

    @b.guarded
    def _on_choice(self) -> None:
        plan = self.plan
        self.links.value = ""
        if plan is None:
            return
        previous = self.plans.get((plan.id, plan.version - 1))
        self.detail.value = plan_detail_html(plan, previous, self.library)

    @b.guarded
    def export(self, kinds: tuple[str, ...]) -> dict[str, Path] | None:
        """Write this version's files again (no new version) and start their downloads."""
        plan = self.plan
        if plan is None or self._busy:
            return None
        self._busy = True
        for button in (self.export_button, self.fhir_button, self.ics_button):
            button.disabled = True
        try:
            files = _exports.write_files(self.workspace, plan, kinds, library=self.library,
                                         time_zone=self.time_zone.value.strip() or None)
        finally:
            self._busy = False
            for button in (self.export_button, self.fhir_button, self.ics_button):
                button.disabled = False
        self.links.value = _exports.links_html(plan, files)
        self.messages.show("ok", _exports.saved_sentence(plan, files))
        return files
