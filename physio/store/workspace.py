"""The Workspace: one folder with the patients, every issued plan version, every returned log and who did what.

Records live in SQLite (workspace.sqlite in the folder) or, for a clinic, in its PostgreSQL server (by URL);
the original files patients send back are kept byte for byte, named by their content, under originals/ (SQLite)
or in the server's database. ALL database code of the project lives in this package (SQLAlchemy Core).
Each part is its own module:

  _db        opening the workspace; read-only, busy, network-share and server-down states; transactions
  _engines   connections to SQLite and PostgreSQL
  _schema    the tables; migrations/ (Alembic) bring an older workspace up to date
  _originals the kept originals (folder or database)   _staff  the clinic's staff list, who is writing
  _patients  patients        _plans  issued plans        _imports  returned logs
  _redflags  red flags found in returned logs, weekly-check answers, acknowledgements
  _audit     the audit trail (record_audit, history)
  _measures  outcome-measure results (record_result, results)
  _tidy      leftovers of interrupted work, cleaned up on opening
  _backup    backup and restore              _copy  copying a workspace to a server database (migrate)
  _clinic    the clinic's profile (name, phone) printed on handouts

History is append-only: there is no API to change or delete an issued plan, an import or a log entry.
A corrected re-send does not delete the earlier entries; it marks them as replaced.
"""

from __future__ import annotations

from pathlib import Path

from ._audit import AuditTrail
from ._backup import Backup, restore
from ._clinic import ClinicProfiles
from ._db import Database
from ._imports import Imports
from ._measures import MeasureResults
from ._originals import KeptOriginals
from ._patients import Patients
from ._plans import Plans
from ._redflags import RedFlagRecords
from ._staff import Staff
from ._tidy import Tidy


class Workspace(Database, Patients, Plans, Imports, RedFlagRecords, MeasureResults, AuditTrail, Staff, KeptOriginals,
                Tidy, Backup, ClinicProfiles):
    """A folder holding workspace.sqlite and originals/, or a clinic's server database (database_url, or
    $PHYSIO_DATABASE_URL). Safe to use from several processes at once."""

    def __init__(self, folder: str | Path | None = None, database_url: str | None = None):
        super().__init__(folder, database_url)
        self.tidy()

    def __repr__(self) -> str:
        if self.server is not None:
            return f"Workspace(database_url={self.where!r})"
        return f"Workspace({str(self.folder)!r})"

    def migrate_to(self, database_url: str):
        """Copy this workspace (SQLite, originals included) into an empty server database; returns the proof
        (rows and checksums of every table, the same on both sides). A database with records is refused."""
        from ._copy import migrate

        return migrate(self, database_url)

    @classmethod
    def restore(cls, backup: str | Path, folder: str | Path) -> "Workspace":
        """Bring a backup (made by Workspace.backup) back into `folder`, a new or empty folder."""
        return cls(restore(backup, folder))
