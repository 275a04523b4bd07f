"""A clinic's server: kept originals inside the database (no shared folder needed) and the staff list.

Revision ID: 0002_clinic_server
Revises: 0001_v4_baseline
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_clinic_server"
down_revision = "0001_v4_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "original_files",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "staff",
        sa.Column("login", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, sa.CheckConstraint("role IN ('lead', 'therapist')"), nullable=False),
    )
    op.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
