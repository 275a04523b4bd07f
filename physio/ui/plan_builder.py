"""PlanBuilder: choose patient, protocol and phase, adjust doses within the limits, issue and export.

All checking is done by planning.personalise (limits, reasons, forbidden exercises) and screen
(contraindications); this widget only collects the therapist's choices into Overrides and shows
what planning answers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..errors import LimitExceeded, PhysioError, PlanError
from ..library import Library, default_library
from ..models import PARAM_LABELS, AddedExercise, Dose, ExerciseChange, Overrides, Patient, Plan, PlannedExercise, Protocol
from ..patient_record import LANGUAGES
from ..planning import personalise, screen
from ..store import Workspace
from . import _base as b
from . import _exports
from ._redflags import RedFlagPanel
from ._controls import ExerciseRow

EXPORT_FOLDER = b.EXPORT_FOLDER
download_link = b.download_link


def _default_start(today: dt.date) -> dt.date:
    return today


def _where_printed(language: str) -> str:
    """Where the screening's lines go: the therapist's summary beside the handout (physio.io.therapist_summary),
    never the patient's handout; there in the plan's language, which a Russian-speaking patient's plan keeps."""
    if language == "en":
        return "printed in the therapist's summary, not on the handout"
    return (f"printed in the therapist's summary in {LANGUAGES.get(language, language)}, the patient's language; "
            "not on the handout")


