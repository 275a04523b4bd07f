"""IntakeForm: a new patient, or a change to a patient's record, in a form a therapist fills in.

The form only collects what is typed and chosen; the Patient model and physio.patient_record check it. A refused
value is shown as one plain sentence right under its own field, and nothing is stored until every field is
accepted. Saving twice stores once: after the first save the form edits the stored record, and an unchanged
record writes nothing. Archiving and bringing back are here too; nothing is ever deleted.
"""

from __future__ import annotations

from typing import Any, Callable

import ipywidgets as w

from ..errors import PhysioError
from ..models import Patient
from ..models.patient import PSFS_MAX_ACTIVITIES
from ..store import Workspace
from ..patient_record import (
    CONDITION_DETAILS, PatientInputError, patient_changes, patient_from_fields, term_choice, vocabulary_terms,
)
from . import _base as b

_WIDE = w.Layout(width="460px")
_STYLE = {"description_width": "150px"}
_NONE = "— not recorded —"


def _text(description: str, placeholder: str = "", width: str = "460px") -> w.Text:
    return w.Text(description=description, placeholder=placeholder, style=_STYLE, layout=w.Layout(width=width))


def _choice(description: str, options: list, width: str = "460px") -> w.Dropdown:
    """A dropdown whose "not recorded" / "choose" entry has the value "" (a value of None would show an empty box,
    hiding what the empty choice means)."""
    options = [(label, "" if value is None else value) for label, value in options]
    return w.Dropdown(description=description, options=options, value=options[0][1], style=_STYLE,
                      layout=w.Layout(width=width))


class FieldError:
    """The line under one field where its refusal is shown (empty while the field is accepted)."""

    def __init__(self) -> None:
        self.widget = w.HTML("")
        self.text = ""

    def show(self, text: str) -> None:
        self.text = text[:1].upper() + text[1:]
        self.widget.value = (f'<div class="physio-msg physio-error" style="margin:2px 0 6px 154px">'
                             f'{b.esc(self.text)}</div>')

    def clear(self) -> None:
        self.text, self.widget.value = "", ""


def _with_error(*widgets: w.Widget) -> tuple[w.VBox, FieldError]:
    error = FieldError()
    return w.VBox([*widgets, error.widget]), error


# ---------------------------------------------------------------- conditions


class ConditionBox:
    """One condition of the vocabulary: a tick, and (only when ticked) the details that change its plan."""

    _DETAILS = {
        "disc_level": lambda: _choice("Disc level", [(_NONE, None)] + [(lv, lv) for lv in
                                      ("L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1")], "300px"),
        "side": lambda: _choice("Side", [(_NONE, None), ("left", "left"), ("right", "right"),
                                         ("central", "central"), ("both sides", "bilateral")], "300px"),
        "directional_preference": lambda: _choice(
            "Eased by", [("— not assessed —", None), ("extension (bending back)", "extension"),
                         ("flexion (bending forward)", "flexion"), ("lateral shift correction", "lateral-shift"),
                         ("no direction found", "none-found")], "380px"),
        "cobb_deg": lambda: _text("Cobb angle (°)", "largest curve, e.g. 24", "300px"),
        "risser": lambda: _choice("Risser sign", [(_NONE, None)] + [(str(i), i) for i in range(6)], "300px"),
        "curve_type": lambda: _text("Curve type", "e.g. right thoracic", "380px"),
    }

    def __init__(self, label: str, kind: str) -> None:
        self.kind = kind
        self.tick = w.Checkbox(description=label, indent=False, layout=w.Layout(width="auto", max_width="460px"))
        self.fields: dict[str, w.Widget] = {f: self._DETAILS[f]() for f in CONDITION_DETAILS.get(kind, ())}
        self.fields["details"] = _text("Details", "in your words (optional)")
        self.errors: dict[str, FieldError] = {}
        boxes = []
        for field, widget in self.fields.items():
            box, self.errors[field] = _with_error(widget)
            boxes.append(box)
        self.details = w.VBox(boxes, layout=w.Layout(margin="0 0 0 24px", display="none"))
        self.tick.observe(lambda _: self._show_details(), names="value")
        self.error = FieldError()
        self.widget = w.VBox([self.tick, self.error.widget, self.details])

    def _show_details(self) -> None:
        self.details.layout.display = "" if self.tick.value else "none"

    def value(self) -> dict[str, Any] | None:
        if not self.tick.value:
            return None
        out: dict[str, Any] = {"kind": self.kind}
        for field, widget in self.fields.items():
            v = widget.value.strip() if isinstance(widget.value, str) else widget.value
            if v not in (None, ""):
                out[field] = v
        return out

    def load(self, condition) -> None:
        self.tick.value = condition is not None
        for field, widget in self.fields.items():
            v = getattr(condition, field, None) if condition is not None else None
            if isinstance(widget, w.Text):
                widget.value = "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
            else:
                widget.value = v if v in [o[1] for o in widget.options] else ""

    def show_error(self, field: str | None, text: str) -> None:
        (self.errors[field] if field in self.errors else self.error).show(text)

    def clear(self) -> None:
        self.error.clear()
        for e in self.errors.values():
            e.clear()


