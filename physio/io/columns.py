"""Which column of a returned log holds which of our fields: guessed from the headers, corrected by the therapist.

Our own workbook uses exactly LOG_COLUMNS. A patient's own spreadsheet may say "Дата" or "Pain (before)";
the synonyms below cover the usual English and Russian wordings. When the guess is wrong the therapist passes
`mapping={our field: their header}`, and that always wins.
"""

from __future__ import annotations

import re
from typing import Mapping

from ..errors import LogImportError
from ..models import LOG_COLUMNS

#: Our field names, in the order of LOG_COLUMNS (the Log sheet header of our workbook).
FIELDS: tuple[str, ...] = (
    "date",
    "session",
    "exercise",
    "exercise_id",
    "prescribed",
    "done",
    "sets_done",
    "reps_done",
    "minutes",
    "angle_deg",
    "pain_before",
    "pain_after",
    "notes",
)

#: Our header text for each field (the exact LOG_COLUMNS wording).
FIELD_HEADER: dict[str, str] = dict(zip(FIELDS, LOG_COLUMNS))
HEADER_FIELD: dict[str, str] = {h: f for f, h in FIELD_HEADER.items()}

#: Fields the patient fills in; a row with none of them filled has nothing to report.
PATIENT_FIELDS: tuple[str, ...] = (
    "done", "sets_done", "reps_done", "minutes", "angle_deg", "pain_before", "pain_after", "notes",
)

#: Header wordings (after normalising: lower case, no punctuation, single spaces) for each field.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "дата", "день", "число"),
    "session": ("session", "session no", "session number", "no", "сеанс", "занятие", "подход номер", "номер"),
    "exercise": ("exercise", "exercise name", "name", "упражнение", "упражнения", "название", "название упражнения"),
    "exercise_id": ("exercise id", "id", "код", "код упражнения", "id упражнения"),
    "prescribed": ("prescribed", "dose", "назначено", "доза", "план"),
    "done": ("done", "completed", "did it", "yes no", "выполнено", "сделано", "выполнил", "выполнила", "да нет"),
    "sets_done": ("sets done", "sets", "подходы", "подходов", "подходы выполнено", "серии"),
    "reps_done": ("reps done", "reps", "repetitions", "повторения", "повторений", "повторы", "раз"),
    "minutes": ("minutes", "min", "mins", "duration", "time", "минуты", "минут", "мин", "время", "длительность"),
    "angle_deg": ("angle", "angle °", "angle deg", "angle degrees", "угол", "угол °", "угол градусы", "наклон"),
    "pain_before": ("pain before", "pain before 0 10", "pain at start", "боль до", "боль до 0 10", "боль перед"),
    "pain_after": ("pain after", "pain after 0 10", "pain at end", "боль после", "боль после 0 10"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "заметки", "примечания", "примечание",
              "комментарий", "комментарии", "замечания"),
}


def normalise_header(text: object) -> str:
    """'Pain before (0-10)' → 'pain before 0 10'; 'Угол (°)' → 'угол °'."""
    s = str(text or "").replace("\ufeff", "").replace("№", " no ").strip().lower().replace("ё", "е")
    s = re.sub(r"[^\w°]+", " ", s)
    return " ".join(s.split())


_LOOKUP: dict[str, str] = {}
for _field, _words in SYNONYMS.items():
    for _w in _words:
        _LOOKUP[normalise_header(_w)] = _field
for _field, _header in FIELD_HEADER.items():
    _LOOKUP[normalise_header(_header)] = _field
    _LOOKUP[normalise_header(_field)] = _field


def field_for(header: object) -> str | None:
    """Our field for one header, or None when the header is not one we know."""
    return _LOOKUP.get(normalise_header(header))


def guess_mapping(headers: list[object]) -> dict[str, int]:
    """Our field → column index, from the header row. The first column claiming a field wins."""
    found: dict[str, int] = {}
    for i, h in enumerate(headers):
        f = field_for(h)
        if f is not None and f not in found:
            found[f] = i
    return found


def _our_field(name: str) -> str | None:
    """Accept our field name ('pain_before') or our header ('Pain before (0-10)') as a mapping key."""
    if name in FIELDS:
        return name
    return HEADER_FIELD.get(name) or field_for(name)


def resolve_mapping(
    headers: list[object], correction: Mapping[str, str] | None, *, where: str
) -> dict[str, int]:
    """The guessed mapping with the therapist's corrections applied ({our field: their header}).

    A correction naming a header that is not in the file, or a field we do not have, is an error that lists
    what the file and we do have: silently ignoring it would import the wrong column.
    """
    mapping = guess_mapping(headers)
    if not correction:
        return mapping
    header_text = [str(h).strip() for h in headers]
    for ours, theirs in correction.items():
        field = _our_field(ours)
        if field is None:
            raise LogImportError(
                f"{where}: the column mapping names '{ours}', which is not one of our fields; "
                f"use one of: {', '.join(FIELDS)}"
            )
        if theirs is None or theirs == "":
            mapping.pop(field, None)  # the therapist says: this file has no such column
            continue
        wanted = str(theirs).strip()
        matches = [i for i, h in enumerate(header_text) if h == wanted]
        if not matches:
            matches = [i for i, h in enumerate(header_text) if normalise_header(h) == normalise_header(wanted)]
        if not matches:
            shown = ", ".join(f"'{h}'" for h in header_text if h) or "(no headers)"
            raise LogImportError(
                f"{where}: the column mapping says {field} is in column '{wanted}', but the header row has "
                f"no such column; its columns are: {shown}"
            )
        # the corrected column is taken away from any field it had been guessed for
        for f, i in list(mapping.items()):
            if i == matches[0]:
                del mapping[f]
        mapping[field] = matches[0]
    return mapping


def corrected_fields(correction: Mapping[str, str] | None) -> set[str]:
    """Our fields the therapist named a column for (a named column needs no other evidence)."""
    return {f for f in (_our_field(k) for k in (correction or {})) if f is not None}
