"""Copying a whole workspace between databases: moving up to the clinic's server, and backing a server up.

`migrate` copies a SQLite workspace (records and kept originals) into an empty server database, in one
transaction, and proves the copy: the number of rows and a checksum of every table, read back from both sides,
and every kept original's SHA-256 against the one recorded at import. Any difference: nothing is kept.
`backup_server` copies a server database (one consistent snapshot) into a new SQLite workspace folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from .._atomic import write_atomic
from ..errors import WorkspaceError
from ..models._base import Frozen
from ._schema import ORIGINALS, RECORD_TABLES, imports, meta, original_files
from ._target import _empty_target, _move_into_place, _staging

#: Tables whose rows are copied as they are (the kept originals go their own way: files or the blob table).
_ROW_TABLES = tuple(t for t in RECORD_TABLES if t is not original_files)


class TableProof(Frozen):
    """One table (or the kept originals) on both sides: rows and a checksum of their content."""

    name: str
    rows: int
    checksum: str


class CopyProof(Frozen):
    """What a copy can show: for every table the same count and checksum on both sides."""

    source: str
    target: str
    tables: list[TableProof]

    def lines(self) -> list[str]:
        width = max(len(t.name) for t in self.tables)
        return [f"  {t.name:<{width}}  {t.rows:>7}  sha256 {t.checksum[:16]}" for t in self.tables]


def _order(table):
    return list(table.primary_key.columns) or list(table.columns)


def _checksum(con: Connection, table) -> TableProof:
    digest, rows = hashlib.sha256(), 0
    for row in con.execute(select(table).order_by(*_order(table))):
        digest.update(json.dumps(list(row), ensure_ascii=False, default=str).encode("utf-8") + b"\n")
        rows += 1
    return TableProof(name=table.name, rows=rows, checksum=digest.hexdigest())


def _kept_originals(con: Connection) -> list[tuple[str, str]]:
    """(name, sha256) of every kept original the imports name, by name."""
    rows = con.execute(select(imports.c.original, imports.c.sha256).distinct()).all()
    return sorted({(Path(o).name, s) for o, s in rows})


def _originals_proof(pairs: list[tuple[str, bytes]]) -> TableProof:
    digest = hashlib.sha256()
    for name, content in sorted(pairs):
        digest.update(f"{name} {hashlib.sha256(content).hexdigest()}\n".encode())
    return TableProof(name=ORIGINALS, rows=len(pairs), checksum=digest.hexdigest())


def _read_original(ws, con: Connection, name: str, sha: str) -> bytes:
    if ws.originals_in_database:
        content = con.execute(select(original_files.c.content).where(original_files.c.name == name)).scalar()
        content = bytes(content) if content is not None else None
    else:
        path = ws.originals / name
        content = path.read_bytes() if path.is_file() else None
    if content is None or hashlib.sha256(content).hexdigest() != sha:
        raise WorkspaceError(f"{ws.where}: the kept original {ORIGINALS}/{name} is missing or damaged; nothing was "
                             "copied")
    return content


def _copy_rows(src: Connection, dst: Connection) -> list[TableProof]:
    proofs = []
    for table in _ROW_TABLES:
        rows = [r._asdict() for r in src.execute(select(table).order_by(*_order(table)))]
        if table is meta:
            dst.execute(delete(meta))
        if rows:
            dst.execute(insert(table), rows)
        proofs.append(_checksum(src, table))
    return proofs


def _restart_numbering(dst: Connection) -> None:
    """PostgreSQL: the next id of each table after the copied ones (SQLite keeps its own count)."""
    if dst.dialect.name != "postgresql":
        return
    for table in _ROW_TABLES:
        if "id" in table.c and table.c.id.primary_key and table.c.id.type.python_type is int:
            dst.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE(MAX(id), 1), "
                f"MAX(id) IS NOT NULL) FROM {table.name}")


def _refuse_non_empty(con: Connection, where: str) -> None:
    filled = [t.name for t in RECORD_TABLES
              if t is not meta and con.execute(select(func.count()).select_from(t)).scalar()]
    if filled:
        raise WorkspaceError(f"the database {where} already holds records (in {', '.join(filled)}); physio copies a "
                             "workspace only into an empty database, so nothing was copied; create a new database "
                             "for the clinic")


def migrate(source, target_url: str) -> CopyProof:
    """Copy the workspace `source` (SQLite) into the empty server database at `target_url`; returns the proof."""
    if source.server is not None:
        raise WorkspaceError(f"the workspace {source.where} is already in a server database; `physio workspace "
                             "migrate` copies a workspace folder (SQLite) to the clinic's server")
    target = type(source)(source.folder, database_url=target_url)  # the folder: where the target's exports go
    if target.server is None:
        raise WorkspaceError("give the clinic's server database as postgresql://user:password@host:port/database")
    with source._read() as src, target._write() as dst:
        src.exec_driver_sql("BEGIN")  # one snapshot of the source while it is read
        _refuse_non_empty(dst, target.where)
        proofs = _copy_rows(src, dst)
        _restart_numbering(dst)
        copied = []
        for name, sha in _kept_originals(src):
            content = _read_original(source, src, name, sha)
            dst.execute(insert(original_files).values(name=name, sha256=sha, content=content))
            copied.append((name, content))
        source_proof = proofs + [_originals_proof(copied)]
        target_proof = _proof_of(target, dst)
        if target_proof != source_proof:
            wrong = [s.name for s, t in zip(source_proof, target_proof) if s != t]
            raise WorkspaceError(f"the copy in {target.where} differs from {source.where} in {', '.join(wrong)}; "
                                 "nothing was kept")
    return CopyProof(source=source.where, target=target.where, tables=source_proof)


def _proof_of(ws, con: Connection) -> list[TableProof]:
    proofs = [_checksum(con, t) for t in _ROW_TABLES]
    pairs = [(name, _read_original(ws, con, name, sha)) for name, sha in _kept_originals(con)]
    return proofs + [_originals_proof(pairs)]


def backup_server(ws, dest: Path) -> Path:
    """A server workspace copied into `dest` (a new or empty folder) as a SQLite workspace, originals as files."""
    _empty_target(dest, "backup")
    tmp = _staging(dest)
    try:
        copy = type(ws)(tmp, database_url="")  # a workspace of the same kind, as a SQLite folder
        with ws._read() as src, copy._write() as dst:
            src.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one consistent snapshot
            _copy_rows(src, dst)
            (tmp / ORIGINALS).mkdir(exist_ok=True)
            for name, sha in _kept_originals(src):
                write_atomic(tmp / ORIGINALS / name, _read_original(ws, src, name, sha), error=WorkspaceError)
        copy._engine.dispose()
        _move_into_place(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest
