"""The tables of a workspace database (SQLAlchemy Core), and bringing an older one up to date (Alembic).

The same tables live in SQLite (workspace.sqlite in the folder) and in a clinic's PostgreSQL. Every change of
the tables is an Alembic migration in physio/store/migrations/versions/, run when a workspace opens; a
workspace made before the migrations existed (schema 1 to 4, made by sqlite3 directly) is brought up to date
by the first of them, which creates only what such a workspace lacks.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (CheckConstraint, Column, ForeignKey, Integer, LargeBinary, MetaData, Table, Text,
                        UniqueConstraint, inspect, select)
from sqlalchemy.engine import Connection

DB_NAME = "workspace.sqlite"
ORIGINALS = "originals"
#: The number kept in meta.schema_version: 5 since the tables are Alembic's (4 was the last sqlite3 one).
SCHEMA_VERSION = 5
#: The newest migration this physio knows (its file in migrations/versions/); a test keeps it true.
HEAD_REVISION = "0002_clinic_server"
MIGRATIONS = Path(__file__).with_name("migrations")

metadata = MetaData()

meta = Table("meta", metadata, Column("key", Text, primary_key=True), Column("value", Text, nullable=False))

patients = Table(
    "patients", metadata,
    Column("id", Text, primary_key=True),
    Column("json", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

patient_history = Table(
    "patient_history", metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Text, nullable=False),
    Column("json", Text, nullable=False),
    Column("replaced_at", Text, nullable=False),
    sqlite_autoincrement=True,
)

plans = Table(
    "plans", metadata,
    Column("plan_id", Text, nullable=False),
    Column("version", Integer, CheckConstraint("version >= 1"), nullable=False),
    Column("patient_id", Text, ForeignKey("patients.id"), nullable=False),
    Column("json", Text, nullable=False),
    Column("issued_by", Text, nullable=False),
    Column("issued_at", Text, nullable=False),
    UniqueConstraint("plan_id", "version"),
)

imports = Table(
    "imports", metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Text, ForeignKey("patients.id"), nullable=False),
    Column("plan_id", Text, nullable=False),
    Column("plan_version", Integer, nullable=False),
    # the name the file had, cleaned (never used as a path); the kept copy is `original`
    Column("filename", Text, nullable=False),
    Column("sha256", Text, nullable=False),
    # originals/<sha256><ext>: a name the workspace makes
    Column("original", Text, nullable=False),
    Column("imported_at", Text, nullable=False),
    Column("added", Integer, nullable=False),
    Column("replaced", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    UniqueConstraint("patient_id", "sha256"),
    sqlite_autoincrement=True,
)

log_entries = Table(
    "log_entries", metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Column("patient_id", Text, nullable=False),
    Column("plan_id", Text, nullable=False),
    Column("plan_version", Integer, nullable=False),
    Column("date", Text, nullable=False),
    Column("session", Integer, nullable=False),
    Column("exercise_id", Text, nullable=False),
    Column("json", Text, nullable=False),
    # the import whose corrected entry replaced this one (NULL while it is the current entry)
    Column("replaced_by", Integer, ForeignKey("imports.id")),
    sqlite_autoincrement=True,
)

rejections = Table(
    "rejections", metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Column("patient_id", Text, nullable=False),
    Column("json", Text, nullable=False),
    sqlite_autoincrement=True,
)

#: who did what and when, one row per write (append-only)
audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Text, nullable=False),
    Column("who", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("patient_id", Text),
    Column("detail", Text, nullable=False),
    sqlite_autoincrement=True,
)

red_flag_notes = Table(
    "red_flag_notes", metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Column("patient_id", Text, nullable=False),
    Column("plan_id", Text, nullable=False),
    Column("level", Text, nullable=False),
    Column("date", Text),
    # what makes two notes the same (an identical row in a corrected re-send is not a new red flag)
    Column("same_key", Text, nullable=False),
    Column("json", Text, nullable=False),
    sqlite_autoincrement=True,
)

red_flag_acks = Table(
    "red_flag_acks", metadata,
    Column("id", Integer, primary_key=True),
    Column("note_id", Integer, ForeignKey("red_flag_notes.id"), nullable=False, unique=True),
    Column("patient_id", Text, nullable=False),
    Column("json", Text, nullable=False),
    sqlite_autoincrement=True,
)

check_answers = Table(
    "check_answers", metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False),
    Column("patient_id", Text, nullable=False),
    Column("plan_id", Text, nullable=False),
    Column("json", Text, nullable=False),
    sqlite_autoincrement=True,
)

measure_results = Table(
    "measure_results", metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Text, ForeignKey("patients.id"), nullable=False),
    Column("measure_id", Text, nullable=False),
    Column("date", Text, nullable=False),
    # the answers as typed and their score
    Column("json", Text, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", Text, nullable=False),
    sqlite_autoincrement=True,
)

#: Kept originals when the workspace has no folder for them (a clinic's server database): name -> bytes.
original_files = Table(
    "original_files", metadata,
    Column("name", Text, primary_key=True),
    Column("sha256", Text, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

#: The clinic's staff: a login (the hub's user name) -> the name written on plans and in the trail, and a role.
staff = Table(
    "staff", metadata,
    Column("login", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("role", Text, CheckConstraint("role IN ('lead', 'therapist')"), nullable=False),
)

#: The tables holding the clinic's records, parents before children (the order a copy inserts them).
RECORD_TABLES = (meta, patients, patient_history, plans, imports, log_entries, rejections, audit, red_flag_notes,
                 red_flag_acks, check_answers, measure_results, original_files, staff)


def schema_state(con: Connection) -> tuple[int | None, str | None]:
    """(meta.schema_version, Alembic revision) of a database; (None, None) for one without our tables."""
    names = set(inspect(con).get_table_names())
    if "meta" not in names:
        return None, None
    row = con.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    version = int(row[0]) if row else None
    revision = None
    if "alembic_version" in names:
        revision = con.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return version, revision


def upgrade(con: Connection) -> None:
    """Inside a write transaction: run every migration this workspace lacks (all of them for a new one)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = con
    command.upgrade(cfg, "head")
