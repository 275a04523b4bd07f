"""A patient's record in a therapist's words: its fields named and shown, what changed, and bad input refused
field by field (pure: no files, no widgets; the CLI and the intake form both use it).
"""

from __future__ import annotations

from typing import Any, NoReturn

from pydantic import ValidationError

from .errors import WorkspaceError
from .models import Clearance, Condition, Patient

__all__ = ["CONDITION_DETAILS", "FIELD_LABELS", "PatientInputError", "cap", "describe", "field_problems",
           "patient_changes", "patient_from_fields", "patient_lines", "term_choice", "vocabulary_terms"]

#: Each field of a patient's record as the intake form and the CLI name it.
FIELD_LABELS: dict[str, str] = {
    "id": "patient id",
    "name": "name",
    "birth_year": "birth year",
    "sex": "sex",
    "language": "language",
    "therapist": "therapist",
    "time_zone": "time zone",
    "conditions": "conditions",
    "contraindications": "contraindications",
    "red_flags": "red flags",
    "clearances": "clearances",
    "psfs_activities": "PSFS activities",
    "notes": "notes",
    "larger_print": "larger print",
    # the details of a condition and of a clearance
    "kind": "condition",
    "details": "details",
    "disc_level": "disc level",
    "side": "side",
    "directional_preference": "directional preference",
    "cobb_deg": "Cobb angle",
    "risser": "Risser sign",
    "curve_type": "curve type",
    "contraindication": "contraindication",
    "by": "doctor",
    "on": "date signed",
    "protocol": "protocol",
    "exercise": "exercise",
    "valid_until": "valid until",
    "note": "note",
}

LANGUAGES = {"en": "English", "ru": "Russian"}

#: The details recorded for each condition (besides free-text details): the ones that change the plan.
CONDITION_DETAILS: dict[str, tuple[str, ...]] = {
    "lumbar-disc-hernia": ("disc_level", "side", "directional_preference"),
    "scoliosis": ("cobb_deg", "risser", "curve_type"),
}


class PatientInputError(WorkspaceError):
    """A patient's record refused field by field: `problems` maps a field (e.g. "birth_year", "conditions.0.side")
    to one plain sentence saying what is wrong and what is allowed."""

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        super().__init__("\n".join(self.problems.values()))


def cap(text: str) -> str:
    """A capital first letter, the rest untouched ("PSFS activities" stays as it is)."""
    return text[:1].upper() + text[1:]


def _label(loc: tuple) -> str:
    """'conditions.0.side' → 'side of condition 1'."""
    names = [str(p) for p in loc if not isinstance(p, int)]
    numbers = [p for p in loc if isinstance(p, int)]
    if not names:
        return "the record"
    head = FIELD_LABELS.get(names[-1], names[-1].replace("_", " "))
    if len(names) > 1 and numbers:
        owners = {"conditions": "condition", "clearances": "clearance"}
        owner = owners.get(names[0], FIELD_LABELS.get(names[0], names[0]))
        return f"{head} of {owner} {numbers[0] + 1}"
    if numbers:
        return f"{head} (item {numbers[0] + 1})"
    return head


