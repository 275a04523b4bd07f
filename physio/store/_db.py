"""Opening a workspace and talking to its database: honest states (read-only, busy, network share, server down).

Two kinds of database, one store (SQLAlchemy Core): SQLite in the workspace folder (the default), or a clinic's
PostgreSQL by address (`--database URL`, PHYSIO_DATABASE_URL, or Workspace(folder, database_url=...)).
Reading never waits for a writer. Writing takes the workspace's write lock at once (SQLite: BEGIN IMMEDIATE;
PostgreSQL: a transaction-scoped advisory lock), waits a few seconds for another writer, then says the workspace
is busy. Every write is one transaction: all of it is stored, or none of it.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..errors import WorkspaceError
from ._engines import (BUSY_TIMEOUT_MS, DATABASE_URL_ENV, server_engine, server_url, shown, sqlite_connect,
                       sqlite_engine)
from ._fs import filesystem_type, is_network_filesystem
from ._schema import DB_NAME, HEAD_REVISION, ORIGINALS, SCHEMA_VERSION, schema_state, upgrade

#: The key of PostgreSQL's advisory lock that plays SQLite's write lock: one writer at a time per database.
WRITE_LOCK_KEY = 7_413_370_016


def default_workspace_folder() -> Path:
    """PHYSIO_WORKSPACE if set, else ./workspace."""
    return Path(os.environ.get("PHYSIO_WORKSPACE") or "workspace")


def _folder_writable(folder: Path, db: Path) -> bool:
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not db.exists() or os.access(db, os.W_OK)


class Database:
    """The workspace's database and the connections to it; the Workspace builds on this.

    `folder` holds workspace.sqlite and originals/ (SQLite), or only what is exported (PostgreSQL: the records
    and the kept originals are in the server's database)."""

    def __init__(self, folder: str | Path | None = None, database_url: str | None = None):
        self.folder = Path(folder) if folder is not None else default_workspace_folder()
        url = database_url if database_url is not None else os.environ.get(DATABASE_URL_ENV, "").strip() or None
        #: The clinic's server database (None: SQLite in the folder).
        self.server = server_url(url) if url else None
        self.db_path = self.folder / DB_NAME
        self.originals = self.folder / ORIGINALS
        #: True for a server database: returned originals are kept in it, not in a folder.
        self.originals_in_database = self.server is not None
        self.read_only = False
        self._ready = False  # True once the tables are up to date
        if self.server is not None:
            self._engine: Engine = server_engine(self.server)
        else:
            self._prepare_folder()
            self._refuse_network_share()
            #: True when the folder or database cannot be written: reading works, every write is refused.
            self.read_only = not _folder_writable(self.folder, self.db_path)
            self._engine = sqlite_engine(self._sqlite_connection)
        self._open_schema()
        self._ready = True

    @property
    def where(self) -> str:
        """The workspace in words for messages: its folder, or the server database's address (no password)."""
        return shown(self.server) if self.server is not None else str(self.folder)

    @property
    def dialect(self) -> str:
        return "postgresql" if self.server is not None else "sqlite"

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
        if self.server is None and self.read_only and not self.db_path.exists():
            raise WorkspaceError(
                f"the folder {self.folder} is read-only and holds no workspace yet; choose a folder you can write to"
            )
        try:
            with self._read() as con:
                if self.server is None and not self.read_only:
                    mode = con.exec_driver_sql("PRAGMA journal_mode").scalar()
                    if mode.lower() != "wal":
                        con.exec_driver_sql("PRAGMA journal_mode = WAL")
                version, revision = schema_state(con)
        except WorkspaceError as e:
            if self.server is not None:
                raise
            cause = e.__cause__ or e
            raise WorkspaceError(f"{self.db_path} is not a workspace database: {getattr(cause, 'orig', cause)}") from e
        self._check_version(version, revision)
        if revision == HEAD_REVISION:
            return
        if self.read_only:
            raise WorkspaceError(
                f"{self.db_path} is read-only and was made by an older physio; open it once with write access "
                "so it can be updated"
            )
        with self._write() as con:
            version, revision = schema_state(con)  # again inside the lock: another process may have done it
            if revision != HEAD_REVISION:
                self._upgrade(con)

    def _check_version(self, version: int | None, revision: str | None) -> None:
        if version is not None and version > SCHEMA_VERSION:
            raise WorkspaceError(
                f"{self._db_words()} was made by a newer physio (schema {version}; this one knows {SCHEMA_VERSION}); "
                "update physio to open it"
            )

    def _upgrade(self, con: Connection) -> None:
        try:
            upgrade(con)
        except SQLAlchemyError:
            raise
        except Exception as e:  # Alembic: a revision this physio does not know
            raise WorkspaceError(f"{self._db_words()} cannot be brought up to date ({e}); update physio to open "
                                 "it") from e

    def _db_words(self) -> str:
        return f"the clinic database {self.where}" if self.server is not None else str(self.db_path)

    # ------------------------------------------------------------ connections

    def _sqlite_connection(self):
        if not self.read_only and not _folder_writable(self.folder, self.db_path):
            self.read_only = True  # write access was taken away while the workspace was open
        return sqlite_connect(self.db_path, self.read_only)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as con:
                yield con
        except DBAPIError as e:
            raise self._database_error(e, "read") from e

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise WorkspaceError(
                f"the workspace {self.folder} is read-only (no permission to write there); it can be read, but "
                "nothing can be stored; ask for write access or work on a copy"
            )

    def _busy(self) -> WorkspaceError:
        return WorkspaceError(f"the workspace {self.where} is busy: another program is storing something in it; "
                              "nothing was stored; try again in a moment")

    @contextmanager
    def _write(self, *, wait: bool = True) -> Iterator[Connection]:
        """One transaction holding the write lock: all of it is stored, or none of it.

        Another process writing: wait up to BUSY_TIMEOUT_MS (or not at all with wait=False), then refuse."""
        self._refuse_if_read_only()
        who = self.who if self._ready and os.environ.get("JUPYTERHUB_USER") else None  # a hub login: its name
        try:
            with self._engine.connect() as con:
                self._take_write_lock(con, wait)
                con.info["physio_who"] = who
                try:
                    yield con
                except BaseException:
                    con.rollback()
                    raise
                con.commit()
        except DBAPIError as e:
            raise self._database_error(e, "write") from e

    def _take_write_lock(self, con: Connection, wait: bool) -> None:
        try:
            if self.server is None:
                if not wait:
                    con.exec_driver_sql("PRAGMA busy_timeout = 0")
                con.exec_driver_sql("BEGIN IMMEDIATE")
                return
            con.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_MS if wait else 1}ms'")
            con.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK_KEY)))
        except DBAPIError as e:
            if _is_lock_wait(e):
                raise self._busy() from None
            raise

    def _database_error(self, e: DBAPIError, doing: str) -> WorkspaceError:
        """One sentence for a database failure: what happened, where, and that nothing was stored."""
        text = str(getattr(e, "orig", e)).strip()
        reason = text.splitlines()[0] if text else "no reason given"
        if _is_lock_wait(e):
            return self._busy()
        if self.server is None:
            if "readonly" in reason:
                return WorkspaceError(f"the workspace {self.folder} is read-only; nothing was stored")
            verb = "read" if doing == "read" else "written"
            return WorkspaceError(f"{self.db_path} could not be {verb}: {reason}")
        nothing = "nothing was stored; " if doing == "write" else ""
        if e.connection_invalidated or _is_connection_failure(e):
            return WorkspaceError(
                f"cannot reach the clinic database {self.where} ({reason}); {nothing}check that the database server "
                f"is running and that the address (--database or {DATABASE_URL_ENV}) is right"
            )
        return WorkspaceError(f"the clinic database {self.where} refused the {doing} ({reason}); {nothing}"
                              "tell whoever looks after the server")


def _sqlstate(e: DBAPIError) -> str | None:
    return getattr(getattr(e, "orig", None), "sqlstate", None)


def _is_lock_wait(e: DBAPIError) -> bool:
    """SQLite's 'database is locked' / 'busy', PostgreSQL's lock_timeout (55P03)."""
    text = str(getattr(e, "orig", e))
    return _sqlstate(e) == "55P03" or "database is locked" in text or "database is busy" in text


def _is_connection_failure(e: DBAPIError) -> bool:
    """The server cannot be reached, or went away: PostgreSQL's connection errors (class 08, 57P0x) or none."""
    state = _sqlstate(e)
    return state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03")
