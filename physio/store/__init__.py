"""The workspace (patients, plans, returned logs, audit trail) and patient files; see workspace.py."""

from ._audit import ACTIONS, AuditEvent
from ._db import default_workspace_folder
from ._engines import BUSY_TIMEOUT_MS, DATABASE_URL_ENV
from ._imports import ImportRecord, ImportResult
from ._measures import StoredResult
from ._originals import clean_filename
from ._schema import DB_NAME, ORIGINALS, SCHEMA_VERSION
from ._staff import ROLES, StaffMember
from .patient_files import read_patient, read_patients
from .workspace import Workspace

__all__ = [
    "Workspace",
    "ImportResult",
    "ImportRecord",
    "StoredResult",
    "AuditEvent",
    "ACTIONS",
    "clean_filename",
    "default_workspace_folder",
    "read_patient",
    "read_patients",
    "DB_NAME",
    "ORIGINALS",
    "SCHEMA_VERSION",
    "BUSY_TIMEOUT_MS",
    "DATABASE_URL_ENV",
    "StaffMember",
    "ROLES",
]
