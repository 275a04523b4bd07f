"""The workspace's red-flag records: notes found at import, weekly-check answers, acknowledgements (append-only).

The red-flag part of the Workspace (mixed in; uses its _read/_write and patient()). The tables are in _schema. A red-flag note stays open until a therapist acknowledges it; no import ever closes or removes one, and
an acknowledgement is never changed or deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from ..errors import OpenRedFlag, UnknownId, WorkspaceError
from ..models import CheckAnswer, RedFlagAck, RedFlagNote
from ..models.redflag import OUTCOME_LABELS
from ._audit import insert_event, now



def _same_key(n: RedFlagNote) -> str:
    return json.dumps([n.plan_id, n.date.isoformat() if n.date else None, n.place == "weekly-check", n.text,
                       sorted(n.flags)], ensure_ascii=False)


def store_import_red_flags(con: sqlite3.Connection, import_id: int, patient_id: str,
                           notes: list[RedFlagNote], answers: list[CheckAnswer]) -> int:
    """Inside record_import's transaction: keep the notes (an identical earlier one is not stored again) and the
    weekly-check answers. Returns how many new notes were stored."""
    added = 0
    for n in notes:
        key = _same_key(n)
        if con.execute("SELECT 1 FROM red_flag_notes WHERE patient_id = ? AND same_key = ?", (patient_id, key)).fetchone():
            continue
        con.execute(
            "INSERT INTO red_flag_notes (import_id, patient_id, plan_id, level, date, same_key, json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (import_id, patient_id, n.plan_id, n.level, n.date.isoformat() if n.date else None, key,
             n.model_dump_json(exclude={"id", "import_id", "imported_at"})),
        )
        added += 1
    for a in answers:
        con.execute("INSERT INTO check_answers (import_id, patient_id, plan_id, json) VALUES (?, ?, ?, ?)",
                    (import_id, patient_id, a.plan_id, a.model_dump_json()))
    return added


class RedFlagRecords:
    """The red-flag part of the Workspace (mixed in; uses its _read/_write and patient())."""

    def red_flag_notes(self, patient_id: str, *, open_only: bool = False) -> list[RedFlagNote]:
        """Every red-flag note of a patient (or only those no therapist acknowledged), in import order."""
        self.patient(patient_id)
        sql = ("SELECT n.id, n.import_id, i.imported_at, n.json FROM red_flag_notes n JOIN imports i ON i.id = n.import_id "
               "WHERE n.patient_id = ?")
        if open_only:
            sql += " AND n.id NOT IN (SELECT note_id FROM red_flag_acks)"
        with self._read() as con:
            rows = con.execute(sql + " ORDER BY n.id", (patient_id,)).fetchall()
        return [RedFlagNote.model_validate({**json.loads(j), "id": i, "import_id": imp,
                                            "imported_at": dt.datetime.fromisoformat(at)}) for i, imp, at, j in rows]

    def open_red_flags(self, patient_id: str) -> list[RedFlagNote]:
        """The red-flag notes no therapist has acknowledged yet: while there is one, no plan version is issued."""
        return self.red_flag_notes(patient_id, open_only=True)

    def red_flag_acks(self, patient_id: str) -> list[RedFlagAck]:
        """Every acknowledgement of a patient's red flags, oldest first."""
        self.patient(patient_id)
        with self._read() as con:
            rows = con.execute("SELECT id, json FROM red_flag_acks WHERE patient_id = ? ORDER BY id",
                               (patient_id,)).fetchall()
        return [RedFlagAck.model_validate({**json.loads(j), "id": i}) for i, j in rows]

    def acknowledge_red_flag(self, patient_id: str, note_id: int, *, by: str, outcome: str, note: str | None = None,
                             at: dt.datetime | None = None) -> RedFlagAck:
        """Record that a therapist dealt with one red-flag note: who, when, what was done. Never changed later."""
        if not by or not by.strip():
            raise WorkspaceError("an acknowledgement needs the name of who acknowledges it (--by); it was empty")
        if outcome not in OUTCOME_LABELS:
            raise WorkspaceError(f"outcome '{outcome}' is not one we record; choose one of: {', '.join(OUTCOME_LABELS)}")
        if outcome == "other" and not (note and note.strip()):
            raise WorkspaceError("outcome 'other' needs a note saying what was done (--note)")
        self.patient(patient_id)
        ack = RedFlagAck(note_id=note_id, patient_id=patient_id, by=by.strip(), at=(at or now()).replace(microsecond=0),
                         outcome=outcome, note=(note or "").strip() or None)
        with self._write() as con:
            row = con.execute("SELECT patient_id FROM red_flag_notes WHERE id = ?", (note_id,)).fetchone()
            if row is None or row[0] != patient_id:
                known = [str(r[0]) for r in con.execute(
                    "SELECT id FROM red_flag_notes WHERE patient_id = ? AND id NOT IN (SELECT note_id FROM red_flag_acks) "
                    "ORDER BY id", (patient_id,))]
                raise UnknownId(f"patient '{patient_id}' has no red flag number {note_id}; "
                                + (f"the open ones are: {', '.join(known)}" if known else "none is open"))
            done = con.execute("SELECT json FROM red_flag_acks WHERE note_id = ?", (note_id,)).fetchone()
            if done is not None:
                earlier = RedFlagAck.model_validate_json(done[0])
                raise WorkspaceError(f"red flag {note_id} of patient '{patient_id}' was already acknowledged by "
                                     f"{earlier.by} on {earlier.at:%d.%m.%Y %H:%M}; acknowledgements are never changed")
            cur = con.execute("INSERT INTO red_flag_acks (note_id, patient_id, json) VALUES (?, ?, ?)",
                              (note_id, patient_id, ack.model_dump_json(exclude={"id"})))
            ack = ack.model_copy(update={"id": cur.lastrowid})
            insert_event(con, "red-flag-acknowledged", patient_id,
                         f"red flag {note_id}: {OUTCOME_LABELS[outcome]}" + (f"; {ack.note}" if ack.note else ""),
                         ack.by, ack.at)
        return ack

    def _refuse_open_red_flags(self, patient_id: str) -> None:
        """No plan version while a red flag is open: a therapist must acknowledge it first (physio redflags)."""
        try:
            open_notes = self.open_red_flags(patient_id)
        except UnknownId:
            return  # an unknown patient is refused by issue() itself
        if open_notes:
            from ..redflags import LEVEL_WORD
            from ..vocabulary import LEVEL_ORDER

            worst = min(open_notes, key=lambda n: LEVEL_ORDER.index(n.level))
            raise OpenRedFlag(
                f"patient '{patient_id}' has {len(open_notes)} open red flag(s), the most urgent "
                f"{LEVEL_WORD[worst.level]} (number {worst.id}: {', '.join(worst.flags)}); no plan version can be "
                f"issued until a therapist acknowledges them (physio redflags ack {patient_id} {worst.id} "
                "--by NAME --outcome referred|examined-no-ces|false-alarm|other)"
            )

    def check_answers(self, patient_id: str, plan_id: str | None = None) -> list[CheckAnswer]:
        """Every weekly red-flag check answer imported for a patient, in import order."""
        self.patient(patient_id)
        sql, args = "SELECT json FROM check_answers WHERE patient_id = ?", (patient_id,)
        if plan_id is not None:
            sql, args = sql + " AND plan_id = ?", args + (plan_id,)
        with self._read() as con:
            rows = con.execute(sql + " ORDER BY id", args).fetchall()
        return [CheckAnswer.model_validate_json(r[0]) for r in rows]
