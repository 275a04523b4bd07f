"""The patient list: every patient of the workspace, the ones who need attention first, each row opening the page.

The figures are physio.clinic.clinic_overview's (the clinic overview): one row per patient, their most urgent
plan first. Filters: a search on the name, therapist, protocol, status (active / archived) and when the last log
came back. A short "new patient" line at the top adds a patient and opens their plan at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Callable

import ipywidgets as w
import pandas as pd

from ..adherence import pct
from ..clock import today as clinic_today
from ..errors import PhysioError
from ..progression import ACTION_LABELS
from ..redflags import LEVEL_ACTION
from . import _base as b
from ..clinic import _comparable
from .clinic import overview_frame

_EARLIEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)

ANY = "(any)"
#: Status choices: label → which patients (active, archived, all).
STATUS = {"Active patients": "active", "Archived patients": "archived", "All patients": "all"}
#: Last-log choices: label → (days, whether the last log must be within those days or not).
LAST_LOG = {"Last log: any time": None, "Log in the last 7 days": (7, True), "No log for 14 days or more": (14, False)}
SORTS = ("Needs attention first", "Name", "Last log received, oldest first")
#: More rows than this are not drawn (a widget per row): the search narrows the list.
MAX_ROWS = 60
#: Sorts after every recommendation: a patient with no plan yet.
NO_PLAN_PRIORITY = 99


@dataclass(frozen=True)
class PatientRow:
    """One patient on the list, in a therapist's words."""

    id: str
    name: str
    therapist: str
    archived: bool
    protocols: tuple[str, ...]
    phase: str
    last_log: dt.datetime | None
    adherence: float | None
    #: What to do next ("Refer. …", "Advance to the next phase", "No plan yet").
    next_step: str
    action: str | None
    red_flags: str
    #: "no log since version 3 issued on 07.09.2026", or "".
    note: str
    priority: int
    #: The logged-in therapist's own patient (on the clinic's hub): listed before colleagues' patients.
    own: bool = False


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _is_archived(ws, patient_id: str) -> bool:
    check = getattr(ws, "is_archived", None)  # the store gains archiving (patients and workspaces issue)
    return bool(check(patient_id)) if check is not None else False


def _all_patients(ws) -> list:
    try:
        return ws.patients(include_archived=True)
    except TypeError:  # a store without archiving yet
        return ws.patients()


def patient_rows(ws, library) -> list[PatientRow]:
    """Every patient with their most urgent plan's figures (clinic_overview), or 'No plan yet'."""
    frame = overview_frame(ws, library)
    titles = {p.id: p.title for p in library.protocols.values()}
    out = []
    everyone = _all_patients(ws)
    own_of = getattr(ws, "own_patient_ids", None)
    own = own_of(everyone) if own_of is not None else set()
    for patient in everyone:
        mine = frame[frame["patient_id"] == patient.id].sort_values("priority", na_position="last", kind="stable")
        plans = ws.plans_for(patient.id)
        protocols = tuple(dict.fromkeys(titles.get(p.protocol_id, p.protocol_title) for p in plans))
        if mine.empty or not plans:
            out.append(PatientRow(patient.id, patient.name, patient.therapist, _is_archived(ws, patient.id), protocols,
                                  "", None, None, "No plan yet", None, "", "", NO_PLAN_PRIORITY))
            continue
        r = mine.iloc[0]
        shown = next((p for p in plans if p.label == r["plan"]), None)
        phase = b.plan_words(library, shown)[1] if shown is not None else _text(r["phase"])  # the therapist's words
        action = r["recommendation"] if isinstance(r["recommendation"], str) else None
        level = _text(r["level"])
        step = f"Refer. {LEVEL_ACTION[level]}" if level else ACTION_LABELS.get(action or "", "")
        last = [x.to_pydatetime() if isinstance(x, pd.Timestamp) else x
                for x in mine["last_log"] if x is not None and not pd.isna(x)]
        out.append(PatientRow(
            patient.id, patient.name, patient.therapist, _is_archived(ws, patient.id), protocols, phase,
            max(last, key=_comparable) if last else None, _number(r["adherence"]), step, action, _text(r["red_flags"]),
            _text(r["note"]), int(r["priority"]),
        ))
    return [replace(row, own=row.id in own) for row in out]


