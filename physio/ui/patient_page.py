"""One patient's page: returned logs and their review, a new plan, the plan versions, the intake and the outcome
measures, on tabs under the patient's name. Every part is bound to this patient; moving to another patient moves
every part (a file chosen for one patient is dropped, never imported for the next).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import ipywidgets as w

from ..clock import today as clinic_today
from ..models import Patient
from . import _base as b
from .log_review import LogReview
from .plan_builder import PlanBuilder
from .plan_versions import PlanVersions

REVIEW, PLAN, VERSIONS, INTAKE, MEASURES = "Logs and review", "New plan", "Plan versions", "Intake", "Outcome measures"


def _vocab():
    from ..vocabulary import default_vocabulary

    return default_vocabulary()


def _words(kind: str, ids: list[str]) -> str:
    """Vocabulary ids in the vocabulary's English words."""
    vocab = _vocab()
    find = {"condition": vocab.condition, "contraindication": vocab.contraindication}.get(kind)
    out = []
    for i in ids:
        try:
            term = find(i) if find else next(t for t in vocab.red_flags if t.id == i)
            out.append(term.label.get("en", i))
        except Exception:  # an id the vocabulary no longer holds: shown as written
            out.append(i)
    return ", ".join(out)


def intake_card_html(patient: Patient, today: dt.date) -> str:
    """The intake as recorded, read-only: what screening and the handout use."""
    conditions = []
    for c in patient.conditions:
        details = [x for x in (c.disc_level, c.side, c.details,
                               f"directional preference: {c.directional_preference}" if c.directional_preference else None,
                               f"Cobb {c.cobb_deg:g}°" if c.cobb_deg is not None else None,
                               f"Risser {c.risser}" if c.risser is not None else None, c.curve_type) if x]
        conditions.append(_words("condition", [c.kind]) + (f" ({', '.join(details)})" if details else ""))
    rows = [
        ["Born", f"{patient.birth_year} (age {today.year - patient.birth_year})"],
        ["Therapist", patient.therapist],
        ["Treated for", "; ".join(conditions) or "nothing recorded"],
        ["Contraindications", _words("contraindication", patient.contraindications) or "none recorded"],
        ["Red flags at intake", _words("red_flag", patient.red_flags) or "none recorded"],
        ["Doctor's clearances", "; ".join(f"{_words('contraindication', [c.contraindication])}, signed by {c.by} "
                                          f"on {c.on:%d.%m.%Y}" for c in patient.clearances) or "none"],
        ["Handout language", {"en": "English", "ru": "Russian"}.get(patient.language, patient.language)],
    ]
    if patient.notes:
        rows.append(["Notes", patient.notes])
    return "<div class='physio-card'>" + b.table_html(["", ""], rows) + "</div>"


def _optional(module: str, name: str):
    """A component another part of the project provides (the intake form, the outcome measures), or None."""
    import importlib

    try:
        return getattr(importlib.import_module(f"physio.ui.{module}"), name)
    except (ImportError, AttributeError):
        return None


