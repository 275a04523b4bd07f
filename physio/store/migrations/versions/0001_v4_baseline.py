"""The tables as physio's schema 4 had them (made by sqlite3 before the migrations existed).

Creates only what is missing, so it also brings a schema 1, 2, 3 or 4 workspace up to date: those versions only
ever added tables and indexes. Frozen: later changes are later migrations.

Revision ID: 0001_v4_baseline
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_v4_baseline"
down_revision = None
branch_labels = None
depends_on = None


def _tables() -> sa.MetaData:
    m = sa.MetaData()
    auto = {"sqlite_autoincrement": True}
    sa.Table("meta", m, sa.Column("key", sa.Text, primary_key=True), sa.Column("value", sa.Text, nullable=False))
    sa.Table("patients", m, sa.Column("id", sa.Text, primary_key=True), sa.Column("json", sa.Text, nullable=False),
             sa.Column("updated_at", sa.Text, nullable=False))
    sa.Table("patient_history", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("patient_id", sa.Text, nullable=False), sa.Column("json", sa.Text, nullable=False),
             sa.Column("replaced_at", sa.Text, nullable=False), **auto)
    sa.Table("plans", m, sa.Column("plan_id", sa.Text, nullable=False),
             sa.Column("version", sa.Integer, sa.CheckConstraint("version >= 1"), nullable=False),
             sa.Column("patient_id", sa.Text, sa.ForeignKey("patients.id"), nullable=False),
             sa.Column("json", sa.Text, nullable=False), sa.Column("issued_by", sa.Text, nullable=False),
             sa.Column("issued_at", sa.Text, nullable=False), sa.UniqueConstraint("plan_id", "version"))
    sa.Table("imports", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("patient_id", sa.Text, sa.ForeignKey("patients.id"), nullable=False),
             sa.Column("plan_id", sa.Text, nullable=False), sa.Column("plan_version", sa.Integer, nullable=False),
             sa.Column("filename", sa.Text, nullable=False), sa.Column("sha256", sa.Text, nullable=False),
             sa.Column("original", sa.Text, nullable=False), sa.Column("imported_at", sa.Text, nullable=False),
             sa.Column("added", sa.Integer, nullable=False), sa.Column("replaced", sa.Integer, nullable=False),
             sa.Column("rejected", sa.Integer, nullable=False), sa.UniqueConstraint("patient_id", "sha256"), **auto)
    sa.Table("log_entries", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=False),
             sa.Column("patient_id", sa.Text, nullable=False), sa.Column("plan_id", sa.Text, nullable=False),
             sa.Column("plan_version", sa.Integer, nullable=False), sa.Column("date", sa.Text, nullable=False),
             sa.Column("session", sa.Integer, nullable=False), sa.Column("exercise_id", sa.Text, nullable=False),
             sa.Column("json", sa.Text, nullable=False),
             sa.Column("replaced_by", sa.Integer, sa.ForeignKey("imports.id")), **auto)
    sa.Table("rejections", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=False),
             sa.Column("patient_id", sa.Text, nullable=False), sa.Column("json", sa.Text, nullable=False), **auto)
    sa.Table("audit", m, sa.Column("id", sa.Integer, primary_key=True), sa.Column("at", sa.Text, nullable=False),
             sa.Column("who", sa.Text, nullable=False), sa.Column("action", sa.Text, nullable=False),
             sa.Column("patient_id", sa.Text), sa.Column("detail", sa.Text, nullable=False), **auto)
    sa.Table("red_flag_notes", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=False),
             sa.Column("patient_id", sa.Text, nullable=False), sa.Column("plan_id", sa.Text, nullable=False),
             sa.Column("level", sa.Text, nullable=False), sa.Column("date", sa.Text),
             sa.Column("same_key", sa.Text, nullable=False), sa.Column("json", sa.Text, nullable=False), **auto)
    sa.Table("red_flag_acks", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("note_id", sa.Integer, sa.ForeignKey("red_flag_notes.id"), nullable=False, unique=True),
             sa.Column("patient_id", sa.Text, nullable=False), sa.Column("json", sa.Text, nullable=False), **auto)
    sa.Table("check_answers", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=False),
             sa.Column("patient_id", sa.Text, nullable=False), sa.Column("plan_id", sa.Text, nullable=False),
             sa.Column("json", sa.Text, nullable=False), **auto)
    sa.Table("measure_results", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("patient_id", sa.Text, sa.ForeignKey("patients.id"), nullable=False),
             sa.Column("measure_id", sa.Text, nullable=False), sa.Column("date", sa.Text, nullable=False),
             sa.Column("json", sa.Text, nullable=False), sa.Column("recorded_by", sa.Text, nullable=False),
             sa.Column("recorded_at", sa.Text, nullable=False), **auto)
    return m


_INDEXES = (
    # schema 2: the current entry of a session is unique per patient and plan (schema 1 keyed it by plan only)
    "DROP INDEX IF EXISTS log_entries_current",
    "CREATE UNIQUE INDEX IF NOT EXISTS log_entries_current_v2 "
    "ON log_entries (patient_id, plan_id, date, session, exercise_id) WHERE replaced_by IS NULL",
    "CREATE INDEX IF NOT EXISTS log_entries_patient ON log_entries (patient_id, plan_id)",
    "CREATE INDEX IF NOT EXISTS audit_patient ON audit (patient_id, id)",
    "CREATE INDEX IF NOT EXISTS red_flag_notes_patient ON red_flag_notes (patient_id, same_key)",
    "CREATE INDEX IF NOT EXISTS measure_results_patient ON measure_results (patient_id, date)",
)


def upgrade() -> None:
    bind = op.get_bind()
    _tables().create_all(bind, checkfirst=True)
    for stmt in _INDEXES:
        op.execute(stmt)
    op.execute("DELETE FROM meta WHERE key = 'schema_version'")
    op.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '4')")
