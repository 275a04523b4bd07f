"""The workspace's red-flag records: notes found at import, weekly-check answers, acknowledgements (append-only).

The red-flag part of the Workspace (mixed in; uses its _read/_write and patient()). The tables are in _schema. A red-flag note stays open until a therapist acknowledges it; no import ever closes or removes one, and
an acknowledgement is never changed or deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import os

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ..errors import OpenRedFlag, UnknownId, WorkspaceError
from ..models import CheckAnswer, RedFlagAck, RedFlagNote
from ..models.redflag import OUTCOME_LABELS
from ._audit import insert_event, now
from ._schema import check_answers, imports, red_flag_acks, red_flag_notes


def _same_key(n: RedFlagNote) -> str:
    return json.dumps([n.plan_id, n.date.isoformat() if n.date else None, n.place == "weekly-check", n.text,
                       sorted(n.flags)], ensure_ascii=False)


def store_import_red_flags(con: Connection, import_id: int, patient_id: str,
                           notes: list[RedFlagNote], answers: list[CheckAnswer]) -> int:
    """Inside record_import's transaction: keep the notes (an identical earlier one is not stored again) and the
    weekly-check answers. Returns how many new notes were stored."""
    added = 0
    for n in notes:
        key = _same_key(n)
        c = red_flag_notes.c
        if con.execute(select(c.id).where(c.patient_id == patient_id, c.same_key == key)).first():
            continue
        con.execute(insert(red_flag_notes).values(
            import_id=import_id, patient_id=patient_id, plan_id=n.plan_id, level=n.level,
            date=n.date.isoformat() if n.date else None, same_key=key,
            json=n.model_dump_json(exclude={"id", "import_id", "imported_at"})))
        added += 1
    for a in answers:
        con.execute(insert(check_answers).values(import_id=import_id, patient_id=patient_id, plan_id=a.plan_id,
                                                 json=a.model_dump_json()))
    return added


class RedFlagRecords:
    """The red-flag part of the Workspace (mixed in; uses its _read/_write and patient())."""

    def red_flag_notes(self, patient_id: str, *, open_only: bool = False) -> list[RedFlagNote]:
        """Every red-flag note of a patient (or only those no therapist acknowledged), in import order."""
        self.patient(patient_id)
        n = red_flag_notes.c
        query = (select(n.id, n.import_id, imports.c.imported_at, n.json)
                 .join_from(red_flag_notes, imports, imports.c.id == n.import_id).where(n.patient_id == patient_id))
        if open_only:
            query = query.where(n.id.not_in(select(red_flag_acks.c.note_id)))
        with self._read() as con:
            rows = con.execute(query.order_by(n.id)).all()
        return [RedFlagNote.model_validate({**json.loads(j), "id": i, "import_id": imp,
                                            "imported_at": dt.datetime.fromisoformat(at)}) for i, imp, at, j in rows]

    def open_red_flags(self, patient_id: str) -> list[RedFlagNote]:
        """The red-flag notes no therapist has acknowledged yet: while there is one, no plan version is issued."""
        return self.red_flag_notes(patient_id, open_only=True)

    def red_flag_acks(self, patient_id: str) -> list[RedFlagAck]:
        """Every acknowledgement of a patient's red flags, oldest first."""
        self.patient(patient_id)
        with self._read() as con:
            a = red_flag_acks.c
            rows = con.execute(select(a.id, a.json).where(a.patient_id == patient_id).order_by(a.id)).all()
        return [RedFlagAck.model_validate({**json.loads(j), "id": i}) for i, j in rows]

    def acknowledge_red_flag(self, patient_id: str, note_id: int, *, by: str, outcome: str, note: str | None = None,
                             at: dt.datetime | None = None) -> RedFlagAck:
        """Record that a therapist dealt with one red-flag note: who, when, what was done. Never changed later."""
        return self.acknowledge_red_flags(patient_id, [note_id], by=by, outcome=outcome, note=note, at=at)[0]

    def acknowledge_red_flags(self, patient_id: str, note_ids: list[int], *, by: str, outcome: str,
                              note: str | None = None, at: dt.datetime | None = None) -> list[RedFlagAck]:
        """Several notes dealt with alike (e.g. one referral for three notes), in one transaction: when one number
        is wrong or already acknowledged, none is recorded."""
        if os.environ.get("JUPYTERHUB_USER", "").strip():
            by = self.who  # on the hub: the logged-in therapist, always
        if not by or not by.strip():
            raise WorkspaceError("an acknowledgement needs the name of who acknowledges it (--by); it was empty")
        if outcome not in OUTCOME_LABELS:
            raise WorkspaceError(f"outcome '{outcome}' is not one we record; choose one of: {', '.join(OUTCOME_LABELS)}")
        if outcome == "other" and not (note and note.strip()):
            raise WorkspaceError("outcome 'other' needs a note saying what was done (--note)")
        self.patient(patient_id)
        stamp = (at or now()).replace(microsecond=0)
        acks = []
        with self._write() as con:
            note_ids = list(dict.fromkeys(note_ids))
            for note_id in note_ids:  # every number checked before any is stored
                _check_open_note(con, patient_id, note_id)
            for note_id in note_ids:
                ack = RedFlagAck(note_id=note_id, patient_id=patient_id, by=by.strip(), at=stamp, outcome=outcome,
                                 note=(note or "").strip() or None)
                new_id = con.execute(insert(red_flag_acks).values(
                    note_id=note_id, patient_id=patient_id, json=ack.model_dump_json(exclude={"id"}))
                ).inserted_primary_key[0]
                ack = ack.model_copy(update={"id": new_id})
                insert_event(con, "red-flag-acknowledged", patient_id,
                             f"red flag {note_id}: {OUTCOME_LABELS[outcome]}" + (f"; {ack.note}" if ack.note else ""),
                             ack.by, ack.at)
                acks.append(ack)
        return acks

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
        c = check_answers.c
        query = select(c.json).where(c.patient_id == patient_id)
        if plan_id is not None:
            query = query.where(c.plan_id == plan_id)
        with self._read() as con:
            rows = con.execute(query.order_by(c.id)).all()
        return [CheckAnswer.model_validate_json(r[0]) for r in rows]


def _check_open_note(con: Connection, patient_id: str, note_id: int) -> None:
    """Refuses a number that is not this patient's red flag, or one already acknowledged."""
    n, a = red_flag_notes.c, red_flag_acks.c
    row = con.execute(select(n.patient_id).where(n.id == note_id)).first()
    if row is None or row[0] != patient_id:
        known = [str(i) for i in con.execute(
            select(n.id).where(n.patient_id == patient_id, n.id.not_in(select(a.note_id))).order_by(n.id)
        ).scalars()]
        raise UnknownId(f"patient '{patient_id}' has no red flag number {note_id}; "
                        + (f"the open ones are: {', '.join(known)}" if known else "none is open"))
    done = con.execute(select(a.json).where(a.note_id == note_id)).first()
    if done is not None:
        earlier = RedFlagAck.model_validate_json(done[0])
        raise WorkspaceError(f"red flag {note_id} of patient '{patient_id}' was already acknowledged by "
                             f"{earlier.by} on {earlier.at:%d.%m.%Y %H:%M}; acknowledgements are never changed")