def matches(row: PatientRow, *, search: str = "", therapist: str = ANY, protocol: str = ANY, status: str = "active",
            last_log=None, today: dt.date | None = None) -> bool:
    """Whether a row passes every filter (last_log: a LAST_LOG value)."""
    needle = search.strip().casefold()
    if needle and needle not in row.name.casefold() and needle not in row.id.casefold():
        return False
    if therapist != ANY and row.therapist != therapist:
        return False
    if protocol != ANY and protocol not in row.protocols:
        return False
    if status != "all" and row.archived != (status == "archived"):
        return False
    if last_log is not None:
        days, within = last_log
        since = (today or clinic_today()) - dt.timedelta(days=days)
        recent = row.last_log is not None and row.last_log.date() > since
        if recent != within:
            return False
    return True


def sort_rows(rows: list[PatientRow], how: str) -> list[PatientRow]:
    if how == "Name":
        return sorted(rows, key=lambda r: r.name.casefold())
    if how.startswith("Last log"):
        return sorted(rows, key=lambda r: (r.last_log is not None, _comparable(r.last_log) if r.last_log else _EARLIEST,
                                           r.name.casefold()))
    # needs attention first: open red flags (refer, by level), then review, step back, hold, advance; no plan last.
    # On the clinic's hub a therapist's own patients come before colleagues' — but a red flag comes first, whoever's.
    return sorted(rows, key=lambda r: (not r.red_flags, not r.own, r.priority,
                                       r.adherence if r.adherence is not None else -1, r.name.casefold()))


def row_html(r: PatientRow) -> str:
    """The details of one row (the name is its button)."""
    parts = [f"<span class='physio-hint'>{b.esc(r.therapist)}</span>"]
    if r.protocols:
        parts.append(b.esc(" · ".join(r.protocols)) + (f" — {b.esc(r.phase)}" if r.phase else ""))
    if r.archived:
        parts.append("<span class='physio-tag'>archived</span>")
    last = f"last log {r.last_log:%d.%m.%Y}" if r.last_log else (r.note or "no log received yet")
    if r.adherence is not None:
        last += f" · {pct(r.adherence)} of sessions done"
    elif r.last_log and r.note:
        last += f" · {r.note}"
    if r.protocols:
        parts.append(f"<span class='physio-hint'>{b.esc(last)}</span>")
    step = f"<span class='physio-action-{b.esc(r.action or '')}'>{b.esc(r.next_step)}</span>"
    flags = f"<div class='physio-msg physio-error' style='margin:2px 0'>Open red flags: {b.esc(r.red_flags)}</div>" \
        if r.red_flags else ""
    return f"<div style='line-height:1.4'>{' · '.join(parts)}<br>{step}{flags}</div>"


def next_patient_id(ws) -> str:
    """'P' and the next free number (P001, P002, …): ids are the workspace's, the page shows the name."""
    taken = {p.id for p in _all_patients(ws)}
    numbers = [int(m.group(1)) for i in taken if (m := re.fullmatch(r"P(\d+)", i))]
    n = max(numbers, default=0) + 1
    while f"P{n:03d}" in taken:
        n += 1
    return f"P{n:03d}"


