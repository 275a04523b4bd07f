"""`physio patients add` with nothing given: ask for each field in turn, check each answer at once and ask again
with a plain sentence when it is refused. Reads lines from any stream (a terminal, or text piped in).
"""

from __future__ import annotations

from typing import Any, Callable, TextIO

from ..errors import PhysioError
from ..models import Patient
from ..patient_record import (
    CONDITION_DETAILS, FIELD_LABELS, PatientInputError, cap, patient_from_fields, vocabulary_terms,
)
from .specs import CLEARANCE_KEYS, spec_fields

__all__ = ["ask_patient"]

#: A record that passes every check, so that one answer can be checked on its own.
_PROBE = {"id": "probe", "name": "probe", "birth_year": 1990, "therapist": "probe"}

_CHOICES = {
    "sex": "female, male or other; empty: not recorded",
    "language": "en or ru; empty: en",
    "side": "left, right, central or bilateral; empty: not recorded",
    "directional_preference": "extension, flexion, lateral-shift or none-found; empty: not assessed",
    "disc_level": "e.g. L4-L5; empty: not known",
    "cobb_deg": "degrees; empty: not measured",
    "risser": "0 to 5; empty: not recorded",
    "curve_type": "e.g. right thoracic; empty: not recorded",
}


#: The fields answered with vocabulary ids; "?" lists them with their words.
_VOCABULARY_KINDS = {"conditions": "condition", "contraindications": "contraindication", "red_flags": "red flag"}


class _Asker:
    def __init__(self, stdin: TextIO, stdout: TextIO):
        self.stdin, self.stdout = stdin, stdout
        self.data: dict[str, Any] = {}

    def line(self, prompt: str, what: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        text = self.stdin.readline()
        if not text:
            raise PhysioError(f"the input ended before the {what} was given; nothing was stored")
        if not self.stdin.isatty():  # answers piped in: show them, so what was asked and answered reads in order
            self.stdout.write(text if text.endswith("\n") else text + "\n")
        return text.strip()

    def problem(self, field: str, value: Any, extra: Callable[[Any], str | None] | None = None) -> str | None:
        """The plain sentence refusing `value` for `field`, or None when it is accepted."""
        if extra is not None and (msg := extra(value)):
            return msg
        try:
            patient_from_fields({**_PROBE, **{k: v for k, v in self.data.items() if k != field}, field: value})
        except PatientInputError as e:
            mine = [m for k, m in e.problems.items() if k == field or k.startswith(field + ".")]
            return mine[0] if mine else None
        return None

    def ask(self, field: str, hint: str = "", *, parse: Callable[[str], Any] = lambda t: t or None,
            extra: Callable[[Any], str | None] | None = None, label: str | None = None) -> Any:
        label = label or FIELD_LABELS[field]
        while True:
            text = self.line(f"{cap(label)}{f' ({hint})' if hint else ''}: ", label)
            if text == "?" and field in _VOCABULARY_KINDS:
                terms = vocabulary_terms(_VOCABULARY_KINDS[field])
                self.stdout.write("".join(f"  {tid} — {words}\n" for words, tid in terms))
                continue
            value = parse(text)
            msg = self.problem(field, value, extra)
            if msg is None:
                if value is not None:
                    self.data[field] = value
                return value
            self.stdout.write(f"  Not accepted: {msg}\n")


def _items(text: str) -> list[str] | None:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    return parts or None


def _condition_details(a: _Asker, kind: str) -> dict[str, Any]:
    """Only the details of this condition: disc level, side, preference for a hernia; Cobb, Risser, curve type
    for scoliosis."""
    details: dict[str, Any] = {"kind": kind}
    for field in CONDITION_DETAILS.get(kind, ()):
        hint = _CHOICES[field]
        while True:
            text = a.line(f"  {cap(FIELD_LABELS[field])} ({hint}): ", FIELD_LABELS[field])
            if not text:
                break
            trial = {**details, field: text}
            msg = a.problem("conditions", [*a.data.get("conditions", []), trial])
            if msg is None:
                details[field] = text
                break
            a.stdout.write(f"  Not accepted: {msg}\n")
    return details


def _ask_conditions(a: _Asker) -> None:
    kinds = a.ask("conditions", "ids separated by commas, e.g. lumbar-disc-hernia; ? lists them; empty: none",
                  parse=lambda t: [{"kind": k} for k in _items(t) or []] or None)
    if not kinds:
        return
    from ..vocabulary import default_vocabulary

    a.data["conditions"] = []
    for kind in kinds:
        term = default_vocabulary().condition(kind["kind"])
        a.stdout.write(f"{term.label['en']}:\n")
        a.data["conditions"].append(_condition_details(a, term.id))


def _ask_clearances(a: _Asker) -> None:
    example = "hypertension,by=Dr Weber,on=2026-08-20,protocol=stretching-board"
    while a.data.get("contraindications"):
        text = a.line(f"Doctor's clearance (e.g. {example}; empty: none or no more): ", "clearance")
        if not text:
            return
        try:
            clearance = spec_fields(text, "clearance", CLEARANCE_KEYS, "contraindication", example)
        except PhysioError as e:
            a.stdout.write(f"  Not accepted: {e}\n")
            continue
        msg = a.problem("clearances", [*a.data.get("clearances", []), clearance])
        if msg is None:
            a.data.setdefault("clearances", []).append(clearance)
        else:
            a.stdout.write(f"  Not accepted: {msg}\n")


def _ask_psfs(a: _Asker) -> None:
    a.stdout.write("Activities the patient finds hard because of the back (PSFS), in the patient's words:\n")
    while len(a.data.get("psfs_activities", [])) < 5:
        n = len(a.data.get("psfs_activities", [])) + 1
        text = a.line(f"  Activity {n} (empty: no more): ", "PSFS activity")
        if not text:
            return
        msg = a.problem("psfs_activities", [*a.data.get("psfs_activities", []), text])
        if msg is None:
            a.data.setdefault("psfs_activities", []).append(text)
        else:
            a.stdout.write(f"  Not accepted: {msg}\n")


def ask_patient(ws, stdin: TextIO, stdout: TextIO) -> Patient:
    """Ask for every field, each checked as it is typed; returns the patient (not stored yet)."""
    a = _Asker(stdin, stdout)
    stdout.write(f"New patient in {ws.folder}. Press Enter to leave an optional field empty.\n")
    taken = {p.id for p in ws.patients(include_archived=True)}
    a.ask("id", "letters and digits, e.g. P007", parse=lambda t: t,
          extra=lambda v: f"The patient id '{v}' is already used; choose another id" if v in taken else None)
    a.ask("name", parse=lambda t: t)
    a.ask("birth_year", "e.g. 1961", parse=lambda t: t)
    a.ask("sex", _CHOICES["sex"])
    a.ask("language", _CHOICES["language"])
    a.ask("therapist", parse=lambda t: t)
    a.ask("time_zone", "e.g. Europe/Berlin; empty: not recorded")
    _ask_conditions(a)
    a.ask("contraindications", "ids separated by commas, e.g. hypertension; ? lists them; empty: none",
          parse=_items)
    a.ask("red_flags", "ids separated by commas; ? lists them; empty: none", parse=_items)
    _ask_clearances(a)
    _ask_psfs(a)
    a.ask("notes", "empty: none")
    return patient_from_fields(a.data)
