"""Who did what, and when: every write to the workspace leaves one line in the audit table.

The store records its own writes (patient added or changed, plan issued, log imported) inside the same
transaction as the write itself. Other parts of physio (red-flag acknowledgements) call record_audit().
"""

from __future__ import annotations

import datetime as dt
import getpass
import os

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ..errors import WorkspaceError
from ..models._base import Frozen
from ._schema import audit

#: The kinds of writes the trail knows, in the words shown to the therapist.
ACTIONS: dict[str, str] = {
    "patient-added": "patient added",
    "patient-changed": "patient record changed",
    "patient-archived": "patient archived",
    "patient-brought-back": "patient brought back from the archive",
    "plan-issued": "plan issued",
    "import": "returned log imported",
    "red-flag-acknowledged": "red flag acknowledged",
    "restored": "workspace restored from a backup",
    "measure-recorded": "outcome measure recorded",
    "staff-changed": "clinic staff list changed",
}


class AuditEvent(Frozen):
    """One write to the workspace: when, by whom, what kind, for which patient, and what it was in words."""

    id: int
    at: dt.datetime
    who: str
    action: str
    patient_id: str | None
    detail: str

    def line(self) -> str:
        what = ACTIONS.get(self.action, self.action)
        return f"{self.at:%d.%m.%Y %H:%M}  {self.who}  {what}: {self.detail}"


def now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


def current_user(by: str | None = None) -> str:
    """Who is writing: the name given, else $PHYSIO_USER, else the hub's login ($JUPYTERHUB_USER), else the
    computer's login name. (A Workspace maps a hub login to the therapist's name through its staff list.)"""
    if by and by.strip():
        return by.strip()
    for var in ("PHYSIO_USER", "JUPYTERHUB_USER"):
        name = os.environ.get(var, "").strip()
        if name:
            return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still say something true
        return "unknown user"


def insert_event(con: Connection, action: str, patient_id: str | None, detail: str,
                 who: str | None = None, at: dt.datetime | None = None) -> None:
    """Add one line to the trail inside the caller's transaction (no name given: the workspace's `who`)."""
    if action not in ACTIONS:
        raise WorkspaceError(f"'{action}' is not a kind of write the audit trail knows; use one of: "
                             + ", ".join(ACTIONS))
    on_hub = con.info.get("physio_who")  # the logged-in therapist's name (set by the Workspace's _write)
    con.execute(insert(audit).values(at=(at or now()).isoformat(), who=on_hub or current_user(who), action=action,
                                     patient_id=patient_id, detail=detail))


class AuditTrail:
    """The audit part of the Workspace (mixed in; uses its _read/_write)."""

    def record_audit(self, action: str, patient_id: str | None, detail: str, *, who: str | None = None,
                     at: dt.datetime | None = None, con: Connection | None = None) -> None:
        """Record one write. Pass `con` to record it inside a write transaction of your own (all or nothing)."""
        if patient_id is not None:
            self.patient(patient_id)  # type: ignore[attr-defined]
        if con is not None:
            insert_event(con, action, patient_id, detail, who, at)
            return
        with self._write() as c:  # type: ignore[attr-defined]
            insert_event(c, action, patient_id, detail, who, at)

    def history(self, patient_id: str) -> list[AuditEvent]:
        """Every recorded write concerning one patient, oldest first."""
        self.patient(patient_id)  # type: ignore[attr-defined]
        return self._events(audit.c.patient_id == patient_id)

    def workspace_history(self) -> list[AuditEvent]:
        """The writes that concern no one patient (staff list changes, restores from a backup), oldest first."""
        return self._events(audit.c.patient_id.is_(None))

    def _events(self, which) -> list[AuditEvent]:
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute(
                select(audit.c.id, audit.c.at, audit.c.who, audit.c.action, audit.c.patient_id, audit.c.detail)
                .where(which).order_by(audit.c.id)
            ).all()
        keys = ("id", "at", "who", "action", "patient_id", "detail")
        return [AuditEvent.model_validate(dict(zip(keys, r))) for r in rows]