class PatientList:
    """Search and filter the patients; a click on a name opens the patient's page (`on_open(patient_id)`)."""

    def __init__(self, ws, library, *, on_open: Callable[[str], None], on_added: Callable[[str], None] | None = None,
                 today: dt.date | None = None) -> None:
        self.workspace, self.library, self.today = ws, library, today
        self.on_open, self.on_added = on_open, on_added
        self.messages = b.Messages()
        self.log = b.hidden_log()
        self.rows: list[PatientRow] = []
        #: The rows in view, in order (what the therapist sees).
        self.shown: list[PatientRow] = []
        self._buttons: dict[str, w.Button] = {}
        wide = {"description_width": "0px"}
        self.search = w.Text(placeholder="Search a name", continuous_update=True, layout=w.Layout(width="220px"),
                             style=wide)
        self.therapist = w.Dropdown(options=[ANY], value=ANY, description="Therapist",
                                    style={"description_width": "70px"}, layout=w.Layout(width="240px"))
        self.protocol = w.Dropdown(options=[ANY], value=ANY, description="Protocol",
                                   style={"description_width": "60px"}, layout=w.Layout(width="300px"))
        self.status = w.Dropdown(options=list(STATUS), value="Active patients", layout=w.Layout(width="170px"))
        self.last_log = w.Dropdown(options=list(LAST_LOG), value="Last log: any time", layout=w.Layout(width="230px"))
        self.sort = w.Dropdown(options=list(SORTS), value=SORTS[0], description="Order",
                               style={"description_width": "45px"}, layout=w.Layout(width="290px"))
        self.count = w.HTML()
        self.table = w.VBox(layout=w.Layout(width="100%"))
        for ctl in (self.search, self.therapist, self.protocol, self.status, self.last_log, self.sort):
            ctl.observe(lambda _: self.render(), names="value")
        self.new_form = NewPatientLine(ws, library, self.messages, on_saved=self._added)
        #: The full intake form (physio.ui.intake.IntakeForm) for a new patient, opened by its button.
        self.intake_form = None
        self.intake_button = w.Button(description="Full intake form", icon="id-card",
                                      tooltip="a new patient with every detail of the intake",
                                      layout=w.Layout(width="170px"))
        self.intake_button.on_click(lambda _: self.open_intake())
        self.intake_box = w.VBox(layout=w.Layout(display="none", width="100%"))
        filters = w.HBox([self.search, self.therapist, self.protocol, self.status, self.last_log, self.sort],
                         layout=w.Layout(flex_flow="row wrap", width="100%"))
        self.widget = w.VBox([
            w.HTML("<div class='physio-title'>Patients</div>"),
            w.HBox([self.new_form.widget, self.intake_button], layout=w.Layout(flex_flow="row wrap", width="100%")),
            self.intake_box,
            filters,
            self.messages.widget,
            self.count,
            self.table,
            self.log,
        ], layout=w.Layout(width="100%"))
        self.refresh()

    @b.guarded
    def refresh(self) -> None:
        """Read the workspace again (after an import, a new version, a new patient) and show the list."""
        self.rows = patient_rows(self.workspace, self.library)
        therapists = sorted({r.therapist for r in self.rows}, key=str.casefold)
        protocols = sorted({t for r in self.rows for t in r.protocols}, key=str.casefold)
        for dd, options in ((self.therapist, therapists), (self.protocol, protocols)):
            keep = dd.value
            dd.options = [ANY, *options]
            dd.value = keep if keep in options else ANY
        self.new_form.suggest_therapist(self.therapist.value if self.therapist.value != ANY else
                                        (self.rows[-1].therapist if self.rows else ""))
        self.render()

    @b.guarded
    def render(self) -> None:
        picked = [r for r in self.rows if matches(
            r, search=self.search.value, therapist=self.therapist.value, protocol=self.protocol.value,
            status=STATUS[self.status.value], last_log=LAST_LOG[self.last_log.value], today=self.today)]
        self.shown = sort_rows(picked, self.sort.value)
        drawn = self.shown[:MAX_ROWS]
        more = len(self.shown) - len(drawn)
        total = sum(1 for r in self.rows if not r.archived)
        self.count.value = (f"<div class='physio-hint'>{len(self.shown)} of {total} active patients shown"
                            + (f"; the first {MAX_ROWS} are listed, search to narrow" if more > 0 else "")
                            + "</div>") if self.rows else ""
        if not self.rows:
            self.messages.show("info", "There are no patients in this workspace yet. Add the first one above.")
        self.table.children = [self._row_widget(r) for r in drawn]

    def _row_widget(self, r: PatientRow) -> w.Widget:
        button = w.Button(description=r.name, tooltip=f"open {r.name}'s page",
                          layout=w.Layout(width="220px", flex="0 0 220px"))
        button.on_click(lambda _, pid=r.id: self.open(pid))
        self._buttons[r.id] = button
        return w.HBox([button, w.HTML(row_html(r), layout=w.Layout(flex="1 1 auto", width="auto"))],
                      layout=w.Layout(border_bottom="1px solid #e3e8ee", padding="4px 0", width="100%",
                                      align_items="flex-start"))

    @b.guarded
    def open(self, patient_id: str) -> None:
        self.on_open(patient_id)

    @b.guarded
    def open_intake(self) -> None:
        """Show the full intake form for a new patient (a second click hides it)."""
        if self.intake_box.layout.display == "":
            self.intake_box.layout.display = "none"
            return
        from .intake import IntakeForm

        self.intake_form = IntakeForm(self.workspace, None, on_saved=lambda p: self._intake_saved(p.id))
        self.intake_box.children = (self.intake_form.widget,)
        self.intake_box.layout.display = ""

    def _intake_saved(self, patient_id: str) -> None:
        self.intake_box.layout.display = "none"
        self.intake_box.children = ()
        self._added(patient_id)

    def _added(self, patient_id: str) -> None:
        self.refresh()
        if self.on_added is not None:
            self.on_added(patient_id)


