"""Opening a workspace and talking to its database: honest states (read-only, busy, network share).

Reading never waits for a writer (SQLite's write-ahead log lets readers go on while one process writes).
Writing takes the write lock at once, waits a few seconds for another writer, then says the workspace is busy.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from ..errors import WorkspaceError
from ._fs import filesystem_type, is_network_filesystem
from ._schema import DB_NAME, ORIGINALS, SCHEMA_VERSION, create_or_migrate, schema_version

BUSY_TIMEOUT_MS = 5_000
"""How long a write waits for another process's write before saying the workspace is busy.

Why: issuing or importing takes milliseconds; a few seconds covers a colleague's import without ever
leaving a therapist's screen hanging (team-default)."""


def default_workspace_folder() -> Path:
    """PHYSIO_WORKSPACE if set, else ./workspace."""
    return Path(os.environ.get("PHYSIO_WORKSPACE") or "workspace")


def _folder_writable(folder: Path, db: Path) -> bool:
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not db.exists() or os.access(db, os.W_OK)


class Database:
    """The folder, its database file and the connections to it; the Workspace builds on this."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else default_workspace_folder()
        self.db_path = self.folder / DB_NAME
        self.originals = self.folder / ORIGINALS
        self._prepare_folder()
        self._refuse_network_share()
        #: True when the folder or database cannot be written: reading works, every write is refused.
        self.read_only = not _folder_writable(self.folder, self.db_path)
        self._open_schema()

    # ------------------------------------------------------------ opening

    def _prepare_folder(self) -> None:
        if self.folder.exists() and not self.folder.is_dir():
            raise WorkspaceError(f"{self.folder} is a file, not a folder; choose a folder for the workspace")
        if self.folder.is_dir():
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WorkspaceError(f"cannot create the workspace folder {self.folder}: {e.strerror or e}") from e

    def _refuse_network_share(self) -> None:
        fstype = filesystem_type(self.folder)
        if is_network_filesystem(fstype):
            raise WorkspaceError(
                f"the workspace folder {self.folder} is on a network share ({fstype}), where SQLite cannot lock its "
                "database reliably and records could be lost; keep the workspace on this computer's own disk, or "
                "use the clinic's server database (PostgreSQL) for a workspace shared over the network"
            )

    def _open_schema(self) -> None:
        if self.read_only and not self.db_path.exists():
            raise WorkspaceError(
                f"the folder {self.folder} is read-only and holds no workspace yet; choose a folder you can write to"
            )
        try:
            with self._read() as con:
                if not self.read_only:
                    mode = con.execute("PRAGMA journal_mode").fetchone()[0]
                    if mode.lower() != "wal":
                        con.execute("PRAGMA journal_mode = WAL")
                version = schema_version(con)
        except (WorkspaceError, sqlite3.DatabaseError) as e:
            cause = e.__cause__ or e
            raise WorkspaceError(f"{self.db_path} is not a workspace database: {cause}") from e
        if version is not None and version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self.db_path} was made by a newer physio (schema {version}; this one knows {SCHEMA_VERSION}); "
                "update physio to open it"
            )
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise WorkspaceError(
                f"{self.db_path} is read-only and was made by an older physio; open it once with write access "
                "so it can be updated"
            )
        with self._write() as con:
            create_or_migrate(con)

    # ------------------------------------------------------------ connections

    def _connect(self, *, write: bool = False) -> sqlite3.Connection:
        if not self.read_only and not _folder_writable(self.folder, self.db_path):
            self.read_only = True  # write access was taken away while the workspace was open
        try:
            if self.read_only:
                con = self._connect_read_only()
            else:
                con = sqlite3.connect(self.db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
                con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            con.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as e:
            raise WorkspaceError(f"cannot open {self.db_path}: {e}") from e
        return con

    def _connect_read_only(self) -> sqlite3.Connection:
        """Read-only: through the write-ahead log if its index file exists, else the file as it stands."""
        uri = "file:" + quote(str(self.db_path.resolve()))
        con = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return con
        except sqlite3.OperationalError:
            con.close()
        return sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None)

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            yield con
        except sqlite3.DatabaseError as e:
            raise WorkspaceError(f"{self.db_path} could not be read: {e}") from e
        finally:
            con.close()

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise WorkspaceError(
                f"the workspace {self.folder} is read-only (no permission to write there); it can be read, but "
                "nothing can be stored; ask for write access or work on a copy"
            )

    @contextmanager
    def _write(self, *, wait: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction that takes the write lock at once: all of it is stored, or none of it.

        Another process writing: wait up to BUSY_TIMEOUT_MS (or not at all with wait=False), then refuse."""
        self._refuse_if_read_only()
        con = self._connect(write=True)
        try:
            if not wait:
                con.execute("PRAGMA busy_timeout = 0")
            try:
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as e:
                if "locked" in str(e) or "busy" in str(e):
                    raise WorkspaceError(
                        f"the workspace {self.folder} is busy: another program is storing something in it; nothing "
                        f"was stored; try again in a moment"
                    ) from None
                raise
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            if "readonly" in str(e):
                raise WorkspaceError(
                    f"the workspace {self.folder} is read-only; nothing was stored"
                ) from e
            raise WorkspaceError(f"{self.db_path} could not be written: {e}") from e
        finally:
            con.close()
