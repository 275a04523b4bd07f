"""Returned logs: the kept original and what was read from it, stored in one transaction.

An import touches only its own patient's entries: the plan must belong to the patient, and a corrected
re-send replaces earlier entries of the same patient and plan only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import func, insert, select, update

from ..errors import WorkspaceError
from ..models import CheckAnswer, LogEntry, RedFlagNote, Rejection
from ..models._base import Frozen
from ._audit import insert_event, now
from ._originals import clean_filename, original_name
from ._redflags import store_import_red_flags
from ._schema import ORIGINALS, imports, log_entries
from ._schema import rejections as rejections_table


class ImportResult(Frozen):
    """What one returned file did to the workspace."""

    import_id: int
    #: The same bytes were already imported for this patient: nothing was added.
    duplicate: bool
    added: int
    #: Earlier entries for the same plan, date, session and exercise that this corrected re-send replaced.
    replaced: int
    rejected: int
    #: The kept copy on disk; None where originals are kept in the database (read it with ws.original(import_id)).
    original_path: Path | None


class ImportRecord(Frozen):
    id: int
    patient_id: str
    plan_id: str
    plan_version: int
    filename: str
    sha256: str
    imported_at: dt.datetime
    added: int
    replaced: int
    rejected: int


class Imports:
    """The returned-log part of the Workspace (mixed in; uses _read/_write, patient() and plan())."""

    def record_import(
        self,
        patient_id: str,
        plan_id: str,
        plan_version: int,
        filename: str,
        content: bytes,
        entries: list[LogEntry],
        rejections: list[Rejection],
        imported_at: dt.datetime | None = None,
        *,
        by: str | None = None,
        red_flags: list[RedFlagNote] = (),
        answers: list[CheckAnswer] = (),
    ) -> ImportResult:
        """Keep a returned file and what was read from it, all in one transaction.

        The same bytes imported again for the same patient add nothing (duplicate=True). Entries for a
        (plan, date, session, exercise) already recorded for this patient replace the earlier ones, which stay
        in the database marked as replaced. A plan of another patient, or entries for another patient or plan,
        are refused: nothing is stored. `filename` is kept as data only, never used as a path."""
        filename = clean_filename(filename)
        # a file kept only for the red flags written in it (no row read) is kept even for an archived patient
        kept_for_flags = bool(red_flags) and not (entries or rejections)
        self._check_import(patient_id, plan_id, plan_version, filename, entries, archived_ok=kept_for_flags)
        sha = hashlib.sha256(content).hexdigest()
        name = original_name(sha, filename)
        at = (imported_at or now()).replace(microsecond=0)
        has_rows = bool(entries or rejections)
        known = self._earlier_import(patient_id, sha)
        if known is not None and not (has_rows and self._kept_for_red_flags_only(known.import_id)):
            return known
        created = False
        try:
            with self._write() as con:  # type: ignore[attr-defined]
                # checked again inside the lock: another process may have imported the same file meanwhile
                known = self._earlier_import(patient_id, sha, con)
                if known is not None and not (has_rows and self._kept_for_red_flags_only(known.import_id, con)):
                    return known
                # the original is written while holding the write lock, so a tidy-up never sees it half-recorded
                created = self._keep_original(con, name, sha, content)  # type: ignore[attr-defined]
                if known is not None:  # a file first refused and kept for its red flags, now read with a mapping
                    import_id = known.import_id
                    con.execute(update(imports).where(imports.c.id == import_id).values(
                        plan_id=plan_id, plan_version=plan_version, filename=filename, imported_at=at.isoformat()))
                else:
                    import_id = self._insert_import(con, patient_id, plan_id, plan_version, filename, sha, name, at)
                added, replaced, rejected_rows = self._insert_rows(con, import_id, patient_id, entries, rejections)
                flagged = store_import_red_flags(con, import_id, patient_id, list(red_flags), list(answers))
                insert_event(con, "import", patient_id,
                             f"{filename} for plan {plan_id} v{plan_version}: {added} added, {replaced} replaced, "
                             f"{rejected_rows} rejected rows" + (f", {flagged} new red flag(s)" if flagged else ""),
                             by, at)
        except BaseException:
            if created:
                self.originals.joinpath(name).unlink(missing_ok=True)  # type: ignore[attr-defined]  # as it was
            raise
        return ImportResult(import_id=import_id, duplicate=False, added=added, replaced=replaced,
                            rejected=rejected_rows,
                            original_path=self._original_path(name))  # type: ignore[attr-defined]

    def _check_import(self, patient_id: str, plan_id: str, plan_version: int, filename: str,
                      entries: list[LogEntry], *, archived_ok: bool = False) -> None:
        self.patient(patient_id)  # type: ignore[attr-defined]
        if not archived_ok:
            self.refuse_if_archived(patient_id, f"{filename} cannot be imported")  # type: ignore[attr-defined]
        plan = self.plan(plan_id, plan_version)  # type: ignore[attr-defined]
        if plan.patient.id != patient_id:
            raise WorkspaceError(
                f"{filename}: plan {plan_id} v{plan_version} belongs to patient '{plan.patient.id}', not to "
                f"patient '{patient_id}'; nothing was imported"
            )
        wrong = [e for e in entries if (e.patient_id, e.plan_id, e.plan_version) != (patient_id, plan_id, plan_version)]
        if wrong:
            e = wrong[0]
            raise WorkspaceError(
                f"{filename}: {len(wrong)} entries belong to patient '{e.patient_id}', plan {e.plan_id} "
                f"v{e.plan_version}, not to patient '{patient_id}', plan {plan_id} v{plan_version}; nothing was imported"
            )
        seen: dict[tuple, int | None] = {}
        for e in entries:
            key = (e.date, e.session, e.exercise_id)
            if key in seen:
                raise WorkspaceError(
                    f"{filename}: rows {seen[key]} and {e.source_row} both report {e.exercise_id} on {e.date}, "
                    f"session {e.session}; reject one of them as a duplicate row before storing; nothing was imported"
                )
            seen[key] = e.source_row

    def _earlier_import(self, patient_id: str, sha: str, con=None) -> ImportResult | None:
        query = select(imports.c.id, imports.c.original).where(imports.c.patient_id == patient_id,
                                                               imports.c.sha256 == sha)
        if con is None:
            with self._read() as c:  # type: ignore[attr-defined]
                row = c.execute(query).first()
        else:
            row = con.execute(query).first()
        if row is None:
            return None
        return ImportResult(import_id=row[0], duplicate=True, added=0, replaced=0, rejected=0,
                            original_path=self._original_path(Path(row[1]).name))  # type: ignore[attr-defined]

    def _kept_for_red_flags_only(self, import_id: int, con=None) -> bool:
        """True for a file that was refused as a log and kept only for the red flags written in it: no entry and
        no rejection came from it, so reading it again (say, with a column mapping) is not a duplicate."""
        query = select(
            select(func.count()).select_from(log_entries).where(log_entries.c.import_id == import_id).scalar_subquery()
            + select(func.count()).select_from(rejections_table)
            .where(rejections_table.c.import_id == import_id).scalar_subquery()
        )
        if con is None:
            with self._read() as c:  # type: ignore[attr-defined]
                return c.execute(query).scalar() == 0
        return con.execute(query).scalar() == 0

    @staticmethod
    def _insert_import(con, patient_id, plan_id, plan_version, filename, sha, original: str, at) -> int:
        return con.execute(
            insert(imports).values(patient_id=patient_id, plan_id=plan_id, plan_version=plan_version, filename=filename,
                                   sha256=sha, original=f"{ORIGINALS}/{original}", imported_at=at.isoformat(),
                                   added=0, replaced=0, rejected=0)
        ).inserted_primary_key[0]

    @staticmethod
    def _insert_rows(con, import_id: int, patient_id: str, entries: list[LogEntry],
                     rejections: list[Rejection]) -> tuple[int, int, int]:
        replaced = 0
        for e in entries:
            c = log_entries.c
            replaced += con.execute(
                update(log_entries).where(c.patient_id == patient_id, c.plan_id == e.plan_id,
                                          c.date == e.date.isoformat(), c.session == e.session,
                                          c.exercise_id == e.exercise_id, c.replaced_by.is_(None))
                .values(replaced_by=import_id)
            ).rowcount
            con.execute(insert(log_entries).values(
                import_id=import_id, patient_id=patient_id, plan_id=e.plan_id, plan_version=e.plan_version,
                date=e.date.isoformat(), session=e.session, exercise_id=e.exercise_id, json=e.model_dump_json()))
        for r in rejections:
            con.execute(insert(rejections_table).values(import_id=import_id, patient_id=patient_id,
                                                        json=r.model_dump_json()))
        added = len(entries) - replaced
        # rows, not problems: a row with three problems is one rejected row (rows read = accepted + rejected)
        rejected_rows = len({(r.sheet, r.row) for r in rejections})
        con.execute(update(imports).where(imports.c.id == import_id).values(added=added, replaced=replaced,
                                                                            rejected=rejected_rows))
        return added, replaced, rejected_rows

    def log_entries(self, patient_id: str, plan_id: str | None = None) -> list[LogEntry]:
        """The current entries (replaced ones left out), by date, session and exercise."""
        self.patient(patient_id)  # type: ignore[attr-defined]
        c = log_entries.c
        query = select(c.json).where(c.patient_id == patient_id, c.replaced_by.is_(None))
        if plan_id is not None:
            query = query.where(c.plan_id == plan_id)
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute(query.order_by(c.date, c.session, c.exercise_id, c.id)).all()
        return [LogEntry.model_validate_json(r[0]) for r in rows]

    def rejections(self, patient_id: str) -> list[Rejection]:
        """Every rejected row of every import of this patient, in import order."""
        self.patient(patient_id)  # type: ignore[attr-defined]
        with self._read() as con:  # type: ignore[attr-defined]
            c = rejections_table.c
            rows = con.execute(select(c.json).where(c.patient_id == patient_id).order_by(c.import_id, c.id)).all()
        return [Rejection.model_validate_json(r[0]) for r in rows]

    def imports(self, patient_id: str) -> list[ImportRecord]:
        self.patient(patient_id)  # type: ignore[attr-defined]
        with self._read() as con:  # type: ignore[attr-defined]
            c = imports.c
            rows = con.execute(
                select(c.id, c.patient_id, c.plan_id, c.plan_version, c.filename, c.sha256, c.imported_at, c.added,
                       c.replaced, c.rejected).where(c.patient_id == patient_id).order_by(c.id)
            ).all()
        return [ImportRecord.model_validate(r._asdict()) for r in rows]