class NewPatientLine:
    """Add a patient in one line (name, birth year, condition, therapist) and go straight to their plan.

    The full intake (contraindications, red flags, clearances, details of the condition) is on the patient's page.
    Every refusal says which field and what is allowed; a second click (or a double click) adds nobody twice."""

    def __init__(self, ws, library, messages: b.Messages, *, on_saved: Callable[[str], None]) -> None:
        from ..vocabulary import default_vocabulary

        self.workspace, self.messages, self.on_saved = ws, messages, on_saved
        self.log = b.hidden_log()
        conditions = [(t.label.get("en", t.id), t.id) for t in default_vocabulary().conditions]
        label = {"description_width": "0px"}
        self.name = w.Text(placeholder="Name of the new patient", layout=w.Layout(width="220px"), style=label)
        self.birth_year = w.Text(placeholder="Birth year", layout=w.Layout(width="100px"), style=label)
        self.condition = w.Dropdown(options=[("— condition —", "")] + conditions, value="",
                                    layout=w.Layout(width="230px"))
        self.therapist = w.Text(placeholder="Therapist", layout=w.Layout(width="160px"), style=label)
        self.save_button = w.Button(description="Add and plan", icon="user-plus", button_style="primary",
                                    tooltip="add this patient and open their new plan", layout=w.Layout(width="150px"))
        self.save_button.on_click(lambda _: self.save())
        self._busy = False
        self.widget = w.HBox(
            [w.HTML("<b style='margin-right:8px'>New patient:</b>"), self.name, self.birth_year, self.condition,
             self.therapist, self.save_button, self.log],
            layout=w.Layout(flex_flow="row wrap", align_items="center", width="100%"),
        )

    def suggest_therapist(self, name: str) -> None:
        if not self.therapist.value.strip():
            self.therapist.value = name or ""

    @b.guarded
    def save(self) -> str | None:
        """Add the patient; returns their id (None when something is missing: the message says what)."""
        if self._busy:
            return None
        self._busy = True
        self.save_button.disabled = True
        try:
            patient = self._patient()
            if patient is None:
                return None
            self.workspace.add_patient(patient, by=patient.therapist)
        finally:
            self._busy = False
            self.save_button.disabled = False
        self.name.value = self.birth_year.value = ""
        self.condition.value = ""
        self.messages.show("ok", f"Added {patient.name}. Their plan is open below.")
        self.on_saved(patient.id)
        return patient.id

    def _patient(self):
        from ..models import Condition, Patient

        name, year, therapist = self.name.value.strip(), self.birth_year.value.strip(), self.therapist.value.strip()
        problems = []
        if not name:
            problems.append("Name: write the patient's name.")
        this_year = clinic_today().year
        if not year.isdigit() or not 1900 <= int(year) <= this_year:
            problems.append(f"Birth year: write a year from 1900 to {this_year} (given: '{year}').")
        if not self.condition.value:
            problems.append("Condition: choose what the patient is treated for.")
        if not therapist:
            problems.append("Therapist: write the name of the patient's therapist.")
        if problems:
            self.messages.show("error", "The patient was not added:", problems)
            return None
        same = [p for p in _all_patients(self.workspace) if p.name.casefold() == name.casefold()
                and p.birth_year == int(year)]
        if same:
            self.messages.show("error", f"{name}, born {year}, is already in this workspace; open their page from "
                               "the list instead of adding them twice.")
            return None
        try:
            return Patient(id=next_patient_id(self.workspace), name=name, birth_year=int(year), therapist=therapist,
                           conditions=[Condition(kind=self.condition.value)])
        except ValueError as e:  # pydantic: one sentence per field
            raise PhysioError(f"the patient was not added: {e.errors()[0]['msg']}") from None