class PlanBuilder:
    """Build one patient's home plan. `.widget` is what a notebook displays."""

    def __init__(
        self, workspace: Workspace | str | Path | None = None, library: Library | None = None, *,
        today: dt.date | None = None, patient_id: str | None = None,
    ) -> None:
        """patient_id: build this patient's plan only (the patient's page); the patient choice is then hidden and
        `show_patient` moves the builder to another patient."""
        self.workspace = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
        self.library = library or default_library()
        self.today = today or dt.date.today()
        self.messages = b.Messages()  # results of buttons
        self.status = b.Messages()  # is the draft ready to issue?
        self.log = b.hidden_log()
        self.rows: list[ExerciseRow] = []
        #: Rows already built, by (protocol, phase, exercise): reused when that phase is shown again.
        self._row_cache: dict[tuple[str, str, str], ExerciseRow] = {}
        #: The current draft (None while planning refuses the choices), and planning's refusal.
        self.plan: Plan | None = None
        self.problem: str | None = None
        self.issued: Plan | None = None
        self._issued_from: Plan | None = None
        self.files: tuple[Path, Path] | None = None
        self._quiet = False
        #: True while an export runs: a second click (a double click) does nothing.
        self._busy = False

        patients = self.workspace.patients()
        self.patient = b.dropdown("Patient", _patient_options(patients), width="420px")
        if patient_id is not None:
            self.patient.layout.display = "none"  # the page says whose plan this is
        self.protocol = b.dropdown("Protocol", [(p.title, p.id) for p in self.library.protocols.values()], width="420px")
        self.phase = b.dropdown("Phase", [], width="420px")
        self.start = w.DatePicker(
            description="Start", value=_default_start(self.today), style={"description_width": "110px"},
            layout=w.Layout(width="260px"),
        )
        #: Why the plan starts more than 7 days in the past (a plan entered after the fact); printed on the plan.
        self.start_reason = w.Text(description="Why in the past", placeholder="only for a start more than 7 days ago",
                                   style={"description_width": "110px"}, layout=w.Layout(width="420px"))
        self.weeks = w.BoundedIntText(
            description="Weeks", min=1, max=1, value=1, style={"description_width": "60px"}, layout=w.Layout(width="150px")
        )
        self.issued_by = w.Text(
            description="Issued by", style={"description_width": "110px"}, layout=w.Layout(width="420px")
        )
        self.note = w.Textarea(
            description="Note", placeholder="A note for the patient, printed on the handout (optional)",
            style={"description_width": "110px"}, layout=w.Layout(width="auto", max_width="700px", height="56px"),
        )
        self.screening = w.HTML()
        self.rows_box = w.VBox()
        self.add_choice = b.dropdown("Add exercise", [], width="420px")
        self.add_button = w.Button(description="Add", icon="plus", layout=w.Layout(width="90px"))
        self.preview = w.HTML()
        self.issue_button = w.Button(description="Issue plan", icon="check", button_style="primary",
                                     layout=w.Layout(width="160px"))
        self.export_button = w.Button(description="Export PDF + Excel", icon="file", button_style="success",
                                      tooltip="issue this plan (if not yet) and download the handout and the log",
                                      layout=w.Layout(width="200px"))
        self.links = w.HTML()
        self._open_formats_widgets()
        #: The patient's open red flags, shown at the top: while one is open, no plan version is issued.
        self.red_flags = RedFlagPanel(self.workspace, self.messages, on_change=lambda: self._after_ack())

        self.patient.observe(self._on_patient, names="value")
        self.protocol.observe(self._on_protocol, names="value")
        self.phase.observe(self._on_phase, names="value")
        self.start.observe(self._on_dates, names="value")
        self.start_reason.observe(self._on_dates, names="value")
        self.weeks.observe(self._on_dates, names="value")
        self.note.observe(self._on_dates, names="value")
        self.add_button.on_click(lambda _: self.add_exercise())
        self.issue_button.on_click(lambda _: self.issue())
        self.export_button.on_click(lambda _: self.export())

        self.editor = w.VBox(
            [
                w.HTML("<div class='physio-title' style='font-size:1.1em'>Exercises</div>"),
                self.rows_box,
                w.HBox([self.add_choice, self.add_button]),
                self.note,
                w.HTML("<div class='physio-title' style='font-size:1.1em'>The plan as the patient will get it</div>"),
                self.preview,
                self.status.widget,
                self.issued_by,
                w.HBox([self.issue_button, self.export_button, self.fhir_button, self.ics_button],
                       layout=w.Layout(flex_flow="row wrap")),
                self.time_zone,
                self.links,
                self.open_links,
            ]
        )
        self.widget = w.VBox(
            [
                b.style(),
                self.red_flags.widget,
                w.HBox([w.VBox([self.patient, self.protocol, self.phase]), w.VBox([self.start, self.weeks, self.start_reason])],
                       layout=w.Layout(flex_flow="row wrap")),
                self.screening,
                self.editor,
                self.messages.widget,
                self.log,
            ]
        )
        if not patients:
            self.messages.show(
                "warn",
                f"There are no patients in the workspace {Path(self.workspace.folder).name} yet. Add one on the "
                "patient list of the app (New patient).",
            )
            self.editor.layout.display = "none"
            return
        if patient_id is not None:
            self.show_patient(patient_id)
        else:
            self._on_patient()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # ------------------------------------------------------------ helpers

    def _patient(self) -> Patient:
        return self.workspace.patient(self.patient.value)

    def _protocol(self) -> Protocol:
        return self.library.protocol(self.protocol.value)

    def overrides(self) -> Overrides:
        """The therapist's choices as planning's Overrides."""
        change: dict[str, ExerciseChange] = {}
        remove: list[str] = []
        add: list[AddedExercise] = []
        for row in self.rows:
            if row.added:
                if not row.removed:
                    add.append(AddedExercise(exercise=row.exercise_id, dose=row.dose(), reasons=row.reasons_needed()))
                continue
            if row.removed:
                remove.append(row.exercise_id)
                continue
            changed = row.changed()
            if changed:
                reasons = {p: r for p, r in row.reasons_needed().items() if p in changed}
                change[row.exercise_id] = ExerciseChange(set=changed, reasons=reasons)
        notes = [self.note.value.strip()] if self.note.value.strip() else []
        return Overrides(change=change, remove=remove, add=add, notes=notes)

    # ------------------------------------------------------------ choosing patient, protocol, phase

    @b.guarded
    def show_patient(self, patient_id: str) -> None:
        """Build a plan for this patient, opened on the phase of the patient's current plan (the first phase of
        the protocol for their condition when they have none)."""
        ids = [v for _, v in self.patient.options]
        if patient_id not in ids:  # a patient added since the builder was made
            self.patient.options = _patient_options(self.workspace.patients())
        current = self.workspace.current_plan(patient_id)
        self._quiet = True
        try:
            self.patient.value = patient_id
        finally:
            self._quiet = False
        self._on_patient(phase=(current.protocol_id, current.phase_id) if current else None)

    @b.guarded
    def _on_patient(self, change: Any = None, phase: tuple[str, str] | None = None) -> None:
        if self._quiet:
            return
        patient = self._patient()
        self.red_flags.show(patient.id, self.workspace.current_plan(patient.id))
        self.issued_by.value = b.issuer(self.workspace, patient)
        self.issued_by.disabled = b.on_hub()  # on the hub a plan is always issued by the logged-in person
        kinds = {c.kind for c in patient.conditions}
        match = [p.id for p in self.library.protocols.values() if p.condition in kinds]
        self._quiet = True
        try:
            if phase is not None and phase[0] in self.library.protocols:
                self.protocol.value = phase[0]
            elif match and self.protocol.value not in match:
                self.protocol.value = match[0]
        finally:
            self._quiet = False
        self._on_protocol(phase=phase[1] if phase is not None and phase[0] == self.protocol.value else None)

    @b.guarded
    def _on_protocol(self, change: Any = None, phase: str | None = None) -> None:
        if self._quiet:
            return
        proto = self._protocol()
        self._quiet = True
        try:
            self.phase.options = [(ph.name, ph.id) for ph in proto.phases]
            ids = [ph.id for ph in proto.phases]
            self.phase.value = phase if phase in ids else proto.phases[0].id
        finally:
            self._quiet = False
        self._on_phase()

    @b.guarded
    def _on_phase(self, change: Any = None) -> None:
        if self._quiet:
            return
        proto = self._protocol()
        phase = proto.phase(self.phase.value)
        self._quiet = True
        try:
            self.weeks.max = phase.max_weeks
            self.weeks.value = phase.min_weeks
        finally:
            self._quiet = False
        self._load_phase()

    def _load_phase(self) -> None:
        """Screen the patient, then lay out one row per exercise of the phase's default plan."""
        self.messages.clear()
        self.links.value = ""
        self.issued, self._issued_from, self.files = None, None, None
        proto, patient = self._protocol(), self._patient()
        start = self.start.value or self.today
        programme = proto.phase(self.phase.value).programme(patient.directional_preference())
        result = screen(proto, patient, start, exercises=[self.library.exercise(rx.exercise) for rx in programme])
        if not result.allowed:
            self.screening.value = b.message_html(
                "error", f"{proto.title} is not allowed for {patient.name}:", result.refusals
            )
            self.rows, self.rows_box.children = [], ()
            self.plan, self.problem = None, "screening refused the protocol"
            self.editor.layout.display = "none"
            return
        self.editor.layout.display = ""
        notes = []
        if result.cleared:
            notes.append(b.message_html("info", "Allowed because of a recorded clearance:", result.cleared))
        if result.warnings:  # screened without a translation: the therapist's words
            notes.append(b.message_html("warn", f"Keep in mind ({_where_printed(patient.language)}):",
                                        result.warnings))
        self.screening.value = "".join(notes)
        base = personalise(proto, patient, self.phase.value, start, library=self.library, weeks=self.weeks.value, **self._when())
        self.rows = [self._row(proto.id, self.phase.value, pe) for pe in base.exercises]
        self.rows_box.children = [r.widget for r in self.rows]
        self._update_add_choices()
        self._refresh()

    def _row(self, protocol_id: str, phase_id: str, planned: PlannedExercise) -> ExerciseRow:
        """The row for `planned`: a row built before for this phase, reset to `planned`, or a new one."""
        key = (protocol_id, phase_id, planned.exercise.id)
        row = self._row_cache.get(key)
        if row is not None and row.fits(planned):
            row.reset(planned)
            return row
        row = ExerciseRow(planned, self._refresh, self._toggle_remove, self.library)
        self._row_cache[key] = row
        return row

    @b.guarded
    def _on_dates(self, change: Any = None) -> None:
        if self._quiet or not self.rows:
            return
        self._refresh()

    # ------------------------------------------------------------ editing

    def _update_add_choices(self) -> None:
        present = {r.exercise_id for r in self.rows}
        proto = self._protocol()
        forbidden = set(proto.forbidden_tags)
        if self.phase.value:
            try:
                forbidden |= proto.phase(self.phase.value).forbidden_tags()
            except KeyError:  # UnknownId: the phase list is being refreshed
                pass
        options = []
        for ex in self.library.exercises.values():
            if ex.id in present:
                continue
            bad = sorted(set(ex.tags) & forbidden)
            label = f"{ex.name} — not allowed: {', '.join(bad)}" if bad else ex.name
            options.append((label, ex.id))
        self.add_choice.options = [("— choose an exercise —", ""), *options]

    def _toggle_remove(self, row: ExerciseRow) -> None:
        if row.added:  # an added exercise is simply taken away again
            self.rows.remove(row)
            self.rows_box.children = [r.widget for r in self.rows]
            self._update_add_choices()
        else:
            row.set_removed(not row.removed)
        self._refresh()

    def _starting_dose(self, exercise_id: str) -> tuple[Dose, str]:
        """Where an added exercise starts, and where that start comes from.

        Its dose in a protocol that prescribes it (the current one first); otherwise the lowest usual
        values of this protocol's limits, for the therapist to set."""
        protocols = [self._protocol(), *[p for p in self.library.protocols.values() if p.id != self.protocol.value]]
        for proto in protocols:
            for ph in proto.phases:
                for rx in ph.exercises:
                    if rx.exercise == exercise_id:
                        return rx.dose, f"the dose of {ph.name} in {proto.title}"
        limits = self._protocol().limits
        values = {p: limits[p].usual[0] for p in ("reps", "sessions_per_day", "days_per_week") if p in limits}
        if "reps" not in values:
            raise PlanError(
                f"no protocol prescribes a dose for '{exercise_id}' and this protocol has no limit for repetitions; "
                "add it to a protocol file first"
            )
        return Dose(**values), "the lowest usual values of this protocol"

    @b.guarded
    def add_exercise(self, exercise_id: str | None = None) -> None:
        """Add a library exercise; planning refuses one the protocol forbids, and the message says why."""
        exercise_id = exercise_id or self.add_choice.value
        if not exercise_id:
            self.messages.show("info", "Choose an exercise to add first.")
            return
        proto = self._protocol()
        ex = self.library.exercise(exercise_id)
        dose, origin = self._starting_dose(exercise_id)
        # planning decides whether this exercise may join this protocol (forbidden tags); a value outside
        # this protocol's usual range is fine here: the row asks for the reason
        alone = Overrides(add=[AddedExercise(exercise=exercise_id, dose=dose)])
        try:
            personalise(proto, self._patient(), self.phase.value, self.start.value or self.today, alone,
                        library=self.library, weeks=self.weeks.value, **self._when())
        except LimitExceeded:
            pass
        planned = PlannedExercise(
            exercise=ex, dose=dose, protocol_dose=None, dose_source="added by you", limits=proto.limits, added=True
        )
        self.rows.append(ExerciseRow(planned, self._refresh, self._toggle_remove, self.library))
        self.rows_box.children = [r.widget for r in self.rows]
        self._update_add_choices()
        self._refresh()
        hint = f" The article suggests: {ex.article_dose}." if ex.article_dose else ""
        self.messages.show("ok", f"Added {ex.name}, starting from {origin}. Set its dose below.{hint}")

    # ------------------------------------------------------------ the live draft

    def _when(self) -> dict:
        """The day the plan is made and the reason for a start in the past, for planning's start-date rule."""
        return {"today": self.today, "start_reason": self.start_reason.value.strip() or None}

    def _refresh(self) -> None:
        """Ask planning for the draft with the current choices and show it, or show why not."""
        start = self.start.value
        try:
            if start is None:
                raise PlanError("the start date is empty; choose the day the patient begins")
            self.plan = personalise(
                self._protocol(), self._patient(), self.phase.value, start, self.overrides(),
                library=self.library, weeks=self.weeks.value, **self._when(),
            )
            self.problem = None
        except PhysioError as e:
            self.plan, self.problem = None, str(e)
        for row in self.rows:
            if row.removed:
                row.summary.value = "<span class='physio-hint'>left out of this plan</span>"
            else:
                row.summary.value = f"<span class='physio-dose'>{b.esc(row.dose().summary())}</span>"
        if self.plan is None:
            self.preview.value = ""
            self.status.show("warn", f"Not ready to issue: {self.problem}")
        else:
            self.preview.value = self._preview_html(self.plan) + b.citations_html(
                self.library, *(pe.dose_source for pe in self.plan.exercises))
            if self.issued is not None and self.plan == self._issued_from:
                self.status.show("ok", f"Issued as version {self.issued.version}.")
            elif self.red_flags.flags:
                self.status.show("error", f"Not ready to issue: {len(self.red_flags.flags)} open red flag(s) at the "
                                 "top; acknowledge each (who, what was done) before a plan version is issued.")
            else:
                self.status.show("info", "Ready to issue.")
        self.issue_button.disabled = self.export_button.disabled = bool(self.red_flags.flags)
        self.fhir_button.disabled = self.ics_button.disabled = bool(self.red_flags.flags)

    @b.guarded
    def _after_ack(self) -> None:
        self.red_flags.show(self.patient.value, self.workspace.current_plan(self.patient.value))
        self._refresh()

    def _preview_html(self, plan: Plan) -> str:
        rows = []
        for pe in plan.exercises:
            reasons = "; ".join(f"{PARAM_LABELS.get(p, p)}: {r}" for p, r in pe.reasons.items())
            rows.append([b.exercise_words(self.library, pe.exercise), pe.dose.summary(), reasons])
        end = plan.end
        head = (
            f"<div class='physio-hint'>{b.esc(plan.patient.name)} · {b.esc(b.plan_words(self.library, plan)[1])} · "
            f"{plan.start:%d %b %Y} to {end:%d %b %Y} ({plan.weeks} week{'s' if plan.weeks != 1 else ''})</div>"
        )
        out = head + b.table_html(["Exercise", "Dose", "Reason for an unusual value"], rows)
        if plan.warnings:
            out += b.message_html("warn", f"Warnings on this plan ({_where_printed(plan.language)}):",
                                  self._warnings_in_english(plan))
        return out

    def _warnings_in_english(self, plan: Plan) -> list[str]:
        """The plan's warnings as the therapist reads them: the same draft made in English, line for line (the
        plan keeps them in the patient's language, as the therapist's summary prints them)."""
        if plan.language == "en":
            return list(plan.warnings)
        try:
            twin = personalise(self._protocol(), self._patient(), self.phase.value, plan.start, self.overrides(),
                               library=self.library, weeks=plan.weeks, language="en", **self._when())
        except PhysioError:  # cannot happen for a draft just made from the same choices; show them as stored
            return list(plan.warnings)
        return list(twin.warnings)

    # ------------------------------------------------------------ buttons

    def _issue_current(self) -> Plan:
        """Issue the draft unless exactly this draft was issued already (so double clicks add no version)."""
        if self.plan is None:
            raise PlanError(f"the plan cannot be issued yet: {self.problem}")
        if self.issued is not None and self.plan == self._issued_from:
            return self.issued
        if not self.issued_by.value.strip():
            raise PlanError("write your name in 'Issued by' first; it is printed on the handout and kept with the plan")
        issued = self.workspace.issue(self.plan, self.issued_by.value)
        self.issued, self._issued_from = issued, self.plan
        return issued

    @b.guarded
    def issue(self) -> Plan | None:
        """Store the draft as the next version of the patient's plan."""
        already = self.issued is not None and self.plan is not None and self.plan == self._issued_from
        self.issue_button.disabled = True
        try:
            plan = self._issue_current()
        finally:
            self.issue_button.disabled = False
        if already:
            self.messages.show("info", f"This plan is already issued as version {plan.version}; "
                               "nothing new was stored. Change something to issue a new version.")
        else:
            self.messages.show("ok", f"Issued version {plan.version} of {plan.patient.name}'s plan "
                               f"(by {plan.issued_by}).")
        self._refresh()
        return plan

    @b.guarded
    def export(self) -> tuple[Path, Path] | None:
        """Issue if needed, then write the handout PDF and the log workbook into the workspace's export folder and
        start their downloads."""
        if self._busy:
            return None  # already working: a second click does nothing
        self._busy = True
        self.export_button.disabled = True
        self.issue_button.disabled = True
        try:
            plan = self._issue_current()
            files = _exports.write_files(self.workspace, plan, ("handout", "workbook"), library=self.library)
        finally:
            self._busy = False
            self.export_button.disabled = False
            self.issue_button.disabled = False
        self.files = (files["handout"], files["workbook"])
        self.links.value = _exports.links_html(plan, files)
        self.messages.show("ok", _exports.saved_sentence(plan, files))
        self._refresh()
        return self.files

    # ------------------------------------------------------------ open formats (physio/interop)

    def _open_formats_widgets(self) -> None:
        self.fhir_button, self.ics_button, self.time_zone = _exports.open_format_widgets("the plan")
        self.open_links = w.HTML()
        self.fhir_button.on_click(lambda _: self.export_open("fhir"))
        self.ics_button.on_click(lambda _: self.export_open("ics"))

    @b.guarded
    def export_open(self, kind: str) -> Path | None:
        """Issue if needed, then write the FHIR Bundle ("fhir") or the calendar ("ics") and offer it for download."""
        if self._busy:
            return None  # already working: a second click does nothing
        button = self.fhir_button if kind == "fhir" else self.ics_button
        self._busy = True
        button.disabled = True
        try:
            plan = self._issue_current()
            files = _exports.write_files(self.workspace, plan, (kind,), library=self.library,
                                         time_zone=self.time_zone.value.strip() or None)
        finally:
            self._busy = False
            button.disabled = False
        self.open_links.value = _exports.links_html(plan, files)
        self.messages.show("ok", _exports.saved_sentence(plan, files))
        self._refresh()
        return files[kind]


def _patient_options(patients: list[Patient]) -> list[tuple[str, str]]:
    return [(p.name, p.id) for p in patients]
