"""Patient texts in other languages: protocols/translations/<language>.yaml, checked against the library.

English is the source: a translation file only holds the texts a patient reads (exercises, programme
titles, phase names and goals, stop rules, red flags, contraindications, screening warnings). Once a
language file exists it must cover every exercise and protocol, so no handout comes out half translated.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field

from .models import Exercise, Protocol
from .models.exercise import SHORT_NAME_MAX
from .models._base import Frozen

if TYPE_CHECKING:
    from .protocol_files import _Doc

#: The languages a patient's handout can be written in (Patient.language).
LANGUAGES: tuple[str, ...] = ("en", "ru")


class ExerciseText(Frozen):
    """One exercise in another language: the same fields the patient reads, the same number of steps."""

    name: str = Field(min_length=1)
    short_name: str | None = Field(default=None, min_length=1, max_length=SHORT_NAME_MAX)
    aim: str = Field(min_length=1)
    starting_position: str = Field(min_length=1)
    equipment: list[str] = []
    steps: list[str] = Field(min_length=1)
    breathing: str = Field(min_length=1)
    cautions: list[str] = []


class PhaseText(Frozen):
    name: str = Field(min_length=1)
    goal: str = Field(min_length=1)
    #: The phase's notes on its exercises, by exercise id (Prescription.note).
    notes: dict[str, str] = {}


class ProtocolText(Frozen):
    title: str = Field(min_length=1)
    phases: dict[str, PhaseText]
    #: In the order of the protocol's stop rules.
    stop_rules: list[str] = Field(min_length=1)
    red_flags: dict[str, str]
    contraindications: dict[str, str] = {}
    warnings: dict[str, str] = {}


class Translation(Frozen):
    language: str
    exercises: dict[str, ExerciseText]
    protocols: dict[str, ProtocolText]
    #: The fixed words of the log workbook (sheet names, headers, instructions, lists), by WORKBOOK_WORDS key.
    workbook: dict[str, str] = {}


#: The fixed words of the log workbook in English, the source every translation's `workbook:` section follows
#: (same keys, same {placeholders}). The plan's own texts (exercise names, rules) come translated with the plan.
WORKBOOK_WORDS: dict[str, str] = {
    "sheet_plan": "Plan",
    "sheet_log": "Log",
    "sheet_psfs": "Activities",
    "sheet_howto": "How to fill in",
    "log_title": "Your exercise diary: {name}",
    "log_hint": "Yellow cells: ✓ when done, pain 0–10 once a day. Help: the sheet '{howto}'.",
    "howto_title": "How to fill in your exercise diary",
    "legend_column": "In the diary",
    "legend_exercise": "Exercise",
    "log_help": ("One row a day (one row for each session on days with more than one). Only the yellow cells are for "
                 "you. Pick ✓ from the list in each exercise you did; leave it empty if you did not do it. Grey means "
                 "no exercise is planned. Once a day write your back pain and your leg pain: 0 = no pain, 10 = the "
                 "worst pain you can imagine. A thick line ends each week: then answer the questions on the sheet "
                 "'{check}'{psfs}. Bring or send this file back to your therapist."),
    "log_help_psfs": " and score your activities on the sheet '{sheet}'",
    "date": "Date",
    "session": "Session",
    "angle": "Board angle (°)",
    "back_pain": "Back pain today (0‑10)",
    "leg_pain": "Leg pain today (0‑10)",
    "notes": "Notes",
    "tick": "✓",
    "tick_title": "Done?",
    "tick_prompt": "Pick ✓ if you did this exercise; leave empty if not.",
    "tick_error": "Pick ✓ from the list, or leave the cell empty.",
    "pain_title": "Pain 0–10",
    "pain_prompt": "0 = no pain, 10 = the worst pain you can imagine. A whole number.",
    "pain_error": "Pain is a whole number from 0 (none) to 10 (the worst you can imagine).",
    "angle_title": "Board angle",
    "angle_prompt": "The board's angle in degrees: a whole number from 0 to 90.",
    "angle_error": "The angle is a whole number of degrees from 0 to 90.",
    "score_title": "Score 0–10",
    "score_prompt": "0 = unable to do it, 10 = as well as before the problem. A whole number.",
    "score_error": "The score is a whole number from 0 (unable) to 10 (as well as before).",
    "not_allowed": "Not allowed here",
    "psfs_title": "Your own activities: {name}",
    "psfs_help": ("Once a week, on the last day of the week: how well can you do each of these activities? "
                  "0 = unable to do the activity, 10 = able to do it as well as before the problem. Write a whole "
                  "number in the yellow cell."),
    "week": "Week",
    "dates": "Dates",
    "yes": "yes",
    "no": "no",
    "page": "page &P of &N",
}


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _numbers(text: str) -> list[str]:
    return sorted(n.replace(",", ".") for n in _NUMBER.findall(text))


_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _check_workbook_words(tr: Translation, where) -> list[str]:
    """Every workbook word translated, with the same {placeholders} as the English."""
    problems = []
    for key, english in WORKBOOK_WORDS.items():
        if key not in tr.workbook:
            problems.append(f"{where(('workbook',))}: '{key}' is not translated (English: {english!r})")
        elif sorted(_PLACEHOLDER.findall(english)) != sorted(_PLACEHOLDER.findall(tr.workbook[key])):
            problems.append(f"{where(('workbook', key))}: keep the placeholders {_PLACEHOLDER.findall(english)} of "
                            "the English text")
    for key in tr.workbook:
        if key not in WORKBOOK_WORDS:
            problems.append(f"{where(('workbook', key))}: unknown workbook word '{key}'")
    return problems


def workbook_words(language: str, translations: dict[str, Translation]) -> dict[str, str]:
    """The log workbook's fixed words in `language`, from the library's `translations` (English for a language
    without a translation file)."""
    tr = translations.get(language) if language != "en" else None
    return {**WORKBOOK_WORDS, **tr.workbook} if tr is not None else WORKBOOK_WORDS


def every_workbook_word(key: str, translations: dict[str, Translation]) -> set[str]:
    """`key`'s word in every language we have (the importer reads an old English or a Russian sheet alike)."""
    return {workbook_words(lang, translations)[key] for lang in LANGUAGES}