# ---------------------------------------------------------------- contraindications, red flags


class TermPicker:
    """Contraindications or red flags chosen from the vocabulary, shown by their labels in words: type (with
    suggestions) and Add; choose in the list and Remove."""

    def __init__(self, kind: str, title: str) -> None:
        self.kind = kind
        self.field = "contraindications" if kind == "contraindication" else "red_flags"
        self.terms = vocabulary_terms(kind)
        self.labels = dict((tid, label) for label, tid in self.terms)
        self.ids: list[str] = []
        self.typed = w.Combobox(description=title, placeholder="type a few words, then Add",
                                options=[label for label, _ in self.terms], ensure_option=False, style=_STYLE,
                                layout=w.Layout(width="auto", flex="1 1 560px", max_width="560px"))
        self.add_button = w.Button(description="Add", icon="plus", layout=w.Layout(width="80px", flex="0 0 80px"))
        # on a narrow page (JupyterLab at 1024 px) the buttons wrap under the fields instead of being squeezed
        self.chosen = w.SelectMultiple(options=[], rows=3, layout=w.Layout(width="auto", flex="1 1 406px",
                                                                           max_width="406px", margin="0 0 0 154px"))
        self.remove_button = w.Button(description="Remove chosen", icon="minus",
                                      layout=w.Layout(width="140px", flex="0 0 140px"))
        self.add_button.on_click(lambda _: self.add())
        self.remove_button.on_click(lambda _: self.remove())
        self.error = FieldError()
        wrap = {"flex_flow": "row wrap", "align_items": "flex-start"}
        self.widget = w.VBox([w.HBox([self.typed, self.add_button], layout=w.Layout(**wrap)), self.error.widget,
                              w.HBox([self.chosen, self.remove_button], layout=w.Layout(**wrap))])

    def add(self) -> bool:
        """Add what was typed; an unknown term is refused next to the field with the closest labels."""
        if not self.typed.value.strip():  # nothing typed (or a second click after adding): nothing to do
            self.error.clear()
            return True
        try:
            tid = term_choice(self.kind, self.typed.value)
        except PhysioError as e:
            self.error.show(str(e))
            return False
        self.error.clear()
        if tid not in self.ids:
            self.ids.append(tid)
        self.typed.value = ""
        self._refresh()
        return True

    def remove(self) -> None:
        self.ids = [i for i in self.ids if i not in self.chosen.value]
        self._refresh()

    def set(self, ids: list[str]) -> None:
        self.ids = list(ids)
        self.error.clear()
        self._refresh()

    def _refresh(self) -> None:
        self.chosen.options = [(self.labels.get(i, i), i) for i in self.ids]


# ---------------------------------------------------------------- clearances


