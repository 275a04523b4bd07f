"""Connections to the two kinds of workspace database: SQLite in the folder, or a clinic's PostgreSQL by URL.

SQLite: one connection per read or write (no pool), as sqlite3 makes it: write-ahead log, a busy timeout, and a
read-only fallback when the folder cannot be written. PostgreSQL: one small pool per address and process, its
connections checked before use, so a server that restarted is simply reconnected to.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from ..errors import WorkspaceError

BUSY_TIMEOUT_MS = 5_000
"""How long a write waits for another process's write before saying the workspace is busy.

Why: issuing or importing takes milliseconds; a few seconds covers a colleague's import without ever
leaving a therapist's screen hanging (team-default)."""

CONNECT_TIMEOUT_S = 5
"""How long opening a connection to the clinic's server may take before physio says it cannot be reached.

Why: a server on the clinic's own network answers in milliseconds; a few seconds tell a therapist at once that
it is down instead of leaving the screen hanging (team-default)."""

#: The environment variable naming the clinic's server database (same as `--database`).
DATABASE_URL_ENV = "PHYSIO_DATABASE_URL"

_POSTGRES = ("postgresql", "postgres", "postgresql+psycopg")
_server_engines: dict[tuple[int, str], Engine] = {}


def server_url(text: str) -> URL:
    """The clinic database's address, checked: postgresql://user:password@host:port/database."""
    try:
        url = make_url(text.strip())
    except (ArgumentError, ValueError):
        url = None
    if url is None or url.drivername not in _POSTGRES or not url.database:
        raise WorkspaceError(
            f"'{shown(text)}' is not a database address physio can use; write it as "
            "postgresql://user:password@host:port/database"
        )
    return url.set(drivername="postgresql+psycopg")


def shown(url: str | URL) -> str:
    """An address fit for a message: the password never shown."""
    try:
        return make_url(url).render_as_string(hide_password=True) if not isinstance(url, URL) else \
            url.set(drivername=url.drivername.split("+")[0]).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return str(url).split("@")[-1]


def server_engine(url: URL) -> Engine:
    """The pool of connections to a clinic's PostgreSQL (one per address and process)."""
    key = (os.getpid(), url.render_as_string(hide_password=False))
    engine = _server_engines.get(key)
    if engine is None:
        engine = create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=8,
                               connect_args={"connect_timeout": CONNECT_TIMEOUT_S,
                                             "application_name": "physio"})
        _server_engines[key] = engine
    return engine


def sqlite_engine(connect: Callable[[], sqlite3.Connection]) -> Engine:
    """An engine over sqlite3 connections made by `connect` (no pool: each use opens the file afresh)."""
    engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _foreign_keys(dbapi_con, _record) -> None:
        dbapi_con.execute("PRAGMA foreign_keys = ON")

    return engine


def sqlite_connect(db_path: Path, read_only: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (physio begins its own transactions: BEGIN IMMEDIATE to write)."""
    if not read_only:
        con = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                              check_same_thread=False)
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return con
    # read-only: through the write-ahead log if its index file exists, else the file as it stands
    uri = "file:" + quote(str(db_path.resolve()))
    con = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return con
    except sqlite3.OperationalError:
        con.close()
    return sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None, check_same_thread=False)


def dispose_server_engines() -> None:
    """Close every pooled server connection of this process (tests; before copying a database)."""
    for engine in _server_engines.values():
        engine.dispose()
    _server_engines.clear()
