"""Issued plans: every version kept, numbered inside the write lock, each plan id tied to one patient."""

from __future__ import annotations

import datetime as dt

from ..errors import UnknownId, WorkspaceError
from ..models import Plan
from ._audit import insert_event, now


class Plans:
    """The plan part of the Workspace (mixed in; uses its _read/_write and patient())."""

    def issue(self, plan: Plan, issued_by: str, at: dt.datetime | None = None) -> Plan:
        """Store `plan` as the next version of its plan id and return the stored copy.

        Never overwrites: the version number is chosen inside the write lock, so two processes
        issuing at once get two different versions. A plan that breaks a limit is refused, and so is
        a plan id that already belongs to another patient."""
        from ..planning import check_plan

        if not issued_by or not issued_by.strip():
            raise WorkspaceError("a plan needs the name of who issues it (issued_by); it was empty")
        self.refuse_if_archived(plan.patient.id, "no new plan version can be issued")  # type: ignore[attr-defined]
        self._refuse_open_red_flags(plan.patient.id)  # type: ignore[attr-defined]  # physio.store._redflags
        problems = check_plan(plan)
        if problems:
            raise WorkspaceError(f"plan {plan.id} cannot be issued:\n- " + "\n- ".join(problems))
        at = (at or now()).replace(microsecond=0)
        self.patient(plan.patient.id)  # type: ignore[attr-defined]  # unknown patient → UnknownId, nothing written
        with self._write() as con:  # type: ignore[attr-defined]
            owner = con.execute("SELECT patient_id FROM plans WHERE plan_id = ? LIMIT 1", (plan.id,)).fetchone()
            if owner and owner[0] != plan.patient.id:
                raise WorkspaceError(
                    f"plan id {plan.id} already belongs to patient '{owner[0]}', not to '{plan.patient.id}'; "
                    "give the new plan its own id"
                )
            (last,) = con.execute("SELECT COALESCE(MAX(version), 0) FROM plans WHERE plan_id = ?", (plan.id,)).fetchone()
            stored = plan.model_copy(update={"version": last + 1, "issued_by": issued_by.strip(), "issued_at": at})
            stored = Plan.model_validate(stored.model_dump())
            con.execute(
                "INSERT INTO plans (plan_id, version, patient_id, json, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?)",
                (stored.id, stored.version, stored.patient.id, stored.model_dump_json(), stored.issued_by, at.isoformat()),
            )
            insert_event(con, "plan-issued", stored.patient.id,
                         f"{stored.label}: {stored.phase_name}, from {stored.start:%d.%m.%Y}", stored.issued_by, at)
        return stored

    def plan_versions(self, plan_id: str) -> list[Plan]:
        """Every issued version of a plan, oldest first."""
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute("SELECT json FROM plans WHERE plan_id = ? ORDER BY version", (plan_id,)).fetchall()
        if not rows:
            raise self._unknown_plan(plan_id)
        return [Plan.model_validate_json(r[0]) for r in rows]

    def plan(self, plan_id: str, version: int | None = None) -> Plan:
        """One issued version; the latest when `version` is None."""
        with self._read() as con:  # type: ignore[attr-defined]
            if version is None:
                row = con.execute(
                    "SELECT json FROM plans WHERE plan_id = ? ORDER BY version DESC LIMIT 1", (plan_id,)
                ).fetchone()
            else:
                row = con.execute("SELECT json FROM plans WHERE plan_id = ? AND version = ?", (plan_id, version)).fetchone()
            versions = [r[0] for r in con.execute("SELECT version FROM plans WHERE plan_id = ? ORDER BY version", (plan_id,))]
        if row is None:
            if not versions:
                raise self._unknown_plan(plan_id)
            raise UnknownId(
                f"plan '{plan_id}' has no version {version}; its versions are: {', '.join(map(str, versions))}"
            )
        return Plan.model_validate_json(row[0])

    def plans_for(self, patient_id: str) -> list[Plan]:
        """The latest version of each plan of one patient, by plan id."""
        self.patient(patient_id)  # type: ignore[attr-defined]
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute(
                "SELECT p.json FROM plans p JOIN (SELECT plan_id, MAX(version) AS v FROM plans "
                "WHERE patient_id = ? GROUP BY plan_id) last ON p.plan_id = last.plan_id AND p.version = last.v "
                "ORDER BY p.plan_id",
                (patient_id,),
            ).fetchall()
        return [Plan.model_validate_json(r[0]) for r in rows]

    def current_plan(self, patient_id: str) -> Plan | None:
        """The plan a returned log belongs to by default: the latest-starting of the patient's plans."""
        plans = self.plans_for(patient_id)
        if not plans:
            return None
        return max(plans, key=lambda p: (p.start, p.issued_at or dt.datetime.min, p.id))

    def plan_ids(self) -> list[str]:
        with self._read() as con:  # type: ignore[attr-defined]
            return [r[0] for r in con.execute("SELECT DISTINCT plan_id FROM plans ORDER BY plan_id")]

    def _unknown_plan(self, plan_id: str) -> UnknownId:
        known = self.plan_ids()
        return UnknownId(
            f"there is no issued plan '{plan_id}' in the workspace {self.folder}; "  # type: ignore[attr-defined]
            + (f"the plans are: {', '.join(known)}" if known else "no plan has been issued yet")
        )