def check_translation(
    tr: Translation, doc: "_Doc", exercises: dict[str, Exercise], protocols: dict[str, Protocol]
) -> list[str]:
    """Every way a translation can disagree with the English library, each with file:line and field."""
    problems: list[str] = _check_workbook_words(tr, doc.where)
    where = doc.where

    def same_numbers(path: tuple, english: str, translated: str) -> None:
        if _numbers(english) != _numbers(translated):
            problems.append(
                f"{where(path)}: the numbers differ from the English text ({', '.join(_numbers(english)) or 'none'} "
                f"in English, {', '.join(_numbers(translated)) or 'none'} here); a translation keeps every number"
            )

    def same_count(path: tuple, what: str, english: list, translated: list) -> None:
        if len(english) != len(translated):
            problems.append(
                f"{where(path)}: {len(translated)} {what} here, but the English has {len(english)}; "
                "translate each one, in the same order"
            )

    def unknown(path: tuple, what: str, wanted: str, known: Any) -> None:
        problems.append(f"{where(path)}: unknown {what} '{wanted}'; known: {', '.join(known) or 'none'}")

    for ex_id, text in tr.exercises.items():
        at = ("exercises", ex_id)
        ex = exercises.get(ex_id)
        if ex is None:
            unknown(at, "exercise id", ex_id, sorted(exercises))
            continue
        same_count(at + ("steps",), "steps", ex.steps, text.steps)
        same_count(at + ("cautions",), "cautions", ex.cautions, text.cautions)
        same_count(at + ("equipment",), "equipment items", ex.equipment, text.equipment)
        for fld in ("name", "aim", "starting_position", "breathing"):
            same_numbers(at + (fld,), getattr(ex, fld), getattr(text, fld))
        if ex.short_name and not text.short_name:
            problems.append(f"{where(at)}: no short_name; give the few words that head the exercise's column in "
                            f"the log, as the English '{ex.short_name}' does")
        elif ex.short_name and text.short_name:
            same_numbers(at + ("short_name",), ex.short_name, text.short_name)
        for fld in ("steps", "cautions", "equipment"):
            for i, (en, tx) in enumerate(zip(getattr(ex, fld), getattr(text, fld))):
                same_numbers(at + (fld, i), en, tx)
    missing = [e for e in exercises if e not in tr.exercises]
    if missing:
        problems.append(
            f"{where(('exercises',))}: {len(missing)} exercise(s) not translated: {', '.join(missing)}; "
            "every exercise needs a translation once a language file exists"
        )

    for proto_id, text in tr.protocols.items():
        at = ("protocols", proto_id)
        proto = protocols.get(proto_id)
        if proto is None:
            unknown(at, "protocol id", proto_id, sorted(protocols))
            continue
        same_numbers(at + ("title",), proto.title, text.title)
        phases = {ph.id: ph for ph in proto.phases}
        for ph_id, ph_text in text.phases.items():
            ph = phases.get(ph_id)
            if ph is None:
                unknown(at + ("phases", ph_id), f"phase id of {proto_id}", ph_id, list(phases))
                continue
            same_numbers(at + ("phases", ph_id, "name"), ph.name, ph_text.name)
            same_numbers(at + ("phases", ph_id, "goal"), ph.goal, ph_text.goal)
            notes = {rx.exercise: rx.note for rx in ph.exercises if rx.note}
            for ex_id, note in ph_text.notes.items():
                if ex_id not in notes:
                    unknown(at + ("phases", ph_id, "notes", ex_id), f"exercise note of phase {ph_id}", ex_id, list(notes))
                else:
                    same_numbers(at + ("phases", ph_id, "notes", ex_id), notes[ex_id], note)
            for ex_id in notes:
                if ex_id not in ph_text.notes:
                    problems.append(f"{where(at + ('phases', ph_id))}: the note on '{ex_id}' is not translated")
        for ph_id in phases:
            if ph_id not in text.phases:
                problems.append(f"{where(at + ('phases',))}: phase '{ph_id}' of {proto_id} is not translated")
        same_count(at + ("stop_rules",), "stop rules", proto.stop_rules, text.stop_rules)
        for i, (en, tx) in enumerate(zip(proto.stop_rules, text.stop_rules)):
            same_numbers(at + ("stop_rules", i), en.text, tx)
        for key, items, attr in (
            ("red_flags", proto.red_flags, "text"),
            ("contraindications", proto.contraindications, "text"),
            ("warnings", proto.warnings, "message"),
        ):
            english = {item.id: getattr(item, attr) for item in items}
            given: dict[str, str] = getattr(text, key)
            for item_id, tx in given.items():
                if item_id not in english:
                    unknown(at + (key, item_id), f"{key.replace('_', ' ')} id", item_id, list(english))
                else:
                    same_numbers(at + (key, item_id), english[item_id], tx)
            for item_id in english:
                if item_id not in given:
                    problems.append(f"{where(at + (key,))}: '{item_id}' of {proto_id} is not translated")
    for proto_id in protocols:
        if proto_id not in tr.protocols:
            problems.append(f"{where(('protocols',))}: protocol '{proto_id}' is not translated")
    return problems