class PatientPage:
    """Everything about one patient. `show(patient_id)` moves the page to a patient."""

    def __init__(self, ws, library, *, today: dt.date | None = None, on_back: Callable[[], None] | None = None,
                 on_changed: Callable[[], None] | None = None) -> None:
        self.workspace, self.library = ws, library
        self.today = today or clinic_today()
        self.on_changed = on_changed
        self.messages = b.Messages()
        self.log = b.hidden_log()
        self.patient_id: str | None = None
        self.title = w.HTML()
        self.back_button = w.Button(description="All patients", icon="arrow-left", layout=w.Layout(width="140px"))
        self.back_button.on_click(lambda _: on_back() if on_back else None)
        self.review: LogReview | None = None
        self.builder: PlanBuilder | None = None
        self.versions = PlanVersions(ws, library)
        self.measures = None  # the outcome measures panel of the shown patient, once its tab was opened
        self.intake_form_class = _optional("intake", "IntakeForm")
        self.measures_class = _optional("measures", "MeasuresPanel")
        self.names = [REVIEW, PLAN, VERSIONS, INTAKE] + ([MEASURES] if self.measures_class else [])
        self.boxes = {name: w.VBox(layout=w.Layout(width="100%")) for name in self.names}
        self.tabs = w.Tab(children=[self.boxes[n] for n in self.names], titles=self.names,
                          layout=w.Layout(width="100%"))
        #: Tabs not yet brought up to date for the shown patient: done when the tab is opened.
        self._stale: set[str] = set()
        self.tabs.observe(lambda _: self._on_tab(), names="selected_index")
        self.widget = w.VBox([
            w.HBox([self.back_button, self.title], layout=w.Layout(align_items="center", width="100%")),
            self.messages.widget,
            self.tabs,
            self.log,
        ], layout=w.Layout(width="100%"))

    @property
    def tab(self) -> str:
        return self.names[self.tabs.selected_index or 0]

    @b.guarded
    def show(self, patient_id: str, tab: str | None = None) -> None:
        """Show this patient; `tab` opens one part (default: the review when a plan was issued, else a new plan)."""
        patient = self.workspace.patient(patient_id)
        self.patient_id = patient_id
        self.messages.clear()
        conditions = _words("condition", [c.kind for c in patient.conditions])
        self.title.value = (f"<div class='physio-title' style='margin-left:12px'>{b.esc(patient.name)}</div>"
                            f"<div class='physio-hint' style='margin-left:12px'>born {patient.birth_year}"
                            f"{' · ' + b.esc(conditions) if conditions else ''} · {b.esc(patient.therapist)}</div>")
        self._stale = set(self.names)
        if tab is None:
            tab = REVIEW if self.workspace.plans_for(patient_id) else PLAN
        index = self.names.index(tab)
        if self.tabs.selected_index == index:
            self._on_tab()
        else:
            self.tabs.selected_index = index  # observed: brings the tab up to date

    @b.guarded
    def _on_tab(self) -> None:
        name = self.tab
        if self.patient_id is None or name not in self._stale:
            return
        self._stale.discard(name)
        pid = self.patient_id
        box = self.boxes[name]
        if name == REVIEW:
            if self.review is None:
                self.review = LogReview(self.workspace, self.library, patient_id=pid)
                self._listen(self.review)
                box.children = (self.review.widget,)
            else:
                self.review.show_patient(pid)
        elif name == PLAN:
            if self.builder is None:
                self.builder = PlanBuilder(self.workspace, self.library, today=self.today, patient_id=pid)
                self._listen(self.builder)
                box.children = (self.builder.widget,)
            else:
                self.builder.show_patient(pid)
        elif name == VERSIONS:
            self.versions.show_patient(pid)
            box.children = (self.versions.widget,)
        elif name == INTAKE:
            box.children = self._intake(pid)
        elif name == MEASURES and self.measures_class is not None:
            self.measures = self.measures_class(self.workspace, pid)
            box.children = (self.measures.widget,)

    def _intake(self, pid: str) -> tuple[w.Widget, ...]:
        patient = self.workspace.patient(pid)
        history = w.HTML(b.audit_html(self.workspace.history(pid), self.workspace, self.library))
        if self.intake_form_class is not None:
            form = self.intake_form_class(self.workspace, pid, on_saved=lambda p: self._saved_intake(p.id))
            return (form.widget, history)
        return (w.HTML(intake_card_html(patient, self.today)), history)

    def _saved_intake(self, pid: str) -> None:
        self.show(pid, tab=INTAKE)
        self._changed()

    def _listen(self, part) -> None:
        """After a button of a part stored something, the other tabs and the list are read again when opened."""
        for button in _buttons(part):
            button.on_click(lambda _: self._changed())

    def _changed(self) -> None:
        self._stale |= set(self.names) - {self.tab}
        if self.on_changed is not None:
            self.on_changed()


def _buttons(part) -> list[w.Button]:
    names = ("issue_button", "export_button", "fhir_button", "ics_button", "import_button", "next_button",
             "export_next_button")
    return [getattr(part, n) for n in names if isinstance(getattr(part, n, None), w.Button)]
