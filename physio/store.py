"""The workspace: one folder with the patients, every issued plan version and every returned log.

Records live in SQLite (workspace.sqlite); the original files patients send back are kept byte for
byte under originals/. ALL SQL of the project lives in this module, so that a server database can
replace SQLite later without touching anything else.

History is append-only: there is no API to change or delete an issued plan, an import or a log entry.
A corrected re-send does not delete the earlier entries; it marks them as replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import yaml
from pydantic import ValidationError

from ._atomic import write_atomic
from .errors import UnknownId, WorkspaceError
from .models import LogEntry, Patient, Plan, Rejection
from .models._base import Frozen

__all__ = [
    "Workspace",
    "ImportResult",
    "ImportRecord",
    "default_workspace_folder",
    "read_patient",
    "read_patients",
]

DB_NAME = "workspace.sqlite"
ORIGINALS = "originals"
SCHEMA_VERSION = 1

BUSY_TIMEOUT_MS = 30_000
"""How long a write waits for another process to finish its own write before giving up.

Why: issuing or importing takes milliseconds; 30 s covers a slow network folder without ever
hanging a therapist's screen indefinitely (team-default)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS patients (
    id TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS patient_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id TEXT NOT NULL,
    json TEXT NOT NULL,
    replaced_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plans (
    plan_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    json TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    UNIQUE (plan_id, version)
);
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    plan_id TEXT NOT NULL,
    plan_version INTEGER NOT NULL,
    filename TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    original TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    added INTEGER NOT NULL,
    replaced INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    UNIQUE (patient_id, sha256)
);
CREATE TABLE IF NOT EXISTS log_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    patient_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    plan_version INTEGER NOT NULL,
    date TEXT NOT NULL,
    session INTEGER NOT NULL,
    exercise_id TEXT NOT NULL,
    json TEXT NOT NULL,
    -- the import whose corrected entry replaced this one (NULL while it is the current entry)
    replaced_by INTEGER REFERENCES imports(id)
);
CREATE UNIQUE INDEX IF NOT EXISTS log_entries_current
    ON log_entries (plan_id, date, session, exercise_id) WHERE replaced_by IS NULL;
