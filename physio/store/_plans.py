"""Issued plans: every version kept, numbered inside the write lock, each plan id tied to one patient."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from ..errors import UnknownId, WorkspaceError
from ..models import Plan
from ._audit import insert_event, now
from ._schema import plans


class Plans:
    """The plan part of the Workspace (mixed in; uses its _read/_write and patient())."""

    def issue(self, plan: Plan, issued_by: str, at: dt.datetime | None = None) -> Plan:
        """Store `plan` as the next version of its plan id and return the stored copy.

        Never overwrites: the version number is chosen inside the write lock, so two processes
        issuing at once get two different versions. A plan that breaks a limit is refused, and so is
        a plan id that already belongs to another patient."""
        from ..planning import check_plan

        if os.environ.get("JUPYTERHUB_USER", "").strip():
            issued_by = self.who  # type: ignore[attr-defined]  # on the hub: the logged-in therapist, always
        if not issued_by or not issued_by.strip():
            raise WorkspaceError("a plan needs the name of who issues it (issued_by); it was empty")
        self.refuse_if_archived(plan.patient.id, "no new plan version can be issued")  # type: ignore[attr-defined]
        self._refuse_open_red_flags(plan.patient.id)  # type: ignore[attr-defined]  # physio.store._redflags
        problems = check_plan(plan)
        if problems:
            raise WorkspaceError(f"plan {plan.id} cannot be issued:\n- " + "\n- ".join(problems))
        at = (at or now()).replace(microsecond=0)
        self.patient(plan.patient.id)  # type: ignore[attr-defined]  # unknown patient → UnknownId, nothing written
        try:
            with self._write() as con:  # type: ignore[attr-defined]
                stored = self._store_next_version(con, plan, issued_by.strip(), at)
        except IntegrityError:  # the unique (plan, version) pair: another writer took this number first
            raise WorkspaceError(
                f"plan {plan.id} was given a new version by someone else at the same moment; nothing was stored; "
                "look at its latest version and issue again"
            ) from None
        return stored

    @staticmethod
    def _store_next_version(con, plan: Plan, issued_by: str, at: dt.datetime) -> Plan:
        owner = con.execute(select(plans.c.patient_id).where(plans.c.plan_id == plan.id).limit(1)).first()
        if owner and owner[0] != plan.patient.id:
            raise WorkspaceError(
                f"plan id {plan.id} already belongs to patient '{owner[0]}', not to '{plan.patient.id}'; "
                "give the new plan its own id"
            )
        last = con.execute(select(func.coalesce(func.max(plans.c.version), 0))
                           .where(plans.c.plan_id == plan.id)).scalar()
        stored = plan.model_copy(update={"version": last + 1, "issued_by": issued_by, "issued_at": at})
        stored = Plan.model_validate(stored.model_dump())
        con.execute(insert(plans).values(plan_id=stored.id, version=stored.version, patient_id=stored.patient.id,
                                         json=stored.model_dump_json(), issued_by=stored.issued_by,
                                         issued_at=at.isoformat()))
        insert_event(con, "plan-issued", stored.patient.id,
                     f"{stored.label}: {stored.phase_name}, from {stored.start:%d.%m.%Y}", stored.issued_by, at)
        return stored

    def plan_versions(self, plan_id: str) -> list[Plan]:
        """Every issued version of a plan, oldest first."""
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute(select(plans.c.json).where(plans.c.plan_id == plan_id).order_by(plans.c.version)).all()
        if not rows:
            raise self._unknown_plan(plan_id)
        return [Plan.model_validate_json(r[0]) for r in rows]

    def plan(self, plan_id: str, version: int | None = None) -> Plan:
        """One issued version; the latest when `version` is None."""
        with self._read() as con:  # type: ignore[attr-defined]
            query = select(plans.c.json).where(plans.c.plan_id == plan_id)
            if version is None:
                row = con.execute(query.order_by(plans.c.version.desc()).limit(1)).first()
            else:
                row = con.execute(query.where(plans.c.version == version)).first()
            versions = list(con.execute(select(plans.c.version).where(plans.c.plan_id == plan_id)
                                        .order_by(plans.c.version)).scalars())
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
            last = (select(plans.c.plan_id, func.max(plans.c.version).label("v"))
                    .where(plans.c.patient_id == patient_id).group_by(plans.c.plan_id).subquery())
            rows = con.execute(
                select(plans.c.json).join(last, (plans.c.plan_id == last.c.plan_id) & (plans.c.version == last.c.v))
                .order_by(plans.c.plan_id)
            ).all()
        return [Plan.model_validate_json(r[0]) for r in rows]

    def current_plan(self, patient_id: str) -> Plan | None:
        """The plan a returned log belongs to by default: the latest-starting of the patient's plans."""
        return current_of(self.plans_for(patient_id))

    def plan_ids(self) -> list[str]:
        with self._read() as con:  # type: ignore[attr-defined]
            return list(con.execute(select(plans.c.plan_id).distinct().order_by(plans.c.plan_id)).scalars())

    def _unknown_plan(self, plan_id: str) -> UnknownId:
        known = self.plan_ids()
        return UnknownId(
            f"there is no issued plan '{plan_id}' in the workspace {self.where}; "  # type: ignore[attr-defined]
            + (f"the plans are: {', '.join(known)}" if known else "no plan has been issued yet")
        )


def current_of(plans: list[Plan]) -> Plan | None:
    """Of the latest versions of a patient's plans, the one a returned log belongs to by default: the
    latest-starting (then the latest issued)."""
    if not plans:
        return None
    return max(plans, key=lambda p: (p.start, p.issued_at or dt.datetime.min, p.id))