def _sentence(err: dict) -> str:
    """One pydantic error as a plain sentence: the field, what is wrong, what is allowed."""
    field = _label(tuple(err["loc"]))
    Field = cap(field)  # noqa: N806  (the field's name at the start of a sentence)
    kind, ctx, given = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "value_error":
        msg = err["msg"].removeprefix("Value error, ")
        plain = msg.startswith(("the ", "a ", "unknown ", "clearances["))
        return msg[:1].upper() + msg[1:] if plain else f"{Field}: {msg}"
    shown = f" ({given!r} was given)" if isinstance(given, (str, int, float)) and given != "" else ""
    texts = {
        "missing": f"{Field} is missing; it is required",
        "string_too_short": f"{Field} is empty; please fill it in",
        "int_parsing": f"{Field} must be a whole number{shown}",
        "int_from_float": f"{Field} must be a whole number{shown}",
        "float_parsing": f"{Field} must be a number{shown}",
        "greater_than_equal": f"{Field} must be at least {ctx.get('ge')}{shown}",
        "less_than_equal": f"{Field} must be at most {ctx.get('le')}{shown}",
        "literal_error": f"{Field} must be one of: {ctx.get('expected', '').replace(chr(39), '')}{shown}",
        "date_from_datetime_parsing": f"{Field} must be a date written YYYY-MM-DD, e.g. 2026-08-20{shown}",
        "date_parsing": f"{Field} must be a date written YYYY-MM-DD, e.g. 2026-08-20{shown}",
        "date_type": f"{Field} must be a date written YYYY-MM-DD, e.g. 2026-08-20{shown}",
        "extra_forbidden": f"'{err['loc'][-1]}' is not a field of a patient's record; check its spelling",
        "list_type": f"{Field} must be a list",
    }
    if kind == "string_pattern_mismatch" and err["loc"][-1] == "disc_level":
        return f"Disc level{_of(err)} must be written like L4-L5 or L5-S1{shown}"
    return texts.get(kind, f"{Field}: {err['msg']}{shown}")


def _of(err: dict) -> str:
    numbers = [p for p in err["loc"] if isinstance(p, int)]
    return f" of condition {numbers[0] + 1}" if numbers else ""


def field_problems(error: ValidationError) -> dict[str, str]:
    """Every problem of a refused record, keyed by its field path ("birth_year", "conditions.0.side"); a problem
    of the whole record (a clearance that lifts nothing noted) is keyed by the field it concerns."""
    out: dict[str, str] = {}
    for err in error.errors():
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc) or _whole_record_field(err)
        out.setdefault(key, _sentence(err))
    return out


def _whole_record_field(err: dict) -> str:
    msg = err.get("msg", "")
    return "clearances" if "clearance" in msg else "record"


def patient_from_fields(data: dict[str, Any]) -> Patient:
    """A Patient from what was typed, or PatientInputError naming every refused field."""
    required = ("id", "name", "therapist")  # left empty: "is empty", not "is missing"
    cleaned = {k: v for k, v in data.items() if v is not None and (v != "" or k in required)}
    try:
        return Patient.model_validate(cleaned)
    except ValidationError as e:
        raise PatientInputError(field_problems(e)) from None


# ---------------------------------------------------------------- the record in words


def _term_label(kind: str, term_id: str, language: str = "en") -> str:
    from .vocabulary import default_vocabulary

    vocab = default_vocabulary()
    find = {"condition": vocab.condition, "contraindication": vocab.contraindication, "red flag": vocab.red_flag}[kind]
    try:
        return find(term_id).label.get(language) or term_id
    except KeyError:
        return term_id


def condition_words(c: Condition) -> str:
    details = [
        f"disc {c.disc_level}" if c.disc_level else None,
        f"{c.side} side" if c.side in ("left", "right") else c.side,
        f"eased by {c.directional_preference}" if c.directional_preference not in (None, "none-found")
        else ("no directional preference found" if c.directional_preference else None),
        f"Cobb {c.cobb_deg:g}°" if c.cobb_deg is not None else None,
        f"Risser {c.risser}" if c.risser is not None else None,
        f"curve {c.curve_type}" if c.curve_type else None,
        c.details,
    ]
    shown = ", ".join(d for d in details if d)
    return _term_label("condition", c.kind) + (f" ({shown})" if shown else "")


def clearance_words(c: Clearance) -> str:
    what = f"protocol {c.protocol}" if c.protocol else f"exercise {c.exercise}"
    until = f", valid until {c.valid_until:%d.%m.%Y}" if c.valid_until else ""
    return (f"{_term_label('contraindication', c.contraindication)} cleared for {what} by {c.by} "
            f"on {c.on:%d.%m.%Y}{until}" + (f" ({c.note})" if c.note else ""))


