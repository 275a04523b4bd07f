"""A real PostgreSQL server for the store's tests: started once per test session by the project's own script
(scripts/pg_cluster.py: initdb in a temporary folder, 127.0.0.1 and a free port), stopped at the end.

`store_db` runs a test twice: on SQLite (the workspace folder) and on PostgreSQL (a fresh database per test,
named in PHYSIO_DATABASE_URL, so every Workspace(folder) of the test, its subprocesses included, uses it).
A test that is about SQLite itself (read-only files, network shares, the file's own backup) is marked
`sqlite_only` and runs once.
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("pg_cluster", REPO / "scripts" / "pg_cluster.py")
pg_cluster = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pg_cluster)

TEMPLATE = "physio_template"
_numbers = itertools.count(1)


class PgServer:
    """The running throwaway cluster: its folder, and addresses of databases in it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.url = pg_cluster.start(folder)

    def address(self, database: str) -> str:
        return pg_cluster.url_of(self.folder, database)

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.address("postgres"), autocommit=True) as con:
            con.execute(sql)

    def new_database(self) -> str:
        """A fresh, empty-of-records database with the workspace tables (a copy of the migrated template)."""
        name = f"t{next(_numbers)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.address(name)

    def stop(self, mode: str = "fast") -> None:
        pg_cluster.stop(self.folder, mode)

    def restart(self) -> None:
        pg_cluster.start(self.folder)


@pytest.fixture(scope="session")
def pg_server():
    from physio.store import Workspace
    from physio.store._engines import dispose_server_engines

    folder = Path(tempfile.mkdtemp(prefix="physio-pg-"))
    server = PgServer(folder)
    try:
        server.admin(f"CREATE DATABASE {TEMPLATE}")
        Workspace(folder / "exports", database_url=server.address(TEMPLATE))  # migrates (no folder is made)
        dispose_server_engines()  # a template must have no open connections to be copied
        yield server
    finally:
        dispose_server_engines()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server) -> str:
    """The address of a fresh workspace database on the test server."""
    from physio.store._engines import dispose_server_engines

    url = pg_server.new_database()
    yield url
    dispose_server_engines()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_db(request, monkeypatch):
    """Run the test on SQLite and on PostgreSQL; yields the database kind."""
    if request.param == "postgresql":
        if request.node.get_closest_marker("sqlite_only"):
            pytest.skip("about SQLite's own file (runs once, on SQLite)")
        monkeypatch.setenv("PHYSIO_DATABASE_URL", request.getfixturevalue("pg_url"))
    else:
        monkeypatch.delenv("PHYSIO_DATABASE_URL", raising=False)
    yield request.param