class ClearanceRow:
    """One doctor's clearance: which contraindication, who signed, when, what it allows, until when."""

    def __init__(self, contraindications: list[tuple[str, str]], allows: list[tuple[str, Any]],
                 on_remove: Callable[["ClearanceRow"], None]) -> None:
        self.contraindication = _choice("Contraindication", [("— choose —", None)] + contraindications, "560px")
        self.by = _text("Doctor", "who signed it")
        self.on = w.DatePicker(description="Signed on", style=_STYLE, layout=w.Layout(width="300px"))
        self.allows = _choice("Allows", [("— choose the protocol or exercise —", None)] + allows, "560px")
        self.valid_until = w.DatePicker(description="Valid until", style=_STYLE, layout=w.Layout(width="300px"))
        self.remove_button = w.Button(description="Remove this clearance", icon="minus",
                                      layout=w.Layout(width="200px"))
        self.remove_button.on_click(lambda _: on_remove(self))
        self.errors: dict[str, FieldError] = {}
        boxes = []
        for field, widget in (("contraindication", self.contraindication), ("by", self.by), ("on", self.on),
                              ("allows", self.allows), ("valid_until", self.valid_until)):
            box, self.errors[field] = _with_error(widget)
            boxes.append(box)
        self.error = FieldError()
        self.widget = w.VBox([*boxes, self.error.widget, self.remove_button],
                             layout=w.Layout(border="1px solid #d5dde5", padding="4px", margin="4px 0"))

    def value(self) -> dict[str, Any]:
        out: dict[str, Any] = {"contraindication": self.contraindication.value or None, "by": self.by.value.strip(),
                               "on": self.on.value, "valid_until": self.valid_until.value}
        if self.allows.value:
            kind, target = self.allows.value
            out[kind] = target
        return out

    def load(self, c) -> None:
        if c.contraindication not in [o[1] for o in self.contraindication.options]:
            self.contraindication.options = [*self.contraindication.options, (c.contraindication, c.contraindication)]
        self.contraindication.value = c.contraindication
        self.by.value, self.on.value, self.valid_until.value = c.by, c.on, c.valid_until
        wanted = ("protocol", c.protocol) if c.protocol else ("exercise", c.exercise)
        if wanted not in [o[1] for o in self.allows.options]:
            self.allows.options = [*self.allows.options, (f"{wanted[0]} {wanted[1]}", wanted)]
        self.allows.value = wanted

    def show_error(self, field: str | None, text: str) -> None:
        key = "allows" if field in ("protocol", "exercise") else field
        (self.errors[key] if key in self.errors else self.error).show(text)

    def clear(self) -> None:
        self.error.clear()
        for e in self.errors.values():
            e.clear()


# ---------------------------------------------------------------- the form


def _section(title: str) -> w.HTML:
    return w.HTML(f"<div class='physio-title' style='font-size:1.1em;margin-top:10px'>{b.esc(title)}</div>")


def _allows_options() -> list[tuple[str, Any]]:
    from ..library import default_library

    lib = default_library()
    protocols = [(f"Protocol: {p.title}", ("protocol", p.id)) for p in lib.protocols.values()]
    exercises = sorted((f"Exercise: {e.name}", ("exercise", e.id)) for e in lib.exercises.values())
    return protocols + exercises


