"""How a red flag is said, the same way in the CLI, the report PDF, the review widget and the clinic overview.

Pure: from a stored red-flag note, the plan (for the protocol's own words) and the patient's log entries (were
sessions logged after the note?). Emergencies first, then urgent, then review.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from .adherence import AdherenceSummary, Flag, _flag_order
from .models import LogEntry, Plan, RedFlagNote
from .models.redflag import OUTCOME_LABELS
from .redflags import LEVEL_ACTION, LEVEL_WORD, highlight, snippet
from .vocabulary import LEVEL_ORDER, default_vocabulary

_PLACE = {
    "log-row": "on a log row",
    "rejected-row": "on a rejected log row",
    "other-cell": "beside the log table",
    "outside-table": "outside the log table",
    "weekly-check": "in the weekly red-flag check",
    "refused-file": "in a file that could not be imported as a log",
}


@dataclass(frozen=True)
class OpenFlag:
    """A red-flag note as the therapist must see it."""

    note: RedFlagNote
    #: What the protocol tells the patient to do for this red flag (else the vocabulary's label).
    protocol_words: str
    #: Days from the note's date to its import (None when the note has no date).
    days_to_import: int | None
    #: Sessions the patient logged as done on a later day than the note.
    sessions_after: int

    @property
    def level(self) -> str:
        return self.note.level


def protocol_words(plan: Plan | None, flag_id: str) -> str:
    """The plan's own red-flag text that covers this flag; the vocabulary's label when the plan has none."""
    for rf in plan.red_flags if plan else []:
        if flag_id in rf.flags:
            return rf.text
    term = default_vocabulary().red_flag(flag_id)
    return term.label["en"]


def _days_to_import(note: RedFlagNote) -> int | None:
    """Days from the note's date to its import; None without a date, or for a date after the import (mistyped)."""
    if note.date is None or note.imported_at is None or note.date > note.imported_at.date():
        return None
    return (note.imported_at.date() - note.date).days


def shown(n: RedFlagNote, left: str = "[", right: str = "]") -> str:
    """What the patient wrote, with the matched words marked (a long note around its matched words)."""
    return highlight(*snippet(n.text, n.spans), left, right)


def sessions_after(note: RedFlagNote, entries: list[LogEntry]) -> int:
    """Sessions logged as done (or with counts written) on a later day than the note's date."""
    if note.date is None:
        return 0
    return sum(1 for e in entries if e.date > note.date and (e.done or (e.done is None and (
        (e.sets_done or 0) > 0 or (e.reps_done or 0) > 0 or (e.minutes or 0) > 0))))


def open_flags(notes: list[RedFlagNote], plan: Plan | None, entries: list[LogEntry]) -> list[OpenFlag]:
    """The notes as the therapist sees them, most urgent first, then oldest first."""
    out = [OpenFlag(n, protocol_words(plan, n.flags[0]), _days_to_import(n), sessions_after(n, entries)) for n in notes]
    return sorted(out, key=lambda f: (LEVEL_ORDER.index(f.level), f.note.date or dt.date.max, f.note.id or 0))


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def facts(f: OpenFlag) -> str:
    """Date of the note, how long until it was imported, whether sessions were logged after it."""
    n = f.note
    parts = [f"note dated {n.date:%d.%m.%Y}" if n.date else "note without a date"]
    if n.imported_at is not None:
        later = (f", {_days(f.days_to_import)} later" if f.days_to_import is not None
                 else " (the note's date is after that)" if n.date else "")
        parts.append(f"imported {n.imported_at:%d.%m.%Y}{later}")
    if n.date is not None:
        parts.append(f"{f.sessions_after} session(s) logged after it" if f.sessions_after
                     else "no session logged after it")
    return "; ".join(parts)


def where(n: RedFlagNote) -> str:
    bits = [n.file]
    if n.sheet:
        bits.append(f"sheet '{n.sheet}'")
    if n.row:
        bits.append(f"row {n.row}")
    if n.column:
        bits.append(f"column {n.column}")
    return ", ".join(bits) + f" ({_PLACE.get(n.place, n.place)})"


def labels(n: RedFlagNote) -> str:
    voc = default_vocabulary()
    return "; ".join(voc.red_flag(fid).label["en"] for fid in n.flags)


def note_line(n: RedFlagNote, f: OpenFlag | None = None) -> str:
    """One line: level and what to do, which red flags, what the patient wrote (matched words in [brackets])."""
    head = f"{LEVEL_WORD[n.level]} red flag" + (f" {n.id}" if n.id else "") + f" ({labels(n)})"
    line = f"{head}: {LEVEL_ACTION[n.level]}. Patient wrote: \"{shown(n)}\" [{where(n)}]"
    if f is not None:
        line += f". {facts(f)}. The protocol's words: \"{f.protocol_words}\""
    return line


def as_flag(f: OpenFlag) -> Flag:
    """An open red flag as a Flag of the summary, so recommend() refers with its level."""
    n = f.note
    msg = (f"{labels(n)}; {facts(f)}; patient wrote: \"{shown(n)}\" "
           f"[{where(n)}]; the protocol's words: \"{f.protocol_words}\"")
    return Flag("red-flag", n.date, n.row, msg, red_flag=n.flags[0], level=n.level, red_flags=tuple(n.flags),
                text=n.text, spans=tuple(tuple(s) for s in n.spans), note_id=n.id)


def with_open_flags(summary: AdherenceSummary, flags: list[OpenFlag]) -> AdherenceSummary:
    """The summary with its red flags replaced by the workspace's open ones (acknowledged ones drop out; rejected
    rows, other cells and the weekly check come in)."""
    others = [fl for fl in summary.flags if fl.kind != "red-flag"]
    return dataclasses.replace(summary, flags=sorted([as_flag(f) for f in flags] + others, key=_flag_order))


def ack_line(ack, note: RedFlagNote | None) -> str:
    what = f"red flag {ack.note_id}" + (f" ({', '.join(note.flags)}, {LEVEL_WORD[note.level]})" if note else "")
    return (f"{ack.at:%d.%m.%Y %H:%M} {ack.by} acknowledged {what}: {OUTCOME_LABELS[ack.outcome]}"
            + (f". {ack.note}" if ack.note else ""))
