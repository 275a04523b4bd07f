"""Returned logs: the kept original and what was read from it, stored in one transaction.

An import touches only its own patient's entries: the plan must belong to the patient, and a corrected
re-send replaces earlier entries of the same patient and plan only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from .._atomic import write_atomic
from ..errors import WorkspaceError
from ..models import CheckAnswer, LogEntry, RedFlagNote, Rejection
from ..models._base import Frozen
from ._audit import insert_event, now
from ._originals import clean_filename, original_name
from ._redflags import store_import_red_flags
from ._schema import ORIGINALS


class ImportResult(Frozen):
    """What one returned file did to the workspace."""

    import_id: int
    #: The same bytes were already imported for this patient: nothing was added.
    duplicate: bool
    added: int
    #: Earlier entries for the same plan, date, session and exercise that this corrected re-send replaced.
    replaced: int
    rejected: int
    original_path: Path


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
        self._check_import(patient_id, plan_id, plan_version, filename, entries)
        sha = hashlib.sha256(content).hexdigest()
        original = self.originals / original_name(sha, filename)  # type: ignore[attr-defined]
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
                if not original.exists():
                    self.originals.mkdir(exist_ok=True)  # type: ignore[attr-defined]
                    write_atomic(original, content, error=WorkspaceError)
                    created = True
                if known is not None:  # a file first refused and kept for its red flags, now read with a mapping
                    import_id = known.import_id
                    con.execute("UPDATE imports SET plan_id = ?, plan_version = ?, filename = ?, imported_at = ? "
                                "WHERE id = ?", (plan_id, plan_version, filename, at.isoformat(), import_id))
                else:
                    import_id = self._insert_import(con, patient_id, plan_id, plan_version, filename, sha, original, at)
                added, replaced, rejected_rows = self._insert_rows(con, import_id, patient_id, entries, rejections)
                flagged = store_import_red_flags(con, import_id, patient_id, list(red_flags), list(answers))
                insert_event(con, "import", patient_id,
                             f"{filename} for plan {plan_id} v{plan_version}: {added} added, {replaced} replaced, "
                             f"{rejected_rows} rejected rows" + (f", {flagged} new red flag(s)" if flagged else ""),
                             by, at)
        except BaseException:
            if created:
                original.unlink(missing_ok=True)  # leave the folder as it was
            raise
        return ImportResult(import_id=import_id, duplicate=False, added=added, replaced=replaced,
                            rejected=rejected_rows, original_path=original)

    def _check_import(self, patient_id: str, plan_id: str, plan_version: int, filename: str,
                      entries: list[LogEntry]) -> None:
        self.patient(patient_id)  # type: ignore[attr-defined]
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
        sql = "SELECT id, original FROM imports WHERE patient_id = ? AND sha256 = ?"
        if con is None:
            with self._read() as c:  # type: ignore[attr-defined]
                row = c.execute(sql, (patient_id, sha)).fetchone()
        else:
            row = con.execute(sql, (patient_id, sha)).fetchone()
        if row is None:
            return None
        return ImportResult(import_id=row[0], duplicate=True, added=0, replaced=0, rejected=0,
                            original_path=self.folder / row[1])  # type: ignore[attr-defined]

    def _kept_for_red_flags_only(self, import_id: int, con=None) -> bool:
        """True for a file that was refused as a log and kept only for the red flags written in it: no entry and
        no rejection came from it, so reading it again (say, with a column mapping) is not a duplicate."""
        sql = ("SELECT (SELECT COUNT(*) FROM log_entries WHERE import_id = ?) + "
               "(SELECT COUNT(*) FROM rejections WHERE import_id = ?)")
        if con is None:
            with self._read() as c:  # type: ignore[attr-defined]
                return c.execute(sql, (import_id, import_id)).fetchone()[0] == 0
        return con.execute(sql, (import_id, import_id)).fetchone()[0] == 0

    @staticmethod
    def _insert_import(con, patient_id, plan_id, plan_version, filename, sha, original: Path, at) -> int:
        cur = con.execute(
            "INSERT INTO imports (patient_id, plan_id, plan_version, filename, sha256, original, imported_at, "
            "added, replaced, rejected) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0)",
            (patient_id, plan_id, plan_version, filename, sha, f"{ORIGINALS}/{original.name}", at.isoformat()),
        )
        return cur.lastrowid

    @staticmethod
    def _insert_rows(con, import_id: int, patient_id: str, entries: list[LogEntry],
                     rejections: list[Rejection]) -> tuple[int, int, int]:
        replaced = 0
        for e in entries:
            replaced += con.execute(
                "UPDATE log_entries SET replaced_by = ? WHERE patient_id = ? AND plan_id = ? AND date = ? "
                "AND session = ? AND exercise_id = ? AND replaced_by IS NULL",
                (import_id, patient_id, e.plan_id, e.date.isoformat(), e.session, e.exercise_id),
            ).rowcount
            con.execute(
                "INSERT INTO log_entries (import_id, patient_id, plan_id, plan_version, date, session, "
                "exercise_id, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (import_id, patient_id, e.plan_id, e.plan_version, e.date.isoformat(), e.session,
                 e.exercise_id, e.model_dump_json()),
            )
        for r in rejections:
            con.execute("INSERT INTO rejections (import_id, patient_id, json) VALUES (?, ?, ?)",
                        (import_id, patient_id, r.model_dump_json()))
        added = len(entries) - replaced
        # rows, not problems: a row with three problems is one rejected row (rows read = accepted + rejected)
        rejected_rows = len({(r.sheet, r.row) for r in rejections})
        con.execute("UPDATE imports SET added = ?, replaced = ?, rejected = ? WHERE id = ?",
                    (added, replaced, rejected_rows, import_id))
        return added, replaced, rejected_rows

    def log_entries(self, patient_id: str, plan_id: str | None = None) -> list[LogEntry]:
        """The current entries (replaced ones left out), by date, session and exercise."""
        self.patient(patient_id)  # type: ignore[attr-defined]
        sql = "SELECT json FROM log_entries WHERE patient_id = ? AND replaced_by IS NULL"
        args: tuple = (patient_id,)
        if plan_id is not None:
            sql += " AND plan_id = ?"
            args += (plan_id,)
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute(sql + " ORDER BY date, session, exercise_id, id", args).fetchall()
        return [LogEntry.model_validate_json(r[0]) for r in rows]

    def rejections(self, patient_id: str) -> list[Rejection]:
        """Every rejected row of every import of this patient, in import order."""
        self.patient(patient_id)  # type: ignore[attr-defined]
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute("SELECT json FROM rejections WHERE patient_id = ? ORDER BY import_id, id",
                               (patient_id,)).fetchall()
        return [Rejection.model_validate_json(r[0]) for r in rows]

    def imports(self, patient_id: str) -> list[ImportRecord]:
        self.patient(patient_id)  # type: ignore[attr-defined]
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute(
                "SELECT id, patient_id, plan_id, plan_version, filename, sha256, imported_at, added, replaced, rejected "
                "FROM imports WHERE patient_id = ? ORDER BY id",
                (patient_id,),
            ).fetchall()
        keys = ["id", "patient_id", "plan_id", "plan_version", "filename", "sha256", "imported_at", "added",
                "replaced", "rejected"]
        return [ImportRecord.model_validate(dict(zip(keys, r))) for r in rows]
