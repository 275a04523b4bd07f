"""Patients in the workspace: added once, changed on purpose (the earlier record kept)."""

from __future__ import annotations

from ..errors import UnknownId, WorkspaceError
from ..models import Patient
from ._audit import insert_event, now


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

    def _store_patient(self, con, p: Patient, update: bool, by: str | None) -> None:
        row = con.execute("SELECT json FROM patients WHERE id = ?", (p.id,)).fetchone()
        if row and not update:
            raise WorkspaceError(
                f"patient '{p.id}' is already in the workspace {self.folder}; "  # type: ignore[attr-defined]
                "choose another id, or update the existing record on purpose"
            )
        at = now().isoformat()
        if row:  # the earlier record is kept, never overwritten
            if Patient.model_validate_json(row[0]) == p:
                return  # nothing changed: nothing to write or record
            con.execute(
                "INSERT INTO patient_history (patient_id, json, replaced_at) SELECT id, json, ? FROM patients WHERE id = ?",
                (at, p.id),
            )
        con.execute(
            "INSERT INTO patients (id, json, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at",
            (p.id, p.model_dump_json(), at),
        )
        if row:
            insert_event(con, "patient-changed", p.id, f"record of {p.name} updated (the earlier one is kept)", by)
        else:
            insert_event(con, "patient-added", p.id, f"{p.name}, born {p.birth_year}, therapist {p.therapist}", by)

    def patient(self, patient_id: str) -> Patient:
        with self._read() as con:  # type: ignore[attr-defined]
            row = con.execute("SELECT json FROM patients WHERE id = ?", (patient_id,)).fetchone()
            if row is None:
                known = [r[0] for r in con.execute("SELECT id FROM patients ORDER BY id")]
        if row is None:
            raise UnknownId(
                f"there is no patient '{patient_id}' in the workspace {self.folder}; "  # type: ignore[attr-defined]
                + (f"the patients are: {', '.join(known)}" if known else "it has no patients yet")
            )
        return Patient.model_validate_json(row[0])

    def patient_history(self, patient_id: str) -> list[Patient]:
        """Every earlier record of a patient that an update replaced, oldest first (the current one excluded)."""
        self.patient(patient_id)
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute("SELECT json FROM patient_history WHERE patient_id = ? ORDER BY id",
                               (patient_id,)).fetchall()
        return [Patient.model_validate_json(r[0]) for r in rows]

    def patients(self) -> list[Patient]:
        with self._read() as con:  # type: ignore[attr-defined]
            return [Patient.model_validate_json(r[0]) for r in con.execute("SELECT json FROM patients ORDER BY id")]