def describe(field: str, value: Any) -> str:
    """One field's value in words: vocabulary labels, not ids; "none" for an empty list."""
    if value is None or value == [] or value == "":
        return "none"
    if field == "conditions":
        return "; ".join(condition_words(c) for c in value)
    if field == "clearances":
        return "; ".join(clearance_words(c) for c in value)
    if field in ("contraindications", "red_flags"):
        kind = "contraindication" if field == "contraindications" else "red flag"
        return ", ".join(_term_label(kind, v) for v in value)
    if field == "language":
        return LANGUAGES.get(value, value)
    if field == "psfs_activities":
        return "; ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def patient_changes(before: Patient, after: Patient) -> list[str]:
    """One line per changed field: "therapist: Anna Berg → Jonas Meier"."""
    lines = []
    for field in type(before).model_fields:
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            lines.append(f"{FIELD_LABELS.get(field, field)}: {describe(field, old)} → {describe(field, new)}")
    return lines


def patient_lines(p: Patient) -> list[str]:
    """The whole record, one "label: value" line per field that is filled in."""
    lines = []
    for field in type(p).model_fields:
        value = getattr(p, field)
        if value is None or value == [] or value is False:
            continue
        lines.append(f"{cap(FIELD_LABELS.get(field, field))}: {describe(field, value)}")
    return lines


def vocabulary_terms(kind: str, language: str = "en") -> list[tuple[str, str]]:
    """(label in words, id) of every condition, contraindication or red flag of the vocabulary, in its order."""
    from .vocabulary import default_vocabulary

    vocab = default_vocabulary()
    items = {"condition": vocab.conditions, "contraindication": vocab.contraindications,
             "red flag": vocab.red_flags}[kind]
    return [(t.label.get(language) or t.id, t.id) for t in items]


def term_choice(kind: str, text: str, language: str = "en") -> str:
    """The vocabulary id for what was typed: a label in words, an id or a synonym (case ignored). Anything else is
    refused with the closest labels: "'high blod presure' is not a contraindication of the list; did you mean
    High blood pressure ...?"."""
    from .errors import UnknownId
    from .vocabulary import default_vocabulary

    typed = " ".join(str(text).split())
    if not typed:
        raise WorkspaceError(f"type the {kind} in words, or choose it from the list")
    terms = vocabulary_terms(kind, language)
    for label, tid in terms:
        if typed.lower() == label.lower():
            return tid
    vocab = default_vocabulary()
    find = {"condition": vocab.condition, "contraindication": vocab.contraindication, "red flag": vocab.red_flag}[kind]
    try:
        return find(typed).id
    except UnknownId:
        pass
    near = _closest(typed.lower(), kind, terms)
    hint = "; did you mean " + " or ".join(f"“{label}”" for label in near) + "?" if near else ""
    return _refuse_term(typed, kind, hint)


def _closest(typed: str, kind: str, terms: list[tuple[str, str]]) -> list[str]:
    """Up to three labels closest to what was typed: compared with the start of each label, its id and its
    synonyms, so "high blod presure" finds "High blood pressure (above 140/90) ..."."""
    import difflib

    from .vocabulary import default_vocabulary

    vocab = default_vocabulary()
    find = {"condition": vocab.condition, "contraindication": vocab.contraindication, "red flag": vocab.red_flag}[kind]
    scored = []
    for label, tid in terms:
        names = [label.lower(), label.lower()[: len(typed) + 2], tid.replace("-", " "),
                 *(s.lower() for s in find(tid).synonyms)]
        score = max(difflib.SequenceMatcher(None, typed, n).ratio() for n in names)
        if typed in label.lower():
            score = max(score, 0.8)
        scored.append((score, label))
    scored.sort(key=lambda x: -x[0])
    return [label for score, label in scored[:3] if score >= 0.6]


def _refuse_term(typed: str, kind: str, hint: str) -> NoReturn:
    if hint:
        raise WorkspaceError(f"“{typed}” is not a {kind} of the list{hint}")
    raise WorkspaceError(f"“{typed}” is not a {kind} of the list; choose one from the list")