class IntakeForm:
    """A new patient (patient_id None) or an existing patient's record. `.widget` is what a notebook or the app
    shows; `on_saved(patient)` is called after each save that stored something."""

    def __init__(self, ws, patient_id: str | None = None,
                 on_saved: Callable[[Patient], None] | None = None, *, by: str | None = None) -> None:
        self.workspace = ws if isinstance(ws, Workspace) else Workspace(ws)
        self.on_saved = on_saved
        self.by = by
        self.patient_id: str | None = None
        self.messages = b.Messages()
        self.log = b.hidden_log()
        self.errors: dict[str, FieldError] = {}
        self._build_fields()
        self._build_lists()
        self.save_button = w.Button(description="Save patient", icon="save", button_style="primary",
                                    layout=w.Layout(width="180px"))
        self.save_button.on_click(lambda _: self.save())
        self._build_archive()
        self.history = w.HTML()
        self.baseline = w.VBox([])
        #: The baseline outcome measures (physio.ui.measures.MeasureEntry), offered once the patient is stored.
        self.measure_entry = None
        self.widget = w.VBox([
            b.style(), self.title, _section("The patient"), *self._boxes, _section("Conditions"),
            *[c.widget for c in self.conditions], _section("Contraindications and red flags found at intake"),
            self.contraindications.widget, self.red_flags.widget, _section("Doctors' clearances"),
            self.clearance_box, self.add_clearance_button, self.clearance_error.widget,
            _section("What the patient finds hard to do (PSFS activities, in the patient's words)"),
            *self._psfs_boxes, self.psfs_error.widget, _section("Notes"), self.notes,
            self.save_button, self.messages.widget, self.archive_box, self.baseline, self.history, self.log,
        ])
        if patient_id is not None:
            self.load(patient_id)
            self._offer_baseline(self.workspace.patient(patient_id))
        else:
            self._show_state()

    # ------------------------------------------------------------ building

    def _build_fields(self) -> None:
        self.title = w.HTML()
        self.id = _text("Patient id", "letters and digits, e.g. P007")
        self.name = _text("Name")
        self.birth_year = _text("Birth year", "e.g. 1961", "300px")
        self.sex = _choice("Sex", [(_NONE, None), ("female", "female"), ("male", "male"), ("other", "other")],
                           "300px")
        self.language = _choice("Language", [("English", "en"), ("Russian", "ru")], "300px")
        self.therapist = _text("Therapist")
        self.time_zone = _text("Time zone", "e.g. Europe/Berlin (for calendar reminders)")
        self._boxes = []
        for field in ("id", "name", "birth_year", "sex", "language", "therapist", "time_zone"):
            box, self.errors[field] = _with_error(getattr(self, field))
            self._boxes.append(box)
        self.notes = w.Textarea(description="Notes", style=_STYLE, layout=w.Layout(width="auto", max_width="560px", height="70px"))
        #: Handout in larger print (≥ 14 pt), when this physio's Patient records it.
        self.larger_print = w.Checkbox(description="Larger print on the handout (14 pt and more)", indent=False,
                                       layout=w.Layout(width="auto", max_width="460px", margin="0 0 0 154px"))
        if "larger_print" in Patient.model_fields:
            self._boxes.append(self.larger_print)

    def _build_lists(self) -> None:
        self.conditions = [ConditionBox(label, kind) for label, kind in vocabulary_terms("condition")]
        self.contraindications = TermPicker("contraindication", "Contraindication")
        self.red_flags = TermPicker("red flag", "Red flag")
        self.clearances: list[ClearanceRow] = []
        self.clearance_box = w.VBox([])
        self.add_clearance_button = w.Button(description="Add a doctor's clearance", icon="plus",
                                             layout=w.Layout(width="230px"))
        self.add_clearance_button.on_click(lambda _: self.add_clearance())
        self.clearance_error = FieldError()
        self.psfs = [_text(f"Activity {i + 1}", "e.g. sitting at work" if i == 0 else "")
                     for i in range(PSFS_MAX_ACTIVITIES)]
        self._psfs_boxes = list(self.psfs)
        self.psfs_error = FieldError()  # twice the same activity, or more than the scale takes

    def _build_archive(self) -> None:
        self.archive_reason = _text("Reason", "e.g. treatment finished", "460px")
        self.archive_button = w.Button(description="Archive this patient", icon="archive",
                                       layout=w.Layout(width="200px"))
        self.archive_button.on_click(lambda _: self.archive())
        self.bring_back_button = w.Button(description="Bring the patient back", icon="undo",
                                          layout=w.Layout(width="220px"))
        self.bring_back_button.on_click(lambda _: self.bring_back())
        self.archive_state = w.HTML()
        self.archive_reason_error = FieldError()
        self.archive_box = w.VBox([_section("Archive"), self.archive_state, self.archive_reason,
                                   self.archive_reason_error.widget,
                                   w.HBox([self.archive_button, self.bring_back_button])])

    def add_clearance(self):
        row = ClearanceRow([(label, tid) for label, tid in vocabulary_terms("contraindication")],
                           _allows_options(), self._remove_clearance)
        self.clearances.append(row)
        self.clearance_box.children = [r.widget for r in self.clearances]
        return row

    def _remove_clearance(self, row: ClearanceRow) -> None:
        self.clearances = [r for r in self.clearances if r is not row]
        self.clearance_box.children = [r.widget for r in self.clearances]

    # ------------------------------------------------------------ reading and showing the record

    def fields(self) -> dict[str, Any]:
        """What the form holds, as the fields of a patient's record (not yet checked)."""
        data: dict[str, Any] = {
            "id": self.id.value.strip(), "name": self.name.value.strip(),
            "birth_year": self.birth_year.value.strip() or None, "sex": self.sex.value or None,
            "language": self.language.value, "therapist": self.therapist.value.strip(),
            "time_zone": self.time_zone.value.strip() or None,
            "conditions": [v for c in self.conditions if (v := c.value()) is not None],
            "contraindications": list(self.contraindications.ids), "red_flags": list(self.red_flags.ids),
            "clearances": [r.value() for r in self.clearances],
            "psfs_activities": [t.value.strip() for t in self.psfs if t.value.strip()],
            "notes": self.notes.value.strip() or None,
        }
        if "larger_print" in Patient.model_fields:
            data["larger_print"] = self.larger_print.value
        return data

    def load(self, patient_id: str) -> None:
        """Fill the form with a stored patient's record."""
        p = self.workspace.patient(patient_id)
        self.patient_id = p.id
        self.id.value, self.name.value, self.birth_year.value = p.id, p.name, str(p.birth_year)
        self.sex.value, self.language.value, self.therapist.value = p.sex or "", p.language, p.therapist
        self.time_zone.value, self.notes.value = p.time_zone or "", p.notes or ""
        self.larger_print.value = bool(getattr(p, "larger_print", False))
        by_kind = {c.kind: c for c in p.conditions}
        for box in self.conditions:
            box.load(by_kind.get(box.kind))
        self.contraindications.set(p.contraindications)
        self.red_flags.set(p.red_flags)
        self.clearances, self.clearance_box.children = [], []
        for c in p.clearances:
            self.add_clearance().load(c)
        for i, t in enumerate(self.psfs):
            t.value = p.psfs_activities[i] if i < len(p.psfs_activities) else ""
        self.clear_errors()
        self._show_state()

    def _show_state(self) -> None:
        new = self.patient_id is None
        self.id.disabled = not new  # plans and logs are filed under the id: it never changes
        self.title.value = ("<div class='physio-title'>New patient</div>" if new else
                            f"<div class='physio-title'>{b.esc(self.name.value)} · patient no. {b.esc(self.patient_id)}</div>")
        self.save_button.description = "Save patient" if new else "Save changes"
        self.archive_box.layout.display = "none" if new else ""
        if new:
            self.history.value = ""
            return
        since = self.workspace.archived_since(self.patient_id)
        self.archive_state.value = (b.message_html("warn", f"Archived on {since.at:%d.%m.%Y} by {since.who}: "
                                                   f"{since.detail}. No new plan version or import until brought "
                                                   "back; nothing was deleted.") if since else "")
        self.archive_reason.layout.display = "none" if since else ""
        self.archive_button.layout.display = "none" if since else ""
        self.bring_back_button.layout.display = "" if since else "none"
        self.history.value = self._history_html()

    def _history_html(self) -> str:
        records = [*self.workspace.patient_history(self.patient_id), self.workspace.patient(self.patient_id)]
        rows = [[str(i + 1), "; ".join(patient_changes(records[i], records[i + 1]))]
                for i in range(len(records) - 1)]
        if not rows:
            return ""
        return ("<div class='physio-title' style='font-size:1.1em'>Changes to this record (earlier ones kept)</div>"
                + b.table_html(["Change", "What changed (before → after)"], rows))

    # ------------------------------------------------------------ refusals next to their fields

    def clear_errors(self) -> None:
        for e in [*self.errors.values(), self.clearance_error, self.psfs_error, self.contraindications.error,
                  self.red_flags.error, self.archive_reason_error]:
            e.clear()
        for box in [*self.conditions, *self.clearances]:
            box.clear()

    def show_problems(self, problems: dict[str, str], data: dict[str, Any]) -> None:
        """Each refusal under its own field: "conditions.0.side" goes to the side of the first ticked condition."""
        ticked = [c for c in self.conditions if c.tick.value]
        for key, text in problems.items():
            parts = key.split(".")
            head = parts[0]
            if head == "conditions" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(ticked):
                ticked[int(parts[1])].show_error(parts[2] if len(parts) > 2 else None, text)
            elif (head == "clearances" and len(parts) > 1 and parts[1].isdigit()
                  and int(parts[1]) < len(self.clearances)):
                self.clearances[int(parts[1])].show_error(parts[2] if len(parts) > 2 else None, text)
            elif head == "psfs_activities":
                self.psfs_error.show(text)
            elif head in ("contraindications", "red_flags"):
                (self.contraindications if head == "contraindications" else self.red_flags).error.show(text)
            elif head == "clearances":
                self.clearance_error.show(text)
            else:
                self.errors.get(head, self.clearance_error).show(text)
        self.messages.show("error", f"Nothing was saved: {len(problems)} field(s) need a correction; each one says "
                                    "what is wrong right under it.")

    def _clearance_problems(self, data: dict[str, Any]) -> dict[str, str]:
        """A clearance must lift a contraindication noted above; said in words, at that clearance."""
        out = {}
        for i, c in enumerate(data["clearances"]):
            cid = c.get("contraindication")
            if cid is None:
                out[f"clearances.{i}.contraindication"] = "Choose the contraindication this clearance lifts"
            elif cid not in data["contraindications"]:
                label = self.contraindications.labels.get(cid, cid)
                out[f"clearances.{i}.contraindication"] = (f"“{label}” is not among the contraindications noted "
                                                           "above; add it there, or choose another")
            if c.get("on") is None:
                out[f"clearances.{i}.on"] = "Choose the date the doctor signed the clearance"
            if not c.get("protocol") and not c.get("exercise"):
                out[f"clearances.{i}.allows"] = "Choose the protocol or the exercise this clearance allows"
        return out

    # ------------------------------------------------------------ saving

    @b.guarded
    def save(self) -> Patient | None:
        """Check every field and store the record once; a refused field keeps everything unsaved."""
        if self.save_button.disabled:  # a second click while the first one is being stored
            return None
        self.save_button.disabled = True
        try:
            return self._save()
        finally:
            self.save_button.disabled = False

    def _save(self) -> Patient | None:
        self.clear_errors()
        # typed but not added: added now, or refused at its field (never dropped silently)
        pending = {p.field: p.error.text for p in (self.contraindications, self.red_flags)
                   if p.typed.value.strip() and not p.add()}
        data = self.fields()
        if self.patient_id is not None:
            data["id"] = self.patient_id
        problems = {**pending, **self._clearance_problems(data)}
        try:
            patient = patient_from_fields(data)
        except PatientInputError as e:
            problems = {**e.problems, **problems}
            patient = None
        if patient is not None and self.patient_id is None:
            problems.update(self._taken_id(patient.id))
        if problems:
            self.show_problems(problems, data)
            return None
        return self._store(patient)

    def _taken_id(self, patient_id: str) -> dict[str, str]:
        taken = {p.id: p for p in self.workspace.patients(include_archived=True)}
        if patient_id in taken:
            return {"id": f"The patient id '{patient_id}' is already used by {taken[patient_id].name}; "
                          "choose another id"}
        return {}

    def _store(self, patient: Patient) -> Patient:
        if self.patient_id is None:
            self.workspace.add_patient(patient, by=self.by)
            self.patient_id = patient.id
            self.messages.show("ok", f"Saved: {patient.name} (patient no. {patient.id}) is a new patient.")
        else:
            before = self.workspace.patient(self.patient_id)
            changes = patient_changes(before, patient)
            if not changes:  # a second click on Save, or a save with nothing changed
                self.messages.show("ok", f"{patient.name}'s record is stored as shown; nothing changed since it was "
                                         "last saved.")
                return before
            self.workspace.update_patient(patient, by=self.by)
            self.messages.show("ok", f"Saved the changes to {patient.name}'s record (the earlier one is kept):",
                               changes)
        self._show_state()
        self._offer_baseline(patient)
        if self.on_saved is not None:
            self.on_saved(patient)
        return patient

    def _offer_baseline(self, patient: Patient) -> None:
        """Once the patient is stored: the baseline outcome measures (each instrument saved on its own; PSFS
        offers the activities named above)."""
        from .measures import MeasureEntry

        if self.measure_entry is None:
            self.measure_entry = MeasureEntry(self.workspace, patient.id, purpose="baseline", by=self.by)
            self.baseline.children = [self.measure_entry.widget]

    # ------------------------------------------------------------ archive, bring back

    @b.guarded
    def archive(self) -> None:
        self.clear_errors()
        if self.workspace.is_archived(self.patient_id):  # a second click: the first one archived the patient
            self._show_state()
            return
        if not self.archive_reason.value.strip():
            self.archive_reason_error.show("Write why the patient is archived, e.g. treatment finished")
            self.messages.show("error", "Nothing was archived: the reason is missing.")
            return
        self.workspace.archive_patient(self.patient_id, by=self.by, reason=self.archive_reason.value)
        self.archive_reason.value = ""
        self.messages.show("ok", f"Archived {self.name.value} (patient no. {self.patient_id}). Nothing was deleted; bring the "
                                 "patient back here whenever needed.")
        self._show_state()

    @b.guarded
    def bring_back(self) -> None:
        if not self.workspace.is_archived(self.patient_id):  # a second click: already back
            self._show_state()
            return
        self.workspace.bring_back_patient(self.patient_id, by=self.by)
        self.messages.show("ok", f"{self.name.value} (patient no. {self.patient_id}) is back in the patient list.")
        self._show_state()
