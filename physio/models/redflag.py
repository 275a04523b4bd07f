"""Red flags found in what a patient sent back, the weekly red-flag check, and a therapist's acknowledgement."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ._base import Frozen

Level = Literal["emergency", "urgent", "review"]

#: Where in the returned file the words stood.
Place = Literal["log-row", "rejected-row", "other-cell", "outside-table", "weekly-check", "refused-file"]

#: What the therapist did about a red flag.
Outcome = Literal["referred", "examined-no-ces", "false-alarm", "other"]

OUTCOME_LABELS: dict[str, str] = {
    "referred": "referred (emergency department or doctor)",
    "examined-no-ces": "examined: no cauda equina",
    "false-alarm": "false alarm",
    "other": "other (see note)",
}


class RedFlagNote(Frozen):
    """Words a patient wrote (or a "yes" in the weekly check) that mention red flags; open until acknowledged."""

    #: Number of the stored record (None before it is stored); the therapist acknowledges by this number.
    id: int | None = None
    patient_id: str
    plan_id: str
    plan_version: int
    #: Red flags of the vocabulary it mentions, most urgent first.
    flags: list[str] = Field(min_length=1)
    level: Level
    #: The day the patient wrote it about (the row's date, the check's week); None when the file gives none.
    date: dt.date | None = None
    file: str
    sheet: str | None = None
    row: int | None = None
    #: The column(s) it was written in, by their headers.
    column: str | None = None
    place: Place
    #: Everything the patient wrote in that row (cells joined by " | "), cleaned of control characters, whole.
    text: str
    #: The words that matched, and where they are in `text` (for highlighting).
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    import_id: int | None = None
    imported_at: dt.datetime | None = None


class RedFlagAck(Frozen):
    """A therapist's acknowledgement of one red-flag note: who, when, what was done. Stored append-only."""

    id: int | None = None
    note_id: int
    patient_id: str
    by: str = Field(min_length=1)
    at: dt.datetime
    outcome: Outcome
    note: str | None = None


class CheckAnswer(Frozen):
    """One answer of the weekly red-flag check in the workbook (yes = the patient has that sign)."""

    patient_id: str
    plan_id: str
    plan_version: int
    #: Plan week (1 = the first seven days from the start).
    week: int = Field(ge=1)
    #: The question's id in protocols/weekly-check/red-flags.yaml.
    question: str
    #: The red flags of the vocabulary a "yes" means.
    flags: list[str] = Field(min_length=1)
    answer: bool
    source_row: int | None = None
