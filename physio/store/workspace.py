"""The Workspace: one folder with the patients, every issued plan version, every returned log and who did what.

Records live in SQLite (workspace.sqlite); the original files patients send back are kept byte for byte
under originals/, named by their content. ALL SQL of the project lives in this package, so that a server
database can replace SQLite later without touching anything else. Each part is its own module:

  _db        opening the folder; read-only, busy and network-share states; connections
  _schema    the tables, and bringing an older workspace up to date
  _patients  patients        _plans  issued plans        _imports  returned logs
  _redflags  red flags found in returned logs, weekly-check answers, acknowledgements
  _audit     the audit trail (record_audit, history)
  _measures  outcome-measure results (record_result, results)
  _tidy      leftovers of interrupted work, cleaned up on opening
  _backup    backup and restore
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
from ._patients import Patients
from ._plans import Plans
from ._redflags import RedFlagRecords
from ._tidy import Tidy


class Workspace(Database, Patients, Plans, Imports, RedFlagRecords, MeasureResults, AuditTrail, Tidy, Backup,
                ClinicProfiles):
    """A folder holding workspace.sqlite and originals/. Safe to use from several processes at once."""

    def __init__(self, folder: str | Path | None = None):
        super().__init__(folder)
        self.tidy()

    def __repr__(self) -> str:
        return f"Workspace({str(self.folder)!r})"

    @classmethod
    def restore(cls, backup: str | Path, folder: str | Path) -> "Workspace":
        """Bring a backup (made by Workspace.backup) back into `folder`, a new or empty folder."""
        return cls(restore(backup, folder))
