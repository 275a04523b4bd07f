"""The clinic's staff: who is logged in (a hub login) and the name written on plans and in the audit trail.

On a clinic's hub every therapist has a login (JupyterHub sets JUPYTERHUB_USER in their server); the staff list
maps it to the name a patient and a colleague recognise, and to a role: a clinic lead sees every patient, a
therapist sees their own patients first.
"""

from __future__ import annotations

import getpass
import os
from typing import Literal

from sqlalchemy import delete, insert, select

from ..errors import WorkspaceError
from ..models import Patient
from ..models._base import Frozen
from ._audit import insert_event
from ._schema import staff as staff_table

#: The roles the staff list knows, in words.
ROLES: dict[str, str] = {"lead": "clinic lead", "therapist": "therapist"}


class StaffMember(Frozen):
    """One person of the clinic: their login on the hub, their name, their role."""

    login: str
    name: str
    role: Literal["lead", "therapist"]


class Staff:
    """The staff part of the Workspace (mixed in; uses its _read/_write and patients())."""

    def add_staff_member(self, login: str, name: str, role: str = "therapist", *, by: str | None = None) -> StaffMember:
        """Put a person on the staff list; for someone already on it, their new name or role (the change is in
        the audit trail)."""
        login, name = (login or "").strip(), " ".join((name or "").split())
        if not login or not name:
            raise WorkspaceError("a staff member needs a login and a name; one of them was empty")
        if role not in ROLES:
            raise WorkspaceError(f"role '{role}' is not one the clinic knows; choose one of: {', '.join(ROLES)}")
        member = StaffMember(login=login, name=name, role=role)
        with self._write() as con:  # type: ignore[attr-defined]
            con.execute(delete(staff_table).where(staff_table.c.login == login))
            con.execute(insert(staff_table).values(login=login, name=name, role=role))
            insert_event(con, "staff-changed", None, f"{login}: {name}, {ROLES[role]}", by)
        return member

    def staff(self) -> list[StaffMember]:
        """Everyone on the staff list, by login."""
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute(select(staff_table).order_by(staff_table.c.login)).all()
        return [StaffMember.model_validate(r._asdict()) for r in rows]

    def staff_member(self, login: str) -> StaffMember | None:
        with self._read() as con:  # type: ignore[attr-defined]
            row = con.execute(select(staff_table).where(staff_table.c.login == login)).first()
        return StaffMember.model_validate(row._asdict()) if row else None

    @property
    def who(self) -> str:
        """Who is writing, for "issued by" and the audit trail: $PHYSIO_USER if set, else the hub login's name on
        the staff list ($JUPYTERHUB_USER; the login itself if it is not on the list), else the computer's login."""
        name = os.environ.get("PHYSIO_USER", "").strip()
        if name:
            return name
        login = os.environ.get("JUPYTERHUB_USER", "").strip()
        if login:
            member = self.staff_member(login)
            return member.name if member else login
        try:
            return getpass.getuser()
        except Exception:  # no login name (some containers): still say something true
            return "unknown user"

    def writer(self, by: str | None = None) -> str:
        """Who a write is recorded as: on the hub always the logged-in person (`who`: nobody writes under a
        colleague's name); elsewhere the name given, else `who`."""
        if os.environ.get("JUPYTERHUB_USER", "").strip() or not (by and by.strip()):
            return self.who
        return by.strip()

    def patients_for(self, login: str | None = None) -> list[Patient]:
        """The patients in the order a person's list shows them: a clinic lead sees every patient (by id); a
        therapist sees their own patients first (the patient's therapist is their name or login), then the others.
        `login` defaults to the hub's logged-in user ($JUPYTERHUB_USER)."""
        everyone = self.patients()  # type: ignore[attr-defined]
        own = self.own_patient_ids(everyone, login)
        return sorted(everyone, key=lambda p: p.id not in own)

    def own_patient_ids(self, patients: list[Patient], login: str | None = None) -> set[str]:
        """The ids of those `patients` whose therapist is the logged-in person (their name or login); none for a
        clinic lead, who sees every patient alike, or when nobody is logged in through the hub."""
        login = (login if login is not None else os.environ.get("JUPYTERHUB_USER", "")).strip()
        if not login:
            return set()
        member = self.staff_member(login)
        if member is not None and member.role == "lead":
            return set()
        mine = {login.casefold()} | ({member.name.casefold()} if member else set())
        return {p.id for p in patients if " ".join(p.therapist.split()).casefold() in mine}