CREATE INDEX IF NOT EXISTS log_entries_patient ON log_entries (patient_id, plan_id);
CREATE TABLE IF NOT EXISTS rejections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    patient_id TEXT NOT NULL,
    json TEXT NOT NULL
);
"""


def default_workspace_folder() -> Path:
    """PHYSIO_WORKSPACE if set, else ./workspace."""
    return Path(os.environ.get("PHYSIO_WORKSPACE") or "workspace")


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


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


def _iso(t: dt.datetime) -> str:
    return t.isoformat()


class Workspace:
    """A folder holding workspace.sqlite and originals/. Safe to use from several processes at once."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else default_workspace_folder()
        if self.folder.exists() and not self.folder.is_dir():
            raise WorkspaceError(f"{self.folder} is a file, not a folder; choose a folder for the workspace")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WorkspaceError(f"cannot create the workspace folder {self.folder}: {e.strerror or e}") from e
        self.db_path = self.folder / DB_NAME
        self.originals = self.folder / ORIGINALS
        self._init_db()

    def __repr__(self) -> str:
        return f"Workspace({str(self.folder)!r})"

    # ------------------------------------------------------------ connection

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as e:
            raise WorkspaceError(f"cannot open {self.db_path}: {e}") from e
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        con.execute("PRAGMA foreign_keys = ON")
        return con

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            yield con
        except sqlite3.DatabaseError as e:
            raise WorkspaceError(f"{self.db_path} could not be read: {e}") from e
        finally:
            con.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction that takes the write lock at once: all of it is stored, or none of it."""
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            raise WorkspaceError(f"{self.db_path} could not be written: {e}") from e
        finally:
            con.close()

    def _init_db(self) -> None:
        try:
            con = self._connect()
            try:
                con.execute("PRAGMA journal_mode = WAL")
            finally:
                con.close()
        except sqlite3.DatabaseError as e:
            raise WorkspaceError(f"{self.db_path} is not a workspace database: {e}") from e
        with self._write() as con:
            for stmt in _SCHEMA.split(";"):
                if stmt.strip():
                    con.execute(stmt)
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                con.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"{self.db_path} was made by a newer physio (schema {row[0]}; this one knows {SCHEMA_VERSION}); "
                    "update physio to open it"
                )

    # ------------------------------------------------------------ patients

    def add_patient(self, patient: Patient, *, update: bool = False) -> Patient:
        """Store a patient. An existing id is refused unless update=True, which makes this the current
        record and keeps the earlier one in patient_history()."""
        return self.add_patients([patient], update=update)[0]

    def add_patients(self, patients: list[Patient], *, update: bool = False) -> list[Patient]:
        """Store several patients in one transaction: all of them, or (on any refusal) none."""
        ids = [p.id for p in patients]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise WorkspaceError(f"patient id {', '.join(dup)} is given more than once; each patient needs its own id")
        with self._write() as con:
            for p in patients:
                exists = con.execute("SELECT 1 FROM patients WHERE id = ?", (p.id,)).fetchone()
                if exists and not update:
                    raise WorkspaceError(
                        f"patient '{p.id}' is already in the workspace {self.folder}; "
                        "choose another id, or update the existing record on purpose"
                    )
                if exists:  # the earlier record is kept, never overwritten
                    con.execute(
                        "INSERT INTO patient_history (patient_id, json, replaced_at) "
                        "SELECT id, json, ? FROM patients WHERE id = ?",
                        (_iso(_now()), p.id),
                    )
                con.execute(
                    "INSERT INTO patients (id, json, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at",
                    (p.id, p.model_dump_json(), _iso(_now())),
                )
        return patients

    def patient(self, patient_id: str) -> Patient:
        with self._read() as con:
            row = con.execute("SELECT json FROM patients WHERE id = ?", (patient_id,)).fetchone()
            if row is None:
                known = [r[0] for r in con.execute("SELECT id FROM patients ORDER BY id")]
        if row is None:
            raise UnknownId(
                f"there is no patient '{patient_id}' in the workspace {self.folder}; "
                + (f"the patients are: {', '.join(known)}" if known else "it has no patients yet")
            )
        return Patient.model_validate_json(row[0])

    def patient_history(self, patient_id: str) -> list[Patient]:
        """Every earlier record of a patient that an update replaced, oldest first (the current one excluded)."""
        self.patient(patient_id)
        with self._read() as con:
            rows = con.execute("SELECT json FROM patient_history WHERE patient_id = ? ORDER BY id",
                               (patient_id,)).fetchall()
        return [Patient.model_validate_json(r[0]) for r in rows]

    def patients(self) -> list[Patient]:
        with self._read() as con:
            return [Patient.model_validate_json(r[0]) for r in con.execute("SELECT json FROM patients ORDER BY id")]

    # ------------------------------------------------------------ plans

    def issue(self, plan: Plan, issued_by: str, at: dt.datetime | None = None) -> Plan:
        """Store `plan` as the next version of its plan id and return the stored copy.

        Never overwrites: the version number is chosen inside the write lock, so two processes
        issuing at once get two different versions. A plan that breaks a limit is refused."""
        from .planning import check_plan

        if not issued_by or not issued_by.strip():
            raise WorkspaceError("a plan needs the name of who issues it (issued_by); it was empty")
        problems = check_plan(plan)
        if problems:
            raise WorkspaceError(f"plan {plan.id} cannot be issued:\n- " + "\n- ".join(problems))
        at = (at or _now()).replace(microsecond=0)
        self.patient(plan.patient.id)  # unknown patient → UnknownId, nothing written
        with self._write() as con:
            (last,) = con.execute("SELECT COALESCE(MAX(version), 0) FROM plans WHERE plan_id = ?", (plan.id,)).fetchone()
            stored = plan.model_copy(update={"version": last + 1, "issued_by": issued_by.strip(), "issued_at": at})
            stored = Plan.model_validate(stored.model_dump())
            con.execute(
                "INSERT INTO plans (plan_id, version, patient_id, json, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?)",
                (stored.id, stored.version, stored.patient.id, stored.model_dump_json(), stored.issued_by, _iso(at)),
            )
        return stored

    def plan_versions(self, plan_id: str) -> list[Plan]:
        """Every issued version of a plan, oldest first."""
        with self._read() as con:
            rows = con.execute("SELECT json FROM plans WHERE plan_id = ? ORDER BY version", (plan_id,)).fetchall()
        if not rows:
            raise self._unknown_plan(plan_id)
        return [Plan.model_validate_json(r[0]) for r in rows]

    def plan(self, plan_id: str, version: int | None = None) -> Plan:
        """One issued version; the latest when `version` is None."""
        with self._read() as con:
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
        self.patient(patient_id)
        with self._read() as con:
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
        with self._read() as con:
            return [r[0] for r in con.execute("SELECT DISTINCT plan_id FROM plans ORDER BY plan_id")]

    def _unknown_plan(self, plan_id: str) -> UnknownId:
        known = self.plan_ids()
        return UnknownId(
            f"there is no issued plan '{plan_id}' in the workspace {self.folder}; "
            + (f"the plans are: {', '.join(known)}" if known else "no plan has been issued yet")
        )

    # ------------------------------------------------------------ returned logs

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
    ) -> ImportResult:
        """Keep a returned file and what was read from it, all in one transaction.

        The same bytes imported again for the same patient add nothing (duplicate=True). Entries for a
        (plan, date, session, exercise) already recorded replace the earlier ones, which stay in the
        database marked as replaced. Entries for another patient or plan are refused: nothing is stored.
        """
        self.patient(patient_id)
        self.plan(plan_id, plan_version)
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
        sha = hashlib.sha256(content).hexdigest()
        ext = _extension(filename)
        original = self.originals / f"{sha}{ext}"
        at = (imported_at or _now()).replace(microsecond=0)

        with self._read() as con:
            row = con.execute(
                "SELECT id, original FROM imports WHERE patient_id = ? AND sha256 = ?", (patient_id, sha)
            ).fetchone()
        if row is not None:
            return ImportResult(import_id=row[0], duplicate=True, added=0, replaced=0, rejected=0,
                                original_path=self.folder / row[1])

        created = not original.exists()
        if created:
            self.originals.mkdir(exist_ok=True)
            write_atomic(original, content, error=WorkspaceError)
        try:
            with self._write() as con:
                # checked again inside the lock: another process may have imported the same file meanwhile
                row = con.execute(
                    "SELECT id, original FROM imports WHERE patient_id = ? AND sha256 = ?", (patient_id, sha)
                ).fetchone()
                if row is not None:
                    created = False
                    return ImportResult(import_id=row[0], duplicate=True, added=0, replaced=0, rejected=0,
                                        original_path=self.folder / row[1])
                cur = con.execute(
                    "INSERT INTO imports (patient_id, plan_id, plan_version, filename, sha256, original, imported_at, "
                    "added, replaced, rejected) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0)",
                    (patient_id, plan_id, plan_version, filename, sha, f"{ORIGINALS}/{original.name}", _iso(at)),
                )
                import_id = cur.lastrowid
                replaced = 0
                for e in entries:
                    replaced += con.execute(
                        "UPDATE log_entries SET replaced_by = ? WHERE plan_id = ? AND date = ? AND session = ? "
                        "AND exercise_id = ? AND replaced_by IS NULL",
                        (import_id, e.plan_id, e.date.isoformat(), e.session, e.exercise_id),
                    ).rowcount
                    con.execute(
                        "INSERT INTO log_entries (import_id, patient_id, plan_id, plan_version, date, session, "
                        "exercise_id, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (import_id, patient_id, e.plan_id, e.plan_version, e.date.isoformat(), e.session,
                         e.exercise_id, e.model_dump_json()),
                    )
                for r in rejections:
                    con.execute(
                        "INSERT INTO rejections (import_id, patient_id, json) VALUES (?, ?, ?)",
                        (import_id, patient_id, r.model_dump_json()),
                    )
                added = len(entries) - replaced
                # rows, not problems: a row with three problems is one rejected row (rows read = accepted + rejected)
                rejected_rows = len({(r.sheet, r.row) for r in rejections})
                con.execute(
                    "UPDATE imports SET added = ?, replaced = ?, rejected = ? WHERE id = ?",
                    (added, replaced, rejected_rows, import_id),
                )
        except BaseException:
            if created:
                original.unlink(missing_ok=True)  # leave the folder as it was
            raise
        return ImportResult(import_id=import_id, duplicate=False, added=added, replaced=replaced,
                            rejected=rejected_rows, original_path=original)

    def log_entries(self, patient_id: str, plan_id: str | None = None) -> list[LogEntry]:
        """The current entries (replaced ones left out), by date, session and exercise."""
        self.patient(patient_id)
        sql = "SELECT json FROM log_entries WHERE patient_id = ? AND replaced_by IS NULL"
        args: tuple = (patient_id,)
        if plan_id is not None:
            sql += " AND plan_id = ?"
            args += (plan_id,)
        with self._read() as con:
            rows = con.execute(sql + " ORDER BY date, session, exercise_id, id", args).fetchall()
        return [LogEntry.model_validate_json(r[0]) for r in rows]

    def rejections(self, patient_id: str) -> list[Rejection]:
        """Every rejected row of every import of this patient, in import order."""
        self.patient(patient_id)
        with self._read() as con:
            rows = con.execute("SELECT json FROM rejections WHERE patient_id = ? ORDER BY import_id, id",
                               (patient_id,)).fetchall()
        return [Rejection.model_validate_json(r[0]) for r in rows]

    def imports(self, patient_id: str) -> list[ImportRecord]:
        self.patient(patient_id)
        with self._read() as con:
            rows = con.execute(
                "SELECT id, patient_id, plan_id, plan_version, filename, sha256, imported_at, added, replaced, rejected "
                "FROM imports WHERE patient_id = ? ORDER BY id",
                (patient_id,),
            ).fetchall()
        keys = ["id", "patient_id", "plan_id", "plan_version", "filename", "sha256", "imported_at", "added",
                "replaced", "rejected"]
        return [ImportRecord.model_validate(dict(zip(keys, r))) for r in rows]


def _extension(filename: str) -> str:
    """A safe lower-case suffix for the kept original ('.xlsx', '.csv'); '.bin' when there is none."""
    suffix = Path(filename).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ".bin"


# ---------------------------------------------------------------- patient files


class _PatientLoader(yaml.SafeLoader):
    """YAML without the old 1.1 booleans: a clearance's `on: 2026-08-01` key must stay the word "on"."""


_PatientLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PatientLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_patient(path: str | Path) -> Patient:
    """Read one patient YAML file; a mistake is reported with file, field, value given and what is allowed."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_PatientLoader)  # noqa: S506 (safe loader)
    except OSError as e:
        raise WorkspaceError(f"{path}: cannot be read ({e.strerror})") from e
    except UnicodeDecodeError as e:
        raise WorkspaceError(f"{path.name}: not UTF-8 text; save it as UTF-8") from e
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else "?"
        raise WorkspaceError(f"{path.name}:{line} is not valid YAML: {e.problem}") from e
    if not isinstance(data, dict):
        raise WorkspaceError(f"{path.name}: expected the fields of one patient (id, name, birth_year, therapist...)")
    try:
        return Patient.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            field = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                problems.append(f"{path.name} {field}: missing; it is required")
                continue
            if err["type"] == "extra_forbidden":
                msg = "unknown field; check its spelling"
            given = err.get("input")
            shown = "" if isinstance(given, (dict, list)) else f" (given: {given!r})"
            problems.append(f"{path.name} {field}: {msg}{shown}")
        raise WorkspaceError("\n".join(problems)) from None


def read_patients(folder: str | Path) -> list[Patient]:
    """Every *.yaml in a folder, by file name; every bad file is reported together."""
    folder = Path(folder)
    if not folder.is_dir():
        raise WorkspaceError(f"{folder}: the patients folder does not exist")
    patients, problems = [], []
    for f in sorted(folder.glob("*.yaml")):
        try:
            patients.append(read_patient(f))
        except WorkspaceError as e:
            problems.append(str(e))
    if problems:
        raise WorkspaceError("\n".join(problems))
    return patients
