"""Alembic migrations of the workspace tables (run by physio.store._schema.upgrade when a workspace opens)."""
