"""The tables of workspace.sqlite and the steps that bring an older workspace up to date."""

from __future__ import annotations

import sqlite3

DB_NAME = "workspace.sqlite"
ORIGINALS = "originals"
SCHEMA_VERSION = 4

_TABLES = """
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
    -- the name the file had, cleaned (never used as a path), the kept copy is `original`
    filename TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    -- originals/<sha256><ext>: a name the workspace makes
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
CREATE INDEX IF NOT EXISTS log_entries_patient ON log_entries (patient_id, plan_id);
CREATE TABLE IF NOT EXISTS rejections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    patient_id TEXT NOT NULL,
    json TEXT NOT NULL
);
-- who did what and when, one row per write (append-only)
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    patient_id TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_patient ON audit (patient_id, id);
"""

#: Version 3: red flags found in returned logs, weekly red-flag check answers, acknowledgements (append-only).
_RED_FLAG_TABLES = """
CREATE TABLE IF NOT EXISTS red_flag_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    patient_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    level TEXT NOT NULL,
    date TEXT,
    -- what makes two notes the same (an identical row in a corrected re-send is not a new red flag)
    same_key TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS red_flag_notes_patient ON red_flag_notes (patient_id, same_key);
CREATE TABLE IF NOT EXISTS red_flag_acks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    note_id INTEGER NOT NULL UNIQUE REFERENCES red_flag_notes(id),
    patient_id TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS check_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    patient_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    json TEXT NOT NULL
);
"""

#: Version 2: the current entry of a session is unique per patient and plan (version 1 keyed it by plan only).
_CURRENT_INDEX = """
DROP INDEX IF EXISTS log_entries_current;
CREATE UNIQUE INDEX IF NOT EXISTS log_entries_current_v2
    ON log_entries (patient_id, plan_id, date, session, exercise_id) WHERE replaced_by IS NULL;
"""

#: Version 4: outcome-measure results (append-only: a correction is a new row, both kept).
_MEASURE_TABLES = """
CREATE TABLE IF NOT EXISTS measure_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    measure_id TEXT NOT NULL,
    date TEXT NOT NULL,
    -- the answers as typed and their score
    json TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS measure_results_patient ON measure_results (patient_id, date);
"""


def _run(con: sqlite3.Connection, script: str) -> None:
    for stmt in script.split(";"):
        if stmt.strip():
            con.execute(stmt)


def schema_version(con: sqlite3.Connection) -> int | None:
    """The workspace's schema version, or None for a database without our tables (a new, empty one)."""
    has_meta = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def create_or_migrate(con: sqlite3.Connection) -> None:
    """Inside a write transaction: make the tables, or add what an older version lacks."""
    _run(con, _TABLES)
    _run(con, _CURRENT_INDEX)
    _run(con, _RED_FLAG_TABLES)
    _run(con, _MEASURE_TABLES)
    con.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (str(SCHEMA_VERSION),),
    )
