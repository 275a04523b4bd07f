"""Patients in the workspace: added once, changed on purpose (the earlier record kept), archived and brought
back (nothing deleted).

Whether a patient is archived is not a column of its own: it is the latest of the patient's "archived" and
"brought back" lines in the append-only audit trail, so every archiving keeps who, when and why.
"""

from __future__ import annotations

from sqlalchemy import func, insert, literal, select
from sqlalchemy import update as sql_update

from ..errors import UnknownId, WorkspaceError
from ..models import Patient
from ..patient_record import patient_changes
from ._audit import AuditEvent, insert_event, now
from ._schema import audit, patient_history, patients

#: The audit actions that archive and bring back a patient; the latest one decides.
_ARCHIVE_ACTIONS = ("patient-archived", "patient-brought-back")
_LATEST_ARCHIVE_EVENTS = select(audit.c.id, audit.c.at, audit.c.who, audit.c.action, audit.c.patient_id,
                                audit.c.detail).where(audit.c.id.in_(
    select(func.max(audit.c.id)).where(audit.c.action.in_(_ARCHIVE_ACTIONS)).group_by(audit.c.patient_id)))


class Patients:
    """The patient part of the Workspace (mixed in; uses its _read/_write)."""

    def add_patient(self, patient: Patient, *, update: bool = False, by: str | None = None) -> Patient:
        """Store a patient. An existing id is refused unless update=True, which makes this the current
        record and keeps the earlier one in patient_history()."""
        return self.add_patients([patient], update=update, by=by)[0]

    def add_patients(self, patients: list[Patient], *, update: bool = False, by: str | None = None) -> list[Patient]:
        """Store several patients in one transaction: all of them, or (on any refusal) none."""
        ids = [p.id for p in patients]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise WorkspaceError(f"patient id {', '.join(dup)} is given more than once; each patient needs its own id")
        with self._write() as con:  # type: ignore[attr-defined]
            for p in patients:
                self._store_patient(con, p, update, by)
        return patients

    def update_patient(self, patient: Patient, *, by: str | None = None, reason: str | None = None) -> Patient:
        """Change an existing patient's record; the earlier record is kept in patient_history() and the audit
        trail says what changed (and why, when a reason is given). Nothing changed: nothing is written."""
        before = self.patient(patient.id)
        changes = patient_changes(before, patient)
        if not changes:
            return before
        detail = "; ".join(changes) + (f" (reason: {reason.strip()})" if reason and reason.strip() else "")
        with self._write() as con:  # type: ignore[attr-defined]
            self._store_patient(con, patient, True, by, detail=detail)
        return patient

    def archive_patient(self, patient_id: str, *, by: str | None = None, reason: str) -> None:
        """Archive a patient: hidden from the patient list, no new plan version and no import until brought
        back. Nothing is deleted."""
        if not reason or not reason.strip():
            raise WorkspaceError(f"give the reason for archiving patient '{patient_id}' (e.g. \"treatment finished\")")
        patient = self.patient(patient_id)
        flags = self.open_red_flags(patient_id)  # type: ignore[attr-defined]  # physio.store._redflags
        if flags:  # an archived patient leaves the clinic overview: an open red flag must not leave with them
            raise WorkspaceError(
                f"patient '{patient_id}' has {len(flags)} open red flag(s); acknowledge each first "
                f"(physio redflags {patient_id}), then archive; nothing was archived"
            )
        with self._write() as con:  # type: ignore[attr-defined]
            since = self._archived_event(con, patient_id)
            if since is not None:
                raise WorkspaceError(f"patient '{patient_id}' is already archived ({since.at:%d.%m.%Y}, {since.who}: "
                                     f"{since.detail})")
            insert_event(con, "patient-archived", patient_id, f"{patient.name}: {reason.strip()}", by)

    def bring_back_patient(self, patient_id: str, *, by: str | None = None) -> None:
        """Bring an archived patient back to the patient list; plans and imports are allowed again."""
        patient = self.patient(patient_id)
        with self._write() as con:  # type: ignore[attr-defined]
            if self._archived_event(con, patient_id) is None:
                raise WorkspaceError(f"patient '{patient_id}' is not archived; there is nothing to bring back")
            insert_event(con, "patient-brought-back", patient_id, f"{patient.name} is an active patient again", by)

    def is_archived(self, patient_id: str) -> bool:
        return self.archived_since(patient_id) is not None

    def archived_since(self, patient_id: str) -> AuditEvent | None:
        """The audit line that archived the patient (when, who, why), or None for an active patient."""
        self.patient(patient_id)
        with self._read() as con:  # type: ignore[attr-defined]
            return self._archived_event(con, patient_id)

    def _archived_event(self, con, patient_id: str) -> AuditEvent | None:
        return self._archived_events(con).get(patient_id)

    def _archived_events(self, con) -> dict[str, AuditEvent]:
        keys = ("id", "at", "who", "action", "patient_id", "detail")
        events = [AuditEvent.model_validate(dict(zip(keys, r)))
                  for r in con.execute(_LATEST_ARCHIVE_EVENTS)]
        return {e.patient_id: e for e in events if e.action == "patient-archived"}  # type: ignore[misc]

    def refuse_if_archived(self, patient_id: str, what: str) -> None:
        """Called before issuing a plan or importing a log: an archived patient gets neither. `what` says what
        is refused ("no new plan version can be issued")."""
        since = self.archived_since(patient_id)
        if since is not None:
            raise WorkspaceError(
                f"patient '{patient_id}' is archived ({since.at:%d.%m.%Y}, {since.who}: {since.detail}), so {what}; "
                f"bring the patient back first (physio patients archive {patient_id} --undo); nothing was stored"
            )

    def _store_patient(self, con, p: Patient, update: bool, by: str | None, detail: str | None = None) -> None:
        row = con.execute(select(patients.c.json).where(patients.c.id == p.id)).first()
        if row and not update:
            raise WorkspaceError(
                f"patient '{p.id}' is already in the workspace {self.where}; "  # type: ignore[attr-defined]
                "choose another id, or update the existing record on purpose"
            )
        twin = None if row else _same_but_case(con, p.id)
        if twin:  # 'p001' beside 'P001' would split one person's records, or mix two people's
            raise WorkspaceError(
                f"patient id '{p.id}' differs from the existing patient '{twin}' only in capital letters; "
                f"use '{twin}' for that patient, or choose an id that differs in more than case")
        at = now().isoformat()
        if row:  # the earlier record is kept, never overwritten
            if Patient.model_validate_json(row[0]) == p:
                return  # nothing changed: nothing to write or record
            con.execute(insert(patient_history).from_select(
                ["patient_id", "json", "replaced_at"],
                select(patients.c.id, patients.c.json, literal(at)).where(patients.c.id == p.id)))
            con.execute(sql_update(patients).where(patients.c.id == p.id)
                        .values(json=p.model_dump_json(), updated_at=at))
        else:
            con.execute(insert(patients).values(id=p.id, json=p.model_dump_json(), updated_at=at))
        if row:
            insert_event(con, "patient-changed", p.id, detail or f"record of {p.name} updated (the earlier one is kept)", by)
        else:
            insert_event(con, "patient-added", p.id, f"{p.name}, born {p.birth_year}, therapist {p.therapist}", by)

    def patient(self, patient_id: str) -> Patient:
        with self._read() as con:  # type: ignore[attr-defined]
            row = con.execute(select(patients.c.json).where(patients.c.id == patient_id)).first()
            if row is None:
                known = list(con.execute(select(patients.c.id).order_by(patients.c.id)).scalars())
        if row is None:
            twin = next((k for k in known if k.casefold() == patient_id.casefold()), None)
            raise UnknownId(
                f"there is no patient '{patient_id}' in the workspace {self.where}; "  # type: ignore[attr-defined]
                + (f"did you mean '{twin}'? (ids are exact, capitals included)" if twin else
                   f"the patients are: {', '.join(known)}" if known else "it has no patients yet")
            )
        return Patient.model_validate_json(row[0])

    def patient_history(self, patient_id: str) -> list[Patient]:
        """Every earlier record of a patient that an update replaced, oldest first (the current one excluded)."""
        self.patient(patient_id)
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute(select(patient_history.c.json).where(patient_history.c.patient_id == patient_id)
                               .order_by(patient_history.c.id)).all()
        return [Patient.model_validate_json(r[0]) for r in rows]

    def patients(self, include_archived: bool = False) -> list[Patient]:
        """The patients by id; archived ones only with include_archived=True."""
        with self._read() as con:  # type: ignore[attr-defined]
            archived = set() if include_archived else set(self._archived_events(con))
            rows = con.execute(select(patients.c.id, patients.c.json).order_by(patients.c.id)).all()
        return [Patient.model_validate_json(j) for i, j in rows if i not in archived]


def _same_but_case(con, patient_id: str) -> str | None:
    """The id of a stored patient that differs from patient_id only in upper/lower case, if any."""
    return con.execute(select(patients.c.id).where(func.lower(patients.c.id) == patient_id.lower())).scalars().first()