def load_translations(
    folder: Path, exercises: dict[str, Exercise], protocols: dict[str, Protocol], problems: list[str]
) -> dict[str, Translation]:
    """Every translations/<language>.yaml, checked; problems are added to `problems`."""
    from .errors import ProtocolError
    from .protocol_files import _read, _validate

    out: dict[str, Translation] = {}
    if not folder.is_dir():
        return out
    for file in sorted(folder.glob("*.yaml")):
        lang = file.stem
        try:
            doc = _read(file)
        except ProtocolError as e:  # keep the other files' problems too
            problems.extend(e.problems)
            continue
        if lang not in LANGUAGES or lang == "en":
            problems.append(
                f"{file.name}:1 '{lang}' is not a language a handout can be written in; "
                f"name the file after one of: {', '.join(l for l in LANGUAGES if l != 'en')}"
            )
            continue
        data = doc.data if isinstance(doc.data, dict) else {}
        if data.get("language") != lang:
            problems.append(f"{doc.where(('language',))}: write 'language: {lang}' (the file's name) at the top")
            continue
        tr = _validate(Translation, data, doc, (), problems)
        if tr is None:
            continue
        problems.extend(check_translation(tr, doc, exercises, protocols))
        out[lang] = tr
    return out


# ---------------------------------------------------------------- applying a translation


def exercise_in(ex: Exercise, tr: Translation | None) -> Exercise:
    """The exercise as the patient reads it in the translation's language (unchanged for English)."""
    if tr is None:
        return ex
    t = tr.exercises[ex.id]
    return ex.model_copy(update={
        "name": t.name, "short_name": t.short_name, "aim": t.aim, "starting_position": t.starting_position, "equipment": list(t.equipment),
        "steps": list(t.steps), "breathing": t.breathing, "cautions": list(t.cautions),
    })
