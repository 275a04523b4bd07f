"""Backup and restore of a whole workspace: the database (SQLite's online backup) and the kept originals.

A backup is a folder that is itself a workspace: workspace.sqlite and originals/. It is consistent even while
others keep working (the online backup copies one snapshot), and it is written under a temporary name and
renamed into place, so an interrupted backup leaves no folder that looks complete.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

from ..errors import WorkspaceError
from ._schema import DB_NAME, ORIGINALS, SCHEMA_VERSION
from ._target import _empty_target, _move_into_place, _staging


def schema_version(con: sqlite3.Connection) -> int | None:
    """The schema version a workspace file says it has (None: not a workspace)."""
    if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def _ro_uri(db: Path) -> str:
    return "file:" + quote(str(db.resolve())) + "?mode=ro"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _originals_of(db: Path) -> list[tuple[str, str]]:
    """(original's name, sha256) of every import recorded in a workspace database."""
    con = sqlite3.connect(_ro_uri(db), uri=True)
    try:
        return [(Path(o).name, s) for o, s in con.execute("SELECT DISTINCT original, sha256 FROM imports")]
    finally:
        con.close()


def _copy_originals(db: Path, src: Path, dest: Path, where: str) -> None:
    (dest / ORIGINALS).mkdir(exist_ok=True)
    for name, sha in _originals_of(db):
        f = src / ORIGINALS / name
        if not f.is_file() or _sha256(f) != sha:
            raise WorkspaceError(f"{where}: the kept original {ORIGINALS}/{name} is missing or damaged; "
                                 "nothing was copied")
        shutil.copy2(f, dest / ORIGINALS / name)


class Backup:
    """The backup part of the Workspace (mixed in; uses its SQLite connection or, for a server, _copy)."""

    def backup(self, dest: str | Path) -> Path:
        """Copy the workspace into `dest` (a new or empty folder) while it may be in use.

        A clinic's server database is copied into a SQLite workspace folder (one consistent snapshot, originals
        as files): a backup any physio opens, and can move back to a server with `physio workspace migrate`."""
        dest = Path(dest)
        if self.server is not None:  # type: ignore[attr-defined]
            from ._copy import backup_server

            return backup_server(self, dest)
        if dest.resolve() == self.folder.resolve() or self.folder.resolve() in dest.resolve().parents:  # type: ignore[attr-defined]
            raise WorkspaceError(f"{dest} is inside the workspace itself; choose a folder outside {self.folder}")  # type: ignore[attr-defined]
        _empty_target(dest, "backup")
        tmp = _staging(dest)
        try:
            src = self._sqlite_connection()  # type: ignore[attr-defined]
            out = sqlite3.connect(tmp / DB_NAME)
            try:
                src.backup(out)
            finally:
                out.close()
                src.close()
            _copy_originals(tmp / DB_NAME, self.folder, tmp, str(self.folder))  # type: ignore[attr-defined]
            _move_into_place(tmp, dest)
        except sqlite3.Error as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise WorkspaceError(f"the backup to {dest} failed: {e}; nothing was written there") from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return dest


def check_backup(src: Path) -> None:
    """Refuse a folder that is not a whole, undamaged workspace backup, saying what is wrong."""
    db = src / DB_NAME
    if not db.is_file():
        raise WorkspaceError(f"{src} holds no {DB_NAME}; it is not a workspace backup")
    try:
        con = sqlite3.connect(_ro_uri(db), uri=True)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            version = schema_version(con)
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise WorkspaceError(f"{db} is not a workspace database ({e}); nothing was restored") from None
    if ok != "ok" or version is None:
        raise WorkspaceError(f"{db} is damaged or not a workspace database; nothing was restored")
    if version > SCHEMA_VERSION:
        raise WorkspaceError(f"{db} was made by a newer physio (schema {version}); update physio to restore it")


def _record_restore(con: sqlite3.Connection, src: Path) -> None:
    """The restored workspace's own trail says when, by whom and from which backup it was brought back."""
    from ._audit import current_user, now

    with con:
        con.execute("INSERT INTO audit (at, who, action, patient_id, detail) VALUES (?, ?, 'restored', NULL, ?)",
                    (now().isoformat(), current_user(), f"from the backup in {src.resolve()}"))


def restore(src: str | Path, folder: str | Path) -> Path:
    """Bring a backup back into `folder` (a new or empty folder); checked whole before anything is written."""
    src, folder = Path(src), Path(folder)
    if not src.is_dir():
        raise WorkspaceError(f"{src} is not a folder; give the backup folder made by `physio workspace backup`")
    check_backup(src)
    _empty_target(folder, "restored workspace")
    tmp = _staging(folder)
    try:
        out = sqlite3.connect(tmp / DB_NAME)
        con = sqlite3.connect(_ro_uri(src / DB_NAME), uri=True)
        try:
            con.backup(out)
            _record_restore(out, src)
        finally:
            con.close()
            out.close()
        _copy_originals(tmp / DB_NAME, src, tmp, str(src))
        _move_into_place(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder
